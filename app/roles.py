"""Roles of the regulation and of the system, and the lanes of the model that map to them."""
from __future__ import annotations

import re
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


def lane_names(value: str | None) -> list[str]:
    """The lane names of a model property that lists roles («КБ РЭЦ; ЦПЭ»), in order, blanks dropped."""
    return [name.strip() for name in re.split(r"[;,]", value or "") if name.strip()]


def roles_of_lanes(value: str | None) -> list[Role]:
    """The roles a property listing lane names names; a name that is no role is left out (the
    model check refuses it before a deploy)."""
    return [role for role in (role_of_lane(name) for name in lane_names(value)) if role is not None]
