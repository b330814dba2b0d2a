"""Sign-in throttling: after too many failures in a window, an account or a client address is
refused until the oldest failure that counts falls out of the window.

Failures are rows of ``login_failures`` (so all web processes count together) stamped by the
injected clock. A refused attempt is not recorded: a blocked address hammering on gains nothing
and adds nothing, and the block lifts on schedule. Limits come from ``VITRINA_LOGIN_LIMITS``:
``{"account": {"failures": 5, "minutes": 15}, "address": …, "token_address": …}``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import LoginFailure
from ..statuses import ThrottleScope
from ..workflow.runtime import runtime

DEFAULT_LIMITS = {
    ThrottleScope.ACCOUNT.value: {"failures": 5, "minutes": 15},
    ThrottleScope.ADDRESS.value: {"failures": 20, "minutes": 15},
    ThrottleScope.TOKEN_ADDRESS.value: {"failures": 20, "minutes": 15},
}
MAX_KEY = 254


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


class Throttled(Exception):
    """Too many recent failures; ``retry_after`` says when the next attempt will be heard."""

    def __init__(self, retry_after: timedelta):
        self.retry_after = retry_after
        super().__init__(f"throttled for {self.seconds} s")

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def limit(scope: ThrottleScope) -> Limit:
    configured = {**DEFAULT_LIMITS, **current_app.config.get("VITRINA_LOGIN_LIMITS", {})}[scope.value]
    return Limit(int(configured["failures"]), timedelta(minutes=configured["minutes"]))


def check(keys: Mapping[ThrottleScope, str]) -> None:
    """Raise Throttled when any of ``keys`` has used up its failures; the longest wait wins."""
    now = runtime().clock.now()
    waits = [wait for scope, key in keys.items() if (wait := _wait(scope, _key(key), now)) is not None]
    if waits:
        raise Throttled(max(waits))


def record_failure(keys: Mapping[ThrottleScope, str]) -> None:
    now = runtime().clock.now()
    db.session.add_all(LoginFailure(scope=scope.value, key=_key(key), failed_at=now) for scope, key in keys.items())
    for scope in keys:
        # Failures out of their window count for nothing any more.
        db.session.execute(delete(LoginFailure).where(LoginFailure.scope == scope.value,
                                                      LoginFailure.failed_at <= now - limit(scope).window))
    db.session.commit()


def clear(scope: ThrottleScope, key: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.scope == scope.value, LoginFailure.key == _key(key)))
    db.session.commit()


def _wait(scope: ThrottleScope, key: str, now) -> timedelta | None:
    rule = limit(scope)
    times = db.session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.scope == scope.value, LoginFailure.key == key, LoginFailure.failed_at > now - rule.window)
        .order_by(LoginFailure.failed_at)).all()
    if len(times) < rule.failures:
        return None
    # The attempt is heard again once enough failures have aged out to leave one to spare.
    return times[len(times) - rule.failures] + rule.window - now


def _key(key: str | None) -> str:
    return (key or "unknown")[:MAX_KEY]
