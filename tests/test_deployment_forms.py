"""Forms belong to the deployment: a version holds its forms, an application is validated and
rendered with its version's forms, a form change is a new version, shown in the diff and named
by a migration's notes."""
from __future__ import annotations

import json
import shutil

import pytest

from app.models import Deployment
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.errors import InvalidTaskData
from app.workflow.forms import form_of
from app.workflow.instances import complete_task, get_instance, start_process
from app.workflow.migration import preview_migration
from app.workflow.versions import diff_versions
from tests.conftest import ROOT, login
from tests.helpers import complete, task_named
from tests.test_regulation_paths import CHECK


@pytest.fixture
def forms(app, tmp_path):
    """A forms folder of our own, as a process owner's working copy."""
    folder = tmp_path / "forms-working-copy"
    shutil.copytree(ROOT / "forms", folder)
    app.config["VITRINA_FORMS_DIR"] = str(folder)
    return folder


def _require_a_new_field(folder) -> None:
    path = folder / "application_check.json"
    schema = json.loads(path.read_text())
    schema["properties"]["checked_by"] = {"type": "string", "title": "Проверил (ФИО)"}
    schema["required"] = [*schema.get("required", []), "checked_by"]
    schema["examples"] = [{**example, "checked_by": "Анна Соколова"} for example in schema.get("examples", [])]
    path.write_text(json.dumps(schema, ensure_ascii=False))


def _at_check():
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    return complete(instance, "Подача Заявки")


def test_a_version_keeps_the_forms_it_was_deployed_with(app, forms):
    v1, _ = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    assert "forms/application_check.json" in v1.file_map()
    old = _at_check()
    _require_a_new_field(forms)
    v2, created = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    assert created and v2.key != v1.key  # the same BPMN with a changed form is a new version
    new = _at_check()
    assert "checked_by" not in form_of(old, "application_check")["properties"]
    assert "checked_by" in form_of(new, "application_check")["properties"]
    # The application on version 1 completes as version 1's form says; the new one needs the field.
    complete_task(old.id, task_named(old, CHECK).task_id, {"decision": "approve"}, actor="cpe")
    assert get_instance(old.id).application_status == "На согласовании МО РЭЦ"
    with pytest.raises(InvalidTaskData) as caught:
        complete_task(new.id, task_named(new, CHECK).task_id, {"decision": "approve"}, actor="cpe")
    assert [e.field for e in caught.value.errors] == ["checked_by"]


def test_the_task_page_shows_the_form_of_the_applications_version(app, client, users, forms):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    old = _at_check()
    _require_a_new_field(forms)
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    new = _at_check()
    login(client, "cpe77@test.ru")
    assert "Проверил (ФИО)" not in client.get(f"/tasks/{task_named(old, CHECK).task_id}").get_data(as_text=True)
    assert "Проверил (ФИО)" in client.get(f"/tasks/{task_named(new, CHECK).task_id}").get_data(as_text=True)


def test_the_diff_and_a_migration_name_the_form_change(app, forms):
    v1, _ = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = _at_check()
    _require_a_new_field(forms)
    v2, _ = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    changed = [f for f in diff_versions(v1.id, v2.id).files if f.element_id == "forms/application_check.json"]
    assert changed and any("checked_by" in c.what for c in changed[0].changes)
    preview = preview_migration(instance.id, v2.id)
    assert preview.allowed and any("Проверка Заявки в ЦПЭ" in n and "Проверил (ФИО)" in n for n in preview.notes)


def test_the_modeller_opens_the_model_without_its_forms(app, forms):
    from app.modeller.bundle import open_source
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    assert not [name for name in open_source().files if name.startswith("forms/")]
    assert app.extensions  # the deployment itself keeps them
    assert any(f.name.startswith("forms/") for f in Deployment.query.one().files)
