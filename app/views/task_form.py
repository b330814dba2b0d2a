"""Task pages: a task's form with what it decides on, its draft, and its completion.

What a step decides on is its form's to say (``x-shows``: kinds of case-file entry, shown read-only
with their documents and the changes since their previous version); a form that reopens a filed
document (``x-opens-with``) starts from its latest version, with the remarks it answers
(``x-remarks``) beside the fields.

The page reads the posted form and shows the result; the rights, every field check, the
completion, its case-file entry and the drafts are ``tasks.submission``'s, the same service the
API calls. Only who may act sees a task page: 404 for an application the user may not see, 403
for another role or region, or a task someone else has taken.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..applications.case_view import decides_on, reopened
from ..applications.documents import documents_of
from ..dates import fmt_datetime
from ..applications.remarks import open_remarks, remarks_history
from ..extensions import db
from ..forms.input import read_form
from ..forms.render import error_label, initial_values, sections, widget_of
from ..models import OpenTask, ProcessInstance
from ..ops.requests import concerns
from ..paperwork import task_papers
from ..roadmap import prefill as roadmap_prefill
from ..roles import Role
from ..tasks import submission
from ..tasks.claims import NotAllowed
from ..tasks.drafts import DraftTooLarge, load_draft, save_draft
from ..tasks.fields import own_files_only
from ..tasks.rights import on_behalf_of
from ..tasks.worklist import deadline_state, next_task
from ..workflow.errors import Conflict, InvalidTaskData, NotFound, StepFailed, TaskAlreadyDone
from ..workflow.runtime import runtime
from .paperwork import task_download
from .roadmap import task_page_extras

bp = Blueprint("task_form", __name__)

ALREADY_DONE = "Задачу уже выполнил другой пользователь"


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    task, instance = _task_for_user(task_id)
    schema = submission.form_for(current_user, task, instance)
    draft = load_draft(task.task_id, current_user.id)
    values = draft.data if draft else reopened(instance, schema) or initial_values(
        schema, {"company_name": instance.company_name, "company_inn": instance.company_inn,
                 **task_papers.prefill(task.form, instance), **roadmap_prefill(task.form, instance)})
    return _page(task, instance, schema, values, {}, draft=draft)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    task, instance = _task_for_user(task_id)
    schema = submission.form_for(current_user, task, instance)
    data = read_form(schema, request.form)
    uploads = {name: upload for name, upload in request.files.items() if upload and upload.filename}
    action = request.form.get("_action")
    if action == "draft" or (action in task_papers.ACTIONS and task_papers.offer(task.form)):
        return _keep(task, instance, schema, data, uploads, action)
    # Read before the commit expires them: afterwards each would be loaded again.
    done = f"Задача «{task.name}» по заявке № {instance.id} выполнена."
    home = "client.my" if _client_only() else "tasks.index"
    try:
        submission.submit(current_user, task.task_id, data, uploads)
    except InvalidTaskData as exc:
        db.session.rollback()
        return _page(task, instance, schema, data, {e.field: e.message for e in exc.errors}, status=422)
    except StepFailed as exc:  # the model's code stopped it: the page keeps what was typed
        return _page(task, instance, schema, data, {}, status=409, failure=str(exc))
    except Conflict:
        db.session.rollback()
        return _already_done()
    except NotFound:
        abort(404)
    if home == "tasks.index" and (following := next_task(current_user, task_id)) is not None:
        flash(f"{done} Открыта следующая из «Мои задачи».")
        return redirect(url_for(".show", task_id=following), 303)
    flash(done)
    return redirect(url_for(home), 303)


@bp.post("/tasks/<task_id>/draft")
@login_required
def autosave(task_id: str):
    """The page's autosave: what is typed, kept as the draft by the drafts service the API's PUT
    uses; files are not sent (an upload is kept when the form is posted), the ids of those already
    uploaded are. JSON for the page's script: when it was saved, or why not."""
    task, instance = _task_for_user(task_id)
    schema = submission.form_for(current_user, task, instance)
    data = read_form(schema, request.form)
    for foreign in own_files_only(instance, schema, data):
        data.pop(foreign.field, None)
    try:
        draft = save_draft(task.task_id, current_user.id, data)
    except DraftTooLarge as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), exc.http_status
    return jsonify(saved_at=draft.saved_at.isoformat(), saved=fmt_datetime(draft.saved_at))


def _keep(task, instance, schema, data, uploads, action):
    """«Сохранить черновик», or make the document to sign from what is on the page (kept as a
    draft meanwhile)."""
    problems = submission.store_uploads(current_user, task, instance, schema, data, uploads)
    for foreign in own_files_only(instance, schema, data):  # nobody links another application's file in
        data.pop(foreign.field, None)
        problems.append(foreign)
    errors = {p.field: p.message for p in problems}
    try:
        save_draft(task.task_id, current_user.id, data)
    except DraftTooLarge as exc:
        db.session.rollback()
        errors[""] = str(exc)
    if action == "draft":
        if errors:
            return _page(task, instance, schema, data, errors, status=422)
        flash("Черновик сохранён.")
        return redirect(url_for(".show", task_id=task.task_id), 303)
    errors.update({p.field: p.message for p in task_papers.problems(schema, data)})
    if not errors:
        return task_download(task.form, instance, data, action)
    return _page(task, instance, schema, data, errors, status=422)


def _task_for_user(task_id: str) -> tuple[OpenTask, ProcessInstance]:
    try:
        task, instance = submission.actionable(current_user, task_id)
    except TaskAlreadyDone:
        abort(make_response(*_already_done()))
    except NotFound:
        abort(404)
    except submission.ClaimedByOther as exc:
        abort(make_response(render_template("errors.html", code=403, title="Задача в работе у другого пользователя",
                                            text=f"{exc}."), 403))
    except NotAllowed:
        abort(403)
    concerns(instance.id)  # for the request's log lines: a task's URL does not name its application
    return task, instance


def _page(task, instance, schema, values, errors, *, draft=None, status=200, failure=None):
    file_ids = [values.get(k) for k, p in schema.get("properties", {}).items()
                if widget_of(p) == "file" and values.get(k)]
    summary = [(path, error_label(path, schema), message) for path, message in errors.items()]
    template, extras = task_page_extras(task, instance)
    now = runtime().clock.now()
    built = sections(schema, values, errors, documents_of(instance.id, file_ids))
    # A rework answers the remarks its form names (x-remarks): on top, and beside each field.
    answering = open_remarks(instance, schema["x-remarks"], schema.get("x-case")) if schema.get("x-remarks") else None
    for f in (f for section in built for f in section.fields) if answering else ():
        f.remarks = answering.by_field.get(f.name, [])
    return render_template(
        template, **extras, task=task, instance=instance, schema=schema, errors=errors, summary=summary,
        sections=built, draft=draft, remarks=remarks_history(instance, current_user, answering),
        shows=decides_on(instance, schema), answering=answering,
        now=now, due_state=deadline_state(task, now), stand_in=on_behalf_of(current_user, task),
        papers=task_papers.offer(task.form), failure=failure), status


def _already_done():
    return render_template("errors.html", code=409, title=ALREADY_DONE,
                           text="Пока страница была открыта, задачу выполнили. Обновите список задач."), 409


def _client_only() -> bool:
    return current_user.has_role(Role.CLIENT) and len(current_user.roles) == 1
