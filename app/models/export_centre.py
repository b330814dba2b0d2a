"""A region's settings, one row a region: its export support centre (ЦПЭ) as the documents name
it (name, postal address, signatory, requisites) and the rules its regional acts set (client
waits, whether filing needs an intake window). Every change is a row of the history below."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class ExportCentre(db.Model):
    __tablename__ = "export_centres"

    region: Mapped[str] = mapped_column(String(3), primary_key=True)  # the region's code, "77"
    full_name: Mapped[str] = mapped_column(String(500))  # as the Act names the party
    short_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)  # postal address
    head_position: Mapped[str | None] = mapped_column(String(200))  # nominative: «директор»
    head_name: Mapped[str | None] = mapped_column(String(200))  # nominative: «Соколова Анна Викторовна»
    basis: Mapped[str | None] = mapped_column(String(200))  # genitive, after «на основании»: «устава»
    inn: Mapped[str | None] = mapped_column(String(12))
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    bank_name: Mapped[str | None] = mapped_column(String(300))
    bank_bik: Mapped[str | None] = mapped_column(String(9))
    bank_account: Mapped[str | None] = mapped_column(String(20))
    bank_corr_account: Mapped[str | None] = mapped_column(String(20))
    # Working days of the client waits; None: the deployment's default (VITRINA_CLIENT_WAITS).
    wait_remarks: Mapped[int | None] = mapped_column(Integer)
    wait_originals: Mapped[int | None] = mapped_column(Integer)
    wait_consultation_offer: Mapped[int | None] = mapped_column(Integer)
    waits_act: Mapped[str | None] = mapped_column(String(500))  # the regional act setting them
    # None: the deployment's default (VITRINA_INTAKE_WINDOWS_REQUIRED).
    intake_windows_required: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(254))

    __mapper_args__ = {"version_id_col": version}


class RegionalSettingChange(db.Model):
    """One field of a region's settings changed: who, when (the injected clock), old → new as text.

    The client-wait rows are also what the engine reads: the wait a region gives at a moment is
    the value its last change before that moment set."""

    __tablename__ = "regional_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(3))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[str] = mapped_column(String(254))

    __table_args__ = (Index("ix_regional_setting_changes_region_changed_at", "region", "changed_at"),)
