"""``vitrina users``: accounts from the shell, for the first admin and for scripts."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..roles import Role

# The option each field of app.accounts comes from, so an error names what to fix.
OPTIONS = {"email": "--email", "full_name": "--name", "roles": "--role", "region": "--region",
           "company_inn": "--company-inn", "company_name": "--company-name", "password": "--password",
           "phone": "--phone"}


def _existing_user(email: str):
    from ..accounts import find_user
    user = find_user(email)
    if user is None:
        click.secho(f"Пользователь {email} не найден", fg="red", err=True)
        sys.exit(1)
    return user


def _refuse(exc) -> None:
    click.secho(f"{OPTIONS.get(exc.field, exc.field)}: {exc.message}", fg="red", err=True)
    sys.exit(1)


@click.group("users")
def users_group():
    """Пользователи: список, создание, смена пароля, токены API."""


@users_group.command("list")
@with_appcontext
def users_list():
    """Показать пользователей с ролями, регионом и компанией."""
    from ..extensions import db
    from ..models import User
    for u in db.session.scalars(select(User).order_by(User.email)):
        roles = ", ".join(role.label for role in u.role_list)
        company = f"  {u.company_name or ''} ИНН {u.company_inn}" if u.company_inn else ""
        state = "" if u.is_active else "  (отключён)"
        click.echo(f"{u.email:<28} {u.full_name:<32} рег. {u.region or '-':<3} {roles}{company}{state}")


@users_group.command("create")
@click.option("--email", required=True, help="E-mail, он же логин.")
@click.option("--name", "full_name", required=True, help="Имя пользователя.")
@click.option("--role", "roles", multiple=True, required=True,
              help="Роль (можно несколько): " + ", ".join(r.value for r in Role) + ".")
@click.option("--region", help="Код региона (две цифры); обязателен для ЦПЭ и клиента.")
@click.option("--company-inn", help="ИНН компании клиента.")
@click.option("--company-name", help="Название компании клиента.")
@click.option("--phone", help="Телефон.")
@click.option("--password", prompt="Пароль", hide_input=True, confirmation_prompt="Пароль ещё раз",
              help="Пароль (не короче 10 символов, не из распространённых); без опции будет запрошен.")
@with_appcontext
def users_create(email, full_name, roles, region, company_inn, company_name, phone, password):
    """Создать пользователя."""
    from ..accounts import AccountError, create_user
    try:
        user = create_user(email, full_name, password, roles, region=region, company_inn=company_inn,
                           company_name=company_name, phone=phone)
    except AccountError as exc:
        _refuse(exc)
    click.echo(f"Пользователь {user.email} создан")


@users_group.command("set-password")
@click.argument("email")
@click.option("--password", prompt="Новый пароль", hide_input=True, confirmation_prompt="Пароль ещё раз",
              help="Новый пароль (не короче 10 символов, не из распространённых); без опции будет запрошен.")
@with_appcontext
def users_set_password(email, password):
    """Задать пользователю новый пароль."""
    from ..accounts import AccountError, set_password
    user = _existing_user(email)
    try:
        set_password(user, password)
    except AccountError as exc:
        _refuse(exc)
    click.echo(f"Пароль пользователя {user.email} изменён; его открытые сеансы завершены")


@users_group.command("token")
@click.argument("email")
@click.option("--name", required=True, help="Назначение токена, например «ЛК РЭЦ».")
@with_appcontext
def users_token(email, name):
    """Выдать пользователю токен API; токен печатается один раз."""
    from ..api.tokens import TokenError, issue
    user = _existing_user(email)
    try:
        token, secret = issue(user, name)
    except TokenError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    # The secret alone on stdout, so a script can take it; the rest goes to stderr.
    click.echo(f"Токен {token.id} «{token.name}» для {user.email}. Сохраните его: он больше не будет показан.",
               err=True)
    click.echo(secret)


@users_group.command("revoke-token")
@click.argument("token_id", metavar="ID", type=int)
@with_appcontext
def users_revoke_token(token_id):
    """Отозвать токен API по его номеру (см. vitrina users tokens)."""
    from ..api.tokens import TokenNotFound, revoke
    try:
        token, now = revoke(token_id)
    except TokenNotFound as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    click.echo(f"Токен {token.id} «{token.name}» {'отозван' if now else 'был отозван раньше'}")


@users_group.command("tokens")
@click.argument("email", required=False)
@with_appcontext
def users_tokens(email):
    """Показать токены API (всех или одного пользователя), без самих токенов."""
    from ..api.tokens import tokens_of
    from ..dates import fmt_datetime
    user = None
    if email:
        user = _existing_user(email)
    for token in tokens_of(user):
        state = f"отозван {fmt_datetime(token.revoked_at)}" if token.revoked_at else "действует"
        click.echo(f"{token.id:>4}  {token.user.email:<28} {token.name:<24} выдан {fmt_datetime(token.created_at)}"
                   f"  использован {fmt_datetime(token.last_used_at)}  {state}")
