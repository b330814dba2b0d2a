"""Shared fixtures: a virtual clock, an engine, and an app on SQLite and (when reachable) PostgreSQL."""
from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

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
    return {"SQLALCHEMY_DATABASE_URI": PG_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={pg_schema}"}}}


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def app(backend, tmp_path, clock, pg_schema):
    app = create_app({
        "TESTING": True,
        "VITRINA_CLOCK": clock,
        "SECRET_KEY": "test",
        **_database_config(backend, tmp_path, pg_schema),
    })
    app.instance_path = str(tmp_path)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()
