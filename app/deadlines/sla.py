"""The SLA figures of 4.3, per region and step of table 5.9, from the case file and the breach register.

- A step counts as done in the period when its case-file entry (one that carried a normative
  deadline) falls in it; it was done on time when the register has no breach of that task.
- Breaches open now are counted whatever the period; lateness averages the breaches closed
  in the period.
- Stage duration: working days from the day the step became ready to the day it was done
  (Moscow dates, counted as deadlines are, 4.2), against the model's normative deadline.

Everything is narrowed by ``app.access`` on the application, so a regional manager's figures
cover their region only. Counts are grouped in SQL; only the durations need the production
calendar, so for them the query returns two dates per completed step and nothing more.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby

from sqlalchemy import and_, case, exists, func, or_, select

from ..access import visible_instances
from ..calendar import MOSCOW
from ..extensions import db
from ..models import Breach, CaseEntry, ProcessInstance
from ..roles import Role
from ..workflow.deployments import current_deployment, model_of
from ..workflow.errors import NothingDeployed
from ..workflow.runtime import runtime
from .register import late_days
from ..statuses import ProcessId, TimerKind

PROCESS_ID = ProcessId.MARKETPLACE_SUPPORT
VIEWER_ROLES = frozenset({Role.MANAGER, Role.MO_REC, Role.ADMIN})
DEFAULT_DAYS = 90
OPEN_LIST_LIMIT = 200
ON_AGREEMENT = "по Соглашению"  # a deadline the model computes from the agreement (14, 15)
_DEADLINE = re.compile(r"\s*deadline\(\s*(\d+)\s*\)\s*")


def may_see(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & VIEWER_ROLES)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date  # Moscow dates, both included
    end: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware moments: from the first day's midnight to the next after the last."""
        return (datetime.combine(self.start, time.min, MOSCOW),
                datetime.combine(self.end + timedelta(days=1), time.min, MOSCOW))


def default_period(now: datetime) -> Period:
    end = now.astimezone(MOSCOW).date()
    return Period(end - timedelta(days=DEFAULT_DAYS - 1), end)


def parse_period(start_text: str | None, end_text: str | None, now: datetime) -> Period:
    """The period of the ДД.ММ.ГГГГ fields; a missing end is today, a missing start 90 days before it."""
    end = _parse_date(end_text, "конца") or default_period(now).end
    start = _parse_date(start_text, "начала") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise PeriodError("Начало периода позже его конца")
    return Period(start, end)


def _parse_date(text: str | None, what: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise PeriodError(f"Дата {what} периода — в формате ДД.ММ.ГГГГ, например 01.10.2025") from None


@dataclass(frozen=True)
class Normative:
    days: int | str  # working days, or ON_AGREEMENT
    task_name: str | None


@dataclass
class StepFigures:
    region: str | None
    step: str
    task_name: str | None = None
    normative: int | str | None = None
    completed: int = 0
    on_time: int = 0
    open_breaches: int = 0
    closed_breaches: int = 0
    avg_late_days: float | None = None
    avg_duration_days: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return 100.0 * self.on_time / self.completed if self.completed else None

    @property
    def over_normative(self) -> bool:
        return isinstance(self.normative, int) and (self.avg_duration_days or 0) > self.normative


@dataclass(frozen=True)
class OpenBreach:
    instance_id: int
    company_name: str | None
    region: str | None
    step: str | None
    task_name: str | None
    due_at: datetime | None
    late_days: int | None


@dataclass
class Report:
    period: Period
    region: str | None
    rows: list[StepFigures]
    by_step: list[StepFigures]  # all shown regions together: the chart
    open_breaches: list[OpenBreach]
    open_total: int

    @property
    def by_region(self) -> list[tuple[str | None, list[StepFigures]]]:
        """The rows (already in region order) in one group per region, for the table."""
        return [(region, list(rows)) for region, rows in groupby(self.rows, key=lambda f: f.region)]


def step_order(step: str | None) -> tuple:
    """2 < 2.1 < 3 < 10, as in table 5.9; anything else after, by its text."""
    parts = (step or "").split(".")
    if all(p.isdigit() for p in parts):
        return (0, tuple(int(p) for p in parts), "")
    return (1, (), step or "")


def normatives() -> dict[str, Normative]:
    """Normative deadline of each step, read from the deployed model's normative boundary timers."""
    try:
        model = model_of(current_deployment())
    except NothingDeployed:
        return {}
    catalog = model.catalogs.get(PROCESS_ID)
    found: dict[str, Normative] = {}
    for element in (catalog.elements.values() if catalog else ()):
        step = element.properties.get("step")
        if element.properties.get("deadline_kind") != TimerKind.NORMATIVE or not step or not element.timer:
            continue
        match = _DEADLINE.fullmatch(element.timer[1])
        task = catalog.elements.get(element.attached_to or "")
        found.setdefault(step, Normative(int(match.group(1)) if match else ON_AGREEMENT,
                                         task.name if task else None))
    return found


def regions(user) -> list[str]:
    query = visible_instances(select(ProcessInstance.region).where(ProcessInstance.region.is_not(None))
                              .distinct(), user)
    return sorted(db.session.scalars(query), key=lambda r: (not r.isdigit(), r.zfill(3)))


def report(user, period: Period, region: str | None = None) -> Report:
    now = runtime().clock.now()
    figures: dict[tuple, StepFigures] = {}
    known = normatives()

    def row(key) -> StepFigures:
        if key not in figures:
            norm = known.get(key[1])
            figures[key] = StepFigures(key[0], key[1], norm.task_name if norm else None,
                                       norm.days if norm else None)
        return figures[key]

    completions = _completions(user, period, region).subquery()
    for reg, step, done, on_time in db.session.execute(
            select(completions.c.region, completions.c.step, func.count(), func.sum(completions.c.on_time))
            .group_by(completions.c.region, completions.c.step)):
        row((reg, step)).completed, row((reg, step)).on_time = done, int(on_time or 0)
    for (reg, step), days in _durations(user, period, region).items():
        row((reg, step)).avg_duration_days = sum(days) / len(days)
    for reg, step, open_now, closed, avg_late in db.session.execute(_breach_counts(user, period, region)):
        figure = row((reg, step))
        figure.open_breaches, figure.closed_breaches = open_now, closed
        figure.avg_late_days = float(avg_late) if avg_late is not None else None

    rows = sorted(figures.values(), key=lambda f: (f.region is None, f.region or "", step_order(f.step)))
    listed = db.session.execute(_narrow(
        select(Breach, ProcessInstance.company_name, ProcessInstance.region)
        .join(ProcessInstance, ProcessInstance.id == Breach.instance_id)
        .where(Breach.closed_at.is_(None)), user, region)
        .order_by(Breach.due_at, Breach.id).limit(OPEN_LIST_LIMIT)).all()
    open_list = [OpenBreach(b.instance_id, company, reg, b.step, b.task_name, b.due_at, late_days(b.due_at, now))
                 for b, company, reg in listed]
    return Report(period, region, rows, _by_step(rows), open_list, sum(f.open_breaches for f in rows))


def _narrow(query, user, region: str | None):
    query = visible_instances(query, user)
    return query.where(ProcessInstance.region == region) if region else query


def _completions(user, period: Period, region: str | None):
    """Completed steps with a normative deadline, in the period, from the case file's indexed columns."""
    start, end = period.bounds
    breached = exists().where(Breach.task_id == CaseEntry.task_id)
    return _narrow(
        select(ProcessInstance.region.label("region"), CaseEntry.step.label("step"),
               CaseEntry.ready_at.label("ready_at"), CaseEntry.at.label("done_at"),
               case((breached, 0), else_=1).label("on_time"))
        .join(ProcessInstance, ProcessInstance.id == CaseEntry.instance_id)
        .where(CaseEntry.normative_due.is_not(None), CaseEntry.at >= start, CaseEntry.at < end), user, region)


def _durations(user, period: Period, region: str | None) -> dict[tuple, list[int]]:
    calendar = runtime().calendar
    completions = _completions(user, period, region).subquery()
    days: dict[tuple, list[int]] = defaultdict(list)
    for reg, step, ready_at, done_at in db.session.execute(select(
            completions.c.region, completions.c.step, completions.c.ready_at, completions.c.done_at)):
        if not ready_at:
            continue
        ready_day = ready_at.astimezone(MOSCOW).date()
        days[(reg, step)].append(calendar.working_days_between(ready_day, done_at.astimezone(MOSCOW).date()))
    return days


def _breach_counts(user, period: Period, region: str | None):
    start, end = period.bounds
    closed_in_period = and_(Breach.closed_at >= start, Breach.closed_at < end)
    return _narrow(
        select(ProcessInstance.region, Breach.step,
               func.count(case((Breach.closed_at.is_(None), 1))),
               func.count(case((closed_in_period, 1))),
               func.avg(case((closed_in_period, Breach.late_working_days))))
        .join(ProcessInstance, ProcessInstance.id == Breach.instance_id)
        .where(or_(Breach.closed_at.is_(None), closed_in_period))
        .group_by(ProcessInstance.region, Breach.step), user, region)


def _by_step(rows: list[StepFigures]) -> list[StepFigures]:
    totals: dict[str, StepFigures] = {}
    for f in rows:
        total = totals.setdefault(f.step, StepFigures(None, f.step, f.task_name, f.normative))
        total.completed += f.completed
        total.on_time += f.on_time
        total.open_breaches += f.open_breaches
    return sorted(totals.values(), key=lambda f: step_order(f.step))
