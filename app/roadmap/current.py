"""An application's detailed roadmap as it stands: its latest version, its state, its done marks.

The roadmap is what the ЦПЭ sent with step 8 or 9.1 (a case-file entry of kind ``roadmap``; its
id is the version the done marks belong to); МО РЭЦ's decision (9) and the end of step 10 follow
as entries of their kinds. Reading them in order gives the version, whether it is on approval,
returned (with the remarks) or approved, and when it was carried out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..applications import casefile
from ..calendar import MOSCOW
from ..extensions import db
from ..models import ProcessInstance, RoadmapMark
from ..statuses import CaseKind, RoadmapState
from .base import BaseRoadmap, load_base_roadmap

BUILD_FORMS = ("roadmap", "roadmap_correction")  # steps 8 and 9.1: a new version
APPROVAL_FORM = "roadmap_approval"  # step 9
EXECUTION_FORM = "roadmap_execution"  # step 10
ROADMAP_FORMS = (*BUILD_FORMS, APPROVAL_FORM, EXECUTION_FORM)


@dataclass
class RoadmapStep:
    position: int
    stage: str
    stage_label: str
    step: str
    responsible: str
    start: date | None
    due: date | None
    done_on: date | None = None
    marked_by: str | None = None
    overdue: bool = False
    change: str | None = None  # against the version before: "added" or "changed"


@dataclass
class Roadmap:
    version: int  # the audit event that carried it
    state: RoadmapState
    steps: list[RoadmapStep]
    sent_at: datetime
    sent_by: str
    changes: str | None = None  # the ЦПЭ's answer to remarks (9.1)
    remarks: str | None = None  # МО РЭЦ's remarks of the latest return
    remarks_at: datetime | None = None
    remarks_by: str | None = None
    rows: list[dict] = field(default_factory=list)  # the steps as the form holds them
    number: int = 1  # the n-th version sent
    previous_rows: list[dict] | None = None  # the version before, to show what changed
    removed: list[RoadmapStep] = field(default_factory=list)  # its steps this version dropped

    @property
    def executing(self) -> bool:
        return self.state == RoadmapState.EXECUTION

    @property
    def overdue(self) -> list[RoadmapStep]:
        return [s for s in self.steps if s.overdue]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done_on)


def roadmap_of(instance: ProcessInstance, today: date | None = None,
               base: BaseRoadmap | None = None) -> Roadmap | None:
    """The latest roadmap of ``instance`` with its marks; overdue steps flagged against ``today``
    (while it is carried out). None before the ЦПЭ has sent one."""
    roadmap = None
    for entry in casefile.entries(instance.id, (CaseKind.ROADMAP, CaseKind.ROADMAP_APPROVAL,
                                                CaseKind.ROADMAP_EXECUTION)):
        data = entry.data or {}
        if entry.kind == CaseKind.ROADMAP and isinstance(data.get("roadmap_steps"), list):
            previous = roadmap
            roadmap = Roadmap(version=entry.id, state=RoadmapState.APPROVAL, steps=[], sent_at=entry.at,
                              sent_by=entry.actor, changes=data.get("changes"), rows=data["roadmap_steps"],
                              number=entry.version)
            if previous is not None:  # keep the remarks this version answers, and what it changed
                roadmap.remarks, roadmap.remarks_at, roadmap.remarks_by = (
                    previous.remarks, previous.remarks_at, previous.remarks_by)
                roadmap.previous_rows = previous.rows
        elif roadmap is None:
            continue
        elif entry.kind == CaseKind.ROADMAP_APPROVAL:
            approved = data.get("decision") == "approve"
            roadmap.state = RoadmapState.EXECUTION if approved else RoadmapState.RETURNED
            if not approved:
                roadmap.remarks, roadmap.remarks_at, roadmap.remarks_by = data.get("comment"), entry.at, entry.actor
        elif entry.kind == CaseKind.ROADMAP_EXECUTION:
            roadmap.state = RoadmapState.EXECUTED
    if roadmap is None:
        return None
    base = base or load_base_roadmap()
    roadmap.steps = _steps(roadmap.rows, base)
    if roadmap.previous_rows is not None:
        _compare(roadmap, _steps(roadmap.previous_rows, base))
    _apply_marks(instance.id, roadmap)
    if roadmap.executing and today is not None:
        for step in roadmap.steps:
            step.overdue = step.done_on is None and step.due is not None and step.due < today
    return roadmap


def today_in_moscow(now: datetime) -> date:
    return now.astimezone(MOSCOW).date()


def _steps(rows: list, base: BaseRoadmap) -> list[RoadmapStep]:
    result = []
    for position, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        stage = base.stage(str(row.get("stage")))
        result.append(RoadmapStep(
            position=position, stage=str(row.get("stage") or ""),
            stage_label=stage.label if stage else f"Этап {row.get('stage') or '—'}",
            step=str(row.get("step") or ""), responsible=str(row.get("responsible") or ""),
            start=_date(row.get("start")), due=_date(row.get("due"))))
    return result


def _compare(roadmap: Roadmap, before: list[RoadmapStep]) -> None:
    """Mark each step as added or changed against the version before (a step is known by its
    stage and text: a moved or re-dated step is «changed»), and list the steps dropped."""
    def key(step):
        return step.stage, step.step.strip()

    def content(step):
        return step.responsible, step.start, step.due

    old = {key(s): s for s in before}
    for position, step in enumerate(roadmap.steps):
        was = old.get(key(step))
        if was is None:
            step.change = "added"
        elif content(was) != content(step) or [key(s) for s in before].index(key(step)) != position:
            step.change = "changed"
    kept = {key(s) for s in roadmap.steps}
    roadmap.removed = [s for s in before if key(s) not in kept]


def _apply_marks(instance_id: int, roadmap: Roadmap) -> None:
    marks = db.session.scalars(select(RoadmapMark).where(RoadmapMark.instance_id == instance_id,
                                                         RoadmapMark.version == roadmap.version)).all()
    by_position = {m.position: m for m in marks}
    for step in roadmap.steps:
        mark = by_position.get(step.position)
        if mark is not None:
            step.done_on, step.marked_by = mark.done_on, mark.marked_by


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
