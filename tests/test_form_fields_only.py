"""Only the form's fields reach the process: the API refuses any other key naming it, the page
never posts one, and no form may declare a variable only Vitrina sets."""
from __future__ import annotations

import json

import pytest

from app.api import tokens
from app.engine import ModelInvalid
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, inspect_instance, start_process
from tests.conftest import ROOT, login
from tests.helpers import complete, task_named

CHECK = "Проверка Заявки в ЦПЭ"


@pytest.fixture
def at_check(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    return complete(instance, "Подача Заявки")


def _complete(client, user, task_id, data):
    token = tokens.issue(user, "тест")[1]
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data},
                       headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("key, value", [("region", "99"), ("agreement_end", "2000-01-01"), ("report_days", 0),
                                        ("application_id", 1), ("anything_else", "x")])
def test_the_api_refuses_a_key_the_form_does_not_declare_naming_it(client, users, at_check, key, value):
    task = task_named(at_check, CHECK)
    answer = _complete(client, users["cpe77"], task.task_id, {"decision": "approve", key: value})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["field"] == key and "нет в форме" in error["message"]
    instance = get_instance(at_check.id)
    assert task_named(instance, CHECK)  # nothing was completed
    assert inspect_instance(instance).data.get("region") == "77"


def test_a_nested_key_the_form_does_not_declare_is_refused_too(client, users, app):
    from app.tasks.fields import undeclared_fields
    schema = {"type": "object", "properties": {"goods": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"}}}}}}
    found = undeclared_fields(schema, {"goods": [{"name": "мёд"}, {"name": "чай", "region": "99"}]})
    assert [(f.field, "region" in f.message) for f in found] == [("goods.1.region", True)]


def test_a_page_posting_an_extra_field_does_not_change_the_process(client, users, at_check):
    task = task_named(at_check, CHECK)
    login(client, "cpe77@test.ru")
    answer = client.post(f"/tasks/{task.task_id}", data={"decision": "approve", "region": "99",
                                                         "agreement_end": "2000-01-01"})
    assert answer.status_code == 303
    data = inspect_instance(get_instance(at_check.id)).data
    assert data["region"] == "77" and "agreement_end" not in data


def test_a_form_declaring_a_variable_only_vitrina_sets_is_refused_at_deploy(app, tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    for source in (ROOT / "forms").iterdir():
        (forms / source.name).write_bytes(source.read_bytes())
    schema = json.loads((forms / "application_check.json").read_text())
    schema["properties"]["region"] = {"type": "string", "title": "Регион"}
    (forms / "application_check.json").write_text(json.dumps(schema, ensure_ascii=False))
    app.config["VITRINA_FORMS_DIR"] = str(forms)
    with pytest.raises(ModelInvalid) as caught:
        deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    found = [p for p in caught.value.problems if p.rule == "form-reserved-field"]
    assert found and "«region»" in found[0].reason and found[0].element_id == "step_2_check"
