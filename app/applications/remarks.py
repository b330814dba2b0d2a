"""The remarks and comments of an application, read from its case file.

Each completed step's entry holds the form's data, so what was said (a decision's comment, its
remarks on fields of the questionnaire, a refusal reason, the client's answer) is there in order.
Remarks are written once, in the decision (step 2 by the ЦПЭ, step 3 by МО РЭЦ): that text is
what the client reads, on top of the rework page and beside each field it concerns. A client
sees what the regulation sends them and what they wrote; МО РЭЦ's other comments to the ЦПЭ stay
with staff.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import CaseEntry, ProcessInstance
from ..roles import Role
from ..statuses import CaseKind
from ..workflow.forms import form_of
from . import casefile

# form field -> how the history names it
TEXT_FIELDS = {
    "remarks": "Замечания",
    "comment": "Комментарий",
    "refusal_reason": "Причина отказа",
    "answer": "Ответ на замечания",
    "changes": "Что исправлено",
}
FIELD_REMARKS = "field_remarks"  # a deciding form's table of {field, remark}
DECISIONS = {"approve": "Согласовано", "remarks": "Замечания", "reject": "Отказ"}
# What a client is shown: texts addressed to them, and their own.
CLIENT_FIELDS = {"remarks", "refusal_reason", "answer", "changes"}
# МО РЭЦ's remarks on the application reach the client through the ЦПЭ (3.1), as written.
TO_CLIENT_THROUGH_CPE = {CaseKind.APPROVAL}
# What the remarks on top of a rework are about, by the kind of the decision that returned it.
HEADINGS = {CaseKind.SALES_ACCEPTANCE: "Замечания ЦПЭ к отчёту"}


@dataclass(frozen=True)
class Remark:
    at: datetime
    actor: str
    on_behalf_of: str | None
    step_name: str | None
    decision: str | None
    label: str
    text: str


@dataclass
class OpenRemarks:
    """The remarks a rework answers: the decision that returned the application, its comment on
    top, its remarks by field, and what the ЦПЭ added when it passed МО РЭЦ's on (3.1)."""

    entry: CaseEntry
    comment: str | None
    by_field: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # field -> its title in the questionnaire
    forwarded: CaseEntry | None = None

    @property
    def heading(self) -> str:
        return HEADINGS.get(self.entry.kind, "Замечания к заявке")

    @property
    def forwarded_comment(self) -> str | None:
        text = (self.forwarded.data or {}).get("comment") if self.forwarded is not None else None
        return text.strip() if isinstance(text, str) and text.strip() else None


def remarks_history(instance: ProcessInstance, user, answering: "OpenRemarks | None" = None) -> list[Remark]:
    """What was said on the application, oldest first; the round a rework answers is left out,
    since the task page shows it on top and beside the fields."""
    shown = {answering.entry.id, answering.forwarded.id if answering.forwarded else None} if answering else set()
    client_only = user.has_role(Role.CLIENT) and len(user.roles) == 1
    result = []
    for entry in casefile.entries(instance.id):
        if entry.form is None or entry.kind == CaseKind.DECISION or entry.id in shown:
            continue  # a table's outputs say nothing to a person
        data = entry.data or {}
        decision = data.get("decision")
        to_client = entry.role == Role.CPE or (entry.kind in TO_CLIENT_THROUGH_CPE and decision == "remarks")

        def add(label: str, text: str) -> None:
            result.append(Remark(at=entry.at, actor=entry.actor, on_behalf_of=entry.on_behalf_of,
                                 step_name=entry.name, decision=DECISIONS.get(decision), label=label,
                                 text=text.strip()))

        for key, label in TEXT_FIELDS.items():
            text = data.get(key)
            if not isinstance(text, str) or not text.strip():
                continue
            # The ЦПЭ's comment on its own check goes to the client; others are between staff.
            if client_only and key not in CLIENT_FIELDS and not to_client:
                continue
            add(label, text)
        if data.get(FIELD_REMARKS) and (to_client or not client_only):
            titles = field_titles(instance, entry)
            for row in _rows(data):
                add(f"Замечание к полю «{titles.get(row[0], row[0])}»", row[1])
    return result


def open_remarks(instance: ProcessInstance, kinds, answered_by: str | None) -> OpenRemarks | None:
    """The remarks a task of kind ``answered_by`` answers: the latest entry of ``kinds`` that
    decided «remarks», unless a version of ``answered_by`` came after it (then they are answered)."""
    entries = casefile.entries(instance.id, [*kinds, CaseKind.REMARKS, *([answered_by] if answered_by else [])])
    found: OpenRemarks | None = None
    for entry in entries:
        data = entry.data or {}
        if entry.kind == answered_by:
            found = None
        elif entry.kind == CaseKind.REMARKS and found is not None:
            found.forwarded = entry
        elif entry.kind in kinds and data.get("decision") == "remarks":
            text = data.get("comment")
            found = OpenRemarks(entry, text.strip() if isinstance(text, str) and text.strip() else None)
            found.titles = field_titles(instance, entry)
            for name, remark in _rows(data):
                found.by_field.setdefault(name, []).append(remark)
    return found


def field_titles(instance: ProcessInstance, entry: CaseEntry) -> dict[str, str]:
    """The titles of the fields a decision's ``field_remarks`` may name (its form's list)."""
    schema = form_of(instance, entry.form)
    column = (((schema.get("properties") or {}).get(FIELD_REMARKS) or {}).get("items") or {}).get("properties", {})
    spec = column.get("field") or {}
    return dict(zip(spec.get("enum") or [], spec.get("x-enum-titles") or []))


def _rows(data: dict) -> list[tuple[str, str]]:
    rows = data.get(FIELD_REMARKS)
    return [(str(r["field"]), r["remark"].strip()) for r in rows if isinstance(r, dict) and r.get("field")
            and isinstance(r.get("remark"), str) and r["remark"].strip()] if isinstance(rows, list) else []
