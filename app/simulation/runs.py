"""Simulation runs from the analysts' page: stored in ``simulation_runs``, run in a thread.

The thread has its own app context (and so its own database session); it writes its progress
after each replication, so the page can show a bar while the run goes on, and the report and
the JSON summary at the end. Every failure ends the run as failed with its message.
"""
from __future__ import annotations

import json
import threading

from flask import current_app

from ..extensions import db
from ..models import SimulationRun
from ..statuses import SimulationState
from ..workflow.runtime import runtime
from . import params as parameters
from . import report, runner, scenario
from .cli import production_calendar

_threads: dict[int, threading.Thread] = {}


def prepare(text: str, name: str) -> dict:
    """Parameters from the page: the model is always the deployed version, not a folder."""
    params = parameters.validate({k: v for k, v in parameters.parse_text(text, name).items()
                                  if k not in ("model", "extends")})
    params.setdefault("name", name)
    return params


def start(params_text: str, compare_text: str | None, actor: str) -> SimulationRun:
    """Check the parameters against the deployed model (ParamsInvalid if wrong) and start the run."""
    from ..workflow.deployments import current_deployment
    deployment = current_deployment()
    files = deployment.file_map()
    texts = [params_text] + ([compare_text] if compare_text else [])
    built = [scenario.build(prepare(text, "Сценарий" if i == 0 else "Что-если"), files) for i, text in enumerate(texts)]
    run = SimulationRun(name=" / ".join(s.name for s in built), state=SimulationState.RUNNING,
                        params_text=params_text, compare_text=compare_text or None, model_key=deployment.key,
                        created_by=actor, created_at=runtime().clock.now(), done=0,
                        total=sum(int(s.params["replications"]) for s in built))
    db.session.add(run)
    db.session.commit()
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, run.id, files), name=f"simulation-{run.id}", daemon=True)
    _threads[run.id] = thread
    thread.start()
    return run


def wait(run_id: int, timeout: float | None = None) -> None:
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)


def _run(app, run_id: int, files: dict[str, bytes]) -> None:
    with app.app_context():
        run = db.session.get(SimulationRun, run_id)
        try:
            calendar = production_calendar()
            texts = [run.params_text] + ([run.compare_text] if run.compare_text else [])
            built = [scenario.build(prepare(t, "Сценарий" if i == 0 else "Что-если"), files, calendar)
                     for i, t in enumerate(texts)]
            results = []
            for scn in built:
                def progress(done, reps, offset=run.done):
                    run.done = offset + done
                    db.session.commit()
                results.append(runner.run(scn, progress=progress))
            comparison = runner.compare(results[0], results[1]) if len(results) > 1 else None
            run.report_html = report.html(results, files, comparison)
            run.summary_json = json.dumps({"scenarios": results, "comparison": comparison},
                                          ensure_ascii=False, default=str)
            run.state = SimulationState.DONE
        except Exception as exc:  # noqa: BLE001 - a background run must end, and say why
            db.session.rollback()
            run = db.session.get(SimulationRun, run_id)
            run.state, run.error = SimulationState.FAILED, f"{type(exc).__name__}: {exc}"
        run.finished_at = runtime().clock.now()
        db.session.commit()
        db.session.remove()
