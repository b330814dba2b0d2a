"""/api/v1/applications: file an application, list those the caller sees, read one, invite the
client's representative to one.

What a caller sees is ``app.access``'s decision (through ``app.applications``); an application
they may not see answers 404, as on the card page, so its number tells nothing.
"""
from __future__ import annotations

from flask import Blueprint, request

from ..accounts import invitations
from ..applications import reading as applications
from ..applications.filing import file_application
from ..intake.windows import IntakeClosed
from ..intake.offer import closed_error
from ..workflow.runtime import runtime
from .auth import caller, require_token
from .body import json_object, paging, text_field
from .errors import ApiError, install
from .resources import application_resource, application_summary, invitation_resource

bp = Blueprint("api_applications", __name__, url_prefix="/api/v1/applications")
require_token(bp)
install(bp)


class ApplicationNotFound(ApiError):
    status, code = 404, "not_found"


@bp.post("")
def create():
    """A client files for their company; a ЦПЭ user (own region) or КБ РЭЦ names the company."""
    body = json_object(optional=True)
    try:
        instance = file_application(caller(), company_name=text_field(body, "company_name"),
                                    company_inn=text_field(body, "company_inn"), region=text_field(body, "region"))
    except IntakeClosed as exc:
        return closed_error(exc)  # 409 with next_opens and the consultation offer
    response = _resource(instance)
    return response, 201, {"Location": f"/api/v1/applications/{instance.id}"}


@bp.get("")
def index():
    page, per_page = paging()
    status = (request.args.get("status") or "").strip() or None
    rows, total = applications.visible_page(caller(), page, per_page, status)
    return {"items": [application_summary(i) for i in rows], "page": page, "per_page": per_page,
            "total": total}


@bp.get("/<int:application_id>")
def show(application_id: int):
    instance = applications.visible_instance(caller(), application_id)
    if instance is None:
        raise ApplicationNotFound(f"Заявка {application_id} не найдена")
    return _resource(instance)


@bp.post("/<int:application_id>/invitations")
def invite(application_id: int):
    """КБ РЭЦ or the region's ЦПЭ invites the client's representative (``full_name``, ``email``):
    a client account of the application's company, inactive until the password is set from the
    one-time link e-mailed to them; the link itself is never in the answer."""
    user = caller()
    instance = applications.visible_instance(user, application_id)
    if instance is None:
        raise ApplicationNotFound(f"Заявка {application_id} не найдена")
    body = json_object()
    invitation = invitations.invite(user, instance, full_name=text_field(body, "full_name"),
                                    email=text_field(body, "email"))
    return invitation_resource(invitation, runtime().clock.now()), 201


def _resource(instance) -> dict:
    return application_resource(instance, applications.open_tasks_of(instance.id),
                                applications.history_of(instance.id), runtime().clock.now())
