"""Case-file entries as people read them: read-only sections of a version, what changed since
the version before, the documents; what a step decides on; the case file as a list for the card.

What a task page shows is the deciding form's to say: ``"x-shows": ["agreement", "act"]`` lists
the kinds of entry its performer decides on (the latest version of each, when there is one), so
a new step that must show something needs a line in its form, not a branch here.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..forms.render import Field, Section, sections, widget_of
from ..forms.schema import OPENS_WITH
from ..models import CaseEntry, ProcessInstance
from ..roles import Role
from ..statuses import CaseKind
from ..workflow.forms import form_of
from . import casefile
from .documents import documents_of
from .remarks import open_remarks

LATEST, RETURNED = OPENS_WITH
# What a form that does not say (a version deployed before x-shows) shows: what was filed.
FILED = (CaseKind.QUESTIONNAIRE, CaseKind.COMPLAINT)
# Entries between staff (МО РЭЦ's decisions and word to the ЦПЭ, the accounting record): not on a
# client's card. МО РЭЦ's remarks reach the client on the rework page, as the ЦПЭ passed them on.
STAFF_ONLY = frozenset({CaseKind.APPROVAL, CaseKind.SERVICE_APPROVAL, CaseKind.ROADMAP_APPROVAL,
                        CaseKind.CRM_RECORD, CaseKind.SELECTION, CaseKind.ORIGINALS, CaseKind.DECISION})


@dataclass(frozen=True)
class ChangedField:
    label: str
    before: Field | None  # None: there was no answer
    after: Field | None  # None: the answer was removed


@dataclass
class ShownEntry:
    entry: CaseEntry
    label: str  # what kind of entry it is, in Russian («Соглашение»)
    title: str | None  # the form's title
    sections: list[Section]
    changes: list[ChangedField] = field(default_factory=list)
    changed: frozenset[str] = frozenset()  # names of the fields that changed since the version before
    previous: CaseEntry | None = None

    @property
    def kind(self) -> str:
        return self.entry.kind or ""


@dataclass(frozen=True)
class Version:
    entry: CaseEntry
    documents: list[dict]


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    versions: list[Version]


def kind_label(kind: str | None) -> str:
    try:
        return CaseKind(kind).label
    except ValueError:
        return kind or "—"


def shown(instance: ProcessInstance, entry: CaseEntry, *, compare: bool = True) -> ShownEntry:
    """``entry`` as read-only sections with its documents; with ``compare``, what changed since
    the previous version of its kind, field by field, with the form's titles."""
    # Read with every field the form may have: an entry filed on the client's behalf has its
    # signed scan, and the client's rework that follows it shows the scan as no longer attached.
    schema = form_of(instance, entry.form, on_behalf=True)
    data = entry.data or {}
    result = ShownEntry(entry=entry, label=kind_label(entry.kind), title=schema.get("title"),
                        sections=_sections(instance, schema, data))
    before = casefile.previous(entry) if compare and entry.kind else None
    if before is None:
        return result
    changes = casefile.changes(before, entry, schema)
    old = _by_name(_sections(instance, schema, before.data or {}))
    new = _by_name(result.sections)
    result.previous = before
    result.changed = frozenset(c.field for c in changes)
    result.changes = [ChangedField(c.label, old.get(c.field) if c.before not in (None, "", []) else None,
                                   new.get(c.field) if c.after not in (None, "", []) else None)
                      for c in changes]
    return result


def decides_on(instance: ProcessInstance, schema: dict) -> list[ShownEntry]:
    """What the task whose form is ``schema`` decides on: the latest entry of each kind its form
    lists in ``x-shows`` (none of its own kind: that one is the form), each with its changes; for
    a form without the key, what the application was filed with."""
    own = schema.get("x-case")
    result = []
    for kind in schema.get("x-shows", FILED):
        if kind == own:
            continue
        entry = casefile.latest(instance.id, kind)
        if entry is not None:
            result.append(shown(instance, entry))
    return result


def reopened(instance: ProcessInstance, schema: dict) -> dict:
    """What a form that reopens its document starts from: the latest version of its kind as
    filed, without the notes to that version — always (``"x-opens-with": "latest"``, the rework
    of 2.1), or only while that version was returned with remarks the form answers
    (``"returned"``, a sales report the ЦПЭ sent back; a new period's report starts afresh);
    {} for other forms and before a first version."""
    opens, kind = schema.get("x-opens-with"), schema.get("x-case")
    if opens not in OPENS_WITH or not kind:
        return {}
    if opens == RETURNED and open_remarks(instance, schema.get("x-remarks") or [], kind) is None:
        return {}
    entry = casefile.latest(instance.id, schema["x-case"])
    if entry is None:
        return {}
    properties = schema.get("properties", {})
    return {k: copy.deepcopy(v) for k, v in (entry.data or {}).items()
            if k in properties and not properties[k].get("x-version-note")}


def case_file(instance: ProcessInstance, user) -> list[KindGroup]:
    """The case file for the card: each kind of entry with its versions in order, kinds in the
    order they first appeared; decision tables' runs are the scoring, shown on its own."""
    groups: dict[str, list[Version]] = {}
    for entry in casefile.entries(instance.id):
        if not entry.kind or not may_read(user, entry):
            continue
        groups.setdefault(entry.kind, []).append(Version(entry, list(entry.documents or [])))
    return [KindGroup(kind, kind_label(kind), versions) for kind, versions in groups.items()]


def may_read(user, entry: CaseEntry) -> bool:
    """Whoever sees the application reads its entries; a client, not those between staff."""
    if entry.kind == CaseKind.DECISION:
        return False
    client_only = user.has_role(Role.CLIENT) and len(user.roles) == 1
    return not (client_only and entry.kind in STAFF_ONLY)


def _sections(instance: ProcessInstance, schema: dict, data: dict) -> list[Section]:
    file_ids = [data.get(k) for k, p in schema.get("properties", {}).items()
                if widget_of(p) == "file" and data.get(k)]
    found = sections(schema, data, {}, documents_of(instance.id, file_ids))
    # A value from a list kept in the database is named as it was when chosen (the operator's
    # name kept beside its id), not by today's list, which may have lost it.
    for f in (f for section in found for f in section.fields):
        title = data.get(f.schema.get("x-options-title") or "")
        if title and f.value not in (None, ""):
            f.options = [(f.text, str(title))]
    return found


def _by_name(found: list[Section]) -> dict[str, Field]:
    return {f.name: f for section in found for f in section.fields}


__all__ = ["ChangedField", "KindGroup", "ShownEntry", "Version", "case_file", "decides_on", "kind_label",
           "may_read", "reopened", "shown"]
