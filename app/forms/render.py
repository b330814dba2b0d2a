"""Task forms as what a template draws: sections of fields with labels, values and errors.

The JSON Schema in ``forms/<name>.json`` says what a field is; this turns it into plain field
descriptions for the Jinja macros in ``templates/forms/``. Input names are the dotted paths
``app.forms.validate`` reports errors under ("act_goods.0.tnved"), so an error finds its input
without any mapping, and ``app.form_input`` reads the posted form back by the same names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .conditions import KEY as SHOW_IF, condition_holds, required_when_shown

ROW_PLACEHOLDER = "__row__"  # the row index in a table's template row, replaced by the page's script


@dataclass(frozen=True)
class OptionSource:
    """A list a field's options come from when it lives in the database, not in the schema:
    ``"x-options": "<name>"`` on the field. Resolved when the form is drawn and checked again
    when it is submitted, so a value that left the list meanwhile is refused."""

    options: Callable[[], list[tuple[str, str]]]  # the current (value as text, title) pairs
    refusal: Callable[[str], str]  # the Russian message for a value that is not among them


OPTION_SOURCES: dict[str, OptionSource] = {}


def register_options(name: str, source: OptionSource) -> None:
    OPTION_SOURCES[name] = source


def option_source(schema: dict) -> OptionSource | None:
    name = schema.get("x-options")
    if not name:
        return None
    if name not in OPTION_SOURCES:
        raise LookupError(f"x-options {name!r}: no such list (known: {', '.join(sorted(OPTION_SOURCES))})")
    return OPTION_SOURCES[name]


def with_options(schema: dict) -> dict:
    """``schema`` (a copy) with each ``x-options`` field's current list as enum and titles, for a
    client system that renders the form itself."""
    result = dict(schema, properties=dict(schema.get("properties", {})))
    for key, prop in result["properties"].items():
        if source := option_source(prop):
            pairs = source.options()
            coerce = int if prop.get("type") == "integer" else str
            result["properties"][key] = {**prop, "enum": [coerce(v) for v, _ in pairs],
                                         "x-enum-titles": [t for _, t in pairs]}
    return result


@dataclass
class Field:
    name: str  # the input's name: the dotted path of the value
    widget: str
    label: str
    hint: str | None
    required: bool
    value: Any
    error: str | None
    schema: dict
    options: list[tuple[str, str]] = field(default_factory=list)  # (value as posted, title)
    children: list["Field"] = field(default_factory=list)  # the fields of an object
    rows: list[list["Field"]] = field(default_factory=list)  # a table's rows of cells
    template_row: list["Field"] = field(default_factory=list)  # a blank row for adding
    document: Any = None  # the uploaded Document of a file field
    remarks: list[str] = field(default_factory=list)  # remarks on this field the answer must address
    show_if: dict | None = None  # the condition it is asked under (x-show-if), the page's script checks it
    shown: bool = True  # its condition holds for the values drawn (so the page opens with it hidden or not)

    @property
    def text(self) -> str:
        return as_text(self.value)

    @property
    def texts(self) -> list[str]:
        return [as_text(v) for v in self.value] if isinstance(self.value, list) else []

    @property
    def accept(self) -> str:
        return ",".join(self.schema.get("x-accept", []))

    @property
    def max_size_mb(self) -> int | None:
        return self.schema.get("x-max-size-mb")

    @property
    def input_type(self) -> str:
        fmt = self.schema.get("format")
        return {"email": "email", "phone": "tel", "uri": "url"}.get(fmt, "text")

    @property
    def step(self) -> str:
        return "1" if self.schema.get("type") == "integer" else "any"


@dataclass
class Section:
    title: str | None
    fields: list[Field]

    @property
    def has_error(self) -> bool:
        return any(_has_error(f) for f in self.fields)


def _has_error(f: Field) -> bool:
    return bool(f.error) or any(_has_error(c) for c in f.children) or any(_has_error(c) for r in f.rows for c in r)


def as_text(value: Any) -> str:
    """A value as an input holds it: booleans as the radio values, integral numbers bare."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def widget_of(schema: dict) -> str:
    if schema.get("x-widget"):
        return schema["x-widget"]
    kind = schema.get("type")
    if kind == "object":
        return "object"
    if kind == "array":
        return "checkboxes" if "enum" in (schema.get("items") or {}) else "table"
    if kind == "boolean":
        return "radio" if "enum" in schema else "checkbox"
    if "enum" in schema:
        return "select"
    if kind in ("integer", "number"):
        return "number"
    return "date" if schema.get("format") == "date" else "text"


def sections(schema: dict, values: dict, errors: dict[str, str], documents: dict | None = None) -> list[Section]:
    """The form's fields grouped by its x-layout (one untitled section without one)."""
    props = schema.get("properties", {})
    required = set(schema.get("required", [])) | required_when_shown(schema)
    documents = documents or {}
    layout = schema.get("x-layout") or [{"title": None, "fields": list(props)}]

    def build(key: str) -> Field:
        return _conditional(_field(key, props[key], values.get(key), errors, key in required, documents), values)

    return [Section(part.get("title"), [build(k) for k in part["fields"] if k in props]) for part in layout]


def initial_values(schema: dict, known: dict | None = None) -> dict:
    """What a fresh form shows: the schema's defaults, then what the application already knows
    (its company name and INN) for fields of those names."""
    values = {k: p["default"] for k, p in schema.get("properties", {}).items() if "default" in p}
    for key, value in (known or {}).items():
        if key in schema.get("properties", {}) and value:
            values.setdefault(key, value)
    return values


def labels(schema: dict) -> dict[str, str]:
    """Dotted path -> label, for naming fields in the error summary ("Номенклатура, строка 2: …")."""
    result = {}
    for key, prop in schema.get("properties", {}).items():
        result[key] = prop.get("title", key)
        for sub, child in (prop.get("properties") or {}).items():
            result[f"{key}.{sub}"] = f"{prop.get('title', key)}: {child.get('title', sub)}"
    return result


def error_label(path: str, schema: dict) -> str:
    names = labels(schema)
    parts = path.split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        table = names.get(parts[0], parts[0])
        items = schema.get("properties", {}).get(parts[0], {}).get("items", {})
        column = items.get("properties", {}).get(parts[2], {}).get("title") if len(parts) > 2 else None
        return f"{table}, строка {int(parts[1]) + 1}" + (f": {column}" if column else "")
    return names.get(path, path or "Форма")


def _field(name: str, schema: dict, value: Any, errors: dict[str, str], required: bool,
           documents: dict) -> Field:
    widget = widget_of(schema)
    result = Field(name=name, widget=widget, label=schema.get("title") or "", hint=schema.get("description"),
                   required=required, value=value, error=errors.get(name), schema=schema)
    if source := option_source(schema):
        result.options = source.options()
    elif widget in ("radio", "select"):
        result.options = _options(schema)
    elif widget == "checkboxes":
        result.options = _options(schema.get("items", {}))
        result.value = value if isinstance(value, list) else []
    elif widget == "object":
        inner = value if isinstance(value, dict) else {}
        needed = set(schema.get("required", [])) | required_when_shown(schema)
        result.children = [_conditional(_field(f"{name}.{k}", p, inner.get(k), errors, k in needed, documents), inner)
                           for k, p in schema.get("properties", {}).items()]
    elif widget == "table":
        rows = value if isinstance(value, list) else []
        result.rows = [_row(name, i, schema, row, errors, documents) for i, row in enumerate(rows)]
        # One blank row more: without the page's script that is how a row is added.
        result.rows.append(_row(name, len(rows), schema, None, {}, documents))
        result.template_row = _row(name, ROW_PLACEHOLDER, schema, None, {}, documents)
    elif widget == "file" and value is not None:
        result.document = documents.get(str(value))
    return result


def _conditional(result: Field, values: dict) -> Field:
    condition = result.schema.get(SHOW_IF)
    if isinstance(condition, dict):
        result.show_if, result.shown = condition, condition_holds(condition, values)
    return result


def _row(name: str, index, schema: dict, value: Any, errors: dict[str, str], documents: dict) -> list[Field]:
    items = schema.get("items", {})
    prefix = f"{name}.{index}"
    if items.get("type") == "object":
        inner = value if isinstance(value, dict) else {}
        needed = set(items.get("required", []))
        return [_field(f"{prefix}.{k}", p, inner.get(k), errors, k in needed, documents)
                for k, p in items.get("properties", {}).items()]
    cell = _field(prefix, items, value, errors, False, documents)
    cell.label = cell.label or schema.get("title") or ""
    return [cell]


def _options(schema: dict) -> list[tuple[str, str]]:
    values = schema.get("enum", [])
    titles = schema.get("x-enum-titles") or [as_text(v) for v in values]
    return [(as_text(v), str(t)) for v, t in zip(values, titles)]
