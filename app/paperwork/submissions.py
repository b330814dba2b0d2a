"""What was entered in a form of an application: the data of the latest completion of a task
with that form, from the audit trail (which keeps every completion's data).

A form is found by the elements that use it in the model version the application runs on, so a
renamed task or a moved step still finds its data.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, ProcessInstance
from ..workflow.deployments import model_of_id
from ..statuses import AuditAction


@dataclass(frozen=True)
class Submission:
    form: str
    at: datetime
    actor: str
    task_id: str | None
    data: dict


def latest(instance: ProcessInstance, form: str) -> Submission | None:
    return latest_of([instance], [form]).get(instance.id, {}).get(form)


def latest_of(instances: list[ProcessInstance], forms: list[str]) -> dict[int, dict[str, Submission]]:
    """{instance id: {form: its latest submission}} for ``instances``, in two queries' worth of work."""
    element_forms: dict[tuple[int, str], dict[str, str]] = {}
    for instance in instances:
        key = (instance.deployment_id, instance.process_id)
        if key not in element_forms:
            catalog = model_of_id(instance.deployment_id).catalogs.get(instance.process_id)
            element_forms[key] = {e.id: e.properties.get("form") for e in catalog.elements.values()
                                  if e.properties.get("form") in forms} if catalog else {}
    elements = {element for mapping in element_forms.values() for element in mapping}
    by_id = {i.id: i for i in instances}
    result: dict[int, dict[str, Submission]] = defaultdict(dict)
    if not elements or not by_id:
        return result
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.instance_id.in_(list(by_id)), AuditEvent.action == AuditAction.COMPLETED,
        AuditEvent.element_id.in_(sorted(elements))).order_by(AuditEvent.id))
    for event in events:
        instance = by_id[event.instance_id]
        form = element_forms[(instance.deployment_id, instance.process_id)].get(event.element_id)
        data = (event.details or {}).get("data")
        if form and isinstance(data, dict):
            result[instance.id][form] = Submission(form, event.at, event.actor, event.task_id, data)
    return result
