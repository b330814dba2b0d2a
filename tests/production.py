"""A production-like installation for the multi-process tests: a throw-away PostgreSQL database,
web processes (``vitrina serve``) and workers (``vitrina worker``) as real processes on loopback,
and API clients that drive applications through the first steps of table 5.9.

Everything is bounded: every process is killed on teardown, every wait has a deadline.
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("VITRINA_TEST_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
SECRET = "production-test-" + "k" * 48
VITRINA = [sys.executable, "-c", "from app.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def valid_inn(seed: int) -> str:
    """A 10-digit INN of a company with a right check digit (Moscow's 77 prefix)."""
    digits = [7, 7] + [int(c) for c in f"{seed:07d}"]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return "".join(map(str, digits)) + str(sum(d * w for d, w in zip(digits, weights)) % 11 % 10)


@dataclass
class Database:
    name: str
    url: str

    @classmethod
    def create(cls) -> "Database":
        name = f"vitrina_prod_{uuid.uuid4().hex[:8]}"
        with create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return cls(name, f"{PG_SERVER}/{name}")

    def drop(self) -> None:
        engine = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


@dataclass
class Installation:
    """The processes of one installation, all sharing its database and instance folder."""
    database: Database
    instance: Path
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def env(self) -> dict:
        return {**os.environ, "VITRINA_DATABASE_URL": self.database.url, "VITRINA_INSTANCE_PATH": str(self.instance),
                "VITRINA_SECRET_KEY": SECRET, "VITRINA_LOG_FORMAT": "text", "PYTHONUNBUFFERED": "1"}

    def vitrina(self, *args: str, timeout: float = 120, env: dict | None = None) -> str:
        done = subprocess.run([*VITRINA, *args], cwd=ROOT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"vitrina {' '.join(args)}: {done.stderr[-2000:]}"
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")
        process = subprocess.Popen([*VITRINA, *args], cwd=ROOT, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def start_web(self, name: str) -> int:
        port = free_port()
        self.ports[name] = port
        self.start(name, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8")
        return port

    def start_worker(self, name: str, **env: str) -> subprocess.Popen:
        """``vitrina worker`` with quick stalled-job recovery; ``env`` adds settings (a clock shift)."""
        settings = {"VITRINA_JOBS_STALLED_SECONDS": "2", "VITRINA_JOBS_RECOVERY_CRON": "* * * * * */1",
                    "VITRINA_JOBS_DELIVERY_CRON": "* * * * * */1", **env}
        log = open(self.log_dir / f"{name}.log", "w")
        process = subprocess.Popen([*VITRINA, "worker", "--concurrency", "2"], cwd=ROOT, env={**self.env, **settings},
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def wait_ready(self, name: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited: {self.log(name)[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[name]}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise AssertionError(f"{name} not ready in {seconds} s: {self.log(name)[-3000:]}")

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def live_ports(self) -> list[int]:
        return [self.ports[n] for n in self.ports if self.processes[n].poll() is None]

    def assert_running(self, *names: str) -> None:
        for name in names:
            assert self.processes[name].poll() is None, f"{name} exited: {self.log(name)[-3000:]}"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def until(predicate, seconds: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class Refused(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status, self.body = status, body


@dataclass
class Api:
    """A JSON client that sends each request to one of the live web processes, and counts answers."""
    installation: Installation
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, token: str, method: str, path: str, body: dict | None = None, *, retry: bool = True):
        for attempt in range(6):
            port = random.choice(self.installation.live_ports())
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1{path}", method=method,
                data=None if body is None else json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    self._count(answer.status)
                    return json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as exc:
                self._count(exc.code)
                raise Refused(exc.code, exc.read().decode(errors="replace")) from None
            except (ConnectionError, urllib.error.URLError, TimeoutError, OSError):
                # The process died under the request (the kill -9 test): what it did is either
                # committed or not at all; the caller's retry finds out which.
                self._count("connection lost")
                if not retry or attempt == 5:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def _count(self, status) -> None:
        with self.lock:
            self.statuses[status] += 1
