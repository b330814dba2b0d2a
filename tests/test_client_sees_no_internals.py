"""A client's pages speak in names: after the whole happy path, no text a client is shown holds a
staff e-mail, a role key, a SHA-256 or a form field's id (attributes such as input names are the
page's own business; what is read is the text)."""
from __future__ import annotations

import json
import re

import pytest
from lxml import html
from sqlalchemy import select

from app.extensions import db
from app.models import CaseEntry, User
from app.roles import Role
from app.statuses import ProcessId
from tests.conftest import ROOT, login
from tests.helpers import complete, task_named
from tests.test_notices import CPE, MO, people  # noqa: F401 - the fixture
from tests.test_regulation_paths import (ACT, AGREEMENT, CHECK, CONFIRMATION, CRM, EXECUTION, MO_APPROVAL,
                                         ORIGINALS, ROADMAP, ROADMAP_APPROVAL, SELECTION, SERVICE_APPROVAL)
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process

CLIENT = "client77@test.ru"
ROLE_KEYS = {r.value for r in Role} - {"client"}
MACHINE = {"system", "demo", "scenario", "setup", *(p.value for p in ProcessId)}
PHRASES = ("версия модели", " КБ)", "0.0 КБ")  # a version number means nothing to a client; sizes in bytes
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def field_ids() -> set[str]:
    """Every field id of every form: snake_case words a person never writes."""
    ids = set()
    for path in (ROOT / "forms").glob("*.json"):
        def walk(node):
            if isinstance(node, dict):
                for key, value in (node.get("properties") or {}).items():
                    ids.add(key)
                    walk(value)
                walk(node.get("items"))
        walk(json.loads(path.read_text()))
    return {i for i in ids if "_" in i}


def visible_text(page: str) -> str:
    tree = html.fromstring(page)
    for hidden in tree.xpath("//script|//style|//template"):
        hidden.drop_tree()
    return " ".join(tree.itertext())


@pytest.fixture
def served(app, people):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor=CLIENT, region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    instance = complete(instance, "Подача Заявки", actor=CLIENT)
    instance = complete(instance, CHECK, actor=CPE, decision="remarks", comment="Уточните сайт")
    instance = complete(instance, "Доработка Заявки Клиентом", actor=CLIENT)
    for name, actor, data in [(CHECK, CPE, {"decision": "approve"}), (MO_APPROVAL, MO, {"decision": "approve"}),
                              (ORIGINALS, CPE, {}), (SELECTION, CPE, {"decision": "approve"}),
                              (AGREEMENT, CPE, {"decision": "approve"}), (SERVICE_APPROVAL, MO, {"decision": "approve"}),
                              (ROADMAP, CPE, {}), (ROADMAP_APPROVAL, MO, {"decision": "approve"}),
                              (EXECUTION, CPE, {}), (ACT, CPE, {})]:
        instance = complete(instance, name, actor=actor, **data)
    confirmation = task_named(instance, CONFIRMATION).task_id
    second = start_process("marketplace_support", actor=CLIENT, region="77",
                           company_name="ООО «Ромашка»", company_inn="7707083893")
    second = complete(second, "Подача Заявки", actor=CLIENT)
    second = complete(second, CHECK, actor=CPE, decision="remarks", comment="Нет устава",
                      field_remarks=[{"field": "website", "remark": "Сайт не открывается"}])
    rework = task_named(second, "Доработка Заявки Клиентом").task_id
    return instance, [confirmation, rework]


def test_no_client_page_shows_a_staff_email_a_role_key_a_hash_or_a_field_id(client, served):
    instance, tasks = served
    db.session.commit()
    login(client, CLIENT)
    pages = ["/my", f"/applications/{instance.id}", "/notifications", "/notifications/settings",
             "/complaints/", *(f"/tasks/{t}" for t in tasks)]
    pages += [f"/applications/{instance.id}/case/{entry_id}" for entry_id in db.session.scalars(
        select(CaseEntry.id).where(CaseEntry.instance_id == instance.id))]
    staff = {u.email for u in db.session.scalars(select(User)) if not u.has_role(Role.CLIENT)}
    fields = field_ids()
    found = {}
    for path in pages:
        response = client.get(path)
        if response.status_code == 404:  # an entry between staff: not the client's to read
            continue
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        words = set(re.findall(r"[A-Za-z0-9_.@+-]+", text))
        bad = sorted((words & staff) | (words & ROLE_KEYS) | (words & fields) | (words & MACHINE)
                     | set(SHA256.findall(text)) | {p for p in PHRASES if p in text})
        if bad:
            found[path] = bad
    assert found == {}
    card = visible_text(client.get(f"/applications/{instance.id}").get_data(as_text=True))
    assert "ЦПЭ Москва (ЦПЭ, г. Москва)" in card  # what is read is the page as shown
