"""On PostgreSQL several sweeps may run at once: each due timer still fires exactly once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import AuditEvent, Breach, ProcessInstance, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT
from tests.helpers import complete
from tests.test_regulation_paths import CHECK


def sweeps_at_once(app, clock, n: int) -> tuple[list, list]:
    """``n`` sweeps started together in threads: their reports and what they raised."""
    start, reports, errors = threading.Barrier(n), [], []

    def sweep():
        with app.app_context():
            start.wait()
            try:
                reports.append(fire_due_timers(clock.now()))
            except Exception as exc:  # noqa: BLE001 - the test asserts there is none
                errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return reports, errors


def test_two_concurrent_sweeps_fire_each_due_timer_once(app, backend, clock):
    if backend != "postgres":
        pytest.skip("row locks with SKIP LOCKED are a PostgreSQL feature; SQLite runs one sweep")
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    waiting_check, waiting_client = [], []
    for n in range(12):
        instance = start_process("marketplace_support", actor="c", region="77", company_name=f"ООО «{n}»",
                                 company_inn="7707083893")
        instance = complete(instance, "Подача Заявки")
        if n % 2:
            instance = complete(instance, CHECK, decision="remarks", comment="x")
            waiting_client.append(instance.id)
        else:
            waiting_check.append(instance.id)
    clock.advance(timedelta(days=60))  # every deadline and client wait is long past
    due = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at < clock.now()))

    reports, errors = sweeps_at_once(app, clock, 2)

    assert errors == []
    assert sum(r.signals for r in reports) == 2 * len(waiting_check)  # indicative + normative each
    assert sum(r.instances for r in reports) == len(waiting_client)
    assert all(not r.failed for r in reports)
    assert due == 2 * len(waiting_check) + len(waiting_client)
    assert db.session.scalar(select(func.count()).select_from(Breach)) == len(waiting_check)
    fired = db.session.execute(select(AuditEvent.instance_id, func.count()).where(
        AuditEvent.action == "timer_fired").group_by(AuditEvent.instance_id)).all()
    assert sorted(fired) == sorted([(i, 1) for i in waiting_client] + [(i, 2) for i in waiting_check])
    refused = db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.application_status == "Отказ Клиента")).all()
    assert sorted(refused) == sorted(waiting_client)


def test_three_concurrent_sweeps_record_each_deadline_once_on_either_backend(app, clock, monkeypatch):
    """SQLite has no row locks: the sweeps read the same waiting timers, and only the one whose
    conditional update marks a timer fired records it (three `vitrina fire-timers` at once)."""
    from app.deadlines import sweep
    from app.models import Notification
    monkeypatch.setattr(sweep, "BATCH", 4)  # many small batches: the sweeps interleave
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    ids = [complete(start_process("marketplace_support", actor="c", region="77", company_name=f"ООО «{n}»",
                                  company_inn="7707083893"), "Подача Заявки").id for n in range(15)]
    from app.accounts import create_user
    from app.roles import Role
    create_user("cpe77@test.ru", "ЦПЭ", "correct-horse-42", {Role.CPE}, region="77")
    create_user("mo@test.ru", "МО РЭЦ", "correct-horse-42", {Role.MO_REC})
    clock.advance(timedelta(days=60))
    due = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at < clock.now()))
    assert due == 2 * len(ids)  # indicative and normative deadlines of the ЦПЭ's check

    reports, errors = sweeps_at_once(app, clock, 3)

    assert errors == [] and sum(r.signals for r in reports) == due
    fired = db.session.execute(select(AuditEvent.task_id, func.count()).where(
        AuditEvent.action == "timer_fired").group_by(AuditEvent.task_id)).all()
    assert len(fired) == due and {n for _, n in fired} == {1}
    assert db.session.scalar(select(func.count()).select_from(Breach)) == len(ids)
    # Per application: the warning to the ЦПЭ, the breach to the ЦПЭ and МО РЭЦ - once each.
    notes = db.session.execute(select(Notification.event_key, Notification.recipient)).all()
    assert len(notes) == len(set(notes)) == 3 * len(ids)
    assert fire_due_timers(clock.now()).signals == 0
