"""Simulation runs are bounded: parameters have maxima, runs at once are capped per user and in
total, and a run whose process stopped (a restart) is failed with a reason, not «running» for ever."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SimulationRun
from app.simulation import liveness, runs
from tests.conftest import login
from tests.test_simulation_page import SMALL, analyst  # noqa: F401  (analyst is a fixture)

ELSEWHERE = "other-host:4242:feedbeef"


def running(clock, by: str, runner: str = ELSEWHERE, beat_minutes_ago: float = 0) -> SimulationRun:
    run = SimulationRun(name="Прогон", state="running", params_text=SMALL, created_by=by, created_at=clock.now(),
                        done=0, total=2, runner=runner,
                        heartbeat_at=clock.now() - timedelta(minutes=beat_minutes_ago))
    db.session.add(run)
    db.session.commit()
    return run


def count_runs() -> int:
    return db.session.scalar(select(func.count()).select_from(SimulationRun))


@pytest.mark.parametrize("change,path", [
    (("horizon_days: 60", "horizon_days: 5000"), "horizon_days"),
    (("replications: 2", "replications: 51"), "replications"),
    (("per_day: 0.5", "per_day: 51"), "arrivals.regions.77.per_day"),
    (("mo_rec: {count: 1}", "mo_rec: {count: 1001}"), "staff.mo_rec.count"),
    (("name: Малый", "name: " + "Я" * 141), "name"),
])
def test_parameters_over_their_maximum_are_refused_naming_the_path(client, analyst, change, path):
    login(client, analyst.email)
    response = client.post("/simulation/yaml", data={"params": SMALL.replace(*change)})
    assert response.status_code == 400
    assert f"<code>{path}</code>: " in response.text and count_runs() == 0


def test_too_many_cases_in_all_are_refused_before_a_run_starts(client, analyst):
    login(client, analyst.email)
    params = SMALL.replace("per_day: 0.5", "per_day: 50").replace("horizon_days: 60", "horizon_days: 1500")
    response = client.post("/simulation/yaml", data={"params": params.replace("replications: 2", "replications: 20")})
    assert response.status_code == 400 and "<code>arrivals.regions</code>: ожидается около" in response.text
    assert "допустимо не больше 1\u00a0000\u00a0000" in response.text and count_runs() == 0


def test_a_user_with_a_run_going_cannot_start_another(client, analyst, clock):
    running(clock, analyst.email)
    login(client, analyst.email)
    response = client.post("/simulation/yaml", data={"params": SMALL})
    assert response.status_code == 429
    assert "У вас уже выполняется прогон № 1: одновременно можно не больше 1" in response.text
    assert count_runs() == 1


def test_no_more_runs_than_the_servers_cap_go_at_once(client, analyst, clock):
    running(clock, "one@test.ru")
    running(clock, "two@test.ru")
    login(client, analyst.email)
    response = client.post("/simulation/yaml", data={"params": SMALL})
    assert response.status_code == 429 and "Сейчас выполняется прогонов: 2 — это предел" in response.text
    assert count_runs() == 2


def test_a_run_whose_process_stopped_beating_is_failed_and_frees_its_place(client, analyst, clock):
    running(clock, analyst.email)
    clock.advance(minutes=9)
    login(client, analyst.email)
    assert client.post("/simulation/yaml", data={"params": SMALL}).status_code == 429  # still alive elsewhere
    clock.advance(minutes=2)  # ten minutes without a heartbeat
    page = client.get("/simulation/")
    assert "Прогон прерван: процесс сервера, который его выполнял, остановлен" in page.text
    assert db.session.get(SimulationRun, 1).state == "failed" and db.session.get(SimulationRun, 1).finished_at
    started = client.post("/simulation/yaml", data={"params": SMALL})
    assert started.status_code == 303
    runs.wait(2, timeout=120)
    assert client.get("/simulation/2/progress").get_json()["state"] == "done"


def test_a_run_of_a_process_of_this_host_that_is_gone_is_failed_at_once(client, analyst, clock):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    running(clock, "one@test.ru", runner=f"{liveness._HOST}:{int(ended.stdout)}:0badf00d")
    running(clock, "two@test.ru", runner=liveness.runner_id())  # this process, but no thread runs it
    login(client, analyst.email)
    assert client.get("/simulation/2/progress").get_json() == {
        "state": "failed", "done": 0, "total": 2, "error": liveness.INTERRUPTED}
    assert db.session.get(SimulationRun, 1).state == "failed"


def test_a_runs_heartbeat_is_renewed_while_it_works(app, analyst, clock, monkeypatch):
    monkeypatch.setattr(liveness, "HEARTBEAT_SECONDS", 0.05)
    run = running(clock, analyst.email, runner=liveness.runner_id())
    with liveness.Heartbeat(app, run.id):
        clock.advance(minutes=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(SimulationRun, run.id).heartbeat_at == clock.now():
                break
            time.sleep(0.05)
    assert db.session.get(SimulationRun, run.id).heartbeat_at == clock.now()
