"""The REST API's manager assignment and task drafts, with the task list's rules."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import TaskDraft
from tests.helpers import task_named
from tests.test_api import api, at_check, error_of, model, token  # noqa: F401  (fixtures)

CHECK = "Проверка Заявки в ЦПЭ"


def test_manager_assigns_a_task_to_a_colleague_of_the_role_and_region(api, users, model):
    task = task_named(at_check(), CHECK).task_id
    assigned = api("head77", "POST", f"/api/v1/tasks/{task}/assign", json={"assignee": "cpe77@test.ru"})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == "cpe77@test.ru"
    history = api("head77", "GET", f"/api/v1/applications/{assigned.get_json()['application_id']}").get_json()["history"]
    assert [h["assignee"] for h in history if h["action"] == "assigned"] == ["cpe77@test.ru"]


def test_assignment_is_refused_to_non_managers_and_names_a_wrong_assignee(api, users, model):
    task = task_named(at_check(), CHECK).task_id
    assert error_of(api("cpe77", "POST", f"/api/v1/tasks/{task}/assign", json={"assignee": "cpe77@test.ru"}), 403)
    wrong = error_of(api("head77", "POST", f"/api/v1/tasks/{task}/assign", json={"assignee": "cpe66@test.ru"}), 422)
    assert wrong["field"] == "assignee" and "cpe66@test.ru" in wrong["message"]
    missing = error_of(api("head77", "POST", f"/api/v1/tasks/{task}/assign", json={}), 422)
    assert missing["field"] == "assignee"
    assert error_of(api("cpe66", "POST", f"/api/v1/tasks/{task}/assign", json={"assignee": "cpe66@test.ru"}), 404)


def test_draft_is_kept_unvalidated_per_user_and_dropped_on_completion(api, users, model):
    task = task_named(at_check(), CHECK).task_id
    assert error_of(api("cpe77", "GET", f"/api/v1/tasks/{task}/draft"), 404, "not_found")
    half = {"decision": "remarks"}  # remarks without the required comment: fine for a draft
    saved = api("cpe77", "PUT", f"/api/v1/tasks/{task}/draft", json={"data": half})
    assert saved.status_code == 200 and saved.get_json()["data"] == half
    assert api("cpe77", "GET", f"/api/v1/tasks/{task}/draft").get_json()["data"] == half
    assert error_of(api("head77", "GET", f"/api/v1/tasks/{task}/draft"), 404)  # one draft per user
    assert error_of(api("cpe66", "PUT", f"/api/v1/tasks/{task}/draft", json={"data": half}), 404)
    assert error_of(api("cpe77", "PUT", f"/api/v1/tasks/{task}/draft", json={"data": "x"}), 400)["field"] == "data"
    done = api("cpe77", "POST", f"/api/v1/tasks/{task}/complete", json={"data": {"decision": "approve"}})
    assert done.status_code == 200
    assert error_of(api("cpe77", "GET", f"/api/v1/tasks/{task}/draft"), 409, "task_done")
    assert db.session.scalars(select(TaskDraft)).all() == []
