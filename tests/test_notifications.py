"""The outbox: one notification per event and person, delivered by SMTP with retries."""
from __future__ import annotations


import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import _free_port
from app.models import Notification
from app.notifications.delivery import BACKOFF, deliver_pending
from app.notifications.outbox import Message, Recipient, enqueue

MESSAGE = Message("deadline_near", "Срок подходит: Проверка Заявки", "Наступил индикативный срок.",
                  "/applications/7")


def test_an_event_notifies_each_person_once(app, clock):
    people = [Recipient("a@test.ru", None), Recipient("A@test.ru", None), Recipient("b@test.ru", None)]
    enqueue(people, "near:timer-1", MESSAGE, now=clock.now(), instance_id=None)
    enqueue(people, "near:timer-1", MESSAGE, now=clock.now(), instance_id=None)
    db.session.commit()
    rows = db.session.scalars(select(Notification)).all()
    assert sorted(r.recipient for r in rows) == ["a@test.ru", "b@test.ru"]
    assert {r.delivery for r in rows} == {"kept"}  # no SMTP configured


def test_a_real_smtp_server_receives_the_email_in_russian_with_a_link(app, clock, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example"
    enqueue([Recipient("cpe77@test.ru")], "near:timer-2", MESSAGE, now=clock.now())
    db.session.commit()
    assert deliver_pending(clock.now())["sent"] == 1
    assert deliver_pending(clock.now())["sent"] == 0  # never sent twice
    [mail] = inbox.messages
    assert mail["To"] == "cpe77@test.ru" and mail["Subject"] == "Срок подходит: Проверка Заявки"
    assert "https://vitrina.example/applications/7" in mail.get_content()
    assert db.session.scalars(select(Notification)).one().delivery == "sent"


def test_an_unreachable_server_is_retried_with_back_off_then_given_up(app, clock):
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}?timeout=1"
    enqueue([Recipient("cpe77@test.ru")], "near:timer-3", MESSAGE, now=clock.now())
    db.session.commit()
    assert deliver_pending(clock.now())["retry"] == 1
    row = db.session.scalars(select(Notification)).one()
    assert (row.attempts, row.next_attempt_at) == (1, clock.now() + BACKOFF[0])
    assert deliver_pending(clock.now())["retry"] == 0  # not before the back-off
    for wait in BACKOFF:
        clock.advance(wait)
        deliver_pending(clock.now())
    db.session.expire_all()
    row = db.session.scalars(select(Notification)).one()
    assert row.delivery == "failed" and row.attempts == len(BACKOFF) + 1 and row.last_error


def _pending(n: int, clock, **fields) -> Notification:
    values = dict(event_key=f"batch:{n}", recipient=f"person{n}@test.ru", kind="deadline_near",
                  subject=f"Срок подходит: шаг {n}", body="Текст.", created_at=clock.now(), delivery="pending",
                  attempts=0, next_attempt_at=clock.now())
    values.update(fields)
    return Notification(**values)


def test_one_bad_message_is_marked_failed_and_the_rest_of_the_batch_goes_out_once(app, clock, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    # Old rows, written before names were checked: straight into the table, past every check.
    db.session.add_all([
        _pending(1, clock),
        _pending(2, clock, subject="Срок подходит: заявка № 2 (ООО «Ромашка»\r\nBcc: spy@evil.test)"),
        _pending(3, clock, recipient="person3@test.ru\r\nBcc: spy@evil.test"),
        _pending(4, clock),
    ])
    db.session.commit()
    assert deliver_pending(clock.now()) == {"sent": 3, "retry": 0, "failed": 1}
    assert deliver_pending(clock.now()) == {"sent": 0, "retry": 0, "failed": 0}  # nothing goes out twice
    db.session.expire_all()
    rows = {r.event_key: r for r in db.session.scalars(select(Notification))}
    assert [rows[f"batch:{n}"].delivery for n in (1, 2, 3, 4)] == ["sent", "sent", "failed", "sent"]
    assert "UnsendableAddress" in rows["batch:3"].last_error
    assert sorted(m["To"] for m in inbox.messages) == ["person1@test.ru", "person2@test.ru", "person4@test.ru"]
    [mail] = [m for m in inbox.messages if m["To"] == "person2@test.ru"]
    assert mail["Subject"] == "Срок подходит: заявка № 2 (ООО «Ромашка» Bcc: spy@evil.test)"
    assert mail["Bcc"] is None and all("evil" not in str(v) for k, v in mail.items() if k != "Subject")


def test_a_message_that_cannot_be_built_fails_alone_and_keeps_its_reason(app, clock, smtp, monkeypatch):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    db.session.add_all([_pending(n, clock) for n in (1, 2, 3)])
    db.session.commit()
    from app.notifications import delivery
    build = delivery._email

    def flaky(row, sender, base_url):
        if row.event_key == "batch:2":
            raise LookupError("no template")
        return build(row, sender, base_url)
    monkeypatch.setattr(delivery, "_email", flaky)
    assert deliver_pending(clock.now()) == {"sent": 2, "retry": 0, "failed": 1}
    assert deliver_pending(clock.now())["sent"] == 0
    db.session.expire_all()
    failed = db.session.scalars(select(Notification).where(Notification.delivery == "failed")).one()
    assert failed.event_key == "batch:2" and failed.last_error == "LookupError: no template"
    assert sorted(m["To"] for m in inbox.messages) == ["person1@test.ru", "person3@test.ru"]


def test_a_subject_is_one_line_and_fits_its_column_whatever_the_company_name(app, clock):
    from types import SimpleNamespace
    from app.notifications import texts
    from app.notifications.outbox import rows_for
    instance = SimpleNamespace(id=7, company_name="ООО «Ромашка»\r\nBcc: spy@evil.test " + "я" * 500)
    message = texts.deadline_near(instance, "Проверка Заявки", "2", None)
    [row] = rows_for([Recipient("a@test.ru")], "near:x", message, now=clock.now())
    assert "\n" not in row["subject"] and "\r" not in row["subject"] and len(row["subject"]) == 300


def test_an_email_about_a_task_links_to_the_task_by_its_absolute_address_and_no_foreign_link_goes_out(app, clock,
                                                                                                       smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example/"
    task = Message("task", "Новая задача: Проверка Заявки в ЦПЭ", "Заявка ждёт проверки.", "/tasks/a1b2-c3")
    foreign = Message("case", "Замечания по заявке № 7", "Исправьте анкету.", "//evil.example/phish")
    enqueue([Recipient("cpe77@test.ru")], "task:1", task, now=clock.now())
    enqueue([Recipient("client77@test.ru")], "case:1", foreign, now=clock.now())
    db.session.commit()
    assert deliver_pending(clock.now())["sent"] == 2
    mails = {m["To"]: m.get_content() for m in inbox.messages}
    assert "Открыть задачу: https://vitrina.example/tasks/a1b2-c3\n" in mails["cpe77@test.ru"]
    assert "evil" not in mails["client77@test.ru"] and "Открыть" not in mails["client77@test.ru"]
