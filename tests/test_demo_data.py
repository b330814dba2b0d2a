"""The demo of a first run: applications along the happy path and in the remarks loop, their
history done by the demo users of each lane."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.seed import seed_demo, seed_demo_users
from app.extensions import db
from app.models import CaseEntry, Notification
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import ROOT


def test_the_demo_history_names_the_demo_user_of_each_lane(app, fast_hashing):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    seed_demo_users()
    assert seed_demo() is True
    by_step = {}
    for step, actor in db.session.execute(select(CaseEntry.step, CaseEntry.actor)):
        by_step.setdefault(step, set()).add(actor)
    assert by_step["2"] == {"cpe77@demo.ru", "cpe66@demo.ru"}
    assert by_step["3"] == {"mo@demo.ru"}
    # ООО «Ромашка» has a client account; the other companies file through the system.
    assert by_step["1"] == {"client77@demo.ru", "client66@demo.ru", "demo"}
    assert seed_demo() is False  # once


def test_the_demo_users_have_heard_of_their_turn(app, fast_hashing):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    seed_demo_users()  # first, as `vitrina setup` does: the steps tell the people of each lane
    seed_demo()
    kinds = {}
    for recipient, kind in db.session.execute(select(Notification.recipient, Notification.kind)):
        kinds.setdefault(recipient, set()).add(kind)
    assert "task" in kinds["cpe77@demo.ru"] and "task" in kinds["mo@demo.ru"]
    assert "case" in kinds["client77@demo.ru"]  # the remarks of the rework loop
