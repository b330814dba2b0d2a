"""``/metrics`` for Prometheus: open to loopback only, or to the bearer of ``VITRINA_METRICS_TOKEN``.

With a token configured it is asked of every scraper, loopback included: behind a reverse proxy
on the same host every request comes from loopback unless ``VITRINA_TRUSTED_PROXIES`` is set.
"""
from __future__ import annotations

import hmac
from ipaddress import ip_address

from flask import Blueprint, Response, abort, current_app, request

from ..extensions import db
from ..ops import metrics

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def scrape():
    if not _allowed():
        abort(404)  # nothing here for anyone else, not even that it exists
    return Response(metrics.exposition(db.session), mimetype=metrics.CONTENT_TYPE)


def _allowed() -> bool:
    token = current_app.config.get("VITRINA_METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
