"""Inviting the client's representative from an application: the e-mail arrives through a real
SMTP server with a one-time link; the invitee sets a password (the account policy applies), is
signed in and sees the application with its step 1; the link serves once, expires on the virtual
clock and is replaced by a new invitation; an e-mail with an account already gets no second one."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest
from sqlalchemy import select

from app.accounts import invitations
from app.api import tokens
from app.extensions import db
from app.models import Invitation, Notification, User
from app.notifications.delivery import deliver_pending
from app.roles import Role
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import PASSWORD, ROOT, login

NEW_PASSWORD = "ясный-кедр-над-рекой-7"
ROMASHKA = {"company_name": "ООО «Ромашка»", "company_inn": "7707083893", "region": "77"}


@pytest.fixture
def model(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")


@pytest.fixture
def mail(app, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example"
    return inbox


def filed_by_kb(kb):
    return start_process("marketplace_support", actor=kb.email, **{k: v for k, v in ROMASHKA.items()})


def invite_on_page(client, instance_id: int, full_name="Пётр Петров", email="petrov@romashka.example"):
    return client.post(f"/applications/{instance_id}/invitations", data={"full_name": full_name, "email": email})


def link_in(message) -> str:
    """The path and query of the invitation link in an e-mail."""
    url = re.search(r"https://vitrina\.example(/invitation\?t=[\w-]+)", message.get_content())
    assert url, message.get_content()
    return url.group(1)


def test_the_invited_client_sets_a_password_from_the_email_signs_in_and_sees_the_application(
        app, client, clock, model, kb, mail):
    instance = filed_by_kb(kb)
    login(client, kb.email)
    answer = invite_on_page(client, instance.id)
    assert answer.status_code == 303
    card = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Приглашение отправлено: Пётр Петров, petrov@romashka.example." in card
    assert "ссылка отправлена, действует до 07.11.2025 10:00" in card  # 7 days by the virtual clock
    account = db.session.scalar(select(User).where(User.email == "petrov@romashka.example"))
    assert (account.is_active, account.roles, account.company_inn, account.region, account.company_name) == (
        False, {Role.CLIENT}, "7707083893", "77", "ООО «Ромашка»")

    assert deliver_pending(clock.now())["sent"] == 1
    [message] = mail.messages
    assert message["To"] == "petrov@romashka.example"
    assert message["Subject"] == f"Приглашение в Витрину: заявка № {instance.id} (ООО «Ромашка»)"
    text = message.get_content()
    assert "Здравствуйте, Пётр Петров!" in text and "Игорь Семёнов, КБ РЭЦ приглашает Вас" in text
    assert "Ссылка действует до 07.11.2025 10:00 (МСК)" in text and "kb@test.ru" not in text
    link = link_in(message)
    secret = link.split("t=", 1)[1]
    # Only the link's hash is kept.
    stored = db.session.scalars(select(Invitation)).one()
    assert stored.token_hash == invitations.hash_token(secret) and secret not in stored.token_hash

    client.post("/logout")
    page = client.get(link)
    assert page.status_code == 200
    assert "Пётр Петров, Вас пригласили в личный кабинет Клиента ООО «Ромашка»" in page.get_data(as_text=True)
    # The account's password policy applies, and the link stays usable meanwhile.
    weak = client.post("/invitation", data={"t": secret, "password": "12345", "password_repeat": "12345"})
    assert weak.status_code == 422 and "Пароль должен быть не короче 10 символов" in weak.get_data(as_text=True)
    differ = client.post("/invitation", data={"t": secret, "password": NEW_PASSWORD, "password_repeat": "другой"})
    assert differ.status_code == 422 and "Пароли не совпадают" in differ.get_data(as_text=True)
    done = client.post("/invitation", data={"t": secret, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status_code == 303 and urlsplit(done.headers["Location"]).path == "/my"

    # Signed in: their company's application with its step 1 waiting for them.
    mine = client.get("/my").get_data(as_text=True)
    assert "Пароль задан, Вы вошли в Витрину." in mine
    assert f"/applications/{instance.id}" in mine and "Подача Заявки" in mine
    step = db.session.scalar(select(Invitation)).instance_id
    assert step == instance.id
    assert client.get(f"/applications/{instance.id}").status_code == 200

    # The link served once: a second use opens nothing, the account is theirs with the new password.
    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 409 and "Ссылка уже использована" in again.get_data(as_text=True)
    reuse = client.post("/invitation", data={"t": secret, "password": "другой-пароль-99", "password_repeat": "другой-пароль-99"})
    assert reuse.status_code == 409
    assert "Мои заявки" in login(client, "petrov@romashka.example", NEW_PASSWORD).get_data(as_text=True)


def test_the_link_expires_on_the_virtual_clock(app, client, clock, model, kb, mail):
    instance = filed_by_kb(kb)
    login(client, kb.email)
    invite_on_page(client, instance.id)
    deliver_pending(clock.now())
    link = link_in(mail.messages[0])
    client.post("/logout")
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    assert client.get(link).status_code == 200  # still within its 7 days
    clock.advance(timedelta(minutes=1))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "Срок действия ссылки истёк 07.11.2025 10:00 (МСК)" in expired.get_data(as_text=True)
    secret = link.split("t=", 1)[1]
    assert client.post("/invitation", data={"t": secret, "password": NEW_PASSWORD,
                                            "password_repeat": NEW_PASSWORD}).status_code == 410
    assert not db.session.scalar(select(User.is_active).where(User.email == "petrov@romashka.example"))


def test_a_configured_lifetime_is_used(app, client, clock, model, kb, mail):
    app.config["VITRINA_INVITATION_DAYS"] = 2
    instance = filed_by_kb(kb)
    login(client, kb.email)
    invite_on_page(client, instance.id)
    assert db.session.scalar(select(Invitation.expires_at)) == clock.now() + timedelta(days=2)


def test_inviting_again_replaces_the_old_link_and_keeps_one_account(app, client, clock, model, kb, mail):
    instance = filed_by_kb(kb)
    login(client, kb.email)
    invite_on_page(client, instance.id, full_name="Пётр Петров")
    deliver_pending(clock.now())
    clock.advance(timedelta(hours=1))
    assert invite_on_page(client, instance.id, full_name="Пётр Сергеевич Петров").status_code == 303
    deliver_pending(clock.now())
    first, second = (link_in(m) for m in mail.messages)
    assert first != second
    assert db.session.scalar(select(User.full_name).where(User.email == "petrov@romashka.example")) == \
        "Пётр Сергеевич Петров"
    assert len(db.session.scalars(select(User).where(User.email == "petrov@romashka.example")).all()) == 1
    card = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert "заменено новым приглашением" in card
    client.post("/logout")
    old = client.get(first)
    assert old.status_code == 410 and "заменена новым приглашением" in old.get_data(as_text=True)
    assert client.get(second).status_code == 200


def test_an_email_that_has_an_account_gets_no_second_one(client, model, kb, users):
    instance = filed_by_kb(kb)
    login(client, kb.email)
    own = invite_on_page(client, instance.id, full_name="Клиент", email="CLIENT77@test.ru")
    assert own.status_code == 422
    assert "У Клиент Ромашки уже есть учётная запись Клиента ООО «Ромашка»: заявка видна в личном кабинете" \
        in own.get_data(as_text=True)
    staff = invite_on_page(client, instance.id, email="cpe66@test.ru")
    assert staff.status_code == 422 and "Пользователь с таким e-mail уже есть в Витрине" in staff.get_data(as_text=True)
    bad = invite_on_page(client, instance.id, email="не-адрес")
    assert bad.status_code == 422 and "Неверный e-mail" in bad.get_data(as_text=True)
    assert 'value="не-адрес"' in bad.get_data(as_text=True)  # what was typed stays
    nameless = invite_on_page(client, instance.id, full_name=" ")
    assert nameless.status_code == 422 and "Укажите имя пользователя" in nameless.get_data(as_text=True)
    assert db.session.scalars(select(Invitation)).all() == []
    assert db.session.scalars(select(Notification)).all() == []


def test_who_may_invite(client, model, kb, users):
    instance = filed_by_kb(kb)
    for who, status in (("cpe66@test.ru", 404), ("mo@test.ru", 403), ("client77@test.ru", 403), ("cpe77@test.ru", 303)):
        client.post("/logout")
        login(client, who)
        assert invite_on_page(client, instance.id, email=f"rep.{who}").status_code == status, who


def test_the_api_invites_without_ever_showing_the_link(client, model, kb, users, clock):
    instance = filed_by_kb(kb)
    headers = {"Authorization": f"Bearer {tokens.issue(kb, 'тест')[1]}"}
    answer = client.post(f"/api/v1/applications/{instance.id}/invitations", headers=headers,
                         json={"full_name": "Пётр Петров", "email": "petrov@romashka.example"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["full_name"], body["email"], body["state"], body["application_id"]) == (
        "Пётр Петров", "petrov@romashka.example", "sent", instance.id)
    assert "t=" not in answer.get_data(as_text=True)
    again = client.post(f"/api/v1/applications/{instance.id}/invitations", headers=headers,
                        json={"full_name": "Иван", "email": "client77@test.ru"})
    assert again.status_code == 422 and again.get_json()["error"]["field"] == "email"
    missing = client.post(f"/api/v1/applications/{instance.id}/invitations", headers=headers, json={"full_name": "Иван"})
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "email"


def test_unknown_links_are_throttled_per_address(app, client, model):
    app.config["VITRINA_LOGIN_LIMITS"] = {"address": {"failures": 3, "minutes": 15}}
    for _ in range(3):
        assert client.get("/invitation?t=guess").status_code == 404
    throttled = client.get("/invitation?t=guess")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert client.get("/invitation").status_code == 429


def _admin_users_row(client, email: str) -> str:
    page = lxml.html.fromstring(client.get("/admin/users/").get_data(as_text=True))
    [row] = [r for r in page.xpath("//tbody/tr") if r.xpath(f'.//a[text()="{email}"]')]
    return row.xpath("./td")[-1].text_content().strip()


def test_the_admins_list_shows_an_invited_account_as_invited_on_its_date_until_it_is_accepted(
        app, client, clock, model, kb, users, mail):
    instance = filed_by_kb(kb)
    login(client, kb.email)
    invite_on_page(client, instance.id)
    client.post("/logout")
    users["cpe66"].is_active = False  # an account switched off by an admin stays «нет»
    db.session.commit()
    login(client, "admin@test.ru")
    assert _admin_users_row(client, "petrov@romashka.example") == "приглашён 31.10.2025"
    assert _admin_users_row(client, "cpe66@test.ru") == "нет"
    account = db.session.scalar(select(User).where(User.email == "petrov@romashka.example"))
    assert "Приглашён 31.10.2025: учётная запись станет активной" in client.get(
        f"/admin/users/{account.id}").get_data(as_text=True)
    clock.advance(timedelta(days=8))
    assert _admin_users_row(client, "petrov@romashka.example") == "приглашён 31.10.2025, срок ссылки истёк"
    # Accepted after a new invitation: active like any account.
    client.post("/logout")
    login(client, kb.email)
    invite_on_page(client, instance.id)
    deliver_pending(clock.now())
    secret = link_in(mail.messages[-1]).split("t=", 1)[1]
    client.post("/logout")
    client.post("/invitation", data={"t": secret, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    client.post("/logout")
    login(client, "admin@test.ru")
    assert _admin_users_row(client, "petrov@romashka.example") == "да"
