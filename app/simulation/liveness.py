"""Whether a simulation run still has a process running it.

A run is a background job (app/jobs/). The run records the process running it
(``host:pid:token``) and a heartbeat it renews every ``HEARTBEAT_SECONDS`` while it works. In-process
(SQLite: a thread of a web process) a run left
«running» is failed with a reason when its process is known to be gone: this process without
the thread, another process of this host that no longer exists, or — for a process elsewhere —
a heartbeat older than ``VITRINA_SIMULATION_STALE_MINUTES``. That holds with several processes
and hosts, and after a restart the next look at the page finds the runs the restart cut off.
On the job queue (PostgreSQL) a killed worker's job is run again by the queue, so only the
stale heartbeat fails a run there.
"""
from __future__ import annotations

import os
import secrets
import socket
import threading
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import SimulationRun
from ..statuses import SimulationState
from ..workflow.runtime import runtime

HEARTBEAT_SECONDS = 30
INTERRUPTED = ("Прогон прерван: процесс сервера, который его выполнял, остановлен (например, при "
               "перезапуске). Запустите прогон снова.")
_HOST = socket.gethostname()[:80]
_TOKEN = secrets.token_hex(4)  # tells this process from an earlier one that had the same pid


def runner_id() -> str:
    return f"{_HOST}:{os.getpid()}:{_TOKEN}"


def reap(alive: Callable[[int], bool], by_process: bool = True) -> None:
    """Fail the running runs whose process is gone; ``alive(run_id)`` tells whether this
    process's thread of a run still lives. Without ``by_process`` (the job queue runs them and
    runs a killed worker's job again) only the stale heartbeat counts."""
    now = runtime().clock.now()
    cutoff = now - timedelta(minutes=int(current_app.config["VITRINA_SIMULATION_STALE_MINUTES"]))
    running = db.session.execute(select(SimulationRun.id, SimulationRun.runner, SimulationRun.heartbeat_at,
                                        SimulationRun.created_at)
                                 .where(SimulationRun.state == SimulationState.RUNNING)).all()
    gone = [run_id for run_id, runner, beat, created in running
            if (_gone(run_id, runner, beat or created, cutoff, alive) if by_process
                else (beat or created) < cutoff)]
    if gone:
        # Conditional: a run that ended meanwhile keeps the state its own thread wrote.
        db.session.execute(update(SimulationRun)
                           .where(SimulationRun.id.in_(gone), SimulationRun.state == SimulationState.RUNNING)
                           .values(state=SimulationState.FAILED, error=INTERRUPTED, finished_at=now)
                           .execution_options(synchronize_session=False))
    db.session.commit()


def _gone(run_id: int, runner: str | None, beat, cutoff, alive: Callable[[int], bool]) -> bool:
    if runner == runner_id():
        return not alive(run_id)
    host, _, rest = (runner or "").partition(":")
    pid = rest.partition(":")[0]
    if host == _HOST and pid.isdigit() and (int(pid) == os.getpid() or not _exists(int(pid))):
        return True  # this host's process that ran it is gone (or this one took its pid)
    return beat < cutoff


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


class Heartbeat:
    """Renews a run's heartbeat from a thread of its own while the run's thread works."""

    def __init__(self, app, run_id: int):
        self.app, self.run_id = app, run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"simulation-{run_id}-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stop.wait(HEARTBEAT_SECONDS):
                try:
                    db.session.execute(update(SimulationRun)
                                       .where(SimulationRun.id == self.run_id,
                                              SimulationRun.state == SimulationState.RUNNING)
                                       .values(heartbeat_at=runtime().clock.now()))
                    db.session.commit()
                except SQLAlchemyError:  # a busy database: the next beat tries again
                    db.session.rollback()
            db.session.remove()
