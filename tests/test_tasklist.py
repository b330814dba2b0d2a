"""The task list: sections and counts, order, filters, pages, claim/release/assign, isolation."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.tasks import claims
from app.extensions import db
from app.models import AuditEvent, OpenTask
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login, moscow
from tests.helpers import complete, task_named

CHECK = "Проверка Заявки в ЦПЭ"
ROMASHKA = ("77", "ООО «Ромашка»", "7707083893")
HONEY = ("77", "АО «Сибирский мёд»", "7736050003")
GEMS = ("66", "ООО «Уральские самоцветы»", "6658021226")


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def new(company=ROMASHKA):
    region, name, inn = company
    return start_process("marketplace_support", actor="client", region=region, company_name=name, company_inn=inn)


def at_check(company=ROMASHKA):
    """An application submitted by the client: its ЦПЭ check is open."""
    return complete(new(company), "Подача Заявки")


def check_task(instance) -> OpenTask:
    return task_named(instance, CHECK)


def set_due(task: OpenTask, due) -> None:
    db.session.execute(update(OpenTask).where(OpenTask.id == task.id).values(normative_due=due))
    db.session.commit()


def page(client, **args) -> str:
    response = client.get("/tasks", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def count_in(html: str, title: str) -> int:
    # "<a …>Доступные<span class="count">3</span></a>"
    tail = html.split(f">{title}<span class=\"count\">", 1)[1]
    return int(tail.split("<", 1)[0])


def test_home_sends_staff_to_tasks_and_clients_to_their_applications(client, users):
    login(client, "cpe77@test.ru")
    assert client.get("/").headers["Location"] == "/tasks"
    client.post("/logout")
    login(client, "client77@test.ru")
    assert client.get("/").headers["Location"] == "/my"


def test_sections_count_mine_available_overdue_and_today(client, users, model, clock):
    a, b, c = at_check(), at_check(HONEY), at_check()
    at_check(GEMS)  # another region: in no section of a ЦПЭ user of 77
    now = clock.now()
    set_due(check_task(a), now - timedelta(hours=1))  # overdue
    set_due(check_task(b), moscow(2025, 10, 31, 23, 59, 59))  # due later today (the clock is 31.10 10:00)
    set_due(check_task(c), now + timedelta(days=7))
    claims.claim(check_task(c).task_id, users["cpe77"])
    login(client, "cpe77@test.ru")
    html = page(client)
    assert (count_in(html, "Мои задачи"), count_in(html, "Доступные"), count_in(html, "Просроченные"),
            count_in(html, "На сегодня")) == (1, 2, 1, 1)
    assert "Все задачи" not in html  # only managers and admins have it
    overdue = page(client, section="overdue")
    assert f"№ {a.id}<" in overdue and f"№ {b.id}<" not in overdue and 'class="due-breached"' in overdue
    today = page(client, section="today")
    assert f"№ {b.id}<" in today and f"№ {a.id}<" not in today
    assert f"№ {c.id}<" in page(client, section="mine") and f"№ {c.id}<" not in page(client, section="available")


def test_tasks_are_sorted_by_normative_due_with_undated_last(client, users, model, clock):
    first, undated, second = at_check(), at_check(), at_check()
    set_due(check_task(first), clock.now() + timedelta(days=1))
    set_due(check_task(second), clock.now() + timedelta(days=2))
    set_due(check_task(undated), None)
    login(client, "cpe77@test.ru")
    html = page(client, section="available")
    positions = [html.index(f"№ {i.id}<") for i in (first, second, undated)]
    assert positions == sorted(positions)


def test_deadline_colours_follow_warning_and_breach(client, users, model, clock):
    warned, breached = at_check(), at_check()
    db.session.execute(update(OpenTask).where(OpenTask.id == check_task(warned).id).values(warned_at=clock.now()))
    db.session.execute(update(OpenTask).where(OpenTask.id == check_task(breached).id).values(breached_at=clock.now()))
    db.session.commit()
    login(client, "cpe77@test.ru")
    html = page(client, section="available")
    assert html.count('class="due-breached"') == 1 and html.count('class="due-warned"') >= 2


def test_filters_by_step_status_and_company_name_or_inn(client, users, model):
    romashka, honey = at_check(), at_check(HONEY)
    draft = new()  # still at step 1, the client's
    login(client, "cpe77@test.ru")
    assert f"№ {honey.id}<" in page(client, section="available", q="сибирский")  # case-insensitive
    only_honey = page(client, section="available", company="7736")
    assert f"№ {honey.id}<" in only_honey and f"№ {romashka.id}<" not in only_honey
    assert count_in(page(client, section="available", step="2"), "Доступные") == 2
    assert count_in(page(client, section="available", step="3"), "Доступные") == 0
    assert count_in(page(client, section="available", status="На рассмотрении ЦПЭ"), "Доступные") == 2
    assert count_in(page(client, section="available", status="Новая"), "Доступные") == 0
    assert f"№ {draft.id}<" not in page(client, section="available")  # a client's task is not the ЦПЭ's


def test_region_filter_is_for_central_roles_only(client, users, model):
    moscow_app = complete(at_check(), CHECK, decision="approve")
    urals_app = complete(at_check(GEMS), CHECK, decision="approve")
    login(client, "mo@test.ru")
    both = page(client, section="available")
    assert f"№ {moscow_app.id}<" in both and f"№ {urals_app.id}<" in both and 'name="region"' in both
    only_66 = page(client, section="available", region="66")
    assert f"№ {urals_app.id}<" in only_66 and f"№ {moscow_app.id}<" not in only_66
    client.post("/logout")
    at_check(GEMS)
    login(client, "cpe77@test.ru")
    html = page(client, section="available", region="66")  # ignored: a ЦПЭ user is bound to 77
    assert 'name="region"' not in html and count_in(html, "Доступные") == 0


def test_pages_of_fifty(client, users, model):
    for _ in range(51):
        new()
    login(client, "client77@test.ru")
    first = page(client, section="available")
    assert count_in(first, "Доступные") == 51 and first.count('/claim?') == 50
    assert "Следующая страница" in first and "1–50 из 51" in first
    second = page(client, section="available", page=2)
    assert second.count('/claim?') == 1 and "Следующая страница" not in second


def test_claim_and_unclaim_are_recorded_in_the_audit_trail(client, users, model):
    instance = at_check()
    task = check_task(instance)
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task.task_id}/claim?section=available")
    assert response.status_code == 303 and "section=available" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee == "cpe77@test.ru"
    assert "Вернуть" in page(client, section="mine")
    assert client.post(f"/tasks/{task.task_id}/unclaim").status_code == 303
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.task_id,
                                                         AuditEvent.action.in_(("claimed", "unclaimed")))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor) for e in events] == [("claimed", "cpe77@test.ru"), ("unclaimed", "cpe77@test.ru")]
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert "Взятие задачи в работу" in card and "Возврат задачи" in card


def test_a_claim_lost_to_someone_else_says_who_took_it_with_409(client, users, model):
    task = check_task(at_check())
    login(client, "cpe77@test.ru")
    page(client, section="available")  # the list is open…
    claims.claim(task.task_id, users["head77"])  # …while the head takes the task
    response = client.post(f"/tasks/{task.task_id}/claim")
    assert response.status_code == 409
    assert "Задачу уже взял Руководитель ЦПЭ Москва" in response.get_data(as_text=True)  # by name, not e-mail
    with pytest.raises(claims.AlreadyClaimed):
        claims.claim(task.task_id, users["cpe77"])
    # Releasing a task one does not hold is refused the same way.
    assert client.post(f"/tasks/{task.task_id}/unclaim").status_code == 409


def test_claiming_a_task_done_meanwhile_is_a_conflict_not_an_error(client, users, model):
    instance = at_check()
    task_id = check_task(instance).task_id
    complete(instance, CHECK, decision="approve")
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{task_id}/claim")
    assert response.status_code == 409 and "Задачу уже выполнил другой пользователь" in response.get_data(as_text=True)


def test_a_manager_assigns_to_a_holder_of_the_role_in_the_region(client, users, model):
    task = check_task(at_check())
    login(client, "head.cpe77@test.ru")
    form = client.get(f"/tasks/{task.task_id}/assign").get_data(as_text=True)
    assert "cpe77@test.ru" in form and "cpe66@test.ru" not in form and "mo@test.ru" not in form
    assert client.post(f"/tasks/{task.task_id}/assign", data={"assignee": "cpe66@test.ru"}).status_code == 403
    assert client.post(f"/tasks/{task.task_id}/assign", data={"assignee": "cpe77@test.ru"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee == "cpe77@test.ru"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assigned"))
    assert (event.actor, event.details["assignee"]) == ("head.cpe77@test.ru", "cpe77@test.ru")


@pytest.mark.parametrize("who,expected", [("cpe77", 403), ("mo", 403), ("cpe66", 404), ("admin", 200)])
def test_only_managers_of_the_role_and_region_and_admins_assign(client, users, model, who, expected):
    task = check_task(at_check())
    login(client, users[who].email)
    assert client.get(f"/tasks/{task.task_id}/assign").status_code == expected


def test_a_cpe_user_of_66_neither_sees_nor_opens_nor_claims_a_77_task(client, users, model):
    task = check_task(at_check())
    login(client, "cpe66@test.ru")
    for section in ("mine", "available", "overdue", "today"):
        assert task.task_id not in page(client, section=section)
    assert client.get(f"/tasks/{task.task_id}").status_code == 404
    assert client.post(f"/tasks/{task.task_id}/claim").status_code == 404
    assert client.post(f"/tasks/{task.task_id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee is None


def test_a_role_that_does_not_perform_the_task_may_not_claim_it(client, users, model):
    task = check_task(at_check())
    login(client, "mo@test.ru")  # sees every application, but step 2 is the ЦПЭ's
    assert client.post(f"/tasks/{task.task_id}/claim").status_code == 403
    assert client.get(f"/tasks/{task.task_id}").status_code == 403


def test_a_client_sees_only_their_company_tasks(client, users, model):
    mine, other = new(), new(GEMS)
    login(client, "client77@test.ru")
    html = page(client, section="available")
    assert f"№ {mine.id}<" in html and f"№ {other.id}<" not in html


def test_list_actions_are_csrf_protected_forms(app, client, users, model):
    task = check_task(at_check())
    login(client, "cpe77@test.ru")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/tasks/{task.task_id}/claim").status_code == 400
    html = page(client, section="available")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post(f"/tasks/{task.task_id}/claim", data={"csrf_token": token}).status_code == 303
