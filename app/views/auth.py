"""Logging in and out; which user a session belongs to; where anonymous visitors are sent."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import end_sessions, log_in, user_for_session
from ..extensions import login_manager
from ..models import User
from ..accounts.throttle import Throttled

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Неверный e-mail или пароль"
THROTTLED = "Слишком много неудачных попыток входа. Повторите через {minutes} мин."


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    # A deactivated account, a changed password or «Выйти на всех устройствах» ends the open
    # sessions on their next request, not at their expiry.
    return user_for_session(session_id)


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target)
    if request.method == "GET":
        return _login_page()
    email = request.form.get("email", "")
    try:
        user = log_in(email, request.form.get("password", ""), request.remote_addr)
    except Throttled as exc:
        return _login_page(THROTTLED.format(minutes=exc.minutes), email), 429, {"Retry-After": str(exc.seconds)}
    if user is None:
        return _login_page(WRONG_CREDENTIALS, email)
    # A fresh session on login: whatever an attacker planted before it is dropped.
    session.clear()
    login_user(user)
    return redirect(target)


def _login_page(error: str | None = None, email: str = ""):
    return render_template("auth/login.html", error=error, email=email, next=request.values.get("next", ""))


@bp.post("/logout")
@login_required
def logout():
    return _logged_out("Вы вышли из системы.")


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    end_sessions(current_user)
    return _logged_out("Вы вышли на всех устройствах.")


def _logged_out(message: str):
    logout_user()
    session.clear()
    flash(message)
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    """``target`` when it is a path of this site, else the home page: never an open redirect."""
    default = url_for("tasks.home")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
