"""Rework edits the original (2.1, 3.1): the remarks are written once in the decision and reach
the client as written, beside the fields they concern; the client corrects the questionnaire as
last filed; the resubmission is its next version, scored again; the ЦПЭ sees what changed."""
from __future__ import annotations

import re

import pytest

from app.applications import casefile
from app.applications.scoring import scoring_of
from app.demo.samples import sample
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.forms import form_of
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT
from tests.form_posts import as_post
from tests.helpers import complete, ready, task_named, task_page_as as page

CHECK = "Проверка Заявки в ЦПЭ"
REWORK = "Доработка Заявки Клиентом"
MO_APPROVAL = "Согласование Заявки в МО РЭЦ"
MO_REMARKS = "Формирование и отправка замечаний по Заявке"


@pytest.fixture
def filed(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    return complete(instance, "Подача Заявки", actor="client77@test.ru")


def post(client, instance, name: str, data) -> None:
    response = client.post(f"/tasks/{task_named(get_instance(instance.id), name).task_id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 303, re.findall(r'<li><a href="#f-[^"]*">.*?</li>', html)


def field_block(html: str, name: str) -> str:
    """The form's block of field ``name``: from its label (or legend) to the next field."""
    start = html.index(f'id="f-{name}"') if f'for="f-{name}"' not in html else html.index(f'for="f-{name}"')
    start = html.rindex('class="field', 0, start)
    following = re.compile(r'class="field[ "]').search(html, start + 10)
    return html[start:following.start() if following else None]


def test_the_cpe_writes_remarks_once_and_the_client_sees_them_beside_the_fields(client, users, filed):
    html = page(client, "cpe77@test.ru", filed, CHECK)
    assert re.search(r'<option value="website"\s*>Сайт компании</option>', html)  # the questionnaire's fields
    post(client, filed, CHECK, {"decision": "remarks", "comment": "Уточните сведения о компании",
                                "field_remarks.0.field": "website", "field_remarks.0.remark": "Сайт не открывается",
                                "field_remarks.1.field": "head_position", "field_remarks.1.remark": "Полностью"})
    instance = get_instance(filed.id)
    assert ready(instance) == [REWORK] and instance.application_status == "На доработку"
    html = page(client, "client77@test.ru", instance, REWORK)
    top = html[html.index('id="remarks-to-fix"'):html.index("</section>", html.index('id="remarks-to-fix"'))]
    assert "Уточните сведения о компании" in top and "Сайт компании</a>: Сайт не открывается" in top
    assert "Сайт не открывается" in field_block(html, "website")
    assert "Полностью" in field_block(html, "head_position") and "Сайт не открывается" not in field_block(
        html, "head_position")
    assert "Замечание" not in field_block(html, "company_ogrn")
    # The questionnaire is open as filed: every answer is there to correct.
    assert 'value="https://romashka.example"' in html and 'value="1027700132195"' in html
    assert 'name="answer"' in html and 'id="questionnaire"' not in html


def test_a_resubmission_is_the_questionnaires_next_version_scored_again_and_marked_changed(client, users, filed):
    before = scoring_of(filed).total
    complete(filed, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Проверьте срок годности",
             field_remarks=[{"field": "shelf_life_9m", "remark": "Срок годности — 6 месяцев"}])
    page(client, "client77@test.ru", filed, REWORK)
    data = {**casefile.latest(filed.id, "questionnaire").data, "shelf_life_9m": False, "shelf_life_months": 6,
            "answer": "Исправил срок"}
    post(client, filed, REWORK, as_post("application_rework", data))
    instance = get_instance(filed.id)
    assert ready(instance) == [CHECK]
    first, second = casefile.versions(instance.id, "questionnaire")
    assert (first.version, second.version, second.step, second.form) == (1, 2, "2.1", "application_rework")
    changes = casefile.changes(first, second, form_of(instance, "application_rework"))
    assert [(c.field, c.before, c.after) for c in changes] == [("shelf_life_9m", True, False),
                                                               ("shelf_life_months", None, 6)]  # the note is no change
    after = scoring_of(instance)
    assert after.total != before and after.previous_total == before and after.runs == 2

    html = page(client, "cpe77@test.ru", instance, CHECK)
    shown = html[html.index('id="questionnaire"'):html.index("</details>", html.index('id="questionnaire"'))]
    assert shown.count('class="changed-mark"') == 2 and 'id="changed-shelf_life_9m"' in shown
    assert "Изменено с версии 1" in shown and "2 поля" in shown
    summary = shown[shown.index('class="changes"'):shown.index("</div>", shown.index('class="changes"'))]
    assert "Срок годности продукции равен или превышает 9 месяцев" in summary
    assert '<span class="was">Да</span>' in summary and '<span class="now">Нет</span>' in summary
    assert f"{after.total} баллов" in html and f"до исправления: {before} баллов" in html
    assert "Исправил срок" in html  # the client's note, in the remarks and comments


def test_mo_rec_remarks_reach_the_client_as_written_through_the_cpe(client, users, filed):
    instance = complete(filed, CHECK, actor="cpe77@test.ru", decision="approve")
    complete(instance, MO_APPROVAL, actor="mo@test.ru", decision="remarks", comment="Уточните ТН ВЭД",
             field_remarks=[{"field": "tnved_codes", "remark": "Код ТН ВЭД — 10 цифр"}])
    html = page(client, "cpe77@test.ru", instance, MO_REMARKS)  # 3.1: the ЦПЭ sends them on, not retyping
    approval = html[html.index('id="approval"'):html.index("</details>", html.index('id="approval"'))]
    assert "Уточните ТН ВЭД" in approval and "Код ТН ВЭД — 10 цифр" in approval and "Классификация" in approval
    assert 'name="remarks"' not in html
    post(client, instance, MO_REMARKS, {"comment": "Просим исправить до пятницы"})
    html = page(client, "client77@test.ru", instance, REWORK)
    top = html[html.index('id="remarks-to-fix"'):html.index("</section>", html.index('id="remarks-to-fix"'))]
    assert "Уточните ТН ВЭД" in top and "Просим исправить до пятницы" in top and "МО РЭЦ" in top
    assert "Код ТН ВЭД — 10 цифр" in field_block(html, "tnved_codes")
    assert "mo@test.ru" not in html and "cpe77@test.ru" not in html


def test_a_remark_names_a_field_of_the_questionnaire_or_is_refused_on_its_cell(client, users, filed):
    page(client, "cpe77@test.ru", filed, CHECK)
    task = task_named(get_instance(filed.id), CHECK)
    response = client.post(f"/tasks/{task.task_id}", data={
        "decision": "remarks", "comment": "Есть замечания",
        "field_remarks.0.field": "no_such_field", "field_remarks.0.remark": "Исправьте"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Замечания к полям анкеты, строка 1: Поле анкеты</a> — Выберите значение из списка" in html
    assert ready(get_instance(filed.id)) == [CHECK]


def test_answered_remarks_are_not_shown_again_on_a_fresh_rework(client, users, filed):
    complete(filed, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Первое замечание",
             field_remarks=[{"field": "website", "remark": "Сайт не открывается"}])
    instance = complete(filed, REWORK, actor="client77@test.ru",
                        **{k: v for k, v in casefile.latest(filed.id, "questionnaire").data.items()})
    complete(instance, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Второе замечание")
    html = page(client, "client77@test.ru", instance, REWORK)
    assert "Второе замечание" in html[html.index('id="remarks-to-fix"'):]
    assert "Сайт не открывается" not in field_block(html, "website")


def test_the_rework_form_declares_what_it_reopens_and_the_check_what_it_decides_on():
    from app.forms.schema import load_form
    rework, check = load_form("application_rework"), load_form("application_check")
    assert (rework["x-case"], rework["x-opens-with"], rework["x-remarks"]) == ("questionnaire", "latest",
                                                                               ["check", "approval"])
    assert set(load_form("application_questionnaire")["properties"]) < set(rework["properties"])
    field = check["properties"]["field_remarks"]["items"]["properties"]["field"]
    assert "answer" not in field["enum"] and {"company_ogrn", "shelf_life_9m"} <= set(field["enum"])
    assert check["x-shows"] == ["questionnaire"] and sample("application_rework")["answer"]


def test_the_api_gives_the_rework_the_questionnaire_as_filed_and_the_remarks_by_field(app, users, filed):
    from app.api import tokens
    complete(filed, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Уточните сайт",
             field_remarks=[{"field": "website", "remark": "Сайт не открывается"}])
    task = task_named(get_instance(filed.id), REWORK)
    token = tokens.issue(users["client77"], "ЛК")[1]
    body = app.test_client().get(f"/api/v1/tasks/{task.task_id}",
                                 headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["initial_data"]["website"] == "https://romashka.example" and "answer" not in body["initial_data"]
    assert body["remarks"]["comment"] == "Уточните сайт" and body["remarks"]["by"] == "ЦПЭ Москва"
    assert body["remarks"]["fields"] == [{"field": "website", "title": "Сайт компании",
                                          "remarks": ["Сайт не открывается"]}]
    check = complete(get_instance(filed.id), REWORK, actor="client77@test.ru", **body["initial_data"])
    token = tokens.issue(users["cpe77"], "ЛК")[1]
    detail = app.test_client().get(f"/api/v1/tasks/{task_named(check, CHECK).task_id}",
                                   headers={"Authorization": f"Bearer {token}"}).get_json()
    assert detail["initial_data"] == {} and detail["remarks"] is None
    field = detail["form_schema"]["properties"]["field_remarks"]["items"]["properties"]["field"]
    assert "website" in field["enum"] and "Сайт компании" in field["x-enum-titles"]


def test_the_rework_page_shows_the_remarks_it_answers_once_and_earlier_rounds_below(client, users, filed):
    complete(filed, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Первый круг замечаний")
    complete(filed, REWORK, actor="client77@test.ru", answer="Исправили")
    complete(filed, CHECK, actor="cpe77@test.ru", decision="remarks", comment="Второй круг замечаний")
    html = page(client, "client77@test.ru", get_instance(filed.id), REWORK)
    assert html.count("Второй круг замечаний") == 1  # on top only, not again in the history
    history = html[html.index('id="remarks"'):]
    assert "Прежние замечания и комментарии" in history and "Первый круг замечаний" in history
