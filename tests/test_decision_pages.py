"""Every decision page shows what it decides on (the form's x-shows), and the card shows the case
file as documents and versions, with names of people, never their e-mails."""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from app.accounts import create_user
from app.applications import casefile
from app.applications.documents import store_upload
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.forms import form_of
from app.workflow.instances import start_process
from tests.conftest import PASSWORD, ROOT, login
from tests.helpers import complete, task_named, task_page_as as page_of
from tests.test_regulation_paths import (ACT, AGREEMENT, CHECK, CONFIRMATION, CRM, EXECUTION, MO_APPROVAL, ORIGINALS,
                                         ROADMAP, ROADMAP_APPROVAL, SELECTION, SERVICE_APPROVAL)

SCAN = b"%PDF-1.4\n% the signed agreement\n"
ACT_SCAN = b"%PDF-1.4\n% the signed Act\n"


@pytest.fixture
def ops(users):
    return create_user("ops@test.ru", "Бухгалтер ОПС", PASSWORD, {Role.OPS_REC})


def upload(instance, name: str, field: str, content: bytes, actor: str = "cpe77@test.ru") -> str:
    task = task_named(instance, name)
    spec = form_of(instance, task.form)["properties"][field]
    document = store_upload(FileStorage(io.BytesIO(content), f"{field}.pdf", content_type="application/pdf"),
                            instance_id=instance.id, task_id=task.task_id, field=field, spec=spec, uploaded_by=actor)
    return str(document.id)


@pytest.fixture
def at_step_7(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    instance = complete(instance, "Подача Заявки", actor="client77@test.ru")
    instance = complete(instance, CHECK, actor="cpe77@test.ru", decision="approve")
    instance = complete(instance, MO_APPROVAL, actor="mo@test.ru", decision="approve")
    instance = complete(instance, ORIGINALS, actor="cpe77@test.ru")
    instance = complete(instance, SELECTION, actor="cpe77@test.ru", decision="approve")
    scan = upload(instance, AGREEMENT, "agreement_scan", SCAN)
    return complete(instance, AGREEMENT, actor="cpe77@test.ru", decision="approve", agreement_scan=scan)


def block(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</details>", start)]


def test_step_7_shows_the_agreement_it_approves_with_a_working_link_to_the_scan(client, users, at_step_7):
    html = page_of(client, "mo@test.ru", at_step_7, SERVICE_APPROVAL)
    agreement = block(html, "agreement")
    for text in ("Соглашение — ", "ЦПЭ Москва", "Стороны Соглашения:", "Оператор ООО «Экспорт Онлайн»",
                 "Клиент ООО «Ромашка» (ИНН 7707083893)", "<dt>Оператор</dt><dd>ООО «Экспорт Онлайн»</dd>",
                 "<dd>С-12/2025</dd>", "<dd>01.12.2025</dd>", "<dd>31.05.2026</dd>"):
        assert text in agreement, text
    link = re.search(r'href="(/documents/\d+)">agreement_scan\.pdf</a>', agreement).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data == SCAN
    assert "cpe77@test.ru" not in html


def test_step_12_shows_the_client_the_act_and_the_goods_placed(client, users, at_step_7):
    instance = complete(at_step_7, SERVICE_APPROVAL, actor="mo@test.ru", decision="approve")
    instance = complete(complete(instance, ROADMAP, actor="cpe77@test.ru"), ROADMAP_APPROVAL, actor="mo@test.ru",
                        decision="approve")
    instance = complete(instance, EXECUTION, actor="cpe77@test.ru")
    instance = complete(instance, ACT, actor="cpe77@test.ru", act_scan=upload(instance, ACT, "act_scan", ACT_SCAN))
    html = page_of(client, "client77@test.ru", instance, CONFIRMATION)
    act = block(html, "act")
    assert "Мёд цветочный, 250 г" in act and "Tmall Global" in act and "<dd>20.03.2026</dd>" in act
    link = re.search(r'href="(/documents/\d+)">act_scan\.pdf</a>', act).group(1)
    assert client.get(link).data == ACT_SCAN


def test_step_13_shows_the_agreement_the_act_and_the_clients_confirmation_and_rating(client, users, ops, at_step_7):
    instance = complete(at_step_7, SERVICE_APPROVAL, actor="mo@test.ru", decision="approve")
    instance = complete(complete(instance, ROADMAP, actor="cpe77@test.ru"), ROADMAP_APPROVAL, actor="mo@test.ru",
                        decision="approve")
    instance = complete(complete(instance, EXECUTION, actor="cpe77@test.ru"), ACT, actor="cpe77@test.ru")
    instance = complete(instance, CONFIRMATION, actor="client77@test.ru", rating=4, feedback="Всё вовремя")
    html = page_of(client, "ops@test.ru", instance, CRM)
    assert "<dd>С-12/2025</dd>" in block(html, "agreement")
    assert "Мёд цветочный, 250 г" in block(html, "act")
    confirmation = block(html, "service_confirmation")
    assert "<dd>4 — хорошо</dd>" in confirmation and "Всё вовремя" in confirmation and "Клиент Ромашки" in confirmation
    assert html.index('id="agreement"') < html.index('id="act"') < html.index('id="service_confirmation"')


def test_the_card_lists_the_case_file_by_kind_with_versions_names_and_documents(client, users, at_step_7):
    instance = complete(at_step_7, SERVICE_APPROVAL, actor="mo@test.ru", decision="remarks", comment="Нет подписи")
    login(client, "cpe77@test.ru")
    html = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    section = html[html.index('id="case-file"'):html.index("<h2>История</h2>")]
    for kind in ("questionnaire", "check", "approval", "agreement", "service_approval"):
        assert f'id="case-{kind}"' in section, kind
    assert "Анкета и скоринг" in section and "Клиент Ромашки" in section and "МО РЭЦ" in section
    assert "agreement_scan.pdf" in section and "@test.ru" not in section and "sha" not in section.lower()
    assert "@test.ru" not in html  # the history and the tasks name people too
    entry = casefile.latest(instance.id, "agreement")
    page = client.get(f"/applications/{instance.id}/case/{entry.id}")
    assert page.status_code == 200 and "<dd>С-12/2025</dd>" in page.get_data(as_text=True)


def test_an_entry_opens_for_who_sees_the_card_and_a_client_not_the_staffs_own(client, users, at_step_7):
    instance = complete(at_step_7, SERVICE_APPROVAL, actor="mo@test.ru", decision="remarks", comment="Нет подписи")
    staff_only = casefile.latest(instance.id, "service_approval")
    agreement = casefile.latest(instance.id, "agreement")
    login(client, "client77@test.ru")
    assert client.get(f"/applications/{instance.id}/case/{agreement.id}").status_code == 200
    assert client.get(f"/applications/{instance.id}/case/{staff_only.id}").status_code == 404
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert 'id="case-agreement"' in card and 'id="case-check"' in card
    assert 'id="case-service_approval"' not in card and 'id="case-approval"' not in card
    client.post("/logout")
    login(client, "cpe66@test.ru")
    assert client.get(f"/applications/{instance.id}/case/{agreement.id}").status_code == 404
    client.post("/logout")
    login(client, "mo@test.ru")
    assert client.get(f"/applications/{instance.id}/case/{staff_only.id}").status_code == 200
    assert client.get(f"/applications/{instance.id + 1}/case/{agreement.id}").status_code == 404


def test_an_entrys_later_version_shows_what_changed_since_the_one_before(client, users, app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    instance = complete(instance, "Подача Заявки", actor="client77@test.ru")
    instance = complete(instance, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Сайт")
    data = dict(casefile.latest(instance.id, "questionnaire").data, website="https://romashka.example/ru")
    instance = complete(instance, "Доработка Заявки Клиентом", actor="client77@test.ru", **data)
    second = casefile.latest(instance.id, "questionnaire")
    login(client, "client77@test.ru")
    html = client.get(f"/applications/{instance.id}/case/{second.id}").get_data(as_text=True)
    assert "Анкета и скоринг, версия 2" in html and 'id="changed-website"' in html
    assert "Изменено с версии 1" in html and "https://romashka.example/ru" in html
    assert html.count('class="changed-mark"') == 1


def test_step_9_shows_the_roadmap_as_sent_with_the_changes_since_the_last_version(client, users, at_step_7):
    from app.demo.samples import sample
    instance = complete(at_step_7, SERVICE_APPROVAL, actor="mo@test.ru", decision="approve")
    instance = complete(instance, ROADMAP, actor="cpe77@test.ru")
    html = page_of(client, "mo@test.ru", instance, ROADMAP_APPROVAL)
    assert 'id="roadmap"' in html and 'id="roadmap-changes"' not in html  # the first version: nothing to compare
    instance = complete(instance, ROADMAP_APPROVAL, actor="mo@test.ru", decision="remarks", comment="Сроки этапа 3")
    first, second, third = sample("roadmap")["roadmap_steps"]
    rows = [first, {**second, "due": "2026-02-20"},
            {"stage": "3", "step": "Запуск рекламы на площадке", "responsible": "Оператор, Сидоров С. С.",
             "start": "2026-02-21", "due": "2026-03-20"}]
    instance = complete(instance, "Корректировка Дорожной карты по замечаниям", actor="cpe77@test.ru",
                        roadmap_steps=rows, changes="Сдвинут срок, размещение заменено рекламой")
    html = page_of(client, "mo@test.ru", instance, ROADMAP_APPROVAL)
    changes = html[html.index('id="roadmap-changes"'):html.index("</div>", html.index('id="roadmap-changes"'))]
    assert "Версия 2: изменения с версии 1" in changes
    assert "изменено шагов: 1, добавлено: 1, удалено: 1" in changes and third["step"] in changes
    table = html[html.index('id="roadmap"'):html.index("</table>", html.index('id="roadmap"'))]
    assert table.count('class="change-mark">изменён') == 1 and table.count('class="change-mark">новый') == 1
    assert "Сдвинут срок, размещение заменено рекламой" in html and "@test.ru" not in html


def test_a_form_that_does_not_say_what_it_decides_on_shows_what_was_filed(at_step_7):
    from app.applications.case_view import decides_on
    assert [s.kind for s in decides_on(at_step_7, {"type": "object", "properties": {}})] == ["questionnaire"]
    assert decides_on(at_step_7, {"x-shows": []}) == []
    assert [s.kind for s in decides_on(at_step_7, {"x-case": "agreement", "x-shows": ["agreement", "act"]})] == []
