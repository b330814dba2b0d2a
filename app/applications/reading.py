"""Reading applications for the pages and the API: a page of those a user may see, one of them,
and what its card shows (open tasks, waiting timers, the audit trail, visible child instances).

Every read goes through ``app.access``, so the card, the list and the API cannot disagree on
who sees what.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..access import can_see_instance, visible_instances
from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, Timer
from ..tasks.worklist import may_filter_region, search_clause


@dataclass
class Search:
    """What the applications list is narrowed to: a search box (number, company, INN), a status
    and, for those who see every region, a region."""
    q: str = ""
    status: str = ""
    region: str = ""

    @classmethod
    def from_args(cls, args, user) -> "Search":
        return cls(q=(args.get("q") or "").strip()[:200], status=(args.get("status") or "").strip(),
                   region=(args.get("region") or "").strip() if may_filter_region(user) else "")

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def visible_page(user, page: int, per_page: int, status: str | None = None,
                 search: Search | None = None) -> tuple[list[ProcessInstance], int]:
    """One page of the applications ``user`` sees, newest first, and how many there are in all."""
    search = search or Search(status=status or "")

    def narrowed(query):
        query = visible_instances(query, user)
        if search.status:
            query = query.where(ProcessInstance.application_status == search.status)
        if search.region:
            query = query.where(ProcessInstance.region == search.region)
        return query.where(search_clause(search.q)) if search.q else query
    total = db.session.scalar(narrowed(select(func.count()).select_from(ProcessInstance)))
    rows = db.session.scalars(narrowed(select(ProcessInstance)).order_by(ProcessInstance.id.desc())
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return list(rows), total or 0


def visible_instance(user, instance_id: int) -> ProcessInstance | None:
    """The application if ``user`` may see it, else None (the caller answers 404 either way)."""
    instance = db.session.get(ProcessInstance, instance_id)
    return instance if can_see_instance(user, instance) else None


def open_tasks_of(instance_id: int) -> list[OpenTask]:
    return list(db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)
                                   .order_by(OpenTask.id)))


def timers_of(instance_id: int) -> list[Timer]:
    return list(db.session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)))


def history_of(instance_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                   .order_by(AuditEvent.id)))


def children_of(user, instance_id: int) -> list[ProcessInstance]:
    """Instances started from this one (a consultation after a refusal) that ``user`` sees.

    The children are found by the parent index first: filtered together with the region, a
    planner may start from the region's index and read the region's whole history."""
    ids = db.session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id == instance_id)).all()
    if not ids:
        return []
    return list(db.session.scalars(visible_instances(select(ProcessInstance).where(ProcessInstance.id.in_(ids)),
                                                     user)))


def status_timeline(history: list[AuditEvent]) -> dict[str, list[AuditEvent]]:
    """The two status lines of table 5.9 as they moved, oldest first, from the audit trail."""
    lines = {"application_status": [], "service_status": []}
    for event in history:
        if event.action == "status" and event.status_line in lines:
            lines[event.status_line].append(event)
    return lines
