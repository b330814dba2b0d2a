"""Complaints (3.8(14)): client → ЦПЭ registers → ЦПЭ answers → the client reads the answer, as the
process bpmn/complaint.bpmn, with region isolation and deadlines on the virtual clock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import Breach, ProcessInstance
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance
from tests.conftest import ROOT, login, moscow
from tests.form_posts import as_post
from tests.helpers import complete, statuses, task_named

SUBMIT, REGISTER, ANSWER = "Подача жалобы", "Регистрация жалобы", "Рассмотрение жалобы и ответ Клиенту"


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def filed_by_client(client) -> ProcessInstance:
    """The client opens a complaint and sends its form through the pages."""
    login(client, "client77@test.ru")
    response = client.post("/complaints/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/tasks/")
    complaint = db.session.scalars(select(ProcessInstance).where(ProcessInstance.process_id == "complaint")).one()
    sent = client.post(response.headers["Location"], data=as_post("complaint_submission", {
        "measure": "marketplace_support", "subject": "Нарушен срок проверки",
        "description": "Заявку № 5 не проверили за 2 рабочих дня"}))
    assert sent.status_code == 303
    client.post("/logout")
    return get_instance(complaint.id)


def test_a_complaint_goes_from_the_client_to_the_cpe_and_back_with_the_answer(client, users, model):
    complaint = filed_by_client(client)
    assert (complaint.region, complaint.company_inn) == ("77", "7707083893")
    register = task_named(complaint, REGISTER)
    assert (register.role, register.region, register.step) == ("cpe", "77", "Ж1")

    login(client, "cpe77@test.ru")
    assert register.task_id in client.get("/tasks?section=available").get_data(as_text=True)
    assert "Нарушен срок проверки" in client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    task_page = client.get(f"/tasks/{register.task_id}").get_data(as_text=True)
    assert "Жалоба Клиента, поданная" in task_page and "Заявку № 5 не проверили за 2 рабочих дня" in task_page
    assert client.post(f"/tasks/{register.task_id}", data=as_post("complaint_registration", {
        "registration_number": "Ж-77/001", "registered_on": "2025-10-31"})).status_code == 303
    answer = task_named(get_instance(complaint.id), ANSWER)
    assert client.post(f"/tasks/{answer.task_id}", data=as_post("complaint_answer", {
        "outcome": "partly_upheld", "answer": "Заявка проверена 05.11.2025, срок нарушен на 1 р.д."})).status_code == 303
    client.post("/logout")

    complaint = get_instance(complaint.id)
    assert complaint.state == "completed"
    assert statuses(complaint) == ["Черновик", "Подана в ЦПЭ", "На рассмотрении ЦПЭ", "Ответ направлен"]
    login(client, "client77@test.ru")
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "Жалоба обоснована частично" in page and "срок нарушен на 1 р.д." in page and "Ж-77/001 от 31.10.2025" in page
    assert "Ответ направлен" in client.get("/complaints/").get_data(as_text=True)


def test_another_regions_cpe_and_another_company_do_not_see_the_complaint(client, users, model):
    complaint = filed_by_client(client)
    register = task_named(complaint, REGISTER)
    login(client, "cpe66@test.ru")
    assert register.task_id not in client.get("/tasks?section=all").get_data(as_text=True)
    assert client.get(f"/tasks/{register.task_id}").status_code == 404
    assert client.get(f"/complaints/{complaint.id}").status_code == 404
    assert "Нарушен срок" not in client.get("/complaints/").get_data(as_text=True)
    client.post("/logout")
    login(client, "client66@test.ru")
    assert client.get(f"/complaints/{complaint.id}").status_code == 404


def test_staff_cannot_file_a_complaint_and_strangers_do_not_reach_the_pages(client, users, model):
    login(client, "cpe77@test.ru")
    assert client.post("/complaints/").status_code == 403
    assert client.get("/complaints/").status_code == 200


def test_registration_and_answer_deadlines_breach_on_the_working_day_calendar(client, users, model, clock):
    complaint = filed_by_client(client)
    register = task_named(complaint, REGISTER)  # ready on Friday 31.10.2025
    assert register.normative_due == moscow(2025, 11, 1, 23, 59, 59)  # the working Saturday
    clock.set(register.normative_due + timedelta(seconds=1))
    fire_due_timers(clock.now())
    assert db.session.scalars(select(Breach.step).where(Breach.instance_id == complaint.id)).all() == ["Ж1"]

    complaint = complete(get_instance(complaint.id), REGISTER)  # registered on Sunday 02.11, late
    answer = task_named(complaint, ANSWER)
    # 10 working days after 02.11: 05–07, 10–14, 17, 18 November (03.11 and 04.11 are days off)
    assert answer.normative_due == moscow(2025, 11, 18, 23, 59, 59)
    assert answer.indicative_due == moscow(2025, 11, 13, 23, 59, 59)
    clock.set(answer.indicative_due + timedelta(seconds=1))
    fire_due_timers(clock.now())
    assert task_named(get_instance(complaint.id), ANSWER).warned_at == clock.now()
    clock.set(answer.normative_due)
    fire_due_timers(clock.now())
    assert len(db.session.scalars(select(Breach).where(Breach.instance_id == complaint.id)).all()) == 1
    clock.set(answer.normative_due + timedelta(seconds=1))
    fire_due_timers(clock.now())
    breach = db.session.scalars(select(Breach).where(Breach.instance_id == complaint.id, Breach.step == "Ж2")).one()
    assert (breach.region, breach.due_at, breach.breached_at) == ("77", answer.normative_due, clock.now())
