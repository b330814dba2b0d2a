"""The override table of the production calendar (decrees that win over the `holidays` package)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..extensions import db
from ..models import CalendarOverride
from .runtime import runtime


def load_overrides() -> dict[date, bool]:
    try:
        return {row.day: row.is_working for row in db.session.scalars(select(CalendarOverride))}
    except (OperationalError, ProgrammingError):
        # Before the first migration there is no table: the package's calendar alone applies.
        db.session.rollback()
        return {}


def set_override(day: date, is_working: bool, decree: str) -> CalendarOverride:
    if not decree.strip():
        raise ValueError("an override needs the decree it comes from")
    row = db.session.get(CalendarOverride, day) or CalendarOverride(day=day)
    row.is_working, row.decree, row.created_at = is_working, decree.strip(), runtime().clock.now()
    db.session.add(row)
    db.session.commit()
    runtime().calendar.reload()
    return row


def remove_override(day: date) -> bool:
    row = db.session.get(CalendarOverride, day)
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    runtime().calendar.reload()
    return True
