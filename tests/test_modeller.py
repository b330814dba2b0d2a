"""The modeller's endpoints: open a version or a draft, validate, save a draft, deploy; who may."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from app.accounts import create_user
from app.accounts.names import display_name
from app.extensions import db
from app.models import BackgroundJob, Deployment, ModelDeploy, ModelDraft
from app.modeller import deploys
from app.roles import Role
from app.workflow.deployments import current_deployment, deploy_bundle, read_bundle
from app.workflow.instances import start_process
from app.workflow.runtime import runtime
from tests.conftest import PASSWORD, ROOT, login
from tests.helpers import complete, task_named
from tests.test_modelcheck_causes import without_flow

MAIN = "marketplace_support.bpmn"
CHECK = "Проверка Заявки в ЦПЭ"
STEP_2_NORMATIVE = '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">deadline(2)</bpmn:timeDate>'


@pytest.fixture
def shipped(app):
    deployment, _ = deploy_bundle(read_bundle(ROOT / "bpmn"), actor="seed")
    return deployment


@pytest.fixture
def owner(app, users, shipped):
    return create_user("owner@test.ru", "Владелец Процесса", PASSWORD, {Role.PROCESS_OWNER})


@pytest.fixture
def owner_client(client, owner):
    login(client, owner.email)
    return client


def shipped_files() -> dict[str, str]:
    return {name: content.decode("utf-8") for name, content in read_bundle(ROOT / "bpmn").items()}


def with_step_2_deadline(days: int) -> dict[str, str]:
    """The shipped bundle with the normative deadline of step 2 (the first such timer) changed."""
    files = shipped_files()
    assert STEP_2_NORMATIVE in files[MAIN]
    files[MAIN] = files[MAIN].replace(STEP_2_NORMATIVE, STEP_2_NORMATIVE.replace("(2)", f"({days})"), 1)
    return files


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(Deployment))


def deploy_and_wait(client, body: dict) -> dict:
    """POST /modeller/deploy (it only queues the job), wait for the job, and read its state as the page does."""
    answer = client.post("/modeller/deploy", json=body)
    assert answer.status_code == 202, answer.get_json()
    queued = answer.get_json()
    deploys.wait(queued["deploy"], timeout=120)
    db.session.expire_all()
    state = client.get(queued["status_url"])
    assert state.status_code == 200
    return state.get_json()


def test_owner_opens_the_current_version_with_every_file_as_text(owner_client, shipped):
    answer = owner_client.get("/modeller/bundle.json")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["source"] == {"kind": "version", "id": shipped.id, "label": f"версия № {shipped.id}",
                              "base_version": shipped.id}
    assert body["files"] == shipped_files()


def test_editor_page_loads_the_modeler_the_panel_and_the_words_it_offers(owner_client, shipped):
    page = owner_client.get("/modeller/edit").get_data(as_text=True)
    assert "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page
    assert "/vendor/dmn-js/dmn-modeler.production.min.js" in page
    assert "modeller/panel.js" in page and "modeller/timers.js" in page and "modeller/spiffworkflow.json" in page
    assert f'data-bundle-url="/modeller/bundle.json?version={shipped.id}"' in page
    vocabulary = json.loads(re.search(r'id="modeller-vocabulary">(.*?)</script>', page, re.S).group(1))
    check = next(f for f in vocabulary["forms"] if f["name"] == "application_check")
    assert check["title"] == "Проверка заявки" and check["fields"]
    assert "На рассмотрении ЦПЭ" in vocabulary["statuses"]["marketplace_support"]["application_status"]
    assert "Консультация оказана" in vocabulary["statuses"]["consultation"]["application_status"]
    assert [k["value"] for k in vocabulary["deadline_kinds"]] == ["normative", "indicative", "client_wait",
                                                                  "report_period"]


def test_validate_accepts_the_shipped_model(owner_client, shipped):
    answer = owner_client.post("/modeller/validate", json={"files": shipped_files()})
    assert answer.status_code == 200
    assert answer.get_json() == {"ok": True, "problems": []}


def test_validate_names_file_element_and_reason_of_each_problem(owner_client, shipped):
    files = shipped_files()
    files[MAIN] = files[MAIN].replace('name="application_status" value="На рассмотрении ЦПЭ"',
                                      'name="application_status" value="На рассмотрении у соседа"')
    answer = owner_client.post("/modeller/validate", json={"files": files})
    body = answer.get_json()
    assert answer.status_code == 200 and body["ok"] is False
    problem = next(p for p in body["problems"] if p["element_id"] == "step_2_check")
    assert problem["file"] == MAIN
    assert problem["element_name"] == CHECK
    assert "На рассмотрении у соседа" in problem["reason"] and "vocabulary" in problem["reason"]


def test_validate_gives_a_missing_flow_as_one_problem_with_its_consequences_folded(owner_client, shipped):
    files = without_flow(read_bundle(ROOT / "bpmn"), "flow_step_2_check__gw_step_2")
    body = owner_client.post("/modeller/validate", json={"files": {n: c.decode() for n, c in files.items()}}).get_json()
    assert body["ok"] is False and len(body["problems"]) == 1
    [problem] = body["problems"]
    assert {"file", "element_id", "element_name", "reason", "text"} <= set(problem)  # as the page and tests read it
    assert (problem["element_id"], problem["element_name"]) == ("step_2_check", CHECK)
    assert problem["reason"].startswith(f"У элемента «{CHECK}» нет исходящего потока")
    following = {c["element_id"] for c in problem["consequences"]}
    assert {"scoring_advice", "gw_step_2", "end_service_recorded"} <= following
    assert all(c["consequences"] == [] and c["file"] == MAIN for c in problem["consequences"])


def test_saved_draft_keeps_the_files_who_and_when_and_opens_again(owner_client, owner, shipped, clock):
    files = with_step_2_deadline(3)
    answer = owner_client.post("/modeller/drafts", json={"files": files, "comment": "Срок шага 2: 3 р.д.",
                                                         "base_version": shipped.id})
    assert answer.status_code == 201
    draft = db.session.get(ModelDraft, answer.get_json()["id"])
    assert (draft.saved_by, draft.saved_at, draft.comment, draft.base_deployment_id) == (
        owner.email, clock.now(), "Срок шага 2: 3 р.д.", shipped.id)
    assert answer.get_json()["url"] == f"/modeller/edit?draft={draft.id}"

    opened = owner_client.get(f"/modeller/bundle.json?draft={draft.id}").get_json()
    assert opened["source"]["kind"] == "draft" and opened["source"]["base_version"] == shipped.id
    assert opened["files"] == files
    index = owner_client.get("/modeller/").get_data(as_text=True)
    assert f'data-draft="{draft.id}"' in index and "31.10.2025 10:00" in index
    assert display_name(owner.email) in index and owner.email not in index  # staff by name, never by e-mail
    assert versions() == 1  # a draft is not deployed


def test_a_saved_draft_that_does_not_validate_is_kept_all_the_same(owner_client, shipped):
    files = shipped_files()
    files[MAIN] = files[MAIN].replace("deadline(2)", "deadline(", 1)
    answer = owner_client.post("/modeller/drafts", json={"files": files})
    assert answer.status_code == 201
    assert db.session.get(ModelDraft, answer.get_json()["id"]).file_map()[MAIN] == files[MAIN].encode()


def test_deploy_makes_a_new_version_by_the_user_and_new_applications_take_it(owner_client, owner, shipped, clock):
    old = start_process("marketplace_support", actor="client77@test.ru", region="77",
                        company_name="ООО «Ромашка»", company_inn="7707083893")
    old = complete(old, "Подача Заявки")

    answer = deploy_and_wait(owner_client, {"files": with_step_2_deadline(3), "comment": "3 р.д."})
    assert answer["state"] == "deployed"
    version = db.session.get(Deployment, answer["version"])
    assert answer["created"] is True and version.id != shipped.id
    assert (version.deployed_by, version.comment, current_deployment().id) == (owner.email, "3 р.д.", version.id)

    new = start_process("marketplace_support", actor="client77@test.ru", region="77",
                        company_name="ООО «Ромашка»", company_inn="7707083893")
    new = complete(new, "Подача Заявки")
    assert (old.deployment_id, new.deployment_id) == (shipped.id, version.id)
    old_task, new_task = task_named(old, CHECK), task_named(new, CHECK)
    calendar = runtime().calendar
    assert old_task.normative_due == calendar.deadline(old_task.ready_at, 2)
    assert new_task.normative_due == calendar.deadline(new_task.ready_at, 3)
    assert calendar.working_days_between(old_task.normative_due.date(), new_task.normative_due.date()) == 1


def test_refused_deploy_shows_the_problems_and_keeps_the_previous_version(owner_client, shipped):
    files = shipped_files()
    files[MAIN] = files[MAIN].replace('name="form" value="application_check"', 'name="form" value="no_such_form"')
    answer = owner_client.post("/modeller/deploy", json={"files": files})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "model_invalid" and "прежняя версия" in error["message"]
    assert any(p["element_id"] == "step_2_check" and "no_such_form" in p["reason"] for p in error["problems"])
    assert versions() == 1 and current_deployment().id == shipped.id


def test_deploying_the_deployed_bundle_again_is_no_new_version(owner_client, shipped):
    answer = deploy_and_wait(owner_client, {"files": shipped_files()})
    assert (answer["state"], answer["version"], answer["created"]) == ("deployed", shipped.id, False)
    assert versions() == 1


@pytest.mark.parametrize("body, field", [
    ({"files": {}}, "files"),
    ({"files": "<xml/>"}, "files"),
    ({"files": {"../etc/passwd.bpmn": "<x/>"}}, "files.../etc/passwd.bpmn"),
    ({"files": {"main.bpmn": ""}}, "files.main.bpmn"),
    ({"files": {"main.bpmn": 42}}, "files.main.bpmn"),
    ({"files": {"scoring.dmn": "<definitions/>"}}, "files"),
    ({"files": {"main.bpmn": "<x/>"}, "comment": 5}, "comment"),
    ({"files": {"main.bpmn": "<x/>"}, "base_version": "one"}, "base_version"),
    ([1, 2], "files"),
])
def test_bad_bundles_are_refused_naming_the_field(owner_client, shipped, body, field):
    for url in ("/modeller/validate", "/modeller/drafts", "/modeller/deploy"):
        answer = owner_client.post(url, json=body)
        assert answer.status_code == 400, url
        error = answer.get_json()["error"]
        assert error["field"] == field and re.search("[а-я]", error["message"]), (url, error)
    assert versions() == 1 and db.session.scalar(select(func.count()).select_from(ModelDraft)) == 0


def test_a_body_that_is_not_json_is_refused_in_russian(owner_client, shipped):
    answer = owner_client.post("/modeller/validate", data="files=1", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400 and "JSON" in answer.get_json()["error"]["message"]


def test_malformed_xml_is_a_problem_not_a_server_error(owner_client, shipped):
    files = shipped_files()
    files[MAIN] = files[MAIN][:500]
    body = owner_client.post("/modeller/validate", json={"files": files}).get_json()
    assert body["ok"] is False and body["problems"][0]["file"] == MAIN


@pytest.mark.parametrize("query, status", [("version=abc", 400), ("version=999", 404), ("draft=999", 404),
                                           ("draft=-1", 400)])
def test_opening_what_does_not_exist_is_a_clear_error(owner_client, shipped, query, status):
    assert owner_client.get(f"/modeller/bundle.json?{query}").status_code == status
    assert owner_client.get(f"/modeller/edit?{query}").status_code == status


def test_an_earlier_version_opens_by_its_number(owner_client, shipped):
    deploy_and_wait(owner_client, {"files": with_step_2_deadline(3)})
    body = owner_client.get(f"/modeller/bundle.json?version={shipped.id}").get_json()
    assert body["source"]["id"] == shipped.id and "deadline(2)" in body["files"][MAIN]
    assert owner_client.get("/modeller/bundle.json").get_json()["source"]["id"] != shipped.id


@pytest.mark.parametrize("who", ["cpe77", "client77", "mo", "head77"])
def test_other_roles_may_not_open_the_modeller(client, users, shipped, who):
    login(client, users[who].email)
    for path in ("/modeller/", "/modeller/edit", "/modeller/bundle.json"):
        assert client.get(path).status_code == 403, path
    for path in ("/modeller/validate", "/modeller/drafts", "/modeller/deploy"):
        assert client.post(path, json={"files": with_step_2_deadline(3)}).status_code == 403, path
    assert versions() == 1 and db.session.scalar(select(func.count()).select_from(ModelDraft)) == 0
    assert "Модель процесса" not in client.get("/notifications").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, shipped):
    answer = client.get("/modeller/edit")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.post("/modeller/deploy", json={"files": shipped_files()}).status_code in (302, 401)
    assert versions() == 1


def test_admin_may_model_and_sees_the_link(client, users, shipped):
    login(client, users["admin"].email)
    assert client.get("/modeller/bundle.json").status_code == 200
    assert 'href="/modeller/"' in client.get("/notifications").get_data(as_text=True)


def test_json_posts_need_the_csrf_token_of_the_page(app, owner_client, shipped):
    app.config["WTF_CSRF_ENABLED"] = True
    files = with_step_2_deadline(3)
    refused = owner_client.post("/modeller/deploy", json={"files": files})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    assert versions() == 1
    page = owner_client.get("/modeller/edit").get_data(as_text=True)
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    answer = owner_client.post("/modeller/deploy", json={"files": files}, headers={"X-CSRFToken": token})
    assert answer.status_code == 202
    deploys.wait(answer.get_json()["deploy"], timeout=120)
    assert versions() == 2


def test_the_app_serves_the_modeler_and_dmn_js_but_nothing_else_of_node_modules(client):
    from app.views.vendor import node_modules
    if not (node_modules() / "dmn-js").is_dir():
        pytest.skip("node_modules/dmn-js is missing: run scripts/bootstrap")
    for path in ("/vendor/bpmn-js/bpmn-modeler.production.min.js", "/vendor/dmn-js/dmn-modeler.production.min.js",
                 "/vendor/dmn-js/assets/dmn-js-decision-table.css", "/vendor/dmn-js/assets/dmn-font/font/dmn.woff2"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "immutable" in answer.headers["Cache-Control"]
    for path in ("/vendor/dmn-js/package.json", "/vendor/dmn-js/../bpmn-js/package.json",
                 "/vendor/dmn-js/dmn-modeler.development.js"):
        assert client.get(path).status_code == 404, path


def test_deploy_only_queues_the_job_and_the_version_appears_when_it_has_run(app, owner_client, shipped, monkeypatch):
    started = []
    monkeypatch.setattr("app.jobs.inprocess.ThreadRunner.start", lambda self, kind, key, args: started.append(key))
    answer = owner_client.post("/modeller/deploy", json={"files": with_step_2_deadline(3), "comment": "3 р.д."})
    assert answer.status_code == 202
    body = answer.get_json()
    assert body["job"] == f"deploy_with_scenarios:{body['deploy']}" and started == [body["job"]]
    assert body["state"] == "queued" and versions() == 1  # nothing deployed by the request itself
    row = db.session.get(ModelDeploy, body["deploy"])
    assert (row.requested_by, row.comment) == ("owner@test.ru", "3 р.д.")
    assert "deadline(3)" in row.file_map()[MAIN].decode()
    assert db.session.scalar(select(BackgroundJob.state).where(BackgroundJob.key == body["job"])) == "queued"
    from app.jobs import functions
    from app.statuses import JobKind
    functions.run(JobKind.DEPLOY_WITH_SCENARIOS, {"deploy_id": body["deploy"]})  # what the worker does
    state = owner_client.get(body["status_url"]).get_json()
    assert state["state"] == "deployed" and state["version"] == current_deployment().id != shipped.id
    assert current_deployment().comment == "3 р.д."


def test_a_diverging_scenario_is_listed_and_nothing_is_deployed_until_the_owner_deploys_anyway(app, owner_client, shipped):
    app.config["VITRINA_DEPLOY_SCENARIOS"] = True
    changed = with_step_2_deadline(3)
    state = deploy_and_wait(owner_client, {"files": changed, "comment": "3 р.д."})
    assert state["state"] == "diverged" and state["version"] is None
    assert state["done"] == state["total"] > 1  # every scenario ran, the progress says so
    rows = state["divergences"]
    happy = [r for r in rows if r["file"] == "happy_path.yaml"]
    assert happy and happy[0]["scenario"] == "Основной путь (шаги 1–13)"
    assert happy[0]["step"].startswith("шаг 1 «Подача Заявки»")
    assert "05.11.2025" in happy[0]["expected"] and "06.11.2025" in happy[0]["got"]
    assert not any("bpmn/scenarios" in str(value) for row in rows for value in row.values())
    assert versions() == 1 and current_deployment().id == shipped.id

    anyway = owner_client.post(state["anyway_url"])
    assert anyway.status_code == 200 and anyway.get_json()["state"] == "deployed"
    version = current_deployment()
    assert version.id == anyway.get_json()["version"] != shipped.id
    assert version.comment.startswith("3 р.д. [развёрнуто с расхождениями со сценариями модели: ")
    assert "Основной путь (шаги 1–13)" in version.comment
    assert version.file_map()[MAIN] == changed[MAIN].encode()  # the stored bundle, not a re-sent one
    row = db.session.get(ModelDeploy, state["id"])
    assert (row.forced_by, row.forced_at is not None, version.deployed_by) == ("owner@test.ru", True, "owner@test.ru")
    again = owner_client.post(state["anyway_url"])
    assert again.status_code == 409 and re.search("[а-я]", again.get_json()["error"]["message"])
    assert versions() == 2


def test_the_deploy_job_run_twice_deploys_once_and_a_job_cut_off_starts_over(app, owner_client, shipped):
    from app.jobs import functions
    from app.statuses import DeployState, JobKind
    state = deploy_and_wait(owner_client, {"files": with_step_2_deadline(3)})
    assert state["state"] == "deployed" and versions() == 2
    functions.run(JobKind.DEPLOY_WITH_SCENARIOS, {"deploy_id": state["id"]})  # a retry of a finished job
    assert versions() == 2
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == f"deploy_with_scenarios:{state['id']}"))
    assert (job.state, job.attempts, job.completions) == ("done", 2, 1)

    # A worker killed after the version was stored but with the row still «running»: the rerun
    # starts over, finds the version deployed and records it; still one new version.
    row = db.session.get(ModelDeploy, state["id"])
    row.state, row.deployment_id = DeployState.RUNNING, None
    db.session.commit()
    functions.run(JobKind.DEPLOY_WITH_SCENARIOS, {"deploy_id": state["id"]})
    db.session.expire_all()
    row = db.session.get(ModelDeploy, state["id"])
    assert (row.state, row.deployment_id, versions()) == ("deployed", state["version"], 2)


def test_the_scenarios_page_shows_each_scenario_by_name(owner_client, shipped):
    page = owner_client.get("/modeller/scenarios")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Основной путь (шаги 1–13)" in text and 'id="happy_path.yaml"' in text
    assert "bpmn/scenarios" not in text


def test_deploy_status_of_an_unknown_deploy_is_404(owner_client, shipped):
    assert owner_client.get("/modeller/deploys/999").status_code == 404
    assert owner_client.post("/modeller/deploys/999/anyway").status_code == 404
