"""Check mode: the same event loop, with the real engine deciding where each case goes.

Each simulated case is a live SpiffWorkflow instance run through ``app.engine.Engine`` (in
memory, no database) under a virtual clock that the loop moves to each event's time. The loop
draws durations, client answers and branches exactly as on the fast path; the engine, not the
compiled graph, then says which tasks become ready, computes their deadlines and client waits
from the model's own timer expressions, fires interrupting timers and sets the statuses that
give the outcome. A test compares the two on the same parameters.
"""
from __future__ import annotations

import copy
from datetime import timedelta

from ..clock import VirtualClock
from ..engine import Engine
from ..forms.examples import example
from ..roles import LANE_ROLES
from ..statuses import ApplicationStatus, ServiceStatus
from .model import OUTCOMES
from .params import ParamsInvalid
from .routing import MESSAGE, OUTCOME, TASK, GraphRouter

_STEP = timedelta(milliseconds=1)  # the engine fires a timer strictly after its due time


class EngineRouter:
    """A router (see routing.py) backed by the real engine."""

    def __init__(self, scenario, rng):
        if scenario.params["deadlines"] or scenario.params["timers"]:
            raise ParamsInvalid([("deadlines", "режим проверки движком читает сроки только из модели: "
                                  "уберите deadlines и timers из параметров")])
        self.scn = scenario
        self.graph = GraphRouter(scenario, rng)  # for gateways the engine decides by data
        self.clock = VirtualClock(scenario.time.at(0.0))
        self.engine = Engine(self.clock, scenario.time.calendar, scenario.params["client_waits"],
                             lane_roles={lane: role.value for lane, role in LANE_ROLES.items()}, cache_size=4096)
        self.model = self.engine.load(scenario.files)
        self.answers: dict[str, dict] = {}  # form -> its example, read once
        self.revision: dict[int, int] = {}

    def pick(self, gateway_id):
        return self.graph.pick(gateway_id)

    def _move(self, t, nudge=False):
        moment = self.scn.time.at(t) + (_STEP if nudge else timedelta(0))
        if moment > self.clock.now():
            self.clock.set(moment)

    def _hours(self, moment):
        return None if moment is None else self.scn.time.hour_of(moment)

    def _effects(self, case, step):
        key = (case.id, self.revision.get(case.id, 0) + 1)
        self.revision[case.id] = key[1]
        case.state = step.state
        self.engine.keep(key, step)
        effects = []
        ready = {t.id: t for t in step.tasks}
        for task_id, task in ready.items():
            if task_id not in case.known:
                dues = (self._hours(task.normative_due), self._hours(task.indicative_due), self._hours(task.wait_due))
                effects.append((TASK, task.element_id, task_id, dues))
        case.known = set(ready)
        for message in step.messages:
            effects.append((MESSAGE, message.name))
        for change in step.status_changes:
            if change.new in (ApplicationStatus.REFUSED_CPE, ApplicationStatus.REFUSED_CLIENT, ServiceStatus.RECORDED):
                effects.append((OUTCOME, OUTCOMES[change.new]))
        if step.completed:
            effects.append((OUTCOME, "ended"))
        return effects

    def start(self, case, t):
        self._move(t)
        case.known = set()
        step = self.engine.start(self.model, self.scn.model.process_id, {
            "application_id": case.id, "region": case.region, "company_name": f"Клиент {case.id}",
            "company_inn": "7707083893"})
        return self._effects(case, step)

    def complete(self, case, task, flow, t):
        self._move(t)
        form = task.plan.node.form
        if form not in self.answers:
            self.answers[form] = (example(form) if form else None) or {}
        data = copy.deepcopy(self.answers[form])  # the engine keeps what it is given
        if flow is not None:
            data["decision"] = self._decision(task.plan.gateway, flow[0])
        step = self.engine.complete(self.model, case.state, task.key, data,
                                    cache_key=(case.id, self.revision[case.id]))
        return self._effects(case, step)

    def timeout(self, case, task, t):
        self._move(t, nudge=True)
        step = self.engine.advance(self.model, case.state, cache_key=(case.id, self.revision[case.id]))
        return self._effects(case, step)

    def resume(self, case, node_id, t):  # pragma: no cover - intermediate timers are refused above
        raise ParamsInvalid([("timers", "режим проверки не моделирует промежуточные таймеры")])

    def _decision(self, gateway_id, flow_id):
        value = self.scn.model.decision_of(gateway_id, flow_id)
        if value:
            return value
        tested = {v for _f, _t, v in self.scn.model.nodes[gateway_id].branches if v}
        return "approve" if "approve" not in tested else "default"
