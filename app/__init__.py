"""Vitrina: the РЭЦ/ЦПЭ marketplace-support regulation, run as BPMN."""
from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask
from sqlalchemy import event

from . import config as app_config, secret_key
from .clock import ShiftedClock, SystemClock
from .extensions import csrf, db, login_manager, migrate
from .workflow.runtime import Runtime

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("VITRINA_INSTANCE_PATH") or
                os.path.join(app_config.ROOT, "instance"), instance_relative_config=True)
    app.config.from_mapping(app_config.defaults(app.instance_path))
    app.config["SECRET_KEY"] = secret_key.read(app.instance_path)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(app_config.from_environment())
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    from .request_limits import configure as configure_limits
    configure_limits(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    login_manager.init_app(app)
    csrf.init_app(app)
    from . import models  # noqa: F401  (tables must be known to Alembic and create_all)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    clock = app.config.get("VITRINA_CLOCK") or SystemClock()
    if shift := app.config.get("VITRINA_CLOCK_SHIFT_DAYS"):
        clock = ShiftedClock(timedelta(days=shift), clock)
    from .workflow.calendar_overrides import load_overrides
    from .regional.waits import live_client_waits
    app.extensions["vitrina"] = Runtime.create(
        clock, live_client_waits(app), load_overrides, isolated=app.config["VITRINA_ENGINE_ISOLATION"],
        workers=app.config["VITRINA_ENGINE_WORKERS"], limits=app.config["VITRINA_MODEL_LIMITS"])

    from .deadlines.alarm import on_saved
    from .scenarios.gate import refuse_broken_scenarios
    from .workflow.hooks import Hook, subscribe
    subscribe(app, Hook.SAVED, on_saved)
    subscribe(app, Hook.DEPLOYING, refuse_broken_scenarios)

    from .ops import requests as ops_requests
    ops_requests.init_app(app)
    from . import views
    views.init_app(app)
    from . import api
    for bp in api.BLUEPRINTS:
        app.register_blueprint(bp)
        csrf.exempt(bp)  # bearer tokens only, no session cookie for a forged request to ride on
    api.init_app(app)

    from .cli import register_commands
    register_commands(app)
    return app


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers work while a task is being completed; NORMAL sync is durable in WAL
    # mode except for the last commits on power loss; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite's own lower() folds ASCII only, so «сибирский» would never find «Сибирский»;
    # PostgreSQL folds by its locale. Python's str.lower stands in for SQLite.
    dbapi_connection.create_function("lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
                                     deterministic=True)
