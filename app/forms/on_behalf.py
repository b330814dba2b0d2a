"""Fields a form has only when its step is filed on someone's behalf.

КБ РЭЦ or a ЦПЭ may fill the client's questionnaire for the client (the task's ``on_behalf`` in
the model). Appendix 1 is «подписывается уполномоченным лицом»: filed by staff, the application
must carry the questionnaire as the client's authorised person signed it, so the form asks for
the scan. The form says so on the field itself, ``"x-on-behalf": "required"``: filed by the lane's
own role the form has no such field (a value sent for it is an undeclared field), filed on
behalf it is required. ``as_filed`` makes the form as its filer sees it, and the page, the API
and the validation of a completion all read that one schema.
"""
from __future__ import annotations

from typing import Any

KEY = "x-on-behalf"
VALUES = ("required",)


def on_behalf_fields(schema: dict) -> list[str]:
    """The top-level fields that exist only when the step is filed on someone's behalf."""
    return [name for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and prop.get(KEY) in VALUES]


def as_filed(schema: dict, on_behalf: bool) -> dict:
    """``schema`` as the one filing sees it; the schema itself when it has no such field. A
    shallow copy: the loaded form, shared by every request, is never changed."""
    names = on_behalf_fields(schema)
    if not names:
        return schema
    required = [r for r in schema.get("required", []) if r not in names]
    if on_behalf:
        return {**schema, "required": required + names}
    properties = {k: v for k, v in schema["properties"].items() if k not in names}
    result = {**schema, "properties": properties, "required": required}
    if isinstance(schema.get("x-layout"), list):
        result["x-layout"] = [{**part, "fields": [f for f in part.get("fields", []) if f not in names]}
                              for part in schema["x-layout"] if isinstance(part, dict)]
    return result


def declaration_problems(schema: Any) -> list[str]:
    """What is wrong with the form's ``x-on-behalf`` marks, as "path: problem" lines."""
    if not isinstance(schema, dict):
        return []
    problems = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or KEY not in prop:
            continue
        if prop[KEY] not in VALUES:
            problems.append(f"properties.{name}.{KEY}: must be one of {', '.join(VALUES)}")
        elif name in schema.get("required", []):
            problems.append(f"properties.{name}.{KEY}: a field required on behalf only must not be in required")
    return problems
