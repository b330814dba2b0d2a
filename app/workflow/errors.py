"""Errors of the workflow service, each with the HTTP status a view should answer with."""
from __future__ import annotations


class WorkflowError(Exception):
    http_status = 400


class NotFound(WorkflowError):
    http_status = 404


class Conflict(WorkflowError):
    """Someone else changed the same thing first; the caller should reload and retry."""

    http_status = 409


class ConcurrentUpdate(Conflict):
    pass


class TaskAlreadyDone(Conflict):
    pass


class InvalidTaskData(WorkflowError):
    http_status = 422

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))


class NothingDeployed(WorkflowError):
    http_status = 503


class StepFailed(Conflict):
    """The model's code stopped the operation; nothing of it was saved, an incident holds it."""

    def __init__(self, incident):
        self.incident_id, self.element_id = incident.id, incident.element_id
        where = f" (элемент «{incident.element_name or incident.element_id}»)" if incident.element_id else ""
        super().__init__(f"Шаг не выполнен: ошибка в коде модели процесса{where}: {incident.message}. "
                         f"Администратор видит инцидент № {incident.id} и может повторить шаг после исправления; "
                         "отправленные данные сохранены в инциденте.")
