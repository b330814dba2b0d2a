"""The state of a live workflow is dumped after every step with the entries of its finished tasks
kept from the dump before (``app/engine/serializer.py``): the bytes must be exactly those the
engine's own task converter writes, at every step, round loops, and whatever model code does to
the task data in place."""
from __future__ import annotations

import copy

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.task import Task

from app.demo.samples import forms_with_samples, sample
from app.engine import serializer
from app.scenarios import load_scenario
from app.workflow.deployments import read_bundle
from tests.conftest import FIXTURES, ROOT

SCENARIOS = ROOT / "bpmn" / "scenarios"


@pytest.fixture
def plain_dump(monkeypatch):
    """The dump as the engine's own converter writes every task, nothing kept between dumps."""
    config = dict(serializer._config)
    config[Task] = TaskConverter
    plain = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def dump(workflow) -> bytes:
        with monkeypatch.context() as patch:
            patch.setattr(serializer, "_serializer", plain)
            return serializer.dump_state(workflow)
    return dump


class Live:
    """An instance run on the engine's live-workflow cache, as the services run it."""

    def __init__(self, engine, model, process: str, data: dict):
        self.engine, self.model, self.revision = engine, model, 0
        self.step = engine.start(model, process, data)
        engine.keep((1, 0), self.step)

    def complete(self, task, data: dict):
        self.step = self.engine.complete(self.model, self.step.state, task.id, data, cache_key=(1, self.revision))
        self.revision += 1
        self.engine.keep((1, self.revision), self.step)
        return self.step


def _same_bytes_as_plain(live: Live, plain_dump) -> None:
    assert live.step.state == plain_dump(live.step._live)
    assert live.engine.inspect(live.model, live.step.state).state == live.step.state  # and it restores


def _steps(name: str) -> list[tuple[str, dict]]:
    scenario = load_scenario(name, (SCENARIOS / name).read_bytes())
    return [(str(s["complete"]), dict(s.get("data") or {})) for s in scenario.steps if "complete" in s]


def _task(step, wanted: str):
    [task] = [t for t in step.tasks if t.name == wanted] or [t for t in step.tasks if t.step == wanted]
    return task


def test_every_step_of_the_main_model_dumps_the_bytes_the_engine_would_round_the_9_1_loop_too(engine, plain_dump):
    model = engine.load(read_bundle(ROOT / "bpmn"))
    live = Live(engine, model, "marketplace_support",
                {"application_id": 1, "region": "77", "company_name": "ООО «Ромашка»", "company_inn": "7707083893"})
    remarks = _steps("remarks_9_1.yaml")
    first = next(i for i, (_, data) in enumerate(remarks) if data.get("decision") == "remarks")
    path = remarks[:first] + remarks[first:first + 2] * 6 + remarks[first:]
    for wanted, changes in path:
        task = _task(live.step, wanted)
        live.complete(task, sample(task.form, **changes) if task.form in forms_with_samples() else changes)
        _same_bytes_as_plain(live, plain_dump)
    assert live.step.completed or live.step.tasks


def test_data_changed_in_place_by_model_code_is_dumped_as_it_is_now(engine, plain_dump):
    """The model's scripts change a dict inside a list and a list inside that dict in place, round
    a loop: the engine's copies of the data share those values with finished tasks. The first
    task posts the rows back as a page would (equal to what it was shown, not the same objects),
    so the script's change makes a finished task's data differ from its parent's after the fact."""
    model = engine.load({"shared_data.bpmn": (FIXTURES / "shared_data" / "shared_data.bpmn").read_bytes()})
    live = Live(engine, model, "shared_data", {"region": "77"})
    rounds = 0
    while live.step.tasks:
        task = live.step.tasks[0]
        posted = {"rows": copy.deepcopy(live.step.data["rows"])} if task.name == "Первая задача" else {}
        live.complete(task, {"answer": rounds, **posted})
        _same_bytes_as_plain(live, plain_dump)
        rounds += 1
    assert live.step.completed and rounds == 10
    assert live.step.data["rows"][0] == {"n": 6, "tags": ["a", "b", "b", "b", "b", "b"]}
    assert live.step.data["totals"] == {"sum": 20}


@pytest.mark.parametrize("value, other, settled", [
    ("a", "b", True), (1, 1.0, True),                                    # scalars
    ([1, "x"], [1, "x"], True), ({"a": 1}, {"a": 2}, True),              # containers of scalars only
    ([{"n": 1}], [{"n": 1}], False),                                     # equal, but what is nested is not shared
    ({"rows": [1]}, {"rows": [1]}, False),
    (object(), object(), False), ({1, 2}, {1, 2}, False),                # nothing known of them
])
def test_only_values_whose_comparison_cannot_change_in_place_let_an_entry_be_kept(value, other, settled):
    assert serializer._settled(value, other) is settled


def test_shallow_copies_share_what_is_nested_so_their_comparison_cannot_change():
    rows = [{"n": 1}, {"m": 2}]
    assert serializer._settled(rows, list(rows))  # the engine's copy: a change inside shows in both
    assert serializer._settled({"rows": rows}, dict({"rows": rows}))
    assert not serializer._settled(rows, copy.deepcopy(rows))  # equal now, apart from then on
