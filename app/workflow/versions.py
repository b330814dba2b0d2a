"""Versions of the model: the list with who and when, the differences between two, going back.

A version is a deployment row; its number is the row's id. The differences are read from the
stored files with lxml (the same reading of the XML the validator and the task list use), so
any two versions compare, whether or not the engine could still run them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from sqlalchemy import func, select

from ..engine import ElementInfo, FlowInfo, read_catalog
from ..engine.xmlfile import DoctypeRefused, read_xml
from ..extensions import db
from ..models import Deployment, ProcessInstance
from ..statuses import InstanceState
from .deployments import deploy_bundle, get_deployment
from .errors import Conflict

REVERT_COMMENT = "Возврат к версии {number}"

_ELEMENT_FIELDS = [  # (attribute, what it is called on the page)
    ("type", "тип"), ("name", "название"), ("lane", "дорожка (роль)"), ("attached_to", "прикреплено к"),
    ("cancel_activity", "прерывающее"), ("timer", "таймер"), ("message", "сообщение"),
    ("definitions", "определения события"), ("default_flow", "поток по умолчанию"),
    ("script", "скрипт"), ("pre_script", "скрипт до шага"), ("post_script", "скрипт после шага"),
    ("documentation", "описание"),
]
_FLOW_FIELDS = [("name", "название"), ("source", "откуда"), ("target", "куда"), ("condition", "условие")]
_TYPES = {
    "userTask": "задача пользователя", "task": "задача", "manualTask": "ручная задача",
    "scriptTask": "скрипт", "serviceTask": "сервисная задача", "startEvent": "начальное событие",
    "endEvent": "конечное событие", "boundaryEvent": "граничное событие",
    "intermediateCatchEvent": "промежуточное событие", "intermediateThrowEvent": "промежуточное событие",
    "exclusiveGateway": "шлюз «или»", "parallelGateway": "параллельный шлюз",
    "inclusiveGateway": "включающий шлюз", "eventBasedGateway": "шлюз по событиям",
    "callActivity": "вызов процесса", "subProcess": "подпроцесс", "sequenceFlow": "поток",
    "businessRuleTask": "бизнес-правило", "sendTask": "отправка", "receiveTask": "получение",
}


@dataclass(frozen=True)
class VersionRow:
    number: int
    key: str
    deployed_at: datetime
    deployed_by: str
    comment: str | None
    running: int
    files: tuple[str, ...]


@dataclass
class Change:
    what: str
    old: str | None
    new: str | None


@dataclass
class ElementDiff:
    element_id: str
    name: str | None
    type: str
    kind: str  # added | removed | changed
    changes: list[Change] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return _TYPES.get(self.type, self.type)


@dataclass
class ProcessDiff:
    process_id: str
    name: str | None
    kind: str  # added | removed | changed
    elements: list[ElementDiff] = field(default_factory=list)


@dataclass
class VersionDiff:
    a: int
    b: int
    processes: list[ProcessDiff] = field(default_factory=list)
    files: list[ElementDiff] = field(default_factory=list)  # forms and decision tables, by file name

    @property
    def empty(self) -> bool:
        return not self.processes and not self.files


def list_versions() -> list[VersionRow]:
    running = dict(db.session.execute(
        select(ProcessInstance.deployment_id, func.count()).where(ProcessInstance.state == InstanceState.RUNNING)
        .group_by(ProcessInstance.deployment_id)).all())
    return [VersionRow(d.id, d.key, d.deployed_at, d.deployed_by, d.comment, running.get(d.id, 0),
                       tuple(f.name for f in d.files))
            for d in db.session.scalars(select(Deployment).order_by(Deployment.id.desc()))]


def latest_version() -> int | None:
    return db.session.scalar(select(func.max(Deployment.id)))


def diff_versions(a: int, b: int) -> VersionDiff:
    """What changed from version ``a`` to version ``b``: per process, element by element."""
    old_files, new_files = get_deployment(a).file_map(), get_deployment(b).file_map()
    old, new = _processes(old_files), _processes(new_files)
    result = VersionDiff(a, b)
    for pid in sorted(old.keys() | new.keys()):
        if pid not in new:
            result.processes.append(ProcessDiff(pid, old[pid].name, "removed"))
        elif pid not in old:
            result.processes.append(ProcessDiff(pid, new[pid].name, "added"))
        elif elements := _diff_process(old[pid], new[pid]):
            result.processes.append(ProcessDiff(pid, new[pid].name, "changed", elements))
    for name in sorted(old_files.keys() | new_files.keys()):
        if name.endswith(".bpmn"):
            continue
        before, after = old_files.get(name), new_files.get(name)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        changes = form_changes(before, after) if name.endswith(".json") and kind == "changed" else []
        result.files.append(ElementDiff(name, None, "form" if name.endswith(".json") else "file", kind, changes))
    return result


def revert_to(number: int, *, actor: str) -> Deployment:
    """Deploy the files of version ``number`` again, as a new version."""
    files = get_deployment(number).file_map()
    latest = latest_version()
    if latest is not None and get_deployment(latest).file_map() == files:
        raise Conflict(f"версия {number} совпадает с действующей версией {latest}: возвращаться не к чему")
    deployment, _ = deploy_bundle(files, actor=actor, comment=REVERT_COMMENT.format(number=number))
    return deployment


# -- reading and comparing ----------------------------------------------------------------
def _processes(files: dict[str, bytes]) -> dict:
    result = {}
    for name in sorted(files):
        if not name.endswith(".bpmn"):
            continue
        try:
            tree = read_xml(files[name])
        except (etree.XMLSyntaxError, DoctypeRefused):
            continue  # a stored version was checked at deploy; an unreadable one has nothing to compare
        for catalog in read_catalog(tree, name):
            result[catalog.process_id] = catalog
    return result


def _diff_process(old, new) -> list[ElementDiff]:
    found = []
    for before, after, fields in ((old.elements, new.elements, _ELEMENT_FIELDS),
                                  (old.flows, new.flows, _FLOW_FIELDS)):
        for element_id in sorted(before.keys() | after.keys()):
            was, now = before.get(element_id), after.get(element_id)
            if was is None:
                found.append(ElementDiff(element_id, now.name, _type(now), "added"))
            elif now is None:
                found.append(ElementDiff(element_id, was.name, _type(was), "removed"))
            elif changes := _changes(was, now, fields):
                found.append(ElementDiff(element_id, now.name, _type(now), "changed", changes))
    return found


def _type(item) -> str:
    return item.type if isinstance(item, ElementInfo) else "sequenceFlow"


def _changes(was: ElementInfo | FlowInfo, now: ElementInfo | FlowInfo, fields) -> list[Change]:
    changes = []
    for attribute, label in fields:
        before, after = _show(getattr(was, attribute)), _show(getattr(now, attribute))
        if before != after:
            changes.append(Change(label, before, after))
    for key in sorted(getattr(was, "properties", {}).keys() | getattr(now, "properties", {}).keys()):
        before, after = was.properties.get(key), now.properties.get(key)
        if before != after:
            changes.append(Change(f"свойство «{key}»", before, after))
    return changes


def _show(value) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, tuple):  # a timer: (timeDate | timeDuration | timeCycle, expression)
        return f"{value[0]}: {value[1]}"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def form_changes(before: bytes, after: bytes) -> list[Change]:
    """Fields of a JSON Schema form added, removed or changed."""
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError:
        return [Change("содержимое", None, None)]
    changes = []
    old_fields, new_fields = old.get("properties") or {}, new.get("properties") or {}
    for name in sorted(old_fields.keys() | new_fields.keys()):
        if old_fields.get(name) != new_fields.get(name):
            changes.append(Change(f"поле «{name}»", _brief(old_fields.get(name)), _brief(new_fields.get(name))))
    if old.get("required") != new.get("required"):
        changes.append(Change("обязательные поля", _show(old.get("required")), _show(new.get("required"))))
    if not changes:
        changes.append(Change("содержимое", None, None))
    return changes


def _brief(schema) -> str | None:
    if schema is None:
        return None
    return schema.get("title") or json.dumps(schema, ensure_ascii=False)[:120]
