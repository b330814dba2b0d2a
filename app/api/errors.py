"""Errors of the API, always as JSON: {"error": {"code", "message", "field", "errors"}}.

``message`` is Russian, for a person; ``code`` is stable, for a program; ``field`` names the
first field at fault (or null) and ``errors`` lists every one. The service layer raises its own
exceptions (``WorkflowError`` with an HTTP status, ``AccountError`` with a field); they are
translated here, so no view needs a try block per error and none can fall through as HTML.
"""
from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..accounts import AccountError
from ..extensions import db
from ..tasks.claims import AlreadyClaimed
from ..tasks.submission import ClaimedByOther
from ..request_limits import too_large_message
from ..workflow.errors import (ConcurrentUpdate, Conflict, InvalidTaskData, NotFound, NothingDeployed,
                               StepFailed, TaskAlreadyDone, WorkflowError)

HTTP_MESSAGES = {
    400: ("bad_request", "Неверный запрос"),
    401: ("unauthorized", "Нужен токен доступа: заголовок Authorization: Bearer <токен>"),
    403: ("forbidden", "Недостаточно прав"),
    404: ("not_found", "Не найдено или недоступно"),
    405: ("method_not_allowed", "Метод не поддерживается для этого адреса"),
    409: ("conflict", "Конфликт: данные изменились, обновите их и повторите"),
    413: ("too_large", "Запрос слишком большой"),
    415: ("unsupported_media_type", "Неподдерживаемый тип содержимого"),
    422: ("invalid", "Данные не прошли проверку"),
    429: ("too_many_requests", "Слишком много запросов; повторите позже"),
    500: ("internal_error", "Внутренняя ошибка сервера; попробуйте позже"),
    503: ("unavailable", "Сервис временно недоступен"),
}
# Codes of the service's conflicts, most specific first (isinstance picks the first match).
WORKFLOW_CODES = [
    (AlreadyClaimed, "already_claimed"), (ClaimedByOther, "claimed_by_other"), (StepFailed, "model_incident"),
    (TaskAlreadyDone, "task_done"), (ConcurrentUpdate, "concurrent_update"),
    (Conflict, "conflict"), (NotFound, "not_found"), (NothingDeployed, "nothing_deployed"),
]


class ApiError(Exception):
    """An error the API answers with as it is: status, code, Russian message, field."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
        self.headers: dict[str, str] = {}
        if code:
            self.code = code


class BadJson(ApiError):
    code = "bad_json"


class TooLarge(ApiError):
    status, code = 413, "too_large"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class TooManyAttempts(ApiError):
    status, code = 429, "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.headers["Retry-After"] = str(retry_after)


class Invalid(ApiError):
    status, code = 422, "invalid"


class NotFound(ApiError):
    status, code = 404, "not_found"


def error_response(status: int, code: str, message: str, field: str | None = None, errors=None, **extra):
    # Whatever the failed request left in the session goes: in tests (and a reused app context)
    # the next request would otherwise inherit it.
    db.session.rollback()
    if errors is None:
        errors = [{"field": field, "message": message}] if field else []
    response = jsonify(error={"code": code, "message": message, "field": field, "errors": errors, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vitrina"'
    return response


def _sentence(text: str) -> str:
    # Service messages are often fragments ("заявка 5 не найдена"); a message starts a sentence.
    return text[:1].upper() + text[1:] if text else text


def _api_error(exc: ApiError):
    response = error_response(exc.status, exc.code, exc.message, exc.field)
    response.headers.update(exc.headers)
    return response


def _workflow_error(exc: WorkflowError):
    if isinstance(exc, InvalidTaskData):
        errors = [{"field": e.field or None, "message": e.message} for e in exc.errors]
        first = errors[0] if errors else {"field": None, "message": "Данные формы не прошли проверку"}
        message = first["message"] if len(errors) <= 1 else (
            f"Данные формы не прошли проверку, полей с ошибками: {len(errors)}; "
            f"первое — {first['field']}: {first['message']}")
        return error_response(422, "invalid_data", message, first["field"], errors)
    if isinstance(exc, NothingDeployed):
        # Its own text is for the operator of the server, in English.
        return error_response(503, "nothing_deployed", "Модель процесса не развёрнута: приём заявок пока не открыт")
    status = exc.http_status
    code = next((code for cls, code in WORKFLOW_CODES if isinstance(exc, cls)), HTTP_MESSAGES.get(status, ("",))[0])
    extra = {"incident": exc.incident_id} if isinstance(exc, StepFailed) else {}
    return error_response(status, code or "error", _sentence(str(exc)), **extra)


def _account_error(exc: AccountError):
    return error_response(422, "invalid", exc.message, exc.field)


def http_error(exc: HTTPException):
    # An unhandled exception has been logged by Flask already; the caller gets no traceback.
    status = exc.code or 500
    code, message = HTTP_MESSAGES.get(status, ("error", exc.name))
    if status == 413:
        message = too_large_message()  # says the limit
    return error_response(status, code, message)


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def install(bp) -> None:
    """Answer every error raised in ``bp``'s views as JSON."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(WorkflowError, _workflow_error)
    bp.register_error_handler(AccountError, _account_error)
    bp.register_error_handler(HTTPException, http_error)


def register(app) -> None:
    """Errors no blueprint sees (no route matched: 404, 405) under /api/ are JSON as well."""
    def unrouted(exc: HTTPException):
        return http_error(exc) if is_api_request() else exc
    app.register_error_handler(HTTPException, unrouted)
