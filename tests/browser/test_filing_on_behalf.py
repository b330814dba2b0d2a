"""Filing on the client's behalf in the browser: КБ РЭЦ files an application for ООО «Ромашка»
from the applications list, opens step 1 from the card, is refused without the signed scan,
attaches it and sends; the ЦПЭ of Moscow finds the check in its list and the card's history says
«КБ РЭЦ от имени Клиента». Then КБ РЭЦ invites the client's representative from another
application's card; the invitee opens the link, sets a password, and sees the application with its
step 1. Each page is looked at 1366 and 390 px wide: nothing makes the whole page scroll sideways.

Screenshots go to ``tmp_path`` (or to ``$VITRINA_SCREENSHOTS`` when set, to look at them).
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.browser.conftest import login_in_browser
from tests.browser.test_application_flow import (answer_scoring, by_label, choice, flash, follow, in_view, submit,
                                                 task_row)

pytestmark = pytest.mark.browser

SCAN = b"%PDF-1.4\n% the questionnaire signed by the head of the company\n%%EOF\n"
SCAN_MISSING = "Приложите скан анкеты, подписанной уполномоченным лицом Клиента: заявка подаётся от его имени"
PASSWORD = "ясный-кедр-над-рекой-7"



def file_for_romashka(page) -> int:
    """From «Заявки»: «Подать заявку от имени Клиента» for ООО «Ромашка» of Moscow; the new application's number."""
    follow(page.get_by_role("link", name="Заявки", exact=True))
    follow(page.get_by_role("link", name="Подать заявку от имени Клиента"))
    assert page.locator("h1").inner_text() == "Заявка от имени Клиента"
    page.get_by_label("Полное наименование компании").fill("ООО «Ромашка»")
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_label("Регион").select_option(label="г. Москва")
    follow(page.get_by_role("button", name="Создать заявку"))
    created = re.search(r"Заявка № (\d+) от имени ООО «Ромашка» создана", " ".join(flash(page)))
    assert created, flash(page)
    return int(created.group(1))


def fill_questionnaire(page) -> None:
    by_label(page, "ОГРН").fill("1027700132195")
    by_label(page, "Адрес юридический").fill("г. Москва, ул. Тверская, д. 1")
    by_label(page, "Адрес фактический").fill("г. Москва, ул. Тверская, д. 1")
    by_label(page, "Руководитель компании: ФИО").fill("Петров Пётр Петрович")
    by_label(page, "Руководитель компании: должность").fill("Генеральный директор")
    by_label(page, "Контактное лицо").fill("Иванова Анна")
    by_label(page, "Телефон контактного лица").fill("+7 495 123-45-67")
    by_label(page, "E-mail контактного лица").fill("anna@romashka.example")
    choice(page, "Опыт экспортной деятельности", "Разовые поставки")
    by_label(page, "Страны и объёмы экспорта продукции за последние два года").fill("Казахстан, 2 млн руб.")
    by_label(page, "Описание продукции, планируемой к экспорту").fill("Мёд цветочный, 250 г")
    in_view(page.locator('[data-table="okved_codes"]')).get_by_label("Код ОКВЭД").first.fill("10.89.9")
    in_view(page.locator('[data-table="tnved_codes"]')).get_by_label("Код ТН ВЭД").first.fill("0409000000")
    by_label(page, "Сфера применения продукции").fill("Пищевая продукция")
    by_label(page, "Целевые страны экспорта").fill("Китай")
    choice(page, "Сертифицирована ли продукция", "Да")
    choice(page, "Был ли опыт электронной торговли в РФ?", "Нет")
    choice(page, "Был ли опыт электронной торговли за рубежом?", "Нет")
    choice(page, "Какой тип экспортной электронной торговли интересует?", "B2C (розничная)")
    choice(page, "Готовы ли нести затраты", "Нет")
    in_view(page.get_by_label("Анкету подписывает уполномоченное лицо")).check()
    answer_scoring(page)


def test_kb_rec_files_on_behalf_with_the_signed_scan_and_the_check_reaches_the_cpe(
        live_server, new_page, page_errors, shots):
    kb = new_page("kb")
    login_in_browser(kb, live_server, "kb@demo.ru")
    application = file_for_romashka(kb)
    assert kb.locator("h1").inner_text() == f"Заявка № {application}: ООО «Ромашка»"
    shots(kb, "card-filed")

    # Step 1 from the card: the questionnaire, for the client, with the signed scan to attach.
    follow(kb.get_by_role("link", name="Подача Заявки", exact=True))
    assert kb.locator("h1").inner_text() == "Подача Заявки"
    assert "Вы заполняете задачу от имени Клиента ООО «Ромашка»" in kb.locator("#on-behalf").inner_text()
    scan = by_label(kb, "Скан анкеты, подписанной уполномоченным лицом Клиента")
    fill_questionnaire(kb)
    submit(kb)
    assert "Форма заполнена с ошибками" in kb.locator(".error-summary").inner_text()
    assert kb.locator("#f-signed_questionnaire-error").inner_text() == SCAN_MISSING
    assert page_errors and page_errors.pop().startswith("[kb] HTTP 422")  # that refusal, nothing else
    shots(kb, "step-1-without-scan")
    scan.set_input_files({"name": "Анкета с подписью.pdf", "mimeType": "application/pdf", "buffer": SCAN})
    submit(kb)
    assert f"Задача «Подача Заявки» по заявке № {application} выполнена." in flash(kb)

    # The check is the ЦПЭ of Moscow's to take.
    cpe = new_page("cpe77")
    login_in_browser(cpe, live_server, "cpe77@demo.ru")
    check = task_row(cpe, application, "Проверка Заявки в ЦПЭ")
    assert "На рассмотрении ЦПЭ" in check.inner_text() and "ООО «Ромашка»" in check.inner_text()
    shots(cpe, "cpe-list")

    # The history names who filed on whose behalf, by names.
    follow(cpe.get_by_role("link", name="Заявки", exact=True))
    follow(cpe.get_by_role("link", name=f"№ {application}", exact=True))
    history = cpe.locator("main > .table-wrap > table").last.inner_text()
    assert "Игорь Семёнов, КБ РЭЦ КБ РЭЦ от имени Клиента ООО «Ромашка»" in history
    assert "@demo.ru" not in cpe.locator("main").inner_text()
    assert "Анкета с подписью.pdf" in cpe.locator("#case-file + .case-file").inner_text()
    shots(cpe, "card-history")
    assert not page_errors, page_errors


def test_the_invited_representative_sets_a_password_and_sees_the_application(
        live_server, new_page, page_errors, shots):
    kb = new_page("kb")
    login_in_browser(kb, live_server, "kb@demo.ru")
    application = file_for_romashka(kb)
    form = kb.locator("form").filter(has=kb.get_by_role("button", name="Пригласить"))
    form.get_by_label("Имя представителя").fill("Пётр Петров")
    form.get_by_label("E-mail представителя").fill("petrov@romashka.example")
    follow(form.get_by_role("button", name="Пригласить"))
    assert any("Приглашение отправлено: Пётр Петров, petrov@romashka.example." in m for m in flash(kb))
    assert "ссылка отправлена, действует до" in kb.locator(".invitations").inner_text()
    shots(kb, "card-invited")

    with live_server.app.app_context():  # no SMTP server here: the link as the outbox keeps it
        link = db.session.scalar(select(Notification.link).where(Notification.recipient == "petrov@romashka.example"))
        db.session.remove()
    invitee = new_page("invitee")
    invitee.goto(live_server(link))
    assert invitee.locator("h1").inner_text() == "Приглашение в Витрину"
    assert f"по заявке № {application}" in invitee.locator("main").inner_text()
    shots(invitee, "invitation")
    invitee.get_by_label("Пароль", exact=True).fill(PASSWORD)
    invitee.get_by_label("Пароль ещё раз").fill(PASSWORD)
    follow(invitee.get_by_role("button", name="Задать пароль и войти"))
    assert invitee.locator("h1").inner_text() == "Мои заявки"
    row = invitee.locator("tbody tr").filter(has=invitee.get_by_role("link", name=str(application), exact=True))
    assert "Новая" in row.inner_text()
    assert row.get_by_role("link", name="Подача Заявки").is_visible()
    shots(invitee, "invitee-my")
    follow(row.get_by_role("link", name="Подача Заявки"))
    assert invitee.locator("h1").inner_text() == "Подача Заявки"
    assert invitee.locator("#on-behalf").count() == 0  # their own filing: no scan asked
    assert by_label(invitee, "Полное наименование компании").input_value() == "ООО «Ромашка»"

    # The link served once.
    other = new_page("other")
    other.goto(live_server(link))
    assert "Ссылка уже использована" in other.locator("main").inner_text()
    assert page_errors and page_errors.pop().startswith("[other] HTTP 409")
    assert not page_errors, page_errors
