"""Error pages in Russian: forbidden, not found, too large a request, and a form whose CSRF token
has expired."""
from __future__ import annotations

from flask import render_template
from flask_wtf.csrf import CSRFError

from ..api.errors import http_error, is_api_request
from ..extensions import db
from ..request_limits import too_large_message
from ..workflow.errors import StepFailed

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось обработать."),
    403: ("Доступ запрещён", "У вашей учётной записи нет прав на эту страницу."),
    404: ("Страница не найдена", "Такой страницы нет или она вам недоступна."),
}


def _page(code: int, title: str | None = None, text: str | None = None):
    default_title, default_text = MESSAGES.get(code, (None, None))
    return render_template("errors.html", code=code, title=title or default_title,
                           text=text or default_text), code


def register(app) -> None:
    for code in MESSAGES:
        # A client system asking the API gets JSON even where no API view was reached.
        app.register_error_handler(code, lambda exc, code=code: http_error(exc) if is_api_request() else _page(code))
    app.register_error_handler(StepFailed, _step_failed)
    # Werkzeug refuses a body over MAX_CONTENT_LENGTH before reading it.
    app.register_error_handler(413, lambda exc: http_error(exc) if is_api_request() else _page(
        413, "Слишком большой запрос", too_large_message() + "."))
    # CSRFError is a 400 too; Flask picks the handler of the most specific class.
    app.register_error_handler(CSRFError, lambda exc: _page(
        400, "Форма устарела", "Форма устарела или отправлена не со страницы Витрины. "
                               "Обновите страницу и отправьте её снова."))


def _step_failed(exc: StepFailed):
    """The model's code stopped an operation a page started: say so, nothing was saved."""
    db.session.rollback()
    return render_template("errors.html", code=409, title="Шаг не выполнен", text=str(exc)), 409
