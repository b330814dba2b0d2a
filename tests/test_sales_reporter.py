"""Who files the sales reports is in the agreement (table 5.9, rows 14–15: «Оператор/Клиент в
зависимости от условий Соглашения»): step 6 names the party, steps 14 and 15 go to it — the client
in its account, the operator in its task list (МО РЭЦ on its behalf) — and the ЦПЭ accepts or
returns each report (3.8(13)); a return goes back to the same party with the ЦПЭ's comment, and
only accepted reports count in the sales register. On the virtual clock of the report periods."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.api import tokens
from app.demo.samples import sample
from app.extensions import db
from app.forms.schema import FieldError, validate
from app.models import SalesReport, User
from app.operators import registry
from app.roles import Role
from app.sales import totals
from app.workflow.deployments import current_deployment, model_of
from app.workflow.instances import get_instance
from tests.conftest import login, moscow
from tests.form_posts import as_post
from tests.helpers import assert_restores, complete, open_tasks, task_named
from tests.test_act import ACT, GOODS, at_act, model, new_application  # noqa: F401  (model is a fixture)
from tests.test_operators import make_operator
from tests.test_sales import (FIRST_ACCEPTANCE, FIRST_REPORT, REGULAR_ACCEPTANCE, REGULAR_REPORT, RESPONSIBLE, TMALL,
                              add_report, next_report_period, row)

RETURN_COMMENT = "Нет ссылки на страницу товара: укажите её и приложите подписанный скан"
NOT_YET = "Ссылка указывает на каталог, а не на товар"


@pytest.fixture
def operator(users):
    """An accredited operator whose account works in Vitrina (so nobody stands in for it)."""
    from app.accounts import create_user
    chosen = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    create_user("op@test.ru", "Татьяна Егорова", "correct-horse-42", {Role.OPERATOR})
    registry.link_user(chosen, "op@test.ru", actor="mo@test.ru")
    return chosen


def at_first_report(clock, operator, **agreement):
    instance = at_act(operator_id=operator.id, operator_name=operator.name, **agreement)
    return next_report_period(complete(instance, ACT, act_goods=GOODS), clock)  # 01.01.2026


def api_get(client, user, path):
    return client.get(path, headers={"Authorization": f"Bearer {tokens.issue(user, 'тест')[1]}"})


def page_as(client, email, path):
    client.post("/logout")
    login(client, email)
    return client.get(path)


def report_of(first_link: str, period_end: str) -> dict:
    return {"period_end": period_end, "responsible": RESPONSIBLE,
            "sales": [row("Мёд цветочный, 250 г", "Tmall Global", first_link, 10, 1000, 1000)]}


def test_every_report_and_acceptance_task_notifies_its_performers_and_the_lanes_follow_the_agreement(model):
    elements = {e.id: e for c in model_of(current_deployment()).catalogs.values() for e in c.elements.values()}
    lanes = {"step_14_first_report": "Оператор", "step_14_client_report": "Клиент",
             "step_15_regular_report": "Оператор", "step_15_client_report": "Клиент",
             "step_14_acceptance": "ЦПЭ", "step_15_acceptance": "ЦПЭ"}
    for element_id, lane in lanes.items():
        element = elements[element_id]
        assert (element.lane, element.properties.get("notify"), element.properties["step"]) == (
            lane, "performers", element_id[5:7])
    assert elements["step_14_client_report"].properties["form"] == "sales_report"
    assert elements["step_14_acceptance"].properties["form"] == "sales_acceptance"


def test_with_the_client_named_the_report_is_in_the_clients_account_not_the_operators_list(
        client, users, model, clock, operator):
    instance = at_first_report(clock, operator, sales_reporter="client")
    report = task_named(instance, FIRST_REPORT)
    assert report.role == "client"
    assert report.normative_due == moscow(2026, 1, 23, 23, 59, 59)  # report_days = 10 working days
    # The client's account: «Ваши действия» and its API task list.
    my = page_as(client, "client77@test.ru", "/my").get_data(as_text=True)
    assert f'href="/tasks/{report.task_id}">{FIRST_REPORT}</a>' in my
    listed = api_get(client, users["client77"], "/api/v1/tasks").get_json()["items"]
    assert sorted((t["name"], t["role"]) for t in listed) == [(FIRST_REPORT, "client"),
                                                             ("Подтверждение факта оказания услуги", "client")]
    assert report.task_id in {t["id"] for t in listed}
    # Neither the operator nor МО РЭЦ on its behalf has it.
    tasks = page_as(client, "op@test.ru", "/tasks?section=available").get_data(as_text=True)
    assert f'href="/tasks/{report.task_id}"' not in tasks
    assert client.get(f"/tasks/{report.task_id}").status_code == 403
    op_user = db.session.scalar(select(User).where(User.email == "op@test.ru"))
    assert report.task_id not in {t["id"] for t in api_get(client, op_user, "/api/v1/tasks").get_json()["items"]}
    assert page_as(client, "mo@test.ru", f"/tasks/{report.task_id}").status_code == 403


def test_the_cpe_returns_the_clients_report_once_with_a_comment_and_accepts_the_correction(
        client, users, model, clock, operator):
    instance = at_first_report(clock, operator, sales_reporter="client")
    report = task_named(instance, FIRST_REPORT)
    response = page_as(client, "client77@test.ru", f"/tasks/{report.task_id}")
    assert response.status_code == 200
    filed = report_of("https://tmall.example/catalog", "2026-01-01")
    response = client.post(f"/tasks/{report.task_id}", data=as_post("sales_report", filed))
    assert response.status_code == 303 and response.headers["Location"].endswith("/my")
    instance = get_instance(instance.id)
    acceptance = task_named(instance, FIRST_ACCEPTANCE)
    assert acceptance.role == "cpe" and acceptance.normative_due is None  # the regulation sets no term
    # The ЦПЭ sees the report it decides on and returns it, with a remark on a field.
    page = page_as(client, "cpe77@test.ru", f"/tasks/{acceptance.task_id}").get_data(as_text=True)
    assert 'https://tmall.example/catalog' in page
    clock.set(moscow(2026, 1, 15, 11, 0))
    returned = sample("sales_acceptance", decision="remarks", comment=RETURN_COMMENT,
                      field_remarks=[{"field": "sales", "remark": NOT_YET}])
    response = client.post(f"/tasks/{acceptance.task_id}", data=as_post("sales_acceptance", returned))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    # Back to the same party, the client, with report_days counted afresh from the return.
    instance = get_instance(instance.id)
    rework = task_named(instance, FIRST_REPORT)
    assert rework.role == "client" and rework.task_id != report.task_id
    assert rework.normative_due == moscow(2026, 1, 29, 23, 59, 59)
    page = page_as(client, "client77@test.ru", f"/tasks/{rework.task_id}").get_data(as_text=True)
    assert "Замечания ЦПЭ к отчёту" in page and RETURN_COMMENT in page and NOT_YET in page
    assert 'value="https://tmall.example/catalog"' in page  # it opens as it was filed
    detail = api_get(client, users["client77"], f"/api/v1/tasks/{rework.task_id}").get_json()
    assert detail["remarks"]["comment"] == RETURN_COMMENT
    assert detail["remarks"]["fields"] == [{"field": "sales", "title": "Результаты по товарам", "remarks": [NOT_YET]}]
    assert detail["initial_data"]["sales"][0]["link"] == "https://tmall.example/catalog"
    # The returned report is in the register as filed, not counted.
    [first] = db.session.scalars(select(SalesReport)).all()
    assert (first.state, first.reviewed_by, first.review_comment) == ("returned", "cpe77@test.ru", RETURN_COMMENT)
    assert totals.products(users["mo"]) == []
    response = client.post(f"/tasks/{rework.task_id}", data=as_post("sales_report", report_of(TMALL, "2026-01-01")))
    assert response.status_code == 303
    instance = complete(get_instance(instance.id), FIRST_ACCEPTANCE, actor="cpe77@test.ru", decision="approve")
    assert [t.name for t in open_tasks(instance)] == ["Подтверждение факта оказания услуги"]
    reports = db.session.scalars(select(SalesReport).order_by(SalesReport.id)).all()
    assert [(r.state, r.submitted_by, r.lines[0].link) for r in reports] == [
        ("returned", "client77@test.ru", "https://tmall.example/catalog"), ("accepted", "client77@test.ru", TMALL)]
    [product] = totals.products(users["mo"])
    assert (product.link, product.reports) == (TMALL, 1)
    card = page_as(client, "client77@test.ru", f"/applications/{instance.id}").get_data(as_text=True)
    assert "Возвращён на доработку" in card and RETURN_COMMENT in card and "Принят ЦПЭ" in card
    # The next period's report is the client's again, and starts afresh: no remarks, no old figures.
    instance = next_report_period(instance, clock)
    regular = task_named(instance, REGULAR_REPORT)
    assert regular.role == "client"
    page = client.get(f"/tasks/{regular.task_id}").get_data(as_text=True)
    assert "Замечания ЦПЭ к отчёту" not in page and 'value="2026-01-01"' not in page
    complete(complete(instance, REGULAR_REPORT, actor="client77@test.ru"), REGULAR_ACCEPTANCE, decision="approve")
    assert_restores(instance)


def test_with_the_operator_named_the_report_goes_to_the_operator_as_before(client, users, model, clock, operator):
    instance = at_first_report(clock, operator)  # the agreement's default: the operator reports
    report = task_named(instance, FIRST_REPORT)
    assert report.role == "operator"
    tasks = page_as(client, "op@test.ru", "/tasks?section=available").get_data(as_text=True)
    assert f'href="/tasks/{report.task_id}"' in tasks
    my = page_as(client, "client77@test.ru", "/my").get_data(as_text=True)
    assert f'href="/tasks/{report.task_id}"' not in my
    assert client.get(f"/tasks/{report.task_id}").status_code == 403
    assert [t["name"] for t in api_get(client, users["client77"], "/api/v1/tasks").get_json()["items"]] == [
        "Подтверждение факта оказания услуги"]
    page_as(client, "op@test.ru", f"/tasks/{report.task_id}")
    response = client.post(f"/tasks/{report.task_id}", data=as_post("sales_report", report_of(TMALL, "2026-01-01")))
    assert response.status_code == 303
    # A return goes back to the operator, not to the client.
    instance = complete(get_instance(instance.id), FIRST_ACCEPTANCE, decision="remarks", comment=RETURN_COMMENT)
    rework = task_named(instance, FIRST_REPORT)
    assert rework.role == "operator"
    page = page_as(client, "op@test.ru", f"/tasks/{rework.task_id}").get_data(as_text=True)
    assert RETURN_COMMENT in page
    instance = complete(instance, FIRST_REPORT, actor="op@test.ru")
    complete(instance, FIRST_ACCEPTANCE, decision="approve")
    assert [r.state for r in db.session.scalars(select(SalesReport).order_by(SalesReport.id))] == [
        "returned", "accepted"]


def test_the_agreement_names_the_reporter_and_refuses_an_unknown_one_on_its_field():
    assert validate("agreement", sample("agreement", sales_reporter="client")) == []
    assert [e.field for e in validate("agreement", sample("agreement", sales_reporter="bank"))] == ["sales_reporter"]
    signed = sample("agreement")
    del signed["sales_reporter"]
    assert validate("agreement", signed) == [FieldError("sales_reporter", "Обязательное поле")]


def test_reports_awaiting_acceptance_or_returned_do_not_count(users, model):
    instance = new_application()
    accepted = add_report(instance, date(2026, 1, 1), [row("Мёд", "Tmall Global", TMALL, 1, 100, 100)])
    for state in ("submitted", "returned"):
        later = add_report(instance, date(2026, 2, 1), [row("Мёд", "Tmall Global", TMALL, 9, 900, 900)])
        later.state = state
    db.session.commit()
    [product] = totals.products(users["mo"])
    assert (product.transactions_total, product.last_period_end, product.reports) == (1, accepted.period_end, 1)


@pytest.mark.parametrize("reporter,told", [("client", ["client77@test.ru"]), ("operator", ["op@test.ru"])])
def test_the_report_due_is_told_to_whoever_the_agreement_names_with_its_date(users, model, clock, operator,
                                                                             reporter, told):
    from app.dates import fmt_date
    from app.models import Notification
    instance = at_first_report(clock, operator, sales_reporter=reporter)
    report = task_named(instance, FIRST_REPORT)
    rows = db.session.scalars(select(Notification).where(
        Notification.event_key.like(f"notice:{instance.id}:{report.task_id}:%"))).all()
    assert sorted(r.recipient for r in rows) == told
    assert all(fmt_date(report.normative_due) in r.body for r in rows)
