"""The registry of operators: registration and edits with validated INN/ОГРН, the accounts that
act for an operator, the current list of accredited operators, and which operator an
application's agreement names.

Time comes from the injected clock; every change is written to the operator's audit trail.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..forms.schema import validate
from ..models import ApplicationOperator, Operator, OperatorEvent, OperatorUser, User
from ..roles import Role
from ..statuses import OperatorStatus
from ..workflow.runtime import runtime
from .errors import OperatorError

# The profile fields as a form schema, so INN, ОГРН, phone and e-mail are checked by the
# project's own format checks with their usual messages.
PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 500},
        "inn": {"type": "string", "format": "inn"},
        "ogrn": {"type": "string", "format": "ogrn"},
        "contact_person": {"type": "string", "maxLength": 200},
        "phone": {"type": "string", "format": "phone", "maxLength": 32},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "marketplaces": {"type": "string", "maxLength": 2000},
        "countries": {"type": "string", "maxLength": 2000},
    },
    "required": ["name", "inn", "ogrn"],
}
PROFILE_FIELDS = tuple(PROFILE_SCHEMA["properties"])
REQUIRED_MESSAGES = {"name": "Укажите наименование Оператора", "inn": "Укажите ИНН Оператора",
                     "ogrn": "Укажите ОГРН Оператора"}


def clean_profile(values) -> dict:
    """The profile fields of ``values`` trimmed, blanks as None; raises on the first bad field."""
    data = {key: (values.get(key) or "").strip() or None for key in PROFILE_FIELDS}
    errors = validate(PROFILE_SCHEMA, {k: v for k, v in data.items() if v is not None})
    if errors:
        first = errors[0]
        raise OperatorError(first.field, REQUIRED_MESSAGES.get(first.field) if first.message == "Обязательное поле"
                            else first.message)
    return data


def create_operator(values, *, actor: str) -> Operator:
    data = clean_profile(values)
    _check_unique_inn(data["inn"], None)
    now = runtime().clock.now()
    operator = Operator(**data, status=OperatorStatus.APPLIED, status_at=now, status_by=actor, created_at=now)
    db.session.add(operator)
    db.session.flush()
    log_event(operator, actor, "registered", status_to=operator.status, details={"name": operator.name})
    db.session.commit()
    return operator


def update_operator(operator: Operator, values, *, actor: str) -> Operator:
    data = clean_profile(values)
    _check_unique_inn(data["inn"], operator.id)
    changed = {key: value for key, value in data.items() if getattr(operator, key) != value}
    for key, value in changed.items():
        setattr(operator, key, value)
    if changed:
        log_event(operator, actor, "edited", details={"fields": sorted(changed)})
    db.session.commit()
    return operator


def link_user(operator: Operator, email: str, *, actor: str) -> User:
    """Give the account with ``email`` (it must hold the role operator) access as this operator."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise OperatorError("email", "Нет пользователя с таким e-mail: сначала создайте учётную запись")
    if not user.has_role(Role.OPERATOR):
        raise OperatorError("email", "У пользователя нет роли «Оператор»")
    current = db.session.get(OperatorUser, user.id)
    if current is not None and current.operator_id != operator.id:
        other = db.session.get(Operator, current.operator_id)
        raise OperatorError("email", f"Пользователь уже работает за Оператора «{other.name}»")
    if current is None:
        db.session.add(OperatorUser(user_id=user.id, operator_id=operator.id))
        log_event(operator, actor, "user_linked", details={"email": user.email})
    db.session.commit()
    return user


def unlink_user(operator: Operator, user_id: int, *, actor: str) -> None:
    link = db.session.get(OperatorUser, user_id)
    if link is None or link.operator_id != operator.id:
        raise OperatorError("email", "Пользователь не связан с этим Оператором")
    user = db.session.get(User, user_id)
    db.session.delete(link)
    log_event(operator, actor, "user_unlinked", details={"email": user.email if user else user_id})
    db.session.commit()


def linked_users(operator: Operator) -> list[User]:
    ids = [link.user_id for link in operator.users]
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email))) if ids else []


def has_access(operator: Operator) -> bool:
    """Whether someone can work in Vitrina for the operator; otherwise МО РЭЦ acts for it (3.10)."""
    return any(u.is_active for u in linked_users(operator))


def operator_of_user(user) -> Operator | None:
    link = db.session.get(OperatorUser, user.id) if user is not None and user.id is not None else None
    return db.session.get(Operator, link.operator_id) if link else None


def accredited() -> list[Operator]:
    """The current list МО РЭЦ gives the ЦПЭ (3.6(3)): accredited operators, by name."""
    return list(db.session.scalars(select(Operator).where(Operator.status == OperatorStatus.ACCREDITED)
                                   .order_by(Operator.name, Operator.id)))


def all_operators() -> list[Operator]:
    return list(db.session.scalars(select(Operator).order_by(Operator.name, Operator.id)))


def operator_of_application(instance_id: int) -> Operator | None:
    link = db.session.get(ApplicationOperator, instance_id)
    return db.session.get(Operator, link.operator_id) if link else None


def log_event(operator: Operator, actor: str, action: str, *, status_from: str | None = None,
              status_to: str | None = None, details: dict | None = None) -> None:
    db.session.add(OperatorEvent(operator_id=operator.id, at=runtime().clock.now(), actor=actor, action=action,
                                 status_from=status_from, status_to=status_to, details=details))


def events_of(operator: Operator) -> list[OperatorEvent]:
    return list(db.session.scalars(select(OperatorEvent).where(OperatorEvent.operator_id == operator.id)
                                   .order_by(OperatorEvent.id)))


def _check_unique_inn(inn: str, own_id: int | None) -> None:
    other = db.session.scalar(select(Operator).where(Operator.inn == inn))
    if other is not None and other.id != own_id:
        raise OperatorError("inn", f"Оператор с этим ИНН уже есть в реестре: «{other.name}»")
