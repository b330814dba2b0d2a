"""The notification settings in the browser: reached from the notifications page, a choice per kind
saved and shown again, and the page fits a phone (390 px) and a laptop without scrolling sideways."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import NotificationSetting, User
from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser


def test_a_client_chooses_the_digest_and_in_app_only_and_the_page_fits_a_phone(live_server, page, page_errors,
                                                                               shots):  # noqa: F811
    login_in_browser(page, live_server, "client77@demo.ru")
    page.get_by_role("link", name="Уведомления").first.click()
    page.get_by_role("link", name="Настройки уведомлений").click()
    shots(page, "notification-settings")
    page.locator("#kind-deadline_near").get_by_label("Сводка в 9:00").check()
    page.locator("#kind-refusal").get_by_label("Только в Витрине").check()
    page.get_by_role("button", name="Сохранить").click()
    assert "Настройки уведомлений сохранены." in page.locator("main").inner_text()
    assert page.locator("#kind-deadline_near").get_by_label("Сводка в 9:00").is_checked()
    assert page.locator("#kind-refusal").get_by_label("Только в Витрине").is_checked()
    assert page.locator("#kind-case").get_by_label("Сразу").is_checked()
    shots(page, "notification-settings-saved")
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == "client77@demo.ru"))
        stored = {(s.kind, s.mode) for s in db.session.scalars(
            select(NotificationSetting).where(NotificationSetting.user_id == user.id))}
        db.session.remove()
    assert stored == {("deadline_near", "digest"), ("refusal", "in_app")}
    assert not page_errors, page_errors
