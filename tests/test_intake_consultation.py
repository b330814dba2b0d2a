"""The consultation service filed by the client (5.2): instead of an application when intake is
closed, and on request during or after scoring with the same questionnaire."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo.samples import sample
from app.tasks.drafts import save_draft
from app.extensions import db
from app.intake.windows import save_window
from app.models import ProcessInstance
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, inspect_instance, start_process
from tests.conftest import ROOT, login
from tests.helpers import complete, ready, statuses, task_named

QUESTIONNAIRE = "Подача Заявки"


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


@pytest.fixture
def application(model, users):
    return start_process("marketplace_support", actor="client77@test.ru", region="77",
                         company_name="ООО «Ромашка»", company_inn="7707083893")


def consultations() -> list[ProcessInstance]:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.process_id == "consultation")
                              .order_by(ProcessInstance.id)).all()


def test_a_requested_consultation_goes_to_mo_rec_with_the_questionnaire(client, users, application):
    instance = complete(application, QUESTIONNAIRE)
    login(client, "client77@test.ru")
    assert f'action="/my/applications/{instance.id}/consultation"' in client.get("/my").get_data(as_text=True)
    response = client.post(f"/my/applications/{instance.id}/consultation")
    assert response.status_code == 303 and response.headers["Location"] == "/my"
    [consultation] = consultations()
    assert (consultation.parent_id, consultation.region, consultation.company_inn) == (instance.id, "77", "7707083893")
    assert consultation.application_status == "На рассмотрении МО РЭЦ"
    assert statuses(consultation) == ["На рассмотрении МО РЭЦ"]  # never "offered": the client asked
    assert ready(consultation) == ["Проведение консультации"]
    assert task_named(consultation, "Проведение консультации").role == "mo_rec"
    request = inspect_instance(consultation).data["request"]
    assert request["requested"] is True and request["application_id"] == instance.id
    assert request["questionnaire"]["application_questionnaire"] == sample("application_questionnaire")
    assert get_instance(instance.id).application_status == "На рассмотрении ЦПЭ"  # the application goes on


def test_during_the_questionnaire_the_clients_draft_is_what_is_sent(client, users, application):
    login(client, "client77@test.ru")
    task = task_named(application, QUESTIONNAIRE)
    save_draft(task.task_id, users["client77"].id, {"company_name": "ООО «Ромашка»", "target_countries": "Китай"})
    assert client.post(f"/my/applications/{application.id}/consultation").status_code == 303
    [consultation] = consultations()
    answers = inspect_instance(consultation).data["request"]["questionnaire"]
    assert answers == {"application_questionnaire": {"company_name": "ООО «Ромашка»", "target_countries": "Китай"}}


def test_a_second_request_while_one_runs_is_refused_and_nothing_empty_is_sent(client, users, application):
    login(client, "client77@test.ru")
    refused = client.post(f"/my/applications/{application.id}/consultation", follow_redirects=True)
    assert "Сначала заполните анкету" in refused.get_data(as_text=True) and consultations() == []
    complete(application, QUESTIONNAIRE)
    client.post(f"/my/applications/{application.id}/consultation")
    again = client.post(f"/my/applications/{application.id}/consultation", follow_redirects=True)
    assert "уже запрошена" in again.get_data(as_text=True)
    assert len(consultations()) == 1


def test_another_companys_application_cannot_be_used(client, users, application):
    complete(application, QUESTIONNAIRE)
    login(client, "client66@test.ru")
    assert client.post(f"/my/applications/{application.id}/consultation").status_code == 404
    assert consultations() == []


def test_with_intake_closed_the_client_files_the_consultation_and_describes_the_questions(client, users, model):
    save_window(users["admin"], None, region="77", opens_on="2025-12-01", closes_on="2025-12-31")
    login(client, "client77@test.ru")
    closed = client.post("/my/applications").get_data(as_text=True)
    assert 'action="/my/consultation"' in closed
    response = client.post("/my/consultation")
    [consultation] = consultations()
    first = task_named(consultation, "Подача заявки на консультацию")
    assert response.status_code == 303 and response.headers["Location"] == f"/tasks/{first.task_id}"
    assert consultation.parent_id is None and consultation.application_status == "Предложена Клиенту"
    assert inspect_instance(consultation).data["offer"]["reason"] == "intake_closed"
    consultation = complete(consultation, "Подача заявки на консультацию")
    assert ready(consultation) == ["Проведение консультации"]


def test_the_refusal_offer_still_starts_on_its_own_message(users, application):
    instance = complete(complete(application, QUESTIONNAIRE), "Проверка Заявки в ЦПЭ", decision="reject",
                        comment="Не МСП")
    complete(instance, "Отказ в предоставлении продукта")
    [offer] = consultations()
    assert offer.parent_id == instance.id and ready(offer) == ["Подача заявки на консультацию"]
