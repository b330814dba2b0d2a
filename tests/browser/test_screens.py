"""Every role's main pages on a phone (390 px) and a laptop (1366 px), on the demo data: no page is
wider than the viewport (``document.documentElement.scrollWidth``), and axe-core (npm, injected
into the page) finds no serious or critical accessibility violation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo.seed import seed_demo
from app.extensions import db
from app.demo.samples import sample
from app.models import OpenTask, ProcessInstance
from app.workflow.instances import complete_task, start_process
from tests.browser.conftest import ROOT, login_in_browser

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)

# Each role's demo user and the pages the role lives in; {card}, {roadmap} are filled from the data.
ROLE_PAGES = {
    "client77@demo.ru": ["/my", "/my/company", "{card}", "{form}", "/complaints/", "/notifications"],
    "cpe77@demo.ru": ["/tasks", "/tasks?section=available", "/applications", "{card}",
                      "/roadmap/overdue", "/operators/", "/complaints/", "/notifications", "/admin/intake-windows/"],
    "cpe66@demo.ru": ["/tasks", "{roadmap}"],
    "head.cpe77@demo.ru": ["/tasks", "/sla", "/sales"],
    "mo@demo.ru": ["/tasks", "/applications", "{roadmap}", "/accounting", "/roadmap/overdue", "/operators/"],
    "ops@demo.ru": ["/tasks", "/applications", "/accounting"],
    "kb@demo.ru": ["/tasks"],
    "operator@demo.ru": ["/tasks", "/operators/"],
    "owner@demo.ru": ["/modeller/", "/modeller/scenarios", "/versions"],
    "analyst@demo.ru": ["/simulation/", "/sales"],
    "admin@demo.ru": ["/sla", "/accounting", "/admin/users/", "/admin/users/new", "/admin/incidents/", "/admin/jobs/", "/operators/",
                      "/notifications/settings"],
}


@pytest.fixture
def demo(live_server):
    """The demo applications; the card of a client's application, its questionnaire, a roadmap page."""
    app = live_server.app
    with app.app_context():
        seed_demo()
        rows = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).all()
        ids = [row.id for row in rows if row.company_inn == "7707083893"]
        # A questionnaire of the client's own: a new application, as «Подать новую заявку» starts one.
        fresh = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                              company_name="ООО «Ромашка»", company_inn="7707083893")
        questionnaire = db.session.scalar(select(OpenTask.task_id).where(OpenTask.instance_id == fresh.id,
                                                                         OpenTask.element_id == "step_1_submit"))
        furthest = _with_roadmap_in_execution()
        db.session.remove()
    return {"card": f"/applications/{ids[-1]}", "form": f"/tasks/{questionnaire}",
            "roadmap": f"/applications/{furthest}/roadmap"}


def _with_roadmap_in_execution() -> int:
    """The demo application at the roadmap step (a region 66 one), taken on to its execution (step 10)."""
    done = db.session.scalar(select(OpenTask).where(OpenTask.element_id == "step_10_execution",
                                                    OpenTask.region == "66"))
    if done is not None:
        return done.instance_id
    task = db.session.scalar(select(OpenTask).where(OpenTask.element_id == "step_8_roadmap",
                                                    OpenTask.region == "66"))
    instance_id, cpe = task.instance_id, f"cpe{task.region}@demo.ru"
    for element_id, actor, data in [("step_8_roadmap", cpe, {}),
                                    ("step_9_approval", "mo@demo.ru", {"decision": "approve"})]:
        task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id,
                                                        OpenTask.element_id == element_id))
        complete_task(instance_id, task.task_id, sample(task.form, **data), actor=actor)
    return instance_id


def _pages(demo: dict):
    for email, paths in ROLE_PAGES.items():
        yield email, [path.format(**demo) for path in paths]


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"


def test_no_page_of_any_role_is_wider_than_the_screen_or_has_a_serious_axe_violation(live_server, new_page, demo):
    """One pass over every role's pages at both widths (the demo is seeded once): the page's width,
    then axe-core's serious and critical violations on it."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm ci installs axe-core (a devDependency of package.json)")
    source = AXE.read_text(encoding="utf-8")
    too_wide, found = [], []
    for email, paths in _pages(demo):
        page = new_page(email)
        login_in_browser(page, live_server, email)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                _open(page, live_server(path))
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide.append(f"{email} {path} at {width}px: {scroll}px")
                # evaluate() runs in the page through the DevTools protocol, which CSP's script-src
                # does not govern: the page itself still loads only its own scripts.
                page.evaluate(source)
                violations = page.evaluate("""async () => {
                    const result = await axe.run(document, {resultTypes: ['violations']});
                    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
                }""")
                for v in violations:
                    found.append(f"{email} {path} at {width}px: {v['impact']} {v['id']} ({v['help']}) "
                                 f"{json.dumps(v['nodes'], ensure_ascii=False)}")
    assert not too_wide, "\n".join(too_wide)
    assert not found, "\n".join(found)


def test_the_register_of_services_fits_a_laptop_and_a_phone_without_scrolling_sideways(live_server, page, demo,
                                                                                        shots):
    login_in_browser(page, live_server, "ops@demo.ru")
    _open(page, live_server("/accounting"))
    assert page.locator("table.register tbody tr a").count() >= 1, "no delivered service in the demo"
    shots(page, "accounting", tables_fit=True)  # 1366 and 390 px: neither the page nor the table scrolls sideways
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.locator("table.register tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
    assert page.locator("table.register tbody td").first.get_attribute("data-label") == "Заявка"
