"""Task forms tell assistive technology what a sighted user sees: which fields are required, which
are wrong, and which text (the error, the hint) describes each input, linked by id."""
from __future__ import annotations

import lxml.html
import pytest

from app.demo.samples import sample
from app.forms.schema import load_form
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login
from tests.form_posts import as_post
from tests.helpers import task_named


@pytest.fixture
def questionnaire_task(app, users):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client", region="77", company_name="ООО «Ромашка»",
                             company_inn="7707083893")
    return task_named(instance, "Подача Заявки")


def _described_by(page, element) -> list[str]:
    """The texts an input's aria-describedby points at; each id must be on the page."""
    texts = []
    for ref in (element.get("aria-describedby") or "").split():
        found = page.get_element_by_id(ref, None)
        assert found is not None, f"aria-describedby of {element.get('name')} points at a missing #{ref}"
        texts.append(found.text_content().strip())
    return texts


def test_required_fields_are_marked_for_screen_readers(client, questionnaire_task):
    login(client, "client77@test.ru")
    page = lxml.html.fromstring(client.get(f"/tasks/{questionnaire_task.task_id}").get_data(as_text=True))
    schema = load_form("application_questionnaire")
    required = [name for name in schema.get("required", []) if schema["properties"][name].get("type") == "string"]
    checked = []
    for name in required:
        (element,) = page.xpath(f'//*[@name="{name}" and not(@type="hidden")]')[:1] or [None]
        if element is None or element.get("type") == "radio":
            continue
        assert element.get("aria-required") == "true", name
        checked.append(name)
    assert len(checked) >= 5, checked
    for element in page.xpath("//*[@aria-describedby]"):
        assert all(_described_by(page, element))


def test_a_wrong_field_is_invalid_and_described_by_its_error(client, questionnaire_task):
    login(client, "client77@test.ru")
    data = sample("application_questionnaire", company_inn="123", contact_email="anna(at)romashka")
    del data["products_description"]
    response = client.post(f"/tasks/{questionnaire_task.task_id}", data=as_post("application_questionnaire", data))
    assert response.status_code == 422
    page = lxml.html.fromstring(response.get_data(as_text=True))
    for name, message in [("company_inn", "Неверный ИНН"), ("contact_email", "Неверный адрес электронной почты"),
                          ("products_description", "Обязательное поле")]:
        (element,) = page.xpath(f'//*[@name="{name}"]')
        assert element.get("aria-invalid") == "true", name
        assert any(message in text for text in _described_by(page, element)), name
    valid = page.xpath('//*[@name="company_name"]')[0]
    assert valid.get("aria-invalid") is None
