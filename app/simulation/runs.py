"""Simulation runs from the analysts' page: stored in ``simulation_runs``, run in a thread.

The thread has its own app context (and so its own database session); it writes its progress
after each replication, so the page can show a bar while the run goes on, and the report and
the JSON summary at the end. Every failure ends the run as failed with its message. Runs take
memory and CPU from the web process, so a user has at most ``VITRINA_SIMULATION_RUNS_PER_USER``
and everyone together ``VITRINA_SIMULATION_RUNS`` running at once; a run whose process is gone
is failed by ``liveness.reap`` before they are counted.
"""
from __future__ import annotations

import json
import threading

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import SimulationRun
from ..statuses import SimulationState
from ..workflow.runtime import runtime
from . import params as parameters
from . import report, runner, experiment as scenario
from .cli import production_calendar
from .liveness import Heartbeat, reap, runner_id
from ..workflow.forms import model_files as bundle_model_files

_threads: dict[int, threading.Thread] = {}
_starting = threading.Lock()  # the count of running runs and the new row: one start at a time


class TooManyRuns(Exception):
    """A new run would exceed a cap; the message is for the analyst, in Russian."""


def reap_interrupted() -> None:
    reap(lambda run_id: run_id in _threads and _threads[run_id].is_alive())


def _check_caps(actor: str) -> None:
    reap_interrupted()
    running = db.session.execute(select(SimulationRun.id, SimulationRun.created_by)
                                 .where(SimulationRun.state == SimulationState.RUNNING)
                                 .order_by(SimulationRun.id)).all()
    per_user = int(current_app.config["VITRINA_SIMULATION_RUNS_PER_USER"])
    total = int(current_app.config["VITRINA_SIMULATION_RUNS"])
    mine = [run_id for run_id, by in running if by == actor]
    if len(mine) >= per_user:
        raise TooManyRuns(f"У вас уже выполняется прогон № {mine[0]}: одновременно можно не больше {per_user}. "
                          "Дождитесь его окончания и запустите новый.")
    if len(running) >= total:
        raise TooManyRuns(f"Сейчас выполняется прогонов: {len(running)} — это предел для сервера. "
                          "Дождитесь окончания одного из них и запустите снова.")


def prepare(text: str, name: str) -> dict:
    """Parameters from the page: the model is always the deployed version, not a folder."""
    params = parameters.validate({k: v for k, v in parameters.parse_text(text, name).items()
                                  if k not in ("model", "extends")})
    params.setdefault("name", name)
    return params


def start(params_text: str, compare_text: str | None, actor: str) -> SimulationRun:
    """Check the caps (TooManyRuns) and the parameters against the deployed model (ParamsInvalid
    if wrong) and start the run."""
    from ..workflow.deployments import current_deployment
    with _starting:
        _check_caps(actor)
        deployment = current_deployment()
        files = bundle_model_files(deployment.file_map())
        texts = [params_text] + ([compare_text] if compare_text else [])
        built = [scenario.build(prepare(text, "Сценарий" if i == 0 else "Что-если"), files)
                 for i, text in enumerate(texts)]
        now = runtime().clock.now()
        run = SimulationRun(name=" / ".join(s.name for s in built), state=SimulationState.RUNNING,
                            params_text=params_text, compare_text=compare_text or None, model_key=deployment.key,
                            created_by=actor, created_at=now, done=0,
                            total=sum(int(s.params["replications"]) for s in built),
                            runner=runner_id(), heartbeat_at=now)
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
    with app.app_context(), Heartbeat(app, run_id):
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
