"""Simulation runs from the analysts' page: stored in ``simulation_runs``, run as background jobs.

The page stores the run and defers its job (app/jobs/): on SQLite a thread of the web process
runs it, on PostgreSQL a ``vitrina worker``. The job writes its progress after each replication,
so the page can show a bar while the run goes on, and the report and the JSON summary at the end.
A failure ends the run as failed with its message. A job may run again (a worker killed mid-way):
a run that is done is left alone, any other starts from scratch. Runs take memory and CPU, so a
user has at most ``VITRINA_SIMULATION_RUNS_PER_USER`` and everyone together
``VITRINA_SIMULATION_RUNS`` running at once; a run whose process is gone is failed by
``liveness.reap`` before they are counted.
"""
from __future__ import annotations

import json
import threading
from contextlib import nullcontext

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import SimulationRun
from ..statuses import SimulationState
from ..workflow.runtime import runtime
from . import params as parameters
from . import library, report, runner, experiment as scenario
from .cli import production_calendar
from .liveness import Heartbeat, reap, runner_id
from ..workflow.forms import model_files as bundle_model_files
from ..statuses import JobKind

_starting = threading.Lock()  # the count of running runs and the new row: one start at a time


class TooManyRuns(Exception):
    """A new run would exceed a cap; the message is for the analyst, in Russian."""


class SimulationFailed(Exception):
    """The run ended in an error; the run's row has it, the job's row shows it to admins."""


def reap_interrupted() -> None:
    from ..jobs import queue
    # On the job queue a worker killed mid-run has its job run again, so only a run nobody
    # renewed for the stale interval is failed; in-process, a thread gone is a run gone.
    reap(lambda run_id: queue.alive(JobKind.SIMULATION_RUN, run_id=run_id), by_process=queue.in_process())


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
    """Parameters from the page, ``extends`` resolved against the saved and shipped scenarios;
    the model is always the deployed version, not a folder."""
    params = parameters.validate(library.resolved(parameters.parse_text(text, name)))
    params.setdefault("name", name)
    return params


def _stored(text: str, name: str) -> str:
    """The text a run keeps: resolved once, so a later change of a parent does not change it."""
    return library.dump(library.resolved(parameters.parse_text(text, name)))


def started_by(request_key: str | None) -> SimulationRun | None:
    """The run a form token already started: the same form sent again gets this one."""
    if not request_key:
        return None
    return db.session.scalar(select(SimulationRun).where(SimulationRun.request_key == request_key))


def start(params_text: str, compare_text: str | None, actor: str, request_key: str | None = None) -> SimulationRun:
    """Check the caps (TooManyRuns) and the parameters against the deployed model (ParamsInvalid
    if wrong) and start the run; a form token that started a run already gives that run."""
    from ..workflow.deployments import current_deployment
    with _starting:
        if (earlier := started_by(request_key)) is not None:
            return earlier
        _check_caps(actor)
        deployment = current_deployment()
        files = bundle_model_files(deployment.file_map())
        params_text = _stored(params_text, "Сценарий")
        compare_text = _stored(compare_text, "Что-если") if compare_text else None
        texts = [params_text] + ([compare_text] if compare_text else [])
        built = [scenario.build(prepare(text, "Сценарий" if i == 0 else "Что-если"), files)
                 for i, text in enumerate(texts)]
        now = runtime().clock.now()
        run = SimulationRun(name=" / ".join(s.name for s in built), state=SimulationState.RUNNING,
                            params_text=params_text, compare_text=compare_text or None, model_key=deployment.key,
                            created_by=actor, created_at=now, done=0,
                            total=sum(int(s.params["replications"]) for s in built),
                            runner=runner_id(), heartbeat_at=now, request_key=request_key or None)
        db.session.add(run)
        db.session.flush()
        from ..jobs import queue
        queue.defer(JobKind.SIMULATION_RUN, actor=actor, run_id=run.id)  # commits the run with its job
    return run


def wait(run_id: int, timeout: float | None = None) -> None:
    """In-process only (tests, SQLite): until the run's thread ends."""
    from ..jobs import queue
    queue.wait(JobKind.SIMULATION_RUN, timeout, run_id=run_id)


def execute(run_id: int):
    """The job: run it unless it is done; a second run starts from scratch and overwrites."""
    from ..jobs.records import SKIPPED
    from ..models import Deployment
    run = db.session.get(SimulationRun, run_id)
    if run is None or run.state == SimulationState.DONE:
        return SKIPPED
    run.state, run.done, run.error, run.finished_at = SimulationState.RUNNING, 0, None, None
    run.report_html = run.summary_json = None
    run.runner, run.heartbeat_at = runner_id(), runtime().clock.now()
    db.session.commit()
    deployment = db.session.scalar(select(Deployment).where(Deployment.key == run.model_key)
                                   .order_by(Deployment.id.desc()).limit(1))
    app = current_app._get_current_object()
    with Heartbeat(app, run_id) if deployment else nullcontext():
        try:
            if deployment is None:
                raise LookupError("версия модели, на которой запущен прогон, не найдена")
            _simulate(run, bundle_model_files(deployment.file_map()))
            run.state = SimulationState.DONE
        except Exception as exc:  # noqa: BLE001 - a background run must end, and say why
            db.session.rollback()
            run = db.session.get(SimulationRun, run_id)
            run.state, run.error = SimulationState.FAILED, f"{type(exc).__name__}: {exc}"
        run.finished_at = runtime().clock.now()
        db.session.commit()
    if run.state == SimulationState.FAILED:
        raise SimulationFailed(f"прогон № {run_id}: {run.error}")
    return True


def _simulate(run: SimulationRun, files: dict[str, bytes]) -> None:
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
