"""The text rules of a form's string fields: every one has a length limit, and holds only the
characters its widget can show.

A form file may give a field its own ``maxLength``; a field without one gets the default of
its kind, so no answer of megabytes reaches the process state. A field is multi-line when it
is drawn as a textarea (``app.form_render.widget_of``); every other string field is one line
(``app.plain_text``).
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from .. import plain_text
from .render import widget_of

MAX_LINE_LENGTH = 500
MAX_TEXT_LENGTH = 10_000

# Keywords whose value is one subschema, and those whose value is a list or a map of them.
_ONE = ("items", "additionalProperties", "if", "then", "else", "not", "contains")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS = ("properties", "$defs", "patternProperties")


def is_multiline(schema: dict) -> bool:
    return widget_of(schema) == "textarea"


def with_length_limits(schema: dict) -> dict:
    """``schema`` (changed in place and returned) with a default maxLength on every string
    field that has none."""
    for node in _subschemas(schema):
        if _is_text(node) and "maxLength" not in node and "enum" not in node and "const" not in node:
            node["maxLength"] = MAX_TEXT_LENGTH if is_multiline(node) else MAX_LINE_LENGTH
    return schema


def text_problems(schema: Any, data: Any, resolve: Callable[[Any], Any], path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, Russian message) for each string of ``data`` holding a character its field
    refuses; ``resolve`` follows a ``$ref``. A value the schema does not describe is held to the
    multi-line rule: whether it may be there at all is the schema's question."""
    schema = resolve(schema)
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(data, str):
        if reason := plain_text.problem(data, multiline=is_multiline(schema) or not schema):
            yield path, reason[:1].upper() + reason[1:]
    elif isinstance(data, dict):
        props = schema.get("properties") or {}
        for key, value in data.items():
            yield from text_problems(props.get(key) or {}, value, resolve, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        items = schema.get("items")
        for index, value in enumerate(data):
            yield from text_problems(items if isinstance(items, dict) else {}, value, resolve,
                                     f"{path}.{index}" if path else str(index))


def _is_text(node: dict) -> bool:
    kind = node.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _subschemas(schema: Any) -> Iterator[dict]:
    if not isinstance(schema, dict):
        return
    yield schema
    for key in _ONE:
        yield from _subschemas(schema.get(key))
    for key in _MANY:
        for sub in schema.get(key) or ():
            yield from _subschemas(sub)
    for key in _MAPS:
        for sub in (schema.get(key) or {}).values():
            yield from _subschemas(sub)

