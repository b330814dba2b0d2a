"""Plain values that cross the engine door: no SpiffWorkflow object ever leaves the package."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class HumanTask:
    """A ready user task, as the task list needs it."""

    id: str
    element_id: str
    name: str
    lane: str | None
    role: str | None  # the role key the lane maps to (None: a lane that is no role)
    step: str | None
    form: str | None
    ready_at: datetime | None
    normative_due: datetime | None = None
    indicative_due: datetime | None = None
    wait_due: datetime | None = None
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WaitingTimer:
    """A timer that has started waiting; ``attached_task_id`` is the human task it guards."""

    task_id: str
    element_id: str
    name: str
    kind: str | None
    step: str | None
    due_at: datetime | None
    interrupting: bool
    attached_task_id: str | None = None
    attached_element_id: str | None = None


@dataclass(frozen=True)
class FiredTimer:
    task_id: str
    element_id: str
    name: str
    kind: str | None
    step: str | None
    due_at: datetime | None
    attached_task_id: str | None = None
    attached_element_id: str | None = None


@dataclass(frozen=True)
class StatusChange:
    line: str  # "application_status" | "service_status"
    old: str | None
    new: str
    element_id: str
    element_name: str | None


@dataclass(frozen=True)
class DecisionMade:
    """A business rule task the engine ran: its decision table and the outputs it added."""

    element_id: str
    name: str
    decision_id: str | None
    outputs: dict


@dataclass(frozen=True)
class EnteredElement:
    """A flow node the engine entered in this step (a task became ready, an event was reached)
    that carries properties: what the model declares to happen on entry (statuses, notices)."""

    task_id: str
    element_id: str
    name: str | None
    lane: str | None
    role: str | None
    properties: dict


@dataclass(frozen=True)
class ThrownMessage:
    name: str
    payload: object


@dataclass
class Step:
    """What an engine operation left behind: the new state and everything derived from it."""

    state: bytes
    completed: bool
    statuses: dict[str, str | None]
    tasks: list[HumanTask]
    timers: list[WaitingTimer]
    status_changes: list[StatusChange] = field(default_factory=list)
    messages: list[ThrownMessage] = field(default_factory=list)
    fired: list[FiredTimer] = field(default_factory=list)
    decisions: list[DecisionMade] = field(default_factory=list)
    entered: list[EnteredElement] = field(default_factory=list)
    completed_task: HumanTask | None = None
    data: dict = field(default_factory=dict)
    _live: object = field(default=None, repr=False)

    @property
    def application_status(self) -> str | None:
        return self.statuses.get("application_status")

    @property
    def service_status(self) -> str | None:
        return self.statuses.get("service_status")
