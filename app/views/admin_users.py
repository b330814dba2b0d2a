"""Admin pages for accounts: list, create, edit roles/region/company/activity, reset a password.

Only admins get here (403 for everyone else). Validation lives in ``app.accounts`` so the CLI
and these pages refuse the same things with the same messages, shown next to the field.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from .. import accounts
from ..accounts import invitations
from ..extensions import db
from ..models import User
from ..roles import Role
from .guards import restrict_to

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


restrict_to(bp, Role.ADMIN)


@bp.get("/")
def index():
    users = db.session.scalars(select(User).order_by(User.is_active.desc(), User.email)).all()
    return render_template("admin/users.html", users=users, invited=invitations.awaiting_password(users))


@bp.route("/new", methods=["GET", "POST"])
def create():
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            user = accounts.create_user(
                values.get("email", ""), values.get("full_name", ""), values.get("password", ""),
                values.getlist("roles"), region=values.get("region"), company_inn=values.get("company_inn"),
                company_name=values.get("company_name"), phone=values.get("phone"))
        except accounts.AccountError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash(f"Пользователь {user.email} создан.")
            return redirect(url_for(".index"))
    return render_template("admin/user_form.html", user=None, values=values, errors=errors,
                           roles=list(Role), chosen=set(values.getlist("roles")) if values else set()), \
        (422 if errors else 200)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.form
        roles, active = values.getlist("roles"), values.get("is_active") == "on"
        if user.id == current_user.id and (Role.ADMIN.value not in roles or not active):
            # Otherwise the last admin could lock everyone out of these pages.
            errors["roles"] = "Нельзя снять с себя роль администратора или отключить свою учётную запись"
        else:
            try:
                accounts.update_user(user, full_name=values.get("full_name", ""), roles=roles,
                                     region=values.get("region"), company_inn=values.get("company_inn"),
                                     company_name=values.get("company_name"), phone=values.get("phone"),
                                     is_active=active)
            except accounts.AccountError as exc:
                db.session.rollback()
                errors[exc.field] = exc.message
            else:
                flash(f"Изменения пользователя {user.email} сохранены.")
                return redirect(url_for(".index"))
        chosen = set(roles)
    else:
        values = _profile_values(user)
        chosen = {r.value for r in user.roles}
    return render_template("admin/user_form.html", user=user, values=values, errors=errors,
                           roles=list(Role), chosen=chosen,
                           invited=invitations.awaiting_password([user]).get(user.id)), (422 if errors else 200)


@bp.post("/<int:user_id>/password")
def reset_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        accounts.set_password(user, request.form.get("password", ""))
    except accounts.AccountError as exc:
        db.session.rollback()
        values = _profile_values(user)
        return render_template("admin/user_form.html", user=user, values=values,
                               errors={"new_password": exc.message}, roles=list(Role),
                               chosen={r.value for r in user.roles}), 422
    if user.id == current_user.id:
        login_user(user)  # the new password ended every session: this one goes on
    flash(f"Пароль пользователя {user.email} изменён; открытые с прежним паролем сеансы завершены.")
    return redirect(url_for(".edit", user_id=user.id))


def _profile_values(user: User) -> dict[str, str]:
    return {"full_name": user.full_name, "region": user.region or "", "phone": user.phone or "",
            "company_inn": user.company_inn or "", "company_name": user.company_name or "",
            "is_active": "on" if user.is_active else ""}
