"""Decision pages in the browser: step 7 shows the agreement МО РЭЦ approves (operator, number,
dates, the scan to open), step 13 the Act and the client's rating; the card lists the case file.
Each page is looked at 1366 and 390 px wide: nothing makes the whole page scroll sideways.

Screenshots go to ``tmp_path`` (or to ``$VITRINA_SCREENSHOTS`` when set, to look at them).
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.applications.documents import store_upload
from app.demo.samples import sample
from app.demo.seed import seed_demo_operators
from app.extensions import db
from app.models import OpenTask
from app.workflow.forms import form_of
from app.workflow.instances import complete_task, get_instance, start_process
from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser

SCAN = b"%PDF-1.4\n% the signed agreement\n%%EOF\n"



def _task(instance_id: int, element_id: str) -> OpenTask:
    return db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id,
                                                    OpenTask.element_id == element_id))


def _do(instance_id: int, element_id: str, actor: str, **changes) -> OpenTask:
    task = _task(instance_id, element_id)
    complete_task(instance_id, task.task_id, sample(task.form, **changes), actor=actor)
    return task


def _at_step_7(app) -> int:
    """An application of ООО «Ромашка» up to МО РЭЦ's approval of the service, with a real scan."""
    with app.app_context():
        operator = seed_demo_operators()[0]
        instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                 company_name="ООО «Ромашка»", company_inn="7707083893")
        _do(instance.id, "step_1_submit", "client77@demo.ru")
        _do(instance.id, "step_2_check", "cpe77@demo.ru", decision="approve")
        _do(instance.id, "step_3_approval", "mo@demo.ru", decision="approve")
        _do(instance.id, "step_4_originals", "cpe77@demo.ru")
        _do(instance.id, "step_5_selection", "cpe77@demo.ru", decision="approve")
        task = _task(instance.id, "step_6_agreement")
        spec = form_of(get_instance(instance.id), task.form)["properties"]["agreement_scan"]
        scan = store_upload(FileStorage(io.BytesIO(SCAN), "Соглашение С-12.pdf", content_type="application/pdf"),
                            instance_id=instance.id, task_id=task.task_id, field="agreement_scan", spec=spec,
                            uploaded_by="cpe77@demo.ru")
        _do(instance.id, "step_6_agreement", "cpe77@demo.ru", operator_id=operator.id, operator_name=operator.name,
            agreement_scan=str(scan.id))
        instance_id = instance.id
        db.session.remove()
    return instance_id


def _to_step_13(app, instance_id: int) -> None:
    with app.app_context():
        _do(instance_id, "step_7_approval", "mo@demo.ru", decision="approve")
        _do(instance_id, "step_8_roadmap", "cpe77@demo.ru")
        _do(instance_id, "step_9_approval", "mo@demo.ru", decision="approve")
        _do(instance_id, "step_10_execution", "cpe77@demo.ru")
        _do(instance_id, "step_11_act", "cpe77@demo.ru")
        _do(instance_id, "step_12_confirmation", "client77@demo.ru", rating=4, feedback="Всё сделали в срок")
        db.session.remove()


def open_step(page, live_server, instance_id: int, element_id: str) -> None:
    with live_server.app.app_context():
        task_id = _task(instance_id, element_id).task_id
        db.session.remove()
    page.goto(live_server(f"/tasks/{task_id}"))


def test_the_step_7_page_shows_the_agreement_and_opens_its_scan(live_server, new_page, page_errors, shots):
    application = _at_step_7(live_server.app)
    mo = new_page("mo")
    login_in_browser(mo, live_server, "mo@demo.ru")
    open_step(mo, live_server, application, "step_7_approval")
    assert mo.locator("h1").inner_text() == "Согласование Услуги в МО РЭЦ"
    agreement = mo.locator("#agreement")
    assert agreement.get_attribute("open") is not None  # what is decided on is open to read
    text = agreement.inner_text()
    for shown in ("Стороны Соглашения: ЦПЭ (г. Москва), Оператор ООО «Экспорт Онлайн», Клиент ООО «Ромашка»",
                  "Оператор\nООО «Экспорт Онлайн»", "Номер Соглашения\nС-12/2025", "Дата Соглашения\n01.12.2025",
                  "Срок действия Соглашения (до)\n31.05.2026", "Анна Соколова, ЦПЭ Москвы"):
        assert shown in text, shown
    assert "@demo.ru" not in mo.locator("main").inner_text()
    with mo.expect_download() as download:
        agreement.get_by_role("link", name="Соглашение С-12.pdf").click()
    assert download.value.suggested_filename == "Соглашение С-12.pdf"
    assert Path(download.value.path()).read_bytes() == SCAN
    shots(mo, "step-7")
    assert not page_errors, page_errors


def test_the_step_13_page_shows_the_act_and_the_rating_and_the_card_the_case_file(live_server, new_page, page_errors,
                                                                                  shots):
    application = _at_step_7(live_server.app)
    _to_step_13(live_server.app, application)
    ops = new_page("ops")
    login_in_browser(ops, live_server, "ops@demo.ru")
    open_step(ops, live_server, application, "step_13_crm")
    assert ops.locator("h1").inner_text() == "Учёт услуги в CRM"
    assert "С-12/2025" in ops.locator("#agreement").inner_text()
    act = ops.locator("#act").inner_text()
    assert "Мёд цветочный, 250 г" in act and "Tmall Global" in act and "Дата акта\n20.03.2026" in act
    confirmation = ops.locator("#service_confirmation").inner_text()
    assert "Оценка качества услуги\n4 — хорошо" in confirmation and "Всё сделали в срок" in confirmation
    assert "Иван Петров (ООО «Ромашка»)" in confirmation
    shots(ops, "step-13")

    # The card: the case file by kind, with versions, names and documents; an entry opens read-only.
    ops.goto(live_server(f"/applications/{application}"))
    case_file = ops.locator("#case-file + .case-file")
    assert "Соглашение" in case_file.inner_text() and "Соглашение С-12.pdf" in case_file.inner_text()
    assert "@demo.ru" not in ops.locator("main").inner_text()
    shots(ops, "card")
    ops.locator("#case-act").get_by_role("link", name="Открыть").click()
    ops.wait_for_url(f"**/applications/{application}/case/*")
    assert ops.locator("h1").inner_text() == "Акт о размещении"
    assert "Tmall Global" in ops.locator("#entry").inner_text()
    shots(ops, "case-entry")
    assert not page_errors, page_errors


def test_the_rework_pages_fit_a_phone_and_a_laptop(live_server, new_page, page_errors, shots):
    """The remarks loop's pages (2.1, 3.1, the check after a rework) at both widths."""
    with live_server.app.app_context():
        instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                 company_name="ООО «Ромашка»", company_inn="7707083893")
        _do(instance.id, "step_1_submit", "client77@demo.ru")
        _do(instance.id, "step_2_check", "cpe77@demo.ru", decision="approve")
        _do(instance.id, "step_3_approval", "mo@demo.ru", decision="remarks",
            comment="Уточните коды ТН ВЭД и сведения о сайте компании",
            field_remarks=[{"field": "tnved_codes", "remark": "Код ТН ВЭД — 10 цифр"},
                           {"field": "website", "remark": "Сайт не открывается: проверьте адрес"}])
        application = instance.id
        db.session.remove()
    cpe = new_page("cpe77")
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    open_step(cpe, live_server, application, "step_3_1_remarks")
    assert "Код ТН ВЭД — 10 цифр" in cpe.locator("#approval").inner_text()
    shots(cpe, "step-3-1")
    cpe.get_by_label("Комментарий ЦПЭ для Клиента").fill("Просим исправить до пятницы")
    with cpe.expect_navigation():
        cpe.get_by_role("button", name="Отправить").click()

    client = new_page("client77")
    login_in_browser(client, live_server, "client77@demo.ru")
    open_step(client, live_server, application, "step_2_1_rework")
    top = client.locator("#remarks-to-fix").inner_text()
    assert "Уточните коды ТН ВЭД" in top and "Просим исправить до пятницы" in top
    assert "Сайт не открывается" in client.locator("#f-website-remark").inner_text()
    shots(client, "rework")
    client.locator("#f-website").fill("https://romashka-med.example")
    with client.expect_navigation():
        client.get_by_role("button", name="Отправить").click()

    open_step(cpe, live_server, application, "step_2_check")
    assert cpe.locator("#questionnaire .changed-mark").count() == 1
    assert "https://romashka-med.example" in cpe.locator("#questionnaire .changes").inner_text()
    shots(cpe, "check-after-rework")
    assert not page_errors, page_errors


def test_the_step_9_page_marks_the_roadmaps_changes(live_server, new_page, page_errors, shots):
    application = _at_step_7(live_server.app)
    with live_server.app.app_context():
        _do(application, "step_7_approval", "mo@demo.ru", decision="approve")
        _do(application, "step_8_roadmap", "cpe77@demo.ru")
        _do(application, "step_9_approval", "mo@demo.ru", decision="remarks", comment="Сдвиньте сроки этапа 2")
        first, second, third = sample("roadmap")["roadmap_steps"]
        _do(application, "step_9_1_correction", "cpe77@demo.ru", changes="Срок этапа 2 сдвинут",
            roadmap_steps=[first, {**second, "due": "2026-02-20"}, third])
        db.session.remove()
    mo = new_page("mo")
    login_in_browser(mo, live_server, "mo@demo.ru")
    open_step(mo, live_server, application, "step_9_approval")
    assert "изменено шагов: 1, добавлено: 0, удалено: 0" in mo.locator("#roadmap-changes").inner_text()
    assert mo.locator("#roadmap tr.changed-step").count() == 1
    shots(mo, "step-9")
    assert not page_errors, page_errors
