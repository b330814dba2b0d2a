"""The admins' jobs page in the browser: a failed job with a long error fits a phone (390 px)
and a laptop without the page scrolling sideways, and «Повторить» queues the job again."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.extensions import db
from app.models import BackgroundJob
from app.statuses import JobKind, JobState
from tests.browser.conftest import login_in_browser

pytestmark = pytest.mark.browser
ERROR = ("OperationalError: (psycopg.OperationalError) connection to server at \"db.internal.example\" "
         "failed: FATAL:too_many_connections_for_role_vitrina_" + "x" * 120)


def test_the_jobs_page_shows_a_failed_job_and_fits_a_phone(live_server, new_page, page_errors, shots):  # noqa: F811
    with live_server.app.app_context():
        db.session.add(BackgroundJob(kind=JobKind.MAIL_DELIVERY, key="mail_delivery", state=JobState.FAILED,
                                     args={}, attempts=3, completions=12, error=ERROR,
                                     queued_at=datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)))
        db.session.commit()
        db.session.remove()
    admin = new_page("admin")
    login_in_browser(admin, live_server, "admin@demo.ru")
    admin.get_by_role("link", name="Фоновые задания").click()
    row = admin.locator("tbody tr").first
    text = row.inner_text()
    assert "Отправка писем" in text and "Ошибка" in text and "07.12.2026 12:30" in text and "too_many" in text
    shots(admin, "jobs")
    row.get_by_role("button", name="Повторить").click()
    assert "Задание «Отправка писем» поставлено в очередь снова." in admin.locator("main").inner_text()
    assert not page_errors, page_errors
