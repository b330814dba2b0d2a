"""Form data as a browser posts it: the inverse of app.form_input, for driving task pages."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.forms.render import as_text, widget_of
from app.forms.schema import load_form


def as_post(form: str, data: dict, action: str = "complete") -> MultiDict:
    """``data`` (a form's values) as the fields of a posted HTML form."""
    schema = load_form(form)
    posted = MultiDict({"_action": action})
    for key, value in data.items():
        _put(posted, key, schema.get("properties", {}).get(key, {}), value)
    return posted


def _put(posted: MultiDict, name: str, schema: dict, value) -> None:
    widget = widget_of(schema)
    if widget == "checkboxes":
        for item in value:
            posted.add(name, as_text(item))
    elif widget == "table":
        for index, row in enumerate(value):
            if isinstance(row, dict):
                for key, cell in row.items():
                    posted.add(f"{name}.{index}.{key}", as_text(cell))
            else:
                posted.add(f"{name}.{index}", as_text(row))
    elif widget == "object":
        for key, inner in value.items():
            _put(posted, f"{name}.{key}", schema.get("properties", {}).get(key, {}), inner)
    elif widget == "checkbox":
        if value:
            posted.add(name, "true")
    else:
        posted.add(name, as_text(value))
