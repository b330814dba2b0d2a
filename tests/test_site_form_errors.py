"""The site's own forms (not the task forms) link an error to its field as the task forms do: the
input is aria-invalid and described by its error, which names the field in Russian; required
inputs say so (``app/templates/_forms.html``)."""
from __future__ import annotations

import lxml.html
import pytest

from app.operators import accreditation
from tests.conftest import login
from tests.test_form_accessibility import _described_by
from tests.test_operators import make_operator
from tests.test_roadmap import executing, model  # noqa: F401  (model is a fixture)


def _page(response, status: int):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return lxml.html.fromstring(response.get_data(as_text=True))


def _invalid(page, element_id: str, words: str) -> None:
    element = page.get_element_by_id(element_id)
    assert element.get("aria-invalid") == "true", element_id
    assert any(words in text for text in _described_by(page, element)), _described_by(page, element)


def test_the_operator_form_marks_required_fields_and_links_the_error_to_its_field(client, users):
    login(client, "mo@test.ru")
    blank = lxml.html.fromstring(client.get("/operators/new").get_data(as_text=True))
    assert [blank.get_element_by_id(n).get("aria-required") for n in ("name", "inn", "ogrn", "phone")] == \
        ["true", "true", "true", None]
    page = _page(client.post("/operators/new", data={"name": "ООО «Тест»", "inn": "123", "ogrn": ""}), 422)
    _invalid(page, "inn", "ИНН")
    assert page.get_element_by_id("name").get("aria-invalid") is None


def test_the_operator_card_links_a_missing_mark_a_comment_and_a_decision_to_their_fields(client, users):
    operator = make_operator("ООО «Экспорт Онлайн»")
    accreditation.decide(operator, "review", None, actor="mo@test.ru")
    login(client, "mo@test.ru")
    card = lxml.html.fromstring(client.get(f"/operators/{operator.id}").get_data(as_text=True))
    assert card.get_element_by_id("met_1").get("aria-required") == "true"
    page = _page(client.post(f"/operators/{operator.id}/requirements/1", data={"comment": ""}), 422)
    _invalid(page, "met_1", "Результат проверки требования № 1: отметьте")
    page = _page(client.post(f"/operators/{operator.id}/requirements/8", data={"met": "false"}), 422)
    _invalid(page, "comment_8", "Комментарий к требованию № 8")
    page = _page(client.post(f"/operators/{operator.id}/decision", data={}), 422)
    _invalid(page, "decision", "Решение: выберите")
    page = _page(client.post(f"/operators/{operator.id}/decision", data={"decision": "refuse"}), 422)
    _invalid(page, "reason", "Причина: укажите")
    page = _page(client.post(f"/operators/{operator.id}/users", data={"email": "nobody@test.ru"}), 422)
    _invalid(page, "link-email", "Нет пользователя с таким e-mail")


def test_a_refused_notification_setting_is_linked_to_its_kind(client, users):
    login(client, "cpe77@test.ru")
    page = _page(client.post("/notifications/settings", data={"deadline_near": "weekly"}), 400)
    group = page.xpath('//fieldset[@id="kind-deadline_near"]//*[@role="radiogroup"]')[0]
    assert group.get("aria-invalid") == "true" and group.get("aria-required") == "true"
    assert any("«Подходит срок»: выберите один из способов" in t for t in _described_by(page, group))


def test_a_wrong_roadmap_mark_is_described_by_its_error(client, users, model):
    instance = executing()
    login(client, "cpe77@test.ru")
    page = _page(client.post(f"/applications/{instance.id}/roadmap/marks", data={"done.2": "32.13.2025"}), 422)
    _invalid(page, "f-done-2", "Неверная дата выполнения: ожидается ДД.ММ.ГГГГ")


@pytest.mark.parametrize("name,words", [("", "Укажите назначение токена"), ("x" * 201, "Назначение токена длиннее")])
def test_a_token_without_a_fit_name_is_refused_next_to_the_name(client, users, name, words):
    login(client, "admin@test.ru")
    page = _page(client.post(f"/admin/users/{users['cpe77'].id}/tokens/", data={"name": name}), 422)
    assert page.get_element_by_id("name").get("aria-required") == "true"
    _invalid(page, "name", words)
