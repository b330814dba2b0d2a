"""Filing on the client's behalf: КБ РЭЦ or the region's ЦПЭ files the application and fills
step 1 for the client, with the questionnaire's signed scan the form then requires; the check
reaches the ЦПЭ of the region, and the history says who filed on whose behalf, by names."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.api import tokens
from app.demo.samples import sample
from app.extensions import db
from app.models import AuditEvent, CaseEntry, OpenTask
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import assert_restores, task_named

SUBMIT = "Подача Заявки"
CHECK = "Проверка Заявки в ЦПЭ"
ROMASHKA = {"company_name": "ООО «Ромашка»", "company_inn": "7707083893", "region": "77"}
PDF = b"%PDF-1.4\n% signed by the head of the company\n%%EOF\n"
SCAN_MISSING = "Приложите скан анкеты, подписанной уполномоченным лицом Клиента: заявка подаётся от его имени"


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


@pytest.fixture
def api(client, users, kb):
    people = {**users, "kb": kb}
    issued: dict[str, str] = {}

    def call(who: str, method: str, path: str, **kwargs):
        if who not in issued:
            issued[who] = tokens.issue(people[who], "тест")[1]
        return client.open(path, method=method, headers={"Authorization": f"Bearer {issued[who]}"}, **kwargs)
    return call


def questionnaire(**changes) -> dict:
    return sample("application_questionnaire", company_name="ООО «Ромашка»", company_inn="7707083893", **changes)


def listed(api, who: str, instance_id: int) -> list[str]:
    body = api(who, "GET", "/api/v1/tasks?per_page=100").get_json()
    return [t["name"] for t in body["items"] if t["application_id"] == instance_id]


def test_kb_rec_files_fills_step_1_with_the_signed_scan_and_the_check_reaches_the_regions_cpe(api, model, kb):
    created = api("kb", "POST", "/api/v1/applications", json=ROMASHKA)
    assert created.status_code == 201, created.get_json()
    application = created.get_json()["id"]
    [task] = [t for t in created.get_json()["tasks"] if t["name"] == SUBMIT]
    assert task["role"] == "client"
    # КБ РЭЦ finds it in its task list, and the form it gets asks for the signed scan.
    assert listed(api, "kb", application) == [SUBMIT]
    detail = api("kb", "GET", f"/api/v1/tasks/{task['id']}").get_json()
    assert detail["on_behalf_of"] == "client"
    assert "signed_questionnaire" in detail["form_schema"]["required"]
    assert detail["form_schema"]["properties"]["signed_questionnaire"]["x-widget"] == "file"

    # Without the scan: refused, naming the field, and nothing moves.
    refused = api("kb", "POST", f"/api/v1/tasks/{task['id']}/complete", json={"data": questionnaire()})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["field"] == "signed_questionnaire" and error["message"] == SCAN_MISSING
    assert get_instance(application).application_status == "Новая"

    uploaded = api("kb", "POST", f"/api/v1/tasks/{task['id']}/documents", content_type="multipart/form-data",
                   data={"field": "signed_questionnaire", "file": (io.BytesIO(PDF), "Анкета с подписью.pdf")})
    assert uploaded.status_code == 201, uploaded.get_json()
    done = api("kb", "POST", f"/api/v1/tasks/{task['id']}/complete",
               json={"data": questionnaire(signed_questionnaire=uploaded.get_json()["value"])})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["application_status"] == "На рассмотрении ЦПЭ"
    assert_restores(get_instance(application))

    # Step 2 is in the list of the ЦПЭ of 77, not of 66's, nor still КБ РЭЦ's.
    assert listed(api, "cpe77", application) == [CHECK]
    assert listed(api, "cpe66", application) == []
    assert listed(api, "kb", application) == []
    completed = [h for h in done.get_json()["history"] if h["action"] == "completed"]
    assert [(h["actor"], h["on_behalf_of"]) for h in completed] == [("kb@test.ru", "client")]
    entry = db.session.scalar(select(CaseEntry).where(CaseEntry.instance_id == application,
                                                      CaseEntry.kind == "questionnaire"))
    assert (entry.actor, entry.on_behalf_of) == ("kb@test.ru", "client")
    assert [d["name"] for d in entry.documents] == ["Анкета с подписью.pdf"]


def test_the_history_names_who_filed_on_whose_behalf_by_names(api, client, model, kb):
    application = api("kb", "POST", "/api/v1/applications", json=ROMASHKA).get_json()["id"]
    task = task_named(get_instance(application), SUBMIT)
    scan = api("kb", "POST", f"/api/v1/tasks/{task.task_id}/documents", content_type="multipart/form-data",
               data={"field": "signed_questionnaire", "file": (io.BytesIO(PDF), "scan.pdf")}).get_json()["value"]
    api("kb", "POST", f"/api/v1/tasks/{task.task_id}/complete", json={"data": questionnaire(signed_questionnaire=scan)})
    login(client, "cpe77@test.ru")
    card = client.get(f"/applications/{application}").get_data(as_text=True)
    assert "Игорь Семёнов, КБ РЭЦ <span class=\"muted\">КБ РЭЦ от имени Клиента ООО «Ромашка»</span>" in card
    assert "kb@test.ru" not in card
    entry = db.session.scalar(select(CaseEntry.id).where(CaseEntry.instance_id == application,
                                                         CaseEntry.kind == "questionnaire"))
    page = client.get(f"/applications/{application}/case/{entry}").get_data(as_text=True)
    assert "Игорь Семёнов, КБ РЭЦ (КБ РЭЦ от имени Клиента ООО «Ромашка»)" in page and "kb@test.ru" not in page
    assert "Скан анкеты, подписанной уполномоченным лицом Клиента" in page and "scan.pdf" in page
    # The ЦПЭ checking step 2 reads the questionnaire with its signed scan.
    check = task_named(get_instance(application), CHECK)
    questionnaire_shown = client.get(f"/tasks/{check.task_id}").get_data(as_text=True).split('id="questionnaire"', 1)[1]
    assert "Скан анкеты, подписанной уполномоченным лицом Клиента" in questionnaire_shown
    assert "scan.pdf" in questionnaire_shown


def test_the_cpe_of_the_region_fills_step_1_on_the_page_and_the_scan_is_required_there(client, users, model):
    login(client, "cpe77@test.ru")
    filed = client.post("/applications/new", data={"company_name": "ООО «Ромашка»", "company_inn": "7707083893"})
    assert filed.status_code == 303
    instance = db.session.scalars(select(OpenTask).where(OpenTask.name == SUBMIT)).one()
    assert get_instance(instance.instance_id).region == "77"  # a ЦПЭ files in its own region
    card = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert f'href="/tasks/{instance.task_id}"' in card and "можно заполнить от имени Клиента" in card
    page = client.get(f"/tasks/{instance.task_id}").get_data(as_text=True)
    assert "Вы заполняете задачу от имени Клиента ООО «Ромашка»" in page
    assert 'name="signed_questionnaire"' in page

    refused = client.post(f"/tasks/{instance.task_id}", data=as_post("application_questionnaire", questionnaire()))
    assert refused.status_code == 422
    assert SCAN_MISSING in refused.get_data(as_text=True)
    posted = as_post("application_questionnaire", questionnaire())
    posted["signed_questionnaire"] = (io.BytesIO(PDF), "Анкета.pdf")
    done = client.post(f"/tasks/{instance.task_id}", data=posted, content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:500]
    after = get_instance(instance.instance_id)
    assert after.application_status == "На рассмотрении ЦПЭ"
    assert task_named(after, CHECK).region == "77"
    history = client.get(f"/applications/{after.id}").get_data(as_text=True)
    assert "ЦПЭ Москва (ЦПЭ, г. Москва) <span class=\"muted\">ЦПЭ от имени Клиента ООО «Ромашка»</span>" in history


def test_another_regions_cpe_and_other_roles_may_not_fill_it(api, model, kb):
    application = api("kb", "POST", "/api/v1/applications", json=ROMASHKA).get_json()["id"]
    task = task_named(get_instance(application), SUBMIT)
    assert api("cpe66", "GET", f"/api/v1/tasks/{task.task_id}").status_code == 404  # not its region's
    assert api("mo", "GET", f"/api/v1/tasks/{task.task_id}").status_code == 403
    assert api("cpe77", "GET", f"/api/v1/tasks/{task.task_id}").status_code == 200
    assert api("client77", "GET", f"/api/v1/tasks/{task.task_id}").get_json()["on_behalf_of"] is None


def test_a_clients_own_application_stays_the_clients_to_fill_without_a_scan(api, client, model, users):
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    task = task_named(instance, SUBMIT)
    assert api("kb", "GET", f"/api/v1/tasks/{task.task_id}").status_code == 403
    assert api("cpe77", "POST", f"/api/v1/tasks/{task.task_id}/claim").status_code == 403
    assert listed(api, "cpe77", instance.id) == []
    # The client's own form has no scan field: sent anyway, it is an undeclared field.
    schema = api("client77", "GET", f"/api/v1/tasks/{task.task_id}").get_json()["form_schema"]
    assert "signed_questionnaire" not in schema["properties"]
    login(client, "client77@test.ru")
    assert 'name="signed_questionnaire"' not in client.get(f"/tasks/{task.task_id}").get_data(as_text=True)
    extra = api("client77", "POST", f"/api/v1/tasks/{task.task_id}/complete",
                json={"data": questionnaire(signed_questionnaire="1")})
    assert extra.status_code == 422 and extra.get_json()["error"]["field"] == "signed_questionnaire"
    done = api("client77", "POST", f"/api/v1/tasks/{task.task_id}/complete", json={"data": questionnaire()})
    assert done.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                       AuditEvent.action == "completed"))
    assert event.on_behalf_of is None
