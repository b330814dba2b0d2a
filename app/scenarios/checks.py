"""What a scenario step expects, compared with what the application shows after it."""
from __future__ import annotations

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


def compare(instance: ProcessInstance, expect: dict) -> list[str]:
    problems = []

    def differs(what, expected, actual):
        if expected != actual:
            problems.append(f"{what}: ожидалось {_show(expected)}, получено {_show(actual)}")

    for line in ("application_status", "service_status"):
        if line in expect:
            differs(STATUS_WORDS[line], expect[line], getattr(instance, line))
    if "state" in expect:
        differs("состояние заявки", expect["state"], str(instance.state))
    tasks = open_tasks(instance)
    if "tasks" in expect:
        differs("открытые задачи", sorted(expect["tasks"]), sorted(t.name for t in tasks))
    if "history" in expect:
        differs("история статусов заявки", expect["history"], _history(instance, "application_status"))
    if "service_history" in expect:
        differs("история статусов услуги", expect["service_history"], _history(instance, "service_status"))
    if "consultation" in expect:
        child = db.session.scalar(select(ProcessInstance).where(ProcessInstance.parent_id == instance.id)
                                  .order_by(ProcessInstance.id))
        differs("консультация", expect["consultation"], child.application_status if child else None)
    for name, dues in (expect.get("due") or {}).items():
        task = next((t for t in tasks if t.name == name), None)
        if task is None:
            problems.append(f"срок задачи «{name}»: задача не открыта")
            continue
        for kind, text in dues.items():
            actual = getattr(task, DUE_FIELDS[kind])
            if not _same_moment(text, actual):
                problems.append(f"{DUE_WORDS[kind]} задачи «{name}»: ожидался {text}, получен {_when(actual)}")
    return problems


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
