"""Instance state without the spec.

The engine's own serializer writes the whole process spec into every instance (half of the
bytes or more). Vitrina keeps the BPMN once per deployed version and stores only the task
tree and data; the spec is supplied again on restore.
"""
from __future__ import annotations

import zlib
from uuid import UUID

import orjson

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

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


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = SpeclessWorkflowConverter
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
