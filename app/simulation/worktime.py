"""Calendar time for the simulation: hours since the start, working hours, working-day deadlines.

Simulated time is a float: hours since 00:00 Moscow of the first simulated day. Moscow keeps
UTC+3 all year, so local hours never jump. A calendar of working hours turns an amount of
work into an end time through a prefix sum of working hours per day: one bisect per call,
not a walk over days, which keeps the event loop fast.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta

from ..calendar import MOSCOW, WorkingCalendar

DAY = 24.0
_LAST_SECOND = 1.0 / 3600.0  # deadlines end at 23:59:59 (regulation 4.2)


class WorkingHours:
    """Working time of a resource: hours [opens, closes) on the days its calendar works."""

    def __init__(self, working_days: list[bool], opens: float, closes: float):
        if not 0 <= opens < closes <= 24:
            raise ValueError(f"working hours must be within a day: {opens}–{closes}")
        self.opens, self.closes = opens, closes
        self.always = opens == 0 and closes == 24 and all(working_days)
        length = closes - opens
        self.cum = [0.0]
        for working in working_days:
            self.cum.append(self.cum[-1] + (length if working else 0.0))
        self._working = working_days

    def work_at(self, t: float) -> float:
        """Working hours elapsed from the origin to the moment t."""
        if self.always:
            return t
        i = int(t // DAY)
        if i >= len(self._working):
            raise OverflowError("simulated time ran past the calendar: lengthen it")
        if not self._working[i]:
            return self.cum[i]
        offset = t - i * DAY - self.opens
        return self.cum[i] + (0.0 if offset < 0 else min(offset, self.closes - self.opens))

    def finish(self, t: float, hours: float) -> float:
        """When `hours` of work begun (or queued) at t end: the earliest moment the work is done."""
        if self.always:
            return t + hours
        target = self.work_at(t) + hours
        if hours <= 0:
            return self.resume(t)
        i = bisect_left(self.cum, target) - 1
        if i + 1 >= len(self.cum):
            raise OverflowError("simulated time ran past the calendar: lengthen it")
        return i * DAY + self.opens + (target - self.cum[i])

    def span(self, t: float, hours: float) -> tuple[float, float]:
        """(start, end) of `hours` of work queued at t: one lookup for both."""
        if self.always:
            return t, t + hours
        w = self.work_at(t)
        cum = self.cum
        i = bisect_right(cum, w) - 1
        start = i * DAY + self.opens + (w - cum[i])
        if start < t:
            start = t
        target = w + hours
        j = bisect_left(cum, target) - 1 if hours > 0 else i
        if j + 1 >= len(cum):
            raise OverflowError("simulated time ran past the calendar: lengthen it")
        end = j * DAY + self.opens + (target - cum[j]) if hours > 0 else start
        return start, end

    def resume(self, t: float) -> float:
        """The first working moment at or after t (work queued at night starts at opening)."""
        if self.always:
            return t
        w = self.work_at(t)
        i = bisect_right(self.cum, w) - 1
        if i >= len(self._working):
            raise OverflowError("simulated time ran past the calendar: lengthen it")
        start = i * DAY + self.opens + (w - self.cum[i])
        return t if start < t else start


class SimulatedTime:
    """The days of a run: dates, the production calendar, deadlines in working days."""

    def __init__(self, start: date, days: int, calendar: WorkingCalendar | None = None):
        self.start, self.days = start, days
        self.calendar = calendar or WorkingCalendar()
        self.production = [self.calendar.is_working_day(start + timedelta(days=i)) for i in range(days)]
        self._working_days = [i for i, working in enumerate(self.production) if working]
        self._hours: dict[tuple, WorkingHours] = {}

    def hours(self, opens: float, closes: float, days: str = "production") -> WorkingHours:
        """A working-hours calendar: `days` is production (the Russian calendar) or all."""
        key = (opens, closes, days)
        if key not in self._hours:
            working = self.production if days == "production" else [True] * self.days
            self._hours[key] = WorkingHours(working, opens, closes)
        return self._hours[key]

    def deadline(self, t: float, n: int) -> float:
        """End (23:59:59) of the n-th working day counted from the day after t (4.2)."""
        day = int(t // DAY)
        if n <= 0:
            return (day + 1) * DAY - _LAST_SECOND
        i = bisect_right(self._working_days, day) + n - 1
        if i >= len(self._working_days):
            raise OverflowError("a deadline fell past the simulated calendar: lengthen it")
        return (self._working_days[i] + 1) * DAY - _LAST_SECOND

    def at(self, t: float) -> datetime:
        """The Moscow date-time of simulated hour t."""
        origin = datetime.combine(self.start, datetime.min.time(), MOSCOW)
        return origin + timedelta(hours=t)

    def hour_of(self, moment: datetime) -> float:
        origin = datetime.combine(self.start, datetime.min.time(), MOSCOW)
        return (moment - origin).total_seconds() / 3600.0

    def day_of(self, d: date) -> float:
        return (d - self.start).days * DAY
