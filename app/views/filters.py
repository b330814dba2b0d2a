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


def register(app) -> None:
    from ..scoring import scoring_of
    app.add_template_global(scoring_of, "scoring_of")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(fmt_datetime, "datetime")
    app.add_template_filter(role_label, "role")
    app.add_template_filter(lambda process_id: SERVICES.get(process_id, process_id), "service")
    app.add_template_filter(lambda a: AUDIT_ACTIONS.get(a, a), "audit_action")
    app.add_template_filter(lambda k: TIMER_KINDS.get(k, k or "—"), "timer_kind")
