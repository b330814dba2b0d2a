"""Staff acting for a client: КБ РЭЦ or a ЦПЭ user files an application on a company's behalf,
and from the application either fills step 1 for the client (the task page, ``task_form``) or
invites the client's representative by e-mail. The services are ``applications.filing`` (as the
API's ``POST /api/v1/applications``) and ``accounts.invitations`` (as the API's invitations)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import AccountError, invitations
from ..applications import reading as applications
from ..applications.filing import ON_BEHALF_ROLES, FilingRefused, file_application
from ..extensions import db
from ..intake.windows import IntakeClosed
from ..notifications.outbox import smtp_enabled
from ..roles import Role
from ..workflow.errors import NothingDeployed
from .applications import render_card
from .guards import restrict_to

bp = Blueprint("behalf", __name__)
restrict_to(bp, *ON_BEHALF_ROLES)

FIELDS = ("company_name", "company_inn", "region")


@bp.route("/applications/new", methods=["GET", "POST"])
def new_application():
    """«Подать заявку за клиента»: the company's name, INN and region (a ЦПЭ user's own)."""
    values = {key: (request.form.get(key) or "").strip() for key in FIELDS} if request.method == "POST" else {}
    region_fixed = None if current_user.has_role(Role.KB_REC) else current_user.region
    if region_fixed:
        values["region"] = region_fixed
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            instance = file_application(current_user, **values)
        except AccountError as exc:
            errors[exc.field] = exc.message
        except (FilingRefused, IntakeClosed, NothingDeployed) as exc:
            errors["region" if isinstance(exc, IntakeClosed) else ""] = _sentence(str(exc))
        else:
            flash(f"Заявка № {instance.id} от имени {instance.company_name} создана. Заполните анкету за Клиента "
                  "(задача «Подача Заявки») или пригласите его представителя.")
            return redirect(url_for("applications.card", instance_id=instance.id), 303)
        db.session.rollback()
    return render_template("applications/new.html", values=values, errors=errors,
                           region_fixed=region_fixed), (422 if errors else 200)


@bp.post("/applications/<int:instance_id>/invitations")
def invite(instance_id: int):
    """Invite the client's representative (name, e-mail) to the application."""
    instance = applications.visible_instance(current_user, instance_id) or abort(404)
    values = {"full_name": request.form.get("full_name", ""), "email": request.form.get("email", "")}
    try:
        invitation = invitations.invite(current_user, instance, **values)
    except invitations.InvitationRefused:
        abort(403)
    except AccountError as exc:
        db.session.rollback()
        return render_card(instance, invite_values=values, invite_errors={exc.field: exc.message}, status=422)
    message = f"Приглашение отправлено: {invitation.user.full_name}, {invitation.user.email}."
    if not smtp_enabled():
        message += " Отправка писем в Витрине не настроена: письмо не уйдёт, обратитесь к администратору."
    flash(message)
    return redirect(url_for("applications.card", instance_id=instance.id, _anchor="client-representative"), 303)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
