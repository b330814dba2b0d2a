"""The in-process backend (the embedded SQLite default): each deferred job is a thread of this
process with an app context of its own; the timer sweep and the delivery stay with the alarm
of ``vitrina serve`` (app/deadlines/alarm.py), which runs them through the same job functions."""
from __future__ import annotations

import logging
import threading

from ..extensions import db
from ..statuses import JobKind
from . import functions

log = logging.getLogger(__name__)
_KEY = "vitrina.jobs.threads"


class ThreadRunner:
    def __init__(self, app):
        self.app = app
        self.threads: dict[str, threading.Thread] = {}

    def start(self, kind: JobKind, key: str, args: dict) -> None:
        thread = threading.Thread(target=self._run, args=(kind, args), name=f"job-{key}", daemon=True)
        self.threads[key] = thread
        thread.start()

    def _run(self, kind: JobKind, args: dict) -> None:
        with self.app.app_context():
            try:
                functions.run(kind, args)
            except Exception:  # noqa: BLE001 - recorded on the job's row; the thread just ends
                log.exception("background job %s %s failed", kind, args)
            finally:
                db.session.remove()

    def alive(self, key: str) -> bool:
        thread = self.threads.get(key)
        return thread is not None and thread.is_alive()

    def wait(self, key: str, timeout: float | None = None) -> None:
        thread = self.threads.get(key)
        if thread is not None:
            thread.join(timeout)


def runner(app) -> ThreadRunner:
    return app.extensions.setdefault(_KEY, ThreadRunner(app))
