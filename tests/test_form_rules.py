"""Cross-field rules are data: the ``x-rules`` of a form file refuse on the page and on the API
alike with a Russian message on the field, the model check names a broken rule, and a process
owner adds a field with a rule without Python."""
from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date, timedelta

import pytest

from app.api import tokens
from app.demo.samples import sample
from app.engine import ModelInvalid
from app.forms.rules import KINDS, RulesNeedToday
from app.forms.schema import FieldError, check_schema, validate
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from app.workflow.validation import validate_bundle
from app.config import DEFAULT_CLIENT_WAITS
from tests.conftest import FIXTURES, ROOT, login, moscow
from tests.form_posts import as_post
from tests.helpers import complete, task_named
from tests.test_operators import AGREEMENT, PDF, at_agreement, make_operator
from tests.test_roadmap import ROADMAP, STEPS, at_step_8

ORIGINALS = "Получение оригиналов документов"
TODAY = date(2025, 10, 31)


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def form_with(rule: dict, *, kind: str = "date", table: bool = False) -> dict:
    """A small form with two fields ``a`` and ``b`` of ``kind`` and one rule, in a table if asked."""
    field = {"type": "string", "format": "date"} if kind == "date" else {"type": "number"}
    row = {"type": "object", "properties": {"a": {**field, "title": "А"}, "b": {**field, "title": "Б"}},
           "x-rules": [rule]}
    if table:
        return {"type": "object", "properties": {"rows": {"type": "array", "title": "Строки", "x-widget": "table",
                                                          "items": row}}}
    return row


# --- the vocabulary -------------------------------------------------------------------------


@pytest.mark.parametrize("kind, a, b, kept", [
    ("before", "2025-10-01", "2025-10-02", True), ("before", "2025-10-02", "2025-10-02", False),
    ("after", "2025-10-03", "2025-10-02", True), ("after", "2025-10-02", "2025-10-02", False),
    ("not-before", "2025-10-02", "2025-10-02", True), ("not-before", "2025-10-01", "2025-10-02", False),
    ("not-after", "2025-10-02", "2025-10-02", True), ("not-after", "2025-10-03", "2025-10-02", False),
    ("less", 1, 2, True), ("less", 2, 2, False), ("greater", 3, 2.5, True), ("greater", 2, 2, False),
    ("not-less", 2, 2, True), ("not-less", 1, 2, False), ("not-greater", 2, 2, True), ("not-greater", 3, 2, False),
])
def test_a_comparison_rule_refuses_on_its_field_with_its_message(kind, a, b, kept):
    rule = {"rule": kind, "field": "a", "other": "b", "message": "Поле А не на месте"}
    schema = form_with(rule, kind="number" if isinstance(a, int) else "date")
    assert validate(schema, {"a": a, "b": b}) == ([] if kept else [FieldError("a", "Поле А не на месте")])


@pytest.mark.parametrize("kind, day, kept", [
    ("not-in-future", TODAY, True), ("not-in-future", TODAY + timedelta(days=1), False),
    ("not-in-past", TODAY, True), ("not-in-past", TODAY - timedelta(days=1), False),
])
def test_a_date_is_held_against_today_given_or_by_the_apps_clock(app, clock, kind, day, kept):
    schema = form_with({"rule": kind, "field": "a", "message": "Не та дата"})
    expected = [] if kept else [FieldError("a", "Не та дата")]
    assert validate(schema, {"a": day.isoformat()}, today=TODAY) == expected
    assert validate(schema, {"a": day.isoformat()}) == expected  # the app's clock stands at 31.10.2025


def test_today_is_moscows_date_of_the_moved_clock(app, clock):
    clock.set(moscow(2025, 11, 2, 0, 30))  # still 1 November in UTC
    future = form_with({"rule": "not-in-future", "field": "a", "message": "Дата в будущем"})
    past = form_with({"rule": "not-in-past", "field": "a", "message": "Дата в прошлом"})
    assert validate(future, {"a": "2025-11-02"}) == []
    assert validate(past, {"a": "2025-11-01"}) == [FieldError("a", "Дата в прошлом")]


def test_a_rule_about_today_outside_the_app_asks_for_a_date_instead_of_reading_the_wall_clock():
    schema = form_with({"rule": "not-in-future", "field": "a", "message": "Не та дата"})
    with pytest.raises(RulesNeedToday):
        validate(schema, {"a": "2025-10-31"})
    assert validate(schema, {}) == []  # no value to compare, no clock needed


def test_a_table_rule_holds_for_every_row_and_is_reported_on_the_cell():
    schema = form_with({"rule": "not-after", "field": "a", "other": "b", "message": "Начало позже конца"}, table=True)
    rows = [{"a": "2025-10-01", "b": "2025-10-02"}, {"a": "2025-10-05", "b": "2025-10-02"},
            {"a": "2025-10-09", "b": "2025-10-02"}]
    assert validate(schema, {"rows": rows}) == [FieldError("rows.1.a", "Начало позже конца"),
                                                FieldError("rows.2.a", "Начало позже конца")]


def test_a_rule_is_left_to_the_schema_when_a_value_is_missing_or_already_wrong():
    schema = form_with({"rule": "before", "field": "a", "other": "b", "message": "А позже Б"})
    assert validate(schema, {"a": "2025-10-05"}) == []
    assert validate(schema, {"a": "2025-10-05", "b": ""}) == []
    assert validate(schema, {"a": "2025-10-05", "b": "2025-02-30"}) == [FieldError("b", "Такой даты не существует")]
    numbers = form_with({"rule": "not-greater", "field": "a", "other": "b", "message": "А больше Б"}, kind="number")
    numbers["properties"]["b"]["minimum"] = 0
    assert validate(numbers, {"a": 5, "b": -1}) == [FieldError("b", "Значение должно быть не меньше 0")]


# --- checking the declarations ----------------------------------------------------------------


@pytest.mark.parametrize("rule, words", [
    ({"rule": "sooner", "field": "a", "other": "b", "message": "А раньше Б"}, "неизвестный вид правила «sooner»"),
    ({"rule": "before", "field": "a", "other": "c", "message": "А раньше Б"}, "поля «c» (other) нет среди полей a, b"),
    ({"rule": "before", "field": "a", "message": "А раньше Б"}, "укажите other"),
    ({"rule": "less", "field": "a", "other": "b", "message": "А меньше Б"}, "а поле «a» (field) — не число (type: integer или number)"),
    ({"rule": "before", "field": "a", "other": "b", "message": "A before B"}, "сообщение (message) по-русски"),
    ({"rule": "not-in-future", "field": "a", "other": "b", "message": "Не та дата"}, "other не нужен"),
    ({"rule": "before", "field": "a", "other": "b", "message": "А раньше Б", "on": "b"}, "неизвестные ключи on"),
])
def test_a_broken_rule_is_named_by_the_form_check(rule, words):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Проба",
              **form_with(rule, table=True)}
    schema["properties"]["rows"]["items"]["properties"]["a"]["title"] = "А"
    problems = check_schema(schema)
    assert problems and all(p.startswith("properties.rows.items.x-rules.0 (") for p in problems), problems
    assert words in problems[0], problems[0]


def test_rules_outside_a_set_of_fields_are_refused():
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Проба", "type": "object",
              "properties": {"a": {"type": "string", "title": "А", "x-rules": []}}}
    assert check_schema(schema) == ["properties.a.x-rules (x-rules): правила ставятся только у набора полей: у самой "
                                    "формы, у поля-объекта или у строки таблицы (items)"]


def _forms_copy(tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    return forms


def _edit_form(forms, name: str, change) -> None:
    path = forms / f"{name}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")


def test_the_model_check_names_the_form_and_the_rule_of_an_unknown_kind_or_field(engine, tmp_path):
    forms = _forms_copy(tmp_path)
    _edit_form(forms, "application_rework", lambda s: s.update({"x-rules": [
        {"rule": "sooner", "field": "answer", "message": "Ответ слишком ранний"},
        {"rule": "not-in-future", "field": "answered_on", "message": "Дата ответа в будущем"}]}))
    with pytest.raises(ModelInvalid) as caught:
        validate_bundle(read_bundle(FIXTURES / "models"), engine.load, forms, DEFAULT_CLIENT_WAITS)
    found = [p for p in caught.value.problems if p.rule == "form-rule-invalid"]
    assert [p.element_id for p in found] == ["rework", "rework"]
    assert "forms/application_rework.json, правило x-rules.0 («sooner» answer)" in found[0].reason
    assert "неизвестный вид правила «sooner»" in found[0].reason
    assert "forms/application_rework.json, правило x-rules.1 («not-in-future» answered_on)" in found[1].reason
    assert "поля «answered_on» (field) нет среди полей" in found[1].reason


def test_the_model_check_refuses_a_form_whose_example_breaks_its_own_rules(engine, tmp_path):
    forms = _forms_copy(tmp_path)
    _edit_form(forms, "application_check", lambda s: s["examples"][0].update({"decision": "maybe"}))
    with pytest.raises(ModelInvalid) as caught:
        validate_bundle(read_bundle(FIXTURES / "models"), engine.load, forms, DEFAULT_CLIENT_WAITS)
    [problem] = [p for p in caught.value.problems if p.rule == "form-example-invalid"]
    assert problem.element_id == "check" and "examples.0" in problem.reason and "decision" in problem.reason


def test_every_shipped_form_declares_valid_rules_in_their_kinds():
    from app.forms.schema import list_forms, load_form, rule_problems
    kinds = set()
    for name in list_forms():
        schema = load_form(name)
        assert rule_problems(schema) == [], name
        kinds |= {r["rule"] for r in _all_rules(schema)}
    assert {"after", "not-after", "not-before", "not-in-future", "not-greater"} <= kinds <= set(KINDS)


def _all_rules(node) -> list[dict]:
    if isinstance(node, dict):
        return [*node.get("x-rules", []), *(r for v in node.values() for r in _all_rules(v))]
    if isinstance(node, list):
        return [r for v in node for r in _all_rules(v)]
    return []


# --- on the page and on the API ------------------------------------------------------------------


def page_errors(response) -> dict[str, str]:
    """Field -> message of a task page sent back with errors (each beside its input)."""
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    return {name.replace("-", "."): message
            for name, message in re.findall(r'id="f-([\w-]+)-error" role="alert">([^<]+)</p>', html)}


def api_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {e["field"]: e["message"] for e in response.get_json()["error"]["errors"]}


def api_post(client, user, path: str, **kwargs):
    return client.post(path, headers={"Authorization": f"Bearer {tokens.issue(user, 'тест')[1]}"}, **kwargs)


def test_an_agreement_ending_before_it_is_signed_is_refused_alike_on_the_page_and_the_api(client, users, model):
    operator = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    instance = at_agreement()
    task = task_named(instance, AGREEMENT)
    data = sample("agreement", operator_id=operator.id, agreement_date="2025-12-01", agreement_end="2025-11-30")
    login(client, "cpe77@test.ru")
    posted = as_post("agreement", {k: v for k, v in data.items() if k not in ("agreement_scan", "operator_name")})
    page = client.post(f"/tasks/{task.task_id}", data={**posted.to_dict(), "agreement_scan": (io.BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data")
    expected = {"agreement_end": "Срок действия Соглашения должен быть позже даты Соглашения"}
    assert page_errors(page) == expected
    upload = api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/documents",
                      data={"field": "agreement_scan", "file": (io.BytesIO(PDF), "a.pdf")})
    data["agreement_scan"] = upload.get_json()["value"]
    api = api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete", json={"data": data})
    assert api_errors(api) == expected
    assert task_named(get_instance(instance.id), AGREEMENT)  # still open
    data["agreement_end"] = "2026-05-31"
    assert api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete",
                    json={"data": data}).status_code == 200


def test_originals_received_tomorrow_are_refused_until_the_clock_reaches_that_day(client, users, model, clock):
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    for step in ("Подача Заявки", "Проверка Заявки в ЦПЭ", "Согласование Заявки в МО РЭЦ"):
        instance = complete(instance, step)
    task = task_named(instance, ORIGINALS)
    tomorrow = sample("originals_receipt", received_on="2025-11-01")
    login(client, "cpe77@test.ru")
    expected = {"received_on": "Дата получения оригиналов не может быть позже сегодняшнего дня"}
    assert page_errors(client.post(f"/tasks/{task.task_id}", data=as_post("originals_receipt", tomorrow))) == expected
    assert api_errors(api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete",
                               json={"data": tomorrow})) == expected
    clock.set(moscow(2025, 11, 1, 9, 0))
    assert client.post(f"/tasks/{task.task_id}", data=as_post("originals_receipt", tomorrow)).status_code == 303
    assert get_instance(instance.id).application_status == "Проведение отбора"


def test_a_roadmap_step_ending_before_it_starts_is_refused_on_its_cell_alike_on_both_doors(client, users, model):
    instance = at_step_8()
    task = task_named(instance, ROADMAP)
    steps = [*STEPS[:2], dict(STEPS[2], start="2025-12-20", due="2025-12-15")]
    login(client, "cpe77@test.ru")
    page = client.post(f"/tasks/{task.task_id}", data=as_post("roadmap", {"roadmap_steps": steps}))
    expected = {"roadmap_steps.2.start": "Начало шага позже срока его окончания"}
    assert page_errors(page) == expected
    assert "Детальная дорожная карта, строка 3: Начало" in page.get_data(as_text=True)  # the summary names the cell
    api = api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete",
                   json={"data": {"roadmap_steps": steps}})
    assert api_errors(api) == expected
    assert get_instance(instance.id).application_status == "Услуга согласована МО РЭЦ"


# --- a process owner's new field ---------------------------------------------------------------


def test_a_field_added_with_a_rule_in_the_form_file_is_checked_with_no_python(app, client, users, tmp_path):
    forms = _forms_copy(tmp_path)

    def add_sent_on(schema):
        schema["properties"]["sent_on"] = {"type": "string", "title": "Дата отправки", "format": "date",
                                           "x-widget": "date"}
        schema["x-rules"].append({"rule": "not-after", "field": "sent_on", "other": "received_on",
                                  "message": "Оригиналы не могли быть отправлены позже, чем получены"})
        schema["examples"][0]["sent_on"] = "2025-10-29"
    _edit_form(forms, "originals_receipt", add_sent_on)
    app.config["VITRINA_FORMS_DIR"] = str(forms)
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")  # the model check holds the example to the rule
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    for step in ("Подача Заявки", "Проверка Заявки в ЦПЭ", "Согласование Заявки в МО РЭЦ"):
        instance = complete(instance, step)
    task = task_named(instance, ORIGINALS)
    late = {**sample("originals_receipt"), "received_on": "2025-10-30", "sent_on": "2025-10-31"}
    expected = {"sent_on": "Оригиналы не могли быть отправлены позже, чем получены"}
    login(client, "cpe77@test.ru")
    assert 'name="sent_on"' in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert page_errors(client.post(f"/tasks/{task.task_id}", data={
        "received_on": "30.10.2025", "sent_on": "31.10.2025", "delivery_method": "courier",
        "complete_set": "true"})) == expected
    assert api_errors(api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete",
                               json={"data": late})) == expected
    assert api_post(client, users["cpe77"], f"/api/v1/tasks/{task.task_id}/complete",
                    json={"data": {**late, "sent_on": "2025-10-28"}}).status_code == 200
