"""One clock for all domain time.

Domain code never calls ``datetime.now()``: it asks the clock it was given. The real-time
clock serves the running app; the virtual clock lets tests and simulations move time by hand.
Both return aware UTC datetimes.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time; the only place in the app that reads it."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ShiftedClock:
    """Wall-clock time a fixed offset ahead: a rehearsal installation (training, staging, the
    multi-process tests) that lives days in the future, so its deadlines fall due now."""

    def __init__(self, offset: timedelta, base: Clock | None = None):
        self.offset, self.base = offset, base or SystemClock()

    def now(self) -> datetime:
        return self.base.now() + self.offset


class VirtualClock:
    """A clock that stands still until it is moved."""

    def __init__(self, start: datetime):
        self._now = _aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        moment = _aware(moment)
        if moment < self._now:
            raise ValueError(f"a virtual clock does not go back: {moment} < {self._now}")
        self._now = moment

    def advance(self, delta: timedelta | None = None, **kwargs) -> datetime:
        self.set(self._now + (delta or timedelta(**kwargs)))
        return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give the clock an aware datetime")
    return moment.astimezone(timezone.utc)
