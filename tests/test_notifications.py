"""The outbox: one notification per event and person, delivered by SMTP with retries."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.notifications.delivery import BACKOFF, deliver_pending
from app.notifications.outbox import Message, Recipient, enqueue

MESSAGE = Message("deadline_near", "Срок подходит: Проверка Заявки", "Наступил индикативный срок.",
                  "/applications/7")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


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
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}?timeout=1"
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
