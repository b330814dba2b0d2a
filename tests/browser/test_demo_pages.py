"""The demo of a first run, as people see it: the SLA page shows breaches, the task list amber and
red deadlines (the history ends at the app's now, 31.10.2025 10:00 by the virtual clock here)."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.calendar import MOSCOW
from app.clock import VirtualClock
from app.demo.seed import seed_demo
from app.extensions import db
from tests.browser.conftest import login_in_browser


@pytest.fixture
def extra_config():
    return {"VITRINA_CLOCK": VirtualClock(datetime(2025, 10, 31, 10, 0, tzinfo=MOSCOW))}


@pytest.fixture
def demo_server(live_server):
    with live_server.app.app_context():
        assert seed_demo() is True
        db.session.remove()
    return live_server


def test_the_demo_shows_breaches_on_the_sla_page_and_amber_and_red_deadlines_in_the_task_list(
        demo_server, new_page):
    for width in (1366, 390):  # one seeded history (seconds to make) for both screens
        _check_the_pages(demo_server, new_page, width)


def _check_the_pages(demo_server, new_page, width: int) -> None:
    manager = new_page(f"head.mo@{width}")
    manager.set_viewport_size({"width": width, "height": 900})
    login_in_browser(manager, demo_server, "head.mo@demo.ru")
    manager.goto(demo_server("/sla"))
    closed = [int(t) for t in manager.locator("table.sla tbody tr td:nth-child(7)").all_inner_texts() if t.strip()]
    assert sum(closed) >= 5, "no closed breaches on the SLA page"
    assert manager.locator("table.sla td.overdue").count() >= 1  # open breaches today
    shares = [t.strip() for t in manager.locator("table.sla tbody tr td:nth-child(5)").all_inner_texts()]
    assert any(s.endswith("%") and s != "100 %" for s in shares), "every step on time on the SLA page"

    cpe = new_page(f"cpe77@{width}")
    cpe.set_viewport_size({"width": width, "height": 900})
    login_in_browser(cpe, demo_server, "cpe77@demo.ru")
    cpe.goto(demo_server("/tasks?section=all"))
    assert cpe.locator(".due-warned").count() >= 1, "no amber deadline in the ЦПЭ's list"
    mo = new_page(f"mo@{width}")
    mo.set_viewport_size({"width": width, "height": 900})
    login_in_browser(mo, demo_server, "mo@demo.ru")
    mo.goto(demo_server("/tasks?section=all"))
    assert mo.locator(".due-breached").count() >= 1, "no red deadline in МО РЭЦ's list"
