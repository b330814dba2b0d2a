"""Deploying the model: a bundle of files becomes a version identified by its content hash."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..engine import ModelInvalid, ModelProblem, ParsedModel, bundle_hash
from ..extensions import db
from ..models import Deployment, DeploymentFile
from . import hooks
from .errors import NotFound, NothingDeployed
from .forms import forms_folder, forms_folder_setting, with_forms
from .runtime import runtime
from .validation import validate_bundle

MODEL_SUFFIXES = (".bpmn", ".dmn")


def read_bundle(folder: Path | str) -> dict[str, bytes]:
    folder = Path(folder)
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix in MODEL_SUFFIXES}
    if not files:
        raise ModelInvalid([ModelProblem(str(folder), None, "no .bpmn files in this folder")])
    return files


def forms_dir() -> Path:
    """The forms folder: the working copy new deployments take their forms from."""
    return forms_folder_setting()


def check_bundle(files: dict[str, bytes]) -> ParsedModel:
    """Parse and check a bundle with the forms it would be deployed with; raise ModelInvalid
    naming every problem (``.problems``: errors, then warnings). A model without errors is
    returned with its warnings in ``model.warnings``."""
    engine = runtime().engine
    files = with_forms(files)
    return validate_bundle(files, engine.load, forms_folder(files), current_app.config["VITRINA_CLIENT_WAITS"],
                           engine.sandboxed)


def deploy_bundle(files: dict[str, bytes], actor: str, comment: str | None = None, *,
                  once: bool = False, scenarios: dict[str, bytes] | None = None,
                  on_stored=None) -> tuple[Deployment, bool]:
    """Deploy unless the latest version is this very bundle; returns (deployment, created).

    A bundle equal to an older version is deployed again as a new version: that is going back.
    ``once``: a bundle deployed at any time is not deployed again (the set-up on every start
    must not undo a newer version a process owner deployed since).
    ``scenarios`` (or ``scenarios/*.yaml`` entries of ``files``) are run on the bundle first, and
    a version that breaks one is refused (app/scenarios).
    ``on_stored(deployment, created)``: called before the commit, so what it records (a modeller
    deploy's outcome) is committed with the version or not at all.
    """
    scenarios = {**(scenarios or {}), **{n: c for n, c in files.items() if n.endswith((".yaml", ".yml"))}}
    files = with_forms({n: c for n, c in files.items() if n not in scenarios})
    key = bundle_hash(files)
    query = select(Deployment).order_by(Deployment.id.desc()).limit(1)
    latest = db.session.scalar(query.where(Deployment.key == key) if once else query)
    if latest is not None and latest.key == key:
        if on_stored:
            on_stored(latest, False)
            db.session.commit()
        return latest, False
    check_bundle(files)  # a refused bundle leaves the previous version deployed
    if scenarios:
        hooks.deploying(files, scenarios)  # the scenario gate refuses a version that breaks one
    deployment = Deployment(key=key, deployed_at=runtime().clock.now(), deployed_by=actor, comment=comment,
                            files=[DeploymentFile(name=n, content=c) for n, c in sorted(files.items())])
    db.session.add(deployment)
    if on_stored:
        db.session.flush()
        on_stored(deployment, True)
    db.session.commit()
    return deployment, True


def current_deployment() -> Deployment:
    deployment = db.session.scalar(select(Deployment).order_by(Deployment.id.desc()).limit(1))
    if deployment is None:
        raise NothingDeployed("no model is deployed yet: run `vitrina deploy`")
    return deployment


def get_deployment(deployment_id: int) -> Deployment:
    deployment = db.session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"no deployment {deployment_id}")
    return deployment


def model_of(deployment: Deployment) -> ParsedModel:
    engine = runtime().engine
    # The files are only read from the database the first time a version is used.
    return engine.cached(deployment.key) or engine.load(deployment.file_map(), key=deployment.key)


def model_of_id(deployment_id: int) -> ParsedModel:
    """The model of a deployment by id; ids and keys never change, so the key is remembered."""
    keys = runtime().deployment_keys
    key = keys.get(deployment_id)
    if key is not None and (model := runtime().engine.cached(key)) is not None:
        return model
    deployment = get_deployment(deployment_id)
    keys[deployment_id] = deployment.key
    return model_of(deployment)
