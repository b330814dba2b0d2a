"""Valid sample answers for every form: the demo data of ``vitrina setup`` and the tests' input.

They are the forms' own JSON Schema ``examples`` (``app.forms.examples``), so a sample is changed
in the form file beside its fields. ``sample(form, **changes)`` returns a fresh dict, so callers
can adjust a field freely.
"""
from __future__ import annotations

from ..forms.examples import example, forms_with_examples


def sample(form: str, **changes) -> dict:
    data = example(form)
    if data is None:
        raise KeyError(f"form {form!r} has no example (JSON Schema examples) in forms/")
    data.update(changes)
    return data


def forms_with_samples() -> list[str]:
    return forms_with_examples()
