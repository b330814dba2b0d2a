"""The client waits the engine counts: the deployment's defaults (``VITRINA_CLIENT_WAITS``) with
each region's changes from its settings' history.

A region's value for a kind is a timeline of (moment of change, days): the model's
``client_wait(kind, region)`` is evaluated once, when the wait starts, with the injected clock's
now, and takes the value in force then. A wait already running keeps the due date it got.
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import select

from ..engine.functions import LiveClientWaits
from ..extensions import db
from ..models import RegionalSettingChange
from .fields import WAIT_FIELDS

_KIND_OF = {field: kind for kind, field in WAIT_FIELDS.items()}


def client_wait_settings(defaults: Mapping) -> dict:
    """``defaults`` with every region's wait changes, as ``ClientWaits`` takes them."""
    settings = {k: v for k, v in defaults.items() if k != "regions"}
    configured = {str(r): dict(d) for r, d in (defaults.get("regions") or {}).items()}
    regions: dict[str, dict] = {r: dict(d) for r, d in configured.items()}
    rows = db.session.execute(
        select(RegionalSettingChange.region, RegionalSettingChange.field, RegionalSettingChange.new_value,
               RegionalSettingChange.changed_at)
        .where(RegionalSettingChange.field.in_(list(_KIND_OF)))
        .order_by(RegionalSettingChange.changed_at, RegionalSettingChange.id))
    for region, field, value, at in rows:
        kind = _KIND_OF[field]
        # Cleared back to "by default": the region's entry of the variable, else the general one.
        base = configured.get(region, {}).get(kind)
        timeline = regions.setdefault(region, {}).get(kind)
        if not isinstance(timeline, list):
            timeline = regions[region][kind] = [] if base is None else [[None, int(base)]]
        timeline.append([at.isoformat(), int(value) if value else base])
    settings["regions"] = regions
    return settings


def live_client_waits(app) -> LiveClientWaits:
    """The waits of ``app``, read afresh from its database at every wait that starts."""
    return LiveClientWaits(lambda: client_wait_settings(app.config["VITRINA_CLIENT_WAITS"]))


def default_days(kind: str, region: str | None, defaults: Mapping) -> int:
    """The wait of a region without settings: the variable's entry for it, else the general one."""
    return int((defaults.get("regions") or {}).get(str(region), {}).get(kind, defaults[kind]))


def days(kind: str, region: str | None) -> int:
    """The wait a client of ``region`` would get if it started now (for the page)."""
    from ..workflow.runtime import runtime
    return runtime().engine.client_waits.days(kind, region, runtime().clock.now())
