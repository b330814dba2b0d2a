"""Submitting a step: the one way a person completes a task, through the page or the API.

``submit(user, task_id, data, uploads)`` does it all in one transaction: the rights check (the
task list's one rule, ``rights``), the files posted with it, every field check (the version's
form with its rules, as a stand-in files it or not; lists as they are now, the application's
own files, nothing undeclared), the completion, its case-file entry (who, and on whose behalf)
and dropping the task's drafts. The doors only parse their
input and show the service's errors: InvalidTaskData (422, per field), NotAllowed (403),
NotFound (404), TaskAlreadyDone / AlreadyClaimed / ConcurrentUpdate / StepFailed (409).
"""
from __future__ import annotations

from ..accounts.names import display_name
from ..applications.documents import UploadRejected, file_fields, store_upload
from ..forms.schema import FieldError
from ..models import OpenTask, ProcessInstance
from ..workflow.forms import form_for_reading, form_of
from ..workflow.instances import complete_task
from .claims import NotAllowed, load_task
from .fields import options_as_listed, own_files_only
from .rights import may_take, on_behalf_of


# What a person's submission passes besides the form: the lists as they are now, their own files.
PERSON_CHECKS = (options_as_listed, own_files_only)


class ClaimedByOther(NotAllowed):
    """Someone else has taken the task in work."""

    code = "claimed_by_other"


def actionable(user, task_id: str) -> tuple[OpenTask, ProcessInstance]:
    """The open task and its application if ``user`` may act on it now: NotFound when the
    application is not theirs to see, TaskAlreadyDone when it is done, NotAllowed for another
    role or region, ClaimedByOther when someone else has taken it."""
    task, instance = load_task(task_id, user)
    if not may_take(user, task, instance):
        raise NotAllowed("Эту задачу выполняет другая роль или другой регион")
    if task.assignee not in (None, user.email):
        raise ClaimedByOther(f"Задачу взял в работу {display_name(task.assignee)}")
    return task, instance


def store_uploads(user, task: OpenTask, instance: ProcessInstance, schema: dict, data: dict,
                  uploads: dict | None) -> list[FieldError]:
    """Keep the files posted with the form; a file field's value becomes the document's id."""
    problems = []
    fields = file_fields(schema)
    for field, upload in (uploads or {}).items():
        if field not in fields or upload is None or not upload.filename:
            continue
        try:
            document = store_upload(upload, instance_id=instance.id, task_id=task.task_id, field=field,
                                    spec=fields[field], uploaded_by=user.email)
        except UploadRejected as exc:
            problems.append(FieldError(field, str(exc)))
        else:
            data[field] = str(document.id)
    return problems


def submit(user, task_id: str, data: dict, uploads: dict | None = None) -> ProcessInstance:
    """Complete ``task_id`` as ``user`` with ``data`` (and the files of a page's post, whose
    document ids are put into ``data``, so a page refused for another field keeps them)."""
    task, instance = actionable(user, task_id)
    acting_for = on_behalf_of(user, task)
    schema = form_for_reading(instance, task.form, on_behalf=acting_for is not None)
    found = store_uploads(user, task, instance, schema, data, uploads)
    return complete_task(instance.id, task.task_id, data, actor=user.email, on_behalf_of=acting_for,
                         checks=PERSON_CHECKS, found=found)


def form_for(user, task: OpenTask, instance: ProcessInstance) -> dict:
    """The task's form as ``user`` fills it (a copy): with the fields a stand-in's filing adds."""
    return form_of(instance, task.form, on_behalf=on_behalf_of(user, task) is not None)
