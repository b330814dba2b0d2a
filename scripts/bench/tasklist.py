#!/usr/bin/env python
"""Task-list benchmark: the pages of a ЦПЭ user over 100,000 applications.

Fills a temporary SQLite database with applications over 85 regions ("01".."85"): a few real
ones are driven along the regulation with the service layer to every stopping point of the main
process (each step of the happy path, the remarks loop, a refusal, the report wait), then each is
cloned with Core bulk inserts of its process_instances, open_tasks, timers and audit_events rows,
with its own company, region, dates, deadlines and assignees. Region 77 is the largest, so that
its ЦПЭ has about 1,200 open tasks; a few of them are the user's own, a share is claimed by
colleagues, about a tenth are overdue.

Then, logged in as that ЦПЭ user through the Flask test client, it measures the server time
(the WSGI call, response body included) of:
- GET /tasks — the default section, «Доступные» and «Просроченные», «Доступные» sorted by received
  and searched by a company's name;
- GET /applications/<id> — the card of applications of the region;
- POST /tasks/<id> — completing steps 2, 4 and 5 of real (not cloned) applications with valid
  form data, as the browser posts them (CSRF token included).

With ``--large-region`` a second region (50) holds 12,000 open ЦПЭ tasks among the same total of
applications, and the list and the card are measured for its ЦПЭ user as well (issue 13: region
pages should grow with the region's open work, target ≤ 30 ms p50, not asserted).

Targets (issue 4): ≤ 50 ms p50 for the list and the card; ≤ 15 ms p50 for a completion on SQLite.

    .venv/bin/python scripts/bench/tasklist.py [--applications 100000] [--requests 60] [--completions 45]
                                               [--large-region] [--smoke]

``--smoke`` is a few seconds' run of the same measurements on 1,500 applications (regions of 60
and, large, 300 open ЦПЭ tasks): it checks that the bench works, its figures mean little.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import create_user  # noqa: E402
from app.demo.samples import sample  # noqa: E402
from app.demo.seed import seed_demo_operators  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent, OpenTask, ProcessInstance, Timer  # noqa: E402
from app.roles import Role  # noqa: E402
from app.workflow.deployments import deploy_bundle, read_bundle  # noqa: E402
from app.workflow.instances import complete_task, start_process  # noqa: E402
from app.workflow.runtime import runtime  # noqa: E402
from tests.form_posts import as_post  # noqa: E402  (form data as a browser posts it)

REGIONS = [f"{n:02d}" for n in range(1, 86)]
REGION = "77"  # the measured ЦПЭ user's region
TARGET_CPE_TASKS = 1200
USER = "cpe77@bench.ru"
LARGE_REGION = "50"  # with --large-region: a region of 12,000 open ЦПЭ tasks
LARGE_CPE_TASKS = 12_000
LARGE_USER = "cpe50@bench.ru"
PASSWORD = "benchmark-42"
CHUNK = 1000

# Stopping points of the main process: (name, the tasks completed to get there as
# (task name, changes to the form's sample data), share of the applications in %).
HAPPY = ["Подача Заявки", "Проверка Заявки в ЦПЭ", "Согласование Заявки в МО РЭЦ", "Получение оригиналов документов",
         "Проведение отбора Заявок", "Заключение Соглашения с участием ЦПЭ, Оператора и Клиента",
         "Согласование Услуги в МО РЭЦ", "Формирование детализированной Дорожной карты",
         "Согласование детализированной Дорожной карты", "Реализация Дорожной карты",
         "Завершение Заявки: загрузка подписанного Акта", "Подтверждение факта оказания услуги", "Учёт услуги в CRM"]
SHARES = [6, 14, 8, 12, 8, 8, 5, 6, 3, 8, 4, 3, 2, 5]  # at HAPPY[k] (k = 0..12), then done (13)
REMARKS = [("Подача Заявки", {}), ("Проверка Заявки в ЦПЭ", {"decision": "remarks", "comment": "Нет доверенности"})]
STOPS = [(f"шаг {k}", [(name, {}) for name in HAPPY[:k]], share) for k, share in enumerate(SHARES)] + [
    ("доработка Клиентом", REMARKS, 4),
    ("замечания МО РЭЦ (3.1)", [(name, {}) for name in HAPPY[:2]]
     + [("Согласование Заявки в МО РЭЦ", {"decision": "remarks", "comment": "Уточните ТН ВЭД"})], 2),
    ("отказ ЦПЭ", [("Подача Заявки", {}), ("Проверка Заявки в ЦПЭ", {"decision": "reject", "comment": "Не МСП"}),
                   ("Отказ в предоставлении продукта", {})], 2),
]
# Real applications of the region completed through HTTP: (stopping point, form posted).
MEASURED = [(HAPPY[:1], "application_check"), (HAPPY[:3], "originals_receipt"), (HAPPY[:4], "selection")]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


def inn10(region: str, n: int) -> str:
    """A valid 10-digit INN of an organisation of ``region``."""
    digits = [int(c) for c in f"{region}{n % 10_000_000:07d}"]
    check = sum(d * w for d, w in zip(digits, [2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def drive(path, *, region: str, inn: str, name: str) -> int:
    """A real application of ``region`` taken along ``path`` with the service layer."""
    instance = start_process("marketplace_support", actor="bench", region=region, company_name=name, company_inn=inn)
    for task_name, changes in path:
        task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id, OpenTask.name == task_name))
        assert task is not None, f"no open «{task_name}» in application {instance.id}"
        data = sample(task.form, **changes) if task.form else dict(changes)
        if task.form == "application_questionnaire":
            data.update(company_name=name, company_inn=inn)
        complete_task(instance.id, task.task_id, data, actor="bench")
    return instance.id


@dataclass
class Template:
    name: str
    instance: dict
    tasks: list[dict]
    timers: list[dict]
    audit: list[dict]
    ready: datetime  # when its (first) open task became ready: the clone's clock is set from it

    @classmethod
    def of(cls, name: str, instance_id: int) -> "Template":
        def rows(model, *where):
            return [{c.key: getattr(r, c.key) for c in model.__table__.columns if c.key != "id"}
                    for r in db.session.scalars(select(model).where(*where).order_by(model.id))]
        instance = rows(ProcessInstance, ProcessInstance.id == instance_id)[0]
        tasks = rows(OpenTask, OpenTask.instance_id == instance_id)
        ready = tasks[0]["ready_at"] if tasks else instance["updated_at"]
        return cls(name, instance, tasks, rows(Timer, Timer.instance_id == instance_id),
                   rows(AuditEvent, AuditEvent.instance_id == instance_id), ready)

    @property
    def cpe_tasks(self) -> int:
        return sum(t["role"] == Role.CPE for t in self.tasks)


def clone_all(templates: list[Template], weights: list[int], plan: list[str], first_id: int, now: datetime,
              rng: random.Random) -> None:
    """Insert one clone per entry of ``plan`` (its region), ids from ``first_id`` on."""
    colleagues = {r: [f"cpe{r}-{n}@bench.ru" for n in range(1, 5)] for r in REGIONS}
    shift_task_id = lambda tid, i: f"{tid[:24]}{i:012d}" if tid else tid  # noqa: E731
    for start in range(0, len(plan), CHUNK):
        instances, tasks, timers, audit = [], [], [], []
        for offset, region in enumerate(plan[start:start + CHUNK]):
            i = first_id + start + offset
            t = rng.choices(templates, weights)[0]
            # The task has been waiting for a while (mostly a day or two): its deadlines keep their
            # distance from its start, so about a tenth are overdue; the history is spread before it.
            ready = now - timedelta(hours=min(rng.expovariate(1 / 48), 24 * 40))
            started = ready - timedelta(days=rng.uniform(0, 2 + 6 * len(t.audit) / 4))
            delta = ready - t.ready
            moved = lambda moment: moment + delta if moment else moment  # noqa: E731
            company = start + offset
            instances.append({**t.instance, "id": i, "region": region, "company_inn": inn10(region, company),
                              "company_name": f"ООО «Экспортёр {company}»", "started_at": started,
                              "updated_at": ready, "completed_at": moved(t.instance["completed_at"])})
            for row in t.tasks:
                assignee = None
                if row["role"] == Role.CPE:
                    roll = rng.random()
                    if region in OWN and roll < 0.04:
                        assignee = OWN[region]
                    elif roll < 0.3:
                        assignee = rng.choice(colleagues[region])
                tasks.append({**row, "instance_id": i, "task_id": shift_task_id(row["task_id"], i), "region": region,
                              "ready_at": moved(row["ready_at"]), "normative_due": moved(row["normative_due"]),
                              "indicative_due": moved(row["indicative_due"]), "wait_due": moved(row["wait_due"]),
                              "assignee": assignee, "claimed_at": ready if assignee else None})
            for row in t.timers:
                timers.append({**row, "instance_id": i, "task_id": shift_task_id(row["task_id"], i),
                               "attached_task_id": shift_task_id(row["attached_task_id"], i), "region": region,
                               "due_at": moved(row["due_at"]), "created_at": moved(row["created_at"])})
            span = (ready - started) / max(len(t.audit) - 1, 1)
            for n, row in enumerate(t.audit):
                audit.append({**row, "instance_id": i, "task_id": shift_task_id(row["task_id"], i),
                              "at": started + span * n})
        # Core inserts on the tables: one executemany each (the ORM's bulk path goes row by row here).
        for model, rows in ((ProcessInstance, instances), (OpenTask, tasks), (Timer, timers), (AuditEvent, audit)):
            if rows:
                db.session.execute(insert(model.__table__), rows)
        db.session.commit()


OWN = {REGION: USER, LARGE_REGION: LARGE_USER}  # the measured users, some of whose region's tasks are theirs


def regions_plan(total: int, fixed: dict[str, int], rng: random.Random) -> list[str]:
    """The region of each clone: ``fixed[region]`` of them in each measured region, the rest spread
    over the other regions unevenly (as regions are)."""
    others = [r for r in REGIONS if r not in fixed]
    weights = [rng.uniform(0.5, 1.5) for _ in others]
    rest = total - sum(fixed.values())
    if rest < 0:
        raise SystemExit(f"--applications {total:,} is too few for the measured regions ({sum(fixed.values()):,})")
    plan = [region for region, count in fixed.items() for _ in range(count)] + rng.choices(others, weights, k=rest)
    rng.shuffle(plan)
    return plan


class Timed:
    """WSGI middleware: the server time of the last request, body included."""

    def __init__(self, wsgi):
        self.wsgi = wsgi
        self.last = 0.0

    def __call__(self, environ, start_response):
        t0 = time.perf_counter()
        body = b"".join(self.wsgi(environ, start_response))
        self.last = time.perf_counter() - t0
        return [body]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@contextmanager
def database(args, tmp: str):
    """The app's database settings: a SQLite file, or a throw-away PostgreSQL schema."""
    if not args.postgres:
        path = Path(args.keep or tmp) / "bench.sqlite3"
        path.unlink(missing_ok=True)
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
        return
    from sqlalchemy import create_engine, text
    schema = f"vitrina_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # The bench measures pages, with no worker running: background jobs stay in-process.
        yield {"SQLALCHEMY_DATABASE_URI": args.postgres, "VITRINA_JOBS": "inprocess",
               "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    finally:
        if args.keep:
            print(f"kept the PostgreSQL schema {schema}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page (≥ 50)")
    parser.add_argument("--completions", type=int, default=45, help="completions through HTTP (≥ 30)")
    parser.add_argument("--region-tasks", type=int, default=TARGET_CPE_TASKS,
                        help=f"open ЦПЭ tasks of region {REGION} (about)")
    parser.add_argument("--large-region", action="store_true",
                        help=f"also a region {LARGE_REGION} of {LARGE_CPE_TASKS:,} open ЦПЭ tasks, measured too")
    parser.add_argument("--large-region-tasks", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", metavar="DIR", help="build the database as DIR/bench.sqlite3 and keep it")
    parser.add_argument("--postgres", metavar="URL", nargs="?", const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="measure on PostgreSQL instead, in a throw-away schema of the database at URL")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: 1,500 applications, few requests")
    args = parser.parse_args()
    if args.smoke:
        args.applications, args.requests, args.completions, args.region_tasks = 1500, 5, 3, 60
        args.large_region_tasks = 300
    elif args.large_region:
        args.large_region_tasks = args.large_region_tasks or LARGE_CPE_TASKS
    measured_regions = {REGION: (USER, args.region_tasks)}
    if args.large_region_tasks:
        measured_regions[LARGE_REGION] = (LARGE_USER, args.large_region_tasks)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp, database(args, tmp) as config:
        app = create_app({**config, "SECRET_KEY": "bench"})
        app.instance_path = tmp
        timed = app.wsgi_app = Timed(app.wsgi_app)
        with app.app_context():
            t_setup = time.perf_counter()
            db.create_all()
            deploy_bundle(read_bundle(ROOT / "bpmn"), actor="bench")
            seed_demo_operators()  # step 6 names operator 1 of the registry, as on the page
            for region, (email, _tasks) in measured_regions.items():
                create_user(email, f"ЦПЭ региона {region} (бенчмарк)", PASSWORD, [Role.CPE], region=region)

            # Real applications: the templates, and those of the region the user completes through HTTP.
            templates = [Template.of(name, drive(path, region="01", inn=inn10("01", n), name=f"ООО «Образец {n}»"))
                         for n, (name, path, _share) in enumerate(STOPS)]
            weights = [share for _name, _path, share in STOPS]
            per_stop = -(-args.completions // len(MEASURED))
            measured = [(drive([(name, {}) for name in path], region=REGION, inn=inn10(REGION, 9_000_000 + n),
                               name=f"ООО «Реальная {n}»"), form)
                        for n, (path, form) in enumerate(MEASURED * per_stop)]
            t_real = time.perf_counter() - t_setup

            # Clones, with each measured region large enough for its open ЦПЭ tasks.
            cpe_per_application = sum(t.cpe_tasks * w for t, w in zip(templates, weights)) / sum(weights)
            real = db.session.scalar(select(func.count()).select_from(ProcessInstance))  # a refusal starts a consultation
            fixed = {region: max(0, round((tasks - (len(measured) if region == REGION else 0)) / cpe_per_application))
                     for region, (_email, tasks) in measured_regions.items()}
            first_id = db.session.scalar(select(func.max(ProcessInstance.id))) + 1
            t0 = time.perf_counter()
            clone_all(templates, weights, regions_plan(args.applications - real, fixed, rng), first_id,
                      runtime().clock.now(), rng)
            t_clone = time.perf_counter() - t0
            if db.engine.dialect.name == "postgresql":
                # What autovacuum does to a production database after a bulk load: statistics for the
                # planner and a visibility map for index-only scans.
                db.session.commit()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE")
            setup = time.perf_counter() - t_setup

            now = runtime().clock.now()
            count = lambda *where: db.session.scalar(select(func.count()).select_from(OpenTask).where(*where))  # noqa: E731
            print(f"database: {db.session.scalar(select(func.count()).select_from(ProcessInstance)):,} applications "
                  f"in {len(REGIONS)} regions, {count():,} open tasks, "
                  f"{db.session.scalar(select(func.count()).select_from(Timer)):,} timers, "
                  f"{db.session.scalar(select(func.count()).select_from(AuditEvent)):,} audit events")
            card_ids = {}
            for region, (email, _tasks) in measured_regions.items():
                mine = (OpenTask.role == Role.CPE, OpenTask.region == region)
                print(f"ЦПЭ user of region {region}: {count(*mine):,} open ЦПЭ tasks of the region "
                      f"({count(*mine, OpenTask.assignee == email)} claimed by them, "
                      f"{count(*mine, OpenTask.assignee.is_(None))} unclaimed, "
                      f"{count(*mine, OpenTask.normative_due < now)} overdue)")
                ids = db.session.scalars(select(ProcessInstance.id).where(ProcessInstance.region == region)).all()
                card_ids[region] = rng.sample(ids, min(args.requests, len(ids)))
            print(f"set-up: {setup:.1f} s ({real} real applications with the service layer "
                  f"{t_real:.1f} s, {args.applications - real:,} clones {t_clone:.1f} s)")
            db.session.remove()

        def logged_in(email: str):
            client = app.test_client()
            login = client.get("/login").get_data(as_text=True)
            response = client.post("/login", data={"email": email, "password": PASSWORD,
                                                   "csrf_token": csrf_token(login)})
            assert response.status_code in (302, 303), response.status_code
            return client

        def measure(client, urls) -> list[float]:
            for url in urls[:3]:  # warm-up: templates, caches, the model
                client.get(url)
            times = []
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                times.append(timed.last)
            return times

        results, shown = {}, {}
        for region, (email, _tasks) in measured_regions.items():
            client = logged_in(email)
            suffix = "" if region == REGION else f" [region {region}]"
            results[f"GET /tasks (default section){suffix}"] = measure(client, ["/tasks"] * args.requests)
            results[f"GET /tasks?section=available{suffix}"] = measure(client, ["/tasks?section=available"] * args.requests)
            if region == REGION:
                results["GET /tasks?section=overdue"] = measure(client, ["/tasks?section=overdue"] * args.requests)
                # Sorting and search on (issue 15): the region's tasks by received, by a company's name.
                results["GET /tasks?section=available&sort=received"] = measure(
                    client, ["/tasks?section=available&sort=received"] * args.requests)
                results["GET /tasks?section=available&q=ооо"] = measure(
                    client, ["/tasks?section=available&q=%D0%BE%D0%BE%D0%BE"] * args.requests)
            results[f"GET /applications/<id> (card){suffix}"] = measure(
                client, [f"/applications/{i}" for i in card_ids[region]])
            default = client.get("/tasks").get_data(as_text=True)
            shown[region] = re.search(r'aria-current="page">([^<]+)<span class="count">(\d+)', default)
            if region == REGION:
                main_client = client

        completions = []
        with app.app_context():
            task_ids = [(db.session.scalar(select(OpenTask.task_id).where(OpenTask.instance_id == i)), form)
                        for i, form in measured]
            db.session.remove()
        for task_id, form in task_ids:
            page = main_client.get(f"/tasks/{task_id}").get_data(as_text=True)  # the user opens the task first
            data = as_post(form, sample(form))
            data["csrf_token"] = csrf_token(page)
            response = main_client.post(f"/tasks/{task_id}", data=data)
            assert response.status_code == 303, (form, response.status_code,
                                                 re.findall(r'role="alert">([^<]+)', response.get_data(as_text=True)))
            completions.append(timed.last)
        results[f"POST /tasks/<id> (complete; {len(completions)} real)"] = completions

        for region, match in shown.items():
            print(f"default section of region {region}: «{match.group(1).strip()}» ({match.group(2)} tasks)")
        print(f"{args.requests} requests per page after 3 warm-up ones, server time")
        print(f"{'':56}{'p50 ms':>9}{'p90 ms':>9}{'target p50':>12}")
        for label, times in results.items():
            target = 15 if label.startswith("POST") else 30 if "[region" in label else 50
            p50 = pct(times, 50)
            print(f"{label:56}{p50:9.1f}{pct(times, 90):9.1f}{f'≤ {target} ms':>12}"
                  f"{'' if p50 <= target else '  MISSED'}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
