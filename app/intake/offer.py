"""What a client is told when intake is closed: the next window and the consultation offer, for the
pages and, as JSON, for the REST API (the same facts in both)."""
from __future__ import annotations

from flask import jsonify, url_for

from ..extensions import db
from .windows import CONSULTATION_SERVICE, IntakeClosed, IntakeState


def consultation_offer(state: IntakeState) -> dict:
    """The offer of 5.2: the consultation service, and where a client files it."""
    return {"service": CONSULTATION_SERVICE, "url": url_for("intake_client.consultation")}


def closed_error(exc: IntakeClosed):
    """The API's answer to filing outside a window: 409 ``intake_closed`` with ``next_opens``."""
    db.session.rollback()
    state = exc.state
    response = jsonify(error={
        "code": "intake_closed", "message": str(exc), "field": None, "errors": [],
        "region": state.region,
        "next_opens": state.next_opens.isoformat() if state.next_opens else None,
        "consultation": consultation_offer(state)})
    response.status_code = exc.http_status
    return response
