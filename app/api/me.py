"""/api/v1/me: the caller's own settings — how each kind of notification reaches them (the same
service as the page /notifications/settings)."""
from __future__ import annotations

from flask import Blueprint

from ..extensions import db
from ..notifications import preferences
from ..statuses import DeliveryMode
from ..workflow.runtime import runtime
from .auth import caller, require_token
from .body import json_object
from .errors import ApiError, install

bp = Blueprint("api_me", __name__, url_prefix="/api/v1/me")
require_token(bp)
install(bp)


def _resource(settings) -> dict:
    return {"settings": {str(kind): str(mode) for kind, mode in settings.items()},
            "modes": [str(m) for m in DeliveryMode]}


@bp.get("/notification-settings")
def notification_settings():
    return _resource(preferences.settings_of(caller().id))


@bp.put("/notification-settings")
def save_notification_settings():
    """Body ``{"task": "digest", "case": "in_app"}``: kinds left out keep their choice."""
    choices = json_object()
    if not all(isinstance(v, str) for v in choices.values()):
        raise ApiError("Значения должны быть строками: immediate, digest или in_app")
    try:
        saved = preferences.save(caller().id, choices, runtime().clock.now())
    except preferences.SettingError as exc:
        db.session.rollback()
        raise ApiError(exc.message, field=exc.field) from None
    return _resource(saved)
