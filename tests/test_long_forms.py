"""Long forms: the questionnaire in sections, its draft kept as it is typed, and conditional
questions (``x-show-if``) asked and required only while their condition holds, on the page and the API."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app.demo.samples import sample
from app.forms.conditions import asked_only, condition_problems
from app.forms.schema import check_schema, load_form, validate
from app.applications import casefile
from app.models import OpenTask, TaskDraft
from tests.conftest import login
from tests.form_posts import as_post
from tests.helpers import task_named
from tests.test_api import api, at_check, error_of, model, new, token  # noqa: F401  (fixtures)

STEP1 = "Подача Заявки"


def questionnaire_task():
    return task_named(new(), STEP1).task_id


def test_the_questionnaire_draft_is_saved_from_the_page_and_shown_again_when_reopened(client, users, model):
    task = questionnaire_task()
    login(client, "client77@test.ru")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert f'data-autosave="/tasks/{task}/draft"' in page and 'class="form-steps"' in page
    typed = {"legal_address": "г. Москва, ул. Тверская, д. 7", "export_experience": "regular",
             "export_countries_volumes": "Казахстан, 5 млн руб.", "shelf_life_9m": "false", "shelf_life_months": "6"}
    saved = client.post(f"/tasks/{task}/draft", data=typed)
    assert saved.status_code == 200 and re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", saved.get_json()["saved"])
    client.get("/my")  # left the page
    again = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Открыт черновик, сохранённый" in again
    assert 'value="г. Москва, ул. Тверская, д. 7"' in again and ">Казахстан, 5 млн руб.</textarea>" in again
    assert 'value="6"' in again  # the conditional answer, typed as its condition held
    assert TaskDraft.query.filter_by(task_id=task).one().data["shelf_life_9m"] is False  # read as the form's types


def test_a_form_without_sections_keeps_its_draft_as_it_is_typed_too(client, users, model):
    task = task_named(at_check(), "Проверка Заявки в ЦПЭ").task_id
    login(client, "cpe77@test.ru")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'class="form-steps"' not in page  # one page, no sections
    assert f'data-autosave="/tasks/{task}/draft"' in page and 'class="autosave-status' in page
    saved = client.post(f"/tasks/{task}/draft", data={"decision": "remarks", "comment": "Уточните ОГРН"})
    assert saved.status_code == 200 and re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", saved.get_json()["saved"])
    client.get("/tasks")  # left the page
    again = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Открыт черновик, сохранённый" in again and ">Уточните ОГРН</textarea>" in again
    assert TaskDraft.query.filter_by(task_id=task).one().data["decision"] == "remarks"


def test_the_page_draft_is_the_apis_draft(client, users, model, api):
    task = task_named(new(), "Подача Заявки").task_id
    login(client, "client77@test.ru")
    client.post(f"/tasks/{task}/draft", data={"website": "https://romashka.example"})
    assert api("client77", "GET", f"/api/v1/tasks/{task}/draft").get_json()["data"] == {
        "website": "https://romashka.example", "signatory_authorised": False}


def test_a_draft_too_large_is_refused_with_the_reason(client, users, model, app):
    app.config["VITRINA_MAX_DRAFT_KB"] = 1
    task = questionnaire_task()
    login(client, "client77@test.ru")
    refused = client.post(f"/tasks/{task}/draft", data={"products_description": "мёд " * 500})
    assert refused.status_code == 413 and "Черновик больше 1 КБ" in refused.get_json()["error"]


def test_sections_and_conditions_are_on_the_page(client, users, model):
    task = questionnaire_task()
    login(client, "client77@test.ru")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    schema = load_form("application_questionnaire")
    for index, section in enumerate(schema["x-layout"], 1):
        assert f'<a href="#section-{index}">{section["title"]}</a>' in page
    condition = json.loads(re.search(r"data-field=\"shelf_life_months\" data-required data-show-if='([^']+)'",
                                     page)[1])
    assert condition == {"field": "shelf_life_9m", "value": False}


@pytest.mark.parametrize("condition,answer,required", [
    ({"shelf_life_9m": False}, {"shelf_life_months": None}, True),
    ({"shelf_life_9m": True}, {"shelf_life_months": None}, False),
    ({"export_experience": "regular"}, {"export_countries_volumes": None}, True),
    ({"export_experience": "none"}, {"export_countries_volumes": None}, False),
    ({"foreign_entity": True}, {"foreign_entity_country": None}, True),
])
def test_a_conditional_question_is_required_only_when_its_condition_holds(condition, answer, required):
    data = {k: v for k, v in {**sample("application_questionnaire"), **condition, **answer}.items() if v is not None}
    errors = validate("application_questionnaire", data, today=date(2025, 10, 31))
    field = next(iter(answer))
    assert [(e.field, e.message) for e in errors] == ([(field, "Обязательное поле")] if required else [])


def test_page_and_api_refuse_a_missing_conditional_answer_on_the_same_field(client, users, model, api):
    data = {**sample("application_questionnaire"), "shelf_life_9m": False}
    data.pop("shelf_life_months", None)
    login(client, "client77@test.ru")
    page_task, api_task = questionnaire_task(), questionnaire_task()
    page = client.post(f"/tasks/{page_task}", data=as_post("application_questionnaire", data))
    assert page.status_code == 422
    assert '<a href="#f-shelf_life_months">Если срок годности менее 9 месяцев, укажите срок, месяцев</a> — ' \
           'Обязательное поле' in page.get_data(as_text=True)
    error = error_of(api("client77", "POST", f"/api/v1/tasks/{api_task}/complete", json={"data": data}), 422)
    assert [(e["field"], e["message"]) for e in error["errors"]] == [("shelf_life_months", "Обязательное поле")]
    # The condition does not hold: not required, and an answer sent anyway is not filed.
    instance_id = OpenTask.query.filter_by(task_id=api_task).one().instance_id
    done = api("client77", "POST", f"/api/v1/tasks/{api_task}/complete",
               json={"data": {**data, "shelf_life_9m": True, "shelf_life_months": 4}})
    assert done.status_code == 200, done.get_data(as_text=True)
    filed = casefile.latest(instance_id, "questionnaire").data
    assert filed["shelf_life_9m"] is True and "shelf_life_months" not in filed


def test_the_api_form_is_standard_json_schema_with_the_condition_as_if_then(client, users, model, api):
    form = api("client77", "GET", f"/api/v1/tasks/{questionnaire_task()}").get_json()["form_schema"]
    assert "shelf_life_months" not in form["required"]
    assert {"if": {"properties": {"shelf_life_9m": {"const": False}}, "required": ["shelf_life_9m"]},
            "then": {"required": ["shelf_life_months"]}} in form["allOf"]


def test_an_unasked_answer_is_left_out_at_any_depth():
    schema = {"type": "object", "properties": {
        "has": {"type": "boolean"}, "which": {"type": "string", "x-show-if": {"field": "has", "value": True}},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "kind": {"type": "string"}, "note": {"type": "string", "x-show-if": {"field": "kind", "in": ["x", "y"]}}}}}}}
    data = {"has": False, "which": "a", "rows": [{"kind": "x", "note": "n"}, {"kind": "z", "note": "m"}]}
    assert asked_only(schema, data) == {"has": False, "rows": [{"kind": "x", "note": "n"}, {"kind": "z"}]}


def _form(**which) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Ф", "type": "object",
            "properties": {"ok": {"type": "boolean", "title": "Годен?"},
                           "kind": {"type": "string", "title": "Вид", "enum": ["a", "b"],
                                    "x-enum-titles": ["А", "Б"], "x-widget": "radio"},
                           "why": {"type": "string", "title": "Почему", "x-show-if": which}},
            "required": ["why"]}


@pytest.mark.parametrize("condition,problem", [
    ({"field": "nope", "value": True}, "поля «nope» (field) нет среди полей"),
    ({"field": "why", "value": True}, "не может зависеть от самого себя"),
    ({"field": "ok", "value": "да"}, "значение 'да' поле «ok» принять не может"),
    ({"field": "kind", "in": ["a", "c"]}, "значение 'c' поле «kind» принять не может: допустимы 'a', 'b'"),
    ({"field": "ok"}, "укажите либо value"),
    ({"field": "ok", "value": True, "equals": 1}, "неизвестные ключи equals"),
])
def test_a_wrong_condition_is_named_by_the_check(condition, problem):
    found = [str(p) for p in condition_problems(_form(**condition))]
    assert len(found) >= 1 and any(problem in p for p in found), found
    assert any("properties.why.x-show-if" in p for p in check_schema(_form(**condition)))
    assert condition_problems(_form(field="kind", value="b")) == []


def test_the_model_check_refuses_a_form_with_a_wrong_condition(tmp_path):
    from app.modelcheck.vocabulary import _check_form

    class Out:
        found: list = []

        def error(self, rule, file, element, reason):
            self.found.append((rule, reason))

    (tmp_path / "f.json").write_text(json.dumps(_form(field="ok", value="да"), ensure_ascii=False), encoding="utf-8")
    out = Out()
    _check_form("m.bpmn", "task", "f", tmp_path, out)
    assert [rule for rule, _ in out.found] == ["form-condition-invalid"]
    assert "условие properties.why.x-show-if («x-show-if» why)" in out.found[0][1]
