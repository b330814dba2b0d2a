"""Months of work of a few regions, lived through on a virtual clock by the demo users.

Each application follows a drawn plan (``stories``); each of its tasks is done by the demo user of
its lane at a moment drawn within its deadlines (or after the normative one, for the late share),
so the register, the SLA page, the sales register and the task list's amber and red read as
after real months. Halfway, МО РЭЦ deploys a second version of the model (a lower boundary of the
«high» scoring band) and moves the running applications of one region onto it.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from functools import partial
from types import SimpleNamespace

from sqlalchemy import select

from ..calendar import MOSCOW
from ..deadlines.sweep import fire_due_timers
from ..extensions import db
from ..models import OpenTask, ProcessInstance
from ..roles import Role
from ..statuses import InstanceState, ProcessId
from ..workflow.deployments import current_deployment, deploy_bundle
from ..workflow.instances import complete_task, get_instance, start_process
from ..workflow.runtime import runtime
from .stories import USUAL_DAYS, Plan, answer, draw_plan, is_late, moscow_day
from .timeline import Timeline

HISTORY_DAYS = 120
APPLICATIONS_PER_REGION = 10
MIGRATED_REGION = "66"
# (region, name, INN): the first of 77 and of 66 have client accounts (DEMO_USERS).
COMPANIES = [
    ("77", "ООО «Ромашка»", "7707083893"),
    ("77", "АО «Сибирский мёд»", "7736050003"),
    ("77", "ООО «Московская пастила»", "7705123452"),
    ("66", "ООО «Уральские самоцветы»", "6658021226"),
    ("66", "ИП Кузнецов Андрей Викторович", "665800123414"),
    ("66", "АО «Уралхим-Экспорт»", "6671043211"),
    ("16", "ООО «Казанский чак-чак»", "1655122330"),
    ("16", "ООО «Камские узоры»", "1660188449"),
]
REGIONS = {"77": "г. Москва", "66": "Свердловская область", "16": "Республика Татарстан"}
OWNER = "owner@demo.ru"


class DemoHistory:
    def __init__(self, rng: random.Random, clock, until: datetime, actor, party: dict):
        self.rng, self.clock, self.until, self.actor, self.party = rng, clock, until, actor, party
        self.plans: dict[int, Plan] = {}
        self.seen: set[str] = set()
        self.timeline = Timeline(clock, fire_due_timers, self.react)

    def plan_all(self) -> None:
        start = self.clock.now()
        for region in REGIONS:
            companies = [c for c in COMPANIES if c[0] == region]
            for number in range(APPLICATIONS_PER_REGION):
                self.begin(draw_plan(self.rng, number, companies[number % len(companies)], start, HISTORY_DAYS))
            self._plan_the_last_days(companies[0])
        for region, about_late, stop in (("77", False, None), ("66", True, None), ("77", False, "complaint_answer")):
            company = next(c for c in COMPANIES if c[0] == region)
            moment = self.until - timedelta(days=8) if stop else start + timedelta(days=self.rng.uniform(40, 100))
            plan = Plan("complaint", *company, moment, process=ProcessId.COMPLAINT, stop=stop)
            if about_late:
                plan.late.add("complaint_register")
            self.begin(plan)
        self.timeline.at(start + timedelta(days=HISTORY_DAYS * 0.6), self.second_version)

    def begin(self, plan: Plan) -> None:
        plan.agreement_party = self.party
        self.timeline.at(plan.start, partial(self._start, plan))

    def run(self) -> None:
        self.timeline.run(self.until)

    def _plan_the_last_days(self, company) -> None:
        """One application whose check is past its indicative deadline but not its normative one
        today (amber), and one that has waited for МО РЭЦ for days past its deadline (red)."""
        calendar = runtime().calendar
        for back in range(1, 15):
            day = moscow_day(self.until) - timedelta(days=back)
            ready = datetime.combine(day, time(11, 0), MOSCOW)
            if calendar.is_working_day(day) and calendar.deadline(ready, 1) < self.until < calendar.deadline(ready, 2):
                self.begin(Plan("warned", *company, ready - timedelta(hours=2), stop="step_2_check",
                                when={"step_1_submit": ready}))
                break
        self.begin(Plan("breached", *company, self.until - timedelta(days=14), stop="step_3_approval"))

    def _start(self, plan: Plan) -> None:
        who = SimpleNamespace(region=plan.region, company_inn=plan.inn)
        if plan.process == ProcessId.COMPLAINT:
            plan.about = db.session.scalar(select(ProcessInstance.id).where(
                ProcessInstance.company_inn == plan.inn, ProcessInstance.process_id == ProcessId.MARKETPLACE_SUPPORT)
                .order_by(ProcessInstance.id).limit(1))
        instance = start_process(plan.process, actor=self.actor(Role.CLIENT, who), region=plan.region,
                                 company_name=plan.company, company_inn=plan.inn)
        self.plans[instance.id] = plan

    def react(self) -> None:
        """Give every task that opened since the last action a moment for its performer to do it."""
        rows = db.session.execute(select(OpenTask.id, OpenTask.task_id, OpenTask.instance_id, OpenTask.element_id,
                                         OpenTask.normative_due, OpenTask.indicative_due)
                                  .order_by(OpenTask.id)).all()
        for _id, task_id, instance_id, element_id, normative, indicative in rows:
            if task_id in self.seen:
                continue
            self.seen.add(task_id)
            plan = self.plans.get(instance_id)
            if plan is None or element_id == plan.stop:
                continue
            moment = self._moment(plan, element_id, normative, indicative)
            self.timeline.at(moment, partial(self._complete, instance_id, task_id))

    def _moment(self, plan: Plan, element_id: str, normative, indicative) -> datetime:
        now = self.clock.now()
        if element_id in plan.when:
            return max(plan.when[element_id], now)
        if normative and is_late(self.rng, plan, element_id):
            return max(normative, now) + timedelta(hours=self.rng.uniform(3, 96))
        limit = indicative or normative or now + timedelta(days=USUAL_DAYS.get(element_id, 2))
        return now + max(limit - now, timedelta(hours=1)) * self.rng.uniform(0.05, 0.9)

    def _complete(self, instance_id: int, task_id: str) -> None:
        row = db.session.scalar(select(OpenTask).where(OpenTask.task_id == task_id))
        if row is None:  # a timer closed it first (the client's wait ran out)
            return
        instance, plan = get_instance(instance_id), self.plans[instance_id]
        data = answer(plan, row.element_id, row.form, instance, moscow_day(self.clock.now()))
        complete_task(instance_id, task_id, data, actor=self.actor(row.role, instance))

    def second_version(self) -> None:
        """МО РЭЦ lowers the «high» band of the scoring to 65 points and moves the running
        applications of one region onto the new version."""
        from ..workflow.migration import MigrationNotAllowed, migrate_instance
        files = current_deployment().file_map()
        band = files["scoring_band.dmn"].decode()
        files["scoring_band.dmn"] = band.replace("&gt;= 70", "&gt;= 65").replace("40 &lt;= ? &lt; 70",
                                                                               "40 &lt;= ? &lt; 65").encode()
        old = current_deployment().id
        deployment, _ = deploy_bundle(files, actor=OWNER, comment="Порог высокой готовности снижен до 65 баллов")
        ids = db.session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.deployment_id == old, ProcessInstance.region == MIGRATED_REGION,
            ProcessInstance.process_id == ProcessId.MARKETPLACE_SUPPORT,
            ProcessInstance.state == InstanceState.RUNNING).order_by(ProcessInstance.id)).all()
        for instance_id in ids:
            try:
                migrate_instance(instance_id, deployment.id, actor=OWNER)
            except MigrationNotAllowed:
                db.session.rollback()
