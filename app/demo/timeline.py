"""Months of demo history in seconds: the real services on a virtual clock.

``on_virtual_clock`` opens a second app on the same database whose runtime reads a
``VirtualClock``, so every timestamp, deadline and timer of what runs inside it (starts,
completions, the timer sweep, a deployment, a migration) is the virtual moment's; the caller's
app keeps its own clock. ``Timeline`` is the calendar of what the demo does: actions at moments,
run in order, with the timer sweep before each one and once a day, so deadlines pass, client
waits run out and report periods end as they would have.
"""
from __future__ import annotations

import heapq
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from itertools import count
from typing import Callable

from flask import current_app

from ..calendar import MOSCOW
from ..clock import VirtualClock
from ..extensions import db

# The daily sweep runs at this Moscow time: a report period that ends at midnight opens its
# report task the same night, as the production sweep (every five minutes) would.
SWEEP_AT = time(0, 10)


@contextmanager
def on_virtual_clock(start: datetime):
    """Inside: an app context of a twin of the current app on the same database whose clock is a
    ``VirtualClock`` at ``start``; yields the clock. Nothing it does is e-mailed (no SMTP) and no
    scheduler runs in it."""
    from .. import create_app
    clock = VirtualClock(start)
    config = dict(current_app.config)
    config.update({"VITRINA_CLOCK": clock, "VITRINA_CLOCK_SHIFT_DAYS": 0, "VITRINA_START_SCHEDULER": False,
                   "VITRINA_SMTP_URL": None, "VITRINA_DEPLOY_SCENARIOS": False})
    twin = create_app(config)
    twin.instance_path = current_app.instance_path  # deployed forms go where the caller's app reads them
    db.session.commit()  # the caller's pending work first: the twin writes through its own connection
    with twin.app_context():
        try:
            yield clock
        finally:
            db.session.remove()
            db.engine.dispose()


class Timeline:
    """Actions at virtual moments, run in time order (ties in the order they were planned)."""

    def __init__(self, clock: VirtualClock, sweep: Callable[[datetime], object],
                 after_each: Callable[[], None] | None = None):
        self.clock, self.sweep, self.after_each = clock, sweep, after_each or (lambda: None)
        self._queue: list = []
        self._order = count()

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (moment, next(self._order), action))

    def run(self, until: datetime) -> None:
        """Run every action planned up to ``until`` (also those planned meanwhile), sweeping the
        timers before each and every night; the clock ends at ``until``."""
        night = datetime.combine(self.clock.now().astimezone(MOSCOW).date() + timedelta(days=1), SWEEP_AT, MOSCOW)
        while night <= until:
            self.at(night, lambda: None)
            night += timedelta(days=1)
        while self._queue and self._queue[0][0] <= until:
            moment, _, action = heapq.heappop(self._queue)
            if moment > self.clock.now():
                self.clock.set(moment)
            self.sweep(self.clock.now())
            action()
            self.after_each()
        self.clock.set(until)
        self.sweep(until)
        self.after_each()
