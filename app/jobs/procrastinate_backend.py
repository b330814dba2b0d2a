"""The PostgreSQL backend: procrastinate, on the app's own database and search path.

Web processes only defer: the job goes into procrastinate's table on the request's own
connection, in its transaction, so a job exists exactly when what it works on was committed.
``vitrina worker`` runs the jobs: the same job functions (app/jobs/functions.py) inside an app
context, the periodic safety sweep, e-mail delivery and the digest (procrastinate defers a periodic job
once per period however many workers run), and the recovery of jobs whose worker stopped
sending heartbeats (killed): they are put back in the queue and run again, idempotently.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import procrastinate
from flask import current_app
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import BackgroundJob
from ..statuses import JobKind, JobState
from . import functions

log = logging.getLogger(__name__)
QUEUE = "vitrina"
_KEY = "vitrina.jobs.procrastinate"
# Timers fire when the clock is strictly past their due time.
GRACE = timedelta(milliseconds=5)
RECOVERED = "Исполнитель задания остановлен (перестал отвечать); задание поставлено в очередь снова."
# A failed sweep or delivery tries again soon; a simulation that failed says why and waits for
# an admin's «Повторить» (its errors are the parameters' or the model's, a retry would repeat them).
RETRIES = {JobKind.TIMER_SWEEP: procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5),
           JobKind.MAIL_DELIVERY: procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5),
           JobKind.NOTIFICATION_DIGEST: procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5),
           JobKind.SIMULATION_RUN: False,
           # A divergence or a refused model is the job's result, not its failure; a broken run
           # says why in the page, and the owner deploys again.
           JobKind.DEPLOY_WITH_SCENARIOS: False}
# No job has a procrastinate lock: sweeps and deliveries may overlap (rows are claimed with FOR
# UPDATE SKIP LOCKED and marked conditionally, so each timer fires and each e-mail goes once), and a
# lock would be worse than useless: procrastinate runs a locked job only after every earlier job of
# its lock, so a wake-up scheduled days ahead would hold back every sweep queued after it.


def _pool_arguments(app) -> dict:
    url = db.engine.url.set(drivername="postgresql")
    arguments = {"conninfo": url.render_as_string(hide_password=False)}
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:  # the search path of the tests' schemas, or of a deployment that sets one
        arguments["kwargs"] = {"options": options}
    return arguments


def queue_app(app=None) -> procrastinate.App:
    """The procrastinate app of this Flask app, with Vitrina's tasks registered (not opened)."""
    app = app or current_app._get_current_object()
    if _KEY not in app.extensions:
        app.extensions[_KEY] = _build(app)
    return app.extensions[_KEY]


def _build(app) -> procrastinate.App:
    queue = procrastinate.App(connector=procrastinate.PsycopgConnector(**_pool_arguments(app)))
    for kind in functions.FUNCTIONS:
        queue.task(name=str(kind), queue=QUEUE, retry=RETRIES[kind])(_job(app, kind))
    config = app.config
    queue.periodic(cron=config["VITRINA_JOBS_SWEEP_CRON"], periodic_id="safety")(queue.tasks[JobKind.TIMER_SWEEP])
    queue.periodic(cron=config["VITRINA_JOBS_DELIVERY_CRON"], periodic_id="delivery")(
        queue.tasks[JobKind.MAIL_DELIVERY])
    # The digest rows carry their 09:00 of a working day; the job looks often and sends what is due.
    queue.periodic(cron=config["VITRINA_JOBS_DIGEST_CRON"], periodic_id="digest")(
        queue.tasks[JobKind.NOTIFICATION_DIGEST])
    queue.periodic(cron=config["VITRINA_JOBS_RECOVERY_CRON"], periodic_id="recovery")(
        queue.task(name="stalled_recovery", queue=QUEUE)(_recovery(app, queue)))
    return queue


def _job(app, kind: JobKind):
    def job(timestamp: int | None = None, **args):  # periodic jobs are given their period's timestamp
        with app.app_context():
            try:
                return functions.run(kind, args)
            finally:
                db.session.remove()
    job.__name__ = str(kind)
    return job


def _recovery(app, queue: procrastinate.App):
    async def recover(timestamp: int | None = None) -> int:
        return await recover_stalled(app, queue)
    return recover


async def recover_stalled(app, queue: procrastinate.App) -> int:
    """Put back in the queue the jobs of workers that stopped sending heartbeats."""
    seconds = float(app.config["VITRINA_JOBS_STALLED_SECONDS"])
    stalled = list(await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        log.warning("job %s %s of a stopped worker goes back to the queue", job.task_name, job.task_kwargs)
        await queue.job_manager.retry_job(job)
    if stalled:
        await asyncio.to_thread(_note_recovered, app, [job.id for job in stalled])
    return len(stalled)


def _note_recovered(app, queue_ids: list[int]) -> None:
    with app.app_context():
        db.session.execute(update(BackgroundJob).where(BackgroundJob.queue_id.in_(queue_ids))
                           .values(state=JobState.QUEUED, error=RECOVERED)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        db.session.remove()


def defer(kind: JobKind, key: str, args: dict, schedule_at: datetime | None = None,
          queueing_lock: str | None = None) -> int | None:
    """Add the job on the session's connection, in its transaction; None when a job with the same
    queueing lock is waiting already (that one will do)."""
    raw = db.session.connection().connection.driver_connection
    deferrer = queue_app().configure_task(str(kind), queueing_lock=queueing_lock, schedule_at=schedule_at,
                                          connection=raw)
    try:
        # A refused duplicate must not abort the caller's transaction: a savepoint holds it.
        with db.session.begin_nested():
            return deferrer.defer(**args)
    except AlreadyEnqueued:
        return None


def wake_at(due: datetime) -> None:
    """A sweep at the earliest due time of a save; saves bringing the same second share it.
    Called after the save's commit: a wake-up that cannot be deferred is logged, and the
    periodic safety sweep fires the timer instead of the save failing."""
    try:
        defer(JobKind.TIMER_SWEEP, str(JobKind.TIMER_SWEEP), {}, schedule_at=due + GRACE,
              queueing_lock=f"wake:{due:%Y%m%dT%H%M%S}")
        db.session.commit()
    except (SQLAlchemyError, ConnectorException):
        db.session.rollback()
        log.warning("the timer wake-up at %s was not deferred; the safety sweep will fire it", due, exc_info=True)



async def run_worker(app, concurrency: int = 2, wait: bool = True, **options) -> None:
    """Run a worker until it is stopped (SIGINT/SIGTERM), or with ``wait=False`` until the queue
    is empty. Jobs a killed worker left «doing» are put back first, and a sweep is queued: what
    fell due while no worker ran fires now, once (workers starting together share the one sweep)."""
    queue = queue_app(app)
    stalled = float(app.config["VITRINA_JOBS_STALLED_SECONDS"])
    async with queue.open_async():
        await recover_stalled(app, queue)
        try:
            await queue.configure_task(str(JobKind.TIMER_SWEEP), queueing_lock="sweep:start").defer_async()
        except AlreadyEnqueued:
            pass
        await queue.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=wait,
                                     update_heartbeat_interval=max(stalled / 3, 0.5),
                                     stalled_worker_timeout=stalled, delete_jobs="successful", **options)
