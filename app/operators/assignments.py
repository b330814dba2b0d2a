"""Which operator an application's agreement names, recorded when the step that picks it is
completed, in the same transaction as that step's save.

The step is recognised by its form, not by its id in the model: a completed task whose form has
a field listing accredited operators (``"x-options": "accredited_operators"``) names the
application's operator, unless the agreement was not signed (``decision`` reject). The value is
the one submitted (the case file's), not the engine's data after the step.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import ApplicationOperator, Operator

log = logging.getLogger(__name__)
SOURCE = "accredited_operators"
# The operator's id if it is registered (a whole Operator would load its users too).
_REGISTERED = select(Operator.id).where(Operator.id == bindparam("id"))


def record_operator(instance, completion, now: datetime) -> None:
    """The completion names the application's operator when its form lists accredited operators."""
    data = completion.data
    if data.get("decision") == "reject":
        return
    task_id = completion.task.task_id
    for key, prop in (completion.schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("x-options") != SOURCE:
            continue
        value = data.get(key)
        operator_id = db.session.scalar(_REGISTERED, {"id": int(value)}) if str(value or "").isdigit() else None
        if operator_id is None:
            # Pages and the API refuse an unknown operator; the shell and the demo do not ask.
            log.warning("instance %s: task %s names no registered operator (%r)", instance.id, task_id, value)
            continue
        link = db.session.get(ApplicationOperator, instance.id)
        if link is None:
            db.session.add(ApplicationOperator(instance_id=instance.id, operator_id=operator_id, task_id=task_id,
                                               assigned_at=now))
        else:
            link.operator_id, link.task_id, link.assigned_at = operator_id, task_id, now
