"""Complaint pages (3.8(14)): a client files a complaint and reads the answer; the ЦПЭ (own region)
and central staff read complaints here and handle them as tasks in the task list."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..applications import complaints
from ..accounts import AccountError
from ..extensions import db
from ..roles import Role
from ..workflow.errors import NothingDeployed
from .guards import restrict_to

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
restrict_to(bp, Role.CLIENT, Role.CPE, Role.MO_REC, Role.MANAGER, Role.ADMIN)


@bp.get("/")
def index():
    return render_template("complaints/index.html", complaints=complaints.complaints_of(current_user),
                           may_file=current_user.has_role(Role.CLIENT))


@bp.get("/<int:complaint_id>")
def show(complaint_id: int):
    complaint = complaints.complaint_of(current_user, complaint_id) or abort(404)
    return render_template("complaints/show.html", c=complaint)


@bp.post("/")
def create():
    try:
        instance, first = complaints.file_complaint(current_user)
    except complaints.ComplaintRefused:
        abort(403)
    except AccountError as exc:
        db.session.rollback()
        flash(exc.message)
        return redirect(url_for("client.company"), 303)
    except NothingDeployed:
        db.session.rollback()
        flash("Подать жалобу пока нельзя: модель процесса не развёрнута. Обратитесь в ЦПЭ.")
        return redirect(url_for(".index"), 303)
    flash(f"Жалоба № {instance.id} создана. Опишите её и отправьте в ЦПЭ.")
    if first is None:
        return redirect(url_for(".show", complaint_id=instance.id), 303)
    return redirect(url_for("task_form.show", task_id=first.task_id), 303)
