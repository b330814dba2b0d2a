"""One submission path: the page and the API refuse the same invalid input with the same field
errors, and both complete through ``tasks.submission`` (rights, checks, case file, drafts)."""
from __future__ import annotations

import html
import re

import pytest

from app.api import tokens
from app.applications import casefile
from app.models import TaskDraft
from app.extensions import db
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import complete, task_named
from tests.test_regulation_paths import AGREEMENT, CHECK, through_selection

INVALID = {
    "a required field left out": (CHECK, {"decision": "remarks"}),
    "a value outside the list": (CHECK, {"decision": "maybe", "comment": "?"}),
    "an operator that is not accredited": (AGREEMENT, {"operator_id": 999}),
    "a file that is not the application's": (AGREEMENT, {"agreement_scan": "999"}),
    "a date that is no date": (AGREEMENT, {"agreement_date": "2025-02-31"}),
    "a remark on no field of the questionnaire": (CHECK, {"decision": "remarks", "comment": "?", "field_remarks": [
        {"field": "no_such_field", "remark": "Исправьте"}]}),
}


@pytest.fixture
def deployed(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def _at(task_name: str):
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    instance = through_selection(instance) if task_name == AGREEMENT else complete(instance, "Подача Заявки")
    return instance, task_named(instance, task_name)


def _valid(instance, task) -> dict:
    """A valid answer to the task, so each case differs from it in one field only."""
    if task.name != AGREEMENT:
        return {}
    import io
    from werkzeug.datastructures import FileStorage
    from app.applications.documents import store_upload
    from app.demo.samples import sample
    from app.workflow.forms import form_of
    from tests.test_operators import make_operator
    operator = make_operator("ООО «Экспорт Онлайн»", 0, accredited=True)
    spec = form_of(instance, task.form)["properties"]["agreement_scan"]
    scan = store_upload(FileStorage(io.BytesIO(b"%PDF-1.4\n"), "s.pdf", content_type="application/pdf"),
                        instance_id=instance.id, task_id=task.task_id, field="agreement_scan", spec=spec,
                        uploaded_by="cpe77@test.ru")
    data = sample(task.form, operator_id=operator.id, agreement_scan=str(scan.id))
    data.pop("operator_name", None)
    return data


def _page_errors(client, task, base, data) -> set[tuple[str, str]]:
    posted = as_post(task.form, {**base, **data})
    answer = client.post(f"/tasks/{task.task_id}", data=posted)
    assert answer.status_code == 422, answer.status_code
    text = answer.get_data(as_text=True)
    return {(path.replace("-", "."), html.unescape(message).strip())
            for path, message in re.findall(r'<li><a href="#f-([^"]+)">[^<]*</a> — ([^<]+)</li>', text)}


def _api_errors(client, user, task, base, data) -> set[tuple[str, str]]:
    token = tokens.issue(user, "тест")[1]
    body = {**base, **data}
    answer = client.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": body},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    return {(e["field"], e["message"]) for e in answer.get_json()["error"]["errors"]}


@pytest.mark.parametrize("case", list(INVALID))
def test_the_page_and_the_api_refuse_the_same_input_with_the_same_field_errors(app, client, users, deployed, case):
    name, data = INVALID[case]
    instance, task = _at(name)
    base = _valid(instance, task)
    login(client, "cpe77@test.ru")
    page = _page_errors(client, task, base, data)
    api = _api_errors(app.test_client(), users["cpe77"], task, base, data)
    assert len(page) == 1 and page == api


def test_a_completion_writes_its_entry_and_drops_the_drafts_in_one_go(app, client, users, deployed):
    instance, task = _at(CHECK)
    login(client, "cpe77@test.ru")
    client.post(f"/tasks/{task.task_id}", data={"_action": "draft", "decision": "approve"})
    assert db.session.query(TaskDraft).filter_by(task_id=task.task_id).count() == 1
    answer = client.post(f"/tasks/{task.task_id}", data={"_action": "complete", "decision": "approve"})
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.query(TaskDraft).filter_by(task_id=task.task_id).count() == 0
    entry = casefile.of_task(task.task_id)
    assert (entry.kind, entry.actor, entry.data) == ("check", "cpe77@test.ru", {"decision": "approve"})


def test_both_doors_refuse_another_region_and_a_task_taken_by_someone_else(app, client, users, deployed):
    from app.tasks import claims
    instance, task = _at(CHECK)
    login(client, "cpe66@test.ru")
    assert client.post(f"/tasks/{task.task_id}", data={"decision": "approve"}).status_code == 404
    claims.claim(task.task_id, users["head77"])
    other = app.test_client()
    login(other, "cpe77@test.ru")
    assert other.post(f"/tasks/{task.task_id}", data={"decision": "approve"}).status_code == 403
    token = tokens.issue(users["cpe77"], "тест")[1]
    answer = app.test_client().post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": {"decision": "approve"}},
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "claimed_by_other"
    assert "Руководитель ЦПЭ Москва" in answer.get_json()["error"]["message"]  # a name, not an e-mail
