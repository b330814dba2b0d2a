"""``/healthz`` and ``/readyz`` for balancers and orchestrators: no login, JSON, nothing internal."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..extensions import db
from ..ops.health import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive and serving; asks nothing of the database."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    state = readiness(db.session)
    return jsonify(state.as_json()), 200 if state.ready else 503
