"""Errors raised through the engine door. Callers never see SpiffWorkflow's exceptions."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class EngineError(Exception):
    """Base class of everything the engine raises."""


class Severity(StrEnum):
    """An error refuses the model; a warning is shown and the model still deploys."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ModelProblem:
    file: str
    element_id: str | None
    reason: str
    element_name: str | None = None
    rule: str = "engine"  # stable code of the check (bpmn/README.md lists them)
    severity: Severity = Severity.ERROR
    # What follows from this problem alone (an element no path reaches because a flow is missing
    # here...): shown folded under it, so one mistake reads as one problem.
    consequences: tuple[ModelProblem, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR

    def as_dict(self) -> dict:
        fields = {name: value for name, value in asdict(self).items() if name != "consequences"}
        return {**fields, "severity": str(self.severity), "text": str(self),
                "consequences": [c.as_dict() for c in self.consequences]}

    def __str__(self) -> str:
        where = self.file
        if self.element_id:
            where += f", element {self.element_id}"
            if self.element_name:
                where += f" «{self.element_name}»"
        return f"{where}: {self.reason}"


class ModelInvalid(EngineError):
    """A BPMN file that cannot be deployed; ``problems`` names the file, element and reason."""

    def __init__(self, problems: list[ModelProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[ModelProblem]:
        return [p for p in self.problems if p.blocking]


class ScriptNotAllowed(EngineError):
    """A model script or expression uses something outside the sandbox."""


class ScriptFailed(EngineError):
    """A model script, condition or timer expression raised while running."""

    def __init__(self, message: str, element_id: str | None = None):
        self.element_id = element_id
        super().__init__(message)


class BudgetExceeded(EngineError):
    """Model code ran out of its budget (steps, CPU time, size or memory) and was stopped."""

    def __init__(self, message: str, element_id: str | None = None, resource: str | None = None):
        self.element_id, self.resource = element_id, resource
        super().__init__(message)


class TaskNotFound(EngineError):
    """No task with that id in this instance."""


class TaskNotReady(EngineError):
    """The task exists but cannot be completed now (already completed, cancelled, or waiting)."""


class ProcessNotFound(EngineError):
    """No process with that id in the deployed model."""


class StateCorrupt(EngineError):
    """Stored instance state that cannot be restored."""
