"""The deploy gate: a version that breaks a scenario is refused like an invalid model."""
from __future__ import annotations

from flask import current_app

from ..engine import ModelInvalid, ModelProblem
from .format import ScenarioFormatError
from .runner import run_scenarios


def refuse_broken_scenarios(files: dict[str, bytes], scenarios: dict[str, bytes]) -> None:
    """Run ``scenarios`` on ``files``; raise ModelInvalid (rule ``scenario-failed`` or
    ``scenario-format``) naming each scenario and the step that diverged."""
    try:
        results = run_scenarios(files, scenarios, forms_dir=current_app.config["VITRINA_FORMS_DIR"],
                                client_waits=current_app.config["VITRINA_CLIENT_WAITS"],
                                model_limits=current_app.config["VITRINA_MODEL_LIMITS"])
    except ScenarioFormatError as exc:
        raise ModelInvalid([ModelProblem(e.split(":", 1)[0], None, e.split(": ", 1)[-1], rule="scenario-format")
                            for e in exc.errors]) from None
    failed = [r for r in results if not r.ok]
    if failed:
        raise ModelInvalid([ModelProblem(r.where, r.element_id, r.text(), rule="scenario-failed") for r in failed])
