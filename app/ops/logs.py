"""Logs: one JSON object per line in production (``VITRINA_LOG_FORMAT=json``), text for a person.

Every record carries the request it was written in (``request_id``: the caller's X-Request-Id
or a new one, echoed in the response), the logged-in user's id and the application the request
concerns, so one line of a failed completion leads to all the others of the same request.
python-json-logger rather than structlog: it is a formatter for the standard ``logging`` that
waitress, SQLAlchemy, Alembic and every module here already write to, so no call site changes
and no second logging API enters the code.
"""
from __future__ import annotations

import logging
import os
import sys
from datetime import datetime, timezone

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

FORMAT_ENV = "VITRINA_LOG_FORMAT"
FORMATS = ("json", "text")
CONTEXT = ("request_id", "user_id", "application_id")


class UnknownLogFormat(ValueError):
    pass


class RequestContext(logging.Filter):
    """Stamps each record with the request's id, user and application (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_context() if has_request_context() else {}
        for name in CONTEXT:
            if not hasattr(record, name):
                setattr(record, name, context.get(name))
        return True


def current_context() -> dict:
    user = g.get("api_user") or g.get("_login_user")  # as loaded by the request, never loaded here
    return {"request_id": g.get("request_id"),
            "user_id": user.id if user is not None and getattr(user, "is_authenticated", False) else None,
            "application_id": g.get("application_id")}


class LineFormatter(JsonFormatter):
    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return LineFormatter("{asctime}{levelname}{name}{message}", style="{", json_ensure_ascii=False,
                             rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    if fmt == "text":
        return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
    raise UnknownLogFormat(f"{FORMAT_ENV}: ожидается json или text, а не {fmt!r}")


def chosen_format(default: str) -> str:
    return (os.environ.get(FORMAT_ENV) or default).strip().lower()


def configure(fmt: str, level: int = logging.INFO, stream=None) -> logging.Handler:
    """Send every record to ``stream`` (stderr) in ``fmt``; replaces the root logger's handlers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic's env.py (any `db upgrade` or stamp in this process) disables every logger that
    # existed before it; serving logs them all again.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    # The readiness check asks Alembic for the schema's revision on every probe; its notes of
    # which dialect it uses would be most of the log.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    return handler
