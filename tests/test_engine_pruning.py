"""Finished loop iterations are cut out of the task tree: a long history costs no more per step,
the state restores exactly, and open branches keep what they need."""
from __future__ import annotations

import zlib

import orjson

from tests.conftest import FIXTURES

SMALL = {"small.bpmn": (FIXTURES / "small" / "small.bpmn").read_bytes()}


def _tasks_in(state: bytes) -> int:
    return len(orjson.loads(zlib.decompress(state))["tasks"])


def _loop(engine, model, rounds: int):
    step = engine.start(model, "small", {"region": "77"})
    sizes = []
    for _ in range(rounds):
        check = next(t for t in step.tasks if t.name == "Проверка заявки")
        step = engine.complete(model, step.state, check.id, {"decision": "remarks", "comment": "Нет ОГРН"})
        rework = next(t for t in step.tasks if t.name == "Доработка заявки")
        step = engine.complete(model, step.state, rework.id, {})
        sizes.append(_tasks_in(step.state))
    return step, sizes


def test_a_loop_taken_many_times_keeps_the_tree_the_size_of_one_iteration(engine):
    model = engine.load(SMALL)
    step, sizes = _loop(engine, model, 40)
    assert sizes[-1] == sizes[2] and max(sizes) <= sizes[2]  # flat from the third round on
    assert [t.name for t in step.tasks] == ["Проверка заявки"]


def test_the_pruned_state_restores_exactly_and_the_process_goes_on(engine, clock):
    model = engine.load(SMALL)
    step, _ = _loop(engine, model, 10)
    restored = engine.inspect(model, step.state)
    assert restored.state == step.state  # what a fresh restore serialises is what was stored
    assert [t.name for t in restored.tasks] == ["Проверка заявки"]
    check = restored.tasks[0]
    assert check.normative_due is not None and check.indicative_due is not None  # its deadlines stayed
    done = engine.complete(model, step.state, check.id, {"decision": "approve"})
    assert done.application_status == "На согласовании МО РЭЦ"


def test_an_open_parallel_branch_keeps_its_ancestors(app, clock):
    """After the Act two branches run at once: the client's confirmation and the sales reports;
    report periods pass (a loop on one branch) while the confirmation waits, and both end well."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.deadlines.sweep import fire_due_timers
    from app.extensions import db
    from app.models import Timer
    from app.workflow.deployments import deploy_bundle, read_bundle
    from app.workflow.instances import get_instance, start_process
    from tests.conftest import ROOT
    from tests.helpers import assert_restores, complete, ready, task_named
    from tests.test_regulation_paths import (CONFIRMATION, CRM, FIRST_ACCEPTANCE, FIRST_REPORT, REGULAR_ACCEPTANCE,
                                             REGULAR_REPORT, through_act)
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = through_act(start_process("marketplace_support", actor="client", region="77",
                                         company_name="ООО «Ромашка»", company_inn="7707083893"))
    sizes = []
    for number in range(4):
        due = db.session.scalars(select(Timer.due_at).where(Timer.instance_id == instance.id,
                                                              Timer.kind == "report_period")).first()
        clock.set(max(clock.now(), due) + timedelta(seconds=1))
        fire_due_timers(clock.now())
        instance = complete(get_instance(instance.id), FIRST_REPORT if number == 0 else REGULAR_REPORT)
        instance = complete(instance, FIRST_ACCEPTANCE if number == 0 else REGULAR_ACCEPTANCE)
        sizes.append(_tasks_in(instance.engine_state))
        assert CONFIRMATION in ready(instance)  # the other branch is still open after each loop
    assert sizes[-1] <= sizes[1]
    instance = complete(complete(instance, CONFIRMATION), CRM)
    assert instance.service_status == "Услуга учтена"
    assert_restores(instance)


def test_the_live_cache_is_bounded_by_bytes(clock):
    from app.calendar import WorkingCalendar
    from app.engine import Engine
    from app.engine.core import LIVE_BYTES_PER_STORED_BYTE
    probe = Engine(clock, WorkingCalendar(), {}, cache_size=0)
    size = LIVE_BYTES_PER_STORED_BYTE * len(probe.start(probe.load(SMALL), "small", {"region": "77"}).state)
    engine = Engine(clock, WorkingCalendar(), {}, cache_size=100, cache_bytes=int(size * 2.5))
    model = engine.load(SMALL)
    for number in range(5):
        engine.keep((number, 1), engine.start(model, "small", {"region": "77"}))
    assert list(engine._live) == [(3, 1), (4, 1)]  # the two most recent fit, the older went first
    assert engine._cached_bytes == sum(kept for _, kept in engine._live.values()) <= size * 2.5
