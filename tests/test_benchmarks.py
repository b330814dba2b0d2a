"""Every benchmark of scripts/bench runs in its --smoke size and prints its figures.

Timings are not asserted (they depend on the machine and its load): a bench that no longer runs,
walks a different path or stops printing a figure fails here. Each runs as its own process, as a
person runs it, and must leave no worker process behind (the engine's workers are started on first
use and closed at exit).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"\d+(?:[.,]\d+)*"

FIGURES = {
    "engine": [
        r"same final state on every side: .+ / .+",
        *[rf"^{re.escape(label)}\s+{NUMBER}\s+{NUMBER}$" for label in (
            "start, raw SpiffWorkflow", "start, Vitrina engine in memory", "start, persisted SQLite (isolated)",
            "start, persisted SQLite (in-process)", "completion, raw SpiffWorkflow",
            "completion, Vitrina engine in memory", "completion, persisted SQLite (isolated)",
            "completion, persisted SQLite (in-process)")],
        rf"^ratio completion p50 / raw: engine in memory {NUMBER}x; persisted isolated {NUMBER}x; "
        rf"persisted in-process {NUMBER}x",
        rf"^stored state per finished instance: {NUMBER} KiB .+ full serialization with spec: {NUMBER} KiB",
        *[rf"^  loops\s+{n}, persisted SQLite \({side}\): completion\s+{NUMBER} ms, .*stored\s+{NUMBER} bytes$"
          for n in (1, 3) for side in ("isolated", "in-process")],
        rf"^  loops 3 / 1 \(isolated\): completion {NUMBER}x, stored {NUMBER}x",
    ],
    "tasklist": [
        rf"^database: {NUMBER} applications in 85 regions",
        rf"^ЦПЭ user of region 77: {NUMBER} open ЦПЭ tasks",
        rf"^ЦПЭ user of region 50: {NUMBER} open ЦПЭ tasks",
        *[rf"^{re.escape(label)}\s+{NUMBER}\s+{NUMBER}\s+≤ \d+ ms" for label in (
            "GET /tasks (default section)", "GET /tasks?section=available", "GET /tasks?section=overdue",
            "GET /applications/<id> (card)", "GET /tasks (default section) [region 50]",
            "GET /applications/<id> (card) [region 50]", "POST /tasks/<id> (complete; 3 real)")],
    ],
    "timers": [
        rf"^  5 timers: p50 {NUMBER} ms, p99 {NUMBER} ms",
        rf"^  swept {NUMBER} due timers in {NUMBER} s: .+ошибок: 0",
        rf"^  deadline timers: {NUMBER}/s overall",
        rf"^  per-timer cost at {NUMBER} / at {NUMBER}: {NUMBER}x",
    ],
    "throughput": [
        rf"^cores: {NUMBER} \(os\.cpu_count\(\)\)",
        *[rf"^web processes {n}: {NUMBER} apps/s \({NUMBER} s\), completion p50 {NUMBER} ms, p95 {NUMBER} ms, "
          rf"failed requests 0$" for n in (1, 2)],
        rf"^ratio 2/1 {NUMBER}x",
    ],
    "simulation": [
        rf"^\s*1000 cases \(arrived {NUMBER}\): {NUMBER} s wall, {NUMBER} s CPU, peak RSS {NUMBER} MB",
    ],
}


def _processes_with(token: str) -> list[str]:
    """Processes still running with ``token`` in their environment (inherited from the bench)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if token.encode() in (entry / "environ").read_bytes():
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{entry.name}: {cmdline}")
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("bench", sorted(FIGURES))
def test_bench_smoke_prints_its_figures(bench):
    if bench == "throughput" and "postgres" not in BACKENDS:
        pytest.skip("the throughput bench runs on PostgreSQL, and none answers on 127.0.0.1:5432")
    token = f"vitrina-bench-{uuid.uuid4().hex}"
    env = {**os.environ, "VITRINA_BENCH_RUN": token}
    env.pop("VITRINA_DATABASE_URL", None)  # the benches build their own databases
    # Output to files, not pipes: a worker left behind would hold a pipe open and hang the test.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.run([sys.executable, f"scripts/bench/{bench}.py", "--smoke"], cwd=ROOT, env=env,
                              stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=240)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    assert proc.returncode == 0, f"scripts/bench/{bench}.py --smoke exited {proc.returncode}:\n{stdout}\n{stderr[-4000:]}"
    missing = [pattern for pattern in FIGURES[bench] if not re.search(pattern, stdout, re.MULTILINE)]
    assert not missing, f"scripts/bench/{bench}.py --smoke did not print:\n" + "\n".join(missing) + f"\n---\n{stdout}"
    assert not _processes_with(token), f"left running: {_processes_with(token)}"
