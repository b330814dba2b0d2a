"""What people are called on pages: a user's full name for the e-mail kept in a record."""
from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..models import User

# Actors that are Vitrina itself (the timer sweep, the demo, a model scenario).
MACHINE_ACTORS = frozenset({"system", "demo", "scenario", "setup", "cli"})


def display_name(email: str | None) -> str:
    """The user's full name; Vitrina's own entries say so; an unknown address is shown as it is."""
    if not email:
        return "—"
    if email in MACHINE_ACTORS or email.startswith("scenario:"):
        return "Витрина (автоматически)"
    cache = g.setdefault("vitrina_names", {}) if has_app_context() else {}
    if email not in cache:
        cache[email] = db.session.scalar(select(User.full_name).where(User.email == email)) or email
    return cache[email]
