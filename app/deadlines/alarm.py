"""The alarm clock: APScheduler wakes the sweep when the earliest timer falls due.

The timer table decides what is due; the scheduler only decides when to look. A date job is
armed for the earliest waiting timer and re-armed whenever a save brings an earlier one; a
slow interval job sweeps anyway, in case a wake-up was lost; on start the first sweep fires
what fell due while the app was down. Started only by ``vitrina serve``.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from ..extensions import db
from ..models import Timer
from ..statuses import TimerState

log = logging.getLogger(__name__)
# Timers fire when the clock is strictly past their due time.
GRACE = timedelta(milliseconds=5)
KEY = "vitrina.alarm"


class Alarm:
    def __init__(self, app, safety_seconds: int = 300, delivery_seconds: int = 30):
        self.app = app
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.safety_seconds, self.delivery_seconds = safety_seconds, delivery_seconds
        self._armed_for: datetime | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self.app.extensions[KEY] = self
        self.scheduler.add_job(self.sweep, "interval", seconds=self.safety_seconds, id="safety-sweep",
                               max_instances=1, coalesce=True)
        self.scheduler.add_job(self.deliver, "interval", seconds=self.delivery_seconds, id="delivery",
                               max_instances=1, coalesce=True)
        self.scheduler.start()
        self.sweep()  # what fell due while the app was stopped fires now, once

    def shutdown(self) -> None:
        self.app.extensions.pop(KEY, None)
        self.scheduler.shutdown(wait=False)

    def consider(self, due: datetime | None) -> None:
        """A save brought a timer due at ``due``: wake earlier if it is the earliest."""
        if due is None:
            return
        with self._lock:
            if self._armed_for is not None and self._armed_for <= due:
                return
            self._armed_for = due
        self.scheduler.add_job(self.sweep, "date", run_date=due + GRACE, id="wake", replace_existing=True,
                               misfire_grace_time=None, coalesce=True)

    def sweep(self) -> None:
        from ..workflow.runtime import runtime
        from .sweep import fire_due_timers
        with self.app.app_context():
            with self._lock:
                self._armed_for = None
            try:
                report = fire_due_timers(runtime().clock.now())
                if report.signals or report.instances or report.failed:
                    log.info("timer sweep: %s", report)
            finally:
                earliest = db.session.scalar(select(func.min(Timer.due_at)).where(Timer.state == TimerState.WAITING))
                db.session.remove()
            self.consider(earliest)

    def deliver(self) -> None:
        from ..notifications.delivery import deliver_pending
        from ..workflow.runtime import runtime
        with self.app.app_context():
            try:
                counts = deliver_pending(runtime().clock.now())
                if any(counts.values()):
                    log.info("e-mail delivery: %s", counts)
            finally:
                db.session.remove()


def notify_alarm(app, dues: list[datetime]) -> None:
    """Called after a commit with the due times of the timers it created."""
    alarm = app.extensions.get(KEY)
    if alarm is not None and dues:
        alarm.consider(min(dues))


def on_saved(app, steps) -> None:
    """The workflow's «saved» hook: the due times of the timers the saved steps left waiting."""
    notify_alarm(app, [t.due_at for step in steps for t in step.timers if t.due_at is not None])

