"""The daily digest: one e-mail at 09:00 Moscow of the next working day of the production calendar
holding every notification that waited for it, sent once however often or by however many the
job runs; its time comes from the injected clock."""
from __future__ import annotations

import threading
import time
from datetime import date, timedelta, timezone

import pytest
from sqlalchemy import select

from app.calendar import WorkingCalendar
from app.deadlines.alarm import Alarm
from app.extensions import db
from app.jobs import functions
from app.models import BackgroundJob, Notification
from app.notifications import preferences
from app.notifications.delivery import BACKOFF, deliver_pending
from app.notifications.digest import send_due_digests
from app.notifications.outbox import Message, Recipient, enqueue
from app.notifications.schedule import next_digest_at
from app.statuses import DeliveryState, JobKind, NotificationKind
from tests.conftest import BACKENDS, _free_port, moscow

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize("moment,digest", [
    # Friday 31.10.2025: Saturday 01.11.2025 is a working day (transferred from 03.11).
    (moscow(2025, 10, 31, 10, 0), moscow(2025, 11, 1, 9, 0)),
    (moscow(2025, 10, 31, 23, 59), moscow(2025, 11, 1, 9, 0)),
    (moscow(2025, 10, 31, 8, 59), moscow(2025, 10, 31, 9, 0)),  # before 09:00: that day's digest
    (moscow(2025, 11, 1, 8, 0), moscow(2025, 11, 1, 9, 0)),
    # Saturday 01.11.2025 after 09:00: Monday 03.11 and Tuesday 04.11 are holidays.
    (moscow(2025, 11, 1, 9, 0), moscow(2025, 11, 5, 9, 0)),
    (moscow(2025, 11, 1, 10, 0), moscow(2025, 11, 5, 9, 0)),
    (moscow(2025, 11, 3, 12, 0), moscow(2025, 11, 5, 9, 0)),
    # An ordinary weekend, and the New Year holidays.
    (moscow(2025, 11, 7, 18, 0), moscow(2025, 11, 10, 9, 0)),
    (moscow(2025, 12, 31, 12, 0), moscow(2026, 1, 12, 9, 0)),
])
def test_the_digest_is_at_nine_moscow_of_the_next_working_day(moment, digest):
    assert next_digest_at(moment, CALENDAR) == digest
    assert next_digest_at(moment.astimezone(timezone.utc), CALENDAR) == digest  # whatever zone the moment is in


def test_the_digest_follows_the_calendars_overrides():
    decree = WorkingCalendar({date(2025, 11, 5): False, date(2025, 11, 4): True})
    assert next_digest_at(moscow(2025, 11, 1, 10, 0), decree) == moscow(2025, 11, 4, 9, 0)
    no_wednesday = WorkingCalendar({date(2025, 11, 5): False})
    assert next_digest_at(moscow(2025, 11, 1, 10, 0), no_wednesday) == moscow(2025, 11, 6, 9, 0)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_digest_at(moscow(2025, 11, 1, 10, 0).replace(tzinfo=None), CALENDAR)


@pytest.fixture
def mail(app, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example/"
    return inbox


def _notify(user, key: str, kind: NotificationKind, subject: str, link: str, now) -> None:
    enqueue([Recipient(user.email, user.id)], key, Message(kind, subject, f"Текст: {subject}.", link), now=now)
    db.session.commit()


def _digest_user(user, clock) -> None:
    preferences.save(user.id, {k.value: "digest" for k in preferences.CONFIGURABLE}, clock.now())


def test_a_digest_user_gets_one_email_at_nine_of_the_next_working_day_with_every_item(app, users, clock, mail):
    cpe = users["cpe77"]
    _digest_user(cpe, clock)
    _notify(cpe, "task:1", NotificationKind.TASK, "Новая задача: Проверка Заявки в ЦПЭ, заявка № 7",
            "/tasks/a1b2-c3", clock.now())  # Friday 31.10.2025 10:00
    clock.set(moscow(2025, 10, 31, 15, 30))
    _notify(cpe, "near:1", NotificationKind.DEADLINE_NEAR, "Срок подходит: Проверка Заявки в ЦПЭ, заявка № 5",
            "/applications/5", clock.now())
    clock.set(moscow(2025, 11, 1, 8, 15))  # Saturday, a working day, before the digest
    _notify(cpe, "case:1", NotificationKind.CASE, "Замечания МО РЭЦ по заявке № 9", "/applications/9", clock.now())
    assert deliver_pending(clock.now())["sent"] == 0  # nothing goes at once
    clock.set(moscow(2025, 11, 1, 8, 59, 59))
    assert send_due_digests(clock.now())["sent"] == 0 and mail.messages == []
    clock.set(moscow(2025, 11, 1, 9, 0))
    assert send_due_digests(clock.now()) == {"sent": 1, "retry": 0, "failed": 0, "items": 3}
    [letter] = mail.messages
    assert letter["To"] == "cpe77@test.ru"
    assert letter["Subject"] == "Витрина: сводка уведомлений за 31.10.2025–01.11.2025"
    text = letter.get_content()
    assert "Здравствуйте, ЦПЭ Москва!" in text and "Уведомлений за 31.10.2025–01.11.2025: 3 (время московское)." in text
    positions = [text.index(s) for s in ("1. Новая задача: Проверка Заявки в ЦПЭ, заявка № 7",
                                         "2. Срок подходит: Проверка Заявки в ЦПЭ, заявка № 5",
                                         "3. Замечания МО РЭЦ по заявке № 9")]
    assert positions == sorted(positions)  # oldest first
    assert "Текст: Замечания МО РЭЦ по заявке № 9." in text and "31.10.2025 15:30" in text
    # Deep links are absolute, on the configured address, to the task when the notice is about one.
    assert "Открыть задачу: https://vitrina.example/tasks/a1b2-c3\n" in text
    assert "Открыть заявку: https://vitrina.example/applications/5\n" in text
    assert "https://vitrina.example/notifications/settings" in text
    rows = db.session.scalars(select(Notification)).all()
    assert {(r.delivery, r.sent_at) for r in rows} == {(DeliveryState.SENT, clock.now())}
    assert send_due_digests(clock.now())["sent"] == 0  # the same moment again: nothing more
    clock.advance(days=5)
    assert send_due_digests(clock.now())["sent"] == 0 and len(mail.messages) == 1


def test_saturday_events_after_nine_wait_past_the_holidays_to_wednesday(app, users, clock, mail):
    cpe = users["cpe77"]
    _digest_user(cpe, clock)
    clock.set(moscow(2025, 11, 1, 10, 0))
    _notify(cpe, "near:1", NotificationKind.DEADLINE_NEAR, "Срок подходит: шаг 2", "/applications/5", clock.now())
    for day in (moscow(2025, 11, 2, 9, 0), moscow(2025, 11, 3, 9, 0), moscow(2025, 11, 4, 9, 0)):
        clock.set(day)  # Sunday, and the holidays of Monday 03.11 and Tuesday 04.11
        assert send_due_digests(clock.now())["sent"] == 0
    clock.set(moscow(2025, 11, 5, 9, 0))
    assert send_due_digests(clock.now())["sent"] == 1
    [letter] = mail.messages
    assert letter["Subject"] == "Витрина: сводка уведомлений за 01.11.2025"


def test_running_the_digest_job_twice_at_the_same_moment_sends_once(app, users, clock, mail):
    _digest_user(users["client77"], clock)
    _notify(users["client77"], "refusal:3", NotificationKind.REFUSAL, "Отказ по заявке № 3", "/applications/3",
            clock.now())
    clock.set(moscow(2025, 11, 1, 9, 0))
    functions.run(JobKind.NOTIFICATION_DIGEST, {})
    functions.run(JobKind.NOTIFICATION_DIGEST, {})
    assert len(mail.messages) == 1
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.key == "notification_digest"))
    assert job.kind == JobKind.NOTIFICATION_DIGEST and job.completions == 2 and job.error is None


def test_each_user_gets_their_own_digest_and_only_their_items(app, users, clock, mail):
    for key in ("cpe77", "head77"):
        _digest_user(users[key], clock)
    enqueue([Recipient(u.email, u.id) for u in (users["cpe77"], users["head77"], users["mo"])], "breach:1",
            Message(NotificationKind.DEADLINE_BREACHED, "Нарушен нормативный срок: шаг 2", "Истёк.", "/applications/5"),
            now=clock.now())
    _notify(users["head77"], "near:2", NotificationKind.DEADLINE_NEAR, "Срок подходит: шаг 4", "/applications/6",
            clock.now())
    assert [m["To"] for m in mail.messages] == [] and deliver_pending(clock.now())["sent"] == 1  # МО РЭЦ: at once
    clock.set(moscow(2025, 11, 1, 9, 0))
    assert send_due_digests(clock.now())["items"] == 3
    digests = {m["To"]: m.get_content() for m in mail.messages if m["Subject"].startswith("Витрина: сводка")}
    assert sorted(digests) == ["cpe77@test.ru", "head.cpe77@test.ru"]
    assert "шаг 4" in digests["head.cpe77@test.ru"] and "шаг 4" not in digests["cpe77@test.ru"]
    assert "Уведомлений за 31.10.2025: 2 (время московское)." in digests["head.cpe77@test.ru"]


def test_a_long_digest_lists_the_first_items_and_says_how_many_more_wait_in_the_app(app, users, clock, mail,
                                                                                      monkeypatch):
    from app.notifications import digest
    monkeypatch.setattr(digest, "ITEMS_PER_EMAIL", 2)
    _digest_user(users["cpe77"], clock)
    for n in (1, 2, 3):
        _notify(users["cpe77"], f"near:{n}", NotificationKind.DEADLINE_NEAR, f"Срок подходит: шаг {n}",
                "/applications/5", clock.now())
    clock.set(moscow(2025, 11, 1, 9, 0))
    assert send_due_digests(clock.now())["items"] == 3
    [letter] = mail.messages
    text = letter.get_content()
    assert "шаг 2" in text and "шаг 3" not in text
    assert "И ещё 1 — все уведомления в Витрине: https://vitrina.example/notifications" in text


def test_an_unreachable_server_keeps_the_digest_whole_and_it_goes_once_on_a_retry(app, users, clock, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}?timeout=1"
    cpe = users["cpe77"]
    _digest_user(cpe, clock)
    _notify(cpe, "near:1", NotificationKind.DEADLINE_NEAR, "Срок подходит: шаг 2", "/applications/5", clock.now())
    clock.set(moscow(2025, 11, 1, 8, 30))
    _notify(cpe, "near:2", NotificationKind.DEADLINE_NEAR, "Срок подходит: шаг 4", "/applications/6", clock.now())
    clock.set(moscow(2025, 11, 1, 9, 0))
    assert send_due_digests(clock.now())["retry"] == 1
    rows = db.session.scalars(select(Notification)).all()
    assert {(r.delivery, r.attempts, r.next_attempt_at) for r in rows} == {
        (DeliveryState.DIGEST, 1, clock.now() + BACKOFF[0])}
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}"  # the server is back
    assert send_due_digests(clock.now())["sent"] == 0  # not before the back-off
    clock.advance(BACKOFF[0])
    assert send_due_digests(clock.now()) == {"sent": 1, "retry": 0, "failed": 0, "items": 2}
    assert len(inbox.messages) == 1


def test_the_alarm_arms_the_digest_for_nine_of_the_next_working_day_by_the_apps_clock(app, clock):
    alarm = Alarm(app, safety_seconds=3600)
    alarm.start()  # Friday 31.10.2025 10:00 by the app's clock
    try:
        job = alarm.scheduler.get_job("digest")
        wait = job.next_run_time - _wall_now()
        assert timedelta(hours=22, minutes=59) < wait <= timedelta(hours=23, seconds=1), wait  # Saturday 01.11 09:00
    finally:
        alarm.shutdown()


def _wall_now():
    from app.clock import SystemClock
    return SystemClock().now()


@pytest.mark.skipif("postgres" not in BACKENDS, reason="needs the PostgreSQL server of the tests")
@pytest.mark.parametrize("backend", ["postgres"])
def test_two_workers_at_the_same_moment_send_one_digest(app, users, clock, mail, monkeypatch):
    """Two job runs overlap on PostgreSQL while the SMTP server is slow: one e-mail, all items."""
    for key in ("cpe77", "head77"):
        _digest_user(users[key], clock)
    for n in range(5):
        enqueue([Recipient(users[k].email, users[k].id) for k in ("cpe77", "head77")], f"near:{n}",
                Message(NotificationKind.DEADLINE_NEAR, f"Срок подходит: шаг {n}", "Текст.", "/applications/5"),
                now=clock.now())
    db.session.commit()
    clock.set(moscow(2025, 11, 1, 9, 0))
    slow = mail.handle_DATA

    async def handle_slowly(server, session, envelope):
        time.sleep(0.5)  # the other worker reaches the same user meanwhile
        return await slow(server, session, envelope)
    monkeypatch.setattr(mail, "handle_DATA", handle_slowly)
    results, start = [], threading.Barrier(2)

    def worker():
        with app.app_context():
            start.wait()
            results.append(send_due_digests(clock.now()))
            db.session.remove()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(m["To"] for m in mail.messages) == ["cpe77@test.ru", "head.cpe77@test.ru"]
    assert sum(r["items"] for r in results) == 10 and sum(r["sent"] for r in results) == 2
    db.session.expire_all()
    assert {r.delivery for r in db.session.scalars(select(Notification))} == {DeliveryState.SENT}
