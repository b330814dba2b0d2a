"""Filing the consultation service (regulation 5.2) from the client's side.

Two ways in, two start events of ``bpmn/consultation.bpmn``:

- intake is closed: the client files the consultation instead of an application. It starts like
  the offer after a refusal (message ``consultation_offer``): the client describes their
  questions in its first task;
- during or after scoring the client asks for a consultation on an application: the
  questionnaire and scoring, marked as a consultation request, are enough (message
  ``consultation_request``), so it goes straight to МО РЭЦ with those answers in ``request``.
"""
from __future__ import annotations

from sqlalchemy import select

from ..access import can_see_instance
from ..accounts import AccountError
from ..engine import ThrownMessage
from ..extensions import db
from ..applications import casefile
from ..models import OpenTask, ProcessInstance, TaskDraft
from ..applications.mine import MAIN_PROCESS, has_company
from ..roles import Role
from ..statuses import InstanceState, ProcessId
from ..workflow.deployments import current_deployment, model_of
from ..workflow.errors import Conflict, NothingDeployed, NotFound, WorkflowError
from ..workflow.instances import start_process

OFFER_MESSAGE = "consultation_offer"
REQUEST_MESSAGE = "consultation_request"


class ConsultationRefused(WorkflowError):
    http_status = 403


class ConsultationRunning(Conflict):
    """A consultation on the application is already under way."""


def file_consultation(user) -> ProcessInstance:
    """Outside the intake window: the consultation service instead of an application."""
    _require_client(user)
    payload = {"region": user.region, "company_name": user.company_name, "company_inn": user.company_inn,
               "reason": "intake_closed"}
    return _deliver(OFFER_MESSAGE, payload, user, parent_id=None)


def request_consultation(user, application_id: int) -> ProcessInstance:
    """During or after scoring: the consultation with the application's questionnaire and scoring."""
    _require_client(user)
    application = db.session.get(ProcessInstance, application_id)
    if application is None or application.process_id != MAIN_PROCESS or not can_see_instance(user, application):
        raise NotFound(f"заявка {application_id} не найдена")
    running = running_consultation(application.id)
    if running is not None:
        raise ConsultationRunning(f"консультация по заявке № {application.id} уже запрошена (№ {running.id})")
    answers = client_answers(application, user)
    if not answers:
        raise ConsultationRefused("Сначала заполните анкету: её ответы и Скоринг направляются в МО РЭЦ "
                                  "вместе с запросом консультации")
    payload = {"application_id": application.id, "region": application.region,
               "company_name": application.company_name, "company_inn": application.company_inn,
               "requested": True, "requested_by": user.email, "questionnaire": answers}
    return _deliver(REQUEST_MESSAGE, payload, user, parent_id=application.id)


def running_consultation(application_id: int) -> ProcessInstance | None:
    return db.session.scalar(select(ProcessInstance).where(
        ProcessInstance.parent_id == application_id, ProcessInstance.process_id == ProcessId.CONSULTATION,
        ProcessInstance.state == InstanceState.RUNNING).limit(1))


def client_answers(application: ProcessInstance, user) -> dict[str, dict]:
    """The client's forms of the application by form name (questionnaire, scoring): the latest
    sent answers (from the case file), or the client's draft of a step still open ("during
    scoring")."""
    answers: dict[str, dict] = {}
    for entry in casefile.entries(application.id):
        if entry.role == Role.CLIENT and entry.form and isinstance(entry.data, dict):
            answers[entry.form] = entry.data
    for task, draft in db.session.execute(select(OpenTask, TaskDraft).join(
            TaskDraft, TaskDraft.task_id == OpenTask.task_id).where(
            OpenTask.instance_id == application.id, OpenTask.role == Role.CLIENT, TaskDraft.user_id == user.id)):
        if task.form and task.form not in answers and isinstance(draft.data, dict):
            answers[task.form] = draft.data
    return answers


def _require_client(user) -> None:
    if not user.has_role(Role.CLIENT):
        raise ConsultationRefused("Консультацию от имени компании запрашивает Клиент")
    if not has_company(user):
        raise AccountError("company_inn", "Сначала укажите данные компании в личном кабинете")


def _deliver(message: str, payload: dict, user, *, parent_id: int | None) -> ProcessInstance:
    """Start the deployed process whose start event catches ``message``."""
    deployment = current_deployment()
    process_id = model_of(deployment).message_start(message)
    if process_id is None:
        raise NothingDeployed(f"no deployed process starts on the message {message}")
    return start_process(process_id, actor=user.email, region=payload["region"],
                         company_name=payload["company_name"], company_inn=payload["company_inn"],
                         deployment=deployment, parent_id=parent_id, message=ThrownMessage(message, payload))


def first_client_task(instance_id: int) -> OpenTask | None:
    return db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance_id, OpenTask.role == Role.CLIENT)
                             .order_by(OpenTask.id).limit(1))
