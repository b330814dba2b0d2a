"""The client's pages: their company's applications, filing a new one, registering the company.

A client answers remarks and confirms the service on the same task pages as staff; these pages
lead there.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import accounts
from ..extensions import db
from ..intake.windows import IntakeClosed, ensure_open
from ..applications.mine import applications_of, has_company, start_application
from ..notifications.inbox import waiting_on
from ..roles import Role
from .guards import restrict_to
from ..workflow.errors import NothingDeployed

bp = Blueprint("client", __name__, url_prefix="/my")


restrict_to(bp, Role.CLIENT)


@bp.get("")
def my():
    if not has_company(current_user):
        return redirect(url_for(".company"))
    applications = applications_of(current_user)
    return render_template("client/my.html", applications=applications,
                           waiting=waiting_on(current_user.id, [a.instance.id for a in applications]))


@bp.post("/applications")
def new_application():
    if not has_company(current_user):
        return redirect(url_for(".company"))
    try:
        ensure_open(current_user.region)  # 5.2: outside the window, the next date and a consultation
    except IntakeClosed as exc:
        return render_template("intake/closed.html", state=exc.state, message=str(exc)), 409
    try:
        instance, first = start_application(current_user)
    except NothingDeployed:
        db.session.rollback()
        flash("Приём заявок пока не открыт: модель процесса не развёрнута. Обратитесь в ЦПЭ.")
        return redirect(url_for(".my"), 303)
    flash(f"Заявка № {instance.id} создана. Заполните анкету и отправьте её в ЦПЭ.")
    if first is None:
        return redirect(url_for(".my"), 303)
    return redirect(url_for("task_form.show", task_id=first.task_id), 303)


@bp.route("/company", methods=["GET", "POST"])
def company():
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {
        "company_name": current_user.company_name or "", "company_inn": current_user.company_inn or "",
        "region": current_user.region or ""}
    if request.method == "POST":
        try:
            accounts.register_company(current_user, company_name=values.get("company_name"),
                                      company_inn=values.get("company_inn"), region=values.get("region"))
        except accounts.AccountError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
        else:
            flash("Данные компании сохранены.")
            return redirect(url_for(".my"), 303)
    return render_template("client/company.html", values=values, errors=errors), (422 if errors else 200)
