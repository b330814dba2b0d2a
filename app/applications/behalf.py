"""How the history names who acted on whose behalf, by names: «МО РЭЦ от имени Оператора
ООО «Экспорт Онлайн»» (3.10), «КБ РЭЦ от имени Клиента ООО «Ромашка»» (step 1 filed for the
client). The record keeps the role acted for (``on_behalf_of``) beside the actor; the names are
the application's and the operator's as they are now."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import ProcessInstance, User
from ..roles import LANE_ROLES, Role

# The stand-in's own role, shown before «от имени», in this order when they hold several.
_STAND_IN_ROLES = (Role.MO_REC, Role.KB_REC, Role.CPE, Role.OPS_REC)


def label(acted_for: str | None, instance_id: int, actor: str | None = None) -> str:
    """«<stand-in's role> от имени <whom>» for a record of ``actor`` acting for ``acted_for``."""
    if not acted_for:
        return ""
    if acted_for == Role.OPERATOR:
        from ..operators import registry  # the operators package reads applications' records too
        operator = registry.operator_of_application(instance_id)
        return "МО РЭЦ от имени Оператора" + (f" {operator.name}" if operator else "")
    whom = _whom(acted_for, instance_id)
    role = _stand_in_role(actor, acted_for)
    return f"{role.label} от имени {whom}" if role else f"от имени {whom}"


def _whom(acted_for: str, instance_id: int) -> str:
    try:
        role = Role(acted_for)
    except ValueError:
        return acted_for
    if role == Role.CLIENT:
        company = db.session.scalar(select(ProcessInstance.company_name).where(ProcessInstance.id == instance_id))
        return "Клиента" + (f" {company}" if company else "")
    return {Role.CPE: "ЦПЭ", Role.MO_REC: "МО РЭЦ", Role.OPS_REC: "ОПС РЭЦ", Role.KB_REC: "КБ РЭЦ"}.get(
        role, role.label)


def _stand_in_role(actor: str | None, acted_for: str) -> Role | None:
    if not actor:
        return None
    user = db.session.scalar(select(User).where(User.email == actor))
    if user is None:
        return None
    held = user.roles
    return next((r for r in _STAND_IN_ROLES if r in held and r != acted_for and r in LANE_ROLES.values()), None)
