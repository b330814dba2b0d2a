"""What a scenario step expects, compared with what the application shows after it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..calendar import MOSCOW
from ..extensions import db
from ..forms.examples import example
from ..models import AuditEvent, OpenTask, ProcessInstance
from ..tasks.rights import STAND_INS
from ..workflow.deployments import forms_dir
from .format import has_time, parse_moment
from ..statuses import AuditAction, TimerKind

REGIONAL_ROLES = ("client", "cpe")
DUE_FIELDS = {TimerKind.NORMATIVE: "normative_due", TimerKind.INDICATIVE: "indicative_due", "wait": "wait_due"}
STATUS_WORDS = {"application_status": "статус заявки", "service_status": "статус услуги"}
DUE_WORDS = {TimerKind.NORMATIVE: "нормативный срок", TimerKind.INDICATIVE: "индикативный срок", "wait": "срок ожидания"}


class Diverged(Exception):
    """The model did not do what the scenario expects at this step."""


def open_tasks(instance) -> list[OpenTask]:
    return db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance.id)
                              .order_by(OpenTask.id)).all()


def find_task(instance, step: dict) -> OpenTask:
    """The open task the step names (by name or by step number of table 5.9), if ``by`` may do it."""
    wanted = str(step["complete"])
    tasks = open_tasks(instance)
    matches = [t for t in tasks if t.name == wanted] or [t for t in tasks if t.step == wanted]
    if len(matches) != 1:
        have = ", ".join(f"«{t.name}» (шаг {t.step or '-'})" for t in tasks) or "нет открытых задач"
        what = "несколько задач" if matches else "нет задачи"
        raise Diverged(f"ожидалась задача «{wanted}», а {what} с таким названием или номером шага; открыты: {have}")
    task = matches[0]
    who = step.get("by")
    if who is not None:
        role = who["role"] if isinstance(who, dict) else who
        region = who.get("region") if isinstance(who, dict) else None
        stand_in = {r.value: s.value for r, s in STAND_INS.items()}.get(task.role)
        if role not in (task.role, stand_in):
            raise Diverged(f"задачу «{task.name}» выполняет роль {task.role}, а не {role}: "
                           "проверьте дорожку задачи")
        if region is not None and role in REGIONAL_ROLES and region != instance.region:
            raise Diverged(f"задача «{task.name}» заявки региона {instance.region} недоступна роли {role} "
                           f"региона {region}")
    return task


def payload_for(task: OpenTask, data: dict) -> dict:
    """The step's data over the example answer of the task's form (the scenario app's forms)."""
    answer = example(task.form, forms_dir()) if task.form else None
    return {**(answer or {}), **data}


@dataclass(frozen=True)
class Mismatch:
    """One thing a step expected and the model did otherwise. ``path`` is where the expectation
    is written in the step's ``expect`` (() when no value can replace it), ``was`` the value
    written there and ``value`` what the model did, written as the scenario writes it."""

    text: str
    expected: str
    got: str
    path: tuple = ()
    was: object = None
    value: object = None

    @classmethod
    def plain(cls, text: str) -> "Mismatch":
        """A problem said in words only (a missing task, a step that failed): split where it says
        «ожидалось X, получено Y», else all of it is what the model did."""
        found = _EXPECTED_GOT.match(text)
        if not found:
            return cls(text, "—", text)
        what = found["what"]
        return cls(text, f"{what}: {found['expected']}" if what else found["expected"], found["got"])


# A check says "<what>: ожидалось X, получено Y" or "ожидалась задача X, а …".
_EXPECTED_GOT = re.compile(r"^(?:(?P<what>[^:]+?): )?ожидал\w* (?P<expected>.+?), (?:получен\w*|а) (?P<got>.+)$")


def compare(instance: ProcessInstance, expect: dict) -> list[Mismatch]:
    problems: list[Mismatch] = []

    def differs(key, what, actual):
        expected = expect[key]
        if key == "tasks":
            expected = sorted(expected)
        if expected != actual:
            problems.append(Mismatch(f"{what}: ожидалось {_show(expected)}, получено {_show(actual)}",
                                     f"{what}: {_show(expected)}", _show(actual),
                                     (key,) if actual is not None else (), expect[key], actual))

    for line in ("application_status", "service_status"):
        if line in expect:
            differs(line, STATUS_WORDS[line], getattr(instance, line))
    if "state" in expect:
        differs("state", "состояние заявки", str(instance.state))
    tasks = open_tasks(instance)
    if "tasks" in expect:
        differs("tasks", "открытые задачи", sorted(t.name for t in tasks))
    if "history" in expect:
        differs("history", "история статусов заявки", _history(instance, "application_status"))
    if "service_history" in expect:
        differs("service_history", "история статусов услуги", _history(instance, "service_status"))
    if "consultation" in expect:
        child = db.session.scalar(select(ProcessInstance).where(ProcessInstance.parent_id == instance.id)
                                  .order_by(ProcessInstance.id))
        differs("consultation", "консультация", child.application_status if child else None)
    for name, dues in (expect.get("due") or {}).items():
        task = next((t for t in tasks if t.name == name), None)
        if task is None:
            problems.append(Mismatch.plain(f"срок задачи «{name}»: задача не открыта"))
            continue
        for kind, text in dues.items():
            actual = getattr(task, DUE_FIELDS[kind])
            if not _same_moment(text, actual):
                what = f"{DUE_WORDS[kind]} задачи «{name}»"
                problems.append(Mismatch(f"{what}: ожидался {text}, получен {_when(actual)}", f"{what}: {text}",
                                         _when(actual), ("due", name, kind) if actual else (), text,
                                         _written_like(text, actual) if actual else None))
    return problems


def _written_like(text: str, moment) -> str:
    """A moment with the precision of the expectation it replaces: a date, or a time to the second."""
    local = moment.astimezone(MOSCOW)
    if not has_time(text):
        return f"{local:%d.%m.%Y}"
    return f"{local:%d.%m.%Y %H:%M}" if local.second == 0 else f"{local:%d.%m.%Y %H:%M:%S}"


def _history(instance, line: str) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.status_to).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == AuditAction.STATUS,
        AuditEvent.status_line == line).order_by(AuditEvent.id)))


def _same_moment(text: str, actual) -> bool:
    if actual is None:
        return False
    expected = parse_moment(text)
    if has_time(text):
        return expected == actual
    return expected.date() == actual.astimezone(MOSCOW).date()


def _when(moment) -> str:
    return moment.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M:%S") if moment else "нет срока"


def _show(value) -> str:
    if value is None:
        return "нет"
    if isinstance(value, list):
        return "[" + ", ".join(f"«{v}»" for v in value) + "]"
    return f"«{value}»"
