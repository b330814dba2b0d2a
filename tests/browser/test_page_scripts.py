"""The pages' own scripts, moved out of the templates into app/static, run under the
Content-Security-Policy (script-src 'self'): a violation would be a console error here."""
from __future__ import annotations

import pytest

from tests.test_simulation_page import SMALL

from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser

# Long enough that the page polls the running simulation at least once.
LONGER = SMALL.replace("horizon_days: 60", "horizon_days: 720").replace("replications: 2", "replications: 6")


def test_an_issued_token_is_selected_on_a_click(live_server, page, page_errors):
    login_in_browser(page, live_server, "admin@demo.ru")
    page.goto(live_server("/admin/users/"))
    page.get_by_role("link", name="cpe77@demo.ru", exact=True).click()
    page.fill("#token_name", "ЛК РЭЦ")
    page.get_by_role("button", name="Выпустить токен").click()
    field = page.locator("#token-secret")
    field.click()
    assert field.evaluate("f => f.selectionStart === 0 && f.selectionEnd === f.value.length && f.value.length > 40")
    assert not page_errors, page_errors


def test_a_running_simulation_is_followed_to_its_report_shown_in_a_frame(live_server, page, page_errors):
    login_in_browser(page, live_server, "analyst@demo.ru")
    page.goto(live_server("/simulation/"))
    page.get_by_text("Параметры в YAML").click()
    page.fill("textarea[name=params]", LONGER)
    page.get_by_role("button", name="Запустить YAML").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit(), timeout=10_000)
    page.locator("#state", has_text="Готово").wait_for(timeout=120_000)  # the page's script follows the run
    report = page.frame_locator("iframe[title='Отчёт симуляции']")
    assert "Симуляция процесса" in report.locator("h1").inner_text()
    assert not page_errors, page_errors
