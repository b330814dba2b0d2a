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
from tests.test_regulation_paths import CHECK, REMARKS


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
            instance = complete(complete(instance, CHECK, decision="remarks", comment="x"), REMARKS)
            waiting_client.append(instance.id)
        else:
            waiting_check.append(instance.id)
    clock.advance(timedelta(days=60))  # every deadline and client wait is long past
    due = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at < clock.now()))

    start, reports = threading.Barrier(2), []

    def sweep():
        with app.app_context():
            start.wait()
            reports.append(fire_due_timers(clock.now()))
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

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
