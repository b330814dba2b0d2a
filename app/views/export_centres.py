"""Admin pages of the ЦПЭ reference: the regions' centres as the Act names them (name, head,
basis). Only admins get here; bad input comes back next to its field (422)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..paperwork import centres
from ..roles import Role
from .guards import restrict_to

bp = Blueprint("export_centres", __name__, url_prefix="/admin/export-centres")
restrict_to(bp, Role.ADMIN)


@bp.get("/")
def index():
    return render_template("admin/export_centres.html", centres=centres.all_centres())


@bp.route("/new", methods=["GET", "POST"])
def create():
    return _form(None)


@bp.route("/<region>", methods=["GET", "POST"])
def edit(region: str):
    return _form(centres.of_region(region) or abort(404))


def _form(centre):
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.form
        try:
            saved = centres.save(centre.region if centre else values.get("region", ""), values,
                                 actor=current_user.email)
        except centres.CentreError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash(f"Сведения о ЦПЭ региона {saved.region} сохранены.")
            return redirect(url_for(".index"), 303)
    else:
        values = {f: getattr(centre, f) or "" for f in centres.FIELDS} if centre else {}
    return render_template("admin/export_centre_form.html", centre=centre, values=values, errors=errors), \
        (422 if errors else 200)
