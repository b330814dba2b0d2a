"""Moving a running instance onto a newer version of its model, with SpiffWorkflow's diff.

``diff_workflow`` aligns the old specs with the new ones (by element id) and ``migrate_workflow``
swaps them under the instance's tasks. Vitrina adds the checks that keep the result sound, each
refusal naming the step and the reason in Russian:

- every task the instance has reached (ready, waiting, running, done) must keep its element in
  the new version: the stored history is restored against the new spec by element id;
- a reached task must keep its type, and its parent in the tree must still lead to it (adding a
  boundary event to the current step, say, rebuilds the branch the instance is standing in);
- predicted tasks (not reached yet) may change freely: they are predicted again.

The engine's own reset of every ready and waiting task would re-run pre-scripts and restart
every deadline from today, so only the tasks the change touches are reset: a ready or waiting
task whose flows or timer changed. A changed deadline is recomputed as if counted from the day
the step began (regulation 4.2), not from the day of the migration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from .errors import EngineError
from .timers import ClockedCycle, ClockedDuration, ClockedTimeDate, parse_moment

# Spec comparison goes through the serializer's registry; the clocked timers must be known to it,
# or their expressions would be compared as opaque objects (equal whenever the class is).
_config = dict(SPIFF_CONFIG)
for _timer in (ClockedTimeDate, ClockedDuration, ClockedCycle):
    _config[_timer] = TimerConditionalEventDefinitionConverter
REGISTRY = BpmnWorkflowSerializer.configure(_config)

REACHED = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# Not reached yet: predicted anew from the nearest ready or waiting ancestor when reset.
AHEAD = TaskState.PREDICTED_MASK | TaskState.FUTURE
ACTIVE = TaskState.READY | TaskState.WAITING
# Changes that do not alter how a task runs: the spec is swapped, the task stays as it is.
COSMETIC = {"bpmn_name", "description", "lane", "documentation", "extensions"}


class MigrationRefused(EngineError):
    """The change does not allow moving this instance; ``reasons`` say why, in Russian."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


@dataclass
class MigrationNotes:
    """What moving the instance changes, for the preview and the audit trail."""

    renewed: list[str] = field(default_factory=list)  # element ids of reset tasks
    notes: list[str] = field(default_factory=list)


def _label(spec) -> str:
    return f"«{spec.bpmn_name or spec.bpmn_id or spec.name}» ({spec.bpmn_id or spec.name})"


def plan_and_migrate(workflow, new_specs: dict, ready_at: dict, script_engine_at) -> MigrationNotes:
    """Migrate ``workflow`` in place onto ``new_specs`` or raise MigrationRefused.

    ``ready_at`` maps a human task id to when it became ready; ``script_engine_at(moment)`` gives
    a script engine whose clock stands at ``moment``.
    """
    process_id = workflow.spec.name
    if process_id not in new_specs:
        raise MigrationRefused([f"процесса «{process_id}» нет в новой версии"])
    new_spec, new_subprocess_specs = new_specs[process_id]
    top_diff, sub_diffs = diff_workflow(REGISTRY, workflow, new_spec, new_subprocess_specs)
    parts = [(workflow, top_diff, new_spec)]
    reasons: list[tuple[int, str]] = []
    for sub_id, sub_diff in sub_diffs.items():
        sub = workflow.subprocesses[sub_id]
        if sub_diff is None:
            reasons.append((0, f"подпроцесса «{sub.spec.name}», в котором находится заявка, нет в новой версии"))
        else:
            parts.append((sub, sub_diff, new_subprocess_specs[sub.spec.name]))
    renew: dict = {}
    for part, diff, _ in parts:
        reasons.extend(_check(part, diff, renew))
    if reasons:
        raise MigrationRefused(_main_reasons(reasons))

    notes = MigrationNotes()
    for part, diff, spec in parts:
        migrate_workflow(diff, part, spec, reset_mask=TaskState.ERROR)  # see the module docstring
    workflow.subprocess_specs = new_subprocess_specs
    for task in renew.values():
        if task.id not in task.workflow.tasks:
            continue  # dropped with an ancestor renewed before it
        _renew(task, ready_at, script_engine_at, workflow.script_engine)
        notes.renewed.append(task.task_spec.bpmn_id)
        notes.notes.append(_note(task))
    _verify(workflow, new_spec, new_subprocess_specs)
    return notes


def _check(part, diff, renew: dict) -> list[tuple[int, str]]:
    """(weight, reason) for each problem: 0 the instance stands on a removed step, 1 its history
    has one, 2 a consequence of those (a step connected differently), 3 engine-internal parts."""
    reasons = []
    removed = {task.id for task in diff.removed}
    compared: dict = {}
    for task in part.tasks.values():
        spec, state = task.task_spec, task.state
        internal = 3 if spec.bpmn_id is None else 0
        if task.id in removed:
            if state & AHEAD:
                anchor = _active_ancestor(task)
                if anchor is None:
                    reasons.append((max(internal, 1), f"шаг {_label(spec)} удалён, а заявку нельзя заново "
                                                      "направить по новой схеме"))
                else:
                    renew[anchor.id] = anchor
            elif state & REACHED:
                reasons.append((internal, f"заявка находится на шаге {_label(spec)}, которого нет в новой версии"))
            else:
                reasons.append((max(internal, 1), f"заявка прошла шаг {_label(spec)}, которого нет в новой версии: "
                                                  "историю заявки нельзя сохранить"))
            continue
        if state & AHEAD:
            continue
        new = diff.alignment.get(task)
        changes = set(_compare(spec, new, compared)) if new is not None else set()
        if "typename" in changes:
            reasons.append((max(internal, 1), f"у шага {_label(spec)}, который заявка прошла или на котором стоит, "
                                              "изменён тип элемента"))
            continue
        parent = task.parent
        if parent is not None and state & REACHED and new is not None:
            new_parent = diff.alignment.get(parent)
            if new_parent is None or new_parent not in new.inputs:
                reasons.append((max(internal, 2), f"шаг {_label(spec)}, на котором стоит заявка, подключён в новой "
                                                  "версии иначе (добавлены или удалены граничные события или "
                                                  "входящие потоки)"))
                continue
        if state & ACTIVE and changes - COSMETIC:
            renew[task.id] = task
    return reasons


def _main_reasons(weighted: list[tuple[int, str]]) -> list[str]:
    """The reasons worth reading: the gravest kind first, consequences only when nothing graver."""
    if not weighted:
        return []
    gravest = min(weight for weight, _ in weighted)
    keep = {gravest, 1} if gravest == 0 else {gravest}
    return list(dict.fromkeys(text for weight, text in sorted(weighted, key=lambda r: r[0]) if weight in keep))


def _compare(old, new, compared: dict) -> list[str]:
    """The attributes that differ between two aligned specs (as SpecDiff compares them), once per spec."""
    if old.name not in compared:
        s1, s2 = REGISTRY.convert(old), REGISTRY.convert(new)
        compared[old.name] = (["typename"] if s1.get("typename") != s2.get("typename")
                              else [key for key, value in s1.items() if s2.get(key) != value])
    return compared[old.name]


def _active_ancestor(task):
    parent = task.parent
    while parent is not None:
        if parent.state & ACTIVE:
            return parent
        if not parent.state & AHEAD:
            return None
        parent = parent.parent
    return None


def _renew(task, ready_at: dict, script_engine_at, script_engine) -> None:
    """Reset the task's branch on the new spec; a timer's due time counts from its step's start."""
    owner = _attached(task)
    began = ready_at.get(str(owner.id)) if owner is not None else None
    workflow = task.workflow
    engines = [workflow, workflow.top_workflow] if workflow is not workflow.top_workflow else [workflow]
    if began is not None:
        for holder in engines:
            holder.script_engine = script_engine_at(parse_moment(began))
    try:
        task.reset_branch(None)
    finally:
        for holder in engines:
            holder.script_engine = script_engine


def _note(task) -> str:
    spec = task.task_spec
    value = task._get_internal_data("event_value")
    if value is not None:
        due = parse_moment(value["next"] if isinstance(value, dict) else value)
        return f"срок {_label(spec)} пересчитан по новой версии: {due.isoformat()}"
    return f"шаг {_label(spec)} продолжен по новой схеме"


def _attached(task):
    """The step a boundary timer guards (its sibling under the boundary split), or None."""
    parent = task.parent
    if parent is None or not hasattr(task.task_spec, "event_definition"):
        return None
    for sibling in parent.children:
        if sibling is not task and not hasattr(sibling.task_spec, "event_definition"):
            return sibling
    return None


def _verify(workflow, new_spec, new_subprocess_specs) -> None:
    """Every task must now run on a spec of the new version, or the stored state would not restore."""
    stale = []
    for part in [workflow, *workflow.subprocesses.values()]:
        specs = part.spec.task_specs
        stale.extend(_label(t.task_spec) for t in part.tasks.values() if specs.get(t.task_spec.name) is not t.task_spec)
    if stale:
        raise MigrationRefused([f"шаги {', '.join(sorted(set(stale)))} не удалось сопоставить с новой версией"])
