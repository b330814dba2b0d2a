"""The event loop of one replication: one clock, a heap of events, FIFO pools of performers.

A lean heapq loop rather than SimPy: a case is not a generator process here but a few records,
and most steps cost one heap event (the end of the work), which is what lets 50,000 cases of the
main model run in seconds (see README, Simulation). Deadlines that only signal are not events at
all: a breach is read off when the task ends. Client waits that interrupt are events, raced
against the end of the task.
"""
from __future__ import annotations

import random
from heapq import heappop, heappush

from .distributions import sampler
from .routing import MESSAGE, OUTCOME, TASK, TIMER, Case, GraphRouter
from .stats import ReplicationStats

ARRIVE, RESPONDED, DONE, WAIT_OVER, TIMER_OVER = range(5)
CLIENT, QUEUED, WORKING, FINISHED, CANCELLED = range(5)


class TaskRun:
    __slots__ = ("case", "plan", "key", "ready", "responded", "start", "due_n", "due_i", "due_w",
                 "state", "pool", "work")

    def __init__(self, case, plan, key, ready):
        self.case, self.plan, self.key, self.ready = case, plan, key, ready
        self.responded = self.start = None
        self.due_n = self.due_i = self.due_w = None
        self.state = CLIENT
        self.pool = None
        self.work = 0.0


class Replication:
    def __init__(self, scenario, index: int, router_factory=GraphRouter, log=None, max_cases=None):
        self.scn = scenario
        seed = int(scenario.params["seed"]) * 1_000_003 + index
        self.rng = random.Random(seed)
        self.router = router_factory(scenario, self.rng)
        self.stats = ReplicationStats(scenario)
        self.log = log
        self.max_cases = max_cases
        self.pools = scenario.pools()
        rng = self.rng
        self.work = {tid: sampler(p.duration, rng) for tid, p in scenario.plans.items() if p.duration}
        self.respond, self.late_by, self.late_share = {}, {}, {}
        for tid, p in scenario.plans.items():
            if p.client:
                self.respond[tid] = sampler(p.client["respond"], rng)
                self.late_share[tid] = p.client.get("late_share", 0.0)
                if p.client.get("late_by"):
                    self.late_by[tid] = sampler(p.client["late_by"], rng)
        if hasattr(self.router, "bind_timers"):
            self.router.bind_timers({k: sampler(v, rng) for k, v in scenario.params["timers"].items()})
        self.heap = []
        self.seq = 0
        self.cases = 0

    # -- scheduling -------------------------------------------------------------------------
    def at(self, t, kind, obj):
        self.seq += 1
        heappush(self.heap, (t, self.seq, kind, obj))

    def _next_arrival(self, region, t):
        rate = self.scn.regions[region]["per_day"] / 24.0
        if rate <= 0:
            return
        for lo, hi in self.windows[region]:
            if t < lo:
                t = lo
            if t >= hi:
                continue
            t += self.rng.expovariate(rate)
            if t < hi:
                self.at(t, ARRIVE, region)
                return
            # Past this window: Poisson arrivals are memoryless, so the next window starts afresh.
            t = hi

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> ReplicationStats:
        scn = self.scn
        self.windows = {r: scn.intake(r) for r in scn.regions}
        for region in sorted(scn.regions):
            self._next_arrival(region, 0.0)
        heap = self.heap
        router = self.router
        while heap:
            t, _seq, kind, obj = heappop(heap)
            if kind == DONE:
                if obj.state == WORKING:
                    self._finish(obj, t)
            elif kind == ARRIVE:
                self._next_arrival(obj, t)
                if self.max_cases is not None and self.cases >= self.max_cases:
                    continue
                self.cases += 1
                case = Case(self.cases, obj, t)
                self.stats.arrived(case)
                self._apply(case, router.start(case, t), t)
            elif kind == RESPONDED:
                if obj.state == CLIENT:
                    obj.responded = t
                    self._request(obj, t)
            elif kind == WAIT_OVER:
                if obj.state < FINISHED:
                    self._interrupt(obj, t)
            elif kind == TIMER_OVER:
                case, node_id = obj
                self._apply(case, router.resume(case, node_id, t), t)
        self.stats.close(self.pools)
        return self.stats

    def _apply(self, case, effects, t):
        for effect in effects:
            what = effect[0]
            if what == TASK:
                self._ready(case, effect[1], effect[2], effect[3], t)
            elif what == OUTCOME:
                if case.outcome is None:
                    case.outcome, case.end = effect[1], t
                    self.stats.ended(case, t)
            elif what == TIMER:
                self.at(t + effect[2], TIMER_OVER, (case, effect[1]))
            elif what == MESSAGE:
                self.stats.message(case, effect[1])

    def _ready(self, case, task_id, key, dues, t):
        plan = self.scn.plans[task_id]
        task = TaskRun(case, plan, key, t)
        time = self.scn.time
        if dues is not None:  # the engine computed them (check mode)
            task.due_n, task.due_i, task.due_w = dues
        else:
            if plan.normative is not None:
                task.due_n = time.deadline(t, plan.normative)
            if plan.indicative is not None:
                task.due_i = time.deadline(t, plan.indicative)
            if plan.wait_kind is not None:
                task.due_w = time.deadline(t, self.scn.wait_days(plan.wait_kind, case.region))
        if task.due_w is not None:
            self.at(task.due_w, WAIT_OVER, task)
        if plan.client is None:
            task.responded = t
            self._request(task, t)
            return
        ref = task.due_w if task.due_w is not None else task.due_n
        share = self.late_share[task_id]
        if ref is not None and share and self.rng.random() < share and task_id in self.late_by:
            delay = (ref - t) + self.late_by[task_id]()
        else:
            delay = self.respond[task_id]()
        self.at(plan.client_hours.finish(t, delay), RESPONDED, task)

    def _request(self, task, t):
        plan = task.plan
        if plan.duration is None:  # the client's own task: done when the client answers
            task.start = t
            task.state = WORKING
            self._finish(task, t)
            return
        pool = self.pools.get((plan.role, task.case.region)) or self.pools.get((plan.role, None))
        task.work = self.work[plan.node.id]()
        if pool is None:  # unlimited performers: no queue
            task.state = WORKING
            task.start, end = plan.hours.span(t, task.work)
            self.at(end, DONE, task)
            return
        task.pool = pool
        if pool.free > 0:
            self._start(task, pool, t)
        else:
            task.state = QUEUED
            pool.queue.append(task)

    def _start(self, task, pool, t):
        pool.free -= 1
        task.state = WORKING
        task.start, end = pool.hours.span(t, task.work)
        self.at(end, DONE, task)

    def _release(self, task, t):
        pool = task.pool
        if pool is None:
            return
        if task.state == FINISHED and self.stats.warmup <= task.start and t <= self.stats.horizon:
            pool.busy += task.work  # all of it inside the window: no calendar lookups
        else:
            self.stats.busy(pool, task.start, t)
        queue = pool.queue
        while queue:
            nxt = queue.popleft()
            if nxt.state == QUEUED:
                pool.free += 1
                self._start(nxt, pool, t)
                return
        pool.free += 1

    def _finish(self, task, t):
        task.state = FINISHED
        self._release(task, t)
        self.stats.task(task, t, timed_out=False)
        if self.log is not None:
            self.log.write(task, t)
        plan = task.plan
        flow = self.router.pick(plan.gateway) if plan.gateway else None
        self._apply(task.case, self.router.complete(task.case, task, flow, t), t)

    def _interrupt(self, task, t):
        if task.state == WORKING:
            self._release(task, t)
        task.state = CANCELLED
        self.stats.task(task, t, timed_out=True)
        self._apply(task.case, self.router.timeout(task.case, task, t), t)
