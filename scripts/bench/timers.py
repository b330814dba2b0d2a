#!/usr/bin/env python
"""Timer benchmark.

1. Fire latency with the real scheduler and the real clock: instances of a small model whose
   deadline is 2 s after start are started every 50 ms; how late after its due time is each
   breach recorded (p50, p99)?
2. Sweep of 10,000 deadline timers due at once (5,000 applications of the main model waiting
   at step 2, two deadlines each, with real users to notify), and of 500 client waits that run
   the engine (refusal path).

3. The sweep's cost per timer at 1,000 and at 30,000 due timers (a linear sweep keeps it flat).

Targets: p99 <= 1 s late; 10,000 timers swept in <= 10 s (issue 3); 30,000 in <= 15 s with the
per-timer cost within 1.2x of the 1,000-timer run (issue 13).

    .venv/bin/python scripts/bench/timers.py [--latency-instances 60] [--applications 5000] [--client-waits 500]
    .venv/bin/python scripts/bench/timers.py --smoke   # a few seconds: 5 latency instances, 200 + 10 applications
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import create_user  # noqa: E402
from app.clock import VirtualClock  # noqa: E402
from app.deadlines.alarm import Alarm  # noqa: E402
from app.deadlines.sweep import fire_due_timers  # noqa: E402
from app.demo.samples import sample  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Breach, Notification, OpenTask, ProcessInstance, Timer  # noqa: E402
from app.workflow.deployments import deploy_bundle, read_bundle  # noqa: E402
from app.workflow.instances import complete_task, start_process  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

QUICK = ROOT / "tests" / "fixtures" / "quick"


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def latency(n: int, tmp: str) -> list[float]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/latency.sqlite3"})
    with app.app_context():
        db.create_all()
        deploy_bundle(read_bundle(QUICK), actor="bench")
        alarm = Alarm(app, safety_seconds=3600)
        alarm.start()
        try:
            for _ in range(n):
                start_process("quick", actor="bench", region="77")
                time.sleep(0.05)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                db.session.rollback()
                if db.session.scalar(select(func.count()).select_from(Breach)) >= n:
                    break
                time.sleep(0.1)
            rows = db.session.scalars(select(Breach)).all()
        finally:
            alarm.shutdown()
        if len(rows) < n:
            print(f"  only {len(rows)} of {n} timers fired within 10 s")
        return [(b.breached_at - b.due_at).total_seconds() for b in rows]


def clone(instance_id: int, copies: int) -> None:
    """Copy one real application (state, open task, timers) ``copies`` times with new ids."""
    source = db.session.get(ProcessInstance, instance_id)
    tasks = db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)).all()
    timers = db.session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all()
    columns = [c.key for c in ProcessInstance.__table__.columns if c.key != "id"]
    base = {c: getattr(source, c) for c in columns}
    next_id = db.session.scalar(select(func.max(ProcessInstance.id))) + 1
    for chunk in range(0, copies, 500):
        ids = list(range(next_id + chunk, next_id + min(chunk + 500, copies)))
        db.session.execute(insert(ProcessInstance), [{**base, "id": i} for i in ids])
        db.session.execute(insert(OpenTask), [
            {**{c.key: getattr(t, c.key) for c in OpenTask.__table__.columns if c.key != "id"},
             "instance_id": i, "task_id": f"{t.task_id[:24]}{i:012d}"} for i in ids for t in tasks])
        db.session.execute(insert(Timer), [
            {**{c.key: getattr(t, c.key) for c in Timer.__table__.columns if c.key != "id"},
             "instance_id": i, "task_id": f"{t.task_id[:24]}{i:012d}",
             "attached_task_id": f"{t.attached_task_id[:24]}{i:012d}" if t.attached_task_id else None}
            for i in ids for t in timers])
    db.session.commit()


def sweep(applications: int, client_waits: int, tmp: str, quiet: bool = False) -> tuple[int, float]:
    """Sweep the due timers of ``applications`` at step 2 and ``client_waits`` in a wait; (due, seconds)."""
    clock = VirtualClock(datetime(2025, 10, 31, 7, 0, tzinfo=timezone.utc))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/sweep-{applications}.sqlite3",
                      "VITRINA_CLOCK": clock})
    app.instance_path = tmp
    with app.app_context():
        db.create_all()
        deploy_bundle(read_bundle(ROOT / "bpmn"), actor="bench")
        for email, roles, region in [("cpe1@b.ru", ["cpe"], "77"), ("cpe2@b.ru", ["cpe"], "77"),
                                     ("head@b.ru", ["cpe", "manager"], "77"), ("mo@b.ru", ["mo_rec"], None),
                                     ("head.mo@b.ru", ["mo_rec", "manager"], None)]:
            create_user(email, email, "benchmark-42", roles, region=region)

        def application(remarks: bool) -> int:
            instance = start_process("marketplace_support", actor="bench", region="77", company_name="ООО «Бенч»",
                                     company_inn="7707083893")
            for name, data in [("Подача Заявки", sample("application_questionnaire"))] + (
                    [("Проверка Заявки в ЦПЭ", sample("application_check", decision="remarks", comment="x"))]
                    if remarks else []):
                task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id,
                                                                OpenTask.name == name))
                complete_task(instance.id, task.task_id, data, actor="bench")
            return instance.id

        t0 = time.perf_counter()
        clone(application(remarks=False), applications - 1)
        waits = [application(remarks=True) for _ in range(client_waits)]
        if not quiet:
            print(f"  set-up: {applications} applications at step 2 and {len(waits)} in a client wait, "
                  f"{time.perf_counter() - t0:.1f} s")
        clock.advance(timedelta(days=60))
        due = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at < clock.now()))
        t0 = time.perf_counter()
        report = fire_due_timers(clock.now())
        elapsed = time.perf_counter() - t0
        notes = db.session.scalar(select(func.count()).select_from(Notification))
        if not quiet:
            print(f"  swept {due} due timers in {elapsed:.2f} s: {report}; notifications written: {notes}")
            print(f"  deadline timers: {report.signals / max(elapsed, 1e-9):.0f}/s overall "
                  f"(target: 10,000 in <= 10 s)")
        return due, elapsed


def scaling(sizes: list[int], tmp: str) -> None:
    """The sweep's cost per timer at growing sizes: a linear sweep keeps it flat."""
    results = []
    for timers in sizes:
        due, elapsed = sweep(max(timers // 2, 1), 0, tmp, quiet=True)
        results.append((due, elapsed))
        print(f"  {due:>6} due timers swept in {elapsed:6.2f} s: {elapsed / max(due, 1) * 1000:.3f} ms per timer")
    (small, small_s), (large, large_s) = results[0], results[-1]
    ratio = (large_s / max(large, 1)) / (small_s / max(small, 1))
    print(f"  per-timer cost at {large} / at {small}: {ratio:.2f}x (target: <= 1.2x; "
          f"{large} timers in <= 15 s: {'met' if large_s <= 15 else 'MISSED'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-instances", type=int, default=60)
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--client-waits", type=int, default=500)
    parser.add_argument("--scaling", default="1000,30000", help="timer counts of the per-timer cost comparison")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: the same figures on a small load")
    args = parser.parse_args()
    if args.smoke:
        args.latency_instances, args.applications, args.client_waits, args.scaling = 5, 200, 10, "200,600"
    with tempfile.TemporaryDirectory() as tmp:
        print("fire latency with the real scheduler (timer due 2 s after start):")
        lates = latency(args.latency_instances, tmp)
        if lates:
            print(f"  {len(lates)} timers: p50 {statistics.median(lates) * 1000:.0f} ms, "
                  f"p99 {pct(lates, 99) * 1000:.0f} ms, max {max(lates) * 1000:.0f} ms late (target p99 <= 1 s)")
        print("sweep of timers due at once:")
        sweep(args.applications, args.client_waits, tmp)
        print("sweep cost per timer as the number of due timers grows:")
        scaling([int(n) for n in args.scaling.split(",")], tmp)


if __name__ == "__main__":
    main()
