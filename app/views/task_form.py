"""Task pages: a task's form, its draft, its uploads, and its completion.

Only who may act sees a task page: the task's role where the task is (``app.task_rights``),
and only its assignee once it is claimed; an application the user may not see answers 404.
The form is checked on the server; errors come back next to each field with what was typed.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import can_see_instance
from ..applications.documents import UploadRejected, documents_of, store_upload
from ..tasks.drafts import DraftTooLarge, drop_drafts, load_draft, save_draft
from ..extensions import db
from ..forms.input import check_options, read_form
from ..forms.render import error_label, initial_values, sections, widget_of
from ..forms.schema import load_form, validate
from ..models import AuditEvent, OpenTask, ProcessInstance
from ..paperwork import task_papers
from ..applications.questionnaire import QUESTIONNAIRE_FORM, submitted_questionnaire
from ..applications.remarks import remarks_history
from ..roadmap import check_roadmap, prefill as roadmap_prefill
from ..roles import Role
from ..tasks.rights import may_take, on_behalf_of
from ..workflow.deployments import forms_dir
from ..workflow.errors import Conflict, InvalidTaskData, NotFound, StepFailed
from ..workflow.instances import complete_task
from ..tasks.worklist import deadline_state
from ..workflow.runtime import runtime
from .paperwork import task_download
from .roadmap import task_page_extras
from ..statuses import AuditAction

bp = Blueprint("task_form", __name__)

ALREADY_DONE = "Задачу уже выполнил другой пользователь"
EMPTY_FORM = {"type": "object", "properties": {}}


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    task, instance = _task_for_user(task_id)
    schema = _schema(task)
    draft = load_draft(task.task_id, current_user.id)
    values = draft.data if draft else initial_values(
        schema, {"company_name": instance.company_name, "company_inn": instance.company_inn,
                 **task_papers.prefill(task.form, instance), **roadmap_prefill(task.form, instance)})
    return _page(task, instance, schema, values, {}, draft=draft)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    task, instance = _task_for_user(task_id)
    schema = _schema(task)
    data = read_form(schema, request.form)
    errors = _take_files(task, instance, schema, data)
    if request.form.get("_action") == "draft":
        if refused := _keep_draft(task, data):
            return _page(task, instance, schema, data, {**errors, "": refused}, status=422)
        if errors:
            return _page(task, instance, schema, data, errors, status=422)
        flash("Черновик сохранён.")
        return redirect(url_for(".show", task_id=task.task_id), 303)
    if request.form.get("_action") in task_papers.ACTIONS and task_papers.offer(task.form):
        # The document to sign is made from what is on the page, kept as a draft meanwhile.
        refused = _keep_draft(task, data)
        errors = {p.field: p.message for p in task_papers.problems(schema, data)}
        if refused:
            errors[""] = refused
        if not errors:
            return task_download(task.form, instance, data, request.form["_action"])
        return _page(task, instance, schema, data, errors, status=422)
    for problem in check_options(schema, data) + validate(schema, data) + check_roadmap(task.form, data):
        errors.setdefault(problem.field, problem.message)
    if not errors:
        # Read before the commit expires them: afterwards each would be loaded again.
        done = f"Задача «{task.name}» по заявке № {instance.id} выполнена."
        home = "client.my" if _client_only() else "tasks.index"
        try:
            complete_task(instance.id, task.task_id, data, actor=current_user.email,
                          on_behalf_of=on_behalf_of(current_user, task))
        except InvalidTaskData as exc:
            errors = {e.field: e.message for e in exc.errors}
        except StepFailed as exc:  # the model's code stopped it: the page keeps what was typed
            return _page(task, instance, schema, data, {}, status=409, failure=str(exc))
        except Conflict:
            db.session.rollback()
            return _already_done()
        except NotFound:
            abort(404)
        else:
            drop_drafts(task_id)
            flash(done)
            return redirect(url_for(home), 303)
    return _page(task, instance, schema, data, errors, status=422)


def _keep_draft(task: OpenTask, data: dict) -> str | None:
    """Save the draft; the reason it was not saved (too large), shown on the page with the data."""
    try:
        save_draft(task.task_id, current_user.id, data)
    except DraftTooLarge as exc:
        db.session.rollback()
        return str(exc)
    return None


def _task_for_user(task_id: str) -> tuple[OpenTask, ProcessInstance]:
    task = db.session.scalar(select(OpenTask).where(OpenTask.task_id == task_id))
    if task is None:
        # Done meanwhile: say so to whoever could see it, a plain 404 to everyone else.
        done = db.session.scalar(select(AuditEvent).where(AuditEvent.task_id == task_id,
                                                          AuditEvent.action == AuditAction.COMPLETED).limit(1))
        if done is not None and can_see_instance(current_user, db.session.get(ProcessInstance, done.instance_id)):
            abort(make_response(*_already_done()))
        abort(404)
    instance = db.session.get(ProcessInstance, task.instance_id)
    if not can_see_instance(current_user, instance):
        abort(404)
    if not may_take(current_user, task, instance):
        abort(403)
    if task.assignee not in (None, current_user.email):
        abort(make_response(render_template("errors.html", code=403, title="Задача в работе у другого пользователя",
                                            text=f"Задачу взял в работу {task.assignee}."), 403))
    return task, instance


def _schema(task: OpenTask) -> dict:
    return load_form(task.form, forms_dir()) if task.form else EMPTY_FORM


def _take_files(task: OpenTask, instance: ProcessInstance, schema: dict, data: dict) -> dict[str, str]:
    """Store the files posted with the form; a file field's value becomes the document id.

    A value kept from an earlier upload (the hidden input) must be a document of this
    application, or it is dropped: nobody links another application's file into theirs.
    """
    errors: dict[str, str] = {}
    for key, prop in schema.get("properties", {}).items():
        if widget_of(prop) != "file":
            continue
        upload = request.files.get(key)
        if upload is not None and upload.filename:
            try:
                document = store_upload(upload, instance_id=instance.id, task_id=task.task_id, field=key,
                                        spec=prop, uploaded_by=current_user.email)
            except UploadRejected as exc:
                errors[key] = str(exc)
            else:
                data[key] = str(document.id)
                continue
        if key in data and not documents_of(instance.id, [data[key]]):
            data.pop(key)
            errors.setdefault(key, "Файл не найден: загрузите его снова")
    return errors


def _page(task, instance, schema, values, errors, *, draft=None, status=200, failure=None):
    file_ids = [values.get(k) for k, p in schema.get("properties", {}).items()
                if widget_of(p) == "file" and values.get(k)]
    summary = [(path, error_label(path, schema), message) for path, message in errors.items()]
    template, extras = task_page_extras(task, instance)
    return render_template(
        template, **extras, task=task, instance=instance, schema=schema, errors=errors, summary=summary,
        sections=sections(schema, values, errors, documents_of(instance.id, file_ids)), draft=draft,
        remarks=remarks_history(instance.id, current_user), questionnaire=_questionnaire(task, instance),
        now=runtime().clock.now(),
        due_state=deadline_state(task, runtime().clock.now()),
        stand_in=on_behalf_of(current_user, task), papers=task_papers.offer(task.form), failure=failure), status


def _questionnaire(task, instance):
    """The questionnaire filed with the application, as read-only sections (with its time), for
    every task page but the questionnaire's own: the ЦПЭ and МО РЭЦ check it, the client answers
    remarks about it."""
    submitted = submitted_questionnaire(instance)
    if submitted is None or task.form == submitted.form:
        return None
    schema = load_form(submitted.form, forms_dir())
    file_ids = [submitted.data.get(k) for k, p in schema.get("properties", {}).items()
                if widget_of(p) == "file" and submitted.data.get(k)]
    return {"at": submitted.at, "title": schema.get("title"), "complaint": submitted.form != QUESTIONNAIRE_FORM,
            "sections": sections(schema, submitted.data, {}, documents_of(instance.id, file_ids))}


def _already_done():
    return render_template("errors.html", code=409, title=ALREADY_DONE,
                           text="Пока страница была открыта, задачу выполнили. Обновите список задач."), 409


def _client_only() -> bool:
    return current_user.has_role(Role.CLIENT) and len(current_user.roles) == 1
