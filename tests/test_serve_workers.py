"""`vitrina serve --workers 2` on PostgreSQL as production runs it: real processes on loopback."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, PG_URL, ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif("postgres" not in BACKENDS, reason="no PostgreSQL on 127.0.0.1:5432")]
VITRINA = [sys.executable, "-c", "from app.cli import main; main()"]


@pytest.fixture
def pg_env(tmp_path):
    """The environment of a Vitrina installation on a throw-away PostgreSQL schema, set up."""
    schema = f"vitrina_serve_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    env = {**os.environ, "VITRINA_DATABASE_URL": f"{PG_URL}?options=-csearch_path%3D{schema}",
           "VITRINA_INSTANCE_PATH": str(tmp_path), "VITRINA_SECRET_KEY": "serve-test-" + uuid.uuid4().hex}
    subprocess.run([*VITRINA, "setup", "--no-demo"], cwd=ROOT, env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    yield env
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _wait_for(what, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := what()):
            return found
        time.sleep(0.2)
    raise AssertionError(message)


def test_two_web_processes_serve_one_port_sum_their_metrics_survive_a_kill_and_stop_on_sigterm(pg_env, tmp_path):
    out, err = open(tmp_path / "serve.out", "w+"), open(tmp_path / "serve.err", "w+")
    # Port 0: the supervisor binds a free loopback port and prints it.
    server = subprocess.Popen([*VITRINA, "serve", "--workers", "2", "--port", "0", "--threads", "4"], cwd=ROOT,
                              env=pg_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    try:
        address = _wait_for(lambda: re.search(r"http://127\.0\.0\.1:(\d+)/", Path(out.name).read_text()), 30,
                            "serve printed no address")
        base = f"http://127.0.0.1:{address.group(1)}"

        def ready():
            try:
                return _get(f"{base}/readyz")[0] == 200
            except OSError:
                return False
        _wait_for(ready, 60, "never ready")
        assert len(_children(server.pid)) == 2
        for _ in range(20):
            status, body = _get(f"{base}/healthz")
            assert status == 200 and json.loads(body) == {"status": "ok"}
        # Whichever process answers the scrape, it sums what both served.
        for _ in range(3):
            status, body = _get(f"{base}/metrics")
            assert status == 200
            count = re.search(rb'vitrina_request_duration_seconds_count\{endpoint="health\.healthz",method="GET",'
                              rb'status="200"\} (\S+)', body)
            assert count and float(count.group(1)) == 20.0
        # A web process killed outright is replaced, and what it had counted stays in the sums.
        killed = next(pid for pid in _children(server.pid)
                      if Path(f"/proc/{pid}/cmdline").read_bytes().endswith(b"--process-index\x001\x00"))
        os.kill(killed, signal.SIGKILL)
        _wait_for(lambda: len(set(_children(server.pid)) - {killed}) == 2, 30, "the killed process was not replaced")
        _wait_for(ready, 60, "not ready after the restart")
        status, body = _get(f"{base}/metrics")
        assert float(re.search(rb'vitrina_request_duration_seconds_count\{endpoint="health\.healthz",method="GET",'
                               rb'status="200"\} (\S+)', body).group(1)) == 20.0
        children = _children(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()
                    and "zombie" not in Path(f"/proc/{pid}/status").read_text()]
        # On PostgreSQL the web processes run no background work: `vitrina worker` does (app/jobs/).
        assert Path(err.name).read_text().count("Scheduler started") == 0
    finally:
        if server.poll() is None:
            for pid in _children(server.pid):
                os.kill(pid, signal.SIGKILL)
            server.kill()
            server.wait(timeout=10)
        out.close(), err.close()
