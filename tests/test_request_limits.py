"""How much a request may carry: the body (413, a Russian page or the API's JSON), a draft, and the
nesting of JSON (400 before anything recursive runs)."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import TaskDraft
from app.request_limits import MB, JsonTooDeep, check_depth
from tests.conftest import login
from tests.helpers import task_named
from tests.test_api import CHECK, PDF, api, at_check, error_of, model, token  # noqa: F401  (fixtures)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def test_the_body_limit_follows_the_largest_upload_a_form_allows_unless_configured(monkeypatch, tmp_path):
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    assert create_app(config).config["MAX_CONTENT_LENGTH"] == 25 * MB  # 20 MB scans + 5 MB for the rest
    assert create_app({**config, "VITRINA_MAX_UPLOAD_MB": 7}).config["MAX_CONTENT_LENGTH"] == 7 * MB
    monkeypatch.setenv("VITRINA_MAX_UPLOAD_MB", "40")
    assert create_app(config).config["MAX_CONTENT_LENGTH"] == 40 * MB
    monkeypatch.setenv("VITRINA_MAX_UPLOAD_MB", "много")
    with pytest.raises(ValueError, match="VITRINA_MAX_UPLOAD_MB"):
        create_app(config)


def test_a_page_body_over_the_limit_is_a_russian_413_page(app, client, users, model):
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    task = task_named(at_check(), CHECK)
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task.task_id}", content_type="multipart/form-data",
                           data={"decision": "approve", "scan": (io.BytesIO(PDF + b"0" * (2 * MB)), "big.pdf")})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "Слишком большой запрос" in response.get_data(as_text=True)
    assert "не больше 1 МБ" in response.get_data(as_text=True)
    assert task_named(task_instance(task), CHECK)  # nothing was completed


def task_instance(task):
    from app.workflow.instances import get_instance
    return get_instance(task.instance_id)


def test_an_api_upload_over_the_limit_is_a_json_413(app, api, users, model):
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    task = task_named(at_check(), CHECK)
    response = api("cpe77", "POST", f"/api/v1/tasks/{task.task_id}/documents", content_type="multipart/form-data",
                   data={"field": "scan", "file": (io.BytesIO(PDF + b"0" * (2 * MB)), "big.pdf")})
    assert "не больше 1 МБ" in error_of(response, 413, "too_large")["message"]


def test_an_api_json_body_over_its_limit_is_a_413(app, api, users, model):
    app.config["VITRINA_MAX_JSON_KB"] = 16
    task = task_named(at_check(), CHECK)
    body = {"data": {"decision": "remarks", "comment": "я" * 20_000}}
    error = error_of(api("cpe77", "POST", f"/api/v1/tasks/{task.task_id}/complete", json=body), 413, "too_large")
    assert "16 КБ" in error["message"]


def test_an_api_draft_over_its_limit_is_a_413_and_the_kept_one_stays(api, users, model):
    task = task_named(at_check(), CHECK).task_id
    url = f"/api/v1/tasks/{task}/draft"
    assert api("cpe77", "PUT", url, json={"data": {"decision": "remarks"}}).status_code == 200
    huge = {"data": {"comment": "я" * 100_000, "rows": ["x" * 1000] * 100}}
    error = error_of(api("cpe77", "PUT", url, json=huge), 413, "too_large")
    assert error["message"] == "Черновик больше 256 КБ и не сохранён: сократите текст"
    assert api("cpe77", "GET", url).get_json()["data"] == {"decision": "remarks"}


def test_a_page_draft_over_its_limit_is_refused_on_the_page_with_what_was_typed(app, client, users, model):
    app.config["VITRINA_MAX_DRAFT_KB"] = 8
    task = task_named(at_check(), CHECK)
    login(client, "cpe77@test.ru")
    client.post(f"/tasks/{task.task_id}", data={"_action": "draft", "decision": "remarks", "comment": "Нет ОГРН"})
    response = client.post(f"/tasks/{task.task_id}", data={"_action": "draft", "decision": "remarks",
                                                           "comment": "долгий текст " * 1000})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Черновик больше 8 КБ и не сохранён" in html and "долгий текст долгий текст" in html
    assert db.session.scalar(select(TaskDraft.data)) == {"decision": "remarks", "comment": "Нет ОГРН"}


@pytest.mark.parametrize("endpoint", ["applications", "complete"])
def test_json_nested_5000_deep_is_a_400_not_a_500(api, users, model, endpoint):
    path = "/api/v1/applications" if endpoint == "applications" else \
        f"/api/v1/tasks/{task_named(at_check(), CHECK).task_id}/complete"
    raw = '{"data": ' + nested(5000) + "}"
    response = api("cpe77", "POST", path, data=raw, content_type="application/json")
    error = error_of(response, 400, "bad_json")
    assert error["message"] == "Слишком глубокая вложенность JSON: допускается не больше 32 уровней"


def test_a_300_deep_value_inside_an_otherwise_valid_completion_is_refused_and_changes_nothing(api, users, model):
    instance = at_check()
    task = task_named(instance, CHECK)
    raw = '{"data": {"decision": "remarks", "comment": "Нет ОГРН", "extra": ' + nested(300) + "}}"
    response = api("cpe77", "POST", f"/api/v1/tasks/{task.task_id}/complete", data=raw,
                   content_type="application/json")
    assert "вложенность" in error_of(response, 400, "bad_json")["message"]
    assert task_named(task_instance(task), CHECK).task_id == task.task_id


def test_the_apps_json_refuses_deep_nesting_for_every_get_json(app):
    with pytest.raises(JsonTooDeep):
        app.json.loads(nested(5000))
    assert app.json.loads(nested(32)) == json.loads(nested(32))


@pytest.mark.parametrize("text,deep", [
    (nested(32), False), (nested(33), True),
    ('{"a": "' + "[" * 100 + '"}', False),  # brackets in a string are text
    ('{"a": "\\"' + "{" * 100 + '"}', False),  # an escaped quote does not end the string
    ('[{"a": [{"b": ' + nested(29) + "}]}]", True),
])
def test_depth_is_counted_on_the_text_without_parsing_it(text, deep):
    if deep:
        with pytest.raises(JsonTooDeep):
            check_depth(text)
    else:
        check_depth(text)
