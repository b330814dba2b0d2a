"""How much one request may carry: its body, the nesting of a JSON document, a kept draft.

The body limit (``MAX_CONTENT_LENGTH``) follows the largest upload a form allows plus room for
the rest of the form, unless ``VITRINA_MAX_UPLOAD_MB`` sets it; Werkzeug then answers 413 before
reading such a body, and ``vitrina serve`` tells waitress to stop reading a little above it.
JSON is refused when nested deeper than ``MAX_JSON_DEPTH``: the check reads the text once,
without recursion, before the parser or anything else recursive sees the document.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import current_app
from flask.json.provider import DefaultJSONProvider

from .applications.documents import DEFAULT_MAX_MB

MAX_JSON_DEPTH = 32
FORM_HEADROOM_MB = 5  # the other fields of a form that carries the largest file
FORM_FIELD_BYTES = 2 * 1024 * 1024  # one posted text field (Flask's default, 500 KB, is below a full textarea form)
MB, KB = 1024 * 1024, 1024

# A JSON string (escapes included), and everything that is not a bracket.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


class JsonTooDeep(ValueError):
    """Raised instead of parsing: Flask's ``get_json`` turns a ValueError into a 400."""

    def __init__(self, limit: int = MAX_JSON_DEPTH):
        super().__init__(f"Слишком глубокая вложенность JSON: допускается не больше {limit} уровней")


def check_depth(raw: str | bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise JsonTooDeep when arrays and objects in ``raw`` nest deeper than ``limit``."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    depth = 0
    for byte in _NOT_BRACKET.sub(b"", _STRING.sub(b"", data)):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            raise JsonTooDeep(limit)


class DepthCheckedJSON(DefaultJSONProvider):
    """The app's JSON: ``request.get_json`` refuses a too deeply nested body with a 400."""

    def loads(self, s, **kwargs):
        check_depth(s)
        return super().loads(s, **kwargs)


def largest_upload_mb(forms_dir: str | Path) -> int:
    """The largest ``x-max-size-mb`` a form of ``forms_dir`` allows (the default one at least)."""
    largest = DEFAULT_MAX_MB
    for path in Path(forms_dir).glob("*.json"):
        try:
            properties = json.loads(path.read_text("utf-8")).get("properties") or {}
        except (OSError, ValueError, AttributeError):
            continue  # a broken form is the form check's to report
        for prop in properties.values():
            if isinstance(prop, dict) and isinstance(prop.get("x-max-size-mb"), (int, float)):
                largest = max(largest, int(prop["x-max-size-mb"]))
    return largest


def configure(app) -> None:
    """Set the body limits from the configuration (README, Configuration)."""
    upload_mb = app.config.get("VITRINA_MAX_UPLOAD_MB") or \
        largest_upload_mb(app.config["VITRINA_FORMS_DIR"]) + FORM_HEADROOM_MB
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CONTENT_LENGTH"] or int(upload_mb * MB)
    if app.config.get("MAX_FORM_MEMORY_SIZE") == 500_000:  # Flask's default: not chosen here
        app.config["MAX_FORM_MEMORY_SIZE"] = FORM_FIELD_BYTES
    app.json = DepthCheckedJSON(app)


def body_limit() -> int:
    return current_app.config["MAX_CONTENT_LENGTH"]


def too_large_message() -> str:
    return f"Запрос слишком большой: не больше {body_limit() / MB:g} МБ. Загрузите файл меньшего размера"


def json_limit() -> int:
    return int(current_app.config["VITRINA_MAX_JSON_KB"]) * KB


def draft_limit() -> int:
    return int(current_app.config["VITRINA_MAX_DRAFT_KB"]) * KB
