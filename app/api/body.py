"""Reading a request: its JSON body and its paging arguments, refused with a reason.

A malformed body is a 400 that says what is wrong and where, in Russian; ``json`` gives the
reason in English, so the usual ones are translated.
"""
from __future__ import annotations

import json

from flask import request

from ..request_limits import JsonTooDeep, check_depth, json_limit
from .errors import ApiError, BadJson, TooLarge

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50

_JSON_REASONS = {
    "Expecting value": "ожидается значение",
    "Expecting property name enclosed in double quotes": "имя поля должно быть в двойных кавычках",
    "Expecting ',' delimiter": "пропущена запятая",
    "Expecting ':' delimiter": "пропущено двоеточие",
    "Unterminated string starting at": "незакрытая строка",
    "Extra data": "лишние данные после JSON",
    "Invalid control character at": "недопустимый управляющий символ в строке",
    "Invalid \\escape": "неверная escape-последовательность",
    "Illegal trailing comma before end of object": "лишняя запятая перед }",
    "Illegal trailing comma before end of array": "лишняя запятая перед ]",
}


def json_object(*, optional: bool = False) -> dict:
    """The body as a JSON object; an empty body is {} when ``optional``. Too large a body is a 413,
    too deep a nesting a 400, found before the (recursive) parser runs."""
    limit = json_limit()
    if (request.content_length or 0) > limit:
        raise TooLarge(_too_large(limit))
    raw = request.get_data(cache=True)
    if len(raw) > limit:  # a chunked body says its length only once read
        raise TooLarge(_too_large(limit))
    if not raw.strip():
        if optional:
            return {}
        raise BadJson("Пустое тело запроса: ожидается JSON-объект")
    try:
        check_depth(raw)
        value = json.loads(raw)
    except UnicodeDecodeError:
        raise BadJson("Тело запроса не в кодировке UTF-8") from None
    except json.JSONDecodeError as exc:
        reason = _JSON_REASONS.get(exc.msg, exc.msg)
        raise BadJson(f"Неверный JSON: {reason} (строка {exc.lineno}, позиция {exc.colno})") from None
    except JsonTooDeep as exc:
        raise BadJson(str(exc)) from None
    if not isinstance(value, dict):
        raise BadJson(f"Ожидается JSON-объект {{…}}, а пришёл {_kind(value)}")
    return value


def _too_large(limit: int) -> str:
    return f"Тело запроса больше {limit // 1024} КБ: сократите данные"


def object_field(body: dict, name: str) -> dict:
    """A member of the body that must be an object, e.g. the form data of a completion."""
    if name not in body:
        raise BadJson(f"Нет поля «{name}»", field=name)
    value = body[name]
    if not isinstance(value, dict):
        raise BadJson(f"Поле «{name}» должно быть JSON-объектом, а пришёл {_kind(value)}", field=name)
    return value


def text_field(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    raise BadJson(f"Поле «{name}» должно быть строкой, а пришёл {_kind(value)}", field=name)


def paging() -> tuple[int, int]:
    """(page, per_page) from ``?page=&per_page=``: page ≥ 1, 1 ≤ per_page ≤ 100."""
    page = _positive_int("page", 1)
    per_page = _positive_int("per_page", DEFAULT_PER_PAGE)
    if per_page > MAX_PER_PAGE:
        raise ApiError(f"per_page не больше {MAX_PER_PAGE}", field="per_page")
    return page, per_page


def _positive_int(name: str, default: int) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ApiError(f"{name} должен быть целым числом от 1", field=name)
    return int(text)


def _kind(value) -> str:
    if isinstance(value, list):
        return "массив"
    if isinstance(value, str):
        return "строка"
    if isinstance(value, bool):
        return "логическое значение"
    if isinstance(value, (int, float)):
        return "число"
    if value is None:
        return "null"
    return "объект"
