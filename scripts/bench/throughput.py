#!/usr/bin/env python
"""Throughput benchmark: applications per second end to end, 1, 2 and 4 web processes on PostgreSQL.

Sets up a throw-away PostgreSQL schema as `vitrina setup --no-demo` does (migrations, the model of
bpmn/) plus the demo accounts, and gives the demo users client77@demo.ru, cpe77@demo.ru and
mo@demo.ru API tokens, as `vitrina users token` would. Then for each number of web processes it
starts `vitrina serve --workers N` on a free loopback port (one process for N = 1, the supervisor
and N processes otherwise), waits for /readyz, and drives the same load through the REST API:
K concurrent clients, each filing applications and taking every one through the first steps as
their participants do — the client files (POST /api/v1/applications) and sends the questionnaire
(step 1), the region's ЦПЭ approves it (step 2), МО РЭЦ approves it (step 3) — each actor first
reading the application (GET /api/v1/applications/<id>) for its task, so 8 requests, 4 of them
writes, per application. Every run does the same: a warm-up of one application per client (each
process parses the model and starts its model-code workers), then ``--applications`` measured ones.

Each request opens its own connection (``Connection: close``), as a balancer without upstream
keep-alive does: a kept-alive connection would tie a client to the process that accepted it, and
the kernel would spread K connections over the processes unevenly for the whole run.

It prints, per run, applications per second (measured applications over the run's wall time),
completion latency p50/p95 (the POST …/complete calls), requests that did not succeed (must be 0),
the machine's cores and the ratios 2/1 and 4/1. Target (issue 13): 4 processes ≥ 2.5× one process
on a machine with enough cores, ≥ 1.6× on 2 cores. The client threads run on the same machine and
take their share of its cores.

    .venv/bin/python scripts/bench/throughput.py [--clients 8] [--applications 160] [--processes 1,2,4]
                                                 [--postgres URL] [--smoke]

``--smoke`` runs 1 and 2 processes (one model-code worker each) with 2 clients and 4 applications,
to show that the bench works (a third of a minute, most of it starting processes); its figures mean little.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

VITRINA = [sys.executable, "-c", "from app.cli import main; main()"]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ACTORS = {"client": "client77@demo.ru", "cpe": "cpe77@demo.ru", "mo": "mo@demo.ru"}
# Who does each step after filing, and what they send besides the form's sample answer.
STEPS = (("client", {}), ("cpe", {"decision": "approve"}), ("mo", {"decision": "approve"}))
FINAL_STATUS = "Ожидание документов от Клиента"


class RequestFailed(RuntimeError):
    pass


@contextmanager
def schema(url: str):
    from sqlalchemy import create_engine, text
    name = f"vitrina_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def prepare(env: dict) -> dict[str, str]:
    """Migrate and deploy (`vitrina setup --no-demo`), create the demo accounts; a token per actor."""
    subprocess.run([*VITRINA, "setup", "--no-demo"], cwd=ROOT, env=env, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    os.environ.update(env)
    from app import create_app
    from app.api import tokens
    from app.demo.seed import seed_demo_users
    from app.extensions import db
    from app.models import User
    app = create_app()
    with app.app_context():
        seed_demo_users()
        issued = {actor: tokens.issue(db.session.query(User).filter_by(email=email).one(), "бенчмарк")[1]
                  for actor, email in ACTORS.items()}
        db.session.remove()
        db.engine.dispose()
    return issued


class Server:
    """`vitrina serve --workers N` on a free loopback port, stopped with SIGTERM."""

    def __init__(self, workers: int, env: dict, log_dir: str):
        self.out = open(Path(log_dir) / f"serve-{workers}.out", "w+")
        self.err = open(Path(log_dir) / f"serve-{workers}.err", "w+")
        self.process = subprocess.Popen([*VITRINA, "serve", "--workers", str(workers), "--port", "0"], cwd=ROOT,
                                        env=env, stdout=self.out, stderr=self.err, stdin=subprocess.DEVNULL)
        try:
            self.port = self._wait_for_port()
            self._wait_ready()
        except BaseException:
            self.stop()  # a server that never got ready is not left behind
            raise

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {Path(self.err.name).read_text()[-2000:]}")
            text = Path(self.out.name).read_text() + Path(self.err.name).read_text()
            if found := re.search(r"Витрина: http://127\.0\.0\.1:(\d+)/", text):
                return int(found.group(1))
            time.sleep(0.1)
        raise RuntimeError("serve printed no address")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("never ready")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close(), self.err.close()


def request(port: int, method: str, path: str, token: str | None = None, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Connection": "close", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """One client system: files applications and takes each through steps 1–3 via the API."""

    def __init__(self, port: int, tokens: dict[str, str], samples: dict):
        self.port, self.tokens, self.samples = port, tokens, samples
        self.completions: list[float] = []

    def call(self, actor: str, method: str, path: str, body: dict | None = None) -> dict:
        status, data = request(self.port, method, path, self.tokens[actor], body)
        if status not in (200, 201):
            raise RequestFailed(f"{method} {path} as {actor}: {status} {data[:300]!r}")
        return json.loads(data)

    def application(self) -> None:
        application_id = self.call("client", "POST", "/api/v1/applications")["id"]
        for actor, changes in STEPS:
            tasks = self.call(actor, "GET", f"/api/v1/applications/{application_id}")["tasks"]
            task = next(t for t in tasks if t["role"] == {"client": "client", "cpe": "cpe", "mo": "mo_rec"}[actor])
            t0 = time.perf_counter()
            answer = self.call(actor, "POST", f"/api/v1/tasks/{task['id']}/complete",
                               {"data": {**self.samples[task["form"]], **changes}})
            self.completions.append(time.perf_counter() - t0)
        if answer["application_status"] != FINAL_STATUS:
            raise RequestFailed(f"application {application_id} ended at {answer['application_status']!r}")


def load(port: int, tokens: dict, samples: dict, clients: int, applications: int) -> dict:
    """``applications`` spread over ``clients`` threads; wall time, completion latencies, failures."""
    workers = [Client(port, tokens, samples) for _ in range(clients)]
    remaining = iter(range(applications))
    lock, failures = threading.Lock(), []

    def drive(client: Client) -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            try:
                client.application()
            except (RequestFailed, OSError) as exc:
                with lock:
                    failures.append(str(exc))
    threads = [threading.Thread(target=drive, args=(c,)) for c in workers]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"wall": wall, "completions": [s for c in workers for s in c.completions], "failures": failures}


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and every process under it: the web processes and their
    model-code workers, so a run's CPU per application can be compared whatever else loads the machine."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(tree_cpu_seconds(int(child)) for child in children)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all cores from /proc/stat: how busy the whole machine was."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def samples_of_forms() -> dict:
    from app.demo.samples import forms_with_samples, sample
    return {form: sample(form) for form in forms_with_samples()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (K)")
    parser.add_argument("--applications", type=int, default=160, help="measured applications per run")
    parser.add_argument("--processes", default="1,2,4", help="numbers of web processes, one run each")
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_PG, help="database for the throw-away schema")
    parser.add_argument("--smoke", action="store_true", help="2 clients, 4 applications per run")
    args = parser.parse_args()
    args.warmup = 2 * args.clients
    if args.smoke:
        args.clients, args.applications, args.warmup, args.processes = 2, 4, 1, "1,2"
    counts = [int(n) for n in args.processes.split(",")]
    counts = [*([1] if 1 not in counts else []), *counts]  # the ratios are to one process
    samples = samples_of_forms()

    with tempfile.TemporaryDirectory() as tmp, schema(args.postgres) as name:
        env = {**os.environ, "VITRINA_DATABASE_URL": f"{args.postgres}?options=-csearch_path%3D{name}",
               "VITRINA_INSTANCE_PATH": tmp, "VITRINA_SECRET_KEY": "bench-" + uuid.uuid4().hex,
               "VITRINA_LOG_FORMAT": "json"}  # the same logging in every run
        if args.smoke:  # one model-code worker per web process: a fraction of the start-up time
            env["VITRINA_ENGINE_WORKERS"] = "1"
        t0 = time.perf_counter()
        tokens = prepare(env)
        print(f"cores: {os.cpu_count()} (os.cpu_count()); PostgreSQL schema set up in {time.perf_counter() - t0:.1f} s")
        print(f"load: {args.clients} concurrent clients, {args.applications} applications per run after a warm-up "
              f"of {args.warmup} per web process; each filed and taken through steps 1, 2, 3 (8 requests, 4 writes)")
        results = {}
        for workers in counts:
            t_start = time.perf_counter()
            server = Server(workers, env, tmp)
            try:
                t_warm = time.perf_counter()
                # Warm-up, not counted: every process parses the model and starts its model-code
                # workers on its first applications; 2 per client and process reach each of them.
                load(server.port, tokens, samples, args.clients, args.warmup * workers)
                t_run, cpu, machine = time.perf_counter(), tree_cpu_seconds(server.process.pid), machine_cpu()
                run = load(server.port, tokens, samples, args.clients, args.applications)
                cpu = tree_cpu_seconds(server.process.pid) - cpu
                busy = (machine_cpu()[0] - machine[0]) / max(machine_cpu()[1] - machine[1], 1)
            finally:
                t_stop = time.perf_counter()
                server.stop()
            print(f"  start {t_warm - t_start:.1f} s, warm-up {t_run - t_warm:.1f} s, "
                  f"stop {time.perf_counter() - t_stop:.1f} s", file=sys.stderr)
            rate = args.applications / run["wall"]
            results[workers] = rate
            done = run["completions"]
            print(f"web processes {workers}: {rate:.2f} apps/s ({run['wall']:.1f} s), completion "
                  f"p50 {percentile(done, 0.5) * 1000:.1f} ms, p95 {percentile(done, 0.95) * 1000:.1f} ms, "
                  f"failed requests {len(run['failures'])}")
            print(f"  web processes' CPU {cpu / args.applications * 1000:.0f} ms per application, "
                  f"{cpu / run['wall']:.2f} cores; the machine's cores {busy:.0%} busy during the run "
                  f"(load average {os.getloadavg()[0]:.1f} at its end)")
            for failure in run["failures"][:3]:
                print(f"  failed: {failure}")
        ratios = [f"{n}/1 {results[n] / results[1]:.2f}x" for n in counts if n != 1 and 1 in results]
        if ratios:
            print(f"ratio {'; '.join(ratios)} (target 4/1: ≥ 2.5x with enough cores, ≥ 1.6x on 2 cores)")


if __name__ == "__main__":
    main()
