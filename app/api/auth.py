"""Who calls the API: the user of the bearer token, checked before every view of a blueprint.

The API reads no session cookie, only ``Authorization: Bearer <token>``. That is what makes its
CSRF exemption safe: a forged cross-site request carries the victim's cookies, never a token.
"""
from __future__ import annotations

from flask import g, request

from . import tokens
from .errors import Unauthorized


def require_token(bp) -> None:
    """Every view of ``bp`` needs a valid token of an active user (else 401); the user is
    ``caller()`` in the view."""

    @bp.before_request
    def _authenticate():
        scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Нужен токен доступа: заголовок Authorization: Bearer <токен>")
        try:
            g.api_user = tokens.user_for(secret.strip())
        except tokens.Refused as exc:
            raise Unauthorized(str(exc)) from None


def caller():
    return g.api_user
