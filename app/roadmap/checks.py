"""What the detailed roadmap's form cannot say by itself: a responsible person, not a bare party.

The form (forms/roadmap.json) checks each cell and, in its ``x-rules``, that a step's planned
start is not after its end. Here, what needs the base roadmap: the responsible names a person,
not just the party the base roadmap names (step 8: "с датами и ответственными"). Errors use the
same dotted paths as the form's, so the page puts them beside the cell.
"""
from __future__ import annotations

import re

from ..forms.schema import FieldError
from .base import BaseRoadmap, load_base_roadmap

ROADMAP_FORMS = ("roadmap", "roadmap_correction")
TABLE = "roadmap_steps"

_WORD_RE = re.compile(r"[^\W\d_]+")


def check_roadmap(form: str | None, data: dict, base: BaseRoadmap | None = None) -> list[FieldError]:
    """Problems of a detailed roadmap posted with ``form``; [] for other forms or a valid one."""
    if form not in ROADMAP_FORMS or not isinstance(data.get(TABLE), list):
        return []
    base = base or load_base_roadmap()
    parties = {p.casefold() for p in base.parties}
    problems: list[FieldError] = []
    for index, row in enumerate(data[TABLE]):
        if not isinstance(row, dict):
            continue
        here = f"{TABLE}.{index}"
        responsible = row.get("responsible")
        if isinstance(responsible, str) and responsible.strip() and not _names_a_person(responsible, parties):
            problems.append(FieldError(
                f"{here}.responsible", "Укажите ответственное лицо: организацию и ФИО, например «ЦПЭ, Иванова А. А.»"))
    return problems


def _names_a_person(text: str, parties: set[str]) -> bool:
    # "ЦПЭ", "Клиент, Оператор", "Оператор / Клиент" name parties only; a surname adds a word.
    return any(word.casefold() not in parties for word in _WORD_RE.findall(text))

