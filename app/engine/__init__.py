"""The one door to SpiffWorkflow: nothing outside this package imports it.

Everything that crosses the door is a plain value (``Step``, ``HumanTask``, ``WaitingTimer``,
``ModelProblem``) or opaque state bytes.
"""
from .catalog import ElementInfo, FlowInfo, ProcessCatalog, read_catalog
from .errors import (BudgetExceeded, EngineError, ModelInvalid, ModelProblem, ProcessNotFound, ScriptFailed,
                     ScriptNotAllowed, StateCorrupt, TaskNotFound, TaskNotReady)
from .migration import MigrationRefused
from .parser import ParsedModel, bundle_hash, parse_bundle
from .core import STATUS_LINES, Engine
from .values import (DecisionMade, EnteredElement, FiredTimer, HumanTask, StatusChange, Step, ThrownMessage,
                     WaitingTimer)

__all__ = [
    "Engine", "ParsedModel", "parse_bundle", "bundle_hash", "STATUS_LINES",
    "ElementInfo", "FlowInfo", "ProcessCatalog", "read_catalog", "MigrationRefused",
    "BudgetExceeded", "EngineError", "ModelInvalid", "ModelProblem", "ProcessNotFound", "ScriptFailed",
    "ScriptNotAllowed", "StateCorrupt", "TaskNotFound", "TaskNotReady",
    "DecisionMade", "EnteredElement", "FiredTimer", "HumanTask", "StatusChange", "Step", "ThrownMessage", "WaitingTimer",
]
