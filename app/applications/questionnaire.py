"""The questionnaire an application was filed with, for the pages that decide on it.

The ЦПЭ (step 2) and МО РЭЦ (step 3) check the Анкета, and a client answering remarks needs to
see what they sent. The audit trail keeps the data of every completion, so the answers are those
of the latest completion of a task whose form (per the application's model version) is the
questionnaire.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, ProcessInstance
from ..workflow.deployments import model_of_id
from ..statuses import AuditAction

QUESTIONNAIRE_FORM = "application_questionnaire"
# What a process is filed with, by the client: the staff who decide on it read it on their pages.
FILED_FORMS = (QUESTIONNAIRE_FORM, "complaint_submission")


@dataclass(frozen=True)
class Submitted:
    form: str
    at: datetime
    actor: str
    data: dict


def submitted_questionnaire(instance: ProcessInstance) -> Submitted | None:
    catalog = model_of_id(instance.deployment_id).catalogs.get(instance.process_id)
    filed = {e.id: e.properties.get("form") for e in catalog.elements.values()
             if e.properties.get("form") in FILED_FORMS} if catalog else {}
    elements = list(filed)
    if not elements:
        return None
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == AuditAction.COMPLETED,
        AuditEvent.element_id.in_(elements)).order_by(AuditEvent.id.desc()).limit(1))
    data = (event.details or {}).get("data") if event is not None else None
    if not isinstance(data, dict):
        return None
    return Submitted(form=filed[event.element_id], at=event.at, actor=event.actor, data=data)
