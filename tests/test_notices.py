"""Hand-off notices declared in the model (``notify``): for every row of table 5.9 that hands work
to another role or says someone is told, the right people of the right region are told once,
with the date that matters in the text."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import create_user
from app.dates import fmt_date
from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import Notification, User
from app.notifications import preferences
from app.notifications.digest import send_due_digests
from app.notifications.delivery import deliver_pending
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import PASSWORD, ROOT, login, moscow
from tests.helpers import complete, task_named
from tests.test_regulation_paths import (ACT, AGREEMENT, CHECK, CONFIRMATION, CRM, EXECUTION, MO_APPROVAL,
                                         MO_REMARKS, ORIGINALS, REFUSE_2_2, REWORK, ROADMAP, ROADMAP_APPROVAL,
                                         ROADMAP_CORRECTION, SELECTION, SERVICE_APPROVAL, SERVICE_REMARKS)

CPE = "cpe77@test.ru"
MO = "mo@test.ru"


@pytest.fixture
def people(users):
    ops = create_user("ops@test.ru", "Учёт ОПС", PASSWORD, {Role.OPS_REC})
    return {**users, "ops": ops}


@pytest.fixture
def application(app, people):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    return start_process("marketplace_support", actor="client77@test.ru", region="77",
                         company_name="ООО «Ромашка»", company_inn="7707083893")


def notices(instance, notice: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.instance_id == instance.id)
    if notice:
        query = query.where(Notification.event_key.like(f"%:{notice}"))
    return db.session.scalars(query.order_by(Notification.id)).all()


def told(instance, notice: str) -> list[str]:
    return sorted(n.recipient for n in notices(instance, notice))


def one(instance, notice: str, recipient: str) -> Notification:
    [row] = [n for n in notices(instance, notice) if n.recipient == recipient]
    return row


def submitted(application):
    return complete(application, "Подача Заявки", actor="client77@test.ru")


def approved_by_mo(application):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="approve")
    return complete(instance, MO_APPROVAL, actor=MO, decision="approve")


def test_a_new_application_tells_the_regions_cpe_with_the_deadline_and_nobody_else(application):
    instance = submitted(application)
    assert told(instance, "task_ready") == ["cpe77@test.ru", "head.cpe77@test.ru"]
    row = one(instance, "task_ready", CPE)
    due = task_named(instance, CHECK).normative_due
    assert fmt_date(due) == "05.11.2025" and "05.11.2025" in row.body  # Fri 31.10 + 2 working days
    assert row.kind == "task" and row.link == f"/tasks/{task_named(instance, CHECK).task_id}"
    assert "Проверка Заявки в ЦПЭ" in row.subject and "№ " in row.subject


def test_remarks_reach_the_client_with_the_remarks_and_the_date_of_refusal(application):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="remarks",
                        comment="Приложите доверенность подписанта")
    assert told(instance, "remarks") == ["client77@test.ru"]
    row = one(instance, "remarks", "client77@test.ru")
    wait = task_named(instance, REWORK).wait_due
    assert "Приложите доверенность подписанта" in row.body
    assert f"не позднее {fmt_date(wait)}" in row.body and "отказом" in row.body
    # The client's answer hands the application back to the check: the ЦПЭ hears of it.
    instance = complete(instance, REWORK, actor="client77@test.ru")
    assert len(notices(instance, "task_ready")) == 4  # both of the region, for each of the two checks


def test_the_client_who_does_not_answer_is_told_of_the_refusal(application, clock):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="remarks", comment="Нет устава")
    clock.set(task_named(instance, REWORK).wait_due + timedelta(seconds=1))
    fire_due_timers(clock.now())
    instance = get_instance(instance.id)
    assert told(instance, "client_refusal") == ["client77@test.ru"]
    assert "Отказ Клиента" in one(instance, "client_refusal", "client77@test.ru").body


def test_a_refusal_tells_the_client_the_reason_and_offers_the_consultation(application):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="reject", comment="Не МСП")
    instance = complete(instance, REFUSE_2_2, actor=CPE, refusal_reason="Компания не является субъектом МСП")
    [row] = notices(instance, "refusal")
    assert row.recipient == "client77@test.ru" and row.kind == "refusal"
    assert "Компания не является субъектом МСП" in row.body and "Консультация" in row.body


def test_mo_rec_hears_of_an_approved_check_and_the_cpe_of_mo_recs_approval(application):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="approve")
    assert told(instance, "task_ready") == ["cpe77@test.ru", "head.cpe77@test.ru",
                                            "head.mo@test.ru", "mo@test.ru"]
    instance = complete(instance, MO_APPROVAL, actor=MO, decision="approve", comment="Замечаний нет")
    # The employee who sent the check hears of the approval; the rest of the region of the new task.
    approved = one(instance, "approved", CPE)
    assert "Согласование Заявки в МО РЭЦ" in approved.body and "Замечаний нет" in approved.body
    assert [n.recipient for n in notices(instance, "task_ready") if n.body.count(ORIGINALS)] == [
        "head.cpe77@test.ru"]
    # The client is told which originals to send and by when.
    originals = one(instance, "originals", "client77@test.ru")
    assert fmt_date(task_named(instance, ORIGINALS).wait_due) in originals.body
    assert "почтой или курьером" in originals.body


def test_mo_rec_remarks_go_back_to_the_cpe_who_sent_them_then_to_the_client(application):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="approve")
    instance = complete(instance, MO_APPROVAL, actor=MO, decision="remarks", comment="Уточните ОКВЭД")
    returned = one(instance, "returned", CPE)
    assert "Уточните ОКВЭД" in returned.body
    assert fmt_date(task_named(instance, MO_REMARKS).normative_due) in returned.body
    instance = complete(instance, MO_REMARKS, actor=CPE)
    assert "Уточните ОКВЭД" in one(instance, "remarks", "client77@test.ru").body


def test_passing_the_selection_is_told_to_the_client(application):
    instance = complete(approved_by_mo(application), ORIGINALS, actor=CPE)
    instance = complete(instance, SELECTION, actor=CPE, decision="approve")
    assert told(instance, "selection_passed") == ["client77@test.ru"]
    assert "прошла отбор" in one(instance, "selection_passed", "client77@test.ru").subject


def test_service_and_roadmap_approvals_and_returns_go_back_to_the_cpe(application):
    instance = complete(approved_by_mo(application), ORIGINALS, actor=CPE)
    instance = complete(instance, SELECTION, actor=CPE, decision="approve")
    instance = complete(instance, AGREEMENT, actor=CPE, decision="approve")
    instance = complete(instance, SERVICE_APPROVAL, actor=MO, decision="remarks", comment="Нет подписи Оператора")
    assert "Нет подписи Оператора" in one(instance, "returned", CPE).body
    instance = complete(instance, SERVICE_REMARKS, actor=CPE)
    instance = complete(instance, SERVICE_APPROVAL, actor=MO, decision="approve")
    assert ROADMAP in notices(instance, "approved")[-1].body
    instance = complete(instance, ROADMAP, actor=CPE)
    instance = complete(instance, ROADMAP_APPROVAL, actor=MO, decision="remarks", comment="Сдвиньте сроки")
    assert ROADMAP_CORRECTION in notices(instance, "returned")[-1].body
    instance = complete(instance, ROADMAP_CORRECTION, actor=CPE)
    instance = complete(instance, ROADMAP_APPROVAL, actor=MO, decision="approve")
    assert EXECUTION in notices(instance, "approved")[-1].body
    # Each event told each person once: returns and approvals by the task they belong to.
    keys = [(n.event_key, n.recipient) for n in notices(instance)]
    assert len(keys) == len(set(keys))


def test_the_client_is_asked_to_confirm_the_service_with_the_act_then_ops_rec_records_it(application):
    instance = complete(approved_by_mo(application), ORIGINALS, actor=CPE)
    for name, actor, data in [(SELECTION, CPE, {"decision": "approve"}), (AGREEMENT, CPE, {"decision": "approve"}),
                              (SERVICE_APPROVAL, MO, {"decision": "approve"}), (ROADMAP, CPE, {}),
                              (ROADMAP_APPROVAL, MO, {"decision": "approve"}), (EXECUTION, CPE, {}),
                              (ACT, CPE, {})]:
        instance = complete(instance, name, actor=actor, **data)
    row = one(instance, "confirmation", "client77@test.ru")
    assert "подписан Акт от" in row.body
    assert fmt_date(task_named(instance, CONFIRMATION).normative_due) in row.body
    instance = complete(instance, CONFIRMATION, actor="client77@test.ru")
    assert [n.recipient for n in notices(instance, "task_ready") if CRM in n.subject] == ["ops@test.ru"]


def test_a_notice_removed_from_the_model_is_no_longer_sent_by_new_applications(application, tmp_path):
    bundle = read_bundle(ROOT / "bpmn")
    name = "marketplace_support.bpmn"
    xml = bundle[name].decode()
    changed = xml.replace('value="client:selection_passed; performers"', 'value="performers"')
    assert changed != xml
    deploy_bundle({**bundle, name: changed.encode()}, actor="owner")
    newer = start_process("marketplace_support", actor="client77@test.ru", region="77",
                          company_name="ООО «Ромашка»", company_inn="7707083893")
    for instance in (application, newer):
        instance = complete(approved_by_mo(instance), ORIGINALS, actor=CPE)
        complete(instance, SELECTION, actor=CPE, decision="approve")
    assert told(application, "selection_passed") == ["client77@test.ru"]  # pinned to the old version
    assert told(newer, "selection_passed") == []
    assert told(newer, "task_ready")  # the rest of the model's notices still go


def test_the_remarks_email_arrives_with_a_link_that_opens_the_rework(app, application, client, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example"
    instance = complete(submitted(application), CHECK, actor=CPE, decision="remarks", comment="Нет устава")
    db.session.commit()
    deliver_pending(app.config["VITRINA_CLOCK"].now())
    [mail] = [m for m in inbox.messages if m["To"] == "client77@test.ru"]
    assert mail["Subject"].startswith("Замечания по заявке №")
    text = mail.get_content()
    assert "Нет устава" in text
    link = re.search(r"https://vitrina\.example(/tasks/[0-9a-f-]+)", text).group(1)
    assert link == f"/tasks/{task_named(instance, REWORK).task_id}"
    login(client, "client77@test.ru")
    page = client.get(link)
    assert page.status_code == 200 and "Нет устава" in page.get_data(as_text=True)


def test_the_clients_pages_say_what_to_do_while_the_application_waits_for_them(application, client):
    instance = complete(submitted(application), CHECK, actor=CPE, decision="remarks", comment="Нет устава")
    db.session.commit()
    login(client, "client77@test.ru")
    wait = fmt_date(task_named(instance, REWORK).wait_due)
    for page in ("/my", f"/applications/{instance.id}"):
        text = client.get(page).get_data(as_text=True)
        assert "Нет устава" in text and f"не позднее {wait}" in text
    # The history names the ЦПЭ's employee by name and organisation, never by e-mail.
    assert "ЦПЭ Москва (ЦПЭ, г. Москва)" in text and CPE not in text
    instance = complete(instance, REWORK, actor="client77@test.ru")
    instance = complete(instance, CHECK, actor=CPE, decision="approve")
    instance = complete(instance, MO_APPROVAL, actor=MO, decision="approve")
    db.session.commit()
    text = client.get("/my").get_data(as_text=True)
    assert "Нет устава" not in text  # answered: no longer what is asked
    assert "почтой или курьером" in text and fmt_date(task_named(instance, ORIGINALS).wait_due) in text


def test_a_digest_user_gets_fridays_hand_offs_in_one_email_on_the_working_saturday(app, application, clock, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    user = db.session.scalar(select(User).where(User.email == "head.cpe77@test.ru"))
    preferences.save(user.id, {"task": "digest", "case": "digest"}, clock.now())
    first = submitted(application)  # Friday 31.10.2025 10:00: step 2 for the region
    second = start_process("marketplace_support", actor="client77@test.ru", region="77",
                           company_name="ООО «Ромашка»", company_inn="7707083893")
    clock.advance(hours=5)
    submitted(second)
    db.session.commit()
    deliver_pending(clock.now())
    assert [m for m in inbox.messages if m["To"] == user.email] == []  # nothing at once
    clock.set(moscow(2025, 11, 1, 9, 0))  # Saturday 01.11.2025 is a working day
    send_due_digests(clock.now())
    [letter] = [m for m in inbox.messages if m["To"] == user.email]
    text = letter.get_content()
    assert text.count("Новая задача: Проверка Заявки в ЦПЭ") == 2
    assert f"заявка № {first.id}" in text and f"заявка № {second.id}" in text
