"""The remarks and comments of an application, read from its case file.

Each completed step's entry holds the form's data, so what was said (a decision's comment, the
remarks sent to the client, a refusal reason, the client's answer) is there in order. A client
sees what the regulation sends them and what they wrote; МО РЭЦ's comments to the ЦПЭ stay with
staff.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..roles import Role
from . import casefile

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
    client_only = user.has_role(Role.CLIENT) and len(user.roles) == 1
    result = []
    for entry in casefile.entries(instance_id):
        if entry.form is None:  # a decision table's outputs say nothing to a person
            continue
        data = entry.data or {}
        for key, label in TEXT_FIELDS.items():
            text = data.get(key)
            if not isinstance(text, str) or not text.strip():
                continue
            # The ЦПЭ's comment on its own check goes to the client; others are between staff.
            if client_only and key not in CLIENT_FIELDS and entry.role != Role.CPE:
                continue
            result.append(Remark(at=entry.at, actor=entry.actor, on_behalf_of=entry.on_behalf_of,
                                 step_name=entry.name, decision=DECISIONS.get(data.get("decision")),
                                 label=label, text=text.strip()))
    return result
