"""Which operator an application's agreement names, recorded when the step that picks it is
completed, in the same transaction as that step's save.

The step is recognised by its form, not by its id in the model: a completed task whose form has
a field listing accredited operators (``"x-options": "accredited_operators"``) names the
application's operator, unless the agreement was not signed (``decision`` reject).
"""
from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache

from ..extensions import db
from ..forms.schema import FormError, load_form
from ..models import ApplicationOperator, Operator

log = logging.getLogger(__name__)
SOURCE = "accredited_operators"


@lru_cache(maxsize=None)
def _operator_fields(form: str) -> tuple[str, ...]:
    try:
        schema = load_form(form)
    except FormError:
        return ()
    return tuple(key for key, prop in schema.get("properties", {}).items() if prop.get("x-options") == SOURCE)


def record_from_step(instance, step, now: datetime) -> None:
    done = step.completed_task
    if done is None or not done.form or step.data.get("decision") == "reject":
        return
    for key in _operator_fields(done.form):
        value = step.data.get(key)
        operator = db.session.get(Operator, int(value)) if str(value or "").isdigit() else None
        if operator is None:
            # Pages and the API refuse an unknown operator; the shell and the demo do not ask.
            log.warning("instance %s: task %s names no registered operator (%r)", instance.id, done.id, value)
            continue
        link = db.session.get(ApplicationOperator, instance.id)
        if link is None:
            db.session.add(ApplicationOperator(instance_id=instance.id, operator_id=operator.id, task_id=done.id,
                                               assigned_at=now))
        else:
            link.operator_id, link.task_id, link.assigned_at = operator.id, done.id, now
