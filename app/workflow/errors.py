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
