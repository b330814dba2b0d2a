"""The invitation link of a client's representative: set a password, and be signed in.

The link's secret is in the query string (``/invitation?t=…``), which the request log leaves out
(it logs the path), and goes on in the form's body; a person sees the page whether signed in or
not. Unknown, used, replaced and expired links count as failed sign-ins of the client address,
throttled as the login page is (``accounts.throttle``).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from ..accounts import AccountError, invitations, throttle
from ..accounts.passwords import MIN_LENGTH
from ..extensions import db
from ..statuses import ThrottleScope
from .auth import THROTTLED

bp = Blueprint("invitations", __name__)


@bp.route("/invitation", methods=["GET", "POST"])
def accept():
    secret = (request.values.get("t") or "").strip()
    keys = {ThrottleScope.ADDRESS: request.remote_addr}
    try:
        throttle.check(keys)
    except throttle.Throttled as exc:
        return _refused(THROTTLED.format(minutes=exc.minutes), 429, {"Retry-After": str(exc.seconds)})
    try:
        invitation = invitations.usable(secret)
    except invitations.LinkUnusable as exc:
        db.session.rollback()
        throttle.record_failure(keys)
        return _refused(f"{exc}.", exc.http_status)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            user = invitations.accept(secret, request.form.get("password", ""), request.form.get("password_repeat", ""))
        except AccountError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        except invitations.LinkUnusable as exc:  # the other tab was quicker
            return _refused(f"{exc}.", exc.http_status)
        else:
            logout_user()
            session.clear()  # a fresh session, as on the login page
            login_user(user)
            flash("Пароль задан, Вы вошли в Витрину. Заявки компании и шаги, которые ждут Вас, — ниже.")
            return redirect(url_for("client.my"), 303)
    return render_template("auth/invitation.html", invitation=invitation, secret=secret, errors=errors,
                           min_length=MIN_LENGTH), (422 if errors else 200)


def _refused(text: str, status: int, headers: dict | None = None):
    page = render_template("errors.html", code=status, title="Ссылка-приглашение не действует", text=text)
    return page, status, headers or {}
