"""Roadmap pages: an application's roadmap with its done marks, saving marks, overdue steps.

Whoever sees the application (``app.access``) sees its roadmap; marks are set by who may do
step 10 (the ЦПЭ of the region, or the step's assignee once it is claimed) while it is open.
The overdue list is for the ЦПЭ (its region) and МО РЭЦ (all regions), who follow the roadmaps.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..applications import reading as applications
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from ..roadmap import overdue_steps, roadmap_of, today_in_moscow
from ..roadmap.current import EXECUTION_FORM, ROADMAP_FORMS
from ..roadmap.marks import MarksChangedMeanwhile, RoadmapNotInExecution, check_marks, read_marks, save_marks
from ..roles import Role
from ..tasks.rights import may_complete
from ..workflow.runtime import runtime

bp = Blueprint("roadmap", __name__)

OVERDUE_ROLES = (Role.CPE, Role.MO_REC, Role.MANAGER)
NOT_IN_EXECUTION = "Отметки о выполнении ставятся, пока исполняется согласованная дорожная карта (шаг 10)"


def execution_task(instance_id: int) -> OpenTask | None:
    return db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id,
                                                    OpenTask.form == EXECUTION_FORM).limit(1))


def may_mark(user, instance: ProcessInstance, task: OpenTask | None) -> bool:
    return task is not None and may_complete(user, task, instance)


def today():
    return today_in_moscow(runtime().clock.now())


@bp.get("/applications/<int:instance_id>/roadmap")
@login_required
def show(instance_id: int):
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    return _page(instance, errors={}, posted=None)


@bp.post("/applications/<int:instance_id>/roadmap/marks")
@login_required
def mark(instance_id: int):
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    task = execution_task(instance_id)
    roadmap = roadmap_of(instance, today())
    if task is None or roadmap is None or not roadmap.executing:
        return _page(instance, errors={"": NOT_IN_EXECUTION}, posted=None, status=409)
    if not may_mark(current_user, instance, task):
        abort(403)
    marks, problems = read_marks(roadmap, request.form)
    problems += check_marks(marks, today())
    if problems:
        return _page(instance, errors={p.field: p.message for p in problems}, posted=request.form, status=422)
    try:
        changed = save_marks(instance_id, roadmap, marks, actor=current_user.email, now=runtime().clock.now())
    except RoadmapNotInExecution:
        return _page(instance, errors={"": NOT_IN_EXECUTION}, posted=None, status=409)
    except MarksChangedMeanwhile:
        return _page(instance, errors={"": "Отметки только что изменил другой пользователь: проверьте их и "
                                           "сохраните снова"}, posted=None, status=409)
    flash(f"Отметки о выполнении сохранены (изменено шагов: {changed})." if changed else "Изменений нет.")
    if request.form.get("back") == "task":
        return redirect(url_for("task_form.show", task_id=task.task_id), 303)
    return redirect(url_for(".show", instance_id=instance_id), 303)


@bp.get("/roadmap/overdue")
@login_required
def overdue():
    if not any(current_user.has_role(role) for role in OVERDUE_ROLES):
        abort(403)
    region = (request.args.get("region") or "").strip() or None
    rows = overdue_steps(current_user, today(), region)
    return render_template("roadmap/overdue.html", rows=rows, region=region, today=today(),
                           region_filter=current_user.region is None)


def _page(instance, *, errors: dict, posted, status: int = 200):
    task = execution_task(instance.id)
    return render_template("roadmap/page.html", instance=instance, roadmap=roadmap_of(instance, today()),
                           may_mark=may_mark(current_user, instance, task), errors=errors, posted=posted,
                           today=today()), status


def task_page_extras(task: OpenTask, instance: ProcessInstance) -> tuple[str, dict]:
    """The template of a task page and what it adds: roadmap tasks show the roadmap above the form."""
    if task.form not in ROADMAP_FORMS:
        return "tasks/task.html", {}
    return "roadmap/task.html", {"roadmap": roadmap_of(instance, today()),
                                 "may_mark": may_mark(current_user, instance, execution_task(instance.id))}


@bp.app_template_global("card_roadmap")
def card_roadmap(instance: ProcessInstance) -> dict:
    """The roadmap section of the application card (the card's view stays as it is)."""
    return {"roadmap": roadmap_of(instance, today()),
            "may_mark": may_mark(current_user, instance, execution_task(instance.id))}
