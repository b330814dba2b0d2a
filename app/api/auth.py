"""Who calls the API: the user of the bearer token, checked before every view of a blueprint.

The API reads no session cookie, only ``Authorization: Bearer <token>``. That is what makes its
CSRF exemption safe: a forged cross-site request carries the victim's cookies, never a token.
"""
from __future__ import annotations

from flask import g, request

from ..accounts import throttle
from ..statuses import ThrottleScope
from . import tokens
from .errors import TooManyAttempts, Unauthorized

THROTTLED = "Слишком много запросов с неверным токеном. Повторите через {minutes} мин."


def require_token(bp) -> None:
    """Every view of ``bp`` needs a valid token of an active user (else 401); the user is
    ``caller()`` in the view."""

    @bp.before_request
    def _authenticate():
        scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Нужен токен доступа: заголовок Authorization: Bearer <токен>")
        # Checked before the token, so a blocked address learns nothing, not even of a right one.
        keys = {ThrottleScope.TOKEN_ADDRESS: request.remote_addr}
        try:
            throttle.check(keys)
        except throttle.Throttled as exc:
            raise TooManyAttempts(THROTTLED.format(minutes=exc.minutes), retry_after=exc.seconds) from None
        try:
            g.api_user = tokens.user_for(secret.strip())
        except tokens.Refused as exc:
            throttle.record_failure(keys)
            raise Unauthorized(str(exc)) from None


def caller():
    return g.api_user
