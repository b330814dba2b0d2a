"""Deploys from the modeller, run as a background job (``deploy_with_scenarios:<id>``).

«Развернуть» stores the bundle (``model_deploys``) and defers the job; the page polls the row.
The job runs the model scenarios on the stored bundle (app/scenarios) and, when all pass, deploys
it through ``deploy_bundle``, the one path every deploy takes; when one diverges it records
where (scenario, step, expected, got) and deploys nothing. The owner may then deploy the same
stored bundle anyway: the version's comment says it diverged, the row says who and when.

Idempotent: a job whose deploy is deployed or diverged does nothing when run again; one cut off
mid-way (a killed worker) starts over, and the version it may have stored is the latest already,
so ``deploy_bundle`` adds none and the row is recorded with it.
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import update

from ..engine import ModelInvalid, bundle_hash
from ..extensions import db
from ..models import ModelDeploy, ModelDeployFile
from ..scenarios import ScenarioFormatError, run_scenarios
from ..statuses import DeployState, JobKind
from ..workflow.deployments import check_bundle, deploy_bundle
from ..workflow.errors import NotFound
from ..workflow.forms import with_forms
from ..workflow.runtime import runtime
from .scenario_files import current_scenarios, update_expectation

log = logging.getLogger(__name__)

DIVERGED_NOTE = "[развёрнуто с расхождениями со сценариями модели: {names}]"


class DeployNotDiverged(Exception):
    """«Развернуть всё равно» applies only to a deploy whose scenarios diverged; message in Russian."""


def get(deploy_id: int) -> ModelDeploy:
    row = db.session.get(ModelDeploy, deploy_id)
    if row is None:
        raise NotFound(f"no model deploy {deploy_id}")
    return row


def start(files: dict[str, bytes], actor: str, comment: str | None = None) -> ModelDeploy:
    """Check the bundle at once (ModelInvalid names the problems, nothing is stored), store it
    and queue its job; returns the row, committed with the job."""
    check_bundle(files)
    row = ModelDeploy(requested_by=actor, requested_at=runtime().clock.now(), comment=comment,
                      key=bundle_hash(with_forms(files)), state=DeployState.QUEUED, done=0, total=0,
                      files=[ModelDeployFile(name=n, content=c) for n, c in sorted(files.items())])
    db.session.add(row)
    db.session.flush()
    from ..jobs import queue
    queue.defer(JobKind.DEPLOY_WITH_SCENARIOS, actor=actor, deploy_id=row.id)  # commits the row with its job
    return row


def wait(deploy_id: int, timeout: float | None = None) -> None:
    """In-process only (tests, SQLite): until the deploy's thread ends."""
    from ..jobs import queue
    queue.wait(JobKind.DEPLOY_WITH_SCENARIOS, timeout, deploy_id=deploy_id)


def _scenarios() -> dict[str, bytes]:
    if not current_app.config.get("VITRINA_DEPLOY_SCENARIOS", True):
        return {}
    return current_scenarios()


def execute(deploy_id: int):
    """The job: run the scenarios on the stored bundle, then deploy it or record the divergences."""
    from ..jobs.records import SKIPPED
    row = db.session.get(ModelDeploy, deploy_id)
    if row is None or DeployState(row.state).finished:
        return SKIPPED
    try:
        return _check_and_deploy(row)
    except Exception as exc:  # the page must stop waiting and say so; the job's row keeps the error
        _fail(deploy_id, f"Развёртывание прервано ошибкой сервера ({type(exc).__name__})")
        raise


def _check_and_deploy(row: ModelDeploy):
    deploy_id = row.id
    files, scenarios = row.file_map(), _scenarios()
    row.state, row.done, row.total = DeployState.RUNNING, 0, len(scenarios)
    row.divergences = row.error = row.finished_at = None
    db.session.commit()  # no transaction stays open: the progress is written on its own connection
    try:
        results = run_scenarios(files, scenarios, forms_dir=current_app.config["VITRINA_FORMS_DIR"],
                                client_waits=current_app.config["VITRINA_CLIENT_WAITS"],
                                model_limits=current_app.config["VITRINA_MODEL_LIMITS"],
                                progress=_progress_writer(deploy_id)) if scenarios else []
    except ScenarioFormatError as exc:
        return _fail(deploy_id, "Сценарии модели записаны не по формату: " + "; ".join(exc.errors))
    row = get(deploy_id)
    diverged = [r for r in results if not r.ok]
    if diverged:
        row.state, row.divergences = DeployState.DIVERGED, [d for r in diverged for d in divergences_of(r)]
        row.finished_at = runtime().clock.now()
        db.session.commit()
        return f"diverged: {len(diverged)} of {len(results)}"
    row.state = DeployState.PASSED
    db.session.commit()
    return _deploy(deploy_id, files, row.requested_by, row.comment)


def deploy_anyway(deploy_id: int, actor: str) -> ModelDeploy:
    """Deploy a diverged bundle as it was stored, the divergences named in the version's comment."""
    claimed = db.session.execute(update(ModelDeploy).where(ModelDeploy.id == deploy_id,
                                                           ModelDeploy.state == DeployState.DIVERGED)
                                 .values(state=DeployState.PASSED, forced_by=actor, forced_at=runtime().clock.now())
                                 .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        row = get(deploy_id)
        raise DeployNotDiverged(f"Развёртывание уже {DeployState(row.state).label.lower()}: "
                                "развернуть всё равно можно только модель, расходящуюся со сценариями.")
    db.session.commit()
    row = get(deploy_id)
    names = ", ".join(dict.fromkeys(d["scenario"] for d in row.divergences or []))
    comment = " ".join(filter(None, [row.comment, DIVERGED_NOTE.format(names=names)]))
    log.info("model deploy %s deployed despite diverging scenarios (%s) by %s", deploy_id, names, actor)
    _deploy(deploy_id, row.file_map(), actor, comment)
    return get(deploy_id)


def _deploy(deploy_id: int, files: dict[str, bytes], actor: str, comment: str | None):
    def record(deployment, created):
        row = get(deploy_id)
        row.state, row.deployment_id, row.created = DeployState.DEPLOYED, deployment.id, created
        row.finished_at = runtime().clock.now()
    try:
        deployment, created = deploy_bundle(files, actor=actor, comment=comment, on_stored=record)
    except ModelInvalid as exc:  # the forms folder changed since the check: the model is refused now
        return _fail(deploy_id, "Модель не развёрнута: " + "; ".join(str(p) for p in exc.errors or exc.problems))
    return f"version {deployment.id}" + ("" if created else " (unchanged)")


def _fail(deploy_id: int, error: str) -> str:
    db.session.rollback()
    row = get(deploy_id)
    row.state, row.error, row.finished_at = DeployState.FAILED, error, runtime().clock.now()
    db.session.commit()
    return f"failed: {error}"


def _progress_writer(deploy_id: int):
    # The scenarios run in a throw-away app whose context holds ``db.session``: the progress goes
    # through this app's engine, in a short transaction of its own.
    engine = db.engine

    def write(done: int, total: int) -> None:
        with engine.begin() as connection:
            connection.execute(update(ModelDeploy).where(ModelDeploy.id == deploy_id).values(done=done, total=total))
    return write


def divergences_of(result) -> list[dict]:
    """The table rows of one diverged scenario: one per problem, expected and got apart, and
    where the expectation is written in the scenario («path», empty when it cannot be updated)."""
    step = "создание заявки" if result.step == 0 else f"шаг {result.step} {result.label}".strip()
    prefix = ["expect"] if result.step == 0 else ["steps", result.step - 1, "expect"]
    return [{"scenario": result.scenario.name, "file": result.scenario.file.rsplit("/", 1)[-1], "step": step,
             "expected": m.expected, "got": m.got, "path": [*prefix, *m.path] if m.path else [],
             "was": m.was, "value": m.value} for m in result.mismatches]


def update_scenario(deploy_id: int, index: int, actor: str) -> ModelDeploy:
    """«Обновить сценарий» for one row of the table: the scenario now expects what the model did.
    ExpectationMoved (from app/scenarios) when the scenario no longer says what it was measured against."""
    row = get(deploy_id)
    rows = list(row.divergences or [])
    if not 0 <= index < len(rows) or not rows[index].get("path"):
        raise NotFound(f"no updatable divergence {index} of deploy {deploy_id}")
    wanted = rows[index]
    if not wanted.get("updated"):
        update_expectation(wanted["file"], wanted["path"], wanted["was"], wanted["value"], actor)
        row = get(deploy_id)
        row.divergences = [{**r, "updated": True} if i == index else r for i, r in enumerate(row.divergences)]
        db.session.commit()
    return row


def as_json(row: ModelDeploy) -> dict:
    return {"id": row.id, "state": row.state, "state_label": DeployState(row.state).label,
            "done": row.done, "total": row.total, "version": row.deployment_id, "created": row.created,
            "divergences": row.divergences or [], "error": row.error, "forced": row.forced_by is not None}
