"""The sample answer each form carries: the first of its JSON Schema ``examples``.

One complete valid answer per form, kept in the form file beside the fields it fills, so a
field added or renamed by a process owner and its sample change together. The model scenarios,
the model check and the simulation's check mode answer tasks with it; a test holds every example
to its own form (schema and ``x-rules``). Document and operator ids in an example
(``agreement_scan``, ``operator_id``) are placeholders: which documents and operators exist is the
database's, so whoever completes a real task puts real ones in.
"""
from __future__ import annotations

from pathlib import Path

from .schema import FormError, examples_of, list_forms

__all__ = ["example", "forms_with_examples"]


def example(form: str, forms_dir: str | Path | None = None) -> dict | None:
    """A fresh copy of the form's sample answer; None when the form has none or does not load."""
    try:
        examples = examples_of(form, forms_dir)
    except FormError:
        return None
    return examples[0] if examples and isinstance(examples[0], dict) else None


def forms_with_examples(forms_dir: str | Path | None = None) -> list[str]:
    return [form for form in list_forms(forms_dir) if example(form, forms_dir) is not None]
