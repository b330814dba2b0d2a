"""Typed text is clean wherever it enters: one-line fields refuse control characters, multi-line
ones keep line breaks and tabs only, every text has a length limit, and the refusal names the
field."""
from __future__ import annotations

import pytest

from app import plain_text
from app.demo.samples import sample
from app.forms.schema import FieldError, load_form, validate
from app.operators import registry
from app.operators.errors import OperatorError
from tests.conftest import login
from tests.helpers import task_named
from tests.test_api import CHECK, api, at_check, error_of, model, token  # noqa: F401  (fixtures)
from tests.test_operators import IDS
from tests.test_task_pages import field_block

CONTROLS = {"\n": "перевод строки", "\r": "возврат каретки", "\t": "табуляция", "\x00": "NUL",
            "\x07": "U+0007", "\x1b": "U+001B", "\x7f": "U+007F", "\x85": "U+0085", "\u2028": "U+2028",
            "\u2029": "U+2029"}


def complaint(**changes) -> dict:
    return {"measure": sample("complaint_submission")["measure"], "subject": "Срок ответа",
            "description": "Ответ не пришёл", **changes}


@pytest.mark.parametrize("char,named", CONTROLS.items())
def test_a_one_line_field_refuses_every_control_character_and_says_which(char, named):
    [error] = validate("complaint_submission", complaint(subject=f"Срок{char}ответа"))
    assert error.field == "subject" and named in error.message and "однострочное" in error.message


@pytest.mark.parametrize("char", ["\n", "\r\n", "\t"])
def test_a_multi_line_field_keeps_line_breaks_and_tabs(char):
    assert validate("complaint_submission", complaint(description=f"Первое.{char}Второе.")) == []


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x85", "\u2028"])
def test_a_multi_line_field_refuses_nul_and_the_other_control_characters(char):
    [error] = validate("complaint_submission", complaint(description=f"Первое.{char}Второе."))
    assert error.field == "description" and error.message.startswith("Недопустимый символ")


def test_table_cells_and_undeclared_values_are_checked_too():
    data = sample("act_upload")
    data["act_goods"][0]["name"] = "Мёд\nгречишный"
    assert "act_goods.0.name" in {e.field for e in validate("act_upload", data)}
    assert [e.field for e in validate({"type": "object"}, {"note": "a\x00b", "ok": "a\nb"})] == ["note"]


def test_every_string_field_has_a_length_limit_by_default_or_its_own():
    schema = load_form("complaint_submission")["properties"]
    assert schema["subject"]["maxLength"] == 200  # the form's own
    assert schema["description"]["maxLength"] == 10_000  # a textarea's default
    assert load_form("crm_record")["properties"]["crm_id"]["maxLength"] == 500  # a one-line field's default
    assert validate("crm_record", {"crm_id": "x" * 501}) == [FieldError("crm_id", "Не длиннее 500 символов")]
    assert validate("complaint_submission", complaint(description="я" * 10_000)) == []
    assert [e.field for e in validate("complaint_submission", complaint(description="я" * 10_001))] == ["description"]


def test_one_line_collapses_whatever_old_data_holds():
    assert plain_text.one_line(" ООО «Ромашка»\r\n\tBcc: x@y\x00 ") == "ООО «Ромашка» Bcc: x@y"


def test_the_api_refuses_a_control_character_or_an_overlong_answer_naming_the_field(api, users, model):
    url = f"/api/v1/tasks/{task_named(at_check(), CHECK).task_id}/complete"
    error = error_of(api("cpe77", "POST", url, json={"data": {"decision": "remarks", "comment": "ОГРН\x00"}}), 422)
    assert error["field"] == "comment" and "NUL" in error["message"]
    error = error_of(api("cpe77", "POST", url, json={"data": {"decision": "remarks", "comment": "я" * 10_001}}), 422)
    assert error["errors"] == [{"field": "comment", "message": "Не длиннее 10000 символов"}]
    done = api("cpe77", "POST", url, json={"data": {"decision": "remarks", "comment": "Укажите:\r\n\tОГРН"}})
    assert done.status_code == 200


@pytest.mark.parametrize("name", ["ООО «Мёд»\r\nBcc: spy@evil.test", "ООО\t«Мёд»", "ООО\u2028«Мёд»"])
def test_filing_through_the_api_refuses_a_company_name_with_control_characters(api, users, model, name):
    body = {"company_name": name, "company_inn": "7736050003", "region": "77"}
    error = error_of(api("cpe77", "POST", "/api/v1/applications", json=body), 422, "invalid")
    assert error["field"] == "company_name" and error["message"].startswith("Название компании: недопустимый символ")


def test_filing_through_the_api_refuses_an_overlong_company_name(api, users, model):
    body = {"company_name": "я" * 501, "company_inn": "7736050003", "region": "77"}
    error = error_of(api("cpe77", "POST", "/api/v1/applications", json=body), 422, "invalid")
    assert error["field"] == "company_name" and "не длиннее 500" in error["message"]


def test_the_admin_user_form_refuses_control_characters_in_names_and_company(client, users):
    login(client, "admin@test.ru")
    form = {"email": "new@test.ru", "password": "long-enough-1", "roles": ["client"], "region": "77",
            "company_inn": "7736050003"}
    page = client.post("/admin/users/new", data={**form, "full_name": "Иван\x1bИванов", "company_name": "ООО"})
    assert page.status_code == 422 and "Имя пользователя: недопустимый символ" in page.get_data(as_text=True)
    page = client.post("/admin/users/new", data={**form, "full_name": "Иван", "company_name": "ООО\r\nX"})
    assert page.status_code == 422 and "Название компании: недопустимый символ" in page.get_data(as_text=True)


def test_the_operators_registry_refuses_control_characters_naming_the_field(app):
    with pytest.raises(OperatorError) as refused:
        registry.create_operator({"name": "ООО\n«Экспорт»", "inn": IDS[0][0], "ogrn": IDS[0][1]}, actor="mo@test.ru")
    assert refused.value.field == "name" and "перевод строки" in refused.value.message


def test_the_task_page_shows_the_refusal_by_its_field_and_keeps_the_application(client, users, model):
    instance = at_check()
    task = task_named(instance, CHECK)
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task.task_id}", data={"decision": "remarks", "comment": "Нет\x07ОГРН"})
    assert response.status_code == 422
    assert "Недопустимый символ — управляющий символ U+0007" in field_block(response.get_data(as_text=True), "comment")
    assert task_named(instance, CHECK).task_id == task.task_id  # nothing was completed
