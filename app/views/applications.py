"""Read-only pages over the instances: the list of applications and the application card."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, Timer

bp = Blueprint("applications", __name__)
PAGE_SIZE = 50


@bp.get("/")
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(ProcessInstance).order_by(ProcessInstance.id.desc())
    total = db.session.scalar(select(func.count()).select_from(ProcessInstance))
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("applications/index.html", rows=rows, page=page, total=total, page_size=PAGE_SIZE)


@bp.get("/applications/<int:instance_id>")
def card(instance_id: int):
    instance = db.session.get(ProcessInstance, instance_id) or abort(404)
    tasks = db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)
                               .order_by(OpenTask.id)).all()
    timers = db.session.scalars(select(Timer).where(Timer.instance_id == instance_id)
                                .order_by(Timer.due_at)).all()
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                               .order_by(AuditEvent.id)).all()
    children = db.session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == instance_id)).all()
    return render_template("applications/card.html", instance=instance, tasks=tasks, timers=timers,
                           audit=audit, children=children)


@bp.get("/health")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
