"""Real worker processes on PostgreSQL: `vitrina worker` killed with SIGKILL in the middle of a
simulation run; another worker finds the job stalled, runs it again, and the run completes once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BackgroundJob, SimulationRun
from app.statuses import SimulationState
from tests.conftest import PG_URL, ROOT, login, postgres_only
from tests.helpers import fresh_job_queue
from tests.test_simulation_page import SMALL, analyst  # noqa: F401  (analyst is a fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
# ~0.5 s a replication: long enough to be killed in the middle
LONGER = (SMALL.replace("replications: 2", "replications: 4").replace("horizon_days: 60", "horizon_days: 600")
          .replace("per_day: 0.5", "per_day: 10").replace("count: 1}", "count: 30}"))


backend = postgres_only()


@pytest.fixture
def extra_config():
    return {"VITRINA_JOBS": "procrastinate"}


def worker(pg_schema: str, tmp_path) -> subprocess.Popen:
    env = {**os.environ, "VITRINA_INSTANCE_PATH": str(tmp_path), "VITRINA_SECRET_KEY": "test",
           # The tests' schema rides in the URL, as any libpq option may.
           "VITRINA_DATABASE_URL": f"{PG_URL}?options=-csearch_path%3D{pg_schema}",
           "VITRINA_JOBS_STALLED_SECONDS": "2", "VITRINA_JOBS_RECOVERY_CRON": "* * * * * */1"}
    return subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "worker", "--concurrency", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.expire_all()
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_run_leaves_the_job_to_another_which_completes_it_once(app, client, analyst,  # noqa: F811
                                                                                   pg_schema, tmp_path):
    fresh_job_queue()
    login(client, analyst.email)
    assert client.post("/simulation/yaml", data={"params": LONGER}).status_code == 303
    run_id = db.session.scalar(select(SimulationRun.id))
    first = worker(pg_schema, tmp_path)
    second = None
    try:
        assert until(lambda: db.session.get(SimulationRun, run_id).done >= 1
                     or db.session.get(SimulationRun, run_id).state != SimulationState.RUNNING, 60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert db.session.get(SimulationRun, run_id).state == SimulationState.RUNNING
        second = worker(pg_schema, tmp_path)
        assert until(lambda: db.session.get(SimulationRun, run_id).state != SimulationState.RUNNING, 120)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
    run = db.session.get(SimulationRun, run_id)
    assert run.state == SimulationState.DONE and run.done == run.total == 4
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == f"simulation_run:{run_id}"))
    assert (job.state, job.attempts, job.completions) == ("done", 2, 1)
