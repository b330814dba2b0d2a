"""Deadlines that fire: warnings at the indicative deadline, the breach register at the normative
one, on the injected clock, for every deadline of table 5.9 and across the holiday transfers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import create_user
from app.calendar import MOSCOW
from app.deadlines.sweep import fire_due_timers
from app.extensions import db
from app.models import Breach, Notification, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import get_instance, start_process
from tests.conftest import PASSWORD, ROOT, moscow
from tests.helpers import complete, task_named
from tests.test_regulation_paths import (
    AGREEMENT, CHECK, CONFIRMATION, CRM, MO_APPROVAL, MO_REMARKS, REFUSE_2_2, ROADMAP,
    SERVICE_APPROVAL, SERVICE_REMARKS, submit_and_check, through_act, through_selection,
    through_service_approval)

# Working days after the day a step became ready (4.2), for the two start days used below.
DUE = {
    "31.10.2025": {1: (2025, 11, 1), 2: (2025, 11, 5), 5: (2025, 11, 10), 30: (2025, 12, 15), 60: (2026, 2, 5)},
    "30.12.2025": {1: (2026, 1, 12), 2: (2026, 1, 13), 5: (2026, 1, 16), 30: (2026, 2, 20), 60: (2026, 4, 7)},
}
STARTS = {"31.10.2025": moscow(2025, 10, 31, 10, 0), "30.12.2025": moscow(2025, 12, 30, 10, 0)}


def submitted(i):
    return complete(i, "Подача Заявки")


# step, the task, how to reach it, normative and indicative deadline in working days (table 5.9);
# 2.1's 1 working day is met by construction: the remarks leave with step 2's decision.
STEPS = [
    ("2", CHECK, submitted, 2, 1),
    ("2.2", REFUSE_2_2, lambda i: complete(submitted(i), CHECK, decision="reject", comment="Не МСП"), 1, 1),
    ("3", MO_APPROVAL, submit_and_check, 2, 1),
    ("3.1", MO_REMARKS, lambda i: complete(submit_and_check(i), MO_APPROVAL, decision="remarks", comment="ТН ВЭД"), 1, 1),
    ("7", SERVICE_APPROVAL, lambda i: complete(through_selection(i), AGREEMENT, decision="approve"), 2, 1),
    ("7.1", SERVICE_REMARKS, lambda i: complete(complete(through_selection(i), AGREEMENT, decision="approve"),
                                                SERVICE_APPROVAL, decision="remarks", comment="Нет подписи"), 2, 1),
    ("8", ROADMAP, through_service_approval, 60, 30),
    ("12", CONFIRMATION, through_act, 5, None),
    ("13", CRM, lambda i: complete(through_act(i), CONFIRMATION), 2, 1),
]


@pytest.fixture
def staff(app, fast_hashing):
    people = {
        "cpe77": ("cpe77@test.ru", ["cpe"], "77", None),
        "cpe66": ("cpe66@test.ru", ["cpe"], "66", None),
        "head77": ("head77@test.ru", ["cpe", "manager"], "77", None),
        "mo": ("mo@test.ru", ["mo_rec"], None, None),
        "head_mo": ("head.mo@test.ru", ["mo_rec", "manager"], None, None),
        "client": ("client@test.ru", ["client"], "77", "7707083893"),
        "ops": ("ops@test.ru", ["ops_rec"], None, None),
    }
    for email, roles, region, inn in people.values():
        create_user(email, email.split("@")[0], PASSWORD, roles, region=region, company_inn=inn,
                    company_name="ООО «Ромашка»" if inn else None)
    return {k: v[0] for k, v in people.items()}


@pytest.fixture
def application(app, staff, clock):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    return start_process("marketplace_support", actor="client@test.ru", region="77",
                         company_name="ООО «Ромашка»", company_inn="7707083893")


def end_of_day(ymd) -> object:
    return moscow(*ymd, 23, 59, 59)


@pytest.mark.parametrize("start", list(STARTS))
@pytest.mark.parametrize("step, name, reach, normative, indicative", STEPS, ids=[s[0] for s in STEPS])
def test_each_deadline_warns_and_breaches_at_its_working_day(application, clock, start, step, name, reach,
                                                             normative, indicative):
    clock.set(STARTS[start])
    instance = reach(application)
    task = task_named(instance, name)
    assert task.step == step
    assert task.normative_due == end_of_day(DUE[start][normative])
    assert task.indicative_due == (end_of_day(DUE[start][indicative]) if indicative else None)

    if indicative:
        clock.set(task.indicative_due)
        fire_due_timers(clock.now())
        assert task_named(get_instance(instance.id), name).warned_at is None  # due, not yet past
        clock.advance(seconds=1)
        fire_due_timers(clock.now())
        assert task_named(get_instance(instance.id), name).warned_at == clock.now()
    if task.normative_due > clock.now():  # 2.2 has both deadlines on the same day
        clock.set(task.normative_due)
        fire_due_timers(clock.now())
        assert db.session.scalars(select(Breach).where(Breach.task_id == task.task_id)).all() == []
    clock.set(task.normative_due + timedelta(seconds=1))
    fire_due_timers(clock.now())
    breach = db.session.scalars(select(Breach).where(Breach.task_id == task.task_id)).one()
    assert (breach.step, breach.region, breach.due_at, breach.breached_at, breach.closed_at) == (
        step, "77", task.normative_due, clock.now(), None)
    assert task_named(get_instance(instance.id), name).breached_at == clock.now()


def test_warning_goes_to_the_performers_of_the_region_and_their_managers(application, clock, staff):
    instance = submitted(application)  # step 2 ready on Friday 31.10.2025
    clock.set(moscow(2025, 11, 2, 0, 0))  # the indicative deadline was the working Saturday 01.11
    fire_due_timers(clock.now())
    near = db.session.scalars(select(Notification).where(Notification.kind == "deadline_near")).all()
    assert {n.recipient for n in near} == {staff["cpe77"], staff["head77"]}
    assert all(n.link == f"/applications/{instance.id}" and "Срок подходит" in n.subject for n in near)
    assert {n.delivery for n in near} == {"kept"}  # no SMTP configured: shown in the app


def test_breach_notifies_performers_managers_and_mo_rec_and_closes_with_lateness(application, clock, staff):
    instance = submitted(application)
    clock.set(moscow(2025, 11, 6, 9, 0))  # the normative deadline was the end of 05.11
    fire_due_timers(clock.now())
    breached = db.session.scalars(select(Notification).where(Notification.kind == "deadline_breached")).all()
    assert {n.recipient for n in breached} == {staff["cpe77"], staff["head77"], staff["mo"], staff["head_mo"]}
    clock.set(moscow(2025, 11, 7, 15, 0))
    complete(get_instance(instance.id), CHECK, decision="approve")
    breach = db.session.scalars(select(Breach)).one()
    assert breach.closed_at == clock.now()
    assert breach.late_working_days == 2  # 06.11 and 07.11


def test_a_sweep_and_the_engine_reporting_one_deadline_record_it_once(application, clock, staff):
    instance = submitted(application)
    clock.set(moscow(2025, 11, 6, 9, 0))
    fire_due_timers(clock.now())
    fire_due_timers(clock.now())
    # The instance moves: the engine now fires the same boundary timers itself.
    complete(get_instance(instance.id), CHECK, decision="approve")
    assert len(db.session.scalars(select(Breach)).all()) == 1
    recipients = [n.recipient for n in db.session.scalars(select(Notification).where(
        Notification.kind == "deadline_breached"))]
    assert sorted(recipients) == sorted(set(recipients))


def test_a_completed_step_cancels_its_timers_no_late_warning(application, clock):
    complete(submitted(application), CHECK, decision="approve")
    timers_of_check = db.session.scalars(select(Timer).where(Timer.attached_element_id == "step_2_check")).all()
    assert timers_of_check == []
    clock.set(moscow(2025, 11, 10, 12, 0))
    fire_due_timers(clock.now())
    assert db.session.scalars(select(Breach).where(Breach.element_id == "step_2_check")).all() == []
    assert not [n for n in db.session.scalars(select(Notification))
                if n.kind.startswith("deadline") and "Проверка Заявки" in n.subject]


def test_a_step_done_late_while_no_sweep_ran_still_gets_its_breach(application, clock):
    instance = submitted(application)
    clock.set(moscow(2025, 11, 10, 12, 0))  # nobody swept: the app was down
    complete(get_instance(instance.id), CHECK, decision="approve")
    breach = db.session.scalars(select(Breach)).one()
    assert (breach.step, breach.closed_at, breach.late_working_days) == ("2", clock.now(), 3)


def test_client_wait_ends_in_refusal_with_a_letter_to_the_client(application, clock, staff):
    instance = complete(submitted(application), CHECK, decision="remarks", comment="Нет ОГРН")
    clock.set(moscow(2025, 12, 1, 0, 0))
    report = fire_due_timers(clock.now())
    assert report.instances == 1
    instance = get_instance(instance.id)
    assert instance.application_status == "Отказ Клиента"
    [letter] = db.session.scalars(select(Notification).where(Notification.kind == "refusal")).all()
    assert letter.recipient == staff["client"] and "истёк срок ожидания" in letter.body


def test_refusal_by_the_cpe_tells_the_client_about_the_consultation(application, clock, staff):
    instance = complete(submitted(application), CHECK, decision="reject", comment="Не МСП")
    complete(instance, REFUSE_2_2, refusal_reason="Компания не относится к субъектам МСП")
    [letter] = db.session.scalars(select(Notification).where(Notification.kind == "refusal")).all()
    assert letter.recipient == staff["client"]
    assert "Компания не относится к субъектам МСП" in letter.body
    assert "Консультация по организации экспортной электронной торговли" in letter.body


def test_first_sales_report_deadline_counts_from_the_period_end_across_new_year(application, clock):
    instance = through_act(application)
    clock.set(moscow(2026, 1, 1, 0, 0, 1))
    fire_due_timers(clock.now())
    report = task_named(get_instance(instance.id), "Направление первого Отчёта о продажах")
    # report_days = 10 working days after 01.01.2026: the break runs to 11.01, so 12–16 and 19–23.01.
    assert report.normative_due == end_of_day((2026, 1, 23))
    assert report.ready_at.astimezone(MOSCOW) == moscow(2026, 1, 1, 0, 0, 1)


def test_a_deadline_recorded_by_the_sweep_appears_once_in_the_history(application, clock):
    from app.models import AuditEvent
    instance = submitted(application)
    clock.set(moscow(2025, 11, 6, 9, 0))
    fire_due_timers(clock.now())
    complete(get_instance(instance.id), CHECK, decision="approve")  # the engine now fires them too
    fired = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    assert sorted((f.element_id, f.actor) for f in fired) == [
        ("step_2_indicative", "system"), ("step_2_normative", "system")]
