"""Functions the model's timer expressions and conditions may call.

They read time only from the injected clock and count working days on the injected calendar,
so a test or a simulation that moves the clock moves every deadline with it.
"""
from __future__ import annotations

import calendar as _months
from datetime import date, datetime, time
from typing import Callable, Mapping
from ..calendar import MOSCOW


class ClientWaits:
    """Working days a client is given to answer, per wait kind, with per-region overrides.

    ``settings`` looks like ``{"remarks": 10, "originals": 20, "regions": {"77": {"originals": 30}}}``.
    A region's kind may instead hold its changes, ``[[moment ISO, days or None], …]`` in time
    order (None: back to the default): the wait a client gets is the one in force when it starts,
    so a change never moves a wait already running.
    """

    def __init__(self, settings: Mapping):
        self._default = {k: int(v) for k, v in settings.items() if k != "regions"}
        self._regions = {str(r): {k: _timeline(v) for k, v in d.items()}
                         for r, d in (settings.get("regions") or {}).items()}

    def days(self, kind: str, region: str | None = None, at: datetime | None = None) -> int:
        regional = self._regions.get(str(region), {}) if region is not None else {}
        for since, days in reversed(regional.get(kind, ())):
            if since is None or at is None or since <= at:
                if days is not None:
                    return days
                break
        try:
            return self._default[kind]
        except KeyError:
            raise KeyError(f"no client wait «{kind}» is configured (known: {sorted(self._default)})") from None


class LiveClientWaits(ClientWaits):
    """The client waits as they stand at each call: ``load`` returns the settings (as
    ``ClientWaits`` takes them) read afresh, so a change made in another process counts too."""

    def __init__(self, load: Callable[[], Mapping]):
        self._load = load

    def settings(self) -> Mapping:
        return self._load()

    def days(self, kind: str, region: str | None = None, at: datetime | None = None) -> int:
        return ClientWaits(self._load()).days(kind, region, at)


def as_client_waits(value) -> ClientWaits:
    """A ready waits object (anything with ``days``) as it is; settings made into one."""
    return value if hasattr(value, "days") else ClientWaits(value or {})


def _timeline(value) -> list[tuple[datetime | None, int | None]]:
    if isinstance(value, (list, tuple)):
        return [(datetime.fromisoformat(since) if since else None, None if days is None else int(days))
                for since, days in value]
    return [(None, int(value))]


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(MOSCOW).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def model_functions(clock, calendar, client_waits: ClientWaits) -> dict[str, Callable]:
    """The names a model expression can use, bound to this clock and calendar."""

    def deadline(days) -> str:
        return calendar.deadline(clock.now(), int(days)).isoformat()

    def client_wait(kind, region=None) -> str:
        return deadline(client_waits.days(kind, region, clock.now()))

    def next_period(start, months) -> str:
        return _next_boundary(start, months).isoformat()

    def has_next_period(start, months, end) -> bool:
        return _next_boundary(start, months).date() <= _as_date(end)

    def _next_boundary(start, months) -> datetime:
        months = int(months)
        if months < 1:
            raise ValueError(f"a report period is at least one month, not {months}")
        first, now, k = _as_date(start), clock.now(), 1
        while True:
            boundary = datetime.combine(add_months(first, k * months), time(0), MOSCOW)
            if boundary > now:
                return boundary
            k += 1

    def today() -> str:
        return clock.now().astimezone(MOSCOW).date().isoformat()

    return {
        "deadline": deadline,
        "client_wait": client_wait,
        "next_period": next_period,
        "has_next_period": has_next_period,
        "today": today,
    }
