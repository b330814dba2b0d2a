"""Intake windows (regulation 5.2): when a region accepts applications for the supported service.

A window is a period of calendar days in Moscow, both ends inclusive, announced by the region's
ЦПЭ for the subsidy. Filing (``app.filing``) asks ``ensure_open`` first; outside a window the
client is told when the next one opens and offered the consultation service instead.

A region with no windows at all has not (yet) put its intake periods into Vitrina. By default
it accepts applications at any time, so switching the feature on changes nothing until an
administrator enters a region's first window; with ``VITRINA_INTAKE_WINDOWS_REQUIRED = True``
(instance/config.py) such a region accepts nothing, as the regulation reads literally; a region's
settings («Приём заявок только в окна приёма») decide for that region.

Administrators and МО РЭЦ manage the windows of every region; a ЦПЭ user sees those of their own
region only, and a regional account never widens to another region (as in ``app.access``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ..calendar import MOSCOW
from ..dates import fmt_date
from ..extensions import db
from ..models import IntakeWindow
from ..plain_text import refusal
from ..regional.settings import of_region
from ..regions import region_name
from ..roles import Role
from ..workflow.errors import WorkflowError
from ..workflow.runtime import runtime

CONSULTATION_SERVICE = "Консультация по организации экспортной электронной торговли"
MANAGING_ROLES = frozenset({Role.ADMIN, Role.MO_REC})
NOTE_MAX = 300
_REGION_RE = re.compile(r"^\d{2}$")


class IntakeWindowInvalid(Exception):
    """A window that cannot be saved; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class IntakeClosed(WorkflowError):
    """Filing outside the region's intake window: a state of the world, not bad input."""

    http_status = 409

    def __init__(self, state: "IntakeState"):
        self.state = state
        super().__init__(closed_message(state))

    @property
    def next_opens(self) -> date | None:
        return self.state.next_opens


@dataclass(frozen=True)
class IntakeState:
    region: str | None
    on: date
    is_open: bool
    current: IntakeWindow | None  # the window open on ``on``
    next_opens: date | None  # the first day of the next window after ``on``
    configured: bool  # whether the region has any window at all


def today() -> date:
    """Today in Moscow by the injected clock."""
    return runtime().clock.now().astimezone(MOSCOW).date()


def windows_required(region: str | None = None) -> bool:
    """Whether a region without windows accepts nothing: its regional settings say, else the
    deployment's default."""
    settings = of_region(region)
    if settings is not None and settings.intake_windows_required is not None:
        return settings.intake_windows_required
    return bool(current_app.config.get("VITRINA_INTAKE_WINDOWS_REQUIRED", False))


def intake_state(region: str | None, on: date | None = None) -> IntakeState:
    on = on or today()
    windows = db.session.scalars(select(IntakeWindow).where(IntakeWindow.region == region)
                                 .order_by(IntakeWindow.opens_on)).all() if region else []
    current = next((w for w in windows if w.opens_on <= on <= w.closes_on), None)
    upcoming = next((w.opens_on for w in windows if w.opens_on > on), None)
    configured = bool(windows)
    is_open = current is not None or (not configured and not windows_required(region))
    return IntakeState(region, on, is_open, current, upcoming, configured)


def ensure_open(region: str | None) -> IntakeState:
    """The region's intake state; IntakeClosed when it accepts no application today."""
    state = intake_state(region)
    if not state.is_open:
        raise IntakeClosed(state)
    return state


def closed_message(state: IntakeState) -> str:
    where = f"в регионе {state.region}" if state.region else "в вашем регионе"
    if state.next_opens is not None:
        when = f"Следующий период приёма откроется {fmt_date(state.next_opens)}."
    else:
        when = "Следующий период приёма пока не запланирован: уточните сроки в ЦПЭ вашего региона."
    return (f"Приём заявок на услугу «Размещение и продвижение продукции на ЭТП с господдержкой» {where} "
            f"сейчас закрыт. {when} Вы можете подать заявку на услугу «{CONSULTATION_SERVICE}».")


# -- managing the windows ---------------------------------------------------------------------
def may_manage(user) -> bool:
    return bool(user.roles & MANAGING_ROLES)


def may_view(user) -> bool:
    return may_manage(user) or user.has_role(Role.CPE)


def _bound_region(user) -> str | None:
    """The region a regional account is bound to (None: all regions)."""
    return user.region if user.has_role(Role.CPE) else None


def visible_windows(user, region: str | None = None) -> list[IntakeWindow]:
    if not may_view(user):
        return []
    query = select(IntakeWindow).order_by(IntakeWindow.region, IntakeWindow.opens_on)
    bound = _bound_region(user)
    if user.has_role(Role.CPE) and not bound:
        return []  # a ЦПЭ account without a region sees nothing rather than everything
    if bound or region:
        query = query.where(IntakeWindow.region == (bound or region))
    return db.session.scalars(query).all()


def visible_window(user, window_id: int) -> IntakeWindow | None:
    window = db.session.get(IntakeWindow, window_id)
    if window is None or not may_view(user):
        return None
    bound = _bound_region(user)
    if user.has_role(Role.CPE) and window.region != bound:
        return None
    return window


def parse_day(field: str, value: str | None, label: str) -> date:
    """A date as the browser's date input sends it (ГГГГ-ММ-ДД) or typed as ДД.ММ.ГГГГ."""
    text = (value or "").strip()
    if not text:
        raise IntakeWindowInvalid(field, f"Укажите {label}")
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise IntakeWindowInvalid(field, f"Укажите {label} в формате ДД.ММ.ГГГГ")


def save_window(user, window: IntakeWindow | None, *, region: str | None, opens_on: str | None,
                closes_on: str | None, note: str | None = None) -> IntakeWindow:
    """Create (``window`` None) or change a window; IntakeWindowInvalid names the field."""
    region = (region or "").strip()
    if not _REGION_RE.match(region):
        raise IntakeWindowInvalid("region", "Регион: выберите регион из списка")
    bound = _bound_region(user)
    if bound and region != bound:
        raise IntakeWindowInvalid("region", f"Вы управляете окнами приёма только своего региона ({region_name(bound)})")
    start = parse_day("opens_on", opens_on, "дату начала приёма заявок")
    end = parse_day("closes_on", closes_on, "дату окончания приёма заявок")
    if end < start:
        raise IntakeWindowInvalid("closes_on", "Дата окончания приёма не может быть раньше даты начала")
    note = (note or "").strip() or None
    if reason := refusal(note, limit=NOTE_MAX):
        raise IntakeWindowInvalid("note", f"Примечание: {reason}")
    clash = db.session.scalar(select(IntakeWindow).where(
        IntakeWindow.region == region, IntakeWindow.opens_on <= end, IntakeWindow.closes_on >= start,
        IntakeWindow.id != (window.id if window is not None else -1)).limit(1))
    if clash is not None:
        raise IntakeWindowInvalid("opens_on", f"Период пересекается с окном приёма {fmt_date(clash.opens_on)}–"
                                              f"{fmt_date(clash.closes_on)} ({region_name(region)})")
    if window is None:
        window = IntakeWindow()
        db.session.add(window)
    window.region, window.opens_on, window.closes_on, window.note = region, start, end, note
    window.updated_by, window.updated_at = user.email, runtime().clock.now()
    db.session.commit()
    return window


def delete_window(window: IntakeWindow) -> None:
    db.session.delete(window)
    db.session.commit()
