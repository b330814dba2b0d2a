"""A client's side of the process: their company's applications with where each stands, and
filing a new one."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..access import visible_instances
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from ..roles import Role
from ..workflow.instances import start_process
from ..statuses import ProcessId

MAIN_PROCESS = ProcessId.MARKETPLACE_SUPPORT


@dataclass
class MyApplication:
    instance: ProcessInstance
    tasks: list[OpenTask]  # open tasks, the current steps

    @property
    def my_tasks(self) -> list[OpenTask]:
        """The steps waiting for the client."""
        return [t for t in self.tasks if t.role == Role.CLIENT]


def applications_of(user) -> list[MyApplication]:
    """The applications of ``user``'s company, newest first, each with its open tasks."""
    if not user.company_inn:
        return []
    instances = db.session.scalars(visible_instances(
        select(ProcessInstance).where(ProcessInstance.company_inn == user.company_inn), user)
        .order_by(ProcessInstance.id.desc())).all()
    tasks: dict[int, list[OpenTask]] = {i.id: [] for i in instances}
    if instances:
        for task in db.session.scalars(select(OpenTask).where(OpenTask.instance_id.in_(list(tasks)))
                                       .order_by(OpenTask.id)):
            tasks[task.instance_id].append(task)
    return [MyApplication(i, tasks[i.id]) for i in instances]


def start_application(user) -> tuple[ProcessInstance, OpenTask | None]:
    """Start an application for ``user``'s company; with it the client's first task (the
    questionnaire, step 1), or None if the model starts elsewhere."""
    instance = start_process(MAIN_PROCESS, region=user.region, company_name=user.company_name,
                             company_inn=user.company_inn, actor=user.email)
    first = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id,
                                                     OpenTask.role == Role.CLIENT).order_by(OpenTask.id).limit(1))
    return instance, first


def has_company(user) -> bool:
    return bool(user.company_inn and user.company_name and user.region)
