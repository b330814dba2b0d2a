"""Liveness and readiness: what a balancer or an orchestrator asks before sending requests.

Alive is the process answering at all. Ready is what a request needs: the database answers,
its schema is at the migrations' head (a process of a newer release must not serve an old
schema, nor an old one a newer), and a model is deployed (without one nothing can be filed).
The reasons name the check that failed, never a host, a URL or an exception's text.
"""
from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from ..models import Deployment

log = logging.getLogger(__name__)
MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str | None = None

    def as_json(self) -> dict:
        return {"status": "ready"} if self.ready else {"status": "not ready", "reason": self.reason}


@functools.cache
def migration_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(MIGRATIONS_DIR).get_heads())


def readiness(session) -> Readiness:
    try:
        connection = session.connection()
        connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - whatever the driver raises, the answer is the same
        log.warning("readiness: the database does not answer", exc_info=True)
        session.rollback()
        return Readiness(False, "database_unreachable")
    try:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
        if current != migration_heads():
            return Readiness(False, "migrations_not_at_head")
        if session.scalar(select(Deployment.id).limit(1)) is None:
            return Readiness(False, "no_model_deployed")
        return Readiness(True)
    finally:
        session.rollback()
