"""Russian production calendar and working-day deadlines (regulation 4.2).

Deadlines are counted in working days from the day AFTER the triggering event,
using the Russian production calendar: public holidays, transferred days off
and working Saturdays. Pure domain logic: no database, no clock, no network.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays

__all__ = ["MOSCOW", "WorkingCalendar", "add_working_days"]

MOSCOW = ZoneInfo("Europe/Moscow")

_END_OF_DAY = time(23, 59, 59)


def _check_date(d: object, name: str) -> None:
    # datetime is a subclass of date; taking its .date() silently would guess
    # the zone, so callers must convert first (see WorkingCalendar.deadline).
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(d).__name__}")


class WorkingCalendar:
    """Russian working days from `holidays` (RU), with overrides that win.

    `overrides` maps a date to True (working day) or False (day off); it holds
    decrees the package does not know yet or gets wrong.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {}
        for d, working in (overrides or {}).items():
            _check_date(d, "override key")
            self._overrides[d] = bool(working)
        # year -> sorted ordinals of its working days; built on first use so
        # that a call costs a bisect, not a day-by-day walk.
        self._years: dict[int, list[int]] = {}

    @property
    def overrides(self) -> dict[date, bool]:
        return dict(self._overrides)

    def _working_ordinals(self, year: int) -> list[int]:
        days = self._years.get(year)
        if days is None:
            days = self._years[year] = self._build_year(year)
        return days

    def _build_year(self, year: int) -> list[int]:
        if not date.min.year <= year <= date.max.year:
            raise OverflowError(f"year {year} is out of the supported date range")
        # Neighbouring years too: a decree may move a day off across the
        # year boundary, and the package records the working Saturday only
        # while populating the year of the decree.
        years = range(max(year - 1, date.min.year), min(year + 1, date.max.year) + 1)
        ru = holidays.country_holidays("RU", years=years)
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        days = []
        for o in range(first, last + 1):
            d = date.fromordinal(o)
            working = self._overrides.get(d)
            if working is None:
                working = ru.is_working_day(d)
            if working:
                days.append(o)
        return days

    def is_working_day(self, d: date) -> bool:
        """True if `d` is a working day (overrides first, then the package)."""
        _check_date(d, "d")
        o = d.toordinal()
        days = self._working_ordinals(d.year)
        i = bisect_right(days, o)
        return i > 0 and days[i - 1] == o

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day counted from the day after `start` (0 -> start)."""
        _check_date(start, "start")
        if n < 0:
            raise ValueError(f"n must be >= 0 working days, got {n}")
        if n == 0:
            return start
        year = start.year
        days = self._working_ordinals(year)
        i = bisect_right(days, start.toordinal()) + n - 1
        while i >= len(days):
            i -= len(days)
            year += 1
            days = self._working_ordinals(year)
        return date.fromordinal(days[i])

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in (start, end]; 0 if end <= start."""
        _check_date(start, "start")
        _check_date(end, "end")
        if end <= start:
            return 0
        lo, hi = start.toordinal(), end.toordinal()
        count = 0
        for year in range(start.year, end.year + 1):
            days = self._working_ordinals(year)
            count += bisect_right(days, hi) - bisect_right(days, lo)
        return count

    def deadline(self, started_at: datetime, n: int) -> datetime:
        """End (23:59:59 Moscow) of the n-th working day after `started_at`'s Moscow date."""
        if not isinstance(started_at, datetime):
            raise TypeError(f"started_at must be a datetime, not {type(started_at).__name__}")
        if started_at.tzinfo is None or started_at.utcoffset() is None:
            raise ValueError("started_at must be timezone-aware; naive datetimes are ambiguous")
        day = started_at.astimezone(MOSCOW).date()
        return datetime.combine(self.add_working_days(day, n), _END_OF_DAY, tzinfo=MOSCOW)


# Shared calendar without overrides, for callers that have no decree table at hand.
_DEFAULT_CALENDAR = WorkingCalendar()


def add_working_days(start: date, n: int, calendar: WorkingCalendar | None = None) -> date:
    """`WorkingCalendar.add_working_days` on `calendar` or the shared default one."""
    cal = calendar if calendar is not None else _DEFAULT_CALENDAR
    return cal.add_working_days(start, n)
