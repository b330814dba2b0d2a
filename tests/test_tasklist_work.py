"""Working from the task list: claim and open in one click, the task page's claim and release,
the next task after a submit, sorting, search and the step filter of the user's roles."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.extensions import db
from app.models import OpenTask
from app.tasks import claims
from tests.conftest import login
from tests.test_tasklist import CHECK, GEMS, HONEY, at_check, check_task, model, page, set_due  # noqa: F401


def order_in(html: str, instances) -> list[int]:
    positions = {i.id: html.index(f"№ {i.id}<") for i in instances}
    return sorted(positions, key=positions.get)


def test_take_and_open_claims_the_task_and_lands_on_its_page(client, users, model):
    task = check_task(at_check())
    login(client, "cpe77@test.ru")
    html = page(client, section="available")
    assert "Взять и открыть" in html
    response = client.post(f"/tasks/{task.task_id}/claim", data={"then": "open"})
    assert response.status_code == 303 and response.headers["Location"] == f"/tasks/{task.task_id}"
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee == "cpe77@test.ru"
    assert "Вернуть в доступные" in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)


def test_the_task_page_offers_to_claim_an_unclaimed_task_and_to_release_ones_own(client, users, model):
    task = check_task(at_check())
    login(client, "cpe77@test.ru")
    html = client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    assert "Взять в работу" in html and "Вернуть в доступные" not in html
    client.post(f"/tasks/{task.task_id}/claim", data={"then": "open"})
    assert client.post(f"/tasks/{task.task_id}/unclaim").status_code == 303
    db.session.expire_all()
    assert db.session.get(OpenTask, task.id).assignee is None


def test_after_a_submit_the_next_of_my_tasks_opens_with_a_flash(client, users, model, clock):
    first, second = check_task(at_check()), check_task(at_check(HONEY))
    set_due(first, clock.now() + timedelta(days=1))
    set_due(second, clock.now() + timedelta(days=3))
    claims.claim(first.task_id, users["cpe77"])
    claims.claim(second.task_id, users["cpe77"])
    login(client, "cpe77@test.ru")
    response = client.post(f"/tasks/{first.task_id}", data={"decision": "approve"})
    assert response.status_code == 303 and response.headers["Location"] == f"/tasks/{second.task_id}"
    landed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "выполнена" in landed and "следующая из «Мои задачи»" in landed
    # With none of one's own left, the list.
    response = client.post(f"/tasks/{second.task_id}", data={"decision": "approve"})
    assert response.headers["Location"] == "/tasks"


def test_sorting_by_time_left_by_received_and_by_application(client, users, model, clock):
    a, b, c = at_check(), at_check(), at_check()
    now = clock.now()
    for instance, due, received in ((a, 3, 1), (b, 1, 3), (c, 2, 2)):
        db.session.execute(update(OpenTask).where(OpenTask.id == check_task(instance).id).values(
            normative_due=now + timedelta(days=due), ready_at=now - timedelta(days=received)))
    db.session.commit()
    login(client, "cpe77@test.ru")
    assert order_in(page(client, section="available"), (a, b, c)) == [b.id, c.id, a.id]  # the default
    assert order_in(page(client, section="available", sort="received"), (a, b, c)) == [b.id, c.id, a.id]
    assert order_in(page(client, section="available", sort="application"), (a, b, c)) == [a.id, b.id, c.id]
    assert "осталось" in page(client, section="available")


def test_search_by_application_number_company_or_inn(client, users, model):
    romashka, honey = at_check(), at_check(HONEY)
    login(client, "cpe77@test.ru")
    by_number = page(client, section="available", q=f"№ {honey.id}")
    assert f"№ {honey.id}<" in by_number and f"№ {romashka.id}<" not in by_number
    assert f"№ {romashka.id}<" in page(client, section="available", q=str(romashka.id))
    by_inn = page(client, section="available", q="7736050003")
    assert f"№ {honey.id}<" in by_inn and f"№ {romashka.id}<" not in by_inn
    by_name = page(client, section="available", q="ромашка")
    assert f"№ {romashka.id}<" in by_name and f"№ {honey.id}<" not in by_name
    assert "Задач нет" in page(client, section="available", q="№ abc")  # not a number: nothing, no error


def test_the_step_filter_lists_only_the_steps_of_the_users_roles(client, users, model):
    login(client, "cpe77@test.ru")
    html = page(client)
    steps = html.split('name="step"', 1)[1].split("</select>", 1)[0]
    assert "Проверка Заявки в ЦПЭ" in steps
    assert "Подача Заявки" in steps  # the model lets a ЦПЭ file step 1 on the client's behalf
    assert "Согласование Заявки в МО РЭЦ" not in steps and "Учёт услуги в CRM" not in steps
    client.post("/logout")
    login(client, "admin@test.ru")
    steps = page(client).split('name="step"', 1)[1].split("</select>", 1)[0]
    assert "Согласование Заявки в МО РЭЦ" in steps and "Проверка Заявки в ЦПЭ" in steps
