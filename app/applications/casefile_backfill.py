"""Filling the case file of applications filed before it existed, from their audit trail.

Until the case file, each completion's audit event carried the submitted data and the step's
timing (``details = {"data", "step", "role", "region", "ready_at", "normative_due",
"indicative_due"}``) and each decision table run its outputs (``{"decision", "outputs"}``). This
turns them into entries, in order, numbered per kind as new ones are, with the form found by
the element in the application's model version and its kind in the form file (``x-case``), and
moves the roadmap's done marks onto the new entries' ids. It works on tables, not on the ORM
models, so the migration that calls it keeps working when the models change.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from ..engine.catalog import read_catalog
from ..models.types import UTCDateTime
from ..engine.xmlfile import read_xml

MAX_ID = 2**31  # an integer column's range: larger digits (an INN, an ОГРН) name no row
_meta = sa.MetaData()
audit = sa.Table("audit_events", _meta, sa.Column("id", sa.Integer), sa.Column("instance_id", sa.Integer),
                 sa.Column("at", UTCDateTime()), sa.Column("actor", sa.String), sa.Column("on_behalf_of", sa.String),
                 sa.Column("action", sa.String), sa.Column("element_id", sa.String),
                 sa.Column("element_name", sa.String), sa.Column("task_id", sa.String),
                 sa.Column("details", sa.JSON))
instances = sa.Table("process_instances", _meta, sa.Column("id", sa.Integer), sa.Column("deployment_id", sa.Integer),
                     sa.Column("process_id", sa.String), sa.Column("region", sa.String))
files = sa.Table("deployment_files", _meta, sa.Column("deployment_id", sa.Integer), sa.Column("name", sa.String),
                 sa.Column("content", sa.LargeBinary))
documents = sa.Table("documents", _meta, sa.Column("id", sa.Integer), sa.Column("instance_id", sa.Integer),
                     sa.Column("field", sa.String), sa.Column("original_name", sa.String),
                     sa.Column("sha256", sa.String), sa.Column("size", sa.Integer))
marks = sa.Table("roadmap_marks", _meta, sa.Column("instance_id", sa.Integer), sa.Column("version", sa.Integer))


def backfill(connection, entries_table, forms_dir: Path, moment, kinds_then: dict[str, str] | None = None) -> int:
    """Write the entries of every audit event that carried step data; the number written.

    ``moment(text)`` turns a stored ISO time into what the table's time columns take;
    ``kinds_then`` names the kind of forms whose ``x-case`` has changed since the events were
    written (a form that meant something else then)."""
    kinds = {**_kinds(forms_dir), **(kinds_then or {})}
    forms_by_deployment: dict[int, dict[tuple[str, str], str]] = {}
    meta = {r.id: r for r in connection.execute(sa.select(instances))}
    last: dict[tuple[int, str], int] = {}
    written, moved = 0, {}
    query = sa.select(audit).where(audit.c.action.in_(("completed", "decided"))).order_by(audit.c.id)
    for event in connection.execute(query):
        details = _json(event.details)
        instance = meta.get(event.instance_id)
        if instance is None:
            continue
        if event.action == "completed" and isinstance(details.get("data"), dict):
            element_forms = forms_by_deployment.get(instance.deployment_id)
            if element_forms is None:
                element_forms = forms_by_deployment[instance.deployment_id] = _element_forms(connection,
                                                                                            instance.deployment_id)
            form = element_forms.get((instance.process_id, event.element_id))
            kind, data = kinds.get(form), details["data"]
            row = dict(step=details.get("step"), form=form, kind=kind, role=details.get("role"),
                       region=details.get("region") or instance.region, data=data,
                       ready_at=moment(details.get("ready_at")), normative_due=moment(details.get("normative_due")),
                       indicative_due=moment(details.get("indicative_due")),
                       documents=_documents(connection, event.instance_id, data))
        elif event.action == "decided" and isinstance(details.get("outputs"), dict):
            row = dict(step=None, form=details.get("decision"), kind="decision", role=None, region=instance.region,
                       data=details["outputs"], ready_at=None, normative_due=None, indicative_due=None, documents=[])
        else:
            continue
        key = (event.instance_id, row["kind"] or row["form"] or "")
        last[key] = last.get(key, 0) + 1
        new_id = connection.execute(sa.insert(entries_table).values(
            instance_id=event.instance_id, deployment_id=instance.deployment_id, task_id=event.task_id,
            element_id=event.element_id, name=event.element_name, form_version=None, version=last[key],
            actor=event.actor, on_behalf_of=event.on_behalf_of, at=event.at, **row)
            .returning(entries_table.c.id)).scalar_one()
        if row["kind"] == "roadmap":
            moved[event.id] = new_id
        written += 1
    for old, new in moved.items():  # a done mark belongs to the roadmap version it was made on
        connection.execute(sa.update(marks).where(marks.c.version == old).values(version=new))
    return written


def _json(value) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _kinds(forms_dir: Path) -> dict[str, str]:
    found = {}
    for path in Path(forms_dir).glob("*.json"):
        try:
            kind = json.loads(path.read_text(encoding="utf-8")).get("x-case")
        except (OSError, ValueError, AttributeError):
            continue
        if kind:
            found[path.stem] = kind
    return found


def _element_forms(connection, deployment_id: int) -> dict[tuple[str, str], str]:
    found = {}
    for name, content in connection.execute(sa.select(files.c.name, files.c.content)
                                            .where(files.c.deployment_id == deployment_id)):
        if not name.endswith(".bpmn"):
            continue
        try:
            catalogs = read_catalog(read_xml(content), name)
        except Exception:  # noqa: BLE001  a stored version that cannot be read has no forms to find
            continue
        for catalog in catalogs:
            for element in catalog.elements.values():
                if form := element.properties.get("form"):
                    found[(catalog.process_id, element.id)] = form
    return found


def _documents(connection, instance_id: int, data: dict) -> list[dict]:
    """The application's uploaded files that the data names in the very field they were uploaded for."""
    ids = {int(v) for v in data.values() if isinstance(v, (str, int)) and str(v).isdigit() and int(v) < MAX_ID}
    if not ids:
        return []
    rows = connection.execute(sa.select(documents).where(documents.c.instance_id == instance_id,
                                                         documents.c.id.in_(sorted(ids))).order_by(documents.c.id))
    return [{"field": r.field, "id": r.id, "name": r.original_name, "sha256": r.sha256, "size": r.size}
            for r in rows if str(data.get(r.field)) == str(r.id)]


def iso_moment(text) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None
