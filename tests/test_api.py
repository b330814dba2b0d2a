"""The REST API: tokens, every endpoint's answer and errors, the OpenAPI document, and the whole
remarks loop driven through the API alone."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import tokens
from app.demo.samples import sample
from app.extensions import db
from app.forms.on_behalf import as_filed
from app.forms.schema import load_form
from app.models import ApiToken, Document
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login
from tests.helpers import complete, task_named

CHECK = "Проверка Заявки в ЦПЭ"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


@pytest.fixture
def token(users):
    """The API token of a user of the ``users`` fixture, by short name (issued once per test)."""
    issued: dict[str, str] = {}

    def token_of(who: str) -> str:
        if who not in issued:
            issued[who] = tokens.issue(users[who], "тест")[1]
        return issued[who]
    return token_of


@pytest.fixture
def api(client, token):
    """``api(who, method, path, **kwargs)``: a request with ``who``'s bearer token."""
    def call(who: str | None, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if who:
            headers["Authorization"] = f"Bearer {token(who)}"
        return client.open(path, method=method, headers=headers, **kwargs)
    return call


def new(region="77", name="ООО «Ромашка»", inn="7707083893"):
    return start_process("marketplace_support", actor="client", region=region, company_name=name, company_inn=inn)


def at_check(region="77", name="ООО «Ромашка»", inn="7707083893"):
    return complete(new(region, name, inn), "Подача Заявки")


def error_of(response, status: int, code: str | None = None) -> dict:
    """The error body of a JSON error answer, checked for its shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)[:200]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "field", "errors"}
    assert error["message"] and not error["message"].isascii()  # a Russian sentence for a person
    if code:
        assert error["code"] == code
    return error


# -- tokens ---------------------------------------------------------------------------------
def test_no_token_a_wrong_one_a_revoked_one_or_a_disabled_account_is_401(api, client, users, model, token):
    missing = client.get("/api/v1/tasks")
    assert "Authorization: Bearer" in error_of(missing, 401, "unauthorized")["message"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(client.get("/api/v1/tasks", headers={"Authorization": "Basic YTpi"}), 401)
    assert "отозван" in error_of(client.get("/api/v1/tasks", headers={"Authorization": "Bearer nonsense"}),
                                 401)["message"]
    assert api("cpe77", "GET", "/api/v1/tasks").status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == users["cpe77"].id))
    tokens.revoke(row.id)
    assert "отозван" in error_of(api("cpe77", "GET", "/api/v1/tasks"), 401)["message"]
    assert api("mo", "GET", "/api/v1/tasks").status_code == 200
    users["mo"].is_active = False
    db.session.commit()
    assert "отключена" in error_of(api("mo", "GET", "/api/v1/tasks"), 401)["message"]


def test_a_browser_session_does_not_open_the_api_and_csrf_does_not_stop_a_token(app, client, api, users, model):
    login(client, "client77@test.ru")
    error_of(client.post("/api/v1/applications"), 401)  # cookies alone: what a forged request has
    app.config["WTF_CSRF_ENABLED"] = True
    assert api("client77", "POST", "/api/v1/applications").status_code == 201


def test_only_the_tokens_hash_is_stored_and_its_use_is_recorded(api, users, model, clock, token):
    secret = token("cpe77")
    row = db.session.scalar(select(ApiToken))
    assert secret not in (row.token_hash, row.name) and row.token_hash == tokens.hash_token(secret)
    assert len(secret) >= 43 and row.last_used_at is None
    api("cpe77", "GET", "/api/v1/tasks")
    db.session.refresh(row)
    assert row.last_used_at == clock.now()
    clock.advance(timedelta(seconds=10))
    api("cpe77", "GET", "/api/v1/tasks")
    db.session.refresh(row)
    assert row.last_used_at == clock.now() - timedelta(seconds=10)  # not rewritten on every request
    clock.advance(timedelta(minutes=2))
    api("cpe77", "GET", "/api/v1/tasks")
    db.session.refresh(row)
    assert row.last_used_at == clock.now()


def test_the_cli_issues_lists_and_revokes_tokens(app, client, users, model):
    runner = _runner_with_stderr_apart(app)
    issued = runner.invoke(args=["users", "token", "cpe77@test.ru", "--name", "ЛК РЭЦ"])
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip()
    assert "\n" not in secret and "больше не будет показан" in issued.stderr
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    row = db.session.scalar(select(ApiToken))
    listed = runner.invoke(args=["users", "tokens", "cpe77@test.ru"]).stdout
    assert "ЛК РЭЦ" in listed and "действует" in listed and secret not in listed
    revoked = runner.invoke(args=["users", "revoke-token", str(row.id)])
    assert revoked.exit_code == 0 and "отозван" in revoked.stdout
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    assert "был отозван раньше" in runner.invoke(args=["users", "revoke-token", str(row.id)]).stdout
    assert runner.invoke(args=["users", "revoke-token", "999"]).exit_code == 1
    assert runner.invoke(args=["users", "token", "nobody@test.ru", "--name", "x"]).exit_code == 1
    assert runner.invoke(args=["users", "token", "cpe77@test.ru", "--name", "  "]).exit_code == 1


def _runner_with_stderr_apart(app):
    # Click before 8.2 mixes stderr into stdout unless told not to; later ones keep them apart.
    import inspect
    from click.testing import CliRunner
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return app.test_cli_runner(mix_stderr=False)
    return app.test_cli_runner()


# -- the OpenAPI document -------------------------------------------------------------------
def test_openapi_is_public_valid_and_describes_every_api_route(app, client):
    from openapi_spec_validator import validate
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "Authorization: Bearer <токен>"}
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api"):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", f"{{{argument}}}").replace(f"<{argument}>", f"{{{argument}}}")
            routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == described
    shared = document["components"]["parameters"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path != "/api/openapi.json":
                assert "401" in operation["responses"], (path, method)
            named = {shared[p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"]
                     for p in operation.get("parameters", [])}
            assert {p[1:-1] for p in path.split("/") if p.startswith("{")} <= named, (path, method)


def conforms(document: dict, schema: str, value) -> None:
    """``value`` is valid against the document's component schema ``schema`` (refs resolved, formats checked)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    registry = Registry().with_resource("urn:vitrina-api", Resource.from_contents(document, DRAFT202012))
    Draft202012Validator({"$ref": f"urn:vitrina-api#/components/schemas/{schema}"}, registry=registry,
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(value)


def test_answers_match_the_documents_schemas(api, client, users, model):
    document = client.get("/api/openapi.json").get_json()
    filed = api("client77", "POST", "/api/v1/applications").get_json()
    conforms(document, "Application", filed)
    questionnaire = filed["tasks"][0]["id"]
    conforms(document, "TaskDetail", api("client77", "GET", f"/api/v1/tasks/{questionnaire}").get_json())
    uploaded = api("client77", "POST", f"/api/v1/tasks/{questionnaire}/documents", content_type="multipart/form-data",
                   data={"field": "promo_materials", "file": (io.BytesIO(PDF), "scan.pdf")}).get_json()
    conforms(document, "Document", uploaded)
    conforms(document, "Error", api("client77", "POST", f"/api/v1/tasks/{questionnaire}/complete",
                                    json={"data": {}}).get_json())
    done = api("client77", "POST", f"/api/v1/tasks/{questionnaire}/complete",
               json={"data": sample("application_questionnaire", promo_materials=uploaded["value"])}).get_json()
    conforms(document, "Application", done)
    conforms(document, "ApplicationList", api("cpe77", "GET", "/api/v1/applications").get_json())
    listed = api("cpe77", "GET", "/api/v1/tasks").get_json()
    conforms(document, "TaskList", listed)
    conforms(document, "Task", api("cpe77", "POST", f"/api/v1/tasks/{listed['items'][0]['id']}/claim").get_json())
    conforms(document, "Error", client.get("/api/v1/tasks").get_json())


# -- applications ---------------------------------------------------------------------------
def test_a_client_files_for_their_company(api, users, model):
    response = api("client77", "POST", "/api/v1/applications")
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/applications/{body['id']}"
    assert (body["company"], body["region"], body["application_status"]) == (
        {"name": "ООО «Ромашка»", "inn": "7707083893"}, "77", "Новая")
    [task] = body["tasks"]
    assert (task["name"], task["role"], task["form"], task["step"]) == (
        "Подача Заявки", "client", "application_questionnaire", "1")
    assert body["started_at"].endswith("+03:00") and body["history"][0]["action"] == "started"
    refused = api("client77", "POST", "/api/v1/applications", json={"company_inn": "6658021226"})
    assert "своей компании" in error_of(refused, 403, "forbidden")["message"]


def test_staff_file_on_behalf_of_a_company_within_their_region(api, users, model, fast_hashing):
    from app.accounts import create_user
    from tests.conftest import PASSWORD
    users["kb"] = create_user("kb@test.ru", "КБ РЭЦ", PASSWORD, {"kb_rec"})
    gems = {"company_name": "ООО «Уральские самоцветы»", "company_inn": "6658021226", "region": "66"}
    honey = {"company_name": "АО «Сибирский мёд»", "company_inn": "7736050003", "region": "77"}
    made = api("cpe77", "POST", "/api/v1/applications", json=honey)
    assert made.status_code == 201 and made.get_json()["company"]["name"] == "АО «Сибирский мёд»"
    assert "своём регионе" in error_of(api("cpe77", "POST", "/api/v1/applications", json=gems), 403)["message"]
    assert api("kb", "POST", "/api/v1/applications", json=gems).get_json()["region"] == "66"
    assert error_of(api("mo", "POST", "/api/v1/applications", json=gems), 403)
    assert error_of(api("admin", "POST", "/api/v1/applications", json=gems), 403)


@pytest.mark.parametrize("body,field,message", [
    ({"company_inn": "7736050003", "region": "77"}, "company_name", "Укажите название компании"),
    ({"company_name": "ООО «Мёд»", "region": "77"}, "company_inn", "Укажите ИНН компании"),
    ({"company_name": "ООО «Мёд»", "company_inn": "7736050004", "region": "77"}, "company_inn",
     "Неверный ИНН: контрольная сумма не сходится"),
    ({"company_name": "ООО «Мёд»", "company_inn": "12345", "region": "77"}, "company_inn",
     "Неверный ИНН: ожидается 10 цифр для организации или 12 для ИП"),
    ({"company_name": "ООО «Мёд»", "company_inn": "7736050003", "region": "Москва"}, "region",
     "Неверный код региона"),
])
def test_filing_names_the_field_at_fault(api, users, model, body, field, message):
    error = error_of(api("cpe77", "POST", "/api/v1/applications", json=body), 422, "invalid")
    assert error["field"] == field and error["message"].startswith(message)
    assert error["errors"] == [{"field": field, "message": error["message"]}]


@pytest.mark.parametrize("raw,problem", [
    ('{"company_name": "ООО", }', "Неверный JSON: имя поля должно быть в двойных кавычках (строка 1, позиция 25)"),
    ("{'company_name': 1}", "Неверный JSON: имя поля должно быть в двойных кавычках (строка 1, позиция 2)"),
    ('{"company_name": "ООО"', "Неверный JSON: пропущена запятая"),
    ("[1, 2]", "Ожидается JSON-объект {…}, а пришёл массив"),
    ('"text"', "Ожидается JSON-объект {…}, а пришёл строка"),
    ('{"company_name": 5}', "Поле «company_name» должно быть строкой, а пришёл число"),
])
def test_bad_json_is_a_400_that_names_the_problem(api, users, model, raw, problem):
    response = api("cpe77", "POST", "/api/v1/applications", data=raw.encode(), content_type="application/json")
    assert error_of(response, 400, "bad_json")["message"].startswith(problem)


def test_filing_with_no_model_deployed_is_503(api, users):
    assert error_of(api("client77", "POST", "/api/v1/applications"), 503, "nothing_deployed")


def test_the_application_list_is_what_the_caller_sees_paged_and_filtered(api, users, model):
    a, b = at_check(), new()
    gems = new("66", "ООО «Уральские самоцветы»", "6658021226")
    listed = api("cpe77", "GET", "/api/v1/applications").get_json()
    assert [i["id"] for i in listed["items"]] == [b.id, a.id] and listed["total"] == 2
    assert [i["id"] for i in api("cpe66", "GET", "/api/v1/applications").get_json()["items"]] == [gems.id]
    assert [i["id"] for i in api("mo", "GET", "/api/v1/applications").get_json()["items"]] == [gems.id, b.id, a.id]
    second = api("mo", "GET", "/api/v1/applications?per_page=2&page=2").get_json()
    assert (second["items"][0]["id"], second["page"], second["per_page"], second["total"]) == (a.id, 2, 2, 3)
    filtered = api("mo", "GET", "/api/v1/applications", query_string={"status": "На рассмотрении ЦПЭ"}).get_json()
    assert [i["id"] for i in filtered["items"]] == [a.id]
    for query, field in [("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
                         ("page=x", "page"), ("per_page=²", "per_page")]:
        assert error_of(api("mo", "GET", f"/api/v1/applications?{query}"), 400)["field"] == field


def test_an_application_with_statuses_open_tasks_and_history(api, users, model):
    instance = at_check()
    body = api("cpe77", "GET", f"/api/v1/applications/{instance.id}").get_json()
    assert (body["application_status"], body["service_status"], body["state"], body["process"]) == (
        "На рассмотрении ЦПЭ", None, "running", "marketplace_support")
    [task] = body["tasks"]
    assert (task["name"], task["role"], task["region"], task["assignee"]) == (CHECK, "cpe", "77", None)
    assert task["normative_due"].endswith("+03:00") and task["ready_at"]
    actions = [(h["action"], h["element"], h["status_from"], h["status_to"]) for h in body["history"]]
    assert ("completed", "Подача Заявки", None, None) in actions
    assert ("status", actions[-1][1], "Новая", "На рассмотрении ЦПЭ") == actions[-1]
    assert error_of(api("cpe66", "GET", f"/api/v1/applications/{instance.id}"), 404, "not_found")
    assert error_of(api("client66", "GET", f"/api/v1/applications/{instance.id}"), 404)
    assert error_of(api("cpe77", "GET", "/api/v1/applications/999999"), 404)


def test_routing_errors_under_the_api_are_json_too(api, users, model):
    assert error_of(api("cpe77", "GET", "/api/v1/applications/abc"), 404, "not_found")
    assert error_of(api(None, "GET", "/api/v2/nothing"), 404)
    assert error_of(api("cpe77", "GET", "/api/v1/tasks/x/claim"), 405, "method_not_allowed")
    assert error_of(api("cpe77", "DELETE", "/api/v1/applications"), 405)
    assert api(None, "GET", "/no-such-page").content_type.startswith("text/html")  # pages stay pages


# -- tasks ----------------------------------------------------------------------------------
def test_the_task_list_follows_the_task_list_rules(api, users, model):
    a, b = at_check(), at_check()
    at_check("66", "ООО «Уральские самоцветы»", "6658021226")
    mine = task_named(a, CHECK).task_id
    api("cpe77", "POST", f"/api/v1/tasks/{mine}/claim")
    default = api("cpe77", "GET", "/api/v1/tasks").get_json()
    assert default["section"] == "open" and default["total"] == 2
    assert {t["application"]["id"] for t in default["items"]} == {a.id, b.id}
    assert [t["id"] for t in api("cpe77", "GET", "/api/v1/tasks?section=mine").get_json()["items"]] == [mine]
    assert [t["application_id"] for t in api("cpe77", "GET", "/api/v1/tasks?section=available").get_json()["items"]
            ] == [b.id]
    overdue = api("cpe77", "GET", "/api/v1/tasks?section=overdue").get_json()
    assert overdue["total"] == 0 and set(overdue["counts"]) == {"mine", "available", "overdue", "today", "open"}
    assert api("cpe66", "GET", "/api/v1/tasks").get_json()["total"] == 1
    assert api("client77", "GET", "/api/v1/tasks").get_json()["total"] == 0  # the check is the ЦПЭ's
    assert api("head77", "GET", "/api/v1/tasks?section=all").get_json()["total"] == 2
    error = error_of(api("cpe77", "GET", "/api/v1/tasks?section=all"), 400)
    assert error["field"] == "section" and "open, mine, available, overdue, today" in error["message"]
    paged = api("cpe77", "GET", "/api/v1/tasks?per_page=1&page=2").get_json()
    assert len(paged["items"]) == 1 and paged["total"] == 2


def test_a_task_comes_with_its_form_schema(api, users, model):
    instance = new()
    task = task_named(instance, "Подача Заявки")
    body = api("client77", "GET", f"/api/v1/tasks/{task.task_id}").get_json()
    # The client's own filing: without the fields a filing on its behalf adds (the signed scan).
    assert body["form_schema"] == as_filed(load_form("application_questionnaire"), on_behalf=False)
    assert "signed_questionnaire" not in body["form_schema"]["properties"]
    assert (body["form"], body["application"]["id"], body["on_behalf_of"]) == (
        "application_questionnaire", instance.id, None)
    assert "другая роль" in error_of(api("cpe77", "GET", f"/api/v1/tasks/{task.task_id}"), 403, "forbidden")["message"]
    assert error_of(api("client66", "GET", f"/api/v1/tasks/{task.task_id}"), 404)
    assert error_of(api("client77", "GET", "/api/v1/tasks/no-such-task"), 404)
    complete(instance, "Подача Заявки")
    assert error_of(api("client77", "GET", f"/api/v1/tasks/{task.task_id}"), 409, "task_done")
    assert error_of(api("client66", "GET", f"/api/v1/tasks/{task.task_id}"), 404)  # nothing to tell others


def test_claim_and_unclaim(api, users, model):
    task = task_named(at_check(), CHECK).task_id
    claimed = api("cpe77", "POST", f"/api/v1/tasks/{task}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "cpe77@test.ru"
    assert api("cpe77", "POST", f"/api/v1/tasks/{task}/claim").status_code == 200  # twice: still mine
    taken = error_of(api("head77", "POST", f"/api/v1/tasks/{task}/claim"), 409, "already_claimed")
    assert "ЦПЭ Москва" in taken["message"]  # a person by name
    assert error_of(api("head77", "GET", f"/api/v1/tasks/{task}"), 403, "claimed_by_other")
    assert error_of(api("head77", "POST", f"/api/v1/tasks/{task}/complete", json={"data": {"decision": "approve"}}),
                    403, "claimed_by_other")
    assert error_of(api("head77", "POST", f"/api/v1/tasks/{task}/unclaim"), 409, "conflict")
    assert error_of(api("mo", "POST", f"/api/v1/tasks/{task}/claim"), 403, "forbidden")
    assert error_of(api("cpe66", "POST", f"/api/v1/tasks/{task}/claim"), 404)
    released = api("cpe77", "POST", f"/api/v1/tasks/{task}/unclaim")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    history = api("cpe77", "GET", f"/api/v1/applications/{released.get_json()['application_id']}").get_json()["history"]
    assert [(h["action"], h["actor"], h["assignee"]) for h in history if h["action"].endswith("claimed")] == [
        ("claimed", "cpe77@test.ru", "cpe77@test.ru"), ("unclaimed", "cpe77@test.ru", None)]


def test_completion_errors_name_the_field_and_a_second_completion_is_409(api, users, model):
    instance = at_check()
    task = task_named(instance, CHECK).task_id
    url = f"/api/v1/tasks/{task}/complete"
    error = error_of(api("cpe77", "POST", url, json={"data": {"decision": "remarks"}}), 422, "invalid_data")
    assert error["field"] == "comment"
    assert error["errors"] == [{"field": "comment", "message": "Укажите комментарий: он будет направлен Клиенту"}]
    wrong = error_of(api("cpe77", "POST", url, json={"data": {"decision": "maybe", "extra": 1}}), 422)
    assert wrong["field"] == "decision" and [e["field"] for e in wrong["errors"]] == ["decision", "extra"]
    assert error_of(api("cpe77", "POST", url, json={"decision": "approve"}), 400, "bad_json")["field"] == "data"
    assert error_of(api("cpe77", "POST", url, json={"data": ["approve"]}), 400)["field"] == "data"
    assert error_of(api("cpe77", "POST", url, data="decision=approve"), 400, "bad_json")
    assert error_of(api("cpe77", "POST", url), 400, "bad_json")["message"].startswith("Пустое тело")
    done = api("cpe77", "POST", url, json={"data": {"decision": "approve"}})
    assert done.status_code == 200 and done.get_json()["application_status"] == "На согласовании МО РЭЦ"
    assert error_of(api("cpe77", "POST", url, json={"data": {"decision": "approve"}}), 409, "task_done")


def test_files_are_uploaded_for_a_file_field_and_must_be_the_applications_own(api, users, model):
    theirs, mine = new(), new()
    theirs_task = task_named(theirs, "Подача Заявки").task_id
    task = task_named(mine, "Подача Заявки").task_id
    url = f"/api/v1/tasks/{task}/documents"

    def upload(task_id=task, field="promo_materials", name="scan.pdf", content=PDF):
        return api("client77", "POST", f"/api/v1/tasks/{task_id}/documents", content_type="multipart/form-data",
                   data={"field": field, "file": (io.BytesIO(content), name)})
    stored = upload()
    assert stored.status_code == 201
    document = stored.get_json()
    assert (document["field"], document["name"], document["content_type"]) == (
        "promo_materials", "scan.pdf", "application/pdf")
    assert error_of(upload(field="company_inn"), 422)["field"] == "field"
    assert "Недопустимый тип файла" in error_of(upload(name="virus.exe"), 422)["message"]
    assert error_of(api("client77", "POST", url, data={"field": "promo_materials"}), 422)["field"] == "file"
    foreign = upload(task_id=theirs_task).get_json()["value"]
    data = sample("application_questionnaire", promo_materials=foreign)
    error = error_of(api("client77", "POST", f"/api/v1/tasks/{task}/complete", json={"data": data}), 422)
    assert error["field"] == "promo_materials" and "Файл не найден" in error["message"]
    data["promo_materials"] = document["value"]
    assert api("client77", "POST", f"/api/v1/tasks/{task}/complete", json={"data": data}).status_code == 200
    assert db.session.get(Document, document["id"]).instance_id == mine.id


# -- the whole loop -------------------------------------------------------------------------
def test_the_remarks_loop_and_approvals_through_the_api(api, users, model):
    def only_task(who, application_id, name):
        tasks = api(who, "GET", f"/api/v1/applications/{application_id}").get_json()["tasks"]
        assert [t["name"] for t in tasks] == [name]
        return tasks[0]["id"]

    def done(who, task_id, data):
        response = api(who, "POST", f"/api/v1/tasks/{task_id}/complete", json={"data": data})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    filed = api("client77", "POST", "/api/v1/applications").get_json()
    app_id = filed["id"]
    form = api("client77", "GET", f"/api/v1/tasks/{filed['tasks'][0]['id']}").get_json()["form_schema"]
    assert "company_ogrn" in form["required"]
    after = done("client77", filed["tasks"][0]["id"], sample("application_questionnaire"))
    assert after["application_status"] == "На рассмотрении ЦПЭ"

    available = api("cpe77", "GET", "/api/v1/tasks?section=available").get_json()["items"]
    [check] = [t for t in available if t["application_id"] == app_id]
    assert check["name"] == CHECK and check["application"]["company"]["inn"] == "7707083893"
    assert api("cpe77", "POST", f"/api/v1/tasks/{check['id']}/claim").get_json()["assignee"] == "cpe77@test.ru"
    assert [t["id"] for t in api("cpe77", "GET", "/api/v1/tasks?section=mine").get_json()["items"]] == [check["id"]]
    done("cpe77", check["id"], {"decision": "remarks", "comment": "Нет ОГРН"})
    assert api("client77", "GET", f"/api/v1/applications/{app_id}").get_json()["application_status"] == "На доработку"

    rework = only_task("client77", app_id, "Доработка Заявки Клиентом")
    assert [t["id"] for t in api("client77", "GET", "/api/v1/tasks").get_json()["items"]] == [rework]
    assert done("client77", rework, sample("application_rework"))["application_status"] == "На рассмотрении ЦПЭ"
    done("cpe77", only_task("cpe77", app_id, CHECK), {"decision": "approve"})
    approval = only_task("mo", app_id, "Согласование Заявки в МО РЭЦ")
    assert error_of(api("cpe77", "POST", f"/api/v1/tasks/{approval}/complete", json={"data": {"decision": "approve"}}),
                    403)
    final = done("mo", approval, {"decision": "approve"})
    assert final["application_status"] == "Ожидание документов от Клиента"

    seen = api("client77", "GET", f"/api/v1/applications/{app_id}").get_json()
    assert [h["status_to"] for h in seen["history"] if h["status_line"] == "application_status"] == [
        "Новая", "На рассмотрении ЦПЭ", "На доработку", "На рассмотрении ЦПЭ", "На согласовании МО РЭЦ",
        "Ожидание документов от Клиента"]
    assert [(h["actor"], h["element"]) for h in seen["history"] if h["action"] == "completed"] == [
        ("client77@test.ru", "Подача Заявки"), ("cpe77@test.ru", CHECK),
        ("client77@test.ru", "Доработка Заявки Клиентом"),
        ("cpe77@test.ru", CHECK), ("mo@test.ru", "Согласование Заявки в МО РЭЦ")]
    assert error_of(api("client66", "GET", f"/api/v1/applications/{app_id}"), 404)
