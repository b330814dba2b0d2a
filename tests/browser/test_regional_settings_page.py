"""The regional settings page in the browser: МО РЭЦ creates a region's settings, a bad wait
comes back on its field (aria-describedby), the saved change is in the history by name; the
region's ЦПЭ reads the page; both widths fit without sideways scrolling."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser


def test_mo_rec_edits_a_regions_settings_and_its_cpe_reads_them(live_server, new_page, page_errors, shots):
    mo = new_page("mo")
    login_in_browser(mo, live_server, "mo@demo.ru")
    mo.get_by_role("link", name="Региональные настройки").first.click()
    mo.get_by_role("link", name="Добавить настройки региона").click()
    mo.select_option("#region", label="г. Москва")
    mo.fill("#full_name", "Автономная некоммерческая организация «Московский экспортный центр»")
    mo.fill("#short_name", "АНО «МЭЦ»")
    mo.fill("#address", "123610, г. Москва, Краснопресненская наб., д. 12")
    mo.fill("#head_position", "директор")
    mo.fill("#head_name", "Соколова Анна Викторовна")
    mo.fill("#basis", "устава")
    mo.fill("#inn", "7707083893")
    mo.fill("#kpp", "770701001")
    mo.fill("#ogrn", "1027700132195")
    mo.fill("#waits_act", "Приказ Департамента от 01.10.2025 № 7")
    mo.fill("#wait_remarks", "95")
    mo.get_by_role("button", name="Сохранить").click()
    wait = mo.locator("#wait_remarks")
    assert wait.get_attribute("aria-invalid") == "true"
    described = wait.get_attribute("aria-describedby").split()
    assert "wait_remarks-error" in described
    assert "укажите целое число рабочих дней от 1 до 90" in mo.locator("#wait_remarks-error").inner_text()
    shots(mo, "errors")
    wait.fill("15")
    mo.get_by_role("button", name="Сохранить").click()
    main = mo.locator("main").inner_text()
    assert "Настройки региона 77 сохранены." in main
    assert "История изменений" in main and "Мария Лебедева, МО РЭЦ" in main
    shots(mo, "settings")

    cpe = new_page("cpe77")
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    cpe.goto(live_server("/admin/regions/77"))
    assert cpe.locator("#wait_remarks").input_value() == "15"
    assert cpe.locator("#wait_remarks").is_disabled()
    assert cpe.get_by_role("button", name="Сохранить").count() == 0
    shots(cpe, "read-only")
    unexpected = [e for e in page_errors if not e.startswith("[mo] HTTP 422: ")]  # the refused wait, on purpose
    assert not unexpected, unexpected
