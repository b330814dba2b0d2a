"""Template filters: dates as ДД.ММ.ГГГГ, times in Moscow, role names in Russian."""
from __future__ import annotations

from ..dates import fmt_date, fmt_datetime
from ..roles import Role

AUDIT_ACTIONS = {
    "started": "Создание",
    "completed": "Выполнение задачи",
    "status": "Смена статуса",
    "timer_fired": "Срабатывание срока",
    "claimed": "Взятие задачи в работу",
    "unclaimed": "Возврат задачи",
    "assigned": "Назначение задачи",
    "roadmap_marked": "Отметка о выполнении шага дорожной карты",
    "decided": "Решение по таблице",
}
# What each deployed process is to its users, for lists that mix them.
SERVICES = {"marketplace_support": "Размещение на ЭТП", "consultation": "Консультация", "complaint": "Жалоба"}
TIMER_KINDS = {
    "normative": "нормативный срок",
    "indicative": "индикативный срок",
    "client_wait": "ожидание Клиента",
    "report_period": "отчётный период",
}


def role_label(value: str | None) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value or "—"


def person(email: str | None) -> str:
    """A user's full name for an e-mail kept in a record (the system's own entries say so)."""
    if not email:
        return "—"
    if email in ("system", "demo", "scenario") or email.startswith("scenario:"):
        return "Витрина (автоматически)"
    from flask import g
    from sqlalchemy import select
    from ..extensions import db
    from ..models import User
    names = g.setdefault("vitrina_names", {})
    if email not in names:
        names[email] = db.session.scalar(select(User.full_name).where(User.email == email)) or email
    return names[email]


def register(app) -> None:
    from ..incidents import open_count
    from ..applications.scoring import scoring_of
    from ..statuses import IncidentKind, IncidentState
    app.add_template_global(scoring_of, "scoring_of")
    app.add_template_global(open_count, "open_incidents")
    app.add_template_filter(person, "person")
    app.add_template_filter(lambda k: IncidentKind(k).label, "incident_kind")
    app.add_template_filter(lambda s: IncidentState(s).label, "incident_state")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(fmt_datetime, "datetime")
    app.add_template_filter(role_label, "role")
    app.add_template_filter(lambda process_id: SERVICES.get(process_id, process_id), "service")
    app.add_template_filter(lambda a: AUDIT_ACTIONS.get(a, a), "audit_action")
    app.add_template_filter(lambda k: TIMER_KINDS.get(k, k or "—"), "timer_kind")
