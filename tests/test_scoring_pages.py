"""The score and why, on the pages of the ЦПЭ (step 2) and of the client (the application card)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.demo.samples import sample
from app.extensions import db
from app.models import ProcessInstance
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import ROOT, login
from tests.form_posts import as_post


@pytest.fixture
def submitted(app, client, users):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    login(client, "client77@test.ru")
    questionnaire = client.post("/my/applications").headers["Location"]
    page = client.get(questionnaire).get_data(as_text=True)
    assert "Скоринг (Приложение 2). Готовность к экспорту" in page  # Appendix 2 is part of step 1
    response = client.post(questionnaire, data=as_post("application_questionnaire", sample("application_questionnaire")))
    assert response.status_code == 303
    client.post("/logout")
    return db.session.scalar(select(ProcessInstance))


def test_cpe_checking_the_application_sees_the_score_and_why(client, submitted):
    login(client, "cpe77@test.ru")
    available = client.get("/tasks?section=available").get_data(as_text=True)
    check = re.search(r'href="(/tasks/[0-9a-f-]{36})">Проверка Заявки в ЦПЭ<', available).group(1)
    page = client.get(check).get_data(as_text=True)
    assert "Скоринг (Приложение 2)" in page and "84 баллов" in page
    assert "Высокая готовность к экспорту через ЭТП" in page
    assert "Опыт экспорта в другие страны" in page and "+6" in page
    assert "B2C: розничные маркетплейсы" in page


def test_client_sees_the_score_on_the_card_of_their_application(client, submitted):
    login(client, "client77@test.ru")
    page = client.get(f"/applications/{submitted.id}").get_data(as_text=True)
    assert "84 баллов" in page and "Почему столько баллов" in page and "Рекомендуемые площадки" in page


def test_another_regions_cpe_cannot_see_the_score(client, submitted):
    login(client, "cpe66@test.ru")
    assert client.get(f"/applications/{submitted.id}").status_code == 404


def test_invalid_scoring_answer_is_named_in_russian(client, app, users):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    login(client, "client77@test.ru")
    questionnaire = client.post("/my/applications").headers["Location"]
    data = sample("application_questionnaire", shelf_life_9m=False)
    data.pop("ships_before_deal")
    response = client.post(questionnaire, data=as_post("application_questionnaire", data))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Компания готова вывозить товар за территорию страны до момента сделки" in page
    assert "Если срок годности менее 9 месяцев, укажите срок, месяцев" in page
    assert db.session.scalar(select(ProcessInstance)).application_status == "Новая"
