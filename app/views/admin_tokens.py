"""Admin pages for API tokens: issue one for a user (its secret shown once), revoke one.

The same rules as ``vitrina users token`` / ``revoke-token`` (``app.api.tokens``). The secret is
put in the page that answers the POST, never in the session or a flash message: a cookie
would carry it again to the browser after it was meant to be seen for the last time.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..api.tokens import TokenError, issue, revoke, tokens_of
from ..extensions import db
from ..models import ApiToken, User
from ..roles import Role
from .guards import restrict_to

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin/users/<int:user_id>/tokens")
restrict_to(bp, Role.ADMIN)


@bp.post("/")
def create(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        token, secret = issue(user, request.form.get("name", ""))
    except TokenError as exc:
        db.session.rollback()
        return render_template("admin/token_issued.html", user=user, token=None, secret=None,
                               errors={"name": str(exc)}, name=request.form.get("name", "")), 422
    return render_template("admin/token_issued.html", user=user, token=token, secret=secret, errors={},
                           issued_by=current_user.email)


@bp.post("/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    _, now = revoke(token_id)
    flash(f"Токен {token.id} «{token.name}» {'отозван' if now else 'уже был отозван'}.")
    return redirect(url_for("admin_users.edit", user_id=user_id) + "#tokens", 303)


def register(app) -> None:
    app.add_template_global(tokens_of, "api_tokens_of")
