"""Model versions for process owners: the list, the differences of two, going back, migration.

Process owners and admins may act (go back, move instances); analysts may only read. Everyone
else gets 403. Every action is a POST with the CSRF token; refusals answer with their reason.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..engine import ModelInvalid
from ..roles import Role
from ..statuses import InstanceState
from ..workflow import migration, versions
from ..workflow.errors import Conflict, NotFound, WorkflowError
from ..workflow.instances import get_instance
from .guards import restrict_to

bp = Blueprint("versions", __name__, url_prefix="/versions")
restrict_to(bp, Role.PROCESS_OWNER, Role.ADMIN, Role.ANALYST)
ACTORS = (Role.PROCESS_OWNER, Role.ADMIN)


def may_act(user) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in ACTORS)


@bp.app_context_processor
def versions_helpers():
    return {"may_see_versions": lambda: current_user.is_authenticated and any(
                current_user.has_role(r) for r in (*ACTORS, Role.ANALYST)),
            "migration_target": _migration_target}


def _migration_target(instance) -> int | None:
    """The newer version a process owner may move a running application to, if any."""
    if not may_act(current_user) or instance.state != InstanceState.RUNNING:
        return None
    latest = versions.latest_version()
    return latest if latest is not None and latest > instance.deployment_id else None


def _actors_only() -> None:
    if not may_act(current_user):
        abort(403)


def _number(name: str, label: str) -> int:
    raw = (request.values.get(name) or "").strip()
    if not raw.isdigit():
        abort(make_response(render_template("versions/refused.html", title="Неверный запрос", reasons=[
            f"Поле «{label}»: укажите номер версии, целое число"]), 400))
    return int(raw)


@bp.get("")
def index():
    return render_template("versions/index.html", rows=versions.list_versions(), may_act=may_act(current_user))


@bp.get("/diff")
def diff():
    a, b = _number("a", "Версия A"), _number("b", "Версия B")
    try:
        result = versions.diff_versions(a, b)
    except NotFound:
        abort(404)
    return render_template("versions/diff.html", diff=result)


@bp.post("/<int:number>/revert")
def revert(number: int):
    _actors_only()
    try:
        deployment = versions.revert_to(number, actor=current_user.email)
    except NotFound:
        abort(404)
    except Conflict as exc:
        return render_template("versions/refused.html", title="Возврат не выполнен", reasons=[str(exc)]), 409
    except ModelInvalid as exc:
        return render_template("versions/refused.html", title="Версия не прошла проверку",
                               reasons=[str(p) for p in exc.problems]), 422
    flash(f"Развёрнута версия {deployment.id}: возврат к версии {number}")
    return redirect(url_for("versions.index"))


@bp.route("/<int:number>/migrate", methods=["GET", "POST"])
def migrate_version(number: int):
    """GET: a dry run of moving every running instance of version ``number``; POST: do it."""
    _actors_only()
    to = _number("to", "На версию")
    dry_run = request.method == "GET"
    try:
        results = migration.migrate_version(number, to, actor=current_user.email, dry_run=dry_run)
    except NotFound:
        abort(404)
    return render_template("versions/migrate.html", number=number, to=to, results=results, dry_run=dry_run)


@bp.route("/instances/<int:instance_id>/migrate", methods=["GET", "POST"])
def migrate_instance(instance_id: int):
    """GET: whether the application can move to version ``to``, and what changes; POST: move it."""
    _actors_only()
    to = _number("to", "На версию")
    try:
        instance = get_instance(instance_id)
        if request.method == "GET":
            return render_template("versions/instance.html", instance=instance, to=to,
                                   result=migration.preview_migration(instance_id, to))
        result = migration.migrate_instance(instance_id, to, actor=current_user.email,
                                            expected_revision=_number("revision", "Ревизия заявки"))
    except NotFound:
        abort(404)
    except migration.MigrationNotAllowed as exc:
        return render_template("versions/refused.html", title="Заявку нельзя перенести", reasons=exc.reasons), 409
    except WorkflowError as exc:
        return render_template("versions/refused.html", title="Перенос не выполнен", reasons=[str(exc)]), \
            exc.http_status
    flash(f"Заявка № {instance_id} перенесена с версии {result.from_version} на версию {result.to_version}")
    return redirect(url_for("applications.card", instance_id=instance_id))
