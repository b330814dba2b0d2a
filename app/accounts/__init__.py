"""User accounts: creation with validation, passwords, deactivation, who manages whom.

Views and the CLI go through here, so the rules (which roles need a region, a client's
company) hold whichever way an account is made. Errors name the field, in Russian, for the
form to show next to it.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from stdnum import exceptions as stdnum_errors
from stdnum.ru import inn as stdnum_inn
from werkzeug.security import check_password_hash, generate_password_hash

from . import passwords as password_policy, throttle
from .. import plain_text
from ..extensions import db
from ..models import User, UserRole
from ..roles import Role
from ..statuses import ThrottleScope

# Roles whose holder acts for one region only.
REGIONAL_ROLES = frozenset({Role.CPE, Role.CLIENT})

MAX_EMAIL = 254
# The one-line texts of an account: (label in messages, the length of its column).
_TEXT_FIELDS = {"full_name": ("Имя пользователя", 200), "company_name": ("Название компании", 500),
                "phone": ("Телефон", 32)}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_REGION_RE = re.compile(r"^\d{2}$")
# Checked against when the e-mail is unknown, so a wrong login costs the same time as a
# wrong password and does not tell which accounts exist.
_decoy_hash: str | None = None


class AccountError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user(email)
    if user is None:
        check_password_hash(_timing_decoy(), password or "")
        return None
    if not user.check_password(password or "") or not user.is_active:
        return None
    return user


def log_in(email: str, password: str, address: str | None) -> User | None:
    """``authenticate``, throttled per account and per client address: throttle.Throttled when
    either has failed too often lately (then not even a right password is tried)."""
    keys = {ThrottleScope.ACCOUNT: normalise_email(email), ThrottleScope.ADDRESS: address}
    throttle.check(keys)
    user = authenticate(email, password)
    if user is None:
        throttle.record_failure(keys)
    else:
        # Only the account's count: an address that fails with many accounts stays suspect.
        throttle.clear(ThrottleScope.ACCOUNT, keys[ThrottleScope.ACCOUNT])
    return user


def user_for_session(session_id: str | None) -> User | None:
    """The user a session's id ("<user id>:<session version>", see ``User.get_id``) stands for,
    or None when the account was deactivated or its sessions were ended since the login."""
    user_id, _, version = (session_id or "").partition(":")
    try:
        user = db.session.get(User, int(user_id))
        version = int(version)
    except ValueError:
        return None
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere: every session of theirs ends on its next request."""
    user.end_sessions()
    db.session.commit()


def create_user(email: str, full_name: str, password: str, roles: Iterable[Role | str], *,
                region: str | None = None, company_inn: str | None = None,
                company_name: str | None = None, phone: str | None = None) -> User:
    email = checked_email(email)
    if find_user(email) is not None:
        raise AccountError("email", "Пользователь с таким e-mail уже есть")
    _check_password(password, email, full_name)
    user = User(email=email, is_active=True)
    _apply_profile(user, full_name=full_name, roles=roles, region=region, company_inn=company_inn,
                   company_name=company_name, phone=phone)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def create_invited_client(email: str, full_name: str, *, region: str | None, company_inn: str | None,
                          company_name: str | None) -> User:
    """A client account for a company's representative invited from an application: inactive,
    with a password nobody knows, until they set their own from the invitation's link
    (``accounts.invitations``). Not committed: the invitation is written in the same transaction."""
    email = checked_email(email)
    if find_user(email) is not None:
        raise AccountError("email", "Пользователь с таким e-mail уже есть")
    user = User(email=email, is_active=False)
    _apply_profile(user, full_name=full_name, roles={Role.CLIENT}, region=region, company_inn=company_inn,
                   company_name=company_name, phone=None)
    user.set_password(secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    return user


def checked_name(full_name: str | None) -> str:
    """A person's name as an account keeps it; AccountError (field ``full_name``) when blank or unfit."""
    name = _line("full_name", full_name)
    if not name:
        raise AccountError("full_name", "Укажите имя пользователя")
    return name


def checked_email(email: str | None) -> str:
    """``email`` normalised; AccountError (field ``email``) when it is no address."""
    email = normalise_email(email)
    if not email:
        raise AccountError("email", "Укажите e-mail")
    if not _EMAIL_RE.match(email) or len(email) > MAX_EMAIL:
        raise AccountError("email", "Неверный e-mail: ожидается адрес вида name@example.ru")
    return email


def update_user(user: User, *, full_name: str, roles: Iterable[Role | str], region: str | None,
                company_inn: str | None, company_name: str | None, phone: str | None,
                is_active: bool) -> User:
    _apply_profile(user, full_name=full_name, roles=roles, region=region, company_inn=company_inn,
                   company_name=company_name, phone=phone)
    user.is_active = bool(is_active)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every open session of ``user`` ends (see ``User.set_password``)."""
    _check_password(password, user.email, user.full_name)
    user.set_password(password)
    db.session.commit()


def check_new_password(user: User, password: str | None) -> None:
    """AccountError (field ``password``) when the policy refuses ``password`` for ``user``."""
    _check_password(password, user.email, user.full_name)


def register_company(user: User, *, company_name: str | None, company_inn: str | None,
                     region: str | None = None) -> User:
    """A client fills in their company (and region, if missing) before filing an application.

    Only what is missing is taken: the INN decides which applications a client sees, so one
    set already is changed by an admin, never by the client.
    """
    company_name = _line("company_name", company_name)
    if company_name is None:
        raise AccountError("company_name", "Укажите название компании")
    if not user.company_inn:
        company_inn = (company_inn or "").strip() or None
        _check_inn(company_inn)
        user.company_inn = company_inn
    if not user.region:
        region = (region or "").strip() or None
        if region is None or not _REGION_RE.match(region):
            raise AccountError("region", "Неверный код региона: ожидаются две цифры, например 77")
        user.region = region
    user.company_name = company_name
    db.session.commit()
    return user


def check_company(company_name: str | None, company_inn: str | None, region: str | None) -> tuple[str, str, str]:
    """A company named by staff filing on its behalf: (name, INN, region), stripped and checked;
    AccountError names the first field that is wrong."""
    company_name = _line("company_name", company_name)
    if not company_name:
        raise AccountError("company_name", "Укажите название компании")
    company_inn = (company_inn or "").strip()
    if not company_inn:
        raise AccountError("company_inn", "Укажите ИНН компании")
    _check_inn(company_inn)
    region = (region or "").strip()
    if not _REGION_RE.match(region):
        raise AccountError("region", "Неверный код региона: ожидаются две цифры, например 77")
    return company_name, company_inn, region


def deactivate(user: User) -> None:
    # Accounts are never deleted: the audit trail names them.
    user.is_active = False
    db.session.commit()


def managers_of(role: Role | str, region: str | None) -> list[User]:
    """Active managers of ``role`` for ``region``: those of the region and the central ones."""
    query = (select(User)
             .where(User.is_active, User.id.in_(_holders(Role.MANAGER)), User.id.in_(_holders(role)),
                    or_(User.region == region, User.region.is_(None)))
             .order_by(User.region.is_(None), User.full_name))
    return list(db.session.scalars(query))


def _holders(role: Role | str):
    return select(UserRole.user_id).where(UserRole.role == str(role))


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def _apply_profile(user: User, *, full_name, roles, region, company_inn, company_name, phone) -> None:
    full_name = _line("full_name", full_name)
    if not full_name:
        raise AccountError("full_name", "Укажите имя пользователя")
    roles = _parse_roles(roles)
    region = (region or "").strip() or None
    if region is not None and not _REGION_RE.match(region):
        raise AccountError("region", "Неверный код региона: ожидаются две цифры, например 77")
    if region is None and roles & REGIONAL_ROLES:
        raise AccountError("region", "Пользователю ЦПЭ и клиенту нужен регион")
    company_inn = (company_inn or "").strip() or None
    company_name = _line("company_name", company_name)
    if Role.CLIENT in roles or company_inn is not None:
        _check_inn(company_inn)
    user.full_name, user.region, user.phone = full_name, region, _line("phone", phone)
    user.company_inn, user.company_name = company_inn, company_name
    user.roles = roles


def _line(field: str, value: str | None) -> str | None:
    """A one-line text of the account, trimmed (None when blank); refused, naming the field, when
    it holds a control character or is longer than its column."""
    text = (value or "").strip() or None
    if text is None:
        return None
    label, limit = _TEXT_FIELDS[field]
    if reason := plain_text.refusal(text, limit=limit):
        raise AccountError(field, f"{label}: {reason}")
    return text


def _parse_roles(roles) -> set[Role]:
    parsed = set()
    for value in roles or ():
        try:
            parsed.add(Role(str(value).strip()))
        except ValueError:
            raise AccountError("roles", f"Неизвестная роль «{value}»") from None
    if not parsed:
        raise AccountError("roles", "Выберите хотя бы одну роль")
    return parsed


def _check_password(password: str | None, email: str | None, full_name: str | None) -> None:
    if problem := password_policy.problem(password, password_policy.personal_words(email, full_name)):
        raise AccountError("password", problem)


def _check_inn(inn: str | None) -> None:
    if not inn:
        raise AccountError("company_inn", "Клиенту нужен ИНН компании")
    try:
        stdnum_inn.validate(inn)
    except stdnum_errors.InvalidChecksum:
        raise AccountError("company_inn", "Неверный ИНН: контрольная сумма не сходится") from None
    except stdnum_errors.ValidationError:
        raise AccountError("company_inn", "Неверный ИНН: ожидается 10 цифр для организации или 12 для ИП") from None


def _timing_decoy() -> str:
    global _decoy_hash
    if _decoy_hash is None:
        _decoy_hash = generate_password_hash("not anyone's password")
    return _decoy_hash
