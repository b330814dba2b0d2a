"""The application card draws the BPMN diagram with the current step and the completed ones marked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo.samples import sample
from app.extensions import db
from app.models import OpenTask
from app.workflow.instances import complete_task, start_process

from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser


def _complete(instance_id: int, element_id: str, actor: str) -> None:
    task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id,
                                                    OpenTask.element_id == element_id))
    assert task is not None, f"no open {element_id}"
    complete_task(instance_id, task.task_id, sample(task.form) if task.form else {}, actor=actor)


@pytest.fixture
def waiting_for_mo(live_server) -> int:
    """An application of region 77 past steps 1 and 2, waiting for МО РЭЦ's approval (step 3)."""
    with live_server.app.app_context():
        instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                 company_name="ООО «Ромашка»", company_inn="7707083893")
        instance_id = instance.id
        _complete(instance_id, "step_1_submit", "client77@demo.ru")
        _complete(instance_id, "step_2_check", "cpe77@demo.ru")
        db.session.remove()
    return instance_id


def test_card_shows_the_diagram_with_the_current_step_highlighted(live_server, page, page_errors, waiting_for_mo,
                                                                  tmp_path):
    login_in_browser(page, live_server, "mo@demo.ru")
    page.goto(live_server(f"/applications/{waiting_for_mo}"))
    page.wait_for_selector('#diagram[data-state="ready"]')

    current = page.locator('#diagram [data-element-id="step_3_approval"]').first
    assert "vitrina-current" in current.get_attribute("class").split()
    for done in ("step_1_submit", "step_2_check"):
        shape = page.locator(f'#diagram [data-element-id="{done}"]').first
        assert "vitrina-completed" in shape.get_attribute("class").split(), done
    untouched = page.locator('#diagram [data-element-id="step_4_originals"]').first
    assert not {"vitrina-current", "vitrina-completed"} & set(untouched.get_attribute("class").split())
    # The highlight is drawn: the task's rectangle takes the marker's colours.
    fill = page.eval_on_selector('#diagram [data-element-id="step_3_approval"] .djs-visual > rect',
                                 "el => getComputedStyle(el).fill")
    assert fill == "rgb(219, 234, 254)"
    # Fitted: the whole process lies inside the 500 px high canvas.
    box = page.locator("#diagram .diagram-canvas").bounding_box()
    assert 480 <= box["height"] <= 520
    viewport = page.locator("#diagram .djs-container svg .viewport").bounding_box()
    assert viewport["width"] <= box["width"] * 1.02 and viewport["height"] <= box["height"] * 1.02
    assert page.locator("#diagram .diagram-legend").inner_text().count("\n") >= 2
    assert not page_errors, page_errors

    page.screenshot(path=str(tmp_path / "card.png"), full_page=True)
    page.locator("#diagram").screenshot(path=str(tmp_path / "diagram.png"))
    page.click('#diagram button[data-action="current"]')  # zoom to the current step
    page.locator("#diagram").screenshot(path=str(tmp_path / "diagram-current.png"))
    assert not page_errors, page_errors
