"""Read-only pages over the instances: the list of applications and the application card.

Both need a login and show only what ``app.access`` lets the user see; a card the user may not
see answers 404, as if it did not exist, so its number tells nothing either.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..access import can_see_instance, visible_instances
from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, Timer

bp = Blueprint("applications", __name__)
PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(visible_instances(select(func.count()).select_from(ProcessInstance), current_user))
    query = visible_instances(select(ProcessInstance), current_user).order_by(ProcessInstance.id.desc())
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("applications/index.html", rows=rows, page=page, total=total, page_size=PAGE_SIZE)


@bp.get("/applications/<int:instance_id>")
@login_required
def card(instance_id: int):
    instance = db.session.get(ProcessInstance, instance_id)
    if not can_see_instance(current_user, instance):
        abort(404)
    tasks = db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)
                               .order_by(OpenTask.id)).all()
    timers = db.session.scalars(select(Timer).where(Timer.instance_id == instance_id)
                                .order_by(Timer.due_at)).all()
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                               .order_by(AuditEvent.id)).all()
    children = db.session.scalars(visible_instances(
        select(ProcessInstance).where(ProcessInstance.parent_id == instance_id), current_user)).all()
    return render_template("applications/card.html", instance=instance, tasks=tasks, timers=timers,
                           audit=audit, children=children)


@bp.get("/health")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
