"""How dates and times are shown: ДД.ММ.ГГГГ, times in Europe/Moscow."""
from __future__ import annotations

from datetime import date, datetime
from .calendar import MOSCOW


def fmt_date(value: date | datetime | str | None) -> str:
    """ДД.ММ.ГГГГ; an ISO date as a form keeps it is shown so too, other text as it is."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(MOSCOW).date()
    return value.strftime("%d.%m.%Y")


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
