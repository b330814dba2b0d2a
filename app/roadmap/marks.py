"""Marking roadmap steps done during step 10, saved as they are made.

A mark is a date (the day the step was done) per step of the approved roadmap; a blank date
takes the mark back. Every change is written to the audit trail too (regulation 2.8: each action
is registered), with the step's text, so the history reads without the roadmap at hand.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..forms.schema import FieldError
from ..models import AuditEvent, RoadmapMark
from .current import Roadmap
from ..statuses import AuditAction

FIELD = "done"  # posted as done.<position>
AUDIT_ACTION = AuditAction.ROADMAP_MARKED

_RU_DATE_RE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


class RoadmapNotInExecution(Exception):
    """Marks are set only while the approved roadmap is carried out (step 10 open)."""


class MarksChangedMeanwhile(Exception):
    """Someone else marked the same step at the same moment: reload and look again."""


def read_marks(roadmap: Roadmap, form) -> tuple[dict[int, date | None], list[FieldError]]:
    """The posted dates by step position; errors name the row's field (``done.3``)."""
    marks: dict[int, date | None] = {}
    errors: list[FieldError] = []
    for step in roadmap.steps:
        name = f"{FIELD}.{step.position}"
        if name not in form:
            continue
        text = (form.get(name) or "").strip()
        if not text:
            marks[step.position] = None
            continue
        if match := _RU_DATE_RE.match(text):
            text = f"{match[3]}-{match[2]}-{match[1]}"
        try:
            marks[step.position] = date.fromisoformat(text)
        except ValueError:
            errors.append(FieldError(name, "Неверная дата выполнения: ожидается ДД.ММ.ГГГГ"))
    return marks, errors


def check_marks(marks: dict[int, date | None], today: date) -> list[FieldError]:
    return [FieldError(f"{FIELD}.{position}", "Дата выполнения не может быть позже сегодняшнего дня")
            for position, done_on in marks.items() if done_on is not None and done_on > today]


def save_marks(instance_id: int, roadmap: Roadmap, marks: dict[int, date | None], *, actor: str,
               now: datetime) -> int:
    """Write the changed marks and their audit events in one commit; the number changed."""
    if not roadmap.executing:
        raise RoadmapNotInExecution(instance_id)
    steps = {s.position: s for s in roadmap.steps}
    existing = {m.position: m for m in db.session.scalars(select(RoadmapMark).where(
        RoadmapMark.instance_id == instance_id, RoadmapMark.version == roadmap.version))}
    changed = 0
    for position, done_on in sorted(marks.items()):
        mark = existing.get(position)
        if (mark.done_on if mark else None) == done_on:
            continue
        if done_on is None:
            db.session.delete(mark)
        elif mark is None:
            db.session.add(RoadmapMark(instance_id=instance_id, version=roadmap.version, position=position,
                                       step=steps[position].step[:1000], done_on=done_on, marked_by=actor,
                                       marked_at=now))
        else:
            mark.done_on, mark.marked_by, mark.marked_at = done_on, actor, now
        db.session.add(AuditEvent(instance_id=instance_id, at=now, actor=actor, action=AUDIT_ACTION,
                                  element_name=f"Дорожная карта: {steps[position].step}"[:500],
                                  details={"version": roadmap.version, "position": position,
                                           "done_on": done_on.isoformat() if done_on else None}))
        changed += 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise MarksChangedMeanwhile(instance_id) from None
    return changed
