"""Intake pages: the regions' intake windows (admin, МО РЭЦ; ЦПЭ reads its own region's), and the
client's consultation filing offered when intake is closed or asked for during scoring (5.2)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import AccountError
from ..extensions import db
from ..intake import consultation as consultations, windows
from ..roles import Role
from ..workflow.errors import WorkflowError
from .guards import restrict_to

bp = Blueprint("intake", __name__, url_prefix="/admin/intake-windows")
restrict_to(bp, Role.ADMIN, Role.MO_REC, Role.CPE)

client_bp = Blueprint("intake_client", __name__, url_prefix="/my")
restrict_to(client_bp, Role.CLIENT)


@bp.app_template_global()
def intake_state_of(user):
    """The intake state of a client's region, for the client's pages."""
    return windows.intake_state(user.region) if user.region else None


@bp.get("/")
def index():
    region = (request.args.get("region") or "").strip() or None
    return render_template("intake/windows.html", windows=windows.visible_windows(current_user, region),
                           may_manage=windows.may_manage(current_user), region=region or "",
                           today=windows.today())


@bp.route("/new", methods=["GET", "POST"])
def create():
    _require_manager()
    return _form(None)


@bp.route("/<int:window_id>", methods=["GET", "POST"])
def edit(window_id: int):
    window = windows.visible_window(current_user, window_id) or abort(404)
    if request.method == "POST":
        _require_manager()
    return _form(window)


@bp.post("/<int:window_id>/delete")
def delete(window_id: int):
    window = windows.visible_window(current_user, window_id) or abort(404)
    _require_manager()
    windows.delete_window(window)
    flash("Окно приёма заявок удалено.")
    return redirect(url_for(".index"), 303)


def _form(window):
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.form
        try:
            saved = windows.save_window(current_user, window, region=values.get("region"),
                                        opens_on=values.get("opens_on"), closes_on=values.get("closes_on"),
                                        note=values.get("note"))
        except windows.IntakeWindowInvalid as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash(f"Окно приёма заявок региона {saved.region} сохранено.")
            return redirect(url_for(".index"), 303)
    elif window is not None:
        values = {"region": window.region, "opens_on": window.opens_on.isoformat(),
                  "closes_on": window.closes_on.isoformat(), "note": window.note or ""}
    else:
        values = {"region": current_user.region or ""}
    return render_template("intake/window_form.html", window=window, values=values, errors=errors,
                           may_manage=windows.may_manage(current_user)), (422 if errors else 200)


def _require_manager() -> None:
    if not windows.may_manage(current_user):
        abort(403)


# -- the client's consultation -----------------------------------------------------------------
@client_bp.post("/consultation")
def consultation_filing():
    """Intake closed: file the consultation service instead; its first step is the client's."""
    return _filed(lambda: consultations.file_consultation(current_user))


@client_bp.get("/consultation")
def consultation():
    """Where the offer points: what the consultation is, and the button to file it."""
    return render_template("intake/consultation.html", state=intake_state_of(current_user))


@client_bp.post("/applications/<int:application_id>/consultation")
def consultation_request(application_id: int):
    """During or after scoring: the consultation with this application's questionnaire."""
    return _filed(lambda: consultations.request_consultation(current_user, application_id))


def _filed(start):
    try:
        instance = start()
    except AccountError as exc:
        db.session.rollback()
        flash(exc.message)
        return redirect(url_for("client.company"), 303)
    except WorkflowError as exc:
        db.session.rollback()
        if exc.http_status == 404:
            abort(404)
        flash(_sentence(str(exc)))
        return redirect(url_for("client.my"), 303)
    first = consultations.first_client_task(instance.id)
    flash(f"Заявка на консультацию № {instance.id} подана." + (
        " Опишите вопросы для консультации." if first else " Её рассмотрит МО РЭЦ."))
    if first is not None:
        return redirect(url_for("task_form.show", task_id=first.task_id), 303)
    return redirect(url_for("client.my"), 303)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
