#!/usr/bin/env python
"""Engine benchmark on the main model.

Prints, for the happy path of `marketplace_support`:
- instance start and task completion time including persistence on SQLite (p50, p90);
- the same steps in raw SpiffWorkflow in memory (no Vitrina, no database);
- their ratio, and the stored bytes per instance against the engine's own full serialization.

Target (issue 2): persisted completion within 3x the raw engine step and under 10 ms p50;
storage per instance well under the engine's full serialization with spec.

    .venv/bin/python scripts/bench/engine.py [--instances 30]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402  (the raw engine, for comparison only)
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from app import create_app  # noqa: E402
from app.calendar import WorkingCalendar  # noqa: E402
from app.clock import VirtualClock  # noqa: E402
from app.config import DEFAULT_CLIENT_WAITS  # noqa: E402
from app.demo.samples import sample  # noqa: E402
from app.engine.functions import ClientWaits, model_functions  # noqa: E402
from app.engine.serializer import full_size  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import OpenTask, ProcessInstance  # noqa: E402
from app.workflow.deployments import deploy_bundle, read_bundle  # noqa: E402
from app.workflow.instances import complete_task, start_process  # noqa: E402
from sqlalchemy import select  # noqa: E402

PROCESS = "marketplace_support"
START = datetime(2025, 10, 31, 7, 0, tzinfo=timezone.utc)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


def persisted(n: int):
    starts, completions, sizes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "VITRINA_CLOCK": VirtualClock(START)})
        with app.app_context():
            db.create_all()
            deploy_bundle(read_bundle(ROOT / "bpmn"), actor="bench")
            for i in range(n):
                t0 = time.perf_counter()
                instance = start_process(PROCESS, actor="bench", region="77", company_name="ООО «Бенч»",
                                         company_inn="7707083893")
                starts.append(time.perf_counter() - t0)
                while True:
                    task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id)
                                             .order_by(OpenTask.id).limit(1))
                    if task is None:
                        break
                    data = sample(task.form) if task.form else {}
                    t0 = time.perf_counter()
                    complete_task(instance.id, task.task_id, data, actor="bench")
                    completions.append(time.perf_counter() - t0)
                sizes.append(len(db.session.get(ProcessInstance, instance.id).engine_state))
            db.session.remove()
            db.engine.dispose()
    return starts, completions, sizes


def raw(n: int):
    parser = SpiffBpmnParser(validator=BpmnValidator())
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        parser.add_bpmn_file(str(path))
    spec, subprocess_specs = parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)
    clock = VirtualClock(START)
    functions = model_functions(clock, WorkingCalendar(), ClientWaits(DEFAULT_CLIENT_WAITS))
    script_engine = PythonScriptEngine(environment=TaskDataEnvironment(functions))
    starts, completions, full = [], [], []
    for _ in range(n):
        t0 = time.perf_counter()
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        wf.task_tree.data.update({"application_id": 1, "region": "77", "company_name": "ООО «Бенч»",
                                  "company_inn": "7707083893"})
        for child in wf.task_tree.children:
            child.data.update(wf.task_tree.data)
        wf.do_engine_steps()
        starts.append(time.perf_counter() - t0)
        while True:
            tasks = wf.get_tasks(state=TaskState.READY, manual=True)
            if not tasks:
                break
            task = tasks[0]
            form = (task.task_spec.extensions.get("properties") or {}).get("form")
            t0 = time.perf_counter()
            task.data.update(sample(form) if form else {})
            task.run()
            wf.do_engine_steps()
            completions.append(time.perf_counter() - t0)
        full.append(full_size(wf))
    return starts, completions, full


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=30)
    args = parser.parse_args()
    raw(2)  # warm-up: imports, parser, calendar years
    r_start, r_done, r_full = raw(args.instances)
    p_start, p_done, p_size = persisted(args.instances)
    print(f"main model `{PROCESS}`, {args.instances} instances along the happy path, "
          f"{len(p_done) // args.instances} completions each")
    print(f"{'':34}{'p50 ms':>9}{'p90 ms':>9}")
    print(f"{'start, persisted (SQLite)':34}{pct(p_start, 50):9.2f}{pct(p_start, 90):9.2f}")
    print(f"{'start, raw SpiffWorkflow':34}{pct(r_start, 50):9.2f}{pct(r_start, 90):9.2f}")
    print(f"{'completion, persisted (SQLite)':34}{pct(p_done, 50):9.2f}{pct(p_done, 90):9.2f}")
    print(f"{'completion, raw SpiffWorkflow':34}{pct(r_done, 50):9.2f}{pct(r_done, 90):9.2f}")
    print(f"ratio persisted/raw completion p50: {pct(p_done, 50) / pct(r_done, 50):.2f}x (target <= 3x, < 10 ms)")
    print(f"stored state per finished instance: {statistics.mean(p_size) / 1024:.1f} KiB; "
          f"engine's full serialization with spec: {statistics.mean(r_full) / 1024:.1f} KiB "
          f"({statistics.mean(p_size) / statistics.mean(r_full):.1%})")


if __name__ == "__main__":
    main()
