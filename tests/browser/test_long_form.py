"""The questionnaire as a long form in the browser, at 1366 and 390 px: one section at a time with
its progress, a conditional question appearing with its condition, the draft saved as it is typed
and shown again when the page is opened anew."""
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
