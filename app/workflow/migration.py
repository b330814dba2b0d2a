"""Moving running instances onto a newer version: one at a time, or all of a version at once.

The engine decides whether the change allows it (``Engine.migrate``); this module stores the
result the way every other change of an instance is stored (``instances._apply``: state,
statuses, task index, timers, audit trail, one transaction, optimistic lock), after refreshing
the index rows of tasks that stayed open but now read differently (a renamed step, a new form,
a recomputed deadline).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..engine import BudgetExceeded, MigrationRefused, ScriptFailed, Step
from ..extensions import db
from ..models import OpenTask, ProcessInstance, Timer
from ..statuses import AuditAction, InstanceState, TimerEffect
from .deployments import get_deployment, model_of_id
from .errors import ConcurrentUpdate, WorkflowError
from .forms import PREFIX as FORMS
from .instances import _apply, _commit, _open_task_rows, _saving, get_instance
from .runtime import runtime
from .versions import form_changes

MIGRATED = AuditAction.MIGRATED


class MigrationNotAllowed(WorkflowError):
    """The instance cannot be moved; ``reasons`` say why, in Russian."""

    http_status = 409

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class MigrationResult:
    instance_id: int
    from_version: int
    to_version: int
    allowed: bool
    done: bool  # False on a dry run or a refusal
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        if not self.allowed:
            return "нельзя перенести: " + "; ".join(self.reasons)
        return "перенесена" if self.done else "можно перенести"


def _plan(instance: ProcessInstance, to_version: int) -> tuple[Step, list[str]]:
    get_deployment(to_version)  # 404 for a version that does not exist
    if instance.state != InstanceState.RUNNING:
        raise MigrationNotAllowed(["заявка завершена: переносить нечего"])
    if to_version <= instance.deployment_id:
        raise MigrationNotAllowed([f"заявка уже на версии {instance.deployment_id}: "
                                   "перенести можно только на более новую"])
    try:
        step, notes = runtime().engine.migrate(model_of_id(instance.deployment_id), model_of_id(to_version),
                                               instance.engine_state)
    except MigrationRefused as exc:
        raise MigrationNotAllowed(exc.reasons) from exc
    except (ScriptFailed, BudgetExceeded) as exc:
        raise MigrationNotAllowed([f"код модели новой версии остановлен при переносе: {exc}"]) from exc
    return step, list(notes) + _form_notes(instance, get_deployment(to_version), step)


def _form_notes(instance: ProcessInstance, target, step: Step) -> list[str]:
    """What changes for the open tasks whose form the new version deploys differently."""
    before, after = instance.deployment.file_map(), target.file_map()
    notes = []
    for task in step.tasks:
        name = f"{FORMS}{task.form}.json" if task.form else None
        if name is None or before.get(name) == after.get(name) or name not in after:
            continue
        changes = form_changes(before[name], after[name]) if name in before else []
        said = "; ".join(f"{c.what}: {c.old or '—'} → {c.new or '—'}" for c in changes) or "изменена"
        notes.append(f"форма задачи «{task.name}» в новой версии другая ({said}): задача откроется с новой формой")
    return notes


def preview_migration(instance_id: int, to_version: int) -> MigrationResult:
    """Dry run: would the instance move, and what would change for it."""
    instance = get_instance(instance_id)
    try:
        _, notes = _plan(instance, to_version)
    except MigrationNotAllowed as exc:
        return MigrationResult(instance.id, instance.deployment_id, to_version, False, False, tuple(exc.reasons))
    return MigrationResult(instance.id, instance.deployment_id, to_version, True, False, (), tuple(notes))


def migrate_instance(instance_id: int, to_version: int, *, actor: str,
                     expected_revision: int | None = None) -> MigrationResult:
    """Move the instance onto ``to_version``; MigrationNotAllowed names the reasons when it cannot.

    ``expected_revision`` is the revision the person saw when deciding: if the instance moved on
    since (a task completed, another migration), the change is refused as a conflict.
    """
    instance = get_instance(instance_id)
    if expected_revision is not None and expected_revision != instance.revision:
        raise ConcurrentUpdate("заявку изменили, пока вы смотрели на неё: обновите страницу и повторите перенос")
    from_version = instance.deployment_id
    step, notes = _plan(instance, to_version)
    with _saving():
        instance.deployment_id = to_version
        instance.deployment = get_deployment(to_version)
        open_rows = _open_task_rows(instance.id)
        _refresh_index(instance, step, open_rows)
        _apply(instance, step, actor=actor, action=MIGRATED, open_rows=open_rows,
               details={"from_version": from_version, "to_version": to_version, "notes": notes})
        _commit()
    return MigrationResult(instance.id, from_version, to_version, True, True, (), tuple(notes))


def migrate_version(from_version: int, to_version: int, *, actor: str,
                    dry_run: bool = False) -> list[MigrationResult]:
    """Every running instance of ``from_version``, each with its own result: one refused (or one
    that someone changed meanwhile) does not stop the others."""
    get_deployment(from_version)
    get_deployment(to_version)
    ids = db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.deployment_id == from_version, ProcessInstance.state == InstanceState.RUNNING)
        .order_by(ProcessInstance.id)).all()
    results = []
    for instance_id in ids:
        if dry_run:
            results.append(preview_migration(instance_id, to_version))
            continue
        try:
            results.append(migrate_instance(instance_id, to_version, actor=actor))
        except (MigrationNotAllowed, ConcurrentUpdate) as exc:
            db.session.rollback()
            reasons = getattr(exc, "reasons", None) or [str(exc)]
            results.append(MigrationResult(instance_id, from_version, to_version, False, False, tuple(reasons)))
    return results


def _refresh_index(instance, step: Step, open_rows: dict[str, OpenTask]) -> None:
    """Tasks and timers that stay open keep their rows (claims, warnings); what the new version
    says of them (name, form, role, deadlines) is written over."""
    for task in step.tasks:
        row = open_rows.get(task.id)
        if row is not None:
            row.element_id, row.name, row.step, row.lane, row.role, row.form = (
                task.element_id, task.name, task.step, task.lane, task.role, task.form)
            row.normative_due, row.indicative_due, row.wait_due = (
                task.normative_due, task.indicative_due, task.wait_due)
    catalog = model_of_id(instance.deployment_id).catalogs[instance.process_id]
    for timer in step.timers:
        effect = TimerEffect.SIGNAL if catalog.only_signals(timer.element_id) else TimerEffect.ADVANCE
        db.session.execute(update(Timer).where(Timer.instance_id == instance.id, Timer.task_id == timer.task_id)
                           .values(element_id=timer.element_id, name=timer.name, kind=timer.kind,
                                   step=timer.step, due_at=timer.due_at, effect=effect))
