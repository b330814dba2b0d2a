"""The engine door: start instances, list ready human tasks, complete them, fire timers.

Callers pass and receive plain values (``Step``, ``HumanTask``…) and opaque state bytes;
persistence is theirs. A small cache keeps recently used workflows alive between calls,
keyed by the caller's (instance id, revision): a hit skips deserialisation, and because the
key includes the revision a stale object is never used.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Callable, Mapping
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from .errors import (BudgetExceeded, EngineError, ProcessNotFound, ScriptFailed, StateCorrupt, TaskNotFound,
                     TaskNotReady)
from .failures import describe
from .functions import ClientWaits, as_client_waits, model_functions
from .migration import MigrationRefused, plan_and_migrate
from .parser import ParsedModel, parse_bundle
from .pruning import prune_finished_loops
from .sandbox import Exhausted, Limits, current_operation, operation
from .scripting import RestrictedScriptEngine
from .serializer import dump_state, load_state
from .timers import parse_moment
from .values import (DecisionMade, EnteredElement, FiredTimer, HumanTask, StatusChange, Step, ThrownMessage,
                     WaitingTimer)
from ..statuses import TimerKind

STATUS_LINES = ("application_status", "service_status")
LIVE_BYTES_PER_STORED_BYTE = 25
_META = "vitrina"  # key of Vitrina's own bookkeeping in the workflow data


def _props(task_spec) -> dict:
    return (getattr(task_spec, "extensions", None) or {}).get("properties") or {}


def _moment(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, dict):  # a cycle timer keeps {"next": …}
        value = value.get("next")
    try:
        return parse_moment(value)
    except (TypeError, ValueError):
        return None


class _Recorder:
    """Collects what happens while the engine runs: statuses entered, timers fired."""

    def __init__(self, workflow, clock, lane_roles: Mapping[str, str]):
        self.workflow, self.clock, self.lane_roles = workflow, clock, lane_roles
        self.meta = workflow.data.setdefault(_META, {"statuses": {}, "ready_at": {}})
        self.changes: list[StatusChange] = []
        self.fired: list[FiredTimer] = []
        self.decisions: list[DecisionMade] = []
        self.elements: list[EnteredElement] = []

    def entered(self, task) -> None:
        spec = task.task_spec
        props = _props(spec)
        if props:
            lane = (spec.lane or "").strip() or None
            self.elements.append(EnteredElement(str(task.id), spec.bpmn_id, spec.bpmn_name, lane,
                                                self.lane_roles.get(lane or ""), dict(props)))
        if spec.manual:
            self.meta["ready_at"][str(task.id)] = self.clock.now().isoformat()
        for line in STATUS_LINES:
            new = props.get(line)
            if new and self.meta["statuses"].get(line) != new:
                self.changes.append(StatusChange(line, self.meta["statuses"].get(line), new,
                                                 spec.bpmn_id, spec.bpmn_name))
                self.meta["statuses"][line] = new

    def ran(self, task) -> None:
        """Callback after every task the engine (or a person) ran."""
        spec = task.task_spec
        if (op := current_operation()) is not None:
            try:
                op.tick()  # a BPMN loop of script tasks spends the operation's CPU deadline too
            except Exhausted as exc:
                exc.element = spec.bpmn_id
                raise
        if not spec.manual:
            if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
                self.fired.append(_fired(task))
            elif (table := getattr(getattr(spec, "dmnEngine", None), "decision_table", None)) is not None:
                self.decisions.append(_decided(task, table))
            self.entered(task)
        else:
            self.meta["ready_at"].pop(str(task.id), None)
        for child in task.children:
            if child.state == TaskState.READY and child.task_spec.manual:
                self.entered(child)


class _FixedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class Engine:
    def __init__(self, clock, calendar, client_waits: Mapping | ClientWaits | None = None,
                 lane_roles: Mapping[str, str] | None = None, cache_size: int = 512,
                 cache_bytes: int = 256 * 1024 * 1024,
                 limits: Limits | None = None, on_evaluate: Callable[[str], None] | None = None):
        self.clock = clock
        self.client_waits = as_client_waits(client_waits)
        self.calendar = calendar
        self.limits = limits or Limits()
        self._on_evaluate = on_evaluate
        self.script_engine = self._script_engine(clock)
        self.lane_roles = dict(lane_roles or {})
        self._models: OrderedDict[str, ParsedModel] = OrderedDict()
        self._live: OrderedDict[tuple, tuple[BpmnWorkflow, int]] = OrderedDict()
        self._cache_size, self._cache_bytes, self._cached_bytes = cache_size, cache_bytes, 0
        self._lock = threading.Lock()  # the caches are shared by the web server's threads

    # -- models ---------------------------------------------------------------------------
    def load(self, files: dict[str, bytes], key: str | None = None) -> ParsedModel:
        """The parsed model of a bundle, parsed once per content hash."""
        if key is not None and (model := self.cached(key)) is not None:
            return model
        model = parse_bundle(files)
        with self._lock:
            self._models[model.key] = model
            while len(self._models) > 16:
                self._models.popitem(last=False)
        return model

    def cached(self, key: str) -> ParsedModel | None:
        with self._lock:
            model = self._models.get(key)
            if model is not None:
                self._models.move_to_end(key)
            return model

    # -- instances ------------------------------------------------------------------------
    def start(self, model: ParsedModel, process_id: str, data: dict | None = None,
              message: ThrownMessage | None = None) -> Step:
        try:
            spec, subprocess_specs = model.specs[process_id]
        except KeyError:
            raise ProcessNotFound(f"process «{process_id}» is not in the model (has: {sorted(model.specs)})") from None
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        if data:
            workflow.task_tree.data.update(data)
            for task in workflow.task_tree.children:
                task.data.update(data)
        recorder = _Recorder(workflow, self.clock, self.lane_roles)
        self._run(workflow, recorder, lambda: workflow.do_engine_steps(did_complete_task=recorder.ran))
        if message is not None:
            event = BpmnEvent(self._catching_definition(workflow, message.name), message.payload)
            self._run(workflow, recorder, lambda: workflow.send_event(event))
            self._run(workflow, recorder, lambda: workflow.do_engine_steps(did_complete_task=recorder.ran))
        return self._step(workflow, recorder)

    def complete(self, model: ParsedModel, state: bytes, task_id: str, data: dict | None = None,
                 cache_key: tuple | None = None) -> Step:
        workflow = self._restore(model, state, cache_key)
        task = self._ready_human_task(workflow, task_id)
        done = self._human(task)
        recorder = _Recorder(workflow, self.clock, self.lane_roles)

        def run():
            if data:
                task.data.update(data)
            task.run()
            recorder.ran(task)
            workflow.do_engine_steps(did_complete_task=recorder.ran)

        self._run(workflow, recorder, run)
        step = self._step(workflow, recorder)
        step.completed_task = done
        return step

    def advance(self, model: ParsedModel, state: bytes, cache_key: tuple | None = None) -> Step:
        """Fire every timer due by the clock's now and run what follows."""
        workflow = self._restore(model, state, cache_key)
        recorder = _Recorder(workflow, self.clock, self.lane_roles)

        def run():
            workflow.refresh_timers()
            workflow.do_engine_steps(did_complete_task=recorder.ran)

        self._run(workflow, recorder, run)
        return self._step(workflow, recorder)

    def inspect(self, model: ParsedModel, state: bytes) -> Step:
        """The current tasks, timers and data, restored from the stored bytes, without running
        anything (a live cached workflow may be in another thread's hands)."""
        workflow = self._restore(model, state, None)
        return self._step(workflow, _Recorder(workflow, self.clock, self.lane_roles))

    def migrate(self, old: ParsedModel, new: ParsedModel, state: bytes) -> tuple[Step, list[str]]:
        """Move an instance onto a newer model: the new state and notes on what changed for it.

        Raises MigrationRefused with the reasons when the change does not allow it. Always works
        on a copy restored from the bytes, never the live cache, so a refusal leaves no trace.
        """
        workflow = load_state(state, old.specs, self.script_engine)
        ready_at = dict(workflow.data.get(_META, {}).get("ready_at", {}))
        recorder = _Recorder(workflow, self.clock, self.lane_roles)
        notes = []
        self._run(workflow, recorder, lambda: notes.append(
            plan_and_migrate(workflow, new.specs, ready_at, self._script_engine_at)))
        self._run(workflow, recorder, lambda: workflow.do_engine_steps(did_complete_task=recorder.ran))
        step = self._step(workflow, recorder)
        try:  # a state that would not restore on the new model is refused now, not found later
            load_state(step.state, new.specs, self.script_engine)
        except (StateCorrupt, KeyError) as exc:
            raise MigrationRefused([f"состояние заявки не восстанавливается на новой версии: {exc}"]) from exc
        return step, notes[0].notes

    def sandboxed(self, target: str, *args):
        """Run a whole function of ``SANDBOXED_CALLS`` (model checks) here, under one operation's
        CPU deadline (``IsolatedEngine`` runs it in a worker instead)."""
        import importlib
        from .sandbox.worker import SANDBOXED_CALLS
        if target not in SANDBOXED_CALLS:
            raise ValueError(f"{target} is not a sandboxed call")
        module, _, name = target.partition(":")
        try:
            with operation(self.limits):
                return getattr(importlib.import_module(module), name)(*args)
        except Exhausted as exc:
            raise BudgetExceeded(exc.detail, exc.element, str(exc.resource)) from None

    def _script_engine_at(self, moment: datetime) -> RestrictedScriptEngine:
        """A script engine whose clock stands at ``moment`` (a deadline counted from its step's start)."""
        return self._script_engine(_FixedClock(moment))

    def _script_engine(self, clock) -> RestrictedScriptEngine:
        return RestrictedScriptEngine(clock, model_functions(clock, self.calendar, self.client_waits),
                                      self.limits, self._on_evaluate)

    def keep(self, cache_key: tuple, step: Step) -> None:
        """Remember the live workflow of a step once the caller has stored it under cache_key."""
        if step._live is None or self._cache_size <= 0:
            return
        # A live workflow takes about 25 times its compressed state (measured: 136 KB for 6 KB).
        size = LIVE_BYTES_PER_STORED_BYTE * len(step.state)
        with self._lock:
            if (old := self._live.pop(cache_key, None)) is not None:
                self._cached_bytes -= old[1]
            self._live[cache_key] = (step._live, size)
            self._cached_bytes += size
            while self._live and (len(self._live) > self._cache_size or self._cached_bytes > self._cache_bytes):
                _, (_, dropped) = self._live.popitem(last=False)
                self._cached_bytes -= dropped

    def forget(self, instance_id) -> None:
        with self._lock:
            for key in [k for k in self._live if k[0] == instance_id]:
                self._cached_bytes -= self._live.pop(key)[1]

    # -- internals ------------------------------------------------------------------------
    def _restore(self, model, state, cache_key) -> BpmnWorkflow:
        if cache_key is not None:
            with self._lock:
                # Taken out of the cache: the operation mutates it, and it only goes back (under
                # the next revision) once the caller has stored the result.
                found = self._live.pop(cache_key, None)
                if found is not None:
                    self._cached_bytes -= found[1]
                live = found[0] if found is not None else None
            if live is not None:
                return live
        return load_state(state, model.specs, self.script_engine)

    def _run(self, workflow, recorder, action: Callable[[], None]) -> None:
        try:
            with operation(self.limits):
                action()
        except Exhausted as exc:
            # The workflow object is left mid-step; callers never store it (the cache lost it too).
            raise BudgetExceeded(exc.detail, exc.element, str(exc.resource)) from None
        except EngineError:
            raise
        except WorkflowException as exc:
            task = getattr(exc, "task", None) or getattr(exc, "task_spec", None)
            element = getattr(getattr(task, "task_spec", task), "bpmn_id", None)
            raise ScriptFailed(describe(exc), element) from exc
        except SpiffWorkflowException as exc:
            raise ScriptFailed(str(exc)) from exc

    @staticmethod
    def _catching_definition(workflow, name: str):
        # Event definitions match by class and name, so the event is built from the catching
        # start event's own definition rather than from a generic one.
        for task in workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, MessageEventDefinition) and definition.name == name:
                return definition
        raise ProcessNotFound(f"process «{workflow.spec.name}» does not start on message «{name}»")

    def _ready_human_task(self, workflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, WorkflowException, KeyError):
            task = None
        if task is None:
            raise TaskNotFound(f"no task {task_id} in this instance")
        if not task.task_spec.manual:
            raise TaskNotFound(f"task {task_id} is not a human task")
        if task.state != TaskState.READY:
            raise TaskNotReady(f"task «{task.task_spec.bpmn_name}» is {TaskState.get_name(task.state).lower()}, not ready")
        return task

    def _human(self, task) -> HumanTask:
        spec = task.task_spec
        props = _props(spec)
        meta = task.workflow.top_workflow.data.get(_META, {})
        dues = {}
        parent = task.parent
        if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
            # A deadline that has already fired (its event is completed) is still the task's
            # deadline: the task list shows it as breached rather than forgetting it.
            for sibling in parent.children:
                if sibling is task or not isinstance(getattr(sibling.task_spec, "event_definition", None),
                                                     TimerEventDefinition):
                    continue
                kind = _props(sibling.task_spec).get("deadline_kind")
                dues.setdefault(kind, _moment(sibling._get_internal_data("event_value")))
        return HumanTask(
            id=str(task.id), element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
            lane=spec.lane, role=self.lane_roles.get((spec.lane or "").strip()),
            step=props.get("step"), form=props.get("form"),
            ready_at=_moment(meta.get("ready_at", {}).get(str(task.id))),
            normative_due=dues.get(TimerKind.NORMATIVE), indicative_due=dues.get(TimerKind.INDICATIVE),
            wait_due=dues.get(TimerKind.CLIENT_WAIT), properties=dict(props),
        )

    def _step(self, workflow, recorder, dump=True) -> Step:
        if dump:
            prune_finished_loops(workflow)  # the stored tree stays the size of the present
        tasks, timers = [], []
        for task in _all_tasks(workflow):  # one pass over the flat task map, not two tree walks
            if task.state == TaskState.READY and task.task_spec.manual:
                tasks.append(self._human(task))
            elif task.state == TaskState.WAITING and isinstance(
                    getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                timers.append(_waiting(task))
        messages = [ThrownMessage(e.event_definition.name, e.payload) for e in workflow.get_events()
                    if isinstance(e.event_definition, MessageEventDefinition)]
        last = workflow.last_task
        data = {k: v for k, v in (last.data if last is not None else {}).items() if k != _META}
        return Step(
            state=dump_state(workflow) if dump else b"",
            completed=workflow.completed,
            statuses=dict(recorder.meta["statuses"]),
            tasks=tasks, timers=timers, status_changes=recorder.changes, messages=messages,
            fired=recorder.fired, decisions=recorder.decisions, entered=recorder.elements, data=data,
            _live=workflow,
        )


def _decided(task, table) -> DecisionMade:
    spec = task.task_spec
    names = [o.name or o.label for o in table.outputs]
    return DecisionMade(element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
                        decision_id=(getattr(spec, "extensions", None) or {}).get("calledDecisionId"),
                        outputs={n: task.data.get(n) for n in names if n})


def _all_tasks(workflow):
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def _attached(task):
    """The activity a boundary timer guards: its sibling under the boundary split."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        for sibling in parent.children:
            if not hasattr(sibling.task_spec, "event_definition"):
                return sibling
    return None


def _waiting(task) -> WaitingTimer:
    spec, props, owner = task.task_spec, _props(task.task_spec), _attached(task)
    return WaitingTimer(
        task_id=str(task.id), element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
        kind=props.get("deadline_kind"), step=props.get("step"),
        due_at=_moment(task._get_internal_data("event_value")),
        interrupting=getattr(spec, "cancel_activity", True),
        attached_task_id=str(owner.id) if owner else None,
        attached_element_id=owner.task_spec.bpmn_id if owner else None,
    )


def _fired(task) -> FiredTimer:
    w = _waiting(task)
    return FiredTimer(w.task_id, w.element_id, w.name, w.kind, w.step, w.due_at,
                      w.attached_task_id, w.attached_element_id)

