"""Each user chooses per kind how notifications reach them: at once, in the 09:00 digest, or in the
app only; the outbox honours it when it writes a row, and a changed choice moves what still waits."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import Notification, NotificationSetting
from app.notifications import preferences
from app.notifications.delivery import deliver_pending
from app.notifications.outbox import Message, Recipient, enqueue
from app.statuses import DeliveryMode, DeliveryState, NotificationKind
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import start_process
from tests.conftest import ROOT, login, moscow
from tests.helpers import complete

NEAR = Message(NotificationKind.DEADLINE_NEAR, "Срок подходит: Проверка Заявки", "Наступил индикативный срок.",
               "/applications/7")
REFUSAL = Message(NotificationKind.REFUSAL, "Отказ по заявке № 7", "Принято решение об отказе.", "/applications/7")


@pytest.fixture
def mail(app, smtp):
    inbox, port = smtp
    app.config["VITRINA_SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=robot@vitrina.test"
    app.config["VITRINA_BASE_URL"] = "https://vitrina.example"
    return inbox


def _checked(page: str, kind: str) -> str:
    """The value of the radio button of ``kind`` that the page shows checked."""
    [value] = re.findall(rf'name="{kind}" value="(\w+)"\s+checked', page)
    return value


def _row(recipient: str) -> Notification:
    db.session.expire_all()
    return db.session.scalar(select(Notification).where(Notification.recipient == recipient))


def test_the_settings_page_offers_every_kind_but_invitations_with_immediately_by_default(client, users):
    login(client, "cpe77@test.ru")
    page = client.get("/notifications/settings").get_data(as_text=True)
    for kind in NotificationKind:
        if kind.configurable:
            assert kind.label in page and _checked(page, kind) == "immediate"
        else:
            assert f'name="{kind}"' not in page
    assert page.count("Сразу") >= 6 and "Сводка в 9:00" in page and "Только в Витрине" in page
    assert "Приглашение в Витрину всегда отправляется сразу" in page


def test_the_notifications_page_links_to_the_settings(client, users):
    login(client, "client77@test.ru")
    page = client.get("/notifications").get_data(as_text=True)
    assert 'href="/notifications/settings">Настройки уведомлений</a>' in page


def test_saved_choices_are_kept_and_shown_again(client, users):
    login(client, "head.cpe77@test.ru")
    form = {kind.value: "immediate" for kind in preferences.CONFIGURABLE}
    form.update(deadline_near="digest", deadline_breached="digest", refusal="in_app")
    response = client.post("/notifications/settings", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/settings")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Настройки уведомлений сохранены." in page
    assert [_checked(page, k) for k in ("deadline_near", "deadline_breached", "refusal", "task", "case", "status")] == [
        "digest", "digest", "in_app", "immediate", "immediate", "immediate"]
    # Only the choices that differ from the default are rows; another user's settings are untouched.
    stored = {(s.kind, s.mode) for s in db.session.scalars(select(NotificationSetting).where(
        NotificationSetting.user_id == users["head77"].id))}
    assert stored == {("deadline_near", "digest"), ("deadline_breached", "digest"), ("refusal", "in_app")}
    assert preferences.settings_of(users["cpe77"].id)[NotificationKind.DEADLINE_NEAR] == DeliveryMode.IMMEDIATE


@pytest.mark.parametrize("form,words", [
    ({"deadline_near": "weekly"}, "«Подходит срок»: выберите один из способов"),
    ({"invitation": "digest"}, "«Приглашение в Витрину» всегда отправляется сразу"),
    ({"newsletter": "digest"}, "Нет такого вида уведомлений: «newsletter»"),
])
def test_a_choice_that_cannot_be_saved_is_refused_naming_it_and_nothing_changes(client, users, form, words):
    login(client, "cpe77@test.ru")
    response = client.post("/notifications/settings", data={"refusal": "in_app", **form})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert db.session.scalars(select(NotificationSetting)).all() == []


def test_in_app_only_rows_are_never_emailed_but_appear_in_the_app(app, client, users, clock, mail):
    preferences.save(users["cpe77"].id, {"deadline_near": "in_app"}, clock.now())
    people = [Recipient("cpe77@test.ru", users["cpe77"].id), Recipient("head.cpe77@test.ru", users["head77"].id)]
    enqueue(people, "near:timer-1", NEAR, now=clock.now())
    db.session.commit()
    assert _row("cpe77@test.ru").delivery == DeliveryState.IN_APP
    for _ in range(3):
        deliver_pending(clock.now())
        clock.advance(minutes=30)
    assert [m["To"] for m in mail.messages] == ["head.cpe77@test.ru"]  # the other person's choice: at once
    assert _row("cpe77@test.ru").delivery == DeliveryState.IN_APP and _row("cpe77@test.ru").sent_at is None
    login(client, "cpe77@test.ru")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Срок подходит: Проверка Заявки" in page and 'href="/applications/7">Открыть заявку' in page


def test_a_choice_is_per_kind(app, users, clock, mail):
    preferences.save(users["client77"].id, {"deadline_near": "in_app"}, clock.now())
    enqueue([Recipient("client77@test.ru", users["client77"].id)], "refusal:7", REFUSAL, now=clock.now())
    db.session.commit()
    assert deliver_pending(clock.now())["sent"] == 1 and mail.messages[0]["Subject"] == "Отказ по заявке № 7"


def test_a_contact_email_without_an_account_and_an_invitation_are_sent_at_once(app, users, clock, mail):
    # Even a stored choice for invitations (the page refuses to write one) does not hold one back.
    db.session.add(NotificationSetting(user_id=users["client77"].id, kind="invitation", mode="in_app",
                                       updated_at=clock.now()))
    preferences.save(users["client77"].id, {"refusal": "in_app"}, clock.now())
    invitation = Message(NotificationKind.INVITATION, "Приглашение в Витрину", "Задайте пароль.", "/invite/x")
    enqueue([Recipient("client77@test.ru", users["client77"].id)], "invite:1", invitation, now=clock.now())
    enqueue([Recipient("contact@romashka.test")], "refusal:7", REFUSAL, now=clock.now())
    db.session.commit()
    assert deliver_pending(clock.now())["sent"] == 2
    assert sorted(m["To"] for m in mail.messages) == ["client77@test.ru", "contact@romashka.test"]


def test_each_event_still_notifies_a_digest_user_once(app, users, clock, mail):
    preferences.save(users["cpe77"].id, {"deadline_near": "digest"}, clock.now())
    for _ in range(2):
        enqueue([Recipient("cpe77@test.ru", users["cpe77"].id), Recipient("CPE77@test.ru", users["cpe77"].id)],
                "near:timer-1", NEAR, now=clock.now())
        db.session.commit()
    [row] = db.session.scalars(select(Notification)).all()
    assert row.delivery == DeliveryState.DIGEST and row.next_attempt_at == moscow(2025, 11, 1, 9, 0)


def test_without_smtp_everything_stays_in_the_app_whatever_the_choice(app, users, clock):
    preferences.save(users["cpe77"].id, {"deadline_near": "digest"}, clock.now())
    enqueue([Recipient("cpe77@test.ru", users["cpe77"].id)], "near:timer-1", NEAR, now=clock.now())
    db.session.commit()
    assert _row("cpe77@test.ru").delivery == DeliveryState.KEPT


def test_a_changed_choice_moves_what_waits_for_the_digest(app, users, clock, mail):
    user = users["cpe77"]
    preferences.save(user.id, {"deadline_near": "digest", "refusal": "digest"}, clock.now())
    enqueue([Recipient(user.email, user.id)], "near:timer-1", NEAR, now=clock.now())
    enqueue([Recipient(user.email, user.id)], "refusal:7", REFUSAL, now=clock.now())
    db.session.commit()
    clock.advance(hours=1)
    preferences.save(user.id, {"deadline_near": "immediate", "refusal": "in_app"}, clock.now())
    assert deliver_pending(clock.now())["sent"] == 1
    assert [m["Subject"] for m in mail.messages] == ["Срок подходит: Проверка Заявки"]
    rows = {r.kind: r.delivery for r in db.session.scalars(select(Notification))}
    assert rows == {"deadline_near": DeliveryState.SENT, "refusal": DeliveryState.IN_APP}


def test_the_deadline_sweep_honours_each_persons_choice(app, users, clock, mail):
    """Breaches of the check's deadline (end of 05.11.2025) reach the ЦПЭ, its manager and МО РЭЦ:
    each as they chose."""
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    complete(instance, "Подача Заявки")
    preferences.save(users["cpe77"].id, {"deadline_breached": "in_app"}, clock.now())
    preferences.save(users["head77"].id, {"deadline_breached": "digest"}, clock.now())
    clock.set(moscow(2025, 11, 6, 9, 0))
    fire_due_timers(clock.now())
    db.session.commit()
    breaches = {r.recipient: r for r in db.session.scalars(select(Notification).where(
        Notification.kind == NotificationKind.DEADLINE_BREACHED))}
    assert breaches["cpe77@test.ru"].delivery == DeliveryState.IN_APP
    assert breaches["head.cpe77@test.ru"].delivery == DeliveryState.DIGEST
    assert breaches["head.cpe77@test.ru"].next_attempt_at == moscow(2025, 11, 7, 9, 0)  # Friday, a working day
    assert breaches["mo@test.ru"].delivery == DeliveryState.PENDING
    deliver_pending(clock.now())
    assert {m["To"] for m in mail.messages if m["Subject"].startswith("Нарушен")} == {"mo@test.ru", "head.mo@test.ru"}


def test_saving_again_replaces_the_choice_and_back_to_immediately_leaves_no_row(app, users, clock):
    user = users["mo"]
    preferences.save(user.id, {"deadline_breached": "digest"}, clock.now())
    preferences.save(user.id, {"deadline_breached": "in_app"}, clock.now())
    assert [(s.kind, s.mode) for s in db.session.scalars(select(NotificationSetting))] == [
        ("deadline_breached", "in_app")]
    assert preferences.save(user.id, {"deadline_breached": "immediate"}, clock.now())[
        NotificationKind.DEADLINE_BREACHED] == DeliveryMode.IMMEDIATE
    assert db.session.scalars(select(NotificationSetting)).all() == []



def test_the_api_reads_and_changes_the_callers_own_settings_as_the_page_does(app, client, users):
    from app.api import tokens
    _, secret = tokens.issue(users["cpe77"], "ЛК")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    got = client.get("/api/v1/me/notification-settings", headers=headers).get_json()
    assert got["settings"]["task"] == "immediate" and "invitation" not in got["settings"]
    saved = client.put("/api/v1/me/notification-settings", headers=headers, json={"task": "digest", "case": "in_app"})
    assert saved.status_code == 200 and saved.get_json()["settings"]["task"] == "digest"
    assert client.get("/notifications/settings").status_code in (302, 401)  # the page needs its own login
    wrong = client.put("/api/v1/me/notification-settings", headers=headers, json={"task": "sometimes"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "task"
    again = client.get("/api/v1/me/notification-settings", headers=headers).get_json()["settings"]
    assert (again["task"], again["case"]) == ("digest", "in_app")  # the refused change saved nothing
