"""Helpers in BPMN words: complete a task by its name, read the status history, check restores."""
from __future__ import annotations

from sqlalchemy import select

from app.demo.samples import sample
from app.engine import Engine
from app.extensions import db
from app.models import AuditEvent, OpenTask, ProcessInstance, Timer
from app.workflow.instances import complete_task, get_instance
from app.workflow.runtime import runtime


def open_tasks(instance) -> list[OpenTask]:
    return db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance.id)
                              .order_by(OpenTask.id)).all()


def ready(instance) -> list[str]:
    return sorted(t.name for t in open_tasks(instance))


def task_named(instance, name: str) -> OpenTask:
    matches = [t for t in open_tasks(instance) if t.name == name]
    assert len(matches) == 1, f"expected one open task «{name}», have {ready(instance)}"
    return matches[0]


def task_page_as(client, email: str, instance, name: str) -> str:
    """The page of the open task ``name`` as the user ``email`` sees it (logged in afresh)."""
    from tests.conftest import login
    client.post("/logout")
    login(client, email)
    response = client.get(f"/tasks/{task_named(get_instance(instance.id), name).task_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def complete(instance, name: str, actor: str = "tester", **data) -> ProcessInstance:
    """Complete the open task called ``name`` with its form's sample data changed by ``data``."""
    task = task_named(instance, name)
    payload = sample(task.form, **data) if task.form else data
    complete_task(instance.id, task.task_id, payload, actor=actor)
    assert_restores(instance)
    return get_instance(instance.id)


def statuses(instance, line: str = "application_status") -> list[str]:
    """The statuses the instance went through, oldest first, from the audit trail."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == "status",
        AuditEvent.status_line == line).order_by(AuditEvent.id)).all()
    return [e.status_to for e in events]


_models: dict = {}


def _restoring_engine() -> Engine:
    # A separate engine with no live-workflow cache: it can only know the stored bytes.
    rt = runtime()
    return Engine(rt.clock, rt.calendar, {}, lane_roles=rt.engine.lane_roles, cache_size=0)


def _restoring_model(instance):
    key = instance.deployment.key
    if key not in _models:
        _models[key] = _restoring_engine().load(instance.deployment.file_map())
    return _models[key]


def assert_restores(instance) -> None:
    """Save/restore changes nothing: a fresh engine restoring the stored bytes sees exactly what
    the live engine wrote to the index tables, and serialises it back to the same bytes."""
    db.session.expire_all()
    instance = get_instance(instance.id)
    restored = _restoring_engine().inspect(_restoring_model(instance), instance.engine_state)
    assert restored.state == instance.engine_state
    assert (instance.application_status, instance.service_status) == (
        restored.application_status, restored.service_status)
    index = sorted((t.task_id, t.element_id, t.role, t.form, t.ready_at, t.normative_due, t.indicative_due,
                    t.wait_due) for t in open_tasks(instance))
    assert index == sorted((t.id, t.element_id, t.role, t.form, t.ready_at, t.normative_due,
                            t.indicative_due, t.wait_due) for t in restored.tasks)
    timers = sorted((t.task_id, t.element_id, t.kind, t.due_at) for t in db.session.scalars(
        select(Timer).where(Timer.instance_id == instance.id)))
    assert timers == sorted((t.task_id, t.element_id, t.kind, t.due_at) for t in restored.timers)
    assert (instance.state == "completed") == restored.completed


def fresh_job_queue() -> None:
    """procrastinate's tables in the test schema, installed once and emptied for this test
    (``drop_all`` leaves them: they are not Vitrina's models)."""
    from sqlalchemy import text
    from app.jobs.schema import install
    install(db.session.connection())
    db.session.execute(text("TRUNCATE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
                            "procrastinate_workers CASCADE"))
    db.session.commit()
