"""Forms belong to the deployment: a version holds the forms it was deployed with.

A bundle is deployed with the forms of the forms folder (``VITRINA_FORMS_DIR``, the working
copy) unless it carries its own (``forms/<name>.json`` entries, as a version being reverted to
does), so the version's content hash covers its forms and a changed form is a new version.
An application is validated and rendered with its version's forms: they are written once into
``instance/deployed_forms/<content hash>/`` (immutable, named by the hash) and read from there
by the ordinary form loader and its caches. Versions deployed before forms were kept with them
read the forms folder, as they always did.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from ..engine import bundle_hash
from ..forms.on_behalf import as_filed
from ..forms.schema import FormError, load_form, read_form
from ..models import Deployment, ProcessInstance

PREFIX = "forms/"
EMPTY_FORM = {"type": "object", "properties": {}}


def forms_folder_setting() -> Path:
    """The working copy of the forms, which new deployments take their forms from."""
    return Path(current_app.config["VITRINA_FORMS_DIR"])


def with_forms(files: dict[str, bytes], folder: Path | None = None) -> dict[str, bytes]:
    """The bundle with the forms it is deployed with: its own, else those of ``folder``."""
    if any(name.startswith(PREFIX) for name in files):
        return dict(files)
    folder = Path(folder or forms_folder_setting())
    forms = {f"{PREFIX}{p.name}": p.read_bytes() for p in sorted(folder.glob("*.json")) if p.is_file()}
    return {**files, **forms}


def model_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files a process owner edits in the modeller: the bundle without its forms."""
    return {name: content for name, content in files.items() if not name.startswith(PREFIX)}


def forms_folder(files: dict[str, bytes]) -> Path:
    """A folder holding the bundle's forms (the forms folder for a bundle without any)."""
    forms = {name[len(PREFIX):]: content for name, content in files.items() if name.startswith(PREFIX)}
    if not forms:
        return forms_folder_setting()
    root = Path(current_app.instance_path) / "deployed_forms"
    target = root / bundle_hash({f"{PREFIX}{n}": c for n, c in forms.items()})[:24]
    if not target.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        for name, content in forms.items():
            if "/" in name or name.startswith("."):
                continue  # a stored name that would leave the folder is not a form
            (staging / name).write_bytes(content)
        try:
            os.rename(staging, target)  # atomic: another process may have written it meanwhile
        except OSError:
            for leftover in staging.iterdir():
                leftover.unlink()
            staging.rmdir()
    return target


_folders: dict[str, Path] = {}  # deployment content hash -> its forms folder


def forms_of(deployment: Deployment) -> Path:
    folder = _folders.get(deployment.key)
    if folder is None or not folder.is_dir():
        folder = _folders[deployment.key] = forms_folder(deployment.file_map())
    return folder


def forms_of_instance(instance: ProcessInstance) -> Path:
    from .runtime import runtime
    key = runtime().deployment_keys.get(instance.deployment_id)  # known once the model was used
    folder = _folders.get(key) if key else None
    if folder is not None and folder.is_dir():
        return folder
    return forms_of(instance.deployment)


_versions: dict[Path, str] = {}


def form_version(instance: ProcessInstance, name: str | None) -> str | None:
    """The sha256 of the form file as the application's version deployed it (its version)."""
    if not name:
        return None
    path = forms_of_instance(instance) / f"{name}.json"
    if path not in _versions:
        try:
            _versions[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
    return _versions[path]


def form_of(instance: ProcessInstance, name: str | None, *, on_behalf: bool = False) -> dict:
    """The schema of form ``name`` as the application's version deployed it (empty for no form),
    as its filer sees it (``on_behalf``: filed for another role, ``forms.on_behalf``): a copy,
    for pages that adjust it."""
    if not name:
        return dict(EMPTY_FORM)
    return as_filed(load_form(name, forms_of_instance(instance)), on_behalf)


def form_for_reading(instance: ProcessInstance, name: str | None, *, on_behalf: bool = False) -> dict:
    """The same schema, shared and not to be changed: for the checks and records of a step."""
    if not name:
        return EMPTY_FORM
    return as_filed(read_form(name, forms_of_instance(instance)), on_behalf)


__all__ = ["EMPTY_FORM", "FormError", "PREFIX", "form_for_reading", "form_of", "form_version", "forms_folder", "forms_of",
           "forms_of_instance", "model_files", "with_forms"]
