"""Roles of the regulation and of the system, and the lanes of the model that map to them."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    CPE = "cpe"
    MO_REC = "mo_rec"
    OPS_REC = "ops_rec"
    KB_REC = "kb_rec"
    OPERATOR = "operator"
    MANAGER = "manager"
    PROCESS_OWNER = "process_owner"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Role.CLIENT: "Клиент",
    Role.CPE: "ЦПЭ",
    Role.MO_REC: "МО РЭЦ",
    Role.OPS_REC: "ОПС РЭЦ",
    Role.KB_REC: "КБ РЭЦ",
    Role.OPERATOR: "Оператор",
    Role.MANAGER: "Руководитель",
    Role.PROCESS_OWNER: "Владелец процесса",
    Role.ANALYST: "Аналитик",
    Role.ADMIN: "Администратор",
}

# A lane of the model names the role that performs its tasks.
LANE_ROLES: dict[str, Role] = {
    LABELS[role]: role
    for role in (Role.CLIENT, Role.CPE, Role.MO_REC, Role.OPS_REC, Role.KB_REC, Role.OPERATOR)
}


def role_of_lane(lane: str | None) -> Role | None:
    return LANE_ROLES.get((lane or "").strip())
