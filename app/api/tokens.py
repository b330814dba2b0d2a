"""API tokens: issue one (shown once), find the user a presented token stands for, revoke.

A token is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored. A slow
password hash buys nothing here: the token has 256 bits of entropy, so it cannot be guessed
from its hash, and a fast one lets every request find its token by an indexed lookup.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from .. import plain_text
from ..extensions import db
from ..models import ApiToken, User
from ..workflow.runtime import runtime

MAX_NAME = 200
# last_used_at is written at most this often per token: a client system polling the API should
# not turn every read into a write (SQLite serialises writers).
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be issued or revoked; the message is for the user, in Russian."""


class TokenNotFound(TokenError):
    pass


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the secret, which is never seen again."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Укажите назначение токена, например «ЛК РЭЦ»")
    if len(name) > MAX_NAME:
        raise TokenError(f"Назначение токена длиннее {MAX_NAME} символов")
    if reason := plain_text.problem(name):
        raise TokenError(f"Назначение токена: {reason}")
    if not user.is_active:
        raise TokenError(f"Учётная запись {user.email} отключена")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), created_at=runtime().clock.now())
    db.session.add(token)
    db.session.commit()
    return token, secret


def revoke(token_id: int) -> tuple[ApiToken, bool]:
    """Revoke a token; (the token, whether it was revoked just now rather than before)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise TokenNotFound(f"Токен {token_id} не найден")
    if token.revoked_at is not None:
        return token, False
    token.revoked_at = runtime().clock.now()
    db.session.commit()
    return token, True


def tokens_of(user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


class Refused(Exception):
    """The token opens nothing; the message says why, in Russian."""


def user_for(secret: str) -> User:
    """The active user a presented token stands for; Refused for an unknown or revoked token or
    a disabled account."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        raise Refused("Токен недействителен или отозван")
    user = token.user
    if user is None or not user.is_active:
        raise Refused("Учётная запись владельца токена отключена")
    now = runtime().clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return user
