"""What a completion may carry: only what its form declares, valid by the form, with files of
its own application. ``check_completion`` is the one list of checks every completion passes.

A completion's data is merged into the process data, where the model's own variables live
(``region`` sets the client's wait, ``agreement_end`` ends the reporting cycle). A page only
posts its form's inputs; an API client could send anything. So both doors refuse a key the form
does not declare, at any depth, naming it; and no form may declare a variable that only the
services set (the application's id and region) or an underscore name.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..applications.documents import documents_of, file_fields
from ..forms.input import check_options
from ..forms.schema import FieldError, validate

# Set when the application is filed, from the filing and the instance row, never by a form.
RESERVED_FIELDS = frozenset({"application_id", "region", "vitrina"})


def check_completion(instance, form: str | None, schema: dict, data: dict, checks: Iterable = (),
                     found: Iterable[FieldError] = (), *, on_behalf: bool = False) -> list[FieldError]:
    """Every problem of ``data`` as a completion of a task with ``form`` on ``instance``: what the
    door ``found`` reading it, the door's own ``checks`` (``instance``, ``schema``, ``data``), the
    form (by the version's file, with its rules, as filed ``on_behalf`` of another role or not:
    ``schema`` is that form too), and keys the form does not declare. One message per field, the
    first found."""
    from ..roadmap import check_roadmap  # the roadmap's own rules, until they are the form's
    from ..workflow.forms import forms_of_instance
    problems = list(found)
    for check in checks:
        problems += check(instance, schema, data)
    problems += check_roadmap(form, data)
    if form:
        problems += validate(form, data, forms_of_instance(instance), on_behalf=on_behalf)
    problems += undeclared_fields(schema, data)
    first: dict[str, FieldError] = {}
    for problem in problems:
        first.setdefault(problem.field, problem)
    return list(first.values())


def own_files_only(instance, schema: dict, data: dict) -> list[FieldError]:
    """A file field may name only a document of this very application: nobody links another
    application's file into theirs (a person's door checks it; the services trust their data)."""
    return [FieldError(key, "Файл не найден: загрузите его снова") for key in file_fields(schema)
            if data.get(key) not in (None, "") and not documents_of(instance.id, [data[key]])]


def options_as_listed(instance, schema: dict, data: dict) -> list[FieldError]:
    """A value from a list kept in the database (the accredited operators) is in it now."""
    return check_options(schema, data)


def undeclared_fields(schema: dict, data: Any) -> list[FieldError]:
    """A FieldError for every key of ``data`` the schema does not declare (dotted path)."""
    found: list[FieldError] = []
    _walk(schema, schema, data, "", found)
    return found


def reserved_fields(schema: dict) -> list[str]:
    """Top-level fields of a form that only the services may set."""
    return [k for k in (schema.get("properties") or {}) if k in RESERVED_FIELDS or k.startswith("_")]


def _walk(node: dict, root: dict, value: Any, path: str, found: list[FieldError]) -> None:
    node = _resolved(node, root)
    if isinstance(value, dict) and isinstance(node.get("properties"), dict):
        properties = node["properties"]
        titles = {p.get("x-options-title") for p in properties.values() if isinstance(p, dict)}
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in properties and key not in RESERVED_FIELDS and not str(key).startswith("_"):
                _walk(properties[key], root, inner, where, found)
            elif key not in titles:
                found.append(FieldError(where, f"Поля «{key}» нет в форме задачи: отправьте только её поля"))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            _walk(node["items"], root, item, f"{path}.{index}", found)


def _resolved(node: Any, root: dict) -> dict:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}
    return node if isinstance(node, dict) else {}
