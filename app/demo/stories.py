"""What each demo application does: its plan (where it stops, which decisions it meets, which
steps are done late) and the answer its performer gives at each step, dated by the virtual day.

A plan is drawn from a seeded ``random.Random``, so the same seed tells the same stories.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..calendar import MOSCOW
from .samples import sample

# The user tasks of the main path in order: a plan that stops at one leaves its task open.
MAIN_PATH = ["step_1_submit", "step_2_check", "step_3_approval", "step_4_originals", "step_5_selection",
             "step_6_agreement", "step_7_approval", "step_8_roadmap", "step_9_approval", "step_10_execution",
             "step_11_act", "step_12_confirmation", "step_13_crm"]

REMARKS = {"decision": "remarks", "comment": "Уточните, пожалуйста, сведения о сайте и сроке годности.",
           "field_remarks": [{"field": "website", "remark": "Сайт не открывается: проверьте адрес"},
                             {"field": "shelf_life_9m", "remark": "В спецификации срок годности 6 месяцев"}]}
CORRECTIONS = {"website": "https://export.example", "shelf_life_9m": False, "shelf_life_months": 6,
               "answer": "Исправили адрес сайта и срок годности"}
MO_REMARKS = {"decision": "remarks", "comment": "Не приложена презентация продукции: дополните Заявку."}
REJECT_CHECK = {"decision": "reject", "comment": "Компания не относится к субъектам МСП"}
REJECT_SELECTION = {"decision": "reject", "selection_protocol": "Протокол отбора", "comment": "Заявка не прошла отбор"}
REJECT_AGREEMENT = {"decision": "reject", "comment": "Клиент отказался подписать Соглашение"}
REPORT_REMARKS = {"decision": "remarks", "comment": "Сумма за месяц не сходится с выгрузкой площадки"}

# (kind, weight, answers by element, stop element): the stories of the drawn applications.
KINDS = [
    ("done", 5, {}, None),
    ("remarks_2_1", 2, {"step_2_check": [REMARKS]}, None),
    ("remarks_3_1", 1, {"step_3_approval": [MO_REMARKS]}, None),
    ("refusal_2_2", 1, {"step_2_check": [REJECT_CHECK]}, None),
    ("refusal_5_1", 1, {"step_5_selection": [REJECT_SELECTION]}, None),
    ("refusal_6_1", 1, {"step_6_agreement": [REJECT_AGREEMENT]}, None),
    ("client_timeout", 1, {"step_2_check": [REMARKS]}, "step_2_1_rework"),
    ("originals_timeout", 1, {}, "step_4_originals"),
    ("at_step", 4, {}, None),
]
# Share of steps with a normative deadline that their performer finishes after it.
LATE_SHARE = 0.18
# How long a step without a deadline of its own usually takes, in days.
USUAL_DAYS = {"step_1_submit": 2, "step_2_1_rework": 4, "step_5_selection": 4, "step_6_agreement": 6,
              "step_9_approval": 3, "step_9_1_correction": 3, "step_10_execution": 12, "step_11_act": 4,
              "step_14_acceptance": 3, "step_15_acceptance": 3, "complaint_submit": 0.2}


@dataclass
class Plan:
    kind: str
    region: str
    company: str
    inn: str
    start: datetime
    answers: dict[str, list[dict]] = field(default_factory=dict)
    stop: str | None = None
    late: set[str] = field(default_factory=set)
    when: dict[str, datetime] = field(default_factory=dict)  # fixed moments of some steps
    process: str = "marketplace_support"
    agreement: dict = field(default_factory=dict)  # as signed at step 6: the Act and reports cite it
    agreement_party: dict = field(default_factory=dict)  # the operator the agreement names
    about: int | None = None  # a complaint's application
    sales_total: int = 0

    def answer_for(self, element_id: str) -> dict:
        queue = self.answers.get(element_id) or []
        return queue.pop(0) if queue else {}


def draw_plan(rng: random.Random, number: int, company: tuple[str, str, str], start: datetime,
              span_days: int) -> Plan:
    """The ``number``-th drawn application of ``company`` (region, name, INN) in a history of
    ``span_days`` days from ``start``."""
    kinds = [k for k in KINDS for _ in range(k[1])]
    kind, _, answers, stop = rng.choice(kinds)
    # Long stories start early so they reach their end (or their timer) before today.
    latest = {"done": 0.25, "client_timeout": 0.6, "originals_timeout": 0.5}.get(kind, 0.9)
    offset = timedelta(days=rng.uniform(0, span_days * latest), hours=rng.uniform(0, 8))
    region, name, inn = company
    plan = Plan(kind, region, name, inn, start + offset, {k: list(v) for k, v in answers.items()}, stop)
    if kind == "at_step":
        plan.stop = MAIN_PATH[1 + number % (len(MAIN_PATH) - 1)]
    if kind == "done" and rng.random() < 0.3:
        plan.answers["step_15_acceptance"] = [REPORT_REMARKS]
    return plan


def is_late(rng: random.Random, plan: Plan, element_id: str) -> bool:
    if element_id in plan.late:
        return True
    return rng.random() < LATE_SHARE


def answer(plan: Plan, element_id: str, form: str | None, instance, today: date) -> dict | None:
    """The data the performer sends for the step, None for a form with nothing to fill."""
    data = _base(plan, element_id, form, instance, today)
    data.update(plan.answer_for(element_id))
    if element_id == "step_6_agreement" and data.get("decision") == "approve":
        plan.agreement = data
    return data


def _base(plan: Plan, element_id: str, form: str | None, instance, today: date) -> dict:
    if form is None:
        return {}
    company = {"company_name": plan.company, "company_inn": plan.inn}
    if form == "application_questionnaire":
        return sample(form, **company)
    if form == "application_rework":
        return sample(form, **company, **CORRECTIONS)
    if form == "originals_receipt":
        return sample(form, received_on=today.isoformat())
    if form == "agreement":
        return sample(form, agreement_number=f"С-{instance.id}/{today.year}", agreement_date=today.isoformat(),
                      agreement_end=(today + timedelta(days=365)).isoformat(), report_period_months=1,
                      report_days=10, **plan.agreement_party)
    if form in ("roadmap", "roadmap_correction"):
        return _roadmap(sample(form), today)
    if form == "act_upload":
        agreement = plan.agreement or sample("agreement")
        return sample(form, act_date=today.isoformat(), act_company_name=plan.company,
                      act_agreement_number=agreement["agreement_number"],
                      act_agreement_date=agreement["agreement_date"])
    if form == "crm_record":
        return sample(form, crm_id=f"CRM-{today.year}-{instance.id:04d}", recorded_on=today.isoformat())
    if form == "sales_report":
        return _sales_report(plan, today)
    if form == "complaint_submission":
        return sample(form, application_number=plan.about or instance.id)
    if form == "complaint_registration":
        return sample(form, registration_number=f"Ж-{plan.region}/{today.year}-{instance.id:03d}",
                      registered_on=today.isoformat())
    return sample(form)


def _roadmap(data: dict, today: date) -> dict:
    """The example roadmap moved so that its first stage starts next week."""
    first = min(date.fromisoformat(row["start"]) for row in data["roadmap_steps"])
    shift = today + timedelta(days=7) - first
    for row in data["roadmap_steps"]:
        for key in ("start", "due"):
            row[key] = (date.fromisoformat(row[key]) + shift).isoformat()
    return data


def _sales_report(plan: Plan, today: date) -> dict:
    data = sample("sales_report", period_end=(today.replace(day=1) - timedelta(days=1)).isoformat())
    row = dict(data["sales"][0])
    month = 9000 + (plan.sales_total * 7 + len(plan.company) * 1300) % 21000
    plan.sales_total += month
    row.update(value_last_month=month, value_total=plan.sales_total,
               transactions_total=row["transactions_total"] + plan.sales_total // 1500)
    data["sales"] = [row]
    return data


def moscow_day(moment: datetime) -> date:
    return moment.astimezone(MOSCOW).date()
