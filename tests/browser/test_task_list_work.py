"""Working from the task list in the browser: a ЦПЭ employee starts a task in one click and lands on
the next after submitting; a saved filter goes round; a manager assigns three tasks at once and
the employee finds them in «Мои задачи». Each list is looked at 1366 and 390 px wide.
"""
from __future__ import annotations

import re

import pytest

from app.demo.samples import sample
from app.workflow.instances import complete_task, start_process
from tests.browser.conftest import login_in_browser
from tests.helpers import task_named

pytestmark = pytest.mark.browser

CHECK = "Проверка Заявки в ЦПЭ"
ROMASHKA = ("ООО «Ромашка»", "7707083893")
HONEY = ("АО «Сибирский мёд»", "7736050003")


def at_check(app, *companies) -> list[tuple[int, str]]:
    """Applications of 77 filed by the client, each at the ЦПЭ check: (number, the check's task id)."""
    made = []
    with app.app_context():
        for name, inn in companies:
            instance = start_process("marketplace_support", actor="client77@demo.ru", region="77",
                                     company_name=name, company_inn=inn)
            complete_task(instance.id, task_named(instance, "Подача Заявки").task_id,
                          sample("application_questionnaire", company_name=name, company_inn=inn),
                          actor="client77@demo.ru")
            made.append((instance.id, task_named(instance, CHECK).task_id))
    return made


def row_of(page, application: int):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=f"№ {application}", exact=True))


def follow(locator) -> None:
    with locator.page.expect_navigation():
        locator.click()


def flashes(page) -> str:
    return " ".join(page.locator("p.flash").all_inner_texts())


def tab(page, title: str) -> None:
    follow(page.locator(".tabs").get_by_role("link", name=re.compile("^" + title)))


def test_take_and_open_then_the_next_task_after_submit(live_server, page, page_errors, shots):
    (first, first_task), (second, second_task) = at_check(live_server.app, ROMASHKA, HONEY)
    login_in_browser(page, live_server, "cpe77@demo.ru")
    # One of the two is already the employee's: «Взять» keeps them on the list.
    follow(row_of(page, second).get_by_role("button", name="Взять", exact=True))
    assert "Задача взята в работу." in flashes(page)
    tab(page, "Доступные")
    shots(page, "available")
    # The other starts in one click: claimed and opened.
    follow(row_of(page, first).get_by_role("button", name="Взять и открыть"))
    assert page.url == live_server(f"/tasks/{first_task}")
    assert page.locator("h1").inner_text() == CHECK and f"№ {first}" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Вернуть в доступные").is_visible()
    page.locator("fieldset").filter(has=page.locator("legend", has_text="Решение")) \
        .get_by_label("Согласовать", exact=True).check()
    follow(page.get_by_role("button", name="Отправить"))
    # Submitted, the next of «Мои задачи» is open.
    assert page.url == live_server(f"/tasks/{second_task}")
    assert (f"Задача «{CHECK}» по заявке № {first} выполнена. Открыта следующая из «Мои задачи»."
            in flashes(page))
    assert f"№ {second}" in page.locator("main").inner_text()
    assert page_errors == []


def test_a_saved_filter_round_trip(live_server, page, page_errors, shots):
    (romashka, _), (honey, _) = at_check(live_server.app, ROMASHKA, HONEY)
    login_in_browser(page, live_server, "cpe77@demo.ru")
    page.get_by_label("Поиск: № заявки, компания или ИНН").fill("мёд")
    follow(page.get_by_role("button", name="Показать"))
    assert row_of(page, honey).count() == 1 and row_of(page, romashka).count() == 0
    page.get_by_label("Сохранить текущий фильтр как").fill("Сибирский мёд")
    follow(page.get_by_role("button", name="Сохранить", exact=True))
    assert "Фильтр «Сибирский мёд» сохранён." in flashes(page)
    # A fresh list shows everything; the saved filter narrows it again.
    page.goto(live_server("/tasks"))
    assert row_of(page, honey).count() == 1 and row_of(page, romashka).count() == 1
    shots(page, "saved-filter")
    follow(page.locator(".saved-filters").get_by_role("link", name="Сибирский мёд", exact=True))
    assert row_of(page, honey).count() == 1 and row_of(page, romashka).count() == 0
    assert page.get_by_label("Поиск: № заявки, компания или ИНН").input_value() == "мёд"
    assert page_errors == []


def test_a_manager_assigns_three_tasks_and_the_employee_has_them(live_server, new_page, page_errors, shots):
    tasks = at_check(live_server.app, ROMASHKA, HONEY, ROMASHKA)
    head = new_page("head77")
    login_in_browser(head, live_server, "head.cpe77@demo.ru")
    assert head.locator(".tabs a.active").inner_text().startswith("Доступные")
    boxes = [head.get_by_label(f"Отметить: заявка № {number}, {CHECK}") for number, _ in tasks]
    # «выбрать все» ticks every row and clears them again.
    everything = head.get_by_label("выбрать все")
    everything.check()
    assert all(box.is_checked() for box in boxes)
    everything.uncheck()
    assert not any(box.is_checked() for box in boxes)
    # Rows are ticked from the keyboard as well.
    for box in boxes:
        box.focus()
        head.keyboard.press("Space")
    assert all(box.is_checked() for box in boxes) and everything.is_checked()
    people = head.get_by_label("Исполнитель")
    assert "@" not in people.inner_text()  # by name and organisation, never by e-mail
    anna = people.locator("option", has_text="Анна Соколова").inner_text()
    people.select_option(label=anna)
    shots(head, "bulk-ticked")
    follow(head.get_by_role("button", name="Назначить…"))
    assert "Назначено задач: 3 из 3." in flashes(head)

    employee = new_page("cpe77")
    login_in_browser(employee, live_server, "cpe77@demo.ru")
    assert employee.locator(".tabs a.active").inner_text().startswith("Мои задачи")
    for number, task_id in tasks:
        assert employee.locator(f'tbody a[href="/tasks/{task_id}"]').count() == 1, number
        assert "Анна Соколова" in row_of(employee, number).inner_text()
    shots(employee, "mine")
    assert page_errors == []
