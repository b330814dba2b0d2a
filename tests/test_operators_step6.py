"""Step 6 picks the operator from the current list of accredited operators (page and API); the
agreement's operator is kept in the task data and per application; МО РЭЦ acts for an operator
without access, and the history says so (3.10); an operator's user sees only its applications."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from app.api import tokens
from app.deadlines.sweep import fire_due_timers
from app.demo.samples import sample
from app.extensions import db
from app.models import ApplicationOperator, AuditEvent, Timer
from app.operators import accreditation, registry
from app.workflow.instances import get_instance, inspect_instance
from tests.conftest import login
from tests.form_posts import as_post
from tests.helpers import complete, task_named
from tests.test_operators import AGREEMENT, PDF, at_agreement, make_operator, model  # noqa: F401  (fixture)

AFTER_AGREEMENT = ["Согласование Услуги в МО РЭЦ", "Формирование детализированной Дорожной карты",
                   "Согласование детализированной Дорожной карты", "Реализация Дорожной карты",
                   "Завершение Заявки: загрузка подписанного Акта"]


def agreement_post(operator_id) -> dict:
    """The step 6 form as a browser posts it, with the signed scan attached."""
    posted = as_post("agreement", {k: v for k, v in sample("agreement", operator_id=operator_id).items()
                                   if k not in ("agreement_scan", "operator_name")})
    return {**posted.to_dict(), "agreement_scan": (io.BytesIO(PDF), "agreement.pdf")}


def options_of(html: str) -> list[str]:
    select_html = html[html.index('name="operator_id"'):]
    select_html = select_html[:select_html.index("</select>")]
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select_html)


def test_the_step6_list_holds_only_accredited_operators_and_loses_a_suspended_one(client, users, model):
    first = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    second = make_operator("АО «Глобал Маркет»", 1, accredited=True)
    make_operator("ООО «Урал Трейд»", 2)  # registered, not accredited
    task = task_named(at_agreement(), AGREEMENT)
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert options_of(page) == [(str(second.id), "АО «Глобал Маркет»"), (str(first.id), "ООО «Экспорт Онлайн»")]
    accreditation.decide(second, "suspend", "Истекла лицензия", actor="mo@test.ru")
    page = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert options_of(page) == [(str(first.id), "ООО «Экспорт Онлайн»")]


def test_the_page_refuses_a_suspended_or_unknown_operator_on_its_field(client, users, model):
    suspended = make_operator("АО «Глобал Маркет»", 1, accredited=True)
    accreditation.decide(suspended, "suspend", "Истекла лицензия", actor="mo@test.ru")
    make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    instance = at_agreement()
    task = task_named(instance, AGREEMENT)
    login(client, "cpe77@test.ru")
    for value, message in [(suspended.id, "Оператор АО «Глобал Маркет» не аккредитован (статус «Аккредитация "
                                          "приостановлена»)"),
                           (999, "Такого Оператора нет в реестре")]:
        response = client.post(f"/tasks/{task.task_id}", data=agreement_post(value), content_type="multipart/form-data")
        assert response.status_code == 422
        errors = re.findall(r'id="f-operator_id-error" role="alert">([^<]+)', response.get_data(as_text=True))
        assert len(errors) == 1 and errors[0].startswith(message)
    assert task_named(get_instance(instance.id), AGREEMENT)  # still open
    assert db.session.get(ApplicationOperator, instance.id) is None


def test_an_accredited_operator_is_kept_with_its_name_and_named_on_the_card(client, users, model):
    chosen = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    instance = at_agreement()
    task = task_named(instance, AGREEMENT)
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task.task_id}", data=agreement_post(chosen.id), content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    data = inspect_instance(get_instance(instance.id)).data
    assert (data["operator_id"], data["operator_name"]) == (chosen.id, "ООО «Экспорт Онлайн»")
    link = db.session.get(ApplicationOperator, instance.id)
    assert (link.operator_id, link.task_id) == (chosen.id, task.task_id)
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert f'Оператор <a href="/operators/{chosen.id}">ООО «Экспорт Онлайн»</a>' in card


def test_the_api_offers_and_accepts_only_accredited_operators(client, users, model):
    chosen = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    pending = make_operator("ООО «Урал Трейд»", 2)
    instance = at_agreement()
    task = task_named(instance, AGREEMENT)
    headers = {"Authorization": f"Bearer {tokens.issue(users['cpe77'], 'тест')[1]}"}
    form = client.get(f"/api/v1/tasks/{task.task_id}", headers=headers).get_json()["form_schema"]
    assert (form["properties"]["operator_id"]["enum"], form["properties"]["operator_id"]["x-enum-titles"]) == (
        [chosen.id], ["ООО «Экспорт Онлайн»"])
    upload = client.post(f"/api/v1/tasks/{task.task_id}/documents", headers=headers, content_type="multipart/form-data",
                         data={"field": "agreement_scan", "file": (io.BytesIO(PDF), "agreement.pdf")}).get_json()
    body = sample("agreement", agreement_scan=upload["value"])
    del body["operator_name"]
    refused = client.post(f"/api/v1/tasks/{task.task_id}/complete", headers=headers,
                          json={"data": {**body, "operator_id": pending.id}})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["field"] == "operator_id" and "ООО «Урал Трейд» не аккредитован" in error["message"]
    done = client.post(f"/api/v1/tasks/{task.task_id}/complete", headers=headers,
                       json={"data": {**body, "operator_id": chosen.id}})
    assert done.status_code == 200, done.get_json()
    assert inspect_instance(get_instance(instance.id)).data["operator_name"] == "ООО «Экспорт Онлайн»"
    assert db.session.get(ApplicationOperator, instance.id).operator_id == chosen.id


def at_first_sales_report(clock, operator):
    instance = complete(at_agreement(), AGREEMENT, operator_id=operator.id, operator_name=operator.name)
    for name in AFTER_AGREEMENT:
        instance = complete(instance, name)
    timer = db.session.scalar(select(Timer).where(Timer.instance_id == instance.id, Timer.kind == "report_period"))
    clock.set(timer.due_at + timedelta(seconds=1))
    fire_due_timers(clock.now())
    return get_instance(instance.id)


def test_mo_rec_files_the_report_for_an_operator_without_access_and_the_card_says_so(client, users, model, clock):
    operator = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    assert not registry.has_access(operator)
    instance = at_first_sales_report(clock, operator)
    task = task_named(instance, "Направление первого Отчёта о продажах")
    login(client, "mo@test.ru")
    response = client.post(f"/tasks/{task.task_id}", data=as_post("sales_report", sample("sales_report")))
    assert response.status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.task_id == task.task_id,
                                                       AuditEvent.action == "completed"))
    assert (event.actor, event.on_behalf_of) == ("mo@test.ru", "operator")
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert "МО РЭЦ <span class=\"muted\">МО РЭЦ от имени Оператора ООО «Экспорт Онлайн»</span>" in card


def test_an_operator_user_sees_only_the_applications_its_agreements_name(app, client, users, model, clock,
                                                                         fast_hashing):
    from app.accounts import create_user
    from app.roles import Role
    ours = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    theirs = make_operator("АО «Глобал Маркет»", 1, accredited=True)
    create_user("op@test.ru", "Оператор Экспорт Онлайн", "correct-horse-42", {Role.OPERATOR})
    registry.link_user(ours, "op@test.ru", actor="mo@test.ru")
    mine = at_first_sales_report(clock, ours)
    other = complete(at_agreement(), AGREEMENT, operator_id=theirs.id, operator_name=theirs.name)
    unassigned = at_agreement()
    login(client, "op@test.ru")
    listing = client.get("/applications").get_data(as_text=True)
    assert f'href="/applications/{mine.id}"' in listing
    assert f'href="/applications/{other.id}"' not in listing and f'href="/applications/{unassigned.id}"' not in listing
    assert client.get(f"/applications/{other.id}").status_code == 404
    report = task_named(mine, "Направление первого Отчёта о продажах")
    tasks = client.get("/tasks?section=available").get_data(as_text=True)
    assert f'href="/tasks/{report.task_id}"' in tasks
    response = client.post(f"/tasks/{report.task_id}", data=as_post("sales_report", sample("sales_report")))
    assert response.status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.task_id == report.task_id,
                                                       AuditEvent.action == "completed"))
    assert (event.actor, event.on_behalf_of) == ("op@test.ru", None)
