"""The modeller for process owners (and admins): open a deployed version or a draft in bpmn-js /
dmn-js, validate it, save it as a draft, deploy it as a new version.

The pages are HTML; the editor talks to the JSON endpoints with fetch, sending the CSRF token in
the ``X-CSRFToken`` header. Validation and deploy are the same checks as ``vitrina check`` and
``vitrina deploy`` (``app.workflow.deployments``); a refused deploy leaves the previous version.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..engine import ModelInvalid
from ..modeller.bundle import (BundleRejected, as_text, base_from_json, comment_from_json, files_from_json,
                               open_source)
from ..modeller.model_drafts import list_drafts, list_versions, save_draft
from ..modeller.vocabulary import panel_vocabulary
from ..roles import Role
from ..scenarios import read_scenarios
from ..workflow.deployments import check_bundle, deploy_bundle, forms_dir

SCENARIOS_ACCEPTED = "[развёрнуто с подтверждёнными расхождениями со сценариями модели]"
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
    return [{"file": p.file, "element_id": p.element_id, "element_name": p.element_name, "reason": p.reason,
             "text": str(p)} for p in exc.problems]


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
    return render_template("modeller/editor.html", source=source, vocabulary=panel_vocabulary(forms_dir()),
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
    """Deploy the posted bundle. The model scenarios beside the BPMN (bpmn/scenarios) run first,
    as for ``vitrina deploy``; a change that makes them diverge on purpose (a new deadline) is
    deployed only when the owner confirms it with ``accept_scenario_changes``, and the version's
    comment says so, because the scenarios then describe the old rules until someone updates them."""
    files, comment, _base = _posted()
    accepted = (request.get_json(silent=True) or {}).get("accept_scenario_changes") is True
    scenarios = {} if accepted or not current_app.config.get("VITRINA_DEPLOY_SCENARIOS", True) \
        else read_scenarios(current_app.config["VITRINA_BPMN_DIR"])
    if accepted:
        comment = " ".join(filter(None, [comment, SCENARIOS_ACCEPTED]))
    try:
        deployment, created = deploy_bundle(files, actor=current_user.email, comment=comment, scenarios=scenarios)
    except ModelInvalid as exc:
        if exc.errors and all(p.rule == "scenario-failed" for p in exc.errors):
            return _json_error(422, "scenarios_diverged", "Модель верна, но расходится со сценариями "
                                                          "(bpmn/scenarios): проверьте, что так и задумано, "
                                                          "и подтвердите развёртывание или исправьте модель",
                               problems=_problems(exc))
        return _json_error(422, "model_invalid", "Модель не развёрнута: исправьте ошибки, "
                                                 "действующей остаётся прежняя версия", problems=_problems(exc))
    return jsonify({"version": deployment.id, "created": created,
                    "url": url_for(".edit", version=deployment.id)}), 201 if created else 200
