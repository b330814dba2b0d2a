"""How each user wants each kind of notification delivered: «Сразу», «Сводка в 9:00» or «Только в
Витрине». The one service the settings page (and any API) reads and writes; the outbox asks
``route`` on every write, so a row is e-mailed, kept for the digest or kept in the app from birth.

Only what would be e-mailed now (``pending``) is routed: a row without an account (a client's
contact e-mail) has no settings and goes at once, an invitation is never configurable, and with
no SMTP server everything stays in the app anyway (``kept``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update

from ..extensions import db
from ..models import Notification, NotificationSetting
from ..statuses import DeliveryMode, DeliveryState, NotificationKind
from ..upsert import insert_or_update
from ..workflow.runtime import runtime
from .schedule import next_digest_at

DEFAULT = DeliveryMode.IMMEDIATE
CONFIGURABLE = [kind for kind in NotificationKind if kind.configurable]
_CHUNK = 500  # user ids per IN (…): a sweep writes to hundreds of people at once
_SETTINGS_OF = select(NotificationSetting).where(  # built once: asked on every step that notifies
    NotificationSetting.user_id.in_(bindparam("user_ids", expanding=True)))


class SettingError(ValueError):
    """A choice that cannot be saved; ``field`` is the kind it is about, the message Russian."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def settings_of(user_id: int) -> dict[NotificationKind, DeliveryMode]:
    """Every configurable kind with the user's choice (the default where they made none)."""
    chosen = {row.kind: row.mode for row in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id == user_id))}
    return {kind: _mode(chosen.get(kind)) for kind in CONFIGURABLE}


def save(user_id: int, choices: dict[str, str], now: datetime) -> dict[NotificationKind, DeliveryMode]:
    """Store the user's choices ({kind: mode}; kinds left out keep theirs) and commit.

    Notifications already waiting for a digest follow a changed choice: «Сразу» sends them with
    the next delivery, «Только в Витрине» keeps them in the app only.
    """
    parsed = _parse(choices)
    current = settings_of(user_id)
    for kind, mode in parsed.items():
        if mode == DEFAULT:
            db.session.execute(delete(NotificationSetting).where(
                NotificationSetting.user_id == user_id, NotificationSetting.kind == kind))
        else:
            db.session.execute(insert_or_update(
                NotificationSetting, ["user_id", "kind"],
                {"user_id": user_id, "kind": str(kind), "mode": str(mode), "updated_at": now}, ["mode", "updated_at"]))
        if mode != current[kind] and current[kind] == DeliveryMode.DIGEST:
            _release_waiting(user_id, kind, mode, now)
    db.session.commit()
    return settings_of(user_id)


def _parse(choices: dict[str, str]) -> dict[NotificationKind, DeliveryMode]:
    parsed = {}
    for name, value in choices.items():
        try:
            kind = NotificationKind(name)
        except ValueError:
            raise SettingError(name, f"Нет такого вида уведомлений: «{name}»") from None
        if not kind.configurable:
            raise SettingError(name, f"«{kind.label}» всегда отправляется сразу: это не настраивается")
        try:
            parsed[kind] = DeliveryMode(value)
        except (ValueError, TypeError):
            allowed = ", ".join(f"{m.value} («{m.label}»)" for m in DeliveryMode)
            raise SettingError(name, f"«{kind.label}»: выберите один из способов: {allowed}") from None
    return parsed


def _release_waiting(user_id: int, kind: NotificationKind, mode: DeliveryMode, now: datetime) -> None:
    values = ({"delivery": DeliveryState.IN_APP, "next_attempt_at": None} if mode == DeliveryMode.IN_APP
              else {"delivery": DeliveryState.PENDING, "next_attempt_at": now})
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.kind == kind,
        Notification.delivery == DeliveryState.DIGEST).values(**values)
        .execution_options(synchronize_session=False))


def _mode(value: str | None) -> DeliveryMode:
    try:
        return DeliveryMode(value) if value else DEFAULT
    except ValueError:  # a mode a later version dropped: the safe default, e-mail as before
        return DEFAULT


def route(rows: list[dict]) -> None:
    """Set each outbox row's delivery by its user's choice for its kind (in place)."""
    wanted = [r for r in rows if r["delivery"] == DeliveryState.PENDING and r.get("user_id") is not None
              and r["kind"] in CONFIGURABLE]
    if not wanted:
        return
    modes = _modes_of({r["user_id"] for r in wanted})
    digest_times: dict[datetime, datetime] = {}  # a sweep's rows share one moment
    for row in wanted:
        mode = modes.get((row["user_id"], row["kind"]), DEFAULT)
        if mode == DeliveryMode.IN_APP:
            row["delivery"], row["next_attempt_at"] = DeliveryState.IN_APP, None
        elif mode == DeliveryMode.DIGEST:
            created = row["created_at"]
            if created not in digest_times:
                digest_times[created] = next_digest_at(created, runtime().calendar)
            row["delivery"], row["next_attempt_at"] = DeliveryState.DIGEST, digest_times[created]


def _modes_of(user_ids: set[int]) -> dict[tuple[int, str], DeliveryMode]:
    ids = sorted(user_ids)
    modes = {}
    for start in range(0, len(ids), _CHUNK):
        for row in db.session.scalars(_SETTINGS_OF, {"user_ids": ids[start:start + _CHUNK]}):
            modes[(row.user_id, row.kind)] = _mode(row.mode)
    return modes
