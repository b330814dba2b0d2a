"""The demo of a first run: months of history of three regions, lived through by the real services
on a virtual clock, ending at the app's now; done by the demo user of each lane."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app import create_app
from app.clock import VirtualClock
from app.demo.seed import seed_demo, seed_demo_users
from app.calendar import MOSCOW
from app.extensions import db
from app.models import AuditEvent, Breach, CaseEntry, Notification, OpenTask, ProcessInstance, SalesReport
from app.statuses import AuditAction, DeliveryState, ProcessId
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.runtime import runtime
from tests.conftest import ROOT, login, moscow, postgres_only

NOW = moscow(2025, 10, 31, 10, 0)  # the tests' clock: the history ends here
# The module's facts are read from one SQLite seed; the same seed told again on PostgreSQL must be
# the same history (a second SQLite seed would add half a minute and prove less).
backend = postgres_only()


def _seed() -> float:
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="setup")
    seed_demo_users()
    started = time.perf_counter()
    assert seed_demo() is True
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One seeded demo (SQLite) for the tests of what it holds: seeding takes seconds."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "VITRINA_CLOCK": VirtualClock(NOW), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}"})
    app.instance_path = str(folder)
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        import functools
        from werkzeug.security import generate_password_hash
        patch.setattr("app.models.user.generate_password_hash",
                      functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
        db.create_all()
        print(f"\ndemo seeded in {_seed():.1f} s")
        yield app
        db.session.remove()
        db.engine.dispose()


def _statuses() -> list[tuple]:
    return db.session.execute(select(ProcessInstance.process_id, ProcessInstance.company_name,
                                     ProcessInstance.application_status, ProcessInstance.state,
                                     ProcessInstance.deployment_id).order_by(ProcessInstance.id)).all()


def test_the_demo_leaves_the_app_on_its_own_clock_with_history_months_back(demo):
    with demo.app_context():
        assert runtime().clock.now() == NOW
        first = db.session.scalar(select(func.min(ProcessInstance.started_at)))
        assert (NOW - first).days > 90
        assert seed_demo() is False  # once


def test_the_demo_has_breaches_closed_late_and_still_open(demo):
    with demo.app_context():
        closed = db.session.scalar(select(func.count()).select_from(Breach).where(Breach.closed_at.is_not(None)))
        still_open = db.session.scalar(select(func.count()).select_from(Breach).where(Breach.closed_at.is_(None)))
        assert closed >= 5 and still_open >= 1
        regions = set(db.session.scalars(select(Breach.region).distinct()))
        assert {"77", "66", "16"} <= regions


def test_open_tasks_of_the_demo_are_past_their_deadline_or_near_it(demo):
    with demo.app_context():
        tasks = db.session.scalars(select(OpenTask)).all()
        red = [t for t in tasks if t.normative_due and t.normative_due < NOW]
        amber = [t for t in tasks if t.normative_due and t.normative_due >= NOW
                 and t.indicative_due and t.indicative_due < NOW]
        assert len(red) >= 3 and len(amber) >= 3
        assert all(t.warned_at for t in amber)  # the sweep of the virtual clock saw them pass


def test_the_demo_has_refusals_timeouts_and_complaints(demo):
    with demo.app_context():
        statuses = {(p, s) for p, _, s, *_ in _statuses()}
        assert ("marketplace_support", "Отказ ЦПЭ") in statuses
        assert ("marketplace_support", "Отказ Клиента") in statuses  # a client's wait ran out
        complaints = db.session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_id == ProcessId.COMPLAINT)).all()
        assert any(c.state == "completed" for c in complaints) and any(c.state == "running" for c in complaints)


def test_the_demo_has_sales_reports_filed_after_report_periods_ended(demo):
    with demo.app_context():
        reports = db.session.scalars(select(SalesReport)).all()
        assert len(reports) >= 3
        steps = set(db.session.scalars(select(CaseEntry.step).where(CaseEntry.kind == "sales_report")))
        assert {"14", "15"} <= steps


def test_the_demo_has_a_second_model_version_with_migrated_applications(demo):
    with demo.app_context():
        assert {d for *_, d in _statuses()} == {1, 2}
        moved = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.MIGRATED)).all()
        assert moved and all(e.actor == "owner@demo.ru" for e in moved)
        assert {db.session.get(ProcessInstance, e.instance_id).region for e in moved} == {"66"}


def test_the_demo_versions_are_dated_in_order_and_listed_newest_first(demo):
    from app.demo.seed import DEMO_PASSWORD
    from app.workflow.versions import list_versions

    with demo.app_context():
        first_start = db.session.scalar(select(func.min(ProcessInstance.started_at)))
        v2, v1 = list_versions()
        assert (v2.number, v1.number) == (2, 1)
        assert v1.deployed_at <= first_start < v2.deployed_at < NOW  # v1 runs the history, v2 comes halfway
    client = demo.test_client()
    login(client, "owner@demo.ru", DEMO_PASSWORD)
    page = client.get("/versions").get_data(as_text=True)
    rows = [page.index(f"{v.deployed_at.astimezone(MOSCOW):%d.%m.%Y}") for v in (v2, v1)]
    assert rows == sorted(rows) and "Порог высокой готовности снижен до 65 баллов" in page
    assert "owner@demo.ru" not in page  # who deployed, by name


def test_the_demo_history_names_the_demo_user_of_each_lane(demo):
    with demo.app_context():
        by_step = {}
        for step, actor in db.session.execute(select(CaseEntry.step, CaseEntry.actor)):
            by_step.setdefault(step, set()).add(actor)
        assert by_step["2"] == {"cpe77@demo.ru", "cpe66@demo.ru", "cpe16@demo.ru"}
        assert by_step["3"] == {"mo@demo.ru"}
        assert {"operator@demo.ru"} <= by_step["14"] | by_step.get("15", set())
        # ООО «Ромашка» and «Уральские самоцветы» have client accounts; the others file through the system.
        assert {"client77@demo.ru", "client66@demo.ru", "demo"} <= by_step["1"]


def test_the_demo_users_have_heard_of_their_turn_in_the_app_only(demo):
    with demo.app_context():
        kinds = {}
        for recipient, kind in db.session.execute(select(Notification.recipient, Notification.kind)):
            kinds.setdefault(recipient, set()).add(kind)
        assert "task" in kinds["cpe77@demo.ru"] and "task" in kinds["mo@demo.ru"]
        assert "case" in kinds["client77@demo.ru"]
        e_mailed = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.delivery.in_((DeliveryState.PENDING, DeliveryState.DIGEST, DeliveryState.SENT))))
        assert e_mailed == 0


def test_the_same_seed_tells_the_same_history(app, fast_hashing, demo):
    seconds = _seed()
    print(f"\ndemo seeded in {seconds:.1f} s")
    again = [tuple(r) for r in _statuses()]
    with demo.app_context():
        first = [tuple(r) for r in _statuses()]
    assert again == first
