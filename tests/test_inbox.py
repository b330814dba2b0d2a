"""Notifications in the app: each user sees their own, marks them read, and the header counts the unread."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import Notification, User
from app.notifications import inbox
from app.notifications.outbox import Message, Recipient, enqueue
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login, moscow
from tests.helpers import complete


@pytest.fixture
def breached(app, users, clock):
    """Two applications past the check's deadline (end of 05.11.2025), one per region: the
    sweep notifies the region's ЦПЭ, its manager and МО РЭЦ of each."""
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    started = {}
    for region, inn, company in (("77", "7707083893", "ООО «Ромашка»"), ("66", "6658021226", "ООО «Уральские самоцветы»")):
        instance = start_process("marketplace_support", actor="client@test.ru", region=region,
                                 company_name=company, company_inn=inn)
        started[region] = complete(instance, "Подача Заявки")
    clock.set(moscow(2025, 11, 6, 9, 0))
    fire_due_timers(clock.now())
    return started


def _rows_of(email: str) -> list[Notification]:
    user = db.session.scalar(select(User).where(User.email == email))
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def _badge(page: str) -> int:
    found = re.search(r'<span class="badge">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def test_the_page_shows_only_the_users_own_notifications(breached, client):
    login(client, "cpe66@test.ru")
    page = client.get("/notifications").get_data(as_text=True)
    assert f"заявка № {breached['66'].id}" in page and "Нарушен нормативный срок" in page
    assert f"заявка № {breached['77'].id}" not in page
    assert f'href="/applications/{breached["66"].id}">Открыть заявку' in page
    assert "06.11.2025 09:00" in page  # created, Moscow time
    assert 'class="unread"' in page


def test_central_staff_see_the_breaches_of_every_region(breached, client):
    login(client, "mo@test.ru")
    page = client.get("/notifications").get_data(as_text=True)
    assert f"заявка № {breached['66'].id}" in page and f"заявка № {breached['77'].id}" in page


def test_marking_one_read_and_someone_elses_is_404(breached, client, clock):
    own, foreign = _rows_of("cpe77@test.ru")[0], _rows_of("cpe66@test.ru")[0]
    login(client, "cpe77@test.ru")
    assert client.post(f"/notifications/{foreign.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    clock.set(moscow(2025, 11, 6, 10, 30))
    response = client.post(f"/notifications/{own.id}/read")
    assert response.status_code == 302 and response.headers["Location"].startswith("/notifications")
    db.session.expire_all()
    assert db.session.get(Notification, own.id).read_at == clock.now()
    assert db.session.get(Notification, foreign.id).read_at is None
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('class="unread"') == len(_rows_of("cpe77@test.ru")) - 1  # the warning, then the breach
    assert "прочитано 06.11.2025 10:30" in page


def test_mark_all_read_touches_only_own_rows(breached, client):
    login(client, "mo@test.ru")
    assert len(_rows_of("mo@test.ru")) == 2
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert all(n.read_at is not None for n in _rows_of("mo@test.ru"))
    assert all(n.read_at is None for n in _rows_of("head.mo@test.ru"))
    assert all(n.read_at is None for n in _rows_of("cpe77@test.ru"))


def test_the_header_badge_counts_unread_with_one_query(breached, client, app):
    login(client, "head.mo@test.ru")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/notifications").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert _badge(page) == 2 == inbox.unread_count(_user_id("head.mo@test.ru"))
    # The header and the page both show the unread count: one COUNT serves them.
    assert len([s for s in statements if "FROM notifications" in s and "read_at IS NULL" in s]) == 1
    first = _rows_of("head.mo@test.ru")[0]
    client.post(f"/notifications/{first.id}/read")
    assert _badge(client.get("/notifications").get_data(as_text=True)) == 1
    client.post("/notifications/read-all")
    page = client.get("/notifications").get_data(as_text=True)
    assert _badge(page) == 0 and ">Уведомления</a>" in page


def test_newest_first_fifty_a_page(app, users, client, clock):
    user_id = _user_id("cpe77@test.ru")
    for number in range(55):
        clock.advance(seconds=60)
        enqueue([Recipient("cpe77@test.ru", user_id)], f"test:{number}",
                Message("status", f"Уведомление {number:02d}", "Текст", None), now=clock.now())
    db.session.commit()
    login(client, "cpe77@test.ru")
    first = client.get("/notifications").get_data(as_text=True)
    assert first.index("Уведомление 54") < first.index("Уведомление 53")
    assert "Уведомление 04" not in first and "Следующая страница" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Уведомление 04" in second and "Уведомление 05" not in second
    assert "Открыть заявку" not in second  # no link, no button to nowhere


def test_marking_read_needs_the_csrf_token(breached, client, app):
    own = _rows_of("cpe77@test.ru")[0]
    login(client, "cpe77@test.ru")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/notifications/{own.id}/read").status_code == 400
    page = client.get("/notifications").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/notifications/{own.id}/read", data={"csrf_token": token}).status_code == 302


def test_the_page_needs_a_login(client):
    assert client.get("/notifications").status_code == 302


def _user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))
