"""/api/v1/tasks: the caller's task list, a task with its form, claim, release, assign (one or, for
managers, many at once), upload, complete.

The rules are those of the task list and the task pages: the list is ``worklist.task_page``,
a task is acted on by whom ``tasks.submission.actionable`` allows, claims go through
``tasks.claims`` and completion through ``tasks.submission.submit``, the service the page
calls, which checks every field against the application's version of the form.
"""
from __future__ import annotations

from flask import Blueprint, request

from ..applications import reading as applications
from ..applications.case_view import reopened
from ..applications.remarks import open_remarks
from ..applications.documents import UploadRejected, file_fields, store_upload
from ..forms.render import with_options
from ..ops.requests import concerns
from ..tasks import bulk, claims, submission
from ..tasks.drafts import load_draft, save_draft
from ..tasks.rights import on_behalf_of
from ..statuses import BulkAction
from ..tasks.worklist import OPEN, SECTIONS, Filters, sections_for, task_page
from ..workflow.runtime import runtime
from .auth import caller, require_token
from .body import json_object, object_field, paging
from .errors import ApiError, Forbidden, Invalid, NotFound, install
from .resources import application_resource, remarks_resource, task_resource

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1/tasks")
require_token(bp)
install(bp)


@bp.get("")
def index():
    """``?section=``: open (default: mine and those I may claim), mine, available, overdue, today;
    all for managers and admins. The task list's filters apply: step, status, region, company."""
    user = caller()
    page, per_page = paging()
    section = request.args.get("section") or OPEN
    if section != OPEN and section not in sections_for(user):
        allowed = [OPEN] + [s for s in SECTIONS if s in sections_for(user)]
        raise ApiError(f"Неизвестный раздел «{section}»: допустимы {', '.join(allowed)}", field="section")
    result = task_page(user, section, Filters.from_args(request.args, user), page, per_page, with_open=True)
    return {"section": result.section, "items": [task_resource(t, result.now, i) for t, i in result.rows],
            "counts": result.counts, "page": result.page, "per_page": per_page, "total": result.total}


@bp.post("/bulk")
def bulk_action():
    """A manager claims, assigns or releases several tasks: ``{"action", "task_ids", "assignee"}``.
    200 with what was done and what was not, each task on its own (a conflict is a line of
    ``failed``, not an error of the request); 422 for a request that names no task or person."""
    user = caller()
    if not bulk.may_bulk(user):
        raise Forbidden("Отмечать несколько задач сразу может руководитель")
    body = json_object()
    task_ids = body.get("task_ids")
    if not isinstance(task_ids, list) or not all(isinstance(t, str) for t in task_ids):
        raise Invalid("Укажите task_ids — список идентификаторов задач", field="task_ids")
    try:
        assignee = (bulk.staff_member(body.get("assignee"), by="email")
                    if body.get("action") == BulkAction.ASSIGN else None)
        outcome = bulk.apply(user, str(body.get("action") or ""), task_ids, assignee=assignee)
    except bulk.BadBulkRequest as exc:
        raise Invalid(str(exc), field=exc.field) from None
    return {"action": outcome.action.value, "summary": outcome.summary(),
            "done": [_bulk_item(item) for item in outcome.done],
            "failed": [{**_bulk_item(item), "reason": line}
                       for (item, _), line in zip(outcome.failed, outcome.failure_lines())]}


def _bulk_item(item) -> dict:
    return {"task_id": item.task_id, "application_id": item.application_id, "step": item.step_name}


@bp.get("/<task_id>")
def show(task_id: str):
    """The task, with its form (JSON Schema with layout hints) for a client system to render, what
    the form opens with (a rework: the questionnaire as last filed) and the remarks it answers."""
    user = caller()
    task, instance = _actionable(task_id, user)
    schema = submission.form_for(user, task, instance)
    answering = open_remarks(instance, schema["x-remarks"], schema.get("x-case")) if schema.get("x-remarks") else None
    return {**task_resource(task, runtime().clock.now(), instance), "form_schema": with_options(schema),
            "initial_data": reopened(instance, schema), "remarks": remarks_resource(answering),
            "on_behalf_of": on_behalf_of(user, task)}


@bp.post("/<task_id>/claim")
def claim(task_id: str):
    claims.claim(task_id, caller())
    return _current(task_id)


@bp.post("/<task_id>/unclaim")
def unclaim(task_id: str):
    claims.unclaim(task_id, caller())
    return _current(task_id)


@bp.post("/<task_id>/assign")
def assign(task_id: str):
    """A manager hands the task to ``{"assignee": email}`` of the task's role and region."""
    body = json_object()
    assignee = body.get("assignee")
    if not isinstance(assignee, str) or not assignee.strip():
        raise Invalid("Укажите e-mail сотрудника, которому назначить задачу", field="assignee")
    try:
        claims.assign(task_id, caller(), assignee.strip())
    except claims.NotAnAssignee as exc:
        raise Invalid(str(exc), field="assignee") from None
    return _current(task_id)


@bp.get("/<task_id>/draft")
def draft(task_id: str):
    user = caller()
    task, _ = _actionable(task_id, user)
    saved = load_draft(task.task_id, user.id)
    if saved is None:
        raise NotFound("Черновика этой задачи у вас нет")
    return _draft_resource(saved)


@bp.put("/<task_id>/draft")
def keep_draft(task_id: str):
    """Kept as sent, without validation (like the page's «Сохранить черновик»); validated on completion."""
    user = caller()
    task, _ = _actionable(task_id, user)
    return _draft_resource(save_draft(task.task_id, user.id, object_field(json_object(), "data")))


def _draft_resource(saved) -> dict:
    return {"data": saved.data, "saved_at": saved.saved_at.isoformat()}


@bp.post("/<task_id>/documents")
def upload(task_id: str):
    """A file for a file field of the task's form (multipart: ``field``, ``file``); its ``value``
    goes into that field of the data on completion."""
    user = caller()
    task, instance = _actionable(task_id, user)
    fields = file_fields(submission.form_for(user, task, instance))
    field = request.form.get("field", "")
    if field not in fields:
        names = ", ".join(fields) or "нет ни одного"
        raise Invalid(f"В форме задачи нет поля файла «{field}»; поля файлов: {names}", field="field")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Приложите файл в части file запроса multipart/form-data", field="file")
    try:
        document = store_upload(upload, instance_id=instance.id, task_id=task.task_id, field=field,
                                spec=fields[field], uploaded_by=user.email)
    except UploadRejected as exc:
        raise Invalid(str(exc), field="file") from None
    return {"id": document.id, "value": str(document.id), "field": field, "name": document.original_name,
            "content_type": document.content_type, "size": document.size, "sha256": document.sha256}, 201


@bp.post("/<task_id>/complete")
def complete(task_id: str):
    """Complete with ``{"data": {...}}``: 200 with the application, 422 naming each wrong field."""
    user = caller()
    data = object_field(json_object(), "data")
    instance = submission.submit(user, task_id, data)
    concerns(instance.id)
    instance = applications.visible_instance(user, instance.id) or instance
    return application_resource(instance, applications.open_tasks_of(instance.id),
                                applications.history_of(instance.id), runtime().clock.now())


def _actionable(task_id: str, user):
    """The open task and its application, if ``user`` may act on it (``submission.actionable``)."""
    task, instance = submission.actionable(user, task_id)
    concerns(instance.id)
    return task, instance


def _current(task_id: str) -> dict:
    task, instance = claims.load_task(task_id, caller())
    concerns(instance.id)
    return task_resource(task, runtime().clock.now(), instance)

