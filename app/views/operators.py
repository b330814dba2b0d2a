"""Operator pages: the registry, an operator's card with the accreditation checklist, and the
decisions of МО РЭЦ (3.6(2–3), Appendix 3).

МО РЭЦ and admins manage everything here; every other logged-in user sees the current list of
accredited operators and their cards (anything else answers 404). Bad input comes back next to
its field (422); a decision that does not fit the status or checklist is a conflict (409).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..applications import behalf
from ..applications.documents import file_path
from ..extensions import db
from ..models import Operator, OperatorEvidence
from ..operators import accreditation, registry
from ..operators.errors import OperatorError, TransitionRefused
from ..operators.requirements import REQUIREMENTS
from ..roles import Role
from ..statuses import OperatorStatus

bp = Blueprint("operators", __name__, url_prefix="/operators")
MANAGERS = (Role.MO_REC, Role.ADMIN)
ACTIONS = {"registered": "Внесён в реестр", "edited": "Изменены сведения", "requirement": "Проверка требования",
           "evidence": "Загружено подтверждение", "decision": "Решение", "user_linked": "Предоставлен доступ",
           "user_unlinked": "Доступ отозван"}


@bp.before_request
@login_required
def _logged_in():
    pass


def may_manage(user=None) -> bool:
    user = user or current_user
    return any(user.has_role(role) for role in MANAGERS)


def _manager_only():
    if not may_manage():
        abort(403)


def _visible(operator_id: int) -> Operator:
    operator = db.session.get(Operator, operator_id)
    if operator is None or not (may_manage() or operator.status == OperatorStatus.ACCREDITED):
        abort(404)
    return operator


@bp.get("/")
def index():
    manage = may_manage()
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in OperatorStatus}:
        status = None
    operators = registry.all_operators() if manage else registry.accredited()
    if manage and status:
        operators = [o for o in operators if o.status == status]
    return render_template("operators/index.html", operators=operators, manage=manage, status=status,
                           statuses=list(OperatorStatus), access={o.id: registry.has_access(o) for o in operators})


@bp.route("/new", methods=["GET", "POST"])
def create():
    _manager_only()
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            operator = registry.create_operator(values, actor=current_user.email)
        except OperatorError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash(f"Оператор «{operator.name}» внесён в реестр со статусом «{operator.status}».")
            return redirect(url_for(".card", operator_id=operator.id), 303)
    return render_template("operators/form.html", operator=None, values=values, errors=errors), \
        (422 if errors else 200)


@bp.route("/<int:operator_id>/edit", methods=["GET", "POST"])
def edit(operator_id: int):
    _manager_only()
    operator = _visible(operator_id)
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {k: getattr(operator, k) or "" for k in registry.PROFILE_FIELDS}
    if request.method == "POST":
        try:
            registry.update_operator(operator, values, actor=current_user.email)
        except OperatorError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash("Сведения об Операторе сохранены.")
            return redirect(url_for(".card", operator_id=operator.id), 303)
    return render_template("operators/form.html", operator=operator, values=values, errors=errors), \
        (422 if errors else 200)


@bp.get("/<int:operator_id>")
def card(operator_id: int):
    return _card(_visible(operator_id))


@bp.post("/<int:operator_id>/requirements/<int:number>")
def mark(operator_id: int, number: int):
    _manager_only()
    operator = _visible(operator_id)
    met = {"true": True, "false": False}.get(request.form.get("met", ""))
    upload = request.files.get("file")
    try:
        accreditation.mark_requirement(operator, number, met, request.form.get("comment"), actor=current_user.email)
        if upload is not None and upload.filename:
            accreditation.add_evidence(operator, number, upload, actor=current_user.email)
    except OperatorError as exc:
        return _refused(operator, exc)
    flash(f"Требование № {number}: отмечено «{'выполнено' if met else 'не выполнено'}».")
    return redirect(url_for(".card", operator_id=operator.id, _anchor=f"req-{number}"), 303)


@bp.post("/<int:operator_id>/decision")
def decide(operator_id: int):
    _manager_only()
    operator = _visible(operator_id)
    try:
        accreditation.decide(operator, request.form.get("decision", ""), request.form.get("reason"),
                             actor=current_user.email)
    except OperatorError as exc:
        return _refused(operator, exc)
    flash(f"Статус Оператора «{operator.name}»: {operator.status}.")
    return redirect(url_for(".card", operator_id=operator.id), 303)


@bp.post("/<int:operator_id>/users")
def link_user(operator_id: int):
    _manager_only()
    operator = _visible(operator_id)
    try:
        user = registry.link_user(operator, request.form.get("email", ""), actor=current_user.email)
    except OperatorError as exc:
        return _refused(operator, exc)
    flash(f"{user.email} работает в Витрине за Оператора «{operator.name}».")
    return redirect(url_for(".card", operator_id=operator.id), 303)


@bp.post("/<int:operator_id>/users/<int:user_id>/unlink")
def unlink_user(operator_id: int, user_id: int):
    _manager_only()
    operator = _visible(operator_id)
    try:
        registry.unlink_user(operator, user_id, actor=current_user.email)
    except OperatorError as exc:
        return _refused(operator, exc)
    flash("Доступ пользователя отозван.")
    return redirect(url_for(".card", operator_id=operator.id), 303)


@bp.get("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    _manager_only()
    item = db.session.get(OperatorEvidence, evidence_id) or abort(404)
    path = file_path(item)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name,
                     max_age=0)


def _refused(operator: Operator, exc: OperatorError):
    db.session.rollback()
    return _card(operator, {exc.field: exc.message}, 409 if isinstance(exc, TransitionRefused) else 422)


def _card(operator: Operator, errors: dict[str, str] | None = None, status: int = 200):
    manage = may_manage()
    return render_template(
        "operators/card.html", operator=operator, manage=manage, errors=errors or {},
        checklist=accreditation.checklist(operator) if manage else [],
        unmet=accreditation.unmet(operator) if manage else [],
        decisions=accreditation.decisions_for(operator) if manage else [],
        users=registry.linked_users(operator) if manage else [],
        events=registry.events_of(operator) if manage else [], actions=ACTIONS,
        has_access=registry.has_access(operator), requirements=REQUIREMENTS), status


@bp.app_template_global()
def application_operator(instance_id: int):
    """The operator the application's agreement names, for the card."""
    return registry.operator_of_application(instance_id)


@bp.app_template_global()
def on_behalf_label(role: str | None, instance_id: int, actor: str | None = None) -> str:
    """How the history names a stand-in: «МО РЭЦ от имени Оператора «…»» (3.10), «КБ РЭЦ от
    имени Клиента «…»» (``applications.behalf``)."""
    return behalf.label(role, instance_id, actor)
