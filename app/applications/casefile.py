"""The case file of an application: what each step decided, typed and versioned.

Every completed step writes an entry in the same transaction as the engine state (the step,
the form and the form's version, who and on whose behalf, when, the data, the documents by
their stored hash); every decision table run writes one too. Readers ask for a kind of entry
(``CaseKind``: «the agreement», «the roadmap as sent»), never for a form file's name, and never
dig into the audit trail: this module is the only one that reads ``AuditEvent.details``
(``audit_note``), and only for what the trail itself records (who a task was handed to).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import bindparam, func, insert, select

from ..extensions import db
from ..models import AuditEvent, CaseEntry, Document
from ..statuses import CaseKind


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object


# -- writing (inside the step's transaction) --------------------------------------------------------
def completion_row(instance, task, data: dict, *, actor: str, on_behalf_of: str | None, now: datetime,
                   kind: str | None, form_version: str | None, file_fields: Iterable[str]) -> dict:
    """The entry of a completed task ``task`` (its OpenTask row), not yet numbered."""
    return dict(instance_id=instance.id, deployment_id=instance.deployment_id, task_id=task.task_id,
                element_id=task.element_id, name=task.name, step=task.step, kind=kind, form=task.form,
                form_version=form_version, actor=actor, on_behalf_of=on_behalf_of, role=task.role,
                region=task.region, ready_at=task.ready_at, normative_due=task.normative_due,
                indicative_due=task.indicative_due, at=now, data=data,
                documents=_documents(instance.id, data, file_fields))


def decision_rows(instance, decisions, *, now: datetime) -> list[dict]:
    """One entry per decision table the engine ran in the step: its outputs."""
    return [dict(instance_id=instance.id, deployment_id=instance.deployment_id, task_id=None,
                 element_id=d.element_id, name=d.name, step=None, kind=CaseKind.DECISION, form=d.decision_id,
                 form_version=None, actor="system", on_behalf_of=None, role=None, region=instance.region,
                 ready_at=None, normative_due=None, indicative_due=None, at=now, data=dict(d.outputs),
                 documents=[]) for d in decisions]


_TABLE = CaseEntry.__table__
_KEY = func.coalesce(_TABLE.c.kind, _TABLE.c.form)
_LAST_VERSIONS = (select(_KEY, func.max(_TABLE.c.version)).where(_TABLE.c.instance_id == bindparam("instance_id"))
                  .group_by(_KEY))
# The ids come back matched by (kind or form, version), unique within the instance, rather than
# in parameter order: SQLite can only promise that order one row per statement.
_INSERT = insert(_TABLE).returning(_TABLE.c.id, _TABLE.c.kind, _TABLE.c.form, _TABLE.c.version)


def write(rows: list[dict]) -> list[int]:
    """Number each row among the instance's entries of its kind (or form) and insert them in
    one statement (in their order); the ids, in the rows' order."""
    if not rows:
        return []
    instance_id = rows[0]["instance_id"]
    last = dict(db.session.execute(_LAST_VERSIONS, {"instance_id": instance_id}).all())
    for row in rows:
        key = row["kind"] or row["form"]
        last[key] = row["version"] = (last.get(key) or 0) + 1
    ids = {(r.kind or r.form, r.version): r.id for r in db.session.execute(_INSERT, rows)}
    return [ids[(row["kind"] or row["form"], row["version"])] for row in rows]


def _documents(instance_id: int, data: dict, file_fields: Iterable[str]) -> list[dict]:
    wanted = {str(data[f]): f for f in file_fields if str(data.get(f) or "").isdigit() and int(data[f]) < 2**31}
    if not wanted:
        return []
    found = db.session.scalars(select(Document).where(Document.instance_id == instance_id,
                                                      Document.id.in_([int(i) for i in wanted])))
    return [{"field": wanted[str(d.id)], "id": d.id, "name": d.original_name, "sha256": d.sha256, "size": d.size}
            for d in sorted(found, key=lambda d: d.id)]


# -- reading ------------------------------------------------------------------------------------------
def entries(instance_id: int, kinds: Iterable[str] | None = None) -> list[CaseEntry]:
    """The instance's entries in the order they were written (optionally of some kinds only)."""
    query = select(CaseEntry).where(CaseEntry.instance_id == instance_id)
    if kinds is not None:
        query = query.where(CaseEntry.kind.in_([str(k) for k in kinds]))
    return list(db.session.scalars(query.order_by(CaseEntry.id)))


def entry(instance_id: int, entry_id: int) -> CaseEntry | None:
    """One entry of the instance's case file (None for another application's)."""
    return db.session.scalar(select(CaseEntry).where(CaseEntry.instance_id == instance_id, CaseEntry.id == entry_id))


def latest(instance_id: int, kind: CaseKind) -> CaseEntry | None:
    return db.session.scalar(select(CaseEntry).where(CaseEntry.instance_id == instance_id,
                                                     CaseEntry.kind == kind).order_by(CaseEntry.id.desc()).limit(1))


def versions(instance_id: int, kind: CaseKind) -> list[CaseEntry]:
    return entries(instance_id, [kind])


def previous(entry: CaseEntry) -> CaseEntry | None:
    """The entry of the same kind before ``entry`` (the questionnaire as filed before a rework)."""
    return db.session.scalar(select(CaseEntry).where(
        CaseEntry.instance_id == entry.instance_id, CaseEntry.kind == entry.kind, CaseEntry.id < entry.id)
        .order_by(CaseEntry.id.desc()).limit(1))


def latest_of(instance_ids: Iterable[int], kinds: Iterable[CaseKind]) -> dict[int, dict[str, CaseEntry]]:
    """{instance id: {kind: its latest entry}} for many applications (lists, registers) at once."""
    ids, kinds = list(instance_ids), [str(k) for k in kinds]
    result: dict[int, dict[str, CaseEntry]] = {i: {} for i in ids}
    if not ids:
        return result
    for entry in db.session.scalars(select(CaseEntry).where(CaseEntry.instance_id.in_(ids),
                                                            CaseEntry.kind.in_(kinds)).order_by(CaseEntry.id)):
        result[entry.instance_id][entry.kind] = entry
    return result


def of_task(task_id: str) -> CaseEntry | None:
    """The entry a completed task wrote (for «you completed this task» pages)."""
    return db.session.scalar(select(CaseEntry).where(CaseEntry.task_id == task_id).limit(1))


def sales_reports(instance_id: int) -> list[CaseEntry]:
    return versions(instance_id, CaseKind.SALES_REPORT)


def last_sales_report(instance_id: int, product: str | None = None) -> CaseEntry | None:
    """The latest sales report of the application, or the latest one that names ``product``."""
    for entry in reversed(sales_reports(instance_id)):
        if product is None or any(isinstance(r, dict) and r.get("product") == product
                                  for r in entry.data.get("sales") or []):
            return entry
    return None


def changes(before: CaseEntry | None, after: CaseEntry, schema: dict) -> list[FieldChange]:
    """What changed between two versions of an entry, field by field, in the form's order. A
    field marked ``x-version-note`` (a note to one version: «what I corrected») is no change."""
    if before is None:
        return []
    properties = schema.get("properties") or {}
    order = list(properties) + sorted((set(before.data) | set(after.data)) - set(properties))
    found = []
    for field in order:
        if (properties.get(field) or {}).get("x-version-note"):
            continue
        old, new = before.data.get(field), after.data.get(field)
        if _blank(old) and _blank(new) or old == new:
            continue
        label = (properties.get(field) or {}).get("title") or field
        found.append(FieldChange(field, label, old, new))
    return found


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def audit_note(event: AuditEvent, key: str):
    """A detail the audit trail itself records about an action (e.g. whom a task was assigned to)."""
    return (event.details or {}).get(key)
