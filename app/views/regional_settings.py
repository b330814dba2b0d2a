"""The regional settings page: admins and МО РЭЦ change any region's, a ЦПЭ user reads its own
region's. Bad input comes back next to its fields (422); a concurrent save is a 409."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..intake.windows import windows_required
from ..regional import settings, waits
from ..regional.fields import FIELDS, WAIT_FIELDS, SettingsInvalid, form_value
from ..roles import Role
from .guards import restrict_to

bp = Blueprint("regional_settings", __name__, url_prefix="/admin/regions")
restrict_to(bp, Role.ADMIN, Role.MO_REC, Role.CPE)


@bp.get("/")
def index():
    return render_template("regions/index.html", centres=settings.readable(current_user),
                           may_edit=settings.may_edit(current_user))


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not settings.may_edit(current_user):
        abort(403)
    return _page(None, request.form.get("region", "") if request.method == "POST" else "")


@bp.route("/<region>", methods=["GET", "POST"])
def edit(region: str):
    if not settings.may_read(current_user, region):
        abort(403)
    if request.method == "POST" and not settings.may_edit(current_user):
        abort(403)
    return _page(settings.of_region(region) or abort(404), region)


def _page(centre, region: str):
    errors: dict[str, str] = {}
    status = 200
    values = {f.name: form_value(f, getattr(centre, f.name)) for f in FIELDS} if centre else {}
    if request.method == "POST":
        values = request.form
        try:
            saved = settings.save(region, values, actor=current_user, version=values.get("version"))
        except SettingsInvalid as exc:
            db.session.rollback()
            errors, status = exc.errors, 422
        except settings.SettingsConflict as exc:
            db.session.rollback()
            errors, status = {"version": exc.message}, exc.http_status
        else:
            flash(f"Настройки региона {saved.region} сохранены.")
            return redirect(url_for(".edit", region=saved.region), 303)
    return render_template(
        "regions/settings.html", centre=centre, region=region, values=values, errors=errors, fields=FIELDS,
        may_edit=settings.may_edit(current_user),
        defaults={kind: waits.default_days(kind, region, current_app.config["VITRINA_CLIENT_WAITS"])
                  for kind in WAIT_FIELDS},
        intake_default=windows_required(None),
        in_force={kind: waits.days(kind, region) for kind in WAIT_FIELDS} if centre else {},
        changes=settings.changes(region) if centre else [],
        version=(centre.version if centre else "") if status != 409 else values.get("version", "")), status
