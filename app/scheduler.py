"""The alarm clock: APScheduler wakes the sweep; the timer table decides what is due.

Started only by ``vitrina serve`` (never at import or in ``create_app``), so tests and CLI
commands run without background threads.
"""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


def start_scheduler(app, interval_seconds: int = 60) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")

    def sweep():
        from .workflow.instances import fire_due_timers
        from .workflow.runtime import runtime
        with app.app_context():
            count = fire_due_timers(runtime().clock.now())
            if count:
                log.info("timers fired for %d instance(s)", count)

    # On start the sweep runs at once: timers that fell due while the app was down fire now.
    scheduler.add_job(sweep, "interval", seconds=interval_seconds, id="timer-sweep",
                      max_instances=1, coalesce=True, next_run_time=_now())
    scheduler.start()
    return scheduler


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)  # APScheduler's own schedule, not domain time
