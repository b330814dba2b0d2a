"""Vitrina: the РЭЦ/ЦПЭ marketplace-support regulation, run as BPMN."""
from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine as SAEngine

from . import config as app_config, secret_key
from .clock import SystemClock
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

    clock = app.config.get("VITRINA_CLOCK") or SystemClock()
    from .workflow.calendar_overrides import load_overrides
    app.extensions["vitrina"] = Runtime.create(
        clock, app.config["VITRINA_CLIENT_WAITS"], load_overrides, isolated=app.config["VITRINA_ENGINE_ISOLATION"],
        workers=app.config["VITRINA_ENGINE_WORKERS"], limits=app.config["VITRINA_MODEL_LIMITS"])

    from .views import admin_users, applications, auth, errors, filters, notifications, sla, vendor
    from .views import client, documents, security, task_form, tasks
    filters.register(app)
    errors.register(app)
    security.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(applications.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(task_form.bp)
    app.register_blueprint(client.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(admin_users.bp)
    from .views import admin_tokens, incidents
    app.register_blueprint(admin_tokens.bp)
    app.register_blueprint(incidents.bp)
    admin_tokens.register(app)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(sla.bp)
    app.register_blueprint(vendor.bp)
    from .views import accounting as accounting_views, paperwork, sales as sales_views
    app.register_blueprint(paperwork.bp)
    app.register_blueprint(sales_views.bp)
    app.register_blueprint(accounting_views.bp)
    from .views import operators
    app.register_blueprint(operators.bp)
    from .views import modeller
    app.register_blueprint(modeller.bp)
    from .views import versions as versions_views
    app.register_blueprint(versions_views.bp)
    from .views import intake
    app.register_blueprint(intake.bp)
    app.register_blueprint(intake.client_bp)
    from .views import complaints as complaint_views
    app.register_blueprint(complaint_views.bp)
    from .views import roadmap
    app.register_blueprint(roadmap.bp)
    from .views import simulation as simulation_views
    app.register_blueprint(simulation_views.bp)
    from . import api
    for bp in api.BLUEPRINTS:
        app.register_blueprint(bp)
        csrf.exempt(bp)  # bearer tokens only, no session cookie for a forged request to ride on
    api.init_app(app)
    app.add_template_global(vendor.bpmn_js_url, "bpmn_js_url")

    from .cli import register_commands
    register_commands(app)
    return app


@event.listens_for(SAEngine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers work while a task is being completed; NORMAL sync is durable in WAL
    # mode except for the last commits on power loss; foreign keys are off by default.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
