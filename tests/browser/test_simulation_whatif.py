"""An analyst builds a what-if in the form of /simulation, runs it once and opens its report."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import SimulationRun
from tests.browser.conftest import login_in_browser
from tests.test_simulation_whatif import ELEMENT_ID, ISO_DATE, ROLE_KEYS


def _runs(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(SimulationRun))
        db.session.remove()
        return count


def test_an_analyst_runs_a_whatif_from_the_form_once_and_reads_a_russian_report(live_server, page, page_errors,
                                                                                 shots):
    login_in_browser(page, live_server, "analyst@demo.ru")
    page.goto(live_server("/simulation/"))
    shots(page, "form")  # nothing sticks out at 1366 px nor at 390 px
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("ЦПЭ — г. Москва", exact=True).fill("4")
    page.get_by_label("Шаг 3. Согласование Заявки в МО РЭЦ — нормативный срок", exact=True).fill("3")
    page.get_by_label("Последний день приёма заявок (ДД.ММ.ГГГГ)").fill("01.01.2026")
    page.get_by_label("Разгон, календарных дней (не входит в статистику)").fill("10")
    page.get_by_label("Число прогонов (точность)").fill("2")
    page.get_by_label("Название сценария (по умолчанию «Что-если на основе …»)").fill("ЦПЭ 77 +1, МО РЭЦ 3 р.д.")
    page.get_by_role("button", name="Запустить", exact=True).click()
    page.wait_for_url(re.compile(r"/simulation/\d+$"), timeout=60_000)
    page.locator("#state", has_text="Готово").wait_for(timeout=120_000)
    page.reload()  # the run page is a GET: a reload starts nothing
    assert _runs(live_server.app) == 1
    assert "ЦПЭ 77 +1, МО РЭЦ 3 р.д." in page.locator("h1").inner_text()
    page.get_by_role("link", name="Открыть отчёт").click()
    page.wait_for_url(re.compile(r"/report$"))
    html = page.content()
    for key in ROLE_KEYS:
        assert not re.search(rf"\b{key}\b", html), key
    assert not ELEMENT_ID.search(html) and not ISO_DATE.search(html)
    assert "ЦПЭ — г. Москва: 3 → 4 исп." in page.locator("p.summary").inner_text()
    assert page.locator(".diagram-wrap").first.evaluate("e => e.getBoundingClientRect().width") > 1200
    assert _runs(live_server.app) == 1
    assert not page_errors, page_errors
