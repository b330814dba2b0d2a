"""The questionnaire as a long form in the browser, at 1366 and 390 px: one section at a time with
its progress, a conditional question appearing with its condition, the draft saved as it is typed
and shown again when the page is opened anew; a form without sections keeps its draft too and warns
before leaving what is not saved yet."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login_in_browser
from tests.browser.test_application_flow import by_label, choice, follow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_the_questionnaire_keeps_what_was_typed_after_leaving_the_page(live_server, page, page_errors, width):
    page.set_viewport_size({"width": width, "height": 900})
    login_in_browser(page, live_server, "client77@demo.ru")
    follow(page.get_by_role("button", name="Подать новую заявку"))
    assert page.locator("h1").inner_text() == "Подача Заявки"
    task_url = page.url
    steps = page.locator(".form-steps a")
    assert steps.count() == 12 and page.locator("section.form-step:visible").count() == 1
    before = page.locator(".progress-text").inner_text()  # "2 из N": the name and INN known already
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the questionnaire at {width} px scrolls sideways by {overflow} px"

    by_label(page, "Адрес юридический").fill("г. Москва, ул. Тверская, д. 7")
    countries = page.locator('.question[data-field="export_countries_volumes"]')
    assert countries.is_hidden()  # asked only after export experience
    choice(page, "Опыт экспортной деятельности", "Регулярные поставки")
    assert countries.is_visible()
    by_label(page, "Страны и объёмы экспорта продукции за последние два года").fill("Казахстан, 5 млн руб.")
    assert page.locator(".progress-text").inner_text() != before
    page.get_by_role("button", name="Далее: Информация о продукции →").click()
    assert page.locator("#section-3").is_visible() and page.locator("#section-2").is_hidden()
    page.locator(".autosave-status").filter(has_text="Черновик сохранён").wait_for()

    page.goto(live_server("/my"))  # saved: leaving asks nothing
    page.goto(task_url)
    assert "Открыт черновик, сохранённый" in page.content()
    assert by_label(page, "Адрес юридический").input_value() == "г. Москва, ул. Тверская, д. 7"
    assert by_label(page, "Страны и объёмы экспорта продукции за последние два года").input_value() == \
        "Казахстан, 5 млн руб."
    assert page_errors == []


def test_a_form_without_sections_saves_its_draft_and_warns_before_leaving_unsaved_changes(live_server, page,
                                                                                           page_errors):
    from app.extensions import db
    from app.workflow.instances import start_process
    from tests.helpers import complete, task_named

    with live_server.app.app_context():
        instance = complete(start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                          company_name="ООО «Ромашка»", company_inn="7707083893"), "Подача Заявки")
        task_url = live_server(f"/tasks/{task_named(instance, 'Проверка Заявки в ЦПЭ').task_id}")
        db.session.remove()
    login_in_browser(page, live_server, "cpe77@demo.ru")
    page.goto(task_url)
    assert page.locator(".form-steps").count() == 0  # one page, no sections
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    comment = page.locator('textarea[name="comment"]')
    comment.fill("Уточните ОГРН")
    page.locator(".autosave-status").filter(has_text="Черновик сохранён").wait_for()
    comment.fill("Уточните ОГРН и адрес")  # typed, not saved yet: leaving asks first
    page.close(run_before_unload=True)
    for _ in range(50):  # the dialog comes (and is answered «stay») while the close is under way
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked == ["beforeunload"] and not page.is_closed()
    page.locator(".autosave-status").filter(has_text="Черновик сохранён").wait_for()
    page.goto(live_server("/tasks"))  # saved: leaving asks nothing
    assert asked == ["beforeunload"]
    page.goto(task_url)
    assert "Открыт черновик, сохранённый" in page.content()
    assert page.locator('textarea[name="comment"]').input_value() == "Уточните ОГРН и адрес"
    assert page_errors == []
