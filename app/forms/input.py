"""A posted task form read back into the values its JSON Schema expects.

HTML posts strings; the schema wants booleans, integers, numbers, lists and objects. Values
that do not convert stay as typed, so validation names the problem and the page shows the
user's own input again. Blank inputs are left out (not filled in), blank table rows dropped,
and rows renumbered in posted order, since the page's script may leave gaps when rows are
removed.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from .render import as_text, option_source, widget_of
from .schema import FieldError

_INT_RE = re.compile(r"^[+-]?\d+$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_RU_DATE_RE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_BOOLEANS = {"true": True, "false": False, "on": True}


def read_form(schema: dict, form: MultiDict) -> dict:
    """The values of every property of ``schema`` found in ``form`` (file fields excluded:
    their hidden inputs carry the document id, read like any text)."""
    data: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        value = _read(key, prop, form)
        if value is not None:
            data[key] = value
        # The title kept beside a listed value (the operator's name beside its id) comes back
        # with it when posted; ``check_options`` replaces it by the list's own title anyway.
        title_key = prop.get("x-options-title")
        if title_key and (title := form.get(title_key, "").strip()):
            data[title_key] = title
    return data


def _read(name: str, schema: dict, form: MultiDict) -> Any:
    widget = widget_of(schema)
    if widget == "checkbox":
        # An unticked box posts nothing: that is a "no", not a missing answer.
        return coerce(schema, form.get(name, "")) is True
    if widget == "checkboxes":
        item = schema.get("items", {})
        return [v for v in (coerce(item, raw) for raw in form.getlist(name)) if v is not None] or None
    if widget == "object":
        inner = {}
        for key, prop in schema.get("properties", {}).items():
            value = _read(f"{name}.{key}", prop, form)
            if value is not None and not (widget_of(prop) == "checkbox" and value is False):
                inner[key] = value
        return inner or None
    if widget == "table":
        return _read_table(name, schema, form)
    return coerce(schema, form.get(name, ""))


def _read_table(name: str, schema: dict, form: MultiDict) -> list | None:
    items = schema.get("items", {})
    prefix = name + "."
    # In the order the rows were posted (the page's order, which its script may change), not by
    # their numbers: a moved row keeps its number, and gaps are left by removed ones.
    indices = list(dict.fromkeys(int(key[len(prefix):].split(".", 1)[0]) for key in form
                                 if key.startswith(prefix) and key[len(prefix):].split(".", 1)[0].isdigit()))
    if not indices and not any(key.startswith(prefix) for key in form):
        return None  # the table was not on the page at all
    rows = []
    for index in indices:
        if items.get("type") == "object":
            row = {}
            for key, prop in items.get("properties", {}).items():
                value = _read(f"{name}.{index}.{key}", prop, form)
                if value is not None and value is not False:
                    row[key] = value
            if row:
                rows.append(row)
        else:
            value = coerce(items, form.get(f"{name}.{index}", ""))
            if value is not None:
                rows.append(value)
    return rows


def coerce(schema: dict, raw: str) -> Any:
    """One posted string as the schema's type; None when blank; the text itself when it does
    not convert (validation then reports the type)."""
    text = (raw or "").strip()
    if not text:
        return None
    kind = schema.get("type")
    if kind == "boolean":
        return _BOOLEANS.get(text.lower(), text)
    if kind == "integer" and _INT_RE.match(text):
        return int(text)
    if kind == "number" and _NUMBER_RE.match(text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    if schema.get("format") == "date" and (match := _RU_DATE_RE.match(text)):
        # A browser without a date picker lets people type the date the way they write it.
        day, month, year = match.groups()
        return f"{year}-{month}-{day}"
    return text


def check_options(schema: dict, data: dict) -> list[FieldError]:
    """Refuse values of ``x-options`` fields that are not in their list now; for an accepted
    value, put its title into the field ``x-options-title`` names (the operator's name beside
    its id), so later steps and documents read it from the task data."""
    errors = []
    for key, prop in schema.get("properties", {}).items():
        source = option_source(prop)
        if source is None or data.get(key) in (None, ""):
            continue
        titles = dict(source.options())
        value = as_text(data[key])
        if value not in titles:
            errors.append(FieldError(key, source.refusal(value)))
        elif prop.get("x-options-title"):
            data[prop["x-options-title"]] = titles[value]
    return errors
