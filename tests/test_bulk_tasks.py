"""Bulk claim, assign and release for managers: each task on its own and audited, the ones that
cannot be moved named by application and step, on the page and through the API alike."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OpenTask
from app.tasks import bulk, claims
from tests.conftest import login
from tests.helpers import complete
from tests.test_api import api, error_of, token  # noqa: F401  (fixtures)
from tests.test_tasklist import CHECK, GEMS, HONEY, at_check, check_task, model, page  # noqa: F401


def assignee_of(task: OpenTask) -> str | None:
    db.session.expire_all()
    return db.session.get(OpenTask, task.id).assignee


def audit_of(task: OpenTask) -> list[tuple[str, str, str | None]]:
    return [(e.action, e.actor, e.details.get("assignee")) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.task_id == task.task_id,
                                 AuditEvent.action.in_(("claimed", "unclaimed", "assigned"))).order_by(AuditEvent.id))]


def test_a_manager_assigns_several_tasks_each_audited_on_its_own(users, model):
    tasks = [check_task(at_check()), check_task(at_check(HONEY)), check_task(at_check())]
    outcome = bulk.apply(users["head77"], "assign", [t.task_id for t in tasks], assignee=users["cpe77"])
    assert [item.task_id for item in outcome.done] == [t.task_id for t in tasks] and outcome.failed == []
    assert outcome.summary() == "Назначено задач: 3 из 3."
    for task in tasks:
        assert assignee_of(task) == "cpe77@test.ru"
        assert audit_of(task) == [("assigned", "head.cpe77@test.ru", "cpe77@test.ru")]


def test_tasks_that_cannot_be_assigned_are_named_and_the_rest_are_assigned(users, model):
    fine = check_task(at_check())
    done_instance = at_check(HONEY)
    done = check_task(done_instance)
    complete(done_instance, CHECK, decision="approve")
    elsewhere = check_task(at_check(GEMS))  # region 66: not the head of 77's to see
    outcome = bulk.apply(users["head77"], "assign", [done.task_id, elsewhere.task_id, fine.task_id, "no-such-task"],
                         assignee=users["cpe77"])
    assert [item.task_id for item in outcome.done] == [fine.task_id]
    assert outcome.failure_lines() == [
        f"Заявка № {done_instance.id}, «{CHECK}»: Задачу уже выполнил другой пользователь",
        "Одна из отмеченных задач не найдена или недоступна",
        "Одна из отмеченных задач не найдена или недоступна"]
    assert assignee_of(fine) == "cpe77@test.ru" and assignee_of(elsewhere) is None
    assert audit_of(elsewhere) == []


def test_an_assignee_who_may_not_take_a_task_is_refused_for_that_task_only(users, model):
    instance = at_check()
    task = check_task(instance)
    outcome = bulk.apply(users["head77"], "assign", [task.task_id], assignee=users["cpe66"])
    assert outcome.done == []
    assert outcome.failure_lines() == [f"Заявка № {instance.id}, «{CHECK}»: ЦПЭ Екатеринбург не может выполнять эту задачу"]
    assert assignee_of(task) is None


def test_a_claim_taken_meanwhile_is_reported_not_overridden(users, model, monkeypatch):
    raced_instance = at_check()
    raced, other = check_task(raced_instance), check_task(at_check(HONEY))
    read = claims.load_task

    def read_then_lose_the_race(task_id, user):
        found = read(task_id, user)
        if task_id == raced.task_id:  # a colleague claims it between the read and the update
            db.session.execute(OpenTask.__table__.update().where(OpenTask.task_id == task_id)
                               .values(assignee="cpe77@test.ru"))
        return found
    monkeypatch.setattr(claims, "load_task", read_then_lose_the_race)
    outcome = bulk.apply(users["head77"], "assign", [raced.task_id, other.task_id], assignee=users["head77"])
    assert [item.task_id for item in outcome.done] == [other.task_id]
    assert outcome.failure_lines() == [f"Заявка № {raced_instance.id}, «{CHECK}»: Задачу тем временем взял или "
                                       "выполнил другой пользователь: обновите страницу"]
    assert assignee_of(other) == "head.cpe77@test.ru"


def test_a_manager_claims_several_and_releases_tasks_held_by_others(users, model):
    first, second = check_task(at_check()), check_task(at_check(HONEY))
    claimed = bulk.apply(users["head77"], "claim", [first.task_id, second.task_id])
    assert len(claimed.done) == 2 and assignee_of(first) == "head.cpe77@test.ru"
    claims.assign(second.task_id, users["head77"], "cpe77@test.ru")
    released = bulk.apply(users["head77"], "release", [first.task_id, second.task_id])
    assert len(released.done) == 2 and assignee_of(first) is None and assignee_of(second) is None
    assert audit_of(second)[-1] == ("unclaimed", "head.cpe77@test.ru", None)
    again = bulk.apply(users["head77"], "release", [first.task_id])
    assert again.done == [] and "никому не назначена" in again.failure_lines()[0]


def test_bulk_actions_are_for_managers_and_need_tasks_an_action_and_a_person(users, model):
    task = check_task(at_check())
    for call, field in ((lambda: bulk.apply(users["head77"], "move", [task.task_id]), "action"),
                        (lambda: bulk.apply(users["head77"], "claim", []), "task_ids"),
                        (lambda: bulk.apply(users["head77"], "assign", [task.task_id]), "assignee")):
        try:
            call()
        except bulk.BadBulkRequest as exc:
            assert exc.field == field
        else:
            raise AssertionError(f"no error for {field}")
    try:
        bulk.apply(users["cpe77"], "claim", [task.task_id])
    except bulk.NotAManager:
        pass
    else:
        raise AssertionError("a non-manager acted on several tasks")
    assert assignee_of(task) is None


def test_the_page_ticks_rows_and_reports_by_application_and_step(client, users, model):
    fine = check_task(at_check())
    done_instance = at_check(HONEY)
    done = check_task(done_instance)
    login(client, "head.cpe77@test.ru")
    html = page(client, section="available")
    assert f'name="task" value="{fine.task_id}" form="bulk"' in html and "выбрать все" in html
    staff = html.split('name="assignee"')[1].split("</select>")[0]
    assert f'value="{users["cpe77"].id}">ЦПЭ Москва' in staff and "ЦПЭ Екатеринбург" not in staff
    assert "@" not in staff  # people by name and organisation, never by e-mail
    complete(done_instance, CHECK, decision="approve")
    response = client.post("/tasks/bulk?section=available", data={
        "action": "assign", "assignee": str(users["cpe77"].id), "task": [fine.task_id, done.task_id]})
    assert response.status_code == 303 and "section=available" in response.headers["Location"]
    landed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Назначено задач: 1 из 2." in landed
    assert f"Заявка № {done_instance.id}, «{CHECK}»: Задачу уже выполнил другой пользователь" in landed
    assert assignee_of(fine) == "cpe77@test.ru"
    no_one = client.post("/tasks/bulk", data={"action": "assign", "task": [fine.task_id]})
    assert no_one.status_code == 303
    assert "Выберите сотрудника" in client.get(no_one.headers["Location"]).get_data(as_text=True)


def test_the_page_has_no_bulk_form_for_staff_and_refuses_their_posts(client, users, model):
    task = check_task(at_check())
    login(client, "cpe77@test.ru")
    assert 'id="bulk"' not in page(client, section="available")
    assert client.post("/tasks/bulk", data={"action": "claim", "task": [task.task_id]}).status_code == 403
    assert assignee_of(task) is None


def test_the_api_reports_each_task_and_refuses_a_wrong_request(api, users, model):
    fine = check_task(at_check())
    done_instance = at_check(HONEY)
    done = check_task(done_instance)
    complete(done_instance, CHECK, decision="approve")
    response = api("head77", "POST", "/api/v1/tasks/bulk", json={
        "action": "assign", "task_ids": [fine.task_id, done.task_id], "assignee": "cpe77@test.ru"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["done"] == [{"task_id": fine.task_id, "application_id": fine.instance_id, "step": CHECK}]
    assert body["failed"] == [{"task_id": done.task_id, "application_id": done_instance.id, "step": CHECK,
                               "reason": f"Заявка № {done_instance.id}, «{CHECK}»: Задачу уже выполнил другой "
                                         "пользователь"}]
    assert body["summary"] == "Назначено задач: 1 из 2."
    assert error_of(api("cpe77", "POST", "/api/v1/tasks/bulk", json={"action": "claim", "task_ids": [fine.task_id]}),
                    403)
    assert error_of(api("head77", "POST", "/api/v1/tasks/bulk", json={"action": "claim"}), 422)["field"] == "task_ids"
    assert error_of(api("head77", "POST", "/api/v1/tasks/bulk", json={
        "action": "assign", "task_ids": [fine.task_id], "assignee": "nobody@test.ru"}), 422)["field"] == "assignee"
    assert error_of(api("head77", "POST", "/api/v1/tasks/bulk", json={"action": "x", "task_ids": ["a"]}),
                    422)["field"] == "action"
