"""Inviting a client's representative from an application: an account and a one-time link.

КБ РЭЦ or the ЦПЭ of the application's region names the person (name, e-mail). A client account
is made for the application's company (its INN) and region, inactive until its password is set;
the invitation notice (``NotificationKind.INVITATION``, through the outbox, so it is e-mailed as
every notice is) carries a link with 32 random bytes, of which only the SHA-256 is stored. The
link expires after ``VITRINA_INVITATION_DAYS`` (7) days by the injected clock, serves once, and
inviting the same person again replaces it. Setting the password applies the account password
policy, activates the account and uses the link up in one conditional UPDATE, so of two tabs
posting the same link one wins. An e-mail that already has an account is never given a second
one: the error says whose it is.

The secret also sits in the outbox row until it is e-mailed (the job that sends it cannot make
it up again); it opens nothing once used, replaced or expired.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from . import AccountError, check_new_password, checked_name, create_invited_client, find_user
from .names import display_name
from ..access import can_see_instance
from ..dates import fmt_date, fmt_datetime
from ..extensions import db
from ..models import Invitation, ProcessInstance, User
from ..notifications import texts
from ..notifications.outbox import Recipient, enqueue
from ..roles import Role
from ..statuses import InstanceState, InvitationState
from ..workflow.errors import WorkflowError
from ..workflow.runtime import runtime

# Who invites: those who may file an application on a company's behalf.
INVITING_ROLES = (Role.KB_REC, Role.CPE)
LINK_PATH = "/invitation?t="


class InvitationRefused(WorkflowError):
    """The caller may not invite for this application (403)."""

    http_status = 403


class LinkUnusable(Exception):
    """The link opens nothing: unknown, used, replaced or expired. The message says which, in
    Russian, and what to do."""

    http_status = 410


class LinkUnknown(LinkUnusable):
    http_status = 404


class LinkUsed(LinkUnusable):
    http_status = 409


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def days_valid() -> int:
    return int(current_app.config.get("VITRINA_INVITATION_DAYS") or 7)


def may_invite(user, instance: ProcessInstance | None) -> bool:
    """КБ РЭЦ for any application, a ЦПЭ user for those of its region (the one it sees), while
    the application runs and names a company."""
    return (instance is not None and instance.state == InstanceState.RUNNING and bool(instance.company_inn)
            and any(user.has_role(role) for role in INVITING_ROLES) and can_see_instance(user, instance))


def invite(user, instance: ProcessInstance, *, full_name: str | None, email: str | None) -> Invitation:
    """Invite ``full_name`` <``email``> to fill ``instance``'s client steps; committed. Raises
    InvitationRefused, or AccountError naming the field (``full_name``, ``email``)."""
    if not may_invite(user, instance):
        raise InvitationRefused("Приглашать представителя Клиента могут КБ РЭЦ и ЦПЭ региона заявки")
    now = runtime().clock.now()
    invitee = find_user(email or "")
    if invitee is None:
        invitee = create_invited_client(email or "", full_name or "", region=instance.region,
                                        company_inn=instance.company_inn, company_name=instance.company_name)
    else:
        _check_reinvite(invitee, instance)
        invitee.full_name = checked_name(full_name)  # the name as given now: the account is not in use yet
        _revoke_open(invitee.id, now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(user_id=invitee.id, instance_id=instance.id, token_hash=hash_token(secret),
                            invited_by=user.email, created_at=now, expires_at=now + timedelta(days=days_valid()))
    db.session.add(invitation)
    db.session.flush()
    enqueue([Recipient(invitee.email)], f"invitation:{invitation.id}",
            texts.invitation(instance, invitee.full_name, invitee.email, display_name(user.email),
                             _inviter_role(user), invitation.expires_at, LINK_PATH + secret),
            now=now, instance_id=instance.id)
    db.session.commit()
    return invitation


def usable(secret: str | None) -> Invitation:
    """The invitation ``secret`` stands for, if it can still be used; else LinkUnusable."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(secret or "")))
    if invitation is None or not secret:
        raise LinkUnknown("Ссылка-приглашение не найдена: проверьте, что она скопирована из письма целиком, "
                          "или попросите сотрудника ЦПЭ или КБ РЭЦ пригласить Вас снова")
    if invitation.used_at is not None:
        raise LinkUsed("Ссылка уже использована: пароль задан. Войдите с e-mail и паролем")
    if invitation.revoked_at is not None:
        raise LinkUnusable("Эта ссылка заменена новым приглашением: откройте ссылку из последнего письма")
    if runtime().clock.now() >= invitation.expires_at:
        raise LinkUnusable(f"Срок действия ссылки истёк {fmt_datetime(invitation.expires_at)} (МСК): попросите "
                           "сотрудника ЦПЭ или КБ РЭЦ пригласить Вас снова")
    return invitation


def accept(secret: str | None, password: str | None, repeated: str | None) -> User:
    """Set the invitee's password from the link: the account is active and the link used up,
    committed. LinkUnusable, or AccountError (``password``, ``password_repeat``)."""
    invitation = usable(secret)
    user = invitation.user
    check_new_password(user, password)
    if password != repeated:
        raise AccountError("password_repeat", "Пароли не совпадают: введите один и тот же пароль дважды")
    now = runtime().clock.now()
    taken = db.session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        raise LinkUsed("Ссылка уже использована: пароль задан. Войдите с e-mail и паролем")
    _revoke_open(user.id, now)
    user.set_password(password)
    user.is_active = True
    db.session.commit()
    return user


def of_application(instance_id: int) -> list[Invitation]:
    """The invitations made from an application, newest first, for its card."""
    return list(db.session.scalars(select(Invitation).where(Invitation.instance_id == instance_id)
                                   .order_by(Invitation.id.desc())))


def state(invitation: Invitation, now: datetime) -> InvitationState:
    if invitation.used_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REPLACED
    return InvitationState.EXPIRED if now >= invitation.expires_at else InvitationState.SENT


def state_of(invitation: Invitation, now: datetime) -> str:
    """How the card describes an invitation, in Russian."""
    current = state(invitation, now)
    if current == InvitationState.ACCEPTED:
        return f"принято {fmt_datetime(invitation.used_at)}: пароль задан"
    if current == InvitationState.REPLACED:
        return "заменено новым приглашением"
    if current == InvitationState.EXPIRED:
        return f"срок ссылки истёк {fmt_datetime(invitation.expires_at)}"
    return f"ссылка отправлена, действует до {fmt_datetime(invitation.expires_at)}"


def awaiting_password(users) -> dict[int, str]:
    """«приглашён 05.12.2026» for each of ``users`` that waits for its first password (inactive,
    invited, no invitation used), by the latest invitation; the admins' list shows it instead of
    «нет» in «Активен»."""
    inactive = [u.id for u in users if not u.is_active]
    latest: dict[int, Invitation] = {}
    used: set[int] = set()
    for invitation in db.session.scalars(select(Invitation).where(Invitation.user_id.in_(inactive))
                                         .order_by(Invitation.id)) if inactive else ():
        latest[invitation.user_id] = invitation
        if invitation.used_at is not None:
            used.add(invitation.user_id)
    now = runtime().clock.now()
    return {user_id: f"приглашён {fmt_date(invitation.created_at)}"
                     + (", срок ссылки истёк" if state(invitation, now) == InvitationState.EXPIRED else "")
            for user_id, invitation in latest.items() if user_id not in used}


def _check_reinvite(invitee: User, instance: ProcessInstance) -> None:
    """An existing account may be invited again only while it waits for its first password, and
    only by its own company: an account in use is never taken over, nor made twice."""
    if _awaits_password(invitee) and invitee.company_inn == instance.company_inn:
        return
    if invitee.is_active and invitee.has_role(Role.CLIENT) and invitee.company_inn == instance.company_inn:
        company = f" {instance.company_name}" if instance.company_name else ""
        raise AccountError("email", f"У {invitee.full_name} уже есть учётная запись Клиента{company}: "
                                    "заявка видна в личном кабинете, приглашение не нужно")
    raise AccountError("email", "Пользователь с таким e-mail уже есть в Витрине: укажите e-mail представителя "
                                "Клиента, у которого ещё нет учётной записи")


def _awaits_password(user: User) -> bool:
    if user.is_active:
        return False
    used = db.session.execute(select(Invitation.used_at).where(Invitation.user_id == user.id)).scalars().all()
    return bool(used) and all(u is None for u in used)


def _revoke_open(user_id: int, now: datetime) -> None:
    db.session.execute(update(Invitation).where(
        Invitation.user_id == user_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))


def _inviter_role(user) -> str:
    return next((role.label for role in INVITING_ROLES if user.has_role(role)), "")


__all__ = ["InvitationRefused", "LinkUnknown", "LinkUnusable", "LinkUsed", "accept", "invite", "may_invite",
           "of_application", "state", "state_of", "usable"]
