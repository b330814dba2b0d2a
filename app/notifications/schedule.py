"""When the daily digest goes out: 09:00 Moscow time of a working day of the production calendar.

Pure: the moment comes from the caller (the injected clock), the working days from the calendar it
is given (transferred Saturdays work, holidays and transferred days off do not).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol

from ..calendar import MOSCOW

DIGEST_TIME = time(9, 0)
# The longest run of days off the calendar can hold is far shorter; past it the calendar is broken.
_SEARCH_DAYS = 366


class Calendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...


class NoWorkingDay(RuntimeError):
    """The calendar has no working day for a year ahead: its overrides are wrong."""


def next_digest_at(moment: datetime, calendar: Calendar) -> datetime:
    """The first digest time strictly after ``moment``: 09:00 Moscow of a working day.

    A notice written at 08:59 goes in that day's digest, one written at 09:00 or later in the next
    working day's (the 09:00 digest may have gone already).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware; naive datetimes are ambiguous")
    local = moment.astimezone(MOSCOW)
    day = local.date() if local.time() < DIGEST_TIME else local.date() + timedelta(days=1)
    for _ in range(_SEARCH_DAYS):
        if calendar.is_working_day(day):
            return datetime.combine(day, DIGEST_TIME, tzinfo=MOSCOW)
        day += timedelta(days=1)
    raise NoWorkingDay(f"no working day in the {_SEARCH_DAYS} days after {local.date():%d.%m.%Y}")
