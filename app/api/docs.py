"""/api/openapi.json: the API's description, public so a client system can read it unauthenticated."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .errors import install
from .openapi import document

bp = Blueprint("api_docs", __name__, url_prefix="/api")
install(bp)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
