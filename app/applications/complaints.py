"""Complaints about support measures (regulation 3.8(14)): the client files one, the ЦПЭ of the
client's region registers it and answers, as the small process ``bpmn/complaint.bpmn``.

A complaint is a process instance of its own, bound to the client's region and company like an
application, so ``app.access`` decides who sees it and the task list shows its ЦПЭ steps to the
region's ЦПЭ only. What was filed, registered and answered is read from the audit trail, which
keeps the data of every completed step.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..access import can_see_instance, visible_instances
from ..accounts import AccountError
from ..extensions import db
from ..models import CaseEntry, OpenTask, ProcessInstance
from .mine import has_company
from ..roles import Role
from ..workflow.errors import WorkflowError
from ..workflow.instances import start_process
from ..statuses import CaseKind, ProcessId

COMPLAINT_PROCESS = ProcessId.COMPLAINT
SUBMISSION, REGISTRATION, ANSWER = CaseKind.COMPLAINT, CaseKind.COMPLAINT_REGISTRATION, CaseKind.COMPLAINT_ANSWER
OUTCOMES = {"upheld": "Жалоба обоснована", "partly_upheld": "Жалоба обоснована частично",
            "rejected": "Жалоба не обоснована"}


class ComplaintRefused(WorkflowError):
    http_status = 403


@dataclass
class Complaint:
    instance: ProcessInstance
    steps: dict[str, tuple[datetime, dict]]  # case kind -> (when it was sent, its data)
    tasks: list[OpenTask]

    @property
    def submission(self) -> dict:
        return self.steps.get(SUBMISSION, (None, {}))[1]

    @property
    def registration(self) -> dict:
        return self.steps.get(REGISTRATION, (None, {}))[1]

    @property
    def answer(self) -> dict:
        return self.steps.get(ANSWER, (None, {}))[1]

    @property
    def answered_at(self) -> datetime | None:
        return self.steps.get(ANSWER, (None, {}))[0]

    @property
    def registered_on(self) -> date | None:
        try:
            return date.fromisoformat(self.registration.get("registered_on") or "")
        except ValueError:
            return None

    @property
    def outcome(self) -> str | None:
        return OUTCOMES.get(self.answer.get("outcome"))

    @property
    def client_task(self) -> OpenTask | None:
        return next((t for t in self.tasks if t.role == Role.CLIENT), None)


def file_complaint(user) -> tuple[ProcessInstance, OpenTask | None]:
    """Start a complaint for the client's company; with it the client's first step (the form)."""
    if not user.has_role(Role.CLIENT):
        raise ComplaintRefused("Жалобу подаёт Клиент")
    if not has_company(user):
        raise AccountError("company_inn", "Сначала укажите данные компании в личном кабинете")
    instance = start_process(COMPLAINT_PROCESS, actor=user.email, region=user.region,
                             company_name=user.company_name, company_inn=user.company_inn)
    first = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id, OpenTask.role == Role.CLIENT)
                              .order_by(OpenTask.id).limit(1))
    return instance, first


def complaints_of(user, limit: int = 200) -> list[Complaint]:
    """The complaints ``user`` may see (a client: their company's; ЦПЭ: their region's), newest first."""
    instances = db.session.scalars(visible_instances(
        select(ProcessInstance).where(ProcessInstance.process_id == COMPLAINT_PROCESS), user)
        .order_by(ProcessInstance.id.desc()).limit(limit)).all()
    return _read(instances)


def complaint_of(user, complaint_id: int) -> Complaint | None:
    instance = db.session.get(ProcessInstance, complaint_id)
    if instance is None or instance.process_id != COMPLAINT_PROCESS or not can_see_instance(user, instance):
        return None
    return _read([instance])[0]


def _read(instances: list[ProcessInstance]) -> list[Complaint]:
    if not instances:
        return []
    ids = [i.id for i in instances]
    tasks: dict[int, list[OpenTask]] = {i: [] for i in ids}
    for task in db.session.scalars(select(OpenTask).where(OpenTask.instance_id.in_(ids)).order_by(OpenTask.id)):
        tasks[task.instance_id].append(task)
    steps: dict[int, dict] = {i: {} for i in ids}
    for entry in db.session.scalars(select(CaseEntry).where(CaseEntry.instance_id.in_(ids),
                                                            CaseEntry.kind.in_((SUBMISSION, REGISTRATION, ANSWER)))
                                    .order_by(CaseEntry.id)):
        steps[entry.instance_id][entry.kind] = (entry.at, entry.data or {})
    return [Complaint(i, steps[i.id], tasks[i.id]) for i in instances]
