"""Running aggregates of one replication, and their means with 95% intervals over replications.

A replication keeps counters and sums per step and per pool, the WIP as a difference array and
the cycle times of the observed cases (8 bytes a case); nothing per event. Cases that arrive in
the warm-up are not observed; utilisation counts work inside [warm-up, horizon) only.
"""
from __future__ import annotations

import math
from array import array
from collections import Counter

import numpy as np

# Student t, two-sided 95% (0.975 quantile), by degrees of freedom: scipy is not a dependency.
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
        18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
        26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t975(df: int) -> float:
    if df <= 0:
        return float("nan")
    if df in T975:
        return T975[df]
    for bound in (40, 60, 120):
        if df < bound:
            return T975[bound]
    return 1.960


def interval(values) -> dict:
    """Mean and 95% half-width over replications (half-width None for one replication)."""
    values = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if len(values) == 0:
        return {"mean": None, "ci": None, "n": 0}
    mean = float(values.mean())
    if len(values) < 2:
        return {"mean": mean, "ci": None, "n": 1}
    half = t975(len(values) - 1) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return {"mean": mean, "ci": half, "n": len(values)}


class StepStats:
    __slots__ = ("n", "wait", "work", "client", "n_norm", "norm", "n_ind", "ind", "timeouts")

    def __init__(self):
        self.n = self.n_norm = self.norm = self.n_ind = self.ind = self.timeouts = 0
        self.wait = self.work = self.client = 0.0


class ReplicationStats:
    def __init__(self, scenario):
        self.warmup, self.horizon = scenario.warmup, scenario.horizon
        self.interval = scenario.params["wip_interval_days"] * 24.0
        self.buckets = int(self.horizon // self.interval) + 2
        self.wip_diff = [0] * (self.buckets + 1)
        self.cycle = array("d")
        self.outcomes = Counter()
        self.steps: dict[str, StepStats] = {tid: StepStats() for tid in scenario.plans}
        self.messages = Counter()
        self.arrivals = self.observed_arrivals = self.ended_in_window = 0
        self.area = 0.0  # integral of the WIP over the window, in case-hours
        self.busy_hours: dict[str, float] = {}
        self.capacity: dict[str, float] = {}
        self.pool_roles: dict[str, tuple] = {}

    def observed(self, case) -> bool:
        return self.warmup <= case.arrival < self.horizon

    def arrived(self, case) -> None:
        self.arrivals += 1
        i = int(case.arrival // self.interval) + 1
        if i < len(self.wip_diff):
            self.wip_diff[i] += 1
        if self.observed(case):
            self.observed_arrivals += 1

    def ended(self, case, t) -> None:
        i = int(t // self.interval) + 1
        if i < len(self.wip_diff):
            self.wip_diff[i] -= 1
        lo, hi = max(case.arrival, self.warmup), min(t, self.horizon)
        if hi > lo:
            self.area += hi - lo
        if self.warmup <= t < self.horizon:
            self.ended_in_window += 1
        if self.observed(case):
            self.cycle.append(t - case.arrival)
            self.outcomes[case.outcome] += 1

    def task(self, task, t, timed_out: bool) -> None:
        if not self.observed(task.case):
            return
        s = self.steps[task.plan.node.id]
        if timed_out:
            s.timeouts += 1
        else:
            s.n += 1
            s.client += task.responded - task.ready
            s.wait += task.start - task.responded
            s.work += t - task.start
        if task.due_n is not None:
            s.n_norm += 1
            s.norm += t > task.due_n
        if task.due_i is not None:
            s.n_ind += 1
            s.ind += t > task.due_i

    def message(self, case, name) -> None:
        if self.observed(case):
            self.messages[name] += 1

    def busy(self, pool, start, end) -> None:
        lo, hi = max(start, self.warmup), min(end, self.horizon)
        if hi > lo:
            pool.busy += pool.hours.work_at(hi) - pool.hours.work_at(lo)

    def close(self, pools) -> None:
        for pool in pools.values():
            self.busy_hours[pool.label] = pool.busy
            self.capacity[pool.label] = pool.count * (pool.hours.work_at(self.horizon) - pool.hours.work_at(self.warmup))
            self.pool_roles[pool.label] = (pool.role, pool.region, pool.count)

    # -- the figures of this replication ---------------------------------------------------
    def figures(self) -> dict:
        cycle_days = np.frombuffer(self.cycle, dtype=float) / 24.0 if len(self.cycle) else np.array([])
        window = self.horizon - self.warmup
        n = len(cycle_days)
        pct = (lambda q: float(np.percentile(cycle_days, q))) if n else (lambda q: None)
        steps = {}
        for tid, s in self.steps.items():
            steps[tid] = {
                "n": s.n, "timeouts": s.timeouts,
                "client_days": s.client / s.n / 24 if s.n else None,
                "wait_days": s.wait / s.n / 24 if s.n else None,
                "work_days": s.work / s.n / 24 if s.n else None,
                "normative_breach": s.norm / s.n_norm if s.n_norm else None,
                "indicative_breach": s.ind / s.n_ind if s.n_ind else None,
            }
        wip = np.cumsum(self.wip_diff)[:self.buckets].tolist()
        return {
            "cases": n,
            "arrivals": self.arrivals,
            "cycle_mean": float(cycle_days.mean()) if n else None,
            "cycle_p50": pct(50), "cycle_p90": pct(90), "cycle_p95": pct(95),
            "throughput_week": self.ended_in_window / (window / 168.0),
            "outcomes": {k: v / n for k, v in self.outcomes.items()} if n else {},
            "messages": dict(self.messages),
            "steps": steps,
            "utilisation": {label: (self.busy_hours[label] / cap if cap else None)
                            for label, cap in self.capacity.items()},
            "wip": wip,
            "little": {"L": self.area / window, "lambda_per_day": self.observed_arrivals / window * 24,
                       "W_days": float(cycle_days.mean()) if n else None},
        }
