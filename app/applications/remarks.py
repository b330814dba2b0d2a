"""The remarks and comments of an application, read from the audit trail of completed tasks.

Each completion records the form's data, so what was said (a decision's comment, the remarks
sent to the client, a refusal reason, the client's answer) is there in order. A client sees what
the regulation sends them and what they wrote; МО РЭЦ's comments to the ЦПЭ stay with staff.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent
from ..roles import Role
from ..statuses import AuditAction

# form field -> how the history names it
TEXT_FIELDS = {
    "remarks": "Замечания",
    "comment": "Комментарий",
    "refusal_reason": "Причина отказа",
    "answer": "Ответ на замечания",
    "changes": "Что исправлено",
}
DECISIONS = {"approve": "Согласовано", "remarks": "Замечания", "reject": "Отказ"}
# What a client is shown: texts addressed to them, and their own.
CLIENT_FIELDS = {"remarks", "refusal_reason", "answer", "changes"}


@dataclass(frozen=True)
class Remark:
    at: datetime
    actor: str
    on_behalf_of: str | None
    step_name: str | None
    decision: str | None
    label: str
    text: str


def remarks_history(instance_id: int, user) -> list[Remark]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                         AuditEvent.action == AuditAction.COMPLETED)
                                .order_by(AuditEvent.id)).all()
    client_only = user.has_role(Role.CLIENT) and len(user.roles) == 1
    result = []
    for event in events:
        details = event.details or {}
        data = details.get("data") or {}
        for key, label in TEXT_FIELDS.items():
            text = data.get(key)
            if not isinstance(text, str) or not text.strip():
                continue
            # The ЦПЭ's comment on its own check goes to the client; others are between staff.
            if client_only and key not in CLIENT_FIELDS and details.get("role") != Role.CPE:
                continue
            result.append(Remark(at=event.at, actor=event.actor, on_behalf_of=event.on_behalf_of,
                                 step_name=event.element_name, decision=DECISIONS.get(data.get("decision")),
                                 label=label, text=text.strip()))
    return result
