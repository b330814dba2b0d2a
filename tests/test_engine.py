"""The engine door on a small model: statuses, tasks with roles and due times, timers, messages."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.engine import ModelInvalid, ScriptFailed, TaskNotFound, TaskNotReady
from tests.conftest import FIXTURES, moscow

SMALL = {"small.bpmn": (FIXTURES / "small" / "small.bpmn").read_bytes()}


@pytest.fixture
def model(engine):
    return engine.load(SMALL)


def only_task(step, name):
    matches = [t for t in step.tasks if t.name == name]
    assert len(matches) == 1, f"expected one ready task «{name}», have {[t.name for t in step.tasks]}"
    return matches[0]


def test_start_sets_entry_statuses_in_order(engine, model):
    step = engine.start(model, "small", {"region": "77"})
    assert [(c.old, c.new) for c in step.status_changes] == [(None, "Новая"), ("Новая", "На рассмотрении ЦПЭ")]
    assert step.application_status == "На рассмотрении ЦПЭ"


def test_ready_task_carries_lane_form_step_and_working_day_deadlines(engine, model):
    task = only_task(engine.start(model, "small", {"region": "77"}), "Проверка заявки")
    assert (task.lane, task.role, task.form, task.step) == ("ЦПЭ", "cpe", "application_check", "2")
    # Ready on Friday 31.10.2025: 01.11 is a working Saturday, 03.11 and 04.11 are days off.
    assert task.normative_due == moscow(2025, 11, 5, 23, 59, 59)
    assert task.indicative_due == moscow(2025, 11, 1, 23, 59, 59)
    assert task.ready_at == moscow(2025, 10, 31, 10, 0)


def test_timers_wait_until_the_clock_passes_their_due_time(engine, model, clock):
    step = engine.start(model, "small", {"region": "77"})
    assert {t.kind for t in step.timers} == {"normative", "indicative"}
    clock.set(moscow(2025, 11, 1, 23, 59, 59))
    assert engine.advance(model, step.state).fired == []
    clock.advance(seconds=1)
    fired = engine.advance(model, step.state).fired
    assert [(f.kind, f.attached_element_id) for f in fired] == [("indicative", "check")]


def test_non_interrupting_deadline_leaves_the_task_open(engine, model, clock):
    step = engine.start(model, "small", {"region": "77"})
    clock.set(moscow(2025, 11, 6, 0, 0, 1))
    after = engine.advance(model, step.state)
    assert {f.kind for f in after.fired} == {"normative", "indicative"}
    assert [t.name for t in after.tasks] == ["Проверка заявки"] and after.timers == []


def test_completing_a_task_cancels_its_timers(engine, model, clock):
    step = engine.start(model, "small", {"region": "77"})
    task = only_task(step, "Проверка заявки")
    done = engine.complete(model, step.state, task.id, {"decision": "approve"})
    assert done.completed and done.timers == [] and done.fired == []
    assert done.application_status == "На согласовании МО РЭЦ"


def test_client_wait_is_interrupting_and_configured(engine, model, clock):
    step = engine.start(model, "small", {"region": "77"})
    step = engine.complete(model, step.state, only_task(step, "Проверка заявки").id, {"decision": "remarks"})
    rework = only_task(step, "Доработка заявки")
    # 10 working days (the default "remarks" wait) from Friday 31.10.2025: 01.11, 05–07.11, 10–14.11, 17.11.
    assert rework.wait_due == moscow(2025, 11, 17, 23, 59, 59)
    clock.set(rework.wait_due + timedelta(seconds=1))
    after = engine.advance(model, step.state)
    assert after.completed and after.tasks == []
    assert after.application_status == "Отказ Клиента"
    assert [f.kind for f in after.fired] == ["client_wait"]


def test_region_overrides_the_client_wait(clock):
    from app.calendar import WorkingCalendar
    from app.engine import Engine
    engine = Engine(clock, WorkingCalendar(), {"remarks": 10, "regions": {"25": {"remarks": 3}}})
    model = engine.load(SMALL)
    step = engine.start(model, "small", {"region": "25"})
    step = engine.complete(model, step.state, step.tasks[0].id, {"decision": "remarks"})
    assert step.tasks[0].wait_due == moscow(2025, 11, 6, 23, 59, 59)


def test_a_regions_changed_wait_counts_for_waits_starting_after_the_change_only(clock):
    from app.engine.functions import ClientWaits
    changed = moscow(2025, 11, 5, 12, 0).isoformat()
    waits = ClientWaits({"remarks": 10, "regions": {"77": {"remarks": [[None, 12], [changed, 15]]},
                                                    "66": {"remarks": [[changed, 20], [moscow(2025, 11, 7).isoformat(), None]]}}})
    assert waits.days("remarks", "77", moscow(2025, 11, 5, 11, 59)) == 12
    assert waits.days("remarks", "77", moscow(2025, 11, 5, 12, 0)) == 15
    assert waits.days("remarks", "66", moscow(2025, 11, 1)) == 10  # before the region's first setting
    assert waits.days("remarks", "66", moscow(2025, 11, 6)) == 20
    assert waits.days("remarks", "66", moscow(2025, 11, 8)) == 10  # cleared: back to the default
    assert waits.days("remarks", "50", moscow(2025, 11, 8)) == 10


def test_refusal_throws_the_message_that_starts_the_other_process(engine, model):
    step = engine.start(model, "small", {"region": "77"})
    step = engine.complete(model, step.state, step.tasks[0].id, {"decision": "reject", "comment": "Неполный пакет"})
    assert step.application_status == "Отказ ЦПЭ"
    assert [(m.name, m.payload) for m in step.messages] == [("offer", {"region": "77", "reason": "Неполный пакет"})]
    assert model.message_start("offer") == "consultation"
    offer = engine.start(model, "consultation", {"region": "77"}, message=step.messages[0])
    assert offer.application_status == "Предложена Клиенту"
    assert offer.tasks[0].lane == "МО РЭЦ"
    assert offer.data["offer"] == {"region": "77", "reason": "Неполный пакет"}


def test_state_restores_to_the_same_tasks_and_timers(engine, model):
    step = engine.start(model, "small", {"region": "77"})
    again = engine.inspect(model, step.state)
    assert again.tasks == step.tasks and again.timers == step.timers and again.statuses == step.statuses


def test_completing_twice_is_refused(engine, model):
    step = engine.start(model, "small", {"region": "77"})
    task = step.tasks[0]
    later = engine.complete(model, step.state, task.id, {"decision": "remarks"})
    with pytest.raises(TaskNotReady):
        engine.complete(model, later.state, task.id, {"decision": "approve"})
    with pytest.raises(TaskNotFound):
        engine.complete(model, later.state, "00000000-0000-0000-0000-000000000000", {})


def test_model_scripts_cannot_import(engine):
    evil = SMALL["small.bpmn"].replace(b'decision == "reject"', b'__import__("os").system("true")')
    with pytest.raises(ModelInvalid) as caught:
        engine.load({"small.bpmn": evil})
    assert caught.value.problems[0].element_id == "f_reject"


def test_runtime_script_error_names_the_element(engine):
    broken = SMALL["small.bpmn"].replace(b'decision == "reject"', b'decision == undefined_name')
    model = engine.load({"small.bpmn": broken})
    step = engine.start(model, "small", {"region": "77"})
    with pytest.raises(ScriptFailed):
        engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"})


def test_stored_state_holds_no_spec(engine, model):
    step = engine.start(model, "small", {"region": "77"})
    import json, zlib
    stored = json.loads(zlib.decompress(step.state))
    assert "spec" not in stored and "subprocess_specs" not in stored


@pytest.mark.parametrize("expression", ['open("/etc/passwd").read()', 'compile("1", "x", "eval")'])
def test_model_expressions_have_no_file_access_or_eval(engine, expression):
    model = engine.load({"small.bpmn": SMALL["small.bpmn"].replace(b'decision == "reject"', expression.encode())})
    step = engine.start(model, "small", {"region": "77"})
    with pytest.raises(ScriptFailed, match="не определено"):
        engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"})


@pytest.mark.parametrize("expression", ["().__class__.__bases__", "[].__class__", "_secret", 'eval("1")'])
def test_dunder_and_private_names_are_refused_when_the_model_is_loaded(engine, expression):
    with pytest.raises(ModelInvalid, match="недоступ|not allowed"):
        engine.load({"small.bpmn": SMALL["small.bpmn"].replace(b'decision == "reject"', expression.encode())})
