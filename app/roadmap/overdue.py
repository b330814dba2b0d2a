"""Overdue roadmap steps across the applications a user sees (ЦПЭ: its region; МО РЭЦ: all).

A step is overdue when its planned end is before today (by the injected clock, in Moscow) and it
is not marked done, while its roadmap is carried out. Only applications with step 10 open can
have such steps, so the open-task index narrows the search before any roadmap is read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..access import visible_instances
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from .base import load_base_roadmap
from .current import EXECUTION_FORM, RoadmapStep, roadmap_of


@dataclass(frozen=True)
class OverdueStep:
    instance: ProcessInstance
    step: RoadmapStep
    days_late: int


def overdue_steps(user, today: date, region: str | None = None) -> list[OverdueStep]:
    """Overdue steps the user may see, the longest overdue first."""
    query = visible_instances(select(ProcessInstance).where(ProcessInstance.id.in_(
        select(OpenTask.instance_id).where(OpenTask.form == EXECUTION_FORM))), user)
    if region:
        query = query.where(ProcessInstance.region == region)
    base = load_base_roadmap()
    found = []
    for instance in db.session.scalars(query.order_by(ProcessInstance.id)):
        roadmap = roadmap_of(instance, today, base)
        for step in roadmap.overdue if roadmap else []:
            found.append(OverdueStep(instance, step, (today - step.due).days))
    return sorted(found, key=lambda o: (-o.days_late, o.instance.id, o.step.position))
