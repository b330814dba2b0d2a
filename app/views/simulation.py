"""The analysts' simulation page: a what-if form over the deployed model, saved scenarios, a
comparison of two, YAML for power users; each run starts in the background and is watched on
its own page (post-redirect-get: a reload never starts another)."""
from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import SimulationRun
from ..roles import Role
from ..simulation import library, runs
from ..simulation.form import FormInvalid, over_deployed
from ..simulation.params import ParamsInvalid, parse_text
from ..statuses import SimulationState
from ..workflow.errors import NothingDeployed
from .guards import restrict_to
from .security import framed_by_own_pages

bp = Blueprint("simulation", __name__, url_prefix="/simulation")
restrict_to(bp, Role.ANALYST, Role.PROCESS_OWNER, Role.ADMIN)

NOT_DEPLOYED = ("", "Модель", "модель не развёрнута: сначала разверните её в моделере или командой vitrina deploy")


def _get(run_id: int) -> SimulationRun:
    runs.reap_interrupted()
    run = db.session.get(SimulationRun, run_id)
    if run is None:
        abort(404)
    return run


def _past() -> list[SimulationRun]:
    runs.reap_interrupted()  # a run its process left behind is shown failed, with the reason
    return db.session.scalars(select(SimulationRun).order_by(SimulationRun.id.desc()).limit(50)).all()


def _base(ref: str) -> dict:
    try:
        return library.raw(ref)
    except library.ScenarioNotFound:
        abort(404)


def _page(ref: str, answers=None, errors=(), status: int = 200, yaml_text: str | None = None,
          compare_text: str = "", pick=("", "")):
    base = _base(ref)
    try:
        form = over_deployed(base, answers)
    except NothingDeployed:
        form, errors = None, [NOT_DEPLOYED]
    if answers is not None and form is not None:
        errors = form.mark(errors)
    entries = library.entries()
    return render_template(
        "simulation/index.html", form=form, base_ref=ref, base_name=base.get("name") or "",
        entries=entries, saved=[e for e in entries if e.saved], errors=list(errors), pick=pick,
        yaml_text=library.dump(base) if yaml_text is None else yaml_text, compare_text=compare_text,
        request_key=uuid.uuid4().hex, runs=_past(), states=SimulationState,
        compare_base=answers is None or bool(answers.get("compare_base"))), status


def _run(params_text: str, compare_text: str | None):
    run = runs.start(params_text, compare_text, current_user.email, request.form.get("request_key"))
    return redirect(url_for("simulation.show", run_id=run.id), 303)


@bp.get("/")
def index():
    return _page(request.args.get("from") or library.BASELINE_REF)


@bp.post("/")
def create():
    """The form: run the what-if (against its base, if asked), save it, or give it as YAML."""
    ref = request.form.get("base") or library.BASELINE_REF
    base = _base(ref)
    try:
        data = over_deployed(base, request.form).build()
        action = request.form.get("action", "run")
        if action == "save":
            saved = library.save(data, current_user.email)
            return redirect(url_for("simulation.index", **{"from": f"saved:{saved.id}"}), 303)
        if action == "export":
            return _yaml_file(data, "scenario")
        compare = library.dump(library.aligned(base, data)) if request.form.get("compare_base") else None
        return _run(compare or library.dump(data), library.dump(data) if compare else None)
    except (FormInvalid, ParamsInvalid, NothingDeployed, runs.TooManyRuns) as exc:
        return _failed(exc, ref, answers=request.form)


@bp.post("/compare")
def compare():
    """Two scenarios of the list, the first as the baseline."""
    first, second = request.form.get("first", ""), request.form.get("second", "")
    try:
        if not first or not second or first == second:
            raise ParamsInvalid([("", "выберите два разных сценария")])
        return _run(library.dump(_base(first)), library.dump(_base(second)))
    except (ParamsInvalid, NothingDeployed, runs.TooManyRuns) as exc:
        return _failed(exc, library.BASELINE_REF, pick=(first, second))


@bp.post("/yaml")
def from_yaml():
    """YAML as the CLI reads it (``extends`` resolved against the saved and shipped scenarios):
    run it, with an optional second one to compare, or save it under its name."""
    text, other = request.form.get("params", ""), request.form.get("compare", "").strip() or None
    try:
        if not text.strip():
            raise ParamsInvalid([("params", "вставьте параметры сценария")])
        if request.form.get("action") == "save":
            saved = library.save(library.resolved(parse_text(text, "сценарий")), current_user.email)
            return redirect(url_for("simulation.index", **{"from": f"saved:{saved.id}"}), 303)
        return _run(text, other)
    except (ParamsInvalid, NothingDeployed, runs.TooManyRuns) as exc:
        return _failed(exc, library.BASELINE_REF, yaml_text=text, compare_text=other or "")


def _failed(exc: Exception, ref: str, **page):
    if isinstance(exc, ParamsInvalid) and page.get("answers") is not None:
        return _page(ref, errors=exc.errors, status=400, **page)  # paths, put on the form's fields
    if isinstance(exc, FormInvalid):
        return _page(ref, errors=exc.errors, status=400, **page)
    if isinstance(exc, ParamsInvalid):
        return _page(ref, errors=[("yaml", path, message) for path, message in exc.errors], status=400, **page)
    if isinstance(exc, NothingDeployed):
        return _page(ref, errors=[NOT_DEPLOYED], status=409, **page)
    return _page(ref, errors=[("", "Запуск", str(exc))], status=429, **page)


def _yaml_file(data: dict, stem: str) -> Response:
    return Response(library.dump(data), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f"attachment; filename={stem}.yaml"})


@bp.get("/scenario.yaml")
def export():
    ref = request.args.get("ref", "")
    return _yaml_file(_base(ref), "scenario-" + ref.replace(":", "-").removesuffix(".yaml"))


@bp.get("/<int:run_id>")
def show(run_id: int):
    return render_template("simulation/run.html", run=_get(run_id), states=SimulationState)


@bp.get("/<int:run_id>/progress")
def progress(run_id: int):
    run = _get(run_id)
    return jsonify(state=run.state, done=run.done, total=run.total, error=run.error)


@bp.get("/<int:run_id>/report")
@framed_by_own_pages
def report(run_id: int):
    run = _get(run_id)
    if not run.report_html:
        abort(404)
    return Response(run.report_html, mimetype="text/html")


@bp.get("/<int:run_id>/summary.json")
def summary(run_id: int):
    run = _get(run_id)
    if not run.summary_json:
        abort(404)
    return Response(json.dumps(json.loads(run.summary_json), ensure_ascii=False, indent=1),
                    mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=simulation-{run.id}.json"})
