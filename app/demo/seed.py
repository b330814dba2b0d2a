"""Demo data for a first run: applications of two regions at different steps of the table, and
one user per role (regional roles in both regions) to look at them with."""
from __future__ import annotations

from sqlalchemy import func, select

from .samples import sample
from ..extensions import db
from ..models import OpenTask, ProcessInstance, User
from ..roles import Role
from ..workflow.instances import complete_task, start_process
from ..statuses import ProcessId

REGIONS = {"77": "г. Москва", "66": "Свердловская область"}

COMPANIES = [
    ("77", "ООО «Ромашка»", "7707083893"),
    ("77", "АО «Сибирский мёд»", "7736050003"),
    ("66", "ООО «Уральские самоцветы»", "6658021226"),
    ("66", "ИП Кузнецов Андрей Викторович", "665800123414"),
]

# How far each demo application goes along the happy path: element ids of the steps completed.
HAPPY_PATH = ["step_1_submit", "step_2_check", "step_3_approval", "step_4_originals",
              "step_5_selection", "step_6_agreement", "step_7_approval"]


# The remarks loop (2.1): the ЦПЭ's remarks, on top and beside two fields of the questionnaire; one
# application waits for the client's corrections, the other is corrected and back on the check,
# its changed answers marked and its scoring re-run.
DEMO_REMARKS = {"decision": "remarks", "comment": "Уточните, пожалуйста, сведения о сайте и сроке годности.",
                "field_remarks": [{"field": "website", "remark": "Сайт не открывается: проверьте адрес"},
                                  {"field": "shelf_life_9m", "remark": "В спецификации срок годности 6 месяцев"}]}
DEMO_CORRECTIONS = {"website": "https://romashka-med.example", "shelf_life_9m": False, "shelf_life_months": 6,
                    "answer": "Исправили адрес сайта и срок годности"}


# (name, INN, ОГРН, marketplaces, countries, accredited): the first is the demo operator's company
# and the party to the demo agreements; the last is still being checked by МО РЭЦ.
DEMO_OPERATORS = [
    ("ООО «Экспорт Онлайн»", "7704123450", "1177700123457", "Tmall Global, JD.com, Ozon Global", "Китай, Казахстан",
     True),
    ("АО «Глобал Маркет»", "7710987659", "1197745000012", "Amazon, Noon", "ОАЭ, Саудовская Аравия", True),
    ("ООО «Урал Трейд»", "6670123457", "1166658000013", "Wildberries (Узбекистан), Kaspi", "Узбекистан, Казахстан",
     False),
]
DEMO_OPERATOR_USER = "operator@demo.ru"


def seed_demo_operators() -> list:
    """The registry of the demo: two accredited operators (all nine requirements met) and one
    under review; empty when there are operators already."""
    from ..models import Operator
    from ..operators import accreditation, registry
    from ..operators.requirements import REQUIREMENTS
    if db.session.scalar(select(func.count()).select_from(Operator)):
        return []
    created = []
    for name, inn, ogrn, marketplaces, countries, accredit in DEMO_OPERATORS:
        operator = registry.create_operator({"name": name, "inn": inn, "ogrn": ogrn, "marketplaces": marketplaces,
                                             "countries": countries, "contact_person": "Отдел по работе с ЦПЭ",
                                             "email": f"cpe@{inn}.example.ru"}, actor="demo")
        accreditation.decide(operator, "review", None, actor="demo")
        if accredit:
            for item in REQUIREMENTS:
                accreditation.mark_requirement(operator, item.number, True, "Проверено по документам Оператора",
                                               actor="demo")
            accreditation.decide(operator, "accredit", None, actor="demo")
        created.append(operator)
    return created


def seed_demo() -> bool:
    """Create the demo applications once; False when there are applications already."""
    if db.session.scalar(select(func.count()).select_from(ProcessInstance)):
        return False
    operators = seed_demo_operators()
    _link_demo_operator_user()
    party = {"operator_id": operators[0].id, "operator_name": operators[0].name} if operators else {}
    for index, (region, name, inn) in enumerate(COMPANIES * 2):
        instance = start_process(ProcessId.MARKETPLACE_SUPPORT, actor="demo", region=region,
                                 company_name=name, company_inn=inn)
        for element_id in HAPPY_PATH[:index]:
            data = sample("application_questionnaire", company_name=name, company_inn=inn) \
                if element_id == "step_1_submit" else sample("agreement", **party) \
                if element_id == "step_6_agreement" else None
            if not _complete(instance, element_id, data):
                break
    region, name, inn = COMPANIES[0]
    filed = sample("application_questionnaire", company_name=name, company_inn=inn)
    for corrected in (False, True):
        instance = start_process(ProcessId.MARKETPLACE_SUPPORT, actor="demo", region=region,
                                 company_name=name, company_inn=inn)
        _complete(instance, "step_1_submit", filed)
        _complete(instance, "step_2_check", sample("application_check", **DEMO_REMARKS))
        if corrected:
            _complete(instance, "step_2_1_rework", {**filed, **DEMO_CORRECTIONS})
    return True


def _complete(instance, element_id: str, data: dict | None = None) -> bool:
    """Complete the instance's open task of ``element_id`` with ``data`` (its form's example by
    default); False when there is no such task."""
    task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id,
                                                    OpenTask.element_id == element_id))
    if task is None:
        return False
    complete_task(instance.id, task.task_id, sample(task.form) if data is None else data,
                  actor=_demo_actor(task.role, instance))
    return True


def _demo_actor(role: str | None, instance) -> str:
    """The demo user of the task's lane, so the demo's history names people; «demo» (shown as
    the system) where the demo has no such user, as for the companies without a client account."""
    for email, _name, roles, region, inn, _company in DEMO_USERS:
        if role in roles and len(roles) == 1 and region in (None, instance.region) \
                and inn in (None, instance.company_inn):
            return email
    return "demo"


# One password for every demo account: they exist to be tried, and are listed in the README.
DEMO_PASSWORD = "vitrina-demo"

# (e-mail, name, roles, region, company INN, company name): the clients are companies of the
# demo applications above, so each sees its own ones.
DEMO_USERS = [
    ("client77@demo.ru", "Иван Петров (ООО «Ромашка»)", {Role.CLIENT}, "77", "7707083893", "ООО «Ромашка»"),
    ("client66@demo.ru", "Ольга Смирнова (ООО «Уральские самоцветы»)", {Role.CLIENT}, "66", "6658021226",
     "ООО «Уральские самоцветы»"),
    ("cpe77@demo.ru", "Анна Соколова, ЦПЭ Москвы", {Role.CPE}, "77", None, None),
    ("cpe66@demo.ru", "Дмитрий Волков, ЦПЭ Свердловской области", {Role.CPE}, "66", None, None),
    ("head.cpe77@demo.ru", "Елена Морозова, руководитель ЦПЭ Москвы", {Role.CPE, Role.MANAGER}, "77", None, None),
    ("head.cpe66@demo.ru", "Сергей Новиков, руководитель ЦПЭ Свердловской области", {Role.CPE, Role.MANAGER},
     "66", None, None),
    ("mo@demo.ru", "Мария Лебедева, МО РЭЦ", {Role.MO_REC}, None, None, None),
    ("head.mo@demo.ru", "Алексей Козлов, руководитель МО РЭЦ", {Role.MO_REC, Role.MANAGER}, None, None, None),
    ("ops@demo.ru", "Наталья Павлова, ОПС РЭЦ", {Role.OPS_REC}, None, None, None),
    ("kb@demo.ru", "Игорь Семёнов, КБ РЭЦ", {Role.KB_REC}, None, None, None),
    ("operator@demo.ru", "Татьяна Егорова, оператор ЭТП", {Role.OPERATOR}, None, None, None),
    ("owner@demo.ru", "Павел Никитин, владелец процесса", {Role.PROCESS_OWNER}, None, None, None),
    ("analyst@demo.ru", "Юлия Орлова, аналитик", {Role.ANALYST}, None, None, None),
    ("admin@demo.ru", "Администратор Витрины", {Role.ADMIN}, None, None, None),
]


def seed_demo_users() -> int:
    """Create the demo users once: how many were created, 0 when there are users already."""
    from ..accounts import count_users, create_user
    if count_users():
        return 0
    for email, name, roles, region, inn, company in DEMO_USERS:
        create_user(email, name, DEMO_PASSWORD, roles, region=region, company_inn=inn, company_name=company)
    _link_demo_operator_user()
    return len(DEMO_USERS)


def _link_demo_operator_user() -> None:
    """operator@demo.ru works for the first demo operator, so it sees that operator's applications."""
    from ..models import Operator
    from ..operators import registry
    operator = db.session.scalar(select(Operator).where(Operator.inn == DEMO_OPERATORS[0][1]))
    user = db.session.scalar(select(User).where(User.email == DEMO_OPERATOR_USER))
    if operator is not None and user is not None:
        registry.link_user(operator, DEMO_OPERATOR_USER, actor="demo")
