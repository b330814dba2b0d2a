"""Validation of a bundle before deploy: the engine's own parse (XSD, what it needs to run,
expressions against the sandbox) together with the model rules of ``app.modelcheck``.

One function for ``vitrina check``, ``vitrina deploy`` and the modeller: errors refuse the
model, warnings are returned with it. Every finding carries a rule code (bpmn/README.md).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..engine import BudgetExceeded, ModelInvalid, ModelProblem, ParsedModel, bundle_hash
from ..modelcheck import check_files

CHECKS = "app.modelcheck:check_files"

_FINDINGS: dict[tuple, list[ModelProblem]] = {}  # a deploy per test would redo identical work


def validate_bundle(files: dict[str, bytes], load, forms_dir: Path | None,
                    client_waits: dict | None = None, sandboxed=None) -> ParsedModel:
    """Parse with ``load`` and check; raise ModelInvalid (engine problems first, then the rules'
    errors, then warnings) or return the model with its warnings in ``model.warnings``.

    The rules evaluate the model's expressions on sample data, so they run through
    ``sandboxed`` (the engine's: in a worker process under the model-code limits)."""
    findings = check_model_files(files, forms_dir, client_waits, sandboxed)
    try:
        model = load(files)
    except ModelInvalid as exc:
        raise ModelInvalid(_ordered([_coded(p) for p in exc.problems] + findings)) from None
    if any(f.blocking for f in findings):
        raise ModelInvalid(_ordered(findings))
    model.warnings = findings
    return model


def check_model_files(files, forms_dir, client_waits=None, sandboxed=None) -> list[ModelProblem]:
    key = (bundle_hash(files), str(forms_dir), _fingerprint(forms_dir), json.dumps(client_waits, sort_keys=True))
    if key not in _FINDINGS:
        if len(_FINDINGS) > 64:
            _FINDINGS.clear()
        try:
            if sandboxed is None:
                findings = check_files(files, forms_dir, client_waits)
            else:
                findings = sandboxed(CHECKS, files, forms_dir, client_waits)
        except BudgetExceeded as exc:  # stopped from outside: a single C-level operation ran too long
            return [ModelProblem(_file_of(files, exc.element_id), exc.element_id,
                                 f"проверка выражений модели остановлена: {exc}", rule="script-budget")]
        _FINDINGS[key] = findings
    return list(_FINDINGS[key])


def _file_of(files: dict[str, bytes], element_id: str | None) -> str:
    needle = f'id="{element_id}"'.encode() if element_id else None
    for name, content in sorted(files.items()):
        if needle and needle in content:
            return name
    return next(iter(sorted(files)), "")


def check_model(model: ParsedModel, forms_dir: Path | None) -> list[ModelProblem]:
    """The rules' errors for an already parsed model (warnings left out)."""
    return [p for p in check_model_files(model.files, forms_dir) if p.blocking]


def _fingerprint(forms_dir) -> tuple:
    if forms_dir is None or not Path(forms_dir).is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(Path(forms_dir).iterdir()))


def _coded(problem: ModelProblem) -> ModelProblem:
    """The engine's problems get a rule code by their kind."""
    if problem.rule != "engine":
        return problem
    reason = problem.reason
    if "not well-formed" in reason:
        rule = "xml"
    elif reason.startswith("Element '"):  # lxml's schema messages
        rule = "xsd"
    elif "SyntaxError" in reason or "invalid syntax" in reason:
        rule = "script-sandbox"
    else:
        rule = "engine"
    return replace(problem, rule=rule)


def _ordered(problems: list[ModelProblem]) -> list[ModelProblem]:
    return [p for p in problems if p.blocking] + [p for p in problems if not p.blocking]
