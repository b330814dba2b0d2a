"""Blueprint-wide access guards: log in first, then hold one of the roles."""
from __future__ import annotations

from flask import abort
from flask_login import current_user, login_required


def restrict_to(bp, *roles) -> None:
    """Every view of ``bp`` needs a logged-in user holding at least one of ``roles`` (else 403)."""

    @bp.before_request
    @login_required
    def _guard():
        if not any(current_user.has_role(role) for role in roles):
            abort(403)
