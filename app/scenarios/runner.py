"""Running model scenarios headlessly: a throw-away app on a temporary SQLite database, a
virtual clock, the real workflow services (start, complete, the timer sweep), and after every
step a comparison of what the scenario expects with what the model did.

The run stops at the first step that diverges and says what was expected and what happened.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..calendar import MOSCOW
from ..clock import VirtualClock
from ..config import ROOT
from ..engine import EngineError
from ..extensions import db
from ..workflow.errors import StepFailed, WorkflowError
from .checks import Diverged, Mismatch, compare, find_task, payload_for
from .format import Scenario, load_scenario, parse_moment


class _ScenarioClock(VirtualClock):
    """A virtual clock that every scenario sets back to its own start."""

    def reset(self, moment: datetime) -> None:
        self._now = moment.astimezone(timezone.utc)


@dataclass
class ScenarioResult:
    scenario: Scenario
    step: int | None = None  # the step that diverged: 0 is the start, None means all went as expected
    label: str = ""
    element_id: str | None = None
    problems: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)  # the problems, each with what to write instead

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        line = self.scenario.lines.get(self.step - 1) if self.step else None
        return f"{self.scenario.file}{f':{line}' if line else ''}"

    def text(self) -> str:
        if self.ok:
            return f"ok  {self.scenario.file}: {self.scenario.name}"
        head = "старт" if self.step == 0 else f"шаг {self.step} {self.label}".rstrip()
        return f"РАСХОДИТСЯ  {self.where}: {self.scenario.name}: {head}: " + "; ".join(self.problems)


def run_scenarios(model_files: dict[str, bytes], scenario_files: dict[str, bytes], *,
                  forms_dir: str | Path | None = None, client_waits: dict | None = None,
                  model_limits: dict | None = None, progress=None) -> list[ScenarioResult]:
    """Run every scenario on the model; ScenarioFormatError if a file does not follow the format.

    The model's code runs in the worker processes under ``model_limits``, as it will at run time.
    ``progress(done, total)`` is called before the first scenario and after each one; it runs inside
    the throw-away app's context, so it must not use ``db.session`` for the caller's database."""
    from ..config import DEFAULT_CLIENT_WAITS
    from .format import ScenarioFormatError
    scenarios, errors = [], []
    for name, text in sorted(scenario_files.items()):
        try:
            scenarios.append(load_scenario(name, text))
        except ScenarioFormatError as exc:
            errors += exc.errors
    if errors:
        raise ScenarioFormatError(errors)
    if not scenarios:
        return []
    clock = _ScenarioClock(parse_moment(scenarios[0].start["at"]))
    with tempfile.TemporaryDirectory(prefix="vitrina-scenarios-") as folder:
        from .. import create_app
        app = create_app({
            "TESTING": True, "SECRET_KEY": "scenarios", "VITRINA_CLOCK": clock,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'scenarios.sqlite3'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {}, "VITRINA_START_SCHEDULER": False, "VITRINA_SMTP_URL": None,
            "VITRINA_FORMS_DIR": str(forms_dir or ROOT / "forms"),
            "VITRINA_CLIENT_WAITS": client_waits if client_waits is not None else dict(DEFAULT_CLIENT_WAITS),
            "VITRINA_MODEL_LIMITS": model_limits or {},
        })
        app.instance_path = folder  # the deployed forms it writes go with the throw-away database
        with app.app_context():
            try:
                db.create_all()
                results = []
                for scenario in scenarios:
                    if progress:
                        progress(len(results), len(scenarios))
                    results.append(_run(scenario, model_files, clock))
                if progress:
                    progress(len(results), len(scenarios))
                return results
            finally:
                db.session.remove()
                db.engine.dispose()


def _clear() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _run(scenario: Scenario, model_files: dict[str, bytes], clock: _ScenarioClock) -> ScenarioResult:
    from ..workflow.deployments import deploy_bundle
    from ..workflow.instances import get_instance, start_process
    _clear()
    clock.reset(parse_moment(scenario.start["at"]))
    result = ScenarioResult(scenario)
    try:
        deployment, _ = deploy_bundle(model_files, actor="scenario")
        instance = start_process(scenario.process, actor="scenario", region=scenario.start["region"],
                                 company_name=scenario.start["company_name"],
                                 company_inn=scenario.start["company_inn"], deployment=deployment)
    except (WorkflowError, EngineError) as exc:
        result.step = 0
        _diverged(result, [Mismatch.plain(f"заявка не создана: {exc}")])
        return result
    if problems := compare(instance, scenario.expect):
        result.step = 0
        _diverged(result, problems)
        return result
    for number, step in enumerate(scenario.steps, start=1):
        result.step = number
        try:
            if "complete" in step:
                task = find_task(instance, step)
                result.label, result.element_id = f"«{task.name}»", task.element_id
                _complete(instance, task, step)
            else:
                result.label, result.element_id = _wait(step, clock), None
            instance = get_instance(instance.id)
            problems = compare(instance, step.get("expect") or {})
        except Diverged as exc:
            problems = [Mismatch.plain(str(exc))]
        except StepFailed as exc:  # the model's code stopped: name the element whose code it was
            db.session.rollback()
            result.element_id = exc.element_id or result.element_id
            problems = [Mismatch.plain(f"шаг не выполнен: {exc}")]
        except (WorkflowError, EngineError) as exc:
            db.session.rollback()
            problems = [Mismatch.plain(f"шаг не выполнен: {exc}")]
        if problems:
            _diverged(result, problems)
            return result
    result.step, result.label, result.element_id = None, "", None
    return result


def _diverged(result: ScenarioResult, problems: list[Mismatch]) -> None:
    result.mismatches, result.problems = problems, [p.text for p in problems]


def _complete(instance, task, step) -> None:
    from ..workflow.instances import complete_task
    who = step.get("by")
    role = who.get("role") if isinstance(who, dict) else who
    complete_task(instance.id, task.task_id, payload_for(task, step.get("data") or {}),
                  actor=f"scenario:{role or task.role}")


def _wait(step, clock: _ScenarioClock) -> str:
    from ..deadlines.sweep import fire_due_timers
    from ..workflow.runtime import runtime
    wait = step["wait"]
    now = clock.now().astimezone(MOSCOW)
    if "working_days" in wait:
        day = runtime().calendar.add_working_days(now.date(), int(wait["working_days"]))
        target = datetime.combine(day, now.time(), MOSCOW)
        label = f"ожидание {wait['working_days']} р.д."
    elif "days" in wait:
        target, label = now + timedelta(days=int(wait["days"])), f"ожидание {wait['days']} дн."
    elif "hours" in wait:
        target, label = now + timedelta(hours=int(wait["hours"])), f"ожидание {wait['hours']} ч"
    else:
        target, label = parse_moment(wait["until"]), f"ожидание до {wait['until']}"
    if target < now:
        raise Diverged(f"время не идёт назад: {target:%d.%m.%Y %H:%M} раньше {now:%d.%m.%Y %H:%M}")
    clock.set(target)
    fire_due_timers(clock.now())
    return f"({label}, до {target:%d.%m.%Y %H:%M})"
