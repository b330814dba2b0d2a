"""The sales report pages when the agreement names the client as reporter: the client finds the
first report under «Ваши действия», the ЦПЭ's acceptance page shows the report and returns it
with a comment, and the client's rework shows the comment on top and the report as filed. Each
page at 1366 and 390 px, on a virtual clock past the first report period (01.01.2026)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.calendar import MOSCOW
from app.clock import VirtualClock
from app.deadlines.sweep import fire_due_timers
from app.demo.samples import sample
from app.demo.seed import seed_demo_operators
from app.extensions import db
from app.models import OpenTask
from app.workflow.instances import complete_task, start_process
from app.workflow.runtime import runtime
from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser

TO_REPORT = [("step_1_submit", "client77@demo.ru", {}), ("step_2_check", "cpe77@demo.ru", {"decision": "approve"}),
             ("step_3_approval", "mo@demo.ru", {"decision": "approve"}), ("step_4_originals", "cpe77@demo.ru", {}),
             ("step_5_selection", "cpe77@demo.ru", {"decision": "approve"})]
AFTER_AGREEMENT = [("step_7_approval", "mo@demo.ru", {"decision": "approve"}), ("step_8_roadmap", "cpe77@demo.ru", {}),
                   ("step_9_approval", "mo@demo.ru", {"decision": "approve"}),
                   ("step_10_execution", "cpe77@demo.ru", {}), ("step_11_act", "cpe77@demo.ru", {})]
COMMENT = "Укажите ссылку на страницу товара, а не на каталог площадки"


@pytest.fixture
def extra_config():
    return {"VITRINA_CLOCK": VirtualClock(datetime(2025, 10, 31, 10, 0, tzinfo=MOSCOW))}


def _do(instance_id: int, element_id: str, actor: str, data: dict) -> None:
    task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id,
                                                    OpenTask.element_id == element_id))
    complete_task(instance_id, task.task_id, sample(task.form, **data), actor=actor)


def _task_id(app, instance_id: int, element_id: str) -> str:
    with app.app_context():
        task_id = db.session.scalar(select(OpenTask.task_id).where(OpenTask.instance_id == instance_id,
                                                                   OpenTask.element_id == element_id))
        db.session.remove()
    assert task_id, f"no open {element_id}"
    return task_id


def _filed_by_the_client(app) -> int:
    """An application whose agreement names the client as reporter, its first report filed."""
    with app.app_context():
        operator = seed_demo_operators()[0]
        instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                 company_name="ООО «Ромашка»", company_inn="7707083893")
        for element_id, actor, data in TO_REPORT:
            _do(instance.id, element_id, actor, data)
        _do(instance.id, "step_6_agreement", "cpe77@demo.ru",
            {"operator_id": operator.id, "operator_name": operator.name, "sales_reporter": "client"})
        for element_id, actor, data in AFTER_AGREEMENT:
            _do(instance.id, element_id, actor, data)
        clock = runtime().clock
        clock.set(datetime(2026, 1, 1, 0, 0, 1, tzinfo=MOSCOW))
        fire_due_timers(clock.now())
        instance_id = instance.id
        db.session.remove()
    return instance_id


def test_the_client_files_the_report_the_cpe_returns_it_and_the_client_sees_why(live_server, new_page, page_errors,
                                                                                 shots):  # noqa: F811
    application = _filed_by_the_client(live_server.app)
    client = new_page("client77")
    login_in_browser(client, live_server, "client77@demo.ru")
    client.goto(live_server("/my"))
    client.get_by_role("link", name="Направление первого Отчёта о продажах").click()
    client.wait_for_url("**/tasks/*")
    assert client.locator("h1").inner_text() == "Направление первого Отчёта о продажах"
    shots(client, "sales-report-client")
    with live_server.app.app_context():
        _do(application, "step_14_client_report", "client77@demo.ru",
            {"sales": [{**sample("sales_report")["sales"][0], "link": "https://tmall.example/catalog"}]})
        db.session.remove()

    cpe = new_page("cpe77")
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    cpe.goto(live_server(f"/tasks/{_task_id(live_server.app, application, 'step_14_acceptance')}"))
    assert cpe.locator("h1").inner_text() == "Приёмка первого Отчёта о продажах"
    assert "https://tmall.example/catalog" in cpe.locator("#sales_report").inner_text()
    shots(cpe, "sales-acceptance")
    cpe.get_by_label("Вернуть на доработку").check()
    cpe.locator("#f-comment").fill(COMMENT)
    with cpe.expect_navigation():
        cpe.get_by_role("button", name="Отправить").click()

    client.goto(live_server("/my"))
    client.get_by_role("link", name="Направление первого Отчёта о продажах").click()
    client.wait_for_url("**/tasks/*")
    top = client.locator("#remarks-to-fix").inner_text()
    assert "Замечания ЦПЭ к отчёту" in top and COMMENT in top and "Анна Соколова" in top
    assert "@demo.ru" not in client.locator("main").inner_text()
    shots(client, "sales-report-rework")
    assert not page_errors, page_errors
