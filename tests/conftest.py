"""Shared fixtures: a virtual clock, an engine, and an app on SQLite and (when reachable) PostgreSQL."""
from __future__ import annotations

import os
import socket
from email import message_from_bytes, policy
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from app import create_app
from app.calendar import MOSCOW, WorkingCalendar
from app.clock import VirtualClock
from app.config import DEFAULT_CLIENT_WAITS
from app.engine import Engine
from app.extensions import db
from app.roles import LANE_ROLES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_URL = os.environ.get("VITRINA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    if os.environ.get("VITRINA_TEST_NO_PG"):
        return False
    try:
        with create_engine(PG_URL, connect_args={"connect_timeout": 2}).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False


BACKENDS = ["sqlite"] + (["postgres"] if _postgres_reachable() else [])


def moscow(*args) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)


@pytest.fixture
def clock():
    # Friday 31.10.2025, 10:00 in Moscow: the day before a working Saturday and a holiday break.
    return VirtualClock(moscow(2025, 10, 31, 10, 0))


@pytest.fixture
def engine(clock):
    return Engine(clock, WorkingCalendar(), DEFAULT_CLIENT_WAITS,
                  lane_roles={lane: role.value for lane, role in LANE_ROLES.items()})


@pytest.fixture(scope="session")
def pg_schema():
    """One throw-away schema per test session, so runs never touch each other's tables."""
    if "postgres" not in BACKENDS:
        yield None
        return
    name = f"vitrina_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    yield name
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def _database_config(backend: str, tmp_path: Path, pg_schema: str | None) -> dict:
    if backend == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}"}
    # Background jobs run in threads of the test process as on SQLite; tests of the job queue
    # itself (tests/test_jobs_postgres.py) ask for "procrastinate".
    return {"SQLALCHEMY_DATABASE_URI": PG_URL, "VITRINA_JOBS": "inprocess",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={pg_schema}"}}}


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def postgres_only():
    """A ``backend`` fixture for a module of PostgreSQL-only tests: ``backend = postgres_only()``."""
    skip = pytest.mark.skipif("postgres" not in BACKENDS, reason="needs the PostgreSQL server of the tests")
    return pytest.fixture(params=[pytest.param("postgres", marks=skip)], name="backend")(lambda request: request.param)


@pytest.fixture
def extra_config() -> dict:
    """More configuration for the ``app`` fixture: a test module overrides this fixture."""
    return {}


@pytest.fixture
def app(backend, tmp_path, clock, pg_schema, extra_config):
    app = create_app({
        "TESTING": True,
        "VITRINA_CLOCK": clock,
        "SECRET_KEY": "test",
        # Posting forms in tests needs no token; test_accounts turns CSRF on to check it.
        "WTF_CSRF_ENABLED": False,
        # The modeller's deploy runs the model scenarios (seconds each time); the tests that
        # are about that gate turn it on.
        "VITRINA_DEPLOY_SCENARIOS": False,
        **_database_config(backend, tmp_path, pg_schema),
        **extra_config,
    })
    app.instance_path = str(tmp_path)
    with app.app_context():
        if backend == "postgres":
            _fresh_postgres_tables()
        else:
            db.create_all()  # a new file per test
        yield app
        db.session.remove()
        if backend == "sqlite":
            db.drop_all()
        db.engine.dispose()


# Whether the PostgreSQL schema's tables are the ones ``create_all`` made (not dropped or migrated since).
_postgres_tables = {"made": False}


def _fresh_postgres_tables() -> None:
    """Empty tables on the session's schema. Creating thirty tables costs ~1 s on PostgreSQL,
    emptying them ~50 ms: the tables are made once and emptied (sequences restarted, so ids start at
    1 as on a new database) before each test; after a test that migrated them (``migrations``) or
    dropped them itself they are made anew."""
    if _postgres_tables["made"]:
        try:
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
                for (sequence,) in conn.exec_driver_sql("SELECT sequence_name FROM information_schema.sequences "
                                                        "WHERE sequence_schema = current_schema()"):
                    conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
            return
        except ProgrammingError:  # a table is missing: the test before dropped it
            pass
    db.drop_all()
    db.create_all()
    _postgres_tables["made"] = True


@pytest.fixture
def migrations(app):
    """For a test that runs ``vitrina setup`` or ``db upgrade``: no tables before it, and Alembic's
    version table dropped after it (``drop_all`` leaves that table, and a later test's upgrade on
    the shared PostgreSQL schema would take the schema for migrated already)."""
    _postgres_tables["made"] = False
    db.drop_all()
    yield
    db.session.remove()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as each does in production.

    The ``app`` fixture keeps one app context pushed for the whole test, and Flask reuses it for
    the client's requests, so ``g`` would carry the logged-in user and the CSRF token from one
    request to the next and hide what a real session does.
    """

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


PASSWORD = "correct-horse-42"


def login(client, email: str, password: str = PASSWORD):
    """Log ``client`` in through the login form; the response after redirects."""
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=True)


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap password hashes: the default scrypt costs ~0.15 s a hash, which tests pay per user."""
    import functools
    from werkzeug.security import generate_password_hash
    monkeypatch.setattr("app.models.user.generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def users(app, fast_hashing):
    """A few accounts, by short name: regional ЦПЭ staff and clients of 77 and 66, central staff."""
    from app.accounts import create_user
    from app.roles import Role as R
    specs = {
        "admin": ("admin@test.ru", "Админ Тестовый", {R.ADMIN}, None, None, None),
        "cpe77": ("cpe77@test.ru", "ЦПЭ Москва", {R.CPE}, "77", None, None),
        "cpe66": ("cpe66@test.ru", "ЦПЭ Екатеринбург", {R.CPE}, "66", None, None),
        "head77": ("head.cpe77@test.ru", "Руководитель ЦПЭ Москва", {R.CPE, R.MANAGER}, "77", None, None),
        "client77": ("client77@test.ru", "Клиент Ромашки", {R.CLIENT}, "77", "7707083893", "ООО «Ромашка»"),
        "client66": ("client66@test.ru", "Клиент Самоцветов", {R.CLIENT}, "66", "6658021226",
                     "ООО «Уральские самоцветы»"),
        "mo": ("mo@test.ru", "МО РЭЦ", {R.MO_REC}, None, None, None),
        "head_mo": ("head.mo@test.ru", "Руководитель МО РЭЦ", {R.MO_REC, R.MANAGER}, None, None, None),
    }
    return {key: create_user(email, name, PASSWORD, roles, region=region, company_inn=inn, company_name=company)
            for key, (email, name, roles, region, inn, company) in specs.items()}


@pytest.fixture
def kb(users):
    """A КБ РЭЦ account: central staff who file applications on a company's behalf."""
    from app.accounts import create_user
    from app.roles import Role as R
    return create_user("kb@test.ru", "Игорь Семёнов, КБ РЭЦ", PASSWORD, {R.KB_REC})


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    """An SMTP server on loopback that keeps what it receives: (inbox with .messages, port)."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
