"""The ``background_jobs`` rows: queued when deferred, running, done or failed with the error.

Both backends write them through these functions, so the admins' page reads one table whatever
runs the jobs. A key names one piece of work (``simulation_run:12``); a recurring kind (the
sweep, the delivery) keeps one row that shows its latest run. Each write commits on its own:
the row must tell the truth even when the job's own work is rolled back.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from ..models import BackgroundJob
from ..statuses import JobKind, JobState
from ..upsert import insert_ignoring_duplicates
from ..workflow.runtime import runtime

ERROR_LIMIT = 4000  # a traceback's last lines are enough to tell what failed


def _now() -> datetime:
    return runtime().clock.now()


def queued(kind: JobKind, key: str, args: dict, actor: str | None = None) -> BackgroundJob:
    """The job's row, marked queued (created if new); not committed, so it goes with the deferral."""
    db.session.execute(insert_ignoring_duplicates(BackgroundJob, ["key"]).values(
        kind=kind, key=key, state=JobState.QUEUED, args=args, attempts=0, completions=0,
        requested_by=actor, queued_at=_now()))
    row = db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == key))
    if row.state != JobState.RUNNING:
        row.state = JobState.QUEUED
    row.args, row.queued_at = args, _now()
    if actor:
        row.requested_by = actor
    return row


def started(key: str) -> None:
    db.session.execute(update(BackgroundJob).where(BackgroundJob.key == key)
                       .values(state=JobState.RUNNING, started_at=_now(), finished_at=None,
                               attempts=BackgroundJob.attempts + 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def finished(key: str, completed: bool) -> None:
    values = dict(state=JobState.DONE, finished_at=_now(), error=None)
    if completed:
        values["completions"] = BackgroundJob.completions + 1
    db.session.execute(update(BackgroundJob).where(BackgroundJob.key == key).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def failed(key: str, error: str, state: JobState = JobState.FAILED) -> None:
    db.session.rollback()
    db.session.execute(update(BackgroundJob).where(BackgroundJob.key == key)
                       .values(state=state, finished_at=_now(), error=error[-ERROR_LIMIT:])
                       .execution_options(synchronize_session=False))
    db.session.commit()


def ensure(kind: JobKind, key: str, args: dict) -> None:
    """A job that was not deferred through the front door (a periodic one) gets its row."""
    db.session.execute(insert_ignoring_duplicates(BackgroundJob, ["key"]).values(
        kind=kind, key=key, state=JobState.QUEUED, args=args, attempts=0, completions=0, queued_at=_now()))
    db.session.commit()


SKIPPED = object()  # what a job function returns when its work was done already: no new completion


@contextmanager
def tracking(kind: JobKind, key: str, args: dict):
    """Around one run of a job: running, then done (counting a completion unless the function
    said SKIPPED through ``outcome``) or failed with the error, which is raised on."""
    ensure(kind, key, args)
    started(key)
    outcome = {}
    try:
        yield outcome
    except BaseException as exc:
        failed(key, f"{type(exc).__name__}: {exc}")
        raise
    finished(key, completed=outcome.get("result") is not SKIPPED)


def get(key: str) -> BackgroundJob | None:
    return db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == key))
