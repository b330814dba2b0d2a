"""The real scheduler on the real clock: a timer due in 2 s fires within 1 s of its due time;
timers that fell due while the app was stopped fire once when it starts."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.deadlines.alarm import Alarm
from app.extensions import db
from app.models import Breach, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import FIXTURES, _database_config


@pytest.fixture
def realtime_app(backend, tmp_path, pg_schema):
    app = create_app({"TESTING": True, **_database_config(backend, tmp_path, pg_schema)})
    with app.app_context():
        db.drop_all()
        db.create_all()
        deploy_bundle(read_bundle(FIXTURES / "quick"), actor="owner")
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_a_timer_due_in_two_seconds_fires_within_a_second_of_due(realtime_app):
    alarm = Alarm(realtime_app, safety_seconds=3600)
    alarm.start()
    try:
        instance = start_process("quick", actor="t", region="77")
        [timer] = db.session.scalars(select(Timer)).all()
        due = timer.due_at
        deadline = time.monotonic() + 6
        breach = None
        while breach is None and time.monotonic() < deadline:
            time.sleep(0.05)
            db.session.rollback()
            breach = db.session.scalar(select(Breach).where(Breach.instance_id == instance.id))
        assert breach is not None, "the timer did not fire"
        late = breach.breached_at - due
        assert timedelta(0) < late <= timedelta(seconds=1), late
    finally:
        alarm.shutdown()


def test_timers_due_while_the_app_was_stopped_fire_once_on_start(backend, tmp_path, pg_schema, clock):
    config = {"TESTING": True, "VITRINA_CLOCK": clock, **_database_config(backend, tmp_path, pg_schema)}
    first = create_app(config)
    with first.app_context():
        db.drop_all()
        db.create_all()
        deploy_bundle(read_bundle(FIXTURES / "quick"), actor="owner")
        instance_id = start_process("quick", actor="t", region="77").id
        db.session.remove()
    clock.advance(timedelta(hours=1))  # the app is down while the timer falls due
    second = create_app(config)  # a restart: a new process, nothing in memory
    alarm = Alarm(second, safety_seconds=3600)
    alarm.start()
    alarm.sweep()  # a second sweep finds nothing more to fire
    alarm.shutdown()
    with second.app_context():
        breaches = db.session.scalars(select(Breach).where(Breach.instance_id == instance_id)).all()
        assert len(breaches) == 1 and breaches[0].breached_at == clock.now()
        db.session.remove()  # its open read would block the DROP on PostgreSQL
        db.drop_all()
        db.engine.dispose()
