"""Model versions: the list, the differences between two, going back; the page and its rights; the CLI."""
from __future__ import annotations

import json

import pytest

from app.accounts import create_user
from app.engine import bundle_hash
from app.extensions import db
from app.models import Deployment, DeploymentFile
from app.roles import Role
from app.workflow.deployments import deploy_bundle, get_deployment, read_bundle
from app.workflow.errors import Conflict
from app.workflow.instances import get_instance
from app.workflow.versions import diff_versions, list_versions, revert_to
from tests.conftest import FIXTURES, PASSWORD, login
from tests.test_migration_instances import (WITHOUT_CHECK, WITHOUT_REWORK, edited, longer_check_deadline,
                                            rename, start_small)


@pytest.fixture
def v1(app):
    return deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner@test", comment="первая")[0]


@pytest.fixture
def people(users):
    return {**users,
            "owner": create_user("owner@test.ru", "Владелец процесса", PASSWORD, {Role.PROCESS_OWNER}),
            "analyst": create_user("analyst@test.ru", "Аналитик", PASSWORD, {Role.ANALYST})}


def deploy(*edits, comment="правка"):
    return deploy_bundle(edited(*edits), actor="owner@test", comment=comment)[0]


def stored(files: dict[str, bytes]) -> int:
    """A version stored as it is, without the deploy checks: the diff reads files, not the engine,
    and must compare whatever a version holds (sketches with loose ends included)."""
    row = Deployment(key=bundle_hash(files), deployed_at=get_deployment(1).deployed_at, deployed_by="owner@test",
                     files=[DeploymentFile(name=n, content=c) for n, c in files.items()])
    db.session.add(row)
    db.session.commit()
    return row.id


def test_each_deploy_is_a_version_with_who_when_comment_and_running_applications(app, v1, clock):
    start_small()
    start_small()
    clock.advance(hours=2)
    v2 = deploy(longer_check_deadline, comment="срок проверки 3 р.д.")
    start_small()
    rows = {r.number: r for r in list_versions()}
    assert [r.number for r in list_versions()] == [v2.id, v1.id]
    assert (rows[v1.id].running, rows[v2.id].running) == (2, 1)
    assert (rows[v2.id].deployed_by, rows[v2.id].comment) == ("owner@test", "срок проверки 3 р.д.")
    assert rows[v2.id].deployed_at == clock.now()


def test_the_diff_lists_elements_added_removed_and_changed_per_process(app, v1):
    def add_note(tree):
        tree.find(".//*[@id='check']").addnext(
            tree.makeelement("{http://www.omg.org/spec/BPMN/20100524/MODEL}manualTask",
                             {"id": "note", "name": "Заметка"}))

    v2 = stored(edited(WITHOUT_REWORK, longer_check_deadline, rename("check", "Проверка заявки ЦПЭ"), add_note))
    diff = diff_versions(v1.id, v2)
    [process] = diff.processes
    assert process.process_id == "small" and process.kind == "changed"
    kinds = {e.element_id: e.kind for e in process.elements}
    assert kinds["note"] == "added"
    assert {kinds[i] for i in ("rework", "rework_timeout", "end_client_refused", "f_remarks", "f5")} == {"removed"}
    by_id = {e.element_id: e for e in process.elements}
    assert [(c.what, c.old, c.new) for c in by_id["check"].changes] == [
        ("название", "Проверка заявки", "Проверка заявки ЦПЭ")]
    assert [(c.what, c.old, c.new) for c in by_id["check_normative"].changes] == [
        ("таймер", "timeDate: deadline(2)", "timeDate: deadline(3)")]
    assert (by_id["rework"].name, by_id["rework"].type_label) == ("Доработка заявки", "задача пользователя")
    assert "consultation" not in kinds and diff_versions(v1.id, v1.id).empty


def test_the_diff_shows_changed_flows_properties_and_forms(app, v1):
    def retarget(tree):
        tree.find(".//*[@id='f_reject']").set("targetRef", "end_done")
        tree.find(".//*[@id='check']//*[@name='form']").set("value", "application_rework")

    v2 = stored(edited(retarget))
    changes = {e.element_id: [(c.what, c.old, c.new) for c in e.changes]
               for e in diff_versions(v1.id, v2).processes[0].elements}
    assert changes["f_reject"] == [("куда", "end_refused", "end_done")]
    assert changes["check"] == [("свойство «form»", "application_check", "application_rework")]


def test_the_diff_shows_forms_field_by_field(app, v1):
    # Bundles that carry their forms.
    def version(form: dict) -> int:
        return stored({**v1.file_map(), "check.json": json.dumps(form, ensure_ascii=False).encode()})

    a = version({"properties": {"ok": {"title": "Согласовано"}}, "required": ["ok"]})
    b = version({"properties": {"ok": {"title": "Согласовано"}, "note": {"title": "Примечание"}}})
    [form] = diff_versions(a, b).files
    assert (form.element_id, form.kind) == ("check.json", "changed")
    assert [(c.what, c.old, c.new) for c in form.changes] == [
        ("поле «note»", None, "Примечание"), ("обязательные поля", "ok", None)]
    assert [(f.element_id, f.kind) for f in diff_versions(v1.id, a).files] == [("check.json", "added")]


def test_going_back_deploys_the_old_content_as_a_new_version(app, v1, clock):
    v2 = deploy(longer_check_deadline)
    clock.advance(days=1)
    v3 = revert_to(v1.id, actor="owner@test")
    assert v3.id > v2.id and v3.key == v1.key
    assert v3.file_map() == get_deployment(v1.id).file_map()
    assert (v3.comment, v3.deployed_by, v3.deployed_at) == (f"Возврат к версии {v1.id}", "owner@test", clock.now())
    assert start_small().deployment_id == v3.id
    assert diff_versions(v1.id, v3.id).empty
    with pytest.raises(Conflict):
        revert_to(v1.id, actor="owner@test")  # it is the current version already


def test_deploying_the_current_bundle_again_adds_no_version(app, v1):
    again, created = deploy_bundle(read_bundle(FIXTURES / "small"), actor="owner@test")
    assert (again.id, created) == (v1.id, False)


# -- pages --------------------------------------------------------------------------------
def test_the_versions_page_shows_versions_in_moscow_time_to_owners_and_analysts(client, people, v1):
    deploy(longer_check_deadline, comment="срок проверки 3 р.д.")
    login(client, "owner@test.ru")
    page = client.get("/versions").get_data(as_text=True)
    assert "31.10.2025 10:00" in page and "срок проверки 3 р.д." in page and "Вернуться к этой версии" in page
    client.post("/logout")
    login(client, "analyst@test.ru")
    page = client.get("/versions")
    assert page.status_code == 200 and "Вернуться к этой версии" not in page.get_data(as_text=True)
    assert client.post(f"/versions/{v1.id}/revert").status_code == 403
    assert client.get(f"/versions/diff?a={v1.id}&b={v1.id + 1}").status_code == 200


@pytest.mark.parametrize("who", ["cpe77", "client77", "mo"])
def test_staff_and_clients_have_no_versions_page(client, people, v1, who):
    login(client, people[who].email)
    assert client.get("/versions").status_code == 403
    assert client.post(f"/versions/{v1.id}/revert").status_code == 403


def test_an_owner_goes_back_from_the_page(client, people, v1):
    v2 = deploy(longer_check_deadline)
    login(client, "owner@test.ru")
    page = client.post(f"/versions/{v1.id}/revert", follow_redirects=True).get_data(as_text=True)
    assert f"возврат к версии {v1.id}" in page
    assert list_versions()[0].number == v2.id + 1


def test_a_diff_with_a_bad_version_number_names_the_field(client, people, v1):
    login(client, "owner@test.ru")
    response = client.get("/versions/diff?a=x&b=1")
    assert response.status_code == 400 and "Версия A" in response.get_data(as_text=True)
    assert client.get("/versions/diff?a=1&b=999").status_code == 404


def test_an_owner_previews_and_migrates_an_application_from_its_card(client, people, v1):
    instance = start_small()
    v2 = deploy(rename("rework", "Исправление заявки"))
    login(client, "owner@test.ru")
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert f"/versions/instances/{instance.id}/migrate?to={v2.id}" in card
    preview = client.get(f"/versions/instances/{instance.id}/migrate?to={v2.id}").get_data(as_text=True)
    assert "Можно перенести" in preview
    stale = client.post(f"/versions/instances/{instance.id}/migrate?to={v2.id}",
                        data={"revision": instance.revision + 5})
    assert stale.status_code == 409
    done = client.post(f"/versions/instances/{instance.id}/migrate?to={v2.id}",
                       data={"revision": instance.revision}, follow_redirects=True)
    assert "перенесена" in done.get_data(as_text=True)
    assert get_instance(instance.id).deployment_id == v2.id


def test_a_refused_migration_answers_409_with_the_reason(client, people, v1):
    instance = start_small()
    v2 = deploy(*WITHOUT_CHECK)
    login(client, "owner@test.ru")
    preview = client.get(f"/versions/instances/{instance.id}/migrate?to={v2.id}").get_data(as_text=True)
    assert "Нельзя перенести" in preview and "«Проверка заявки» (check)" in preview
    refused = client.post(f"/versions/instances/{instance.id}/migrate?to={v2.id}", data={"revision": instance.revision})
    assert refused.status_code == 409 and "(check)" in refused.get_data(as_text=True)


def test_only_owners_and_admins_migrate(client, people, v1):
    instance = start_small()
    v2 = deploy(rename("rework", "Исправление заявки"))
    for who in ("analyst", "head_mo", "cpe77"):
        login(client, people[who].email)
        assert client.get(f"/versions/instances/{instance.id}/migrate?to={v2.id}").status_code == 403
        assert client.post(f"/versions/{v1.id}/migrate?to={v2.id}").status_code == 403
        client.post("/logout")
    login(client, "admin@test.ru")
    page = client.post(f"/versions/{v1.id}/migrate?to={v2.id}").get_data(as_text=True)
    assert f"№ {instance.id}" in page and "перенесена" in page
    assert get_instance(instance.id).deployment_id == v2.id


# -- CLI ----------------------------------------------------------------------------------
def test_cli_lists_versions_shows_a_diff_and_migrates(app, v1):
    instance = start_small()
    v2 = deploy(rename("rework", "Исправление заявки"), comment="переименование")
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["versions"])
    assert listing.exit_code == 0 and "переименование" in listing.output and "заявок: 1" in listing.output
    diff = runner.invoke(args=["versions", "diff", str(v1.id), str(v2.id)])
    assert "~ rework «Исправление заявки»" in diff.output
    assert "название: Доработка заявки → Исправление заявки" in diff.output
    dry = runner.invoke(args=["migrate", "--from", str(v1.id), "--to", str(v2.id), "--dry-run"])
    assert f"заявка {instance.id}: можно перенести" in dry.output
    assert get_instance(instance.id).deployment_id == v1.id
    done = runner.invoke(args=["migrate", "--from", str(v1.id), "--to", str(v2.id)])
    assert done.exit_code == 0 and f"заявка {instance.id}: перенесена" in done.output
    reverted = runner.invoke(args=["versions", "revert", str(v1.id)])
    assert reverted.exit_code == 0 and f"Возврат к версии {v1.id}" in reverted.output
