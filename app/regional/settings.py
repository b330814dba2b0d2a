"""Reading and changing a region's settings: who may, the optimistic version, the history.

Admins and МО РЭЦ change any region's; a ЦПЭ user reads its own region's. A change is written
with one history row per changed field in the same transaction, stamped by the injected clock:
the client waits the engine uses are read from those rows (``waits.py``), so the moment of the
change is the moment from which new waits get the new length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import ExportCentre, RegionalSettingChange
from ..roles import Role
from ..workflow.runtime import runtime
from .fields import BY_NAME, FIELDS, SettingsInvalid, as_text, clean

EDITING_ROLES = frozenset({Role.ADMIN, Role.MO_REC})
_REGION_RE = re.compile(r"^\d{2}$")


class SettingsConflict(Exception):
    """Someone saved the region's settings since this form was opened (409)."""

    http_status = 409
    message = ("Настройки региона изменил другой пользователь, пока вы редактировали. "
               "Откройте страницу заново: ваши изменения не сохранены.")


def may_edit(user) -> bool:
    return bool(user.roles & EDITING_ROLES)


def may_read(user, region: str) -> bool:
    return may_edit(user) or (user.has_role(Role.CPE) and bool(user.region) and user.region == region)


def of_region(region: str | None) -> ExportCentre | None:
    return db.session.get(ExportCentre, region) if region else None


def readable(user) -> list[ExportCentre]:
    query = select(ExportCentre).order_by(ExportCentre.region)
    if not may_edit(user):
        query = query.where(ExportCentre.region == (user.region or ""))
    return list(db.session.scalars(query))


def history(region: str) -> list[RegionalSettingChange]:
    return list(db.session.scalars(select(RegionalSettingChange).where(RegionalSettingChange.region == region)
                                   .order_by(RegionalSettingChange.changed_at.desc(),
                                             RegionalSettingChange.id.desc())))


def save(region: str, values, *, actor, version: str | int | None) -> ExportCentre:
    """Create or change the region's settings from form values and record what changed.

    SettingsInvalid names every bad field; SettingsConflict when ``version`` (the one the form
    was opened with) is no longer the row's."""
    region = (region or "").strip()
    if not _REGION_RE.match(region):
        raise SettingsInvalid({"region": "Код региона: ожидаются две цифры, например 77"})
    cleaned = clean(values)
    centre = of_region(region)
    if centre is None:
        centre = ExportCentre(region=region)
    elif version in (None, ""):
        raise SettingsInvalid({"region": f"Код региона: настройки региона {region} уже есть, откройте их из списка"})
    elif str(version) != str(centre.version):
        raise SettingsConflict()
    now = runtime().clock.now()
    for name, value in cleaned.items():
        old = getattr(centre, name)
        if old == value:
            continue
        db.session.add(RegionalSettingChange(region=region, field=name, old_value=as_text(old),
                                             new_value=as_text(value), changed_at=now, changed_by=actor.email))
        setattr(centre, name, value)
    centre.updated_at, centre.updated_by = now, actor.email
    db.session.add(centre)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):  # saved meanwhile: a newer version, or the region created
        db.session.rollback()
        raise SettingsConflict() from None
    return centre


@dataclass(frozen=True)
class Change:
    """A history row as the page shows it."""
    at: datetime
    by: str  # e-mail; the page shows the person's name
    label: str
    old: str
    new: str


def changes(region: str) -> list[Change]:
    return [Change(row.changed_at, row.changed_by, BY_NAME[row.field].label if row.field in BY_NAME else row.field,
                   _shown(row.field, row.old_value), _shown(row.field, row.new_value)) for row in history(region)]


def _shown(field: str, text: str | None) -> str:
    if text is not None:
        return text
    kind = BY_NAME[field].kind if field in BY_NAME else "text"
    return "по умолчанию" if kind in ("wait", "intake") else "не указано"


__all__ = ["FIELDS", "SettingsConflict", "SettingsInvalid", "may_edit", "may_read", "of_region", "save"]
