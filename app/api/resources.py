"""What the API says about an application, a task and an audit event: plain JSON values.

Times are ISO 8601 with the Moscow offset (+03:00), the zone the regulation's deadlines are
counted in; a client system that wants UTC converts without guessing.
"""
from __future__ import annotations

from datetime import datetime

from ..calendar import MOSCOW
from ..applications.casefile import audit_note
from ..accounts import invitations
from ..accounts.names import display_name
from ..models import AuditEvent, OpenTask, ProcessInstance
from ..notifications.outbox import smtp_enabled
from ..tasks.worklist import deadline_state
from ..statuses import AuditAction


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(MOSCOW).isoformat() if moment else None


def application_summary(instance: ProcessInstance) -> dict:
    return {
        "id": instance.id,
        "process": instance.process_id,
        "parent_id": instance.parent_id,
        "company": {"name": instance.company_name, "inn": instance.company_inn},
        "region": instance.region,
        "application_status": instance.application_status,
        "service_status": instance.service_status,
        "state": instance.state,
        "started_at": iso(instance.started_at),
        "updated_at": iso(instance.updated_at),
        "completed_at": iso(instance.completed_at),
    }


def application_resource(instance: ProcessInstance, tasks: list[OpenTask], history: list[AuditEvent],
                         now: datetime) -> dict:
    return {**application_summary(instance), "tasks": [task_resource(t, now) for t in tasks],
            "history": [history_item(e) for e in history]}


def task_resource(task: OpenTask, now: datetime, instance: ProcessInstance | None = None) -> dict:
    body = {
        "id": task.task_id,
        "application_id": task.instance_id,
        "name": task.name,
        "step": task.step,
        "role": task.role,
        "region": task.region,
        "form": task.form,
        "assignee": task.assignee,
        "claimed_at": iso(task.claimed_at),
        "ready_at": iso(task.ready_at),
        "normative_due": iso(task.normative_due),
        "indicative_due": iso(task.indicative_due),
        "wait_due": iso(task.wait_due),
        "deadline_state": deadline_state(task, now) or None,
    }
    if instance is not None:
        body["application"] = application_brief(instance)
    return body


def remarks_resource(answering) -> dict | None:
    """The remarks a rework answers (``remarks.OpenRemarks``): the comment, what the ЦПЭ added
    passing МО РЭЦ's on, and the remarks by field with the field's title; who by name."""
    if answering is None:
        return None
    entry = answering.entry
    return {"at": iso(entry.at), "by": display_name(entry.actor), "step": entry.step, "comment": answering.comment,
            "forwarded_comment": answering.forwarded_comment,
            "fields": [{"field": name, "title": answering.titles.get(name, name), "remarks": texts}
                       for name, texts in answering.by_field.items()]}


def application_brief(instance: ProcessInstance) -> dict:
    """The columns the task list loads of an application (``worklist.task_page``), no more."""
    return {"id": instance.id, "company": {"name": instance.company_name, "inn": instance.company_inn},
            "region": instance.region, "application_status": instance.application_status,
            "service_status": instance.service_status}


def history_item(event: AuditEvent) -> dict:
    assignee = audit_note(event, "assignee") if event.action in (AuditAction.CLAIMED, AuditAction.ASSIGNED) else None
    return {
        "at": iso(event.at),
        "actor": event.actor,
        "on_behalf_of": event.on_behalf_of,
        "action": event.action,
        "element": event.element_name,
        "element_id": event.element_id,
        "task_id": event.task_id,
        "status_line": event.status_line,
        "status_from": event.status_from,
        "status_to": event.status_to,
        "assignee": assignee,
    }


def invitation_resource(invitation, now: datetime) -> dict:
    """An invitation as the API shows it to staff: who, until when, its state; never the link."""
    return {"id": invitation.id, "application_id": invitation.instance_id, "full_name": invitation.user.full_name,
            "email": invitation.user.email, "state": str(invitations.state(invitation, now)),
            "created_at": invitation.created_at.isoformat(),
            "expires_at": invitation.expires_at.isoformat(),
            "e_mailed": smtp_enabled()}
