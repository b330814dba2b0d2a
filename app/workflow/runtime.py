"""The per-app runtime: one clock, one calendar, one engine, bound in ``create_app``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from ..calendar import WorkingCalendar
from ..engine import Engine
from ..engine.isolated import IsolatedEngine
from ..engine.sandbox import Limits
from ..roles import LANE_ROLES


class LiveCalendar:
    """The production calendar with the override table applied.

    The overrides are read on first use (inside an app context, so from the database) and
    again after ``reload()``; deadlines are computed only inside engine operations.
    """

    def __init__(self, loader=None):
        self._loader = loader or (lambda: {})
        self._current: WorkingCalendar | None = None

    @property
    def current(self) -> WorkingCalendar:
        if self._current is None:
            self._current = WorkingCalendar(self._loader())
        return self._current

    def reload(self) -> None:
        self._current = None

    @property
    def overrides(self) -> dict[date, bool]:
        return self.current.overrides

    def is_working_day(self, day: date) -> bool:
        return self.current.is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        return self.current.add_working_days(start, n)

    def working_days_between(self, start: date, end: date) -> int:
        return self.current.working_days_between(start, end)

    def deadline(self, started_at: datetime, n: int) -> datetime:
        return self.current.deadline(started_at, n)


@dataclass
class Runtime:
    clock: object
    calendar: LiveCalendar
    engine: Engine | IsolatedEngine
    deployment_keys: dict = field(default_factory=dict)  # deployment id -> content hash

    @classmethod
    def create(cls, clock, client_waits, overrides_loader=None, *, isolated: bool = True,
               workers: int = 2, limits: dict | None = None) -> "Runtime":
        """``client_waits``: the settings ``ClientWaits`` takes, or a live source of them.

        Model code runs in worker processes (``isolated``) unless the caller already is one,
        as the throw-away app of a deploy-time scenario run is."""
        calendar = LiveCalendar(overrides_loader)
        lane_roles = {k: v.value for k, v in LANE_ROLES.items()}
        budget = Limits(**(limits or {}))
        if isolated:
            engine = IsolatedEngine(clock, calendar, client_waits, lane_roles, limits=budget, workers=workers)
        else:
            engine = Engine(clock, calendar, client_waits, lane_roles=lane_roles, limits=budget)
        return cls(clock, calendar, engine)


def runtime() -> Runtime:
    return current_app.extensions["vitrina"]
