"""Background jobs on either database with the in-process backend: each job function has its
effect once however often it runs; the admins' jobs page lists the jobs with their errors in
Russian, and «Повторить» runs a failed one again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts import create_user
from app.extensions import db
from app.jobs import functions, queue
from app.jobs.records import SKIPPED
from app.models import AuditEvent, BackgroundJob, SimulationRun
from app.roles import Role
from app.simulation import runs
from app.statuses import AuditAction, JobKind, JobState, SimulationState
from app.workflow.instances import start_process
from tests.conftest import PASSWORD, login
from tests.test_simulation_page import SMALL, analyst  # noqa: F401  (analyst is a fixture)


def job(key: str) -> BackgroundJob:
    db.session.expire_all()
    return db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == key))


def start_run(client, analyst) -> int:  # noqa: F811
    login(client, analyst.email)
    assert client.post("/simulation/yaml", data={"params": SMALL}).status_code == 303
    run_id = db.session.scalar(select(func.max(SimulationRun.id)))
    runs.wait(run_id, timeout=120)
    return run_id


def test_a_simulation_job_that_runs_again_leaves_the_finished_run_as_it_was(app, client, analyst):  # noqa: F811
    run_id = start_run(client, analyst)
    done = db.session.get(SimulationRun, run_id)
    assert done.state == SimulationState.DONE
    report, finished = done.report_html, done.finished_at
    row = job(f"simulation_run:{run_id}")
    assert (row.kind, row.state, row.attempts, row.completions, row.requested_by) == (
        "simulation_run", "done", 1, 1, analyst.email)

    assert functions.run(JobKind.SIMULATION_RUN, {"run_id": run_id}) is SKIPPED  # a retry of a done job
    db.session.expire_all()
    again = db.session.get(SimulationRun, run_id)
    assert again.report_html == report and again.finished_at == finished
    assert (job(f"simulation_run:{run_id}").attempts, job(f"simulation_run:{run_id}").completions) == (2, 1)


def test_an_interrupted_run_started_again_starts_from_scratch(app, client, analyst):  # noqa: F811
    run_id = start_run(client, analyst)
    run = db.session.get(SimulationRun, run_id)
    run.state, run.done, run.report_html = SimulationState.RUNNING, 1, None  # as a killed worker left it
    db.session.commit()
    functions.run(JobKind.SIMULATION_RUN, {"run_id": run_id})
    db.session.expire_all()
    run = db.session.get(SimulationRun, run_id)
    assert run.state == SimulationState.DONE and run.done == run.total == 2 and run.report_html


def test_a_timer_sweep_run_twice_fires_each_due_timer_once(app, clock):
    from app.workflow.deployments import deploy_bundle, read_bundle
    from tests.conftest import FIXTURES
    deploy_bundle(read_bundle(FIXTURES / "quick"), actor="owner")
    start_process("quick", actor="t", region="77")
    clock.advance(timedelta(days=30))
    functions.run(JobKind.TIMER_SWEEP, {})
    functions.run(JobKind.TIMER_SWEEP, {})
    fired = db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == AuditAction.TIMER_FIRED))
    assert fired == 1
    row = job("timer_sweep")
    assert (row.state, row.attempts, row.completions, row.requested_by) == ("done", 2, 2, None)


@pytest.fixture
def admin(app, fast_hashing):
    return create_user("boss@test.ru", "Иван Администраторов", PASSWORD, {Role.ADMIN})


def failing_run(monkeypatch, client, analyst) -> int:  # noqa: F811
    def broken(run_id):
        raise RuntimeError("нет связи с базой")
    monkeypatch.setitem(functions.FUNCTIONS, JobKind.SIMULATION_RUN, broken)
    run_id = start_run(client, analyst)
    monkeypatch.undo()
    client.post("/logout")
    return run_id


def test_the_jobs_page_shows_a_failed_job_with_its_error_and_retry_runs_it(app, client, analyst, admin,  # noqa: F811
                                                                           monkeypatch):
    run_id = failing_run(monkeypatch, client, analyst)
    assert job(f"simulation_run:{run_id}").state == JobState.FAILED
    login(client, admin.email)
    page = client.get("/admin/jobs/")
    assert page.status_code == 200
    assert "Фоновые задания" in page.text and f"Прогон симуляции № {run_id}" in page.text
    assert "Ошибка" in page.text and "RuntimeError: нет связи с базой" in page.text
    assert "Аналитик" in page.text and analyst.email not in page.text  # the name, not the e-mail
    assert "Повторить" in page.text
    assert f"Прогон симуляции № {run_id}" in client.get("/admin/jobs/?state=failed").text
    assert f"Прогон симуляции № {run_id}" not in client.get("/admin/jobs/?state=done").text

    retried = client.post(f"/admin/jobs/{job(f'simulation_run:{run_id}').id}/retry", follow_redirects=True)
    assert f"Задание «Прогон симуляции № {run_id}» поставлено в очередь снова." in retried.text
    runs.wait(run_id, timeout=120)
    row = job(f"simulation_run:{run_id}")
    assert (row.state, row.error, row.completions, row.attempts) == ("done", None, 1, 2)
    assert row.requested_by == admin.email
    db.session.expire_all()
    assert db.session.get(SimulationRun, run_id).state == SimulationState.DONE


def test_only_a_failed_job_is_retried(app, client, analyst, admin):  # noqa: F811
    run_id = start_run(client, analyst)
    client.post("/logout")
    login(client, admin.email)
    answer = client.post(f"/admin/jobs/{job(f'simulation_run:{run_id}').id}/retry", follow_redirects=True)
    assert "Повторить можно только задание с ошибкой" in answer.text
    assert job(f"simulation_run:{run_id}").attempts == 1


def test_the_jobs_page_is_for_admins_only(client, users, analyst):  # noqa: F811
    login(client, analyst.email)
    assert client.get("/admin/jobs/").status_code == 403
    assert client.post("/admin/jobs/1/retry").status_code == 403
    client.post("/logout")
    login(client, users["admin"].email)
    page = client.get("/admin/jobs/")
    assert page.status_code == 200 and 'href="/admin/jobs/"' in page.text  # in the admin navigation


def test_vitrina_worker_refuses_the_in_process_backend_and_says_where_jobs_run(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "на SQLite выполняет сам `vitrina serve`" in result.output
    assert queue.in_process()
