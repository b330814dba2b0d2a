"""The alarm clock: APScheduler wakes the sweep when the earliest timer falls due.

The timer table decides what is due; the scheduler only decides when to look. A date job is
armed for the earliest waiting timer and re-armed whenever a save brings an earlier one; a
slow interval job sweeps anyway, in case a wake-up was lost; on start the first sweep fires
what fell due while the app was down. The daily digest is armed the same way: for the next 09:00
of a working day by the app's clock (or a failed digest's retry), run once on start for the
digests due while the app was down, and re-armed after each run. Started by ``vitrina serve`` with the in-process job
backend (SQLite); the sweep and the delivery are the job functions of app/jobs/, recorded on the
admins' jobs page. On the job queue (PostgreSQL) workers sweep, and a save defers the wake-up.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from ..clock import SystemClock
from ..extensions import db
from ..jobs.queue import in_process, wake_at
from ..models import Timer
from ..statuses import JobKind, TimerState
from ..workflow.runtime import runtime

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
        self.digest()  # so do the digests, and the next one is armed

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
        from ..jobs.functions import run
        with self.app.app_context():
            with self._lock:
                self._armed_for = None
            try:
                run(JobKind.TIMER_SWEEP, {})
            except Exception:  # noqa: BLE001 - recorded on the job's row; the next sweep tries again
                log.exception("timer sweep failed")
            finally:
                earliest = db.session.scalar(select(func.min(Timer.due_at)).where(Timer.state == TimerState.WAITING))
                db.session.remove()
            self.consider(earliest)

    def deliver(self) -> None:
        from ..jobs.functions import run
        with self.app.app_context():
            try:
                run(JobKind.MAIL_DELIVERY, {})
            except Exception:  # noqa: BLE001 - recorded on the job's row; the next round tries again
                log.exception("e-mail delivery failed")
            finally:
                db.session.remove()


    def digest(self) -> None:
        from ..jobs.functions import run
        from ..notifications.digest import next_look_at
        with self.app.app_context():
            try:
                run(JobKind.NOTIFICATION_DIGEST, {})
            except Exception:  # noqa: BLE001 - recorded on the job's row; the rows still wait
                log.exception("notification digest failed")
            delay = timedelta(seconds=self.safety_seconds)  # if the next time cannot be read: soon
            try:
                now = runtime().clock.now()
                delay = max(next_look_at(now) - now, timedelta(0))
            except Exception:  # noqa: BLE001 - the database is away; look again after the delay
                log.exception("the next digest time could not be read")
            finally:
                db.session.remove()
        # The scheduler keeps wall-clock time, the app's clock may run ahead (a rehearsal
        # installation): the job is armed by the distance to the app's 09:00, not at it.
        self.scheduler.add_job(self.digest, "date", run_date=SystemClock().now() + delay + GRACE, id="digest",
                               replace_existing=True, misfire_grace_time=None, coalesce=True)


def notify_alarm(app, dues: list[datetime]) -> None:
    """Called after a commit with the due times of the timers it created: this process's alarm
    re-arms, or on the job queue a sweep is deferred to the earliest of them."""
    if not dues:
        return
    alarm = app.extensions.get(KEY)
    if alarm is not None:
        alarm.consider(min(dues))
    elif not in_process(app):
        wake_at(min(dues))


def on_saved(app, steps) -> None:
    """The workflow's «saved» hook: the due times of the timers the saved steps left waiting."""
    notify_alarm(app, [t.due_at for step in steps for t in step.timers if t.due_at is not None])

