"""The analysts' simulation page: start a run in the background, watch it, read past reports."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..config import ROOT
from ..extensions import db
from ..models import SimulationRun
from ..roles import Role
from ..simulation import runs
from ..simulation.params import ParamsInvalid
from ..statuses import SimulationState
from ..workflow.errors import NothingDeployed
from .guards import restrict_to
from .security import framed_by_own_pages

bp = Blueprint("simulation", __name__, url_prefix="/simulation")
restrict_to(bp, Role.ANALYST, Role.PROCESS_OWNER, Role.ADMIN)

BASELINE = ROOT / "scripts" / "simulation" / "baseline.yaml"


def _baseline_text() -> str:
    # The page simulates the deployed model, so the file's own model folder is left out.
    lines = BASELINE.read_text("utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("model:")) + "\n"


def _get(run_id: int) -> SimulationRun:
    runs.reap_interrupted()
    run = db.session.get(SimulationRun, run_id)
    if run is None:
        abort(404)
    return run


def _past() -> list[SimulationRun]:
    runs.reap_interrupted()  # a run its process left behind is shown failed, with the reason
    return db.session.scalars(select(SimulationRun).order_by(SimulationRun.id.desc()).limit(50)).all()


@bp.get("/")
def index():
    past = _past()
    return render_template("simulation/index.html", runs=past, params_text=_baseline_text(), compare_text="",
                           errors=[], states=SimulationState)


@bp.post("/")
def create():
    params_text = request.form.get("params", "")
    compare_text = request.form.get("compare", "").strip() or None
    errors, status = [], 400
    if not params_text.strip():
        errors = [("params", "Укажите параметры сценария")]
    else:
        try:
            run = runs.start(params_text, compare_text, current_user.email)
            return render_template("simulation/run.html", run=run, states=SimulationState), 202
        except ParamsInvalid as exc:
            errors = exc.errors
        except NothingDeployed:
            errors = [("model", "Модель не развёрнута: сначала выполните vitrina deploy")]
        except runs.TooManyRuns as exc:
            errors, status = [("", str(exc))], 429
    return render_template("simulation/index.html", runs=_past(), params_text=params_text,
                           compare_text=compare_text or "", errors=errors, states=SimulationState), status


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
