"""The client's side: company registration, filing, following the status, and the whole
remarks loop with the ЦПЭ and МО РЭЦ through HTTP only."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.demo.samples import sample
from app.extensions import db
from app.models import ProcessInstance, User
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import PASSWORD, ROOT, login
from tests.form_posts import as_post
from tests.helpers import statuses


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def as_user(client, email: str) -> None:
    client.post("/logout")
    login(client, email)


def task_link(html: str, name: str) -> str:
    """The address of the task called ``name`` on a list page."""
    match = re.search(r'href="(/tasks/[0-9a-f-]{36})">' + re.escape(name) + "<", html)
    assert match, f"no link to «{name}»"
    return match.group(1)


def post_form(client, url: str, form: str, data: dict):
    response = client.post(url, data=as_post(form, data))
    assert response.status_code == 303, re.findall(r'role="alert">([^<]+)', response.get_data(as_text=True))
    return response


def test_a_client_without_company_data_registers_it_first(client, users, model):
    user = users["client77"]
    user.company_name = None
    db.session.commit()
    login(client, "client77@test.ru")
    assert client.get("/my").headers["Location"] == "/my/company"
    assert client.post("/my/applications").headers["Location"] == "/my/company"
    refused = client.post("/my/company", data={"company_name": " "})
    assert refused.status_code == 422 and "Укажите название компании" in refused.get_data(as_text=True)
    assert client.post("/my/company", data={"company_name": "ООО «Ромашка»"}).status_code == 303
    assert client.get("/my").status_code == 200


def test_the_inn_is_checked_and_not_changed_once_set(client, fast_hashing, model):
    user = User(email="new@test.ru", full_name="Новый клиент", region="77", is_active=True)
    user.roles = {Role.CLIENT}
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    login(client, "new@test.ru")
    form = client.get("/my/company").get_data(as_text=True)
    assert "Регистрация компании" in form and 'name="company_inn"' in form
    bad = client.post("/my/company", data={"company_name": "ООО «Ромашка»", "company_inn": "7707083890"})
    assert bad.status_code == 422 and "Неверный ИНН: контрольная сумма не сходится" in bad.get_data(as_text=True)
    client.post("/my/company", data={"company_name": "ООО «Ромашка»", "company_inn": "7707083893"})
    db.session.expire_all()
    assert db.session.get(User, user.id).company_inn == "7707083893"
    client.post("/my/company", data={"company_name": "ООО «Ромашка»", "company_inn": "6658021226"})
    db.session.expire_all()
    assert db.session.get(User, user.id).company_inn == "7707083893"  # only an admin changes it


def test_staff_have_no_client_pages(client, users, model):
    login(client, "cpe77@test.ru")
    assert client.get("/my").status_code == 403
    assert client.post("/my/applications").status_code == 403


def test_my_applications_show_both_statuses_and_the_step_of_my_company_only(client, users, model):
    mine = start_process("marketplace_support", actor="x", region="77", company_name="ООО «Ромашка»",
                         company_inn="7707083893")
    other = start_process("marketplace_support", actor="x", region="66", company_name="ООО «Уральские самоцветы»",
                          company_inn="6658021226")
    login(client, "client77@test.ru")
    html = client.get("/my").get_data(as_text=True)
    assert f'href="/applications/{mine.id}"' in html and f'href="/applications/{other.id}"' not in html
    assert "Новая" in html and "1. Подача Заявки" in html and task_link(html, "Подача Заявки")


def test_a_client_files_an_application_and_lands_on_the_questionnaire(client, users, model):
    login(client, "client77@test.ru")
    response = client.post("/my/applications")
    assert response.status_code == 303 and response.headers["Location"].startswith("/tasks/")
    instance = db.session.scalar(select(ProcessInstance))
    assert (instance.region, instance.company_inn, instance.started_by) == ("77", "7707083893", "client77@test.ru")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Анкета компании" in page and "Данные компании" in page and 'value="ООО «Ромашка»"' in page


def test_the_whole_remarks_loop_through_the_pages(client, users, model):
    # The client files and submits the questionnaire.
    login(client, "client77@test.ru")
    questionnaire = client.post("/my/applications").headers["Location"]
    post_form(client, questionnaire, "application_questionnaire", sample("application_questionnaire"))
    instance = db.session.scalar(select(ProcessInstance))
    assert "На рассмотрении ЦПЭ" in client.get("/my").get_data(as_text=True)

    # The ЦПЭ sees it among the available tasks, claims it and sends remarks.
    as_user(client, "cpe77@test.ru")
    available = client.get("/tasks?section=available").get_data(as_text=True)
    check = task_link(available, "Проверка Заявки в ЦПЭ")
    assert client.post(f"{check}/claim").status_code == 303
    assert client.post(check, data={"decision": "remarks", "comment": "Не указан ОГРН",
                                    "field_remarks.0.field": "company_ogrn",
                                    "field_remarks.0.remark": "Укажите ОГРН компании"}).status_code == 303

    # The client gets the remarks as written and corrects the questionnaire itself.
    as_user(client, "client77@test.ru")
    my = client.get("/my").get_data(as_text=True)
    assert "На доработку" in my
    rework = task_link(my, "Доработка Заявки Клиентом")
    page = client.get(rework).get_data(as_text=True)
    assert "Укажите ОГРН компании" in page and "Не указан ОГРН" in page
    post_form(client, rework, "application_rework", {**sample("application_questionnaire"), "answer": "ОГРН указан"})

    # The ЦПЭ approves, then МО РЭЦ.
    as_user(client, "cpe77@test.ru")
    check = task_link(client.get("/tasks?section=available").get_data(as_text=True), "Проверка Заявки в ЦПЭ")
    assert "ОГРН указан" in client.get(check).get_data(as_text=True)
    assert client.post(check, data={"decision": "approve"}).status_code == 303
    as_user(client, "mo@test.ru")
    approval = task_link(client.get("/tasks?section=available").get_data(as_text=True), "Согласование Заявки в МО РЭЦ")
    assert client.post(approval, data={"decision": "approve"}).status_code == 303

    instance = get_instance(instance.id)
    assert statuses(instance) == ["Новая", "На рассмотрении ЦПЭ", "На доработку", "На рассмотрении ЦПЭ",
                                  "На согласовании МО РЭЦ", "Ожидание документов от Клиента"]
    as_user(client, "client77@test.ru")
    assert "Ожидание документов от Клиента" in client.get("/my").get_data(as_text=True)
