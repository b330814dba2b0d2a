"""The user's notifications in the app (4.3): the list, marking read, the header's unread badge,
and the user's own delivery settings (per kind: at once, in the 09:00 digest, in the app only).

Every query is bound to the current user's id, so someone else's notification answers 404 as
if it did not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..notifications import inbox, preferences
from ..notifications.outbox import smtp_enabled
from ..statuses import DeliveryMode
from ..workflow.runtime import runtime

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PAGE_SIZE = 50


@bp.app_context_processor
def unread_badge():
    # Lazy and kept for the request: only a page that draws the header pays for the COUNT,
    # and only once however many times the page asks.
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = inbox.unread_count(current_user.id)
        return g.unread_notifications
    return {"unread_notifications": unread_notifications}


@bp.get("")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    total = inbox.count_for(current_user.id)
    rows = inbox.page_for(current_user.id, page, PAGE_SIZE)
    return render_template("notifications/index.html", rows=rows, page=page, total=total,
                           page_size=PAGE_SIZE)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    if not inbox.mark_read(current_user.id, notification_id, runtime().clock.now()):
        abort(404)
    return redirect(url_for(".index", page=request.form.get("page", 1, type=int)))


@bp.post("/read-all")
@login_required
def read_all():
    marked = inbox.mark_all_read(current_user.id, runtime().clock.now())
    flash(f"Отмечено прочитанными: {marked}." if marked else "Непрочитанных уведомлений нет.")
    return redirect(url_for(".index"))


@bp.get("/settings")
@login_required
def settings():
    return _settings_page()


@bp.post("/settings")
@login_required
def save_settings():
    choices = {name: value for name, value in request.form.items() if name != "csrf_token"}
    try:
        preferences.save(current_user.id, choices, runtime().clock.now())
    except preferences.SettingError as exc:
        db.session.rollback()
        return _settings_page(exc), 400
    flash("Настройки уведомлений сохранены.")
    return redirect(url_for(".settings"))


def _settings_page(error: preferences.SettingError | None = None):
    return render_template("notifications/settings.html", settings=preferences.settings_of(current_user.id),
                           modes=list(DeliveryMode), error=error, errors={error.field: error.message} if error else {},
                           smtp=smtp_enabled())
