"""/admin/jobs: the background jobs, queued, running, done or failed with the error; «Повторить»."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..jobs import queue
from ..models import BackgroundJob
from ..roles import Role
from ..statuses import JobState
from .guards import restrict_to

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")
restrict_to(bp, Role.ADMIN)
LIMIT = 200


@bp.get("/")
def index():
    state = request.args.get("state") or None
    if state is not None and state not in set(JobState):
        state = None
    query = select(BackgroundJob).order_by(BackgroundJob.queued_at.desc(), BackgroundJob.id.desc()).limit(LIMIT)
    if state:
        query = query.where(BackgroundJob.state == state)
    return render_template("admin/jobs.html", jobs=db.session.scalars(query).all(), state=state, states=JobState,
                           in_process=queue.in_process())


@bp.post("/<int:job_id>/retry")
def retry(job_id: int):
    try:
        job = queue.retry(job_id, current_user.email)
    except queue.JobNotFailed as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for(".index"), 303)
    flash(f"Задание «{job.kind_label}» поставлено в очередь снова.")
    return redirect(url_for(".index"), 303)
