"""Demo data for a first run: months of history of a few regions (``history``), and one user per
role (regional roles in each region) to look at them with."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update

from ..calendar import MOSCOW
from ..extensions import db
from ..models import Deployment, Notification, ProcessInstance, User
from ..roles import Role
from ..statuses import DeliveryState
from ..workflow.runtime import runtime
from .history import HISTORY_DAYS, DemoHistory
from .timeline import on_virtual_clock

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


# The seed of the demo's history: the same seed (and the same day) tells the same stories.
DEMO_SEED = 15


def seed_demo(seed: int = DEMO_SEED, until: datetime | None = None) -> bool:
    """Create the demo's history once: months of work of a few regions up to ``until`` (now by
    the app's clock), run by the real services on a virtual clock (``app/demo/history.py``);
    False when there are applications already. Its notices stay in the app, never e-mailed."""
    if db.session.scalar(select(func.count()).select_from(ProcessInstance)):
        return False
    until = until or runtime().clock.now()
    start = datetime.combine(until.astimezone(MOSCOW).date() - timedelta(days=HISTORY_DAYS), time(9, 0), MOSCOW)
    _date_the_model_at(start)
    with on_virtual_clock(start) as clock:
        operators = seed_demo_operators()
        _link_demo_operator_user()
        party = {"operator_id": operators[0].id, "operator_name": operators[0].name} if operators else {}
        history = DemoHistory(random.Random(seed), clock, until, _demo_actor, party)
        history.plan_all()
        history.run()
        db.session.execute(update(Notification).where(Notification.delivery.in_(
            (DeliveryState.PENDING, DeliveryState.DIGEST))).values(delivery=DeliveryState.KEPT, next_attempt_at=None))
        db.session.commit()
    return True


def _date_the_model_at(start: datetime) -> None:
    """The model ``vitrina setup`` deployed a moment ago is the one the history begins on: dated
    at its start, so the version the history deploys halfway comes after it, as on /versions."""
    for deployment in db.session.scalars(select(Deployment).where(Deployment.deployed_at > start)):
        deployment.deployed_at = start
    db.session.commit()


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
    ("cpe16@demo.ru", "Рустам Гарипов, ЦПЭ Республики Татарстан", {Role.CPE}, "16", None, None),
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
