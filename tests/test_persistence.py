"""Deploy, start, complete and fire timers through the database, on every backend."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.engine import ModelInvalid
from app.applications import casefile
from app.extensions import db
from app.models import AuditEvent, Deployment, OpenTask, ProcessInstance, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import ConcurrentUpdate, InvalidTaskData, TaskAlreadyDone
from app.deadlines.sweep import fire_due_timers
from app.workflow.instances import complete_task, get_instance, start_process
from tests.conftest import FIXTURES, moscow

SMALL_DIR = FIXTURES / "small"


@pytest.fixture
def deployed(app):
    deployment, _ = deploy_bundle(read_bundle(SMALL_DIR), actor="owner")
    return deployment


def start_small(region="77"):
    return start_process("small", actor="client@test", region=region, company_name="ООО «Ромашка»",
                         company_inn="7707083893")


def open_tasks(instance):
    return db.session.scalars(select(OpenTask).where(OpenTask.instance_id == instance.id)).all()


def test_deploy_is_identified_by_content_hash(app):
    first, created = deploy_bundle(read_bundle(SMALL_DIR), actor="owner")
    again, created_again = deploy_bundle(read_bundle(SMALL_DIR), actor="owner")
    assert created and not created_again and again.id == first.id and len(first.key) == 64


@pytest.mark.parametrize("mutate, element_id, words", [
    (lambda s: s.replace(b"</bpmn:process>", b"", 1), None, "XML"),
    (lambda s: s.replace(b'<bpmn:userTask id="check"', b'<bpmn:userTask id="check" colour="red"'), "check", "colour"),
    (lambda s: s.replace("Отказ ЦПЭ\"/>".encode(), "Отказано\"/>".encode()), "end_refused", "vocabulary"),
    (lambda s: s.replace('name="ЦПЭ"'.encode(), 'name="Бухгалтерия"'.encode()), "check", "lane"),
    (lambda s: s.replace(b'value="application_rework"', b'value="no_such_form"'), "rework", "no_such_form"),
])
def test_invalid_model_is_refused_and_the_previous_version_stays(app, deployed, mutate, element_id, words):
    bad = {"small.bpmn": mutate((SMALL_DIR / "small.bpmn").read_bytes())}
    with pytest.raises(ModelInvalid) as caught:
        deploy_bundle(bad, actor="owner")
    problem = caught.value.problems[0]
    assert problem.file == "small.bpmn"
    assert problem.element_id == element_id
    assert words in problem.reason
    assert db.session.scalars(select(Deployment)).all() == [deployed]


def test_start_indexes_tasks_timers_and_audit(app, deployed):
    instance = start_small()
    assert instance.application_status == "На рассмотрении ЦПЭ"
    [task] = open_tasks(instance)
    assert (task.role, task.region, task.step, task.form) == ("cpe", "77", "2", "application_check")
    assert task.normative_due == moscow(2025, 11, 5, 23, 59, 59)
    timers = db.session.scalars(select(Timer).order_by(Timer.due_at)).all()
    assert [(t.kind, t.due_at) for t in timers] == [
        ("indicative", moscow(2025, 11, 1, 23, 59, 59)), ("normative", moscow(2025, 11, 5, 23, 59, 59))]
    audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(a.action, a.status_from, a.status_to) for a in audit] == [
        ("started", None, None), ("status", None, "Новая"), ("status", "Новая", "На рассмотрении ЦПЭ")]
    assert audit[0].actor == "client@test"


def test_completion_moves_the_index_and_records_who_and_on_whose_behalf(app, deployed):
    instance = start_small()
    [task] = open_tasks(instance)
    complete_task(instance.id, task.task_id, {"decision": "remarks", "comment": "Нет ОГРН"},
                  actor="mo@rec", on_behalf_of="operator@partner")
    [rework] = open_tasks(instance)
    assert (rework.role, rework.name) == ("client", "Доработка заявки")
    assert [t.kind for t in db.session.scalars(select(Timer))] == ["client_wait"]
    done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "completed")).one()
    assert (done.actor, done.on_behalf_of, done.element_id) == ("mo@rec", "operator@partner", "check")
    entry = casefile.of_task(task.task_id)
    assert done.details == {"case_entry": entry.id}  # the audit trail points at the data, holds none
    assert (entry.actor, entry.on_behalf_of, entry.data["comment"]) == ("mo@rec", "operator@partner", "Нет ОГРН")


def test_completing_a_task_twice_is_a_conflict(app, deployed):
    instance = start_small()
    [task] = open_tasks(instance)
    complete_task(instance.id, task.task_id, {"decision": "approve"}, actor="a")
    with pytest.raises(TaskAlreadyDone):
        complete_task(instance.id, task.task_id, {"decision": "approve"}, actor="b")


def test_a_concurrent_change_makes_the_later_write_fail(app, deployed):
    instance = start_small()
    [task] = open_tasks(instance)
    revision = instance.revision
    # Another process completes something on the same instance between our read and write.
    loaded = get_instance(instance.id)
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                       .values(revision=revision + 1).execution_options(synchronize_session=False))
    with pytest.raises(ConcurrentUpdate):
        complete_task(loaded.id, task.task_id, {"decision": "approve"}, actor="late")
    db.session.expire_all()
    fresh = get_instance(instance.id)
    assert fresh.application_status == "На рассмотрении ЦПЭ" and len(open_tasks(fresh)) == 1


def test_invalid_form_data_is_refused_with_the_field(app, deployed):
    instance = start_small()
    [task] = open_tasks(instance)
    with pytest.raises(InvalidTaskData) as caught:
        complete_task(instance.id, task.task_id, {"decision": "reject"}, actor="a")
    assert [e.field for e in caught.value.errors] == ["comment"]
    assert get_instance(instance.id).application_status == "На рассмотрении ЦПЭ"


def test_instance_stays_on_its_version(app, deployed):
    instance = start_small()
    changed = (SMALL_DIR / "small.bpmn").read_bytes().replace(b"deadline(2)", b"deadline(3)")
    newer, created = deploy_bundle({"small.bpmn": changed}, actor="owner")
    assert created
    later = start_small()
    [old_task], [new_task] = open_tasks(instance), open_tasks(later)
    assert old_task.normative_due == moscow(2025, 11, 5, 23, 59, 59)
    assert new_task.normative_due == moscow(2025, 11, 6, 23, 59, 59)
    assert (instance.deployment_id, later.deployment_id) == (deployed.id, newer.id)
    complete_task(instance.id, old_task.task_id, {"decision": "approve"}, actor="a")
    assert get_instance(instance.id).application_status == "На согласовании МО РЭЦ"


def test_refusal_starts_the_offered_process_linked_to_the_application(app, deployed):
    instance = start_small()
    [task] = open_tasks(instance)
    complete_task(instance.id, task.task_id, {"decision": "reject", "comment": "Не МСП"}, actor="cpe")
    offer = db.session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == instance.id)).one()
    assert (offer.process_id, offer.region, offer.application_status) == ("consultation", "77", "Предложена Клиенту")
    assert [t.role for t in open_tasks(offer)] == ["mo_rec"]


def test_fire_due_timers_ends_a_client_wait_and_survives_a_broken_instance(app, deployed, clock):
    broken, waiting = start_small(), start_small()
    for instance in (broken, waiting):
        complete_task(instance.id, open_tasks(instance)[0].task_id, {"decision": "remarks", "comment": "x"},
                      actor="a")
    broken = get_instance(broken.id)
    broken.engine_state = b"not a state"
    db.session.commit()
    clock.advance(timedelta(days=40))
    report = fire_due_timers(clock.now())
    assert (report.instances, report.failed) == (1, [broken.id])
    db.session.expire_all()
    assert get_instance(waiting.id).application_status == "Отказ Клиента"
    assert get_instance(waiting.id).state == "completed"
    assert db.session.scalars(select(Timer).where(Timer.instance_id == waiting.id)).all() == []
    fired = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    assert [(f.actor, f.details["kind"]) for f in fired] == [("system", "client_wait")]


def test_migrations_build_the_schema_the_models_describe(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    db.drop_all()
    upgrade(revision="heads")
    with db.engine.connect() as conn:
        from app.jobs.schema import include_name
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), db.metadata)
    assert diff == []
    db.session.remove()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
