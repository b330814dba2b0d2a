"""The front door of background work: ``defer`` a job, ``retry`` a failed one, whichever backend.

``VITRINA_JOBS`` picks the backend: "procrastinate" (the default on PostgreSQL: ``vitrina
worker`` processes run the jobs) or "inprocess" (the default on SQLite: threads of the web
process, so ``./scripts/serve`` needs nothing else).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.engine import make_url

from ..extensions import db
from ..models import BackgroundJob
from ..statuses import JobKind, JobState
from . import functions, records

PROCRASTINATE, INPROCESS = "procrastinate", "inprocess"


class JobNotFailed(Exception):
    """Only a failed job is retried; the message is for the admin, in Russian."""


def backend(app=None) -> str:
    app = app or current_app
    chosen = app.config.get("VITRINA_JOBS")
    if chosen:
        if chosen not in (PROCRASTINATE, INPROCESS):
            raise ValueError(f"VITRINA_JOBS must be {PROCRASTINATE!r} or {INPROCESS!r}, not {chosen!r}")
        return chosen
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    return PROCRASTINATE if database == "postgresql" else INPROCESS


def in_process(app=None) -> bool:
    return backend(app) == INPROCESS


def defer(kind: JobKind, actor: str | None = None, **args) -> BackgroundJob:
    """Queue the job and commit the current transaction with it (and with whatever the caller
    added: a simulation run's row goes with its job). On the job queue the key is the queueing
    lock: a second deferral while the first still waits adds nothing."""
    key = functions.key_of(kind, **args)
    row = records.queued(kind, key, args, actor)
    if in_process():
        from .inprocess import runner
        db.session.commit()
        runner(current_app._get_current_object()).start(kind, key, args)
        return row
    from . import procrastinate_backend
    queue_id = procrastinate_backend.defer(kind, key, args, queueing_lock=key)
    if queue_id is not None:
        row.queue_id = queue_id
    db.session.commit()
    return row


def retry(job_id: int, actor: str) -> BackgroundJob:
    row = db.session.get(BackgroundJob, job_id)
    if row is None or row.state != JobState.FAILED:
        raise JobNotFailed("Повторить можно только задание с ошибкой: это задание уже в очереди или выполнено.")
    row.error = None
    return defer(JobKind(row.kind), actor=actor, **row.args)


def wake_at(due: datetime) -> None:
    """On the job queue: a timer sweep when ``due`` passes (the in-process alarm wakes itself)."""
    from . import procrastinate_backend
    procrastinate_backend.wake_at(due)


def alive(kind: JobKind, **args) -> bool:
    """In-process: whether this process's thread of the job still runs."""
    from .inprocess import runner
    return runner(current_app._get_current_object()).alive(functions.key_of(kind, **args))


def wait(kind: JobKind, timeout: float | None = None, **args) -> None:
    """In-process: until this process's thread of the job ends (tests)."""
    from .inprocess import runner
    runner(current_app._get_current_object()).wait(functions.key_of(kind, **args), timeout)
