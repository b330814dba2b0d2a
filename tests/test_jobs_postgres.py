"""The job queue on PostgreSQL (procrastinate): a deferred job is run by a worker, a failing one
shows its error and «Повторить» queues it again, a killed worker's job runs again and completes
once, periodic jobs are deferred once per period whatever the number of workers, and a save
defers the sweep for its earliest timer."""
from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.jobs import functions, procrastinate_backend
from app.models import BackgroundJob, SimulationRun, Timer
from app.statuses import JobKind, JobState, SimulationState
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import FIXTURES, login, postgres_only
from tests.helpers import fresh_job_queue
from tests.test_simulation_page import SMALL, analyst  # noqa: F401  (analyst is a fixture)

pytestmark = pytest.mark.postgres


backend = postgres_only()


@pytest.fixture
def extra_config():
    return {"VITRINA_JOBS": "procrastinate", "VITRINA_JOBS_STALLED_SECONDS": 1}


@pytest.fixture(autouse=True)
def queue_tables(app):
    fresh_job_queue()


def run_async(coroutine) -> None:
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread for the rest of the session, where asyncio.run refuses to start."""
    failure = []

    def target():
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def work(app) -> None:
    """A worker in this process until the queue is empty (bounded)."""
    run_async(asyncio.wait_for(procrastinate_backend.run_worker(app, concurrency=2, wait=False,
                                                                install_signal_handlers=False), 120))
    db.session.expire_all()


def queue_rows(task: str | None = None) -> list[tuple]:
    query = "SELECT task_name, status, scheduled_at, queueing_lock FROM procrastinate_jobs"
    if task:
        query += f" WHERE task_name = '{task}'"
    return [tuple(r) for r in db.session.execute(text(query + " ORDER BY id"))]


def row(key: str) -> BackgroundJob:
    db.session.expire_all()
    return db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == key))


def start_run(client, analyst) -> int:  # noqa: F811
    login(client, analyst.email)
    assert client.post("/simulation/yaml", data={"params": SMALL}).status_code == 303
    return db.session.scalar(select(func.max(SimulationRun.id)))


def test_a_simulation_started_on_the_page_waits_in_the_queue_until_a_worker_runs_it(app, client, analyst):  # noqa: F811
    run_id = start_run(client, analyst)
    assert queue_rows("simulation_run") == [("simulation_run", "todo", None, f"simulation_run:{run_id}")]
    assert row(f"simulation_run:{run_id}").state == JobState.QUEUED
    assert client.get(f"/simulation/{run_id}/progress").get_json()["state"] == "running"  # as the page shows it

    work(app)
    assert db.session.get(SimulationRun, run_id).state == SimulationState.DONE
    job = row(f"simulation_run:{run_id}")
    assert (job.state, job.attempts, job.completions) == ("done", 1, 1)
    assert queue_rows("simulation_run") == []  # procrastinate forgets a job that succeeded; the row stays
    assert row("timer_sweep").completions >= 1  # a worker sweeps on start: what fell due meanwhile fires


def test_a_job_of_a_killed_worker_is_run_again_by_another_and_completes_once(app, client, analyst):  # noqa: F811
    run_id = start_run(client, analyst)
    # What kill -9 leaves: the job «doing» on a worker whose heartbeat stopped, the run half done.
    worker = db.session.execute(text("INSERT INTO procrastinate_workers (last_heartbeat) "
                                     "VALUES (now() - interval '1 hour') RETURNING id")).scalar()
    db.session.execute(text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w, attempts = 0"),
                       {"w": worker})
    run = db.session.get(SimulationRun, run_id)
    run.done = 1
    db.session.commit()

    work(app)
    run = db.session.get(SimulationRun, run_id)
    assert run.state == SimulationState.DONE and run.done == run.total == 2
    job = row(f"simulation_run:{run_id}")
    assert (job.state, job.completions, job.error) == ("done", 1, None)
    work(app)  # nothing left to run
    assert row(f"simulation_run:{run_id}").completions == 1


def test_a_failing_job_shows_failed_with_its_error_and_retry_queues_it_again(app, client, analyst, users,  # noqa: F811
                                                                             monkeypatch):
    def broken(run_id):
        raise RuntimeError("диск переполнен")
    run_id = start_run(client, analyst)
    monkeypatch.setitem(functions.FUNCTIONS, JobKind.SIMULATION_RUN, broken)
    work(app)
    monkeypatch.undo()
    job = row(f"simulation_run:{run_id}")
    assert (job.state, job.error) == ("failed", "RuntimeError: диск переполнен")
    assert queue_rows("simulation_run")[0][1] == "failed"

    client.post("/logout")
    login(client, users["admin"].email)
    page = client.get("/admin/jobs/?state=failed")
    assert "RuntimeError: диск переполнен" in page.text and "Повторить" in page.text
    client.post(f"/admin/jobs/{job.id}/retry")
    assert row(f"simulation_run:{run_id}").state == JobState.QUEUED
    assert [r[1] for r in queue_rows("simulation_run")] == ["failed", "todo"]

    work(app)
    job = row(f"simulation_run:{run_id}")
    assert (job.state, job.error, job.completions) == ("done", None, 1)
    assert db.session.get(SimulationRun, run_id).state == SimulationState.DONE


def test_two_workers_defer_a_periodic_job_once_per_period(app):
    from procrastinate.periodic import PeriodicDeferrer
    first, second = procrastinate_backend._build(app), procrastinate_backend._build(app)  # two worker processes

    async def defer_both(at: float):
        for queue in (first, second):
            async with queue.open_async():
                deferrer = PeriodicDeferrer(registry=queue.periodic_registry)
                await deferrer.defer_jobs(deferrer.get_previous_tasks(at=at))
    run_async(defer_both(1_800_000_000.0))
    sweeps = queue_rows("timer_sweep")
    assert len(sweeps) == 1 and len(queue_rows("mail_delivery")) == 1 and len(queue_rows("stalled_recovery")) == 1
    assert len(queue_rows("notification_digest")) == 1


def test_a_worker_sends_the_due_digest_once_by_the_apps_clock(app, users, clock, smtp):
    from app.jobs import queue
    from app.notifications import preferences
    from app.notifications.outbox import Message, Recipient, enqueue
    from tests.conftest import moscow
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    cpe = users["cpe77"]
    preferences.save(cpe.id, {"deadline_near": "digest"}, clock.now())
    for n in (1, 2):
        enqueue([Recipient(cpe.email, cpe.id)], f"near:{n}", Message("deadline_near", f"Срок подходит: шаг {n}",
                                                                     "Текст.", "/applications/5"), now=clock.now())
    db.session.commit()
    queue.defer(JobKind.NOTIFICATION_DIGEST)
    work(app)
    assert inbox.messages == []  # Friday 10:00 by the app's clock: the digest is due on Saturday at 09:00
    clock.set(moscow(2025, 11, 1, 9, 0))
    queue.defer(JobKind.NOTIFICATION_DIGEST)
    queue.defer(JobKind.NOTIFICATION_DIGEST)  # a second deferral while the first waits adds nothing
    work(app)
    [letter] = inbox.messages
    assert "шаг 1" in letter.get_content() and "шаг 2" in letter.get_content()
    assert row("notification_digest").state == JobState.DONE


def test_a_save_defers_the_sweep_of_its_earliest_timer_once(app, clock):
    deploy_bundle(read_bundle(FIXTURES / "quick"), actor="owner")
    start_process("quick", actor="t", region="77")
    start_process("quick", actor="t", region="77")  # the same due time: the same wake-up
    due = db.session.scalar(select(func.min(Timer.due_at)))
    [(task, status, scheduled_at, lock)] = queue_rows("timer_sweep")
    assert (task, status, lock) == ("timer_sweep", "todo", f"wake:{due:%Y%m%dT%H%M%S}")
    assert scheduled_at == due + timedelta(milliseconds=5)


def test_a_save_whose_wake_up_cannot_be_deferred_still_succeeds(app, monkeypatch):
    from procrastinate.exceptions import ConnectorException

    def unreachable(*args, **kwargs):
        raise ConnectorException("the queue is unreachable")
    deploy_bundle(read_bundle(FIXTURES / "quick"), actor="owner")
    monkeypatch.setattr(procrastinate_backend, "defer", unreachable)
    instance = start_process("quick", actor="t", region="77")  # the safety sweep will fire its timer
    assert db.session.scalar(select(func.count()).select_from(Timer).where(Timer.instance_id == instance.id)) == 1
    assert queue_rows("timer_sweep") == []


def test_a_wake_up_scheduled_days_ahead_does_not_hold_back_a_sweep_queued_now(app):
    later = db.session.scalar(text("SELECT now()")) + timedelta(days=2)  # the queue's time is the database's
    procrastinate_backend.defer(JobKind.TIMER_SWEEP, str(JobKind.TIMER_SWEEP), {}, schedule_at=later,
                                queueing_lock="wake:later")
    procrastinate_backend.defer(JobKind.TIMER_SWEEP, str(JobKind.TIMER_SWEEP), {})
    db.session.commit()
    work(app)
    # The sweep queued now ran (a finished job is deleted); the wake-up still waits for its time.
    assert [(status, lock) for _, status, _, lock in queue_rows("timer_sweep")] == [("todo", "wake:later")]
    assert row(str(JobKind.TIMER_SWEEP)).state == JobState.DONE
