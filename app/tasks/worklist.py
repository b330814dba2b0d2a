"""The task list: sections, filters, counts and one page of open tasks for a user.

Everything runs on the task-list index (``open_tasks``) joined with the instance row for the
company and statuses; the common query of a ЦПЭ user (role, region, by due date) is what the
index (role, region, normative_due) is for. What a user may see is narrowed by ``app.access``
first, so a filter can only take away, never widen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import load_only

from ..access import scope, visible_instances
from ..calendar import MOSCOW
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from ..roles import Role
from .rights import eligible_clause
from ..workflow.deployments import current_deployment, model_of
from ..workflow.errors import NothingDeployed
from ..workflow.runtime import runtime

PAGE_SIZE = 50
SECTIONS = {
    "mine": "Мои задачи",
    "available": "Доступные",
    "overdue": "Просроченные",
    "today": "На сегодня",
    "all": "Все задачи",
}
# Not a tab of the page: the API's default list, the user's own tasks and those they may claim.
OPEN = "open"


@dataclass
class Filters:
    step: str = ""
    status: str = ""
    region: str = ""
    company: str = ""

    @classmethod
    def from_args(cls, args, user) -> "Filters":
        region = (args.get("region") or "").strip()
        # Only central staff choose a region; everyone else is bound to theirs by access.
        if not may_filter_region(user):
            region = ""
        return cls(step=(args.get("step") or "").strip(), status=(args.get("status") or "").strip(),
                   region=region, company=(args.get("company") or "").strip())

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Page:
    section: str
    rows: list
    counts: dict[str, int]
    page: int
    now: datetime
    sections: dict[str, str] = field(default_factory=dict)
    per_page: int = PAGE_SIZE

    @property
    def total(self) -> int:
        return self.counts[self.section]

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def may_filter_region(user) -> bool:
    return scope(user) == {}


def sections_for(user) -> dict[str, str]:
    shown = dict(SECTIONS)
    if not (user.has_role(Role.MANAGER) or user.has_role(Role.ADMIN)):
        del shown["all"]
    return shown


def task_page(user, section: str | None, filters: Filters, page: int = 1, per_page: int = PAGE_SIZE, *,
              with_open: bool = False) -> Page:
    """One page of a section; ``with_open`` (the API) adds the OPEN section, not a tab of the page."""
    now = runtime().clock.now()
    sections = sections_for(user)
    counted = list(sections) + ([OPEN] if with_open else [])
    # Once per page: finding the tasks the user may fill as a stand-in is a query of its own.
    eligible = eligible_clause(user)
    counts = _counts(user, counted, filters, now, eligible)
    if section not in counts:
        # A user's home is their own work; with none claimed, what they may pick up.
        section = "mine" if counts["mine"] else "available"
    # The instance's stored engine state is the bulk of its row and the list needs none of it.
    query = _section_query(select(OpenTask, ProcessInstance), user, section, filters, now, eligible).options(
        load_only(ProcessInstance.id, ProcessInstance.region, ProcessInstance.company_name,
                  ProcessInstance.company_inn, ProcessInstance.application_status, ProcessInstance.service_status))
    query = query.order_by(OpenTask.normative_due.asc().nulls_last(), OpenTask.id)
    rows = db.session.execute(query.limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return Page(section=section, rows=rows, counts=counts, page=max(page, 1), now=now, sections=sections,
                per_page=per_page)


def _counts(user, sections: list[str], filters: Filters, now: datetime, eligible) -> dict[str, int]:
    """Every section's count in one pass over the user's visible tasks, not one query each: a
    region's list costs one scan however many tabs it has."""
    conditions = {key: _section_condition(user, key, now, eligible) for key in sections}
    query = _visible(select(*[func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in conditions.values()]),
                     user, filters)
    query = _filtered(query.where(or_(*conditions.values())), filters)
    return {key: int(value or 0) for key, value in zip(conditions, db.session.execute(query).one())}


def _section_condition(user, section: str, now: datetime, eligible):
    """``eligible``: ``rights.eligible_clause(user)``, built once for all the sections."""
    mine = OpenTask.assignee == user.email
    available = and_(eligible, OpenTask.assignee.is_(None))
    if section == "mine":
        return mine
    if section == "available":
        return available
    if section == OPEN:
        return or_(mine, available)
    team = _team(user, mine, eligible)
    if section == "overdue":
        return and_(team, OpenTask.normative_due < now)
    if section == "today":
        # Due before the Moscow day ends and not overdue yet: the two sections never overlap.
        return and_(team, OpenTask.normative_due >= now, OpenTask.normative_due < _end_of_moscow_day(now))
    return team


def _visible(query, user, filters: Filters, *, joined: bool = False):
    """``query`` over OpenTask narrowed to what ``user`` may see. A region-bound user is narrowed
    on the task row's own region (it is the instance's), so counting needs no join with the
    instances unless a filter or the bound is on them."""
    bounds = scope(user)
    if not joined and bounds is not None and set(bounds) <= {"region"} and not (filters.status or filters.company):
        query = query.select_from(OpenTask)
        return query.where(OpenTask.region == bounds["region"]) if bounds else query
    query = visible_instances(query.select_from(OpenTask).join(ProcessInstance, ProcessInstance.id == OpenTask.instance_id),
                              user)
    if bounds and "region" in bounds:
        # Said on the task row as well (it is the instance's region): the planner then keeps the
        # region's index even when the user's tasks are an OR (their own role's, and stand-ins').
        query = query.where(OpenTask.region == bounds["region"])
    return query


def _section_query(query, user, section: str, filters: Filters, now: datetime, eligible):
    query = _visible(query, user, filters, joined=True).where(_section_condition(user, section, now, eligible))
    return _filtered(query, filters)


def _team(user, mine, eligible):
    """The tasks a user keeps an eye on: their roles' ones where they work, and their own;
    an admin (who assigns) every task they can see."""
    if user.has_role(Role.ADMIN):
        return true()
    return or_(eligible, mine)


def _filtered(query, filters: Filters):
    if filters.step:
        query = query.where(OpenTask.step == filters.step)
    if filters.status:
        query = query.where(ProcessInstance.application_status == filters.status)
    if filters.region:
        query = query.where(OpenTask.region == filters.region)
    if filters.company:
        text = filters.company.lower()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(ProcessInstance.company_name).like(pattern, escape="\\"),
                                ProcessInstance.company_inn.like(pattern, escape="\\")))
    return query


def _end_of_moscow_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(MOSCOW).date() + timedelta(days=1), time(0), tzinfo=MOSCOW)


def deadline_state(task: OpenTask, now: datetime) -> str:
    """'breached' (normative deadline passed), 'warned' (indicative one passed) or ''."""
    if task.breached_at or (task.normative_due and task.normative_due < now):
        return "breached"
    if task.warned_at or (task.indicative_due and task.indicative_due < now):
        return "warned"
    return ""


def step_choices() -> list[tuple[str, str]]:
    """(step, "step — task name") of the user tasks of the deployed model, in step order."""
    try:
        model = model_of(current_deployment())
    except NothingDeployed:
        return []
    seen: dict[str, str] = {}
    for catalog in model.catalogs.values():
        for element in catalog.elements.values():
            step = element.properties.get("step")
            if element.is_human and step and step not in seen:
                seen[step] = f"{step} — {element.name}"
    return sorted(seen.items(), key=lambda item: [int(p) if p.isdigit() else 0 for p in item[0].split(".")])
