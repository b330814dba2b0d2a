"""Intake windows (5.2): filing only inside the region's window, the next date and the consultation
offer outside it, on the page and in the API; the admin pages and their region isolation."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.api import tokens
from app.extensions import db
from app.intake.windows import save_window
from app.models import IntakeWindow, ProcessInstance
from app.workflow.deployments import deploy_bundle, read_bundle
from tests.conftest import ROOT, login, moscow


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


def window(users, region: str, opens_on: str, closes_on: str) -> IntakeWindow:
    return save_window(users["admin"], None, region=region, opens_on=opens_on, closes_on=closes_on)


@pytest.fixture
def closed77(users):
    """Region 77 on 31.10.2025: September's window is over, December's is planned."""
    window(users, "77", "2025-09-01", "2025-09-30")
    window(users, "77", "2025-12-01", "2025-12-31")


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.issue(user, 'тест')[1]}"}


def applications() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessInstance)
                             .where(ProcessInstance.process_id == "marketplace_support"))


def test_client_page_outside_the_window_gives_the_next_date_and_offers_a_consultation(client, users, model, closed77):
    login(client, "client77@test.ru")
    refused = client.post("/my/applications")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Следующий период приёма откроется 01.12.2025" in html
    assert 'action="/my/consultation"' in html and "Подать заявку на консультацию" in html
    assert applications() == 0
    my = client.get("/my").get_data(as_text=True)
    assert "сейчас закрыт" in my and "01.12.2025" in my and 'action="/my/consultation"' in my


def test_api_outside_the_window_is_409_with_next_opens_and_the_offer(client, users, model, closed77):
    response = client.post("/api/v1/applications", headers=bearer(users["client77"]))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "intake_closed" and error["next_opens"] == "2025-12-01"
    assert "01.12.2025" in error["message"] and "Консультация" in error["message"]
    assert error["consultation"] == {"service": "Консультация по организации экспортной электронной торговли",
                                     "url": "/my/consultation"}
    assert applications() == 0


def test_staff_filing_on_behalf_is_refused_outside_the_window_too(client, users, model, closed77):
    body = {"company_name": "ООО «Ромашка»", "company_inn": "7707083893", "region": "77"}
    response = client.post("/api/v1/applications", json=body, headers=bearer(users["cpe77"]))
    assert response.status_code == 409 and response.get_json()["error"]["next_opens"] == "2025-12-01"


def test_without_a_next_window_the_client_is_told_none_is_planned(client, users, model):
    window(users, "77", "2025-09-01", "2025-09-30")
    response = client.post("/api/v1/applications", headers=bearer(users["client77"]))
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["next_opens"] is None
    assert "не запланирован" in error["message"]


def test_inside_a_window_the_application_is_filed_up_to_its_last_day(client, users, model, clock):
    window(users, "77", "2025-10-01", "2025-10-31")  # today, 31.10.2025, is its last day
    login(client, "client77@test.ru")
    assert "открыт до 31.10.2025" in client.get("/my").get_data(as_text=True)
    filed = client.post("/my/applications")
    assert filed.status_code == 303 and filed.headers["Location"].startswith("/tasks/")
    assert client.post("/api/v1/applications", headers=bearer(users["client77"])).status_code == 201
    clock.set(moscow(2025, 11, 1, 0, 0))  # midnight in Moscow: the next day, the window has closed
    assert client.post("/api/v1/applications", headers=bearer(users["client77"])).status_code == 409
    assert applications() == 2


def test_a_region_without_windows_accepts_unless_windows_are_required(app, client, users, model):
    window(users, "66", "2025-12-01", "2025-12-31")  # another region's windows change nothing for 77
    assert client.post("/api/v1/applications", headers=bearer(users["client77"])).status_code == 201
    app.config["VITRINA_INTAKE_WINDOWS_REQUIRED"] = True
    response = client.post("/api/v1/applications", headers=bearer(users["client77"]))
    assert response.status_code == 409 and "не запланирован" in response.get_json()["error"]["message"]


# -- admin pages ---------------------------------------------------------------------------------
def test_admin_creates_edits_and_deletes_a_window(client, users):
    login(client, "admin@test.ru")
    created = client.post("/admin/intake-windows/new", data={
        "region": "77", "opens_on": "2025-11-10", "closes_on": "2025-11-30", "note": "Приказ № 5"})
    assert created.status_code == 303
    [saved] = db.session.scalars(select(IntakeWindow)).all()
    assert (saved.region, saved.opens_on, saved.closes_on, saved.updated_by) == (
        "77", date(2025, 11, 10), date(2025, 11, 30), "admin@test.ru")
    listing = client.get("/admin/intake-windows/").get_data(as_text=True)
    assert "10.11.2025" in listing and "30.11.2025" in listing and "запланировано" in listing
    edited = client.post(f"/admin/intake-windows/{saved.id}", data={
        "region": "77", "opens_on": "01.11.2025", "closes_on": "15.12.2025"})  # typed as ДД.ММ.ГГГГ
    assert edited.status_code == 303
    db.session.expire_all()
    assert (saved.opens_on, saved.closes_on, saved.note) == (date(2025, 11, 1), date(2025, 12, 15), None)
    assert client.post(f"/admin/intake-windows/{saved.id}/delete").status_code == 303
    assert db.session.scalars(select(IntakeWindow)).all() == []


@pytest.mark.parametrize("form, field, message", [
    ({"region": "77", "opens_on": "2025-11-30", "closes_on": "2025-11-10"}, "closes_on",
     "Дата окончания приёма не может быть раньше даты начала"),
    ({"region": "77", "opens_on": "2025-11-25", "closes_on": "2025-12-05"}, "opens_on",
     "Период пересекается с окном приёма 01.11.2025–30.11.2025 (г. Москва)"),
    ({"region": "Москва", "opens_on": "2025-11-25", "closes_on": "2025-12-05"}, "region",
     "Регион: выберите регион из списка"),
    ({"region": "77", "opens_on": "", "closes_on": "2025-12-05"}, "opens_on", "Укажите дату начала приёма заявок"),
    ({"region": "77", "opens_on": "2025-12-01", "closes_on": "31.02.2026"}, "closes_on",
     "Укажите дату окончания приёма заявок в формате ДД.ММ.ГГГГ"),
])
def test_invalid_windows_are_refused_in_russian_next_to_the_field(client, users, form, field, message):
    window(users, "77", "2025-11-01", "2025-11-30")
    login(client, "mo@test.ru")  # МО РЭЦ manages windows as well
    refused = client.post("/admin/intake-windows/new", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert (f'<select id="{field}"' if field == "region" else f'<input type="date" id="{field}"') in html
    after_field = html.split(f'id="{field}"', 1)[1]
    assert after_field.split("<label", 1)[0].count(message) == 1  # the message sits under its field
    assert db.session.scalar(select(func.count()).select_from(IntakeWindow)) == 1


def test_an_adjacent_window_does_not_overlap(client, users):
    window(users, "77", "2025-11-01", "2025-11-30")
    assert window(users, "77", "2025-12-01", "2025-12-31").id
    assert window(users, "66", "2025-11-01", "2025-11-30").id  # another region may share the dates


def test_cpe_sees_only_its_own_regions_windows_and_cannot_change_them(client, users):
    own = window(users, "77", "2025-11-01", "2025-11-30")
    other = window(users, "66", "2025-11-03", "2025-11-28")
    login(client, "cpe77@test.ru")
    listing = client.get("/admin/intake-windows/?region=66").get_data(as_text=True)
    assert "01.11.2025" in listing and "03.11.2025" not in listing  # the region filter cannot widen
    assert client.get(f"/admin/intake-windows/{other.id}").status_code == 404
    assert client.post(f"/admin/intake-windows/{other.id}/delete").status_code == 404
    page = client.get(f"/admin/intake-windows/{own.id}")
    assert page.status_code == 200 and "disabled" in page.get_data(as_text=True)
    assert client.post(f"/admin/intake-windows/{own.id}", data={
        "region": "77", "opens_on": "2025-11-01", "closes_on": "2025-12-30"}).status_code == 403
    assert client.post(f"/admin/intake-windows/{own.id}/delete").status_code == 403
    assert client.post("/admin/intake-windows/new", data={
        "region": "77", "opens_on": "2026-01-10", "closes_on": "2026-01-30"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(IntakeWindow, own.id).closes_on == date(2025, 11, 30)


def test_clients_and_other_staff_do_not_reach_the_window_pages(client, users):
    login(client, "client77@test.ru")
    assert client.get("/admin/intake-windows/").status_code == 403
