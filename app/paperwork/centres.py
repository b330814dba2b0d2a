"""The regions' ЦПЭ as the documents name them: read when an Act is prefilled, kept by admins on
«Справочник ЦПЭ». A region without a row gets the generic name the Act always had."""
from __future__ import annotations

import re

from sqlalchemy import select

from ..workflow.runtime import runtime
from ..extensions import db
from ..models import ExportCentre
from ..regions import region_name

FIELDS = ("full_name", "short_name", "address", "head_position", "head_name", "basis")
REQUIRED = {"full_name": "Полное наименование", "short_name": "Краткое наименование"}
LIMITS = {"full_name": 500, "short_name": 200, "head_position": 200, "head_name": 200, "basis": 200, "address": 2000}
_REGION_RE = re.compile(r"^\d{2}$")


class CentreError(ValueError):
    """A value of the reference that cannot be kept, with the field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def fallback_name(region: str | None) -> str | None:
    return f"Центр поддержки экспорта ({region_name(region)})" if region else None


def of_region(region: str | None) -> ExportCentre | None:
    return db.session.get(ExportCentre, region) if region else None


def all_centres() -> list[ExportCentre]:
    return list(db.session.scalars(select(ExportCentre).order_by(ExportCentre.region)))


def save(region: str, values, *, actor: str) -> ExportCentre:
    """Create or replace the region's row from form values; CentreError names the bad field."""
    region = (region or "").strip()
    if not _REGION_RE.match(region):
        raise CentreError("region", "Неверный код региона: ожидаются две цифры, например 77")
    cleaned = {}
    for field in FIELDS:
        text = " ".join(str(values.get(field) or "").split())
        if len(text) > LIMITS[field]:
            raise CentreError(field, f"Слишком длинное значение: не больше {LIMITS[field]} символов")
        cleaned[field] = text or None
    for field in REQUIRED:
        if not cleaned[field]:
            raise CentreError(field, "Обязательное поле")
    if cleaned["head_name"] and len(cleaned["head_name"].split()) < 2:
        raise CentreError("head_name", "Укажите фамилию, имя и отчество полностью, например «Соколова Анна Викторовна»")
    centre = of_region(region) or ExportCentre(region=region)
    for field, value in cleaned.items():
        setattr(centre, field, value)
    centre.updated_at, centre.updated_by = runtime().clock.now(), actor
    db.session.add(centre)
    db.session.commit()
    return centre


def act_values(region: str | None) -> dict:
    """What the Act's ЦПЭ fields start from: the reference row, else the generic name."""
    return reference_values(region) or {"act_cpe_name": fallback_name(region)}


def reference_values(region: str | None) -> dict:
    """The ЦПЭ party of a document as the reference names it now (its blanks left out); {} when
    the region has no row."""
    centre = of_region(region)
    if centre is None:
        return {}
    values = {"act_cpe_name": centre.full_name, "act_cpe_position": centre.head_position,
              "act_cpe_person": centre.head_name, "act_cpe_basis": centre.basis}
    return {k: v for k, v in values.items() if v}

