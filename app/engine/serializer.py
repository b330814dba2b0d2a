"""Instance state without the spec.

The engine's own serializer writes the whole process spec into every instance (half of the
bytes or more). Vitrina keeps the BPMN once per deployed version and stores only the task
tree and data; the spec is supplied again on restore.

A live workflow is dumped after every step, and most of its tasks are finished: their entries
are kept on the task between dumps (``_FinishedTaskConverter``) instead of being worked out again.
The bytes are the same as without the cache (``tests/test_engine_state_dump.py``).
"""
from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta
from uuid import UUID

import orjson

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .errors import StateCorrupt

FORMAT = "vitrina-state/1"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_DONE = TaskState.COMPLETED | TaskState.CANCELLED  # not ERROR: an errored task may be run again
# Values that cannot change in place.
_SCALARS = frozenset({str, int, float, bool, type(None), datetime, date, timedelta})
_CACHE = "_vitrina_dump"  # attribute of a Task: (what the entry was made from, the entry)


class _FinishedTaskConverter(TaskConverter):
    """The engine's task entry, kept on a finished task (with a finished parent) and given again
    while nothing it was made from has changed.

    The entry's costly part is the data delta against the parent (every key of both compared).
    The engine never writes the data dict of a finished task, nor the lists and dicts directly
    in it (a task gets shallow copies of its parent's), but model code may change a list or dict
    nested in them in place (``rows[0]["n"] = 2``), one that the copies share. So an entry is
    kept only when no such change can alter which keys the delta names (``_settled``); a value
    the delta names is written as it is at each dump, the delta holding the value itself.
    """

    def to_dict(self, task):
        parent = task.parent
        if parent is None or not (task._state & _DONE and parent._state & _DONE):
            return super().to_dict(task)
        data, above = task.data, parent.data
        made_of = (task._state, task.last_state_change, task.triggered, task._parent, task.task_spec,
                   id(task._children), len(task._children), id(data), len(data), id(above), len(above))
        kept = task.__dict__.get(_CACHE)
        if kept is not None and kept[0] == made_of:
            entry = dict(kept[1])
        else:
            updates, stable = {}, True
            for key, value in data.items():
                if key not in above:
                    updates[key] = value
                    continue
                other = above[key]
                if value != other:
                    updates[key] = value
                if stable and not _settled(value, other):
                    stable = False
            entry = {
                'id': str(task.id), 'parent': str(task._parent),
                'children': [str(child) for child in task._children],
                'last_state_change': task.last_state_change, 'state': task.state,
                'task_spec': task.task_spec.name, 'triggered': task.triggered, 'internal_data': None,
                'data': {}, 'delta': {'updates': updates, 'deletions': [key for key in above if key not in data]},
            }
            if stable:
                task.__dict__[_CACHE] = (made_of, entry)
            else:
                task.__dict__.pop(_CACHE, None)
            entry = dict(entry)
        # Small, and the engine may change it: converted every time.
        entry['internal_data'] = self.registry.convert(task.internal_data)
        return entry


def _settled(value, other) -> bool:
    """Whether ``value == other`` stays as it is whatever is changed in place inside them: the
    same object, scalars, shallow copies of each other (what is nested is shared, so a change
    inside shows in both) or containers of scalars only."""
    if value is other:
        return True
    kind = type(value)
    if kind in _SCALARS and type(other) in _SCALARS:
        return True
    if kind is type(other) and (kind is list or kind is tuple):
        if len(value) == len(other) and all(a is b for a, b in zip(value, other)):
            return True
    elif kind is dict and type(other) is dict:
        if len(value) == len(other) and all(k in other and other[k] is v for k, v in value.items()):
            return True
    return _flat(value) and _flat(other)


def _flat(value) -> bool:
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list or kind is tuple:
        return all(type(item) in _SCALARS for item in value)
    if kind is dict:
        return all(type(item) in _SCALARS for item in value.values())
    return False


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = SpeclessWorkflowConverter
_config[Task] = _FinishedTaskConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))


_fallback = _serializer._encoder_cls()


def _default(obj):
    # What orjson cannot encode goes through the engine's own encoder (registered classes,
    # sets, callables left in task data).
    return _fallback.default(obj)


def dump_state(workflow) -> bytes:
    """Compressed JSON of the instance's tasks and data, without its spec."""
    registry = _serializer.registry
    registry._encoder_mode = True
    try:
        dct = registry.convert(workflow)
        dct["format"] = FORMAT
        dct["process_id"] = workflow.spec.name
        dct["serializer_version"] = _serializer.VERSION
        text = orjson.dumps(dct, default=_default, option=orjson.OPT_NON_STR_KEYS)
    finally:
        registry._encoder_mode = False
    return zlib.compress(text, 1)


def load_state(state: bytes, specs: dict, script_engine):
    """Restore an instance; ``specs`` maps process id to (spec, subprocess specs)."""
    try:
        dct = orjson.loads(zlib.decompress(state))
    except (zlib.error, orjson.JSONDecodeError) as exc:
        raise StateCorrupt(f"stored instance state cannot be read: {exc}") from exc
    if dct.pop("format", None) != FORMAT:
        raise StateCorrupt("stored instance state has an unknown format")
    dct.pop("serializer_version", None)
    process_id = dct.pop("process_id", None)
    if process_id not in specs:
        raise StateCorrupt(f"stored instance runs process «{process_id}», which this model lacks")
    spec, subprocess_specs = specs[process_id]
    workflow = _serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine  # not serialized: set again on every restore
    return workflow


def full_size(workflow) -> int:
    """Bytes of the engine's own serialization with spec (for the storage benchmark).

    The clock-aware timer definitions (``timers.py``) are written as the engine writes the ones
    they replace."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import (CycleTimerEventDefinition,
                                                                  DurationTimerEventDefinition,
                                                                  TimeDateEventDefinition)
    from .timers import ClockedCycle, ClockedDuration, ClockedTimeDate
    config = dict(SPIFF_CONFIG)
    for clocked, engine_class in ((ClockedTimeDate, TimeDateEventDefinition),
                                  (ClockedDuration, DurationTimerEventDefinition),
                                  (ClockedCycle, CycleTimerEventDefinition)):
        config[clocked] = config[engine_class]
    plain = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    return len(plain.serialize_json(workflow).encode("utf-8"))
