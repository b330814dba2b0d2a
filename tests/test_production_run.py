"""Vitrina run as production runs it: PostgreSQL, three web processes and two workers, twenty
clients at once, and processes killed with SIGKILL in the middle of their work.

What must hold afterwards: no HTTP 500; every step of every application completed exactly once
(a lost race is a 409, never a second completion or a lost one); the revision of each application
counts its saves; engine state, open tasks, timers and case file agree for every application;
every timer that fell due fired exactly once and every notice was delivered once; a simulation
whose worker was killed ran again on the other worker and completed once.
"""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from app import create_app
from app.accounts import create_user
from app.api.tokens import issue
from app.demo.samples import sample
from app.extensions import db
from app.models import AuditEvent, BackgroundJob, CaseEntry, Notification, ProcessInstance, SimulationRun, Timer
from app.roles import Role
from app.simulation import runs
from app.statuses import AuditAction, DeliveryState, SimulationState, TimerState
from app.workflow.runtime import runtime
from tests.conftest import BACKENDS
from tests.helpers import assert_restores
from tests.production import SECRET, Api, Database, Installation, Refused, until, valid_inn
from tests.test_jobs_processes import LONGER

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]

CLIENTS = 20
WEB = ("web-1", "web-2", "web-3")
WORKERS = ("worker-1", "worker-2")
# The steps an application is driven through (client, ЦПЭ, МО РЭЦ): it then waits for the
# client's originals (4), on the client wait that refuses it when it ends (4.1); one in four stops
# after filing, at the ЦПЭ's check (2), whose deadlines only mark the task.
STEPS = ("step_1_submit", "step_2_check", "step_3_approval")
PASSWORD = "Prod-run-password-2026"
SHIFT_DAYS = 60


@pytest.fixture
def installation(tmp_path):
    if "postgres" not in BACKENDS:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    database = Database.create()
    installation = Installation(database, tmp_path / "instance", tmp_path)
    try:
        installation.vitrina("setup", "--no-demo")
        yield installation
    finally:
        installation.stop()
        database.drop()


@pytest.fixture
def office(installation, fast_hashing):
    """An app on the installation's database (for preparing people and checking the outcome),
    with one ЦПЭ and one МО РЭЦ officer shared by all clients, and a client per company."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "VITRINA_ENGINE_ISOLATION": False,
                      "SQLALCHEMY_DATABASE_URI": installation.database.url})
    with app.app_context():
        tokens = {}
        for role, email in ((Role.CPE, "cpe@prod.test"), (Role.MO_REC, "mo@prod.test")):
            tokens[role.value] = issue(create_user(email, f"Сотрудник {role.label}", PASSWORD, {role}, region="77"
                                                   if role == Role.CPE else None), "нагрузка")[1]
        companies = []
        for n in range(CLIENTS):
            inn, name = valid_inn(100 + n), f"ООО «Нагрузка {n + 1}»"
            user = create_user(f"client{n}@prod.test", f"Клиент {n + 1}", PASSWORD, {Role.CLIENT}, region="77",
                               company_inn=inn, company_name=name)
            companies.append((issue(user, "нагрузка")[1], name, inn))
        db.session.commit()
        yield app, tokens, companies
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def api(installation) -> Api:
    """Three web processes on the installation, and a client that spreads its calls over them."""
    for name in WEB:
        installation.start_web(name)
    for name in WEB:
        installation.wait_ready(name)
    return Api(installation)


def complete(api: Api, token: str, task: dict, data: dict) -> bool:
    """True when this call completed the task; False when it was done meanwhile (409)."""
    try:
        api.call(token, "POST", f"/tasks/{task['id']}/complete", {"data": data})
        return True
    except Refused as refusal:
        if refusal.status == 409:
            return False
        raise


def drive(api: Api, tokens: dict, company: tuple, steps: tuple, race: bool = False) -> tuple[int, tuple]:
    """File an application and take it through ``steps``; with ``race`` the ЦПЭ's check is sent
    twice at once (as from two browser tabs on two web processes)."""
    client_token, name, inn = company
    application = file_once(api, client_token)
    for step in steps:
        task = _open_task(api, tokens, client_token, application, step)
        token = client_token if task["role"] == Role.CLIENT else tokens[task["role"]]
        data = sample(task["form"], company_name=name, company_inn=inn) if step == STEPS[0] else sample(task["form"])
        if race and step == "step_2_check":
            with ThreadPoolExecutor(2) as pool:
                outcomes = list(pool.map(lambda _: complete(api, token, task, data), range(2)))
            assert sorted(outcomes) == [False, True], outcomes
        elif not complete(api, token, task, data):
            # Only a retry after a lost connection can find its own completion done.
            assert api.statuses["connection lost"], f"step {step} of № {application} done by someone else"
    return application, steps


def file_once(api: Api, client_token: str) -> int:
    """File the company's one application. A create is not idempotent: a process killed after its
    commit but before its answer has filed it, so after a lost connection the client first asks
    for its applications, as the ЛК would, and files again only if there is none."""
    for _ in range(6):
        try:
            return api.call(client_token, "POST", "/applications", retry=False)["id"]
        except OSError:  # the connection errors of urllib are OSErrors
            if mine := api.call(client_token, "GET", "/applications")["items"]:
                return mine[0]["id"]
            time.sleep(0.2)
    raise AssertionError("the application could not be filed")


def run_clients(api: Api, tokens: dict, companies: list, race: bool) -> dict[int, tuple]:
    """All clients at once, each with its application: {application id: the steps it did}."""
    def one(n: int):
        return drive(api, tokens, companies[n], STEPS[:1] if n % 4 == 1 else STEPS, race=race and n % 4 == 0)
    with ThreadPoolExecutor(CLIENTS) as pool:
        return dict(pool.map(one, range(len(companies))))


def _open_task(api: Api, tokens: dict, client_token: str, application: int, step: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen = api.call(tokens[Role.CPE], "GET", f"/applications/{application}")
        for task in seen["tasks"]:
            if step.startswith(f"step_{task['step'].replace('.', '_')}_"):
                return task
        time.sleep(0.1)
    raise AssertionError(f"№ {application}: no open task of {step}, have {seen['tasks']}")


def check_every_application(app, driven: dict[int, tuple]) -> None:
    with app.app_context():
        instances = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).all()
        assert sorted(i.id for i in instances) == sorted(driven)
        for instance in instances:
            completed = db.session.execute(select(AuditEvent.element_id, AuditEvent.task_id).where(
                AuditEvent.instance_id == instance.id, AuditEvent.action == AuditAction.COMPLETED)).all()
            assert sorted(e for e, _ in completed) == sorted(driven[instance.id]), (instance.id, completed)
            # The case file holds one entry of each completed task, written with it.
            filed = db.session.execute(select(CaseEntry.element_id, CaseEntry.task_id).where(
                CaseEntry.instance_id == instance.id, CaseEntry.element_id.in_(STEPS))).all()
            assert sorted(filed) == sorted(completed), (instance.id, filed, completed)
            assert_restores(instance)


def test_three_web_processes_and_two_workers_lose_no_update_fire_each_timer_and_send_each_notice_once(
        installation, office, api, smtp):
    app, tokens, companies = office

    driven = run_clients(api, tokens, companies, race=True)

    assert len(driven) == CLIENTS
    assert not [s for s in api.statuses if isinstance(s, int) and s >= 500], api.statuses
    assert api.statuses[409] == CLIENTS // 4  # exactly the losers of the races
    check_every_application(app, driven)
    with app.app_context():
        # Every save bumps the revision: the start writes the row twice in its one transaction
        # (the new row, then the engine's first state), then one save per completion.
        revisions = dict(db.session.execute(select(ProcessInstance.id, ProcessInstance.revision)).all())
        completions = dict(db.session.execute(select(AuditEvent.instance_id, func.count()).where(
            AuditEvent.action == AuditAction.COMPLETED).group_by(AuditEvent.instance_id)).all())
        assert revisions == {i: 2 + completions[i] for i in revisions}

    # Time passes: two workers living 60 days ahead sweep every deadline due by then (each
    # queues a sweep as it starts) and deliver the notices the deadlines write.
    ahead = runtime().clock.now() + timedelta(days=SHIFT_DAYS)
    with app.app_context():
        due = db.session.scalars(select(Timer.task_id).where(Timer.state == TimerState.WAITING,
                                                             Timer.due_at < ahead)).all()
    assert len(due) == CLIENTS // 4 * 2 + CLIENTS * 3 // 4, "a check's two deadlines, or a client wait"
    mail = f"smtp://127.0.0.1:{smtp[1]}?from=robot@vitrina.test"
    for name in WORKERS:
        installation.start_worker(name, VITRINA_CLOCK_SHIFT_DAYS=str(SHIFT_DAYS), VITRINA_SMTP_URL=mail)

    def settled() -> bool:
        with app.app_context():
            waiting = db.session.scalar(select(func.count()).select_from(Timer).where(
                Timer.state == TimerState.WAITING, Timer.due_at < ahead))
            pending = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.delivery == DeliveryState.PENDING))
            db.session.remove()
        left[:] = [waiting, pending]
        return waiting == 0 and pending == 0
    left = []
    assert until(settled, 90), (f"timers still waiting, notices pending: {left}",
                                [installation.log(name)[-1500:] for name in WORKERS])
    installation.assert_running(*WORKERS)
    with app.app_context():
        fired = Counter(db.session.scalars(select(AuditEvent.task_id).where(
            AuditEvent.action == AuditAction.TIMER_FIRED)))
        assert {task_id: fired[task_id] for task_id in due} == {task_id: 1 for task_id in due}
        assert not db.session.scalar(select(func.count()).select_from(Timer).where(
            Timer.state == TimerState.WAITING, Timer.due_at < ahead))
        # The client waits ended in refusal (4.1): each application moved once.
        refused = db.session.scalars(select(ProcessInstance.application_status).where(
            ProcessInstance.id.in_([i for i, steps in driven.items() if steps == STEPS]))).all()
        assert len(set(refused)) == 1 and "Отказ" in refused[0], Counter(refused)
        sent = db.session.scalars(select(Notification.id).where(Notification.delivery == DeliveryState.SENT)).all()
    received = Counter(message["Message-ID"] for message in smtp[0].messages)
    assert len(sent) >= CLIENTS * 3 // 4 and set(received.values()) == {1}, received  # each notice once
    assert sorted(received) == sorted(f"<vitrina-{i}@vitrina.test>" for i in sent)


def test_a_web_process_killed_mid_completion_leaves_no_application_half_written_and_a_killed_worker_s_simulation_runs_again_once(
        installation, office, api):
    app, tokens, companies = office
    installation.start_worker("worker-1")
    with app.app_context():
        run_id = runs.start(LONGER, None, "analyst@prod.test").id
    assert until(lambda: _run(app, run_id).done >= 1, 120), installation.log("worker-1")[-3000:]
    installation.start_worker("worker-2")
    installation.kill("worker-1")  # in the middle of the run: its job is stalled, then run again

    answered_at_kill = []

    def killer():
        # In the middle of the clients' completions: a third of the run's ~120 calls answered.
        deadline = time.monotonic() + 120
        while sum(api.statuses.values()) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        answered_at_kill.append(sum(api.statuses.values()))
        installation.kill("web-2")
    threading.Thread(target=killer, daemon=True).start()
    driven = run_clients(api, tokens, companies, race=False)

    assert installation.processes["web-2"].poll() is not None
    assert 0 < answered_at_kill[0] < sum(api.statuses.values()) - CLIENTS, "killed mid-run, not before or after"
    assert len(driven) == CLIENTS
    assert not [s for s in api.statuses if isinstance(s, int) and s >= 500], api.statuses
    check_every_application(app, driven)

    assert until(lambda: _run(app, run_id).state != SimulationState.RUNNING, 180), installation.log("worker-2")[-3000:]
    with app.app_context():
        run = db.session.get(SimulationRun, run_id)
        assert (run.state, run.done) == (SimulationState.DONE, run.total)
        job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == f"simulation_run:{run_id}"))
        assert (job.state, job.attempts, job.completions) == ("done", 2, 1)


def _run(app, run_id: int) -> SimulationRun:
    with app.app_context():
        run = db.session.get(SimulationRun, run_id)
        db.session.expunge(run)
        db.session.remove()
        return run
