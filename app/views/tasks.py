"""The task list (the home of staff) and the actions on it: claim, release, assign.

Actions are POST forms (CSRF-protected) that come back to the list with the same section and
filters. A claim that lost the race answers 409 with the list and who took the task.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..tasks import bulk, claims, saved_filters
from ..roles import Role
from ..statuses import BulkAction, FilterList
from ..tasks.rights import assignees_for, may_assign, may_take
from ..workflow.errors import Conflict, NotFound
from .saved_filter_forms import delete_posted, save_posted
from ..tasks.worklist import (PAGE_SIZE, SORTS, Filters, application_statuses, deadline_state, may_filter_region, step_choices,
                              task_page, working_days_left)

bp = Blueprint("tasks", __name__)

# Filter arguments carried through the actions, so the list comes back as it was.
LIST_ARGS = ("section", "step", "status", "region", "q", "sort", "page")


@bp.get("/")
@login_required
def home():
    """Clients start at their applications, everyone else at the task list."""
    if current_user.has_role(Role.CLIENT) and len(current_user.roles) == 1:
        return redirect(url_for("client.my"))
    return redirect(url_for(".index"))


@bp.get("/tasks")
@login_required
def index():
    filters = Filters.from_args(request.args, current_user)
    page = task_page(current_user, request.args.get("section"), filters, request.args.get("page", 1, type=int))
    statuses = application_statuses()
    user = current_user._get_current_object()  # once, not through the proxy for every row
    rows = [(task, instance, deadline_state(task, page.now), task.assignee == user.email,
             not task.assignee and may_take(user, task, instance), may_assign(user, task, instance),
             working_days_left(task, page.now))
            for task, instance in page.rows]
    # Managers tick rows they may assign; the select offers whom those rows may go to.
    staff = (bulk.staff_for(user, [(row[0], row[1]) for row in rows if row[5]]) if bulk.may_bulk(user) else None)
    return render_template("tasks/index.html", page=page, rows=rows, filters=filters, page_size=PAGE_SIZE,
                           steps=step_choices(user), statuses=statuses, region_filter=may_filter_region(user),
                           sorts=SORTS, list_args=_list_args(),
                           saved=saved_filters.visible_to(user), may_share=saved_filters.may_share(user),
                           staff=staff)


@bp.post("/tasks/filters")
@login_required
def save_filter():
    return save_posted(FilterList.TASKS, ".index", _list_args())


@bp.post("/tasks/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int):
    return delete_posted(filter_id, FilterList.TASKS, ".index", _list_args())


@bp.post("/tasks/bulk")
@login_required
def bulk_action():
    """«Взять», «Назначить…» or «Освободить» for the ticked rows (managers): each task on its own,
    those that could not be moved named by application and step."""
    if not bulk.may_bulk(current_user):
        abort(403)
    action = request.form.get("action", "")
    try:
        assignee = bulk.staff_member(request.form.get("assignee")) if action == BulkAction.ASSIGN else None
        outcome = bulk.apply(current_user, action, request.form.getlist("task"), assignee=assignee)
    except bulk.BadBulkRequest as exc:
        flash(str(exc))
        return redirect(url_for(".index", **_list_args()), 303)
    flash(outcome.summary())
    for line in outcome.failure_lines():
        flash(line)
    return redirect(url_for(".index", **_list_args()), 303)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    """«Взять»; with ``then=open`` («Взять и открыть», or «Взять» on the task page) the task's
    page follows, so starting work is one click."""
    opening = request.form.get("then") == "open"
    return _act(lambda: claims.claim(task_id, current_user), "Задача взята в работу.",
                then=url_for("task_form.show", task_id=task_id) if opening else None)


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    return _act(lambda: claims.unclaim(task_id, current_user), "Задача возвращена в доступные.")


@bp.route("/tasks/<task_id>/assign", methods=["GET", "POST"])
@login_required
def assign(task_id: str):
    try:
        task, instance = claims.load_task(task_id, current_user)
    except NotFound:
        abort(404)
    except Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".index"))
    if not may_assign(current_user, task, instance):
        abort(403)
    if request.method == "POST":
        return _act(lambda: claims.assign(task_id, current_user, request.form.get("assignee", "")),
                    "Задача назначена.")
    return render_template("tasks/assign.html", task=task, instance=instance,
                           candidates=assignees_for(task, instance), list_args=_list_args())


def _act(action, done_message: str, *, then: str | None = None):
    try:
        action()
    except NotFound:
        abort(404)
    except claims.NotAllowed:
        abort(403)
    except Conflict as exc:
        # The list as it now is, with the reason, under 409: a lost race is not a server error.
        flash(str(exc))
        response = make_response(index())
        response.status_code = 409
        return response
    flash(done_message)
    return redirect(then or url_for(".index", **_list_args()), 303)


def _list_args() -> dict[str, str]:
    source = request.args if request.method == "GET" else request.values
    return {key: source[key] for key in LIST_ARGS if source.get(key)}
