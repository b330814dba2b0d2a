"""/admin/incidents: operations the model's code stopped; an administrator retries or closes them.

Views stay thin: each action is one call of ``app.incidents`` and a redirect with what happened.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import incidents
from ..extensions import db
from ..roles import Role
from ..statuses import IncidentState
from ..workflow.errors import WorkflowError
from .guards import restrict_to

bp = Blueprint("incidents", __name__, url_prefix="/admin/incidents")
restrict_to(bp, Role.ADMIN)


@bp.get("/")
def index():
    show_all = request.args.get("all") == "1"
    rows = incidents.incidents_of(state=None if show_all else IncidentState.OPEN)
    return render_template("admin/incidents.html", incidents=rows, show_all=show_all)


@bp.post("/<int:incident_id>/retry")
def retry(incident_id: int):
    try:
        incident = incidents.retry(incident_id, current_user.email)
    except WorkflowError as exc:  # stopped again, or the task is gone: the incident says which
        db.session.rollback()
        flash(f"Повтор не удался: {exc}")
    else:
        flash(f"Инцидент № {incident.id} устранён: шаг выполнен.")
    return redirect(url_for(".index"), 303)


@bp.post("/<int:incident_id>/dismiss")
def dismiss(incident_id: int):
    note = (request.form.get("note") or "").strip()
    if not note:
        flash("Укажите, почему инцидент закрывается без повтора.")
        return redirect(url_for(".index"), 303)
    try:
        incidents.dismiss(incident_id, current_user.email, note)
    except WorkflowError as exc:
        db.session.rollback()
        flash(str(exc))
    else:
        flash(f"Инцидент № {incident_id} закрыт без повтора.")
    return redirect(url_for(".index"), 303)
