"""The modeller for process owners (and admins): open a deployed version or a draft in bpmn-js /
dmn-js, validate it, save it as a draft, deploy it as a new version (a background job runs the model
scenarios first; the page polls it and shows the divergences, if any).

The pages are HTML; the editor talks to the JSON endpoints with fetch, sending the CSRF token in
the ``X-CSRFToken`` header. Validation and deploy are the same checks as ``vitrina check`` and
``vitrina deploy`` (``app.workflow.deployments``); a refused deploy leaves the previous version.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..engine import ModelInvalid
from ..modeller.bundle import (BundleRejected, as_text, base_from_json, comment_from_json, files_from_json,
                               open_source)
from ..jobs import functions
from ..modeller import deploys
from ..modeller.model_drafts import list_drafts, list_versions, save_draft
from ..modeller.scenario_files import (ScenarioConflict, ScenarioRejected, get_scenario, restore_shipped,
                                       save_scenario, scenario_texts)
from ..scenarios.expectations import ExpectationMoved
from ..modeller.vocabulary import panel_vocabulary
from ..roles import Role
from ..statuses import JobKind
from ..workflow.deployments import check_bundle, forms_dir
from ..workflow.errors import NotFound, NothingDeployed
from .guards import restrict_to
from .vendor import dmn_js_url

bp = Blueprint("modeller", __name__, url_prefix="/modeller")
restrict_to(bp, Role.PROCESS_OWNER, Role.ADMIN)


@bp.app_context_processor
def modeller_link():
    def may_model() -> bool:
        return current_user.is_authenticated and (current_user.has_role(Role.PROCESS_OWNER)
                                                  or current_user.has_role(Role.ADMIN))
    return {"may_model": may_model}


def _json_error(status: int, code: str, message: str, field: str | None = None, **extra):
    return jsonify({"error": {"code": code, "message": message, "field": field, **extra}}), status


@bp.errorhandler(CSRFError)
def csrf_failed(_exc):
    # The editor posts with fetch: answer in JSON so it can say so instead of showing a page.
    return _json_error(400, "csrf", "Страница устарела: обновите её (несохранённые изменения сохраните в файл)")


@bp.errorhandler(BundleRejected)
def bundle_rejected(exc: BundleRejected):
    return _json_error(400, "invalid_bundle", exc.message, exc.field)


def _problems(exc: ModelInvalid) -> list[dict]:
    return [_problem(p) for p in exc.problems]


def _problem(p) -> dict:
    """A problem and, folded under it, what follows from it alone (same fields, no deeper)."""
    return {"file": p.file, "element_id": p.element_id, "element_name": p.element_name, "reason": p.reason,
            "text": str(p), "consequences": [_problem(c) for c in p.consequences]}


def _posted():
    """(files, comment, base version) of the JSON body; every field is checked by every action."""
    body = request.get_json(silent=True)
    if body is None:
        raise BundleRejected("files", "Ожидается JSON (Content-Type: application/json)")
    return files_from_json(body), comment_from_json(body), base_from_json(body)


def _source():
    try:
        return open_source(request.args.get("version"), request.args.get("draft"))
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    return render_template("modeller/index.html", versions=list_versions(), drafts=list_drafts())


@bp.get("/edit")
def edit():
    try:
        source = _source()
    except BundleRejected as exc:
        abort(400, exc.message)
    except NothingDeployed:
        return render_template("modeller/index.html", versions=[], drafts=list_drafts(),
                               error="Модель ещё не развёрнута: выполните vitrina deploy"), 503
    vocabulary = panel_vocabulary(forms_dir(), current_app.config["VITRINA_CLIENT_WAITS"])
    return render_template("modeller/editor.html", source=source, vocabulary=vocabulary,
                           bundle_url=url_for(".bundle", **{source.kind: source.id}), dmn_js_url=dmn_js_url)


@bp.get("/bundle.json")
def bundle():
    try:
        source = _source()
    except NothingDeployed as exc:
        return _json_error(503, "nothing_deployed", str(exc))
    return jsonify({"source": {"kind": source.kind, "id": source.id, "label": source.label,
                               "base_version": source.base_version},
                    "files": as_text(source.files)})


@bp.post("/validate")
def validate():
    files, _comment, _base = _posted()
    try:
        check_bundle(files)
    except ModelInvalid as exc:
        return jsonify({"ok": False, "problems": _problems(exc)})
    return jsonify({"ok": True, "problems": []})


@bp.post("/drafts")
def create_draft():
    files, comment, base = _posted()
    draft = save_draft(files, actor=current_user.email, comment=comment, base_version=base)
    return jsonify({"id": draft.id, "url": url_for(".edit", draft=draft.id)}), 201


@bp.post("/deploy")
def deploy():
    """Queue the deploy of the posted bundle: a model with errors is refused at once (422, as
    «Проверить» says); otherwise the bundle is stored and its job runs the model scenarios on it
    and deploys it (app/modeller/deploys.py). The page polls ``status_url``."""
    files, comment, _base = _posted()
    try:
        row = deploys.start(files, actor=current_user.email, comment=comment)
    except ModelInvalid as exc:
        return _json_error(422, "model_invalid", "Модель не развёрнута: исправьте ошибки, "
                                                 "действующей остаётся прежняя версия", problems=_problems(exc))
    return jsonify({"deploy": row.id, "job": functions.key_of(JobKind.DEPLOY_WITH_SCENARIOS, deploy_id=row.id),
                    "status_url": url_for(".deploy_status", deploy_id=row.id),
                    **deploys.as_json(row)}), 202


def _deploy_or_404(deploy_id: int):
    try:
        return deploys.get(deploy_id)
    except NotFound:
        abort(404)


def _deploy_answer(row):
    answer = deploys.as_json(row)
    if row.deployment_id:
        answer["url"] = url_for(".edit", version=row.deployment_id)
    answer["anyway_url"] = url_for(".deploy_anyway", deploy_id=row.id)
    for index, divergence in enumerate(answer["divergences"]):
        if divergence.get("path"):
            divergence["update_url"] = url_for(".update_scenario", deploy_id=row.id, index=index)
    answer["scenarios_url"] = url_for(".scenarios")
    return answer


@bp.get("/deploys/<int:deploy_id>")
def deploy_status(deploy_id: int):
    return jsonify(_deploy_answer(_deploy_or_404(deploy_id)))


@bp.post("/deploys/<int:deploy_id>/anyway")
def deploy_anyway(deploy_id: int):
    """«Развернуть всё равно»: the stored bundle whose scenarios diverged, noted in the comment."""
    _deploy_or_404(deploy_id)
    try:
        row = deploys.deploy_anyway(deploy_id, actor=current_user.email)
    except deploys.DeployNotDiverged as exc:
        return _json_error(409, "not_diverged", str(exc))
    return jsonify(_deploy_answer(row))


@bp.post("/deploys/<int:deploy_id>/divergences/<int:index>/update")
def update_scenario(deploy_id: int, index: int):
    """«Обновить сценарий»: the scenario of one row of the table expects what the model did."""
    try:
        row = deploys.update_scenario(deploy_id, index, actor=current_user.email)
    except NotFound:
        abort(404)
    except (ExpectationMoved, ScenarioConflict) as exc:
        return _json_error(409, "scenario_changed", str(exc))
    except ScenarioRejected as exc:
        return _json_error(422, "scenario_invalid", str(exc))
    return jsonify(_deploy_answer(row))


@bp.get("/scenarios")
def scenarios():
    """The model scenarios the deploy checks, each editable in the page."""
    return render_template("modeller/scenarios.html", scenarios=scenario_texts(), errors={}, texts={})


def _scenario_or_404(name: str):
    try:
        return get_scenario(name)
    except NotFound:
        abort(404)


@bp.post("/scenarios/<name>")
def save_scenario_text(name: str):
    """Store an edited scenario over the shipped file; a text not in the format is refused (422)
    with the lines named, a colleague's edit in between is a conflict (409)."""
    _scenario_or_404(name)
    text = request.form.get("text", "")
    try:
        saved = save_scenario(name, text, actor=current_user.email, version=request.form.get("version") or None)
    except (ScenarioRejected, ScenarioConflict) as exc:
        status = 409 if isinstance(exc, ScenarioConflict) else 422
        return render_template("modeller/scenarios.html", scenarios=scenario_texts(), errors={name: str(exc)},
                               texts={name: text}), status
    flash(f"Сценарий «{saved.name}» сохранён: следующее развёртывание проверяет модель по нему.")
    return redirect(url_for(".scenarios", _anchor=name))


@bp.post("/scenarios/<name>/restore")
def restore_scenario(name: str):
    _scenario_or_404(name)
    try:
        restored = restore_shipped(name)
    except ScenarioRejected as exc:
        return render_template("modeller/scenarios.html", scenarios=scenario_texts(), errors={name: str(exc)},
                               texts={}), 422
    flash(f"Сценарий «{restored.name}» снова такой, как в исходных файлах модели.")
    return redirect(url_for(".scenarios", _anchor=name))
