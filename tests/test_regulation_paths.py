"""Every path of table 5.9 on the deployed main model, with the exact status sequences.

Each completion is followed by a save/restore check (tests/helpers.py: assert_restores).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.calendar import MOSCOW
from app.extensions import db
from app.models import ProcessInstance, Timer
from app.workflow.deployments import deploy_bundle, read_bundle
from app.deadlines.sweep import fire_due_timers
from app.workflow.instances import get_instance, start_process
from tests.conftest import ROOT, moscow
from tests.helpers import assert_restores, complete, open_tasks, ready, statuses, task_named

CHECK = "Проверка Заявки в ЦПЭ"
REWORK = "Доработка Заявки Клиентом"
REFUSE_2_2 = "Отказ в предоставлении продукта"
MO_APPROVAL = "Согласование Заявки в МО РЭЦ"
MO_REMARKS = "Формирование и отправка замечаний по Заявке"
ORIGINALS = "Получение оригиналов документов"
SELECTION = "Проведение отбора Заявок"
REFUSE_5_1 = "Отказ по итогам отбора"
AGREEMENT = "Заключение Соглашения с участием ЦПЭ, Оператора и Клиента"
REFUSE_6_1 = "Отказ: Соглашение не подписано"
SERVICE_APPROVAL = "Согласование Услуги в МО РЭЦ"
SERVICE_REMARKS = "Отработка замечаний по Услуге"
ROADMAP = "Формирование детализированной Дорожной карты"
ROADMAP_APPROVAL = "Согласование детализированной Дорожной карты"
ROADMAP_CORRECTION = "Корректировка Дорожной карты по замечаниям"
EXECUTION = "Реализация Дорожной карты"
ACT = "Завершение Заявки: загрузка подписанного Акта"
CONFIRMATION = "Подтверждение факта оказания услуги"
CRM = "Учёт услуги в CRM"
FIRST_REPORT = "Направление первого Отчёта о продажах"
REGULAR_REPORT = "Направление регулярного Отчёта о продажах"
FIRST_ACCEPTANCE = "Приёмка первого Отчёта о продажах"
REGULAR_ACCEPTANCE = "Приёмка регулярного Отчёта о продажах"

HAPPY_STATUSES = [
    "Новая", "На рассмотрении ЦПЭ", "На согласовании МО РЭЦ", "Ожидание документов от Клиента",
    "Проведение отбора", "В работе", "Услуга на согласовании МО РЭЦ", "Услуга согласована МО РЭЦ",
    "Дорожная карта на согласовании МО РЭЦ", "Дорожная карта согласована МО РЭЦ", "В работе",
    "Заявка на завершении", "Заявка завершена",
]
SERVICE_STATUSES = ["На согласовании", "В работе", "Услуга завершена", "Услуга учтена"]


@pytest.fixture
def application(app):
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client@romashka", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    assert_restores(instance)
    return instance


def submit_and_check(instance):
    instance = complete(instance, "Подача Заявки")
    return complete(instance, CHECK, decision="approve")


def through_selection(instance):
    instance = complete(submit_and_check(instance), MO_APPROVAL, decision="approve")
    instance = complete(instance, ORIGINALS)
    return complete(instance, SELECTION, decision="approve")


def through_service_approval(instance):
    instance = complete(through_selection(instance), AGREEMENT, decision="approve")
    return complete(instance, SERVICE_APPROVAL, decision="approve")


def through_act(instance):
    instance = complete(through_service_approval(instance), ROADMAP)
    instance = complete(instance, ROADMAP_APPROVAL, decision="approve")
    instance = complete(instance, EXECUTION)
    return complete(instance, ACT)


def consultations_of(instance):
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == instance.id)).all()


def test_happy_path_goes_through_every_status_of_the_table(application):
    instance = through_act(application)
    instance = complete(instance, CONFIRMATION)
    instance = complete(instance, CRM)
    assert statuses(instance) == HAPPY_STATUSES
    assert statuses(instance, "service_status") == SERVICE_STATUSES
    assert ready(instance) == []  # only the sales-report timer is left
    assert instance.state == "running"


@pytest.mark.parametrize("rounds", [1, 2])
def test_remarks_to_the_client_loop_back_to_the_check(application, rounds):
    instance = complete(application, "Подача Заявки")
    for _ in range(rounds):
        # The remarks go to the client with the decision itself (2.1): no second ЦПЭ task.
        instance = complete(instance, CHECK, decision="remarks", comment="Не указан ОГРН")
        assert ready(instance) == [REWORK]
        instance = complete(instance, REWORK)
    instance = complete(instance, CHECK, decision="approve")
    loop = ["На рассмотрении ЦПЭ", "На доработку"]
    assert statuses(instance) == ["Новая"] + loop * rounds + ["На рассмотрении ЦПЭ", "На согласовании МО РЭЦ"]


@pytest.mark.parametrize("rounds", [1, 2])
def test_mo_rec_remarks_go_back_through_the_cpe_to_the_client(application, rounds):
    instance = submit_and_check(application)
    for _ in range(rounds):
        instance = complete(instance, MO_APPROVAL, decision="remarks", comment="Уточните ТН ВЭД")
        instance = complete(instance, MO_REMARKS)
        instance = complete(instance, REWORK)
        instance = complete(instance, CHECK, decision="approve")
    instance = complete(instance, MO_APPROVAL, decision="approve")
    loop = ["На рассмотрении ЦПЭ", "На доработку", "На рассмотрении ЦПЭ", "На согласовании МО РЭЦ"]
    assert statuses(instance) == (["Новая", "На рассмотрении ЦПЭ", "На согласовании МО РЭЦ"]
                                  + loop * rounds + ["Ожидание документов от Клиента"])


@pytest.mark.parametrize("rounds", [1, 2])
def test_service_remarks_loop_back_to_mo_rec(application, rounds):
    instance = complete(through_selection(application), AGREEMENT, decision="approve")
    for _ in range(rounds):
        instance = complete(instance, SERVICE_APPROVAL, decision="remarks", comment="Нет подписи Оператора")
        instance = complete(instance, SERVICE_REMARKS)
    instance = complete(instance, SERVICE_APPROVAL, decision="approve")
    assert statuses(instance) == (HAPPY_STATUSES[:6] + ["Услуга на согласовании МО РЭЦ"]
                    + ["На рассмотрении ЦПЭ", "Услуга на согласовании МО РЭЦ"] * rounds
                    + ["Услуга согласована МО РЭЦ"])
    assert statuses(instance, "service_status") == ["На согласовании", "В работе"]


@pytest.mark.parametrize("rounds", [1, 2])
def test_roadmap_remarks_loop_back_to_mo_rec(application, rounds):
    instance = complete(through_service_approval(application), ROADMAP)
    for _ in range(rounds):
        instance = complete(instance, ROADMAP_APPROVAL, decision="remarks", comment="Нет сроков этапа 3")
        instance = complete(instance, ROADMAP_CORRECTION)
    instance = complete(instance, ROADMAP_APPROVAL, decision="approve")
    assert statuses(instance) == (HAPPY_STATUSES[:8] + ["Дорожная карта на согласовании МО РЭЦ"]
                    + ["На доработку", "Дорожная карта на согласовании МО РЭЦ"] * rounds
                    + ["Дорожная карта согласована МО РЭЦ"])


def test_refusal_after_the_check_offers_a_consultation(application):
    instance = complete(application, "Подача Заявки")
    instance = complete(instance, CHECK, decision="reject", comment="Не субъект МСП")
    instance = complete(instance, REFUSE_2_2)
    assert statuses(instance) == ["Новая", "На рассмотрении ЦПЭ", "Отказ ЦПЭ"]
    assert instance.state == "completed"
    [offer] = consultations_of(instance)
    assert offer.process_id == "consultation" and offer.application_status == "Предложена Клиенту"
    assert [t.role for t in open_tasks(offer)] == ["client"]


def test_refusal_after_selection_offers_a_consultation(application):
    instance = complete(application, "Подача Заявки")
    instance = complete(instance, CHECK, decision="approve")
    instance = complete(instance, MO_APPROVAL, decision="approve")
    instance = complete(instance, ORIGINALS)
    instance = complete(instance, SELECTION, decision="reject", comment="Не прошёл конкурс")
    instance = complete(instance, REFUSE_5_1)
    assert statuses(instance) == HAPPY_STATUSES[:5] + ["Отказ ЦПЭ"]
    assert len(consultations_of(instance)) == 1


def test_refusal_when_the_agreement_is_not_signed_offers_a_consultation(application):
    instance = complete(through_selection(application), AGREEMENT, decision="reject", comment="Клиент не подписал")
    instance = complete(instance, REFUSE_6_1)
    assert statuses(instance) == HAPPY_STATUSES[:6] + ["Отказ ЦПЭ"]
    assert statuses(instance, "service_status") == []
    assert len(consultations_of(instance)) == 1


def test_client_who_does_not_answer_remarks_is_refused(application, clock):
    instance = complete(application, "Подача Заявки")
    instance = complete(instance, CHECK, decision="remarks", comment="Нет доверенности")
    wait = task_named(instance, REWORK).wait_due
    clock.set(wait)
    fire_due_timers(clock.now())
    assert ready(get_instance(instance.id)) == [REWORK]
    clock.advance(seconds=1)
    fire_due_timers(clock.now())
    instance = get_instance(instance.id)
    assert_restores(instance)
    assert statuses(instance) == ["Новая", "На рассмотрении ЦПЭ", "На доработку", "Отказ Клиента"]
    assert instance.state == "completed" and open_tasks(instance) == []


def test_originals_not_received_in_time_end_in_refusal(application, clock):
    instance = complete(submit_and_check(application), MO_APPROVAL, decision="approve")
    wait = task_named(instance, ORIGINALS).wait_due
    assert wait is not None
    clock.set(wait + timedelta(seconds=1))
    fire_due_timers(clock.now())
    instance = get_instance(instance.id)
    assert_restores(instance)
    assert statuses(instance) == HAPPY_STATUSES[:4] + ["Отказ Клиента"]
    assert instance.state == "completed"


def test_check_step_deadlines_count_russian_working_days(application):
    instance = complete(application, "Подача Заявки")  # on Friday 31.10.2025
    task = task_named(instance, CHECK)
    assert task.normative_due == moscow(2025, 11, 5, 23, 59, 59)
    assert task.indicative_due == moscow(2025, 11, 1, 23, 59, 59)


def test_sales_reports_come_each_period_until_the_agreement_ends(application, clock):
    # Agreement 01.12.2025–31.05.2026, monthly reports: periods end 01.01 … 01.05.2026.
    instance = through_act(application)
    report_timers = lambda: db.session.scalars(select(Timer).where(
        Timer.instance_id == instance.id, Timer.kind == "report_period")).all()
    [first] = report_timers()
    assert first.due_at == moscow(2026, 1, 1, 0, 0)
    reports = []
    for _ in range(10):
        timers = report_timers()
        if not timers:
            break
        clock.set(max(clock.now(), timers[0].due_at) + timedelta(seconds=1))
        fire_due_timers(clock.now())
        instance = get_instance(instance.id)
        name, acceptance = (FIRST_REPORT, FIRST_ACCEPTANCE) if not reports else (REGULAR_REPORT, REGULAR_ACCEPTANCE)
        reports.append(clock.now())
        instance = complete(complete(instance, name), acceptance)  # the ЦПЭ accepts each (3.8(13))
    assert [r.astimezone(MOSCOW).date().isoformat() for r in reports] == [
        "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"]
    assert report_timers() == []
    assert FIRST_REPORT not in ready(instance) and REGULAR_REPORT not in ready(instance)
