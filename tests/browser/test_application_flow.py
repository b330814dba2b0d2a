"""The whole way of an application through steps 1–3 in the browser, as the people do it.

The client files an application and fills the questionnaire; the ЦПЭ claims the check and sends
remarks, one of them beside a field; the client corrects that answer in place; the ЦПЭ sees the one
field marked as changed and the new score, and approves; so does МО РЭЦ; the card then shows
«Ожидание документов от Клиента» with step 4 current on the diagram. Each user works in a browser
context of their own; nothing after the live server's set-up goes around the pages.

Screenshots go to ``tmp_path`` (or to ``$VITRINA_SCREENSHOTS`` when set, to look at them).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app.demo.samples import sample
from app.forms.schema import load_form

from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser

OGRN = "1027700132195"  # ООО «Ромашка», valid check digit
MATERIALS = "Наличие презентационных материалов и КП на иностранных языках"


# A long form (x-sections "steps") shows one section at a time: open the one an input is in, as a
# person does from the form's section navigation.
OPEN_SECTION = """el => { const s = el.closest('section.form-step');
  if (s && s.hidden) document.querySelector('.form-steps a[href="#' + s.id + '"]').click(); }"""


def in_view(locator):
    """``locator``, its section of a long form opened first."""
    locator.first.evaluate(OPEN_SECTION)
    return locator


def by_label(page, text: str):
    """The input labelled exactly ``text`` (the required mark "*" aside)."""
    return in_view(page.get_by_label(re.compile("^" + re.escape(text) + r"\s*\*?$")))


def choice(page, question: str, answer: str) -> None:
    """Tick the radio button or checkbox ``answer`` of the question whose legend starts with ``question``."""
    group = in_view(page.locator("fieldset").filter(has=page.locator("legend", has_text=question)))
    group.get_by_label(answer, exact=True).check()


def answer_scoring(page) -> None:
    """Answer the scoring questions (Appendix 2) of the step 1 form as the sample exporter does."""
    schema = load_form("scoring")
    for key, value in sample("scoring").items():
        prop = schema["properties"][key]
        title = re.compile("^" + re.escape(prop["title"]) + r"\s*\*?$")
        if prop.get("x-widget") == "radio":
            group = in_view(page.locator("fieldset").filter(has=page.locator("legend", has_text=title)))
            group.get_by_label("Да" if value else "Нет", exact=True).check()
        elif prop.get("x-widget") == "select":
            in_view(page.get_by_label(title)).select_option(value)
        else:
            in_view(page.get_by_label(title)).fill(str(value))


def flash(page) -> list[str]:
    return page.locator("p.flash").all_inner_texts()


def follow(locator) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def open_task(page, name: str) -> None:
    """Follow the link of the task called ``name`` (the list or «Мои заявки» shows one)."""
    follow(page.get_by_role("link", name=name, exact=True))
    assert page.locator("h1").inner_text() == name


def submit(page) -> None:
    follow(page.get_by_role("button", name="Отправить"))


def task_row(page, application_id: int, name: str):
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=f"№ {application_id}", exact=True)) \
        .filter(has=page.get_by_role("link", name=name, exact=True))
    assert row.count() == 1, f"no row «{name}» of № {application_id}"
    return row


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("VITRINA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def shoot(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)
    return shoot


def test_a_client_application_goes_through_remarks_to_approval(live_server, new_page, page_errors, shots):
    client = new_page("client77")
    cpe = new_page("cpe77")
    mo = new_page("mo")

    # --- 1. The client files an application and fills the questionnaire.
    login_in_browser(client, live_server, "client77@demo.ru")
    assert client.locator("h1").inner_text() == "Мои заявки"
    assert "Заявок пока нет" in client.locator("main").inner_text()
    follow(client.get_by_role("button", name="Подать новую заявку"))
    assert re.search(r"/tasks/[0-9a-f-]{36}$", client.url)
    created = re.search(r"Заявка № (\d+) создана", " ".join(flash(client)))
    assert created, flash(client)
    application = int(created.group(1))
    assert client.locator("h1").inner_text() == "Подача Заявки"
    assert client.get_by_role("heading", name="Анкета компании по способам организации экспортной интернет-торговли").is_visible()
    assert "Статус заявки: Новая" in client.locator(".summary").inner_text()
    # What the application knows already is filled in.
    assert by_label(client, "Полное наименование компании").input_value() == "ООО «Ромашка»"
    assert by_label(client, "ИНН").input_value() == "7707083893"

    by_label(client, "ОГРН").fill(OGRN)
    by_label(client, "Адрес юридический").fill("г. Москва, ул. Тверская, д. 1")
    by_label(client, "Адрес фактический").fill("г. Москва, ул. Тверская, д. 1")
    by_label(client, "Сайт компании").fill("https://romashka.example")
    by_label(client, "Руководитель компании: ФИО").fill("Петров Пётр Петрович")
    by_label(client, "Руководитель компании: должность").fill("Генеральный директор")
    by_label(client, "Контактное лицо").fill("Иванова Анна")
    by_label(client, "Телефон контактного лица").press_sequentially("+7 495 123-45-67")
    by_label(client, "E-mail контактного лица").press_sequentially("anna@romashka.example")
    choice(client, "Опыт экспортной деятельности", "Разовые поставки")
    by_label(client, "Страны и объёмы экспорта продукции за последние два года").fill("Казахстан, 2 млн руб. в 2024 г.")
    by_label(client, "Описание продукции, планируемой к экспорту").fill("Мёд цветочный, 250 г; мёд гречишный, 500 г")
    # Tables: one blank row is offered, «Добавить строку» adds more.
    okved = client.locator('[data-table="okved_codes"]')
    in_view(okved).get_by_label("Код ОКВЭД").first.fill("10.89.9")
    tnved = client.locator('[data-table="tnved_codes"]')
    in_view(tnved).get_by_label("Код ТН ВЭД").first.fill("0409000000")
    tnved.get_by_role("button", name="Добавить строку").click()
    assert tnved.get_by_label("Код ТН ВЭД").count() == 2
    tnved.get_by_label("Код ТН ВЭД").nth(1).fill("040900")
    by_label(client, "Сфера применения продукции").fill("Пищевая продукция")
    by_label(client, "Целевые страны экспорта").fill("Китай, ОАЭ")
    choice(client, "Сертифицирована ли продукция", "Да")
    choice(client, "Был ли опыт электронной торговли в РФ?", "Да")
    by_label(client, "Площадки электронной торговли в РФ").fill("Ozon, Wildberries")
    choice(client, "Был ли опыт электронной торговли за рубежом?", "Нет")
    choice(client, "Какой тип экспортной электронной торговли интересует?", "B2C (розничная)")
    choice(client, "Какой тип экспортной электронной торговли интересует?", "B2B (оптовая)")
    choice(client, "Готовы ли нести затраты", "Да")
    choice(client, "Объём затрат в год", "50–150 тыс. рублей")
    choice(client, "Какие дополнительные меры поддержки", "Сертификация и лицензирование")
    in_view(client.get_by_label("Анкету подписывает уполномоченное лицо")).check()
    answer_scoring(client)
    shots(client, "client-questionnaire")
    submit(client)

    assert client.locator("h1").inner_text() == "Мои заявки"
    assert f"Задача «Подача Заявки» по заявке № {application} выполнена." in flash(client)
    row = client.locator("tbody tr").filter(has=client.get_by_role("link", name=str(application), exact=True))
    assert "На рассмотрении ЦПЭ" in row.inner_text()
    assert "2. Проверка Заявки в ЦПЭ" in row.inner_text()
    shots(client, "client-submitted")

    # --- 2. The ЦПЭ sees the check among the available tasks, claims it and sends remarks.
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    assert cpe.locator("h1").inner_text() == "Задачи"
    assert cpe.locator(".tabs a.active").inner_text().startswith("Доступные")
    check = task_row(cpe, application, "Проверка Заявки в ЦПЭ")
    assert "На рассмотрении ЦПЭ" in check.inner_text() and "ООО «Ромашка»" in check.inner_text()
    shots(cpe, "cpe-task-list")
    follow(check.get_by_role("button", name="Взять", exact=True))
    assert "Задача взята в работу." in flash(cpe)
    assert cpe.locator(".tabs a.active").inner_text().startswith("Мои задачи")
    check = task_row(cpe, application, "Проверка Заявки в ЦПЭ")
    assert "Анна Соколова" in check.inner_text() and "@" not in check.inner_text()  # by name, not e-mail
    assert check.get_by_role("button", name="Вернуть").is_visible()
    open_task(cpe, "Проверка Заявки в ЦПЭ")
    assert "в работе у Анна Соколова, ЦПЭ Москвы" in cpe.locator("main").inner_text()
    # The questionnaire being checked is on the page.
    answers = cpe.locator("#questionnaire")
    assert "1027700132195" in answers.inner_text() and "Разовые поставки" in answers.inner_text()
    assert "0409000000, 040900" in answers.inner_text() and "B2B (оптовая), B2C (розничная)" in answers.inner_text()
    # So is the scoring the engine computed from the answers: the total, the band and why.
    scoring = cpe.locator("#scoring")
    assert "84 баллов" in scoring.inner_text() and "Высокая готовность" in scoring.inner_text()
    assert scoring.get_by_role("cell", name="Опыт экспорта в другие страны").is_visible()
    choice(cpe, "Решение", "Направить замечания")
    # A remark without a comment is refused, next to the field.
    submit(cpe)
    assert "Форма заполнена с ошибками" in cpe.locator(".error-summary").inner_text()
    assert cpe.locator("#f-comment-error").inner_text() == "Укажите комментарий: он будет направлен Клиенту"
    assert page_errors and page_errors.pop().startswith("[cpe77] HTTP 422")  # that refusal, nothing else
    by_label(cpe, "Комментарий").fill("Уточните, пожалуйста, сведения о материалах")
    # A remark on one field of the questionnaire: picked from its fields by their titles.
    remarks = cpe.locator('[data-table="field_remarks"]')
    remarks.get_by_label("Поле анкеты").first.select_option(label=MATERIALS)
    remarks.get_by_label("Замечание").first.fill("Презентации на иностранных языках к заявке не приложены")
    shots(cpe, "cpe-check-remarks")
    submit(cpe)
    assert f"Задача «Проверка Заявки в ЦПЭ» по заявке № {application} выполнена." in flash(cpe)
    assert task_row_count(cpe, application) == 0  # written once: no second task to pass them on

    # --- 3. The client gets the remarks as written and corrects that one answer in place.
    follow(client.get_by_role("link", name="Мои заявки"))
    row = client.locator("tbody tr").filter(has=client.get_by_role("link", name=str(application), exact=True))
    assert "На доработку" in row.inner_text()
    open_task(client, "Доработка Заявки Клиентом")
    assert "Статус заявки: На доработку" in client.locator(".summary").inner_text()
    top = client.locator("#remarks-to-fix").inner_text()
    assert "Уточните, пожалуйста, сведения о материалах" in top  # the overall comment on top
    assert "Презентации на иностранных языках к заявке не приложены" in top
    # The questionnaire as filed, editable, with the remark beside the field it concerns.
    assert by_label(client, "ОГРН").input_value() == OGRN
    assert by_label(client, "Площадки электронной торговли в РФ").input_value() == "Ozon, Wildberries"
    materials = client.locator("fieldset.has-remark").filter(has=client.locator("legend", has_text=MATERIALS))
    assert "Презентации на иностранных языках к заявке не приложены" in materials.locator(".field-remark").inner_text()
    assert materials.get_by_label("Да", exact=True).is_checked()
    materials.get_by_label("Нет", exact=True).check()
    by_label(client, "Комментарий к исправлениям").fill("Материалов на иностранных языках пока нет")
    shots(client, "client-rework")
    submit(client)
    assert f"Задача «Доработка Заявки Клиентом» по заявке № {application} выполнена." in flash(client)
    row = client.locator("tbody tr").filter(has=client.get_by_role("link", name=str(application), exact=True))
    assert "На рассмотрении ЦПЭ" in row.inner_text()

    # --- 4. The ЦПЭ sees that one field marked as changed and the new score, and approves.
    follow(cpe.get_by_role("link", name="Задачи", exact=True))
    check = task_row(cpe, application, "Проверка Заявки в ЦПЭ")
    assert "cpe77@demo.ru" not in check.inner_text()  # back on the list unclaimed
    follow(check.get_by_role("link", name="Проверка Заявки в ЦПЭ"))
    answers = cpe.locator("#questionnaire")
    assert "версия 2" in answers.locator("summary").inner_text()
    assert answers.locator(".changed-mark").count() == 1
    assert MATERIALS in answers.locator("dt.changed").inner_text()
    changes = answers.locator(".changes").inner_text()
    assert "Изменено с версии 1" in changes and "1 поле" in changes and f"{MATERIALS}: Да → Нет" in changes
    scoring = cpe.locator("#scoring").inner_text()
    assert "80 баллов" in scoring and "до исправления: 84 баллов" in scoring and "пересчитан" in scoring
    assert "Материалов на иностранных языках пока нет" in cpe.locator("#remarks").inner_text()
    shots(cpe, "cpe-check-changed")
    choice(cpe, "Решение", "Согласовать")
    submit(cpe)
    assert f"Задача «Проверка Заявки в ЦПЭ» по заявке № {application} выполнена." in flash(cpe)
    assert task_row_count(cpe, application) == 0  # МО РЭЦ's step now, not the ЦПЭ's

    # --- 5. МО РЭЦ approves.
    login_in_browser(mo, live_server, "mo@demo.ru")
    approval = task_row(mo, application, "Согласование Заявки в МО РЭЦ")
    assert "На согласовании МО РЭЦ" in approval.inner_text()
    follow(approval.get_by_role("link", name="Согласование Заявки в МО РЭЦ"))
    assert "Ответ на замечания: Материалов на иностранных языках пока нет" in mo.locator("#remarks").inner_text()
    assert "Ozon, Wildberries" in mo.locator("#questionnaire").inner_text()
    choice(mo, "Решение", "Согласовать")
    shots(mo, "mo-approval")
    submit(mo)
    assert f"Задача «Согласование Заявки в МО РЭЦ» по заявке № {application} выполнена." in flash(mo)

    # --- 6. The card: the status and the diagram with step 4 current.
    follow(mo.get_by_role("link", name="Заявки", exact=True))
    follow(mo.get_by_role("link", name=f"№ {application}", exact=True))
    assert mo.locator("h1").inner_text() == f"Заявка № {application}: ООО «Ромашка»"
    assert "Статус заявки: Ожидание документов от Клиента" in mo.locator("main > p").first.inner_text()
    assert "Получение оригиналов документов" in mo.locator("h2:has-text('Текущие задачи') + .table-wrap table").inner_text()
    history = mo.locator("main > .table-wrap > table").last.inner_text()
    for status in ("Новая → На рассмотрении ЦПЭ", "На рассмотрении ЦПЭ → На доработку",
                   "На доработку → На рассмотрении ЦПЭ", "На рассмотрении ЦПЭ → На согласовании МО РЭЦ",
                   "На согласовании МО РЭЦ → Ожидание документов от Клиента"):
        assert status in history, status
    mo.wait_for_selector('#diagram[data-state="ready"]')
    shape = mo.locator('#diagram [data-element-id="step_4_originals"]').first
    assert "vitrina-current" in shape.get_attribute("class").split()
    for done in ("step_1_submit", "step_2_check", "step_2_1_rework", "step_3_approval"):
        classes = mo.locator(f'#diagram [data-element-id="{done}"]').first.get_attribute("class").split()
        assert "vitrina-completed" in classes, done
    shots(mo, "card")

    # The client's card says the same, and tells them what is next.
    follow(client.get_by_role("link", name=str(application), exact=True))
    client.wait_for_selector('#diagram[data-state="ready"]')
    assert "Статус заявки: Ожидание документов от Клиента" in client.locator("main > p").first.inner_text()
    assert "vitrina-current" in client.locator('#diagram [data-element-id="step_4_originals"]').first \
        .get_attribute("class").split()
    shots(client, "client-card")
    assert not page_errors, page_errors


def task_row_count(page, application_id: int) -> int:
    return page.locator("tbody tr").filter(
        has=page.get_by_role("link", name=f"№ {application_id}", exact=True)).count()
