"""Moving running applications onto a newer model version: allowed, refused with the reason,
recorded in the audit trail, guarded by the revision, one at a time or a whole version."""
from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import ConcurrentUpdate
from app.workflow.instances import get_instance, start_process
from app.workflow.migration import MigrationNotAllowed, migrate_instance, migrate_version, preview_migration
from tests.conftest import FIXTURES, moscow
from tests.helpers import assert_restores, complete, open_tasks, ready, task_named

SMALL = (FIXTURES / "small" / "small.bpmn").read_bytes()
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def edited(*edits) -> dict[str, bytes]:
    """The small model with each edit(tree) applied, as a bundle."""
    tree = etree.fromstring(SMALL)
    for edit in edits:
        edit(tree)
    return {"small.bpmn": etree.tostring(tree, xml_declaration=True, encoding="UTF-8")}


def element(tree, element_id):
    return tree.find(f".//*[@id='{element_id}']")


def rename(element_id, name):
    return lambda tree: element(tree, element_id).set("name", name)


def drop(*ids):
    """Remove elements and every reference to them (lane membership, incoming/outgoing)."""
    def edit(tree):
        for element_id in ids:
            node = element(tree, element_id)
            node.getparent().remove(node)
        refs = [*tree.iterfind(".//bpmn:flowNodeRef", NS), *tree.iterfind(".//bpmn:incoming", NS),
                *tree.iterfind(".//bpmn:outgoing", NS)]
        for ref in refs:
            if ref.text in ids:
                ref.getparent().remove(ref)
    return edit


def longer_check_deadline(tree):
    timer = element(tree, "check_normative").find(".//bpmn:timeDate", NS)
    timer.text = "deadline(3)"


# The rework loop (step 2.1) removed: remarks are no longer possible.
WITHOUT_REWORK = drop("rework", "rework_timeout", "end_client_refused", "f_remarks", "f5", "f_timeout")
# The current step of a new application replaced by another element id.
WITHOUT_CHECK = (drop("check_normative", "check_indicative", "f_n", "f_i", "end_normative", "end_indicative"),
                 lambda tree: element(tree, "check").set("id", "review"),
                 lambda tree: [f.set("sourceRef", "review") for f in tree.iterfind(".//*[@sourceRef='check']")],
                 lambda tree: [f.set("targetRef", "review") for f in tree.iterfind(".//*[@targetRef='check']")],
                 lambda tree: [r.__setattr__("text", "review") for r in tree.iterfind(".//bpmn:flowNodeRef", NS)
                               if r.text == "check"])


@pytest.fixture
def v1(app):
    return deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner")[0]


def start_small():
    return start_process("small", actor="client@test", region="77", company_name="ООО «Ромашка»",
                         company_inn="7707083893")


def deploy(*edits):
    deployment, created = deploy_bundle(edited(*edits), actor="owner@test", comment="правка")
    assert created
    return deployment


def audit_of(instance, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                       AuditEvent.action == action)).all()


def test_running_applications_stay_on_their_version_and_new_ones_take_the_latest(app, v1):
    old = start_small()
    v2 = deploy(longer_check_deadline)
    new = start_small()
    assert (old.deployment_id, new.deployment_id) == (v1.id, v2.id)
    assert task_named(old, "Проверка заявки").normative_due == moscow(2025, 11, 5, 23, 59, 59)
    assert task_named(new, "Проверка заявки").normative_due == moscow(2025, 11, 6, 23, 59, 59)
    complete(old, "Проверка заявки", decision="remarks", comment="Укажите ОГРН")
    assert get_instance(old.id).deployment_id == v1.id


def test_a_changed_deadline_of_the_current_step_is_recounted_from_the_step_start(app, v1, clock):
    instance = start_small()
    before = task_named(instance, "Проверка заявки")
    clock.advance(days=3)  # migrating on Monday must not restart the two working days from Monday
    v2 = deploy(longer_check_deadline)
    assert preview_migration(instance.id, v2.id).allowed
    result = migrate_instance(instance.id, v2.id, actor="owner@test")
    assert result.done and result.notes
    instance = get_instance(instance.id)
    task = task_named(instance, "Проверка заявки")
    assert instance.deployment_id == v2.id
    assert task.task_id == before.task_id  # the same task: claims and drafts stay with it
    assert task.normative_due == moscow(2025, 11, 6, 23, 59, 59)
    assert task.indicative_due == before.indicative_due
    timer = db.session.scalar(select(Timer).where(Timer.instance_id == instance.id,
                                                  Timer.element_id == "check_normative"))
    assert timer.due_at == moscow(2025, 11, 6, 23, 59, 59)
    assert_restores(instance)


def test_a_step_renamed_before_the_application_reaches_it_takes_the_new_name(app, v1):
    instance = start_small()
    v2 = deploy(rename("rework", "Исправление заявки"))
    migrate_instance(instance.id, v2.id, actor="owner@test")
    instance = complete(get_instance(instance.id), "Проверка заявки", decision="remarks", comment="Укажите ОГРН")
    assert ready(instance) == ["Исправление заявки"]


def test_a_step_removed_before_the_application_reaches_it_does_not_stop_the_migration(app, v1):
    instance = start_small()
    v2 = deploy(WITHOUT_REWORK)
    migrate_instance(instance.id, v2.id, actor="owner@test")
    instance = complete(get_instance(instance.id), "Проверка заявки", decision="approve")
    assert instance.application_status == "На согласовании МО РЭЦ"


def test_migration_is_refused_when_the_current_step_is_removed_and_nothing_changes(app, v1):
    instance = start_small()
    revision = instance.revision
    v2 = deploy(*WITHOUT_CHECK)
    preview = preview_migration(instance.id, v2.id)
    assert not preview.allowed
    assert preview.reasons[0] == "заявка находится на шаге «Проверка заявки» (check), которого нет в новой версии"
    assert "(check_normative)" in preview.reasons[1]  # its deadline timers went with it
    with pytest.raises(MigrationNotAllowed) as refused:
        migrate_instance(instance.id, v2.id, actor="owner@test")
    assert refused.value.http_status == 409
    instance = get_instance(instance.id)
    assert (instance.deployment_id, instance.revision) == (v1.id, revision)
    assert audit_of(instance, "migrated") == []


def test_a_step_the_application_has_passed_cannot_be_removed_under_it(app, v1):
    instance = complete(start_small(), "Проверка заявки", decision="remarks", comment="Укажите ОГРН")
    v2 = deploy(*WITHOUT_CHECK)
    preview = preview_migration(instance.id, v2.id)
    assert not preview.allowed
    assert any("«Проверка заявки» (check)" in reason for reason in preview.reasons)


def test_the_migration_is_in_the_audit_trail_with_versions_and_actor(app, v1):
    instance = start_small()
    v2 = deploy(rename("rework", "Исправление заявки"))
    migrate_instance(instance.id, v2.id, actor="owner@test")
    [event] = audit_of(instance, "migrated")
    assert event.actor == "owner@test"
    assert (event.details["from_version"], event.details["to_version"]) == (v1.id, v2.id)


def test_a_migration_decided_on_a_stale_view_is_a_conflict(app, v1):
    instance = start_small()
    seen = instance.revision
    v2 = deploy(rename("rework", "Исправление заявки"))
    complete(instance, "Проверка заявки", decision="remarks", comment="Укажите ОГРН")
    with pytest.raises(ConcurrentUpdate):
        migrate_instance(instance.id, v2.id, actor="owner@test", expected_revision=seen)
    assert get_instance(instance.id).deployment_id == v1.id


def test_only_a_newer_version_is_a_target(app, v1):
    v2 = deploy(rename("rework", "Исправление заявки"))
    instance = start_small()
    with pytest.raises(MigrationNotAllowed, match="только на более новую"):
        migrate_instance(instance.id, v1.id, actor="owner@test")
    assert instance.deployment_id == v2.id


def test_bulk_migration_gives_each_application_its_result_and_a_refusal_stops_no_one(app, v1, clock):
    at_check = start_small()
    at_rework = complete(start_small(), "Проверка заявки", decision="remarks", comment="Укажите ОГРН")
    also_at_check = start_small()
    v2 = deploy(WITHOUT_REWORK)
    dry = {r.instance_id: r for r in migrate_version(v1.id, v2.id, actor="owner@test", dry_run=True)}
    assert {i: r.allowed for i, r in dry.items()} == {at_check.id: True, at_rework.id: False, also_at_check.id: True}
    assert all(get_instance(i).deployment_id == v1.id for i in dry)
    results = {r.instance_id: r for r in migrate_version(v1.id, v2.id, actor="owner@test")}
    assert {i: r.done for i, r in results.items()} == {at_check.id: True, at_rework.id: False, also_at_check.id: True}
    assert "«Доработка заявки» (rework)" in results[at_rework.id].reasons[0]
    assert [get_instance(i).deployment_id for i in (at_check.id, at_rework.id, also_at_check.id)] == [
        v2.id, v1.id, v2.id]
    for instance in (at_check, also_at_check):
        assert_restores(instance)
    clock.advance(timedelta(days=1))
    assert len(open_tasks(get_instance(at_rework.id))) == 1
