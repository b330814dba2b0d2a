"""The task list: sections, filters, counts and one page of open tasks for a user.

Everything runs on the task-list index (``open_tasks``) joined with the instance row for the
company and statuses; the common query of a ЦПЭ user (role, region, by due date) is what the
index (role, region, normative_due) is for. What a user may see is narrowed by ``app.access``
first, so a filter can only take away, never widen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import load_only

from ..access import scope, visible_instances
from ..calendar import MOSCOW
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from ..roles import Role, roles_of_lanes
from ..statuses import ApplicationStatus, ConsultationStatus
from .rights import STAND_INS, acting_roles, eligible_clause
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


# How a section may be ordered; the first is the default. Working time left to the normative
# deadline orders as the deadline does (the calendar is the same for every task), so the index
# (role, region, normative_due) serves it.
SORTS = {
    "due": "по оставшемуся сроку",
    "received": "по поступлению",
    "application": "по номеру заявки",
}
DEFAULT_SORT = "due"


@dataclass
class Filters:
    step: str = ""
    status: str = ""
    region: str = ""
    # Search: an application's number, a company's name or INN (``company`` is its former name).
    q: str = ""
    sort: str = ""

    @classmethod
    def from_args(cls, args, user) -> "Filters":
        region = (args.get("region") or "").strip()
        # Only central staff choose a region; everyone else is bound to theirs by access.
        if not may_filter_region(user):
            region = ""
        sort = (args.get("sort") or "").strip()
        return cls(step=(args.get("step") or "").strip(), status=(args.get("status") or "").strip(),
                   region=region, q=(args.get("q") or args.get("company") or "").strip()[:200],
                   sort=sort if sort in SORTS and sort != DEFAULT_SORT else "")

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


def application_statuses() -> list[str]:
    """The application statuses a list may be narrowed to, of every process, each once."""
    return list(dict.fromkeys([s.value for s in ApplicationStatus] + [s.value for s in ConsultationStatus]))


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
    query = query.order_by(*_order(filters.sort))
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
    if not joined and bounds is not None and set(bounds) <= {"region"} and not (filters.status or filters.q):
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
    if filters.q:
        query = query.where(search_clause(filters.q))
    return query


def search_clause(text: str):
    """SQL condition over ProcessInstance for a search box: «№ 12» is application 12 only; digits
    are that application's number or part of an INN; anything else part of a company's name or INN."""
    text = text.strip()
    by_number = text.startswith("№")
    text = text.lstrip("№").strip()
    # An application's number fits the id column (32-bit on PostgreSQL); an INN's ten digits do not.
    as_number = int(text) if text.isdigit() and len(text) <= 9 else None
    if by_number:
        return ProcessInstance.id == as_number if as_number is not None else false()
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clauses = [func.lower(ProcessInstance.company_name).like(pattern, escape="\\"),
               ProcessInstance.company_inn.like(pattern, escape="\\")]
    if as_number is not None:
        clauses.append(ProcessInstance.id == as_number)
    return or_(*clauses)


def _order(sort: str) -> tuple:
    if sort == "received":
        return OpenTask.ready_at.asc().nulls_last(), OpenTask.id
    if sort == "application":
        return OpenTask.instance_id.asc(), OpenTask.id
    return OpenTask.normative_due.asc().nulls_last(), OpenTask.id


def _end_of_moscow_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(MOSCOW).date() + timedelta(days=1), time(0), tzinfo=MOSCOW)


def deadline_state(task: OpenTask, now: datetime) -> str:
    """'breached' (normative deadline passed), 'warned' (indicative one passed) or ''."""
    if task.breached_at or (task.normative_due and task.normative_due < now):
        return "breached"
    if task.warned_at or (task.indicative_due and task.indicative_due < now):
        return "warned"
    return ""


def working_days_left(task: OpenTask, now: datetime) -> int | None:
    """Working days left to the normative deadline counting today (a deadline is the end of its
    day): 1 on its last day, 0 once it has passed; None for a task without one."""
    if task.normative_due is None:
        return None
    if task.normative_due < now:
        return 0
    today = now.astimezone(MOSCOW).date()
    due_day = task.normative_due.astimezone(MOSCOW).date()
    calendar = runtime().calendar
    return calendar.working_days_between(today, due_day) + (1 if calendar.is_working_day(today) else 0)


def next_task(user, done_task_id: str | None = None) -> str | None:
    """The task id of the first of «Мои задачи» in the list's default order (after a submit:
    where to go next). On the assignee's index alone: a completion should not pay for a list."""
    query = _visible(select(OpenTask.task_id), user, Filters()).where(OpenTask.assignee == user.email)
    if done_task_id:
        query = query.where(OpenTask.task_id != done_task_id)
    return db.session.scalar(query.order_by(*_order(DEFAULT_SORT)).limit(1))


def step_choices(user=None) -> list[tuple[str, str]]:
    """(step, "step — task name") of the user tasks of the deployed model that ``user``'s roles
    perform or may fill as stand-ins (an admin's: all), in step order."""
    try:
        model = model_of(current_deployment())
    except NothingDeployed:
        return []
    roles = None if user is None or user.has_role(Role.ADMIN) else acting_roles(user) | {
        r.value for r in user.roles}
    seen: dict[str, str] = {}
    for catalog in model.catalogs.values():
        for element in catalog.elements.values():
            step = element.properties.get("step")
            if not (element.is_human and step) or step in seen:
                continue
            if roles is not None:
                performers = {r.value for r in roles_of_lanes(element.lane)}
                performers |= {r.value for r in roles_of_lanes(element.properties.get("on_behalf"))}
                performers |= {stand_in.value for role, stand_in in STAND_INS.items() if role.value in performers}
                if not performers & roles:
                    continue
            seen[step] = f"{step} — {element.name}"
    return sorted(seen.items(), key=lambda item: [int(p) if p.isdigit() else 0 for p in item[0].split(".")])
