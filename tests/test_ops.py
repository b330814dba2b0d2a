"""Operations: liveness and readiness, the metrics endpoint and its counters, request ids and the
JSON log line, and `serve --workers` refusing several processes on SQLite."""
from __future__ import annotations

import io
import json
import logging

import pytest
from flask_migrate import stamp
from prometheus_client import REGISTRY

from app import create_app
from app.extensions import db
from app.ops import logs
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import TaskAlreadyDone
from app.workflow.instances import complete_task, start_process
from tests.conftest import ROOT
from tests.helpers import complete, task_named


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


@pytest.fixture
def at_head(app, migrations):
    db.create_all()
    stamp(revision="heads")


def test_healthz_answers_without_asking_the_database(app, client):
    db.engine.dispose()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_is_ready_with_the_schema_at_head_and_a_model_deployed(app, client, at_head, model):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json == {"status": "ready"}


def test_readyz_is_503_while_migrations_are_behind(app, client, model):
    response = client.get("/readyz")  # the fixture's tables came from create_all: no revision
    assert response.status_code == 503
    assert response.json == {"status": "not ready", "reason": "migrations_not_at_head"}


def test_readyz_is_503_without_a_deployed_model(app, client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["reason"] == "no_model_deployed"


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready", "reason": "database_unreachable"}  # no path, no driver text


def test_metrics_are_served_to_loopback_only_without_a_token(app, client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 404


@pytest.mark.parametrize("extra_config", [{"VITRINA_METRICS_TOKEN": "s3cret-scrape"}])
def test_with_a_token_metrics_need_it_even_from_loopback(app, client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"},
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 200 and b"vitrina_task_completions" in response.data


def _sample(name: str, labels: dict) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_completion_and_a_conflict_are_counted_and_scraped(app, client, model):
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    labels = {"step": "1", "role": "client"}
    before = _sample("vitrina_task_completions_total", labels)
    conflicts = _sample("vitrina_conflicts_total", {"reason": "task_done"})
    task_id = task_named(instance, "Подача Заявки").task_id
    complete(instance, "Подача Заявки")
    assert _sample("vitrina_task_completions_total", labels) == before + 1
    with pytest.raises(TaskAlreadyDone):
        complete_task(instance.id, task_id, {}, actor="client")
    assert _sample("vitrina_conflicts_total", {"reason": "task_done"}) == conflicts + 1
    scraped = client.get("/metrics").get_data(as_text=True)
    assert f'vitrina_task_completions_total{{role="client",step="1"}} {before + 1}' in scraped
    assert "vitrina_jobs" in scraped  # the jobs gauge is there, empty while no job table exists


def test_jobs_by_state_are_read_from_the_job_table(app, client):
    from app.models import BackgroundJob
    from app.ops.metrics import jobs_by_state
    from app.workflow.runtime import runtime
    assert jobs_by_state(db.session) == {}  # no job yet: no figure and no error
    for key, state in (("a", "queued"), ("b", "queued"), ("c", "failed")):
        db.session.add(BackgroundJob(kind="simulation_run", key=key, state=state, args={}, attempts=0,
                                     completions=0, queued_at=runtime().clock.now()))
    db.session.commit()
    assert jobs_by_state(db.session) == {"queued": 2, "failed": 1}
    assert 'vitrina_jobs{state="queued"} 2.0' in client.get("/metrics").get_data(as_text=True)


def test_the_sweep_counts_the_timers_it_fires_their_lag_and_the_breaches(app, model, clock):
    from datetime import timedelta
    from app.deadlines.sweep import fire_due_timers
    instance = complete(start_process("marketplace_support", actor="client", region="77",
                                      company_name="ООО «Ромашка»", company_inn="7707083893"), "Подача Заявки")
    task = task_named(instance, "Проверка Заявки в ЦПЭ")
    fired = _sample("vitrina_timers_fired_total", {"effect": "signal"})
    lags = _sample("vitrina_timer_lag_seconds_count", {"effect": "signal"})
    late = _sample("vitrina_timer_lag_seconds_bucket", {"effect": "signal", "le": "60.0"})
    breaches = _sample("vitrina_deadline_breaches_total", {})
    clock.set(task.normative_due + timedelta(minutes=10))  # the indicative and the normative deadline
    fire_due_timers(clock.now())
    assert _sample("vitrina_timers_fired_total", {"effect": "signal"}) == fired + 2
    assert _sample("vitrina_timer_lag_seconds_count", {"effect": "signal"}) == lags + 2
    assert _sample("vitrina_timer_lag_seconds_bucket", {"effect": "signal", "le": "60.0"}) == late  # both late
    assert _sample("vitrina_deadline_breaches_total", {}) == breaches + 1
    fire_due_timers(clock.now())  # nothing is due any more: nothing counted twice
    assert _sample("vitrina_deadline_breaches_total", {}) == breaches + 1


def test_a_request_id_is_taken_from_the_caller_or_made_and_echoed(app, client):
    assert client.get("/healthz", headers={"X-Request-Id": "lb-42.a"}).headers["X-Request-Id"] == "lb-42.a"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id {\"x\": 1}" + "x" * 80}).headers["X-Request-Id"]
    assert len(made) == 32 and made.isalnum()


@pytest.fixture
def json_log():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    logs.configure("json", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_each_request_writes_one_json_line_with_its_id_user_and_application(app, client, users, model, json_log):
    from tests.conftest import login
    login(client, "client77@test.ru")
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    json_log.truncate(0), json_log.seek(0)
    client.get(f"/applications/{instance.id}", headers={"X-Request-Id": "req-1"})
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "vitrina.request"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert {"time", "level", "logger", "message"} <= set(line)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert (line["request_id"], line["user_id"], line["application_id"]) == ("req-1", users["client77"].id,
                                                                             instance.id)
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/applications/{instance.id}", 200)
    assert isinstance(line["duration_ms"], float)


def test_an_unknown_log_format_is_refused_by_name(app, monkeypatch):
    monkeypatch.setenv("VITRINA_LOG_FORMAT", "xml")
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 2 and "VITRINA_LOG_FORMAT" in result.output


@pytest.mark.parametrize("backend", ["sqlite"])
def test_serve_refuses_several_web_processes_on_sqlite(app):
    result = app.test_cli_runner().invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "только один веб-процесс" in result.output and "VITRINA_DATABASE_URL" in result.output


def test_a_completion_through_the_api_logs_the_application_its_task_belongs_to(app, client, users, model, json_log):
    from app.api import tokens
    from app.demo.samples import sample
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    task = task_named(instance, "Подача Заявки")
    secret = tokens.issue(users["client77"], "тест")[1]
    response = client.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": sample(task.form)},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    line = [json.loads(x) for x in json_log.getvalue().splitlines() if '"vitrina.request"' in x][-1]
    assert (line["status"], line["application_id"], line["user_id"]) == (200, instance.id, users["client77"].id)
