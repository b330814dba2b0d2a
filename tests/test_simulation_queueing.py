"""The fast path against exact results: M/M/c (Erlang C), a rework loop, Little's law."""
from __future__ import annotations

import math

import numpy as np

from app.simulation import runner
from app.simulation.loop import Replication
from app.simulation.stats import interval
from tests.simulation_fixtures import build, rework_loop, single_task


def erlang_c(lam: float, mu: float, c: int) -> float:
    """Probability that an arrival waits in an M/M/c queue."""
    a = lam / mu
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


class Waits:
    """An event-log sink that keeps each observed task's wait in the queue (hours)."""

    def __init__(self, warmup):
        self.warmup, self.waits = warmup, []

    def write(self, task, t):
        if task.case.arrival >= self.warmup:
            self.waits.append(task.start - task.responded)


def _replications(scn, n):
    sinks = []
    for i in range(n):
        sink = Waits(scn.warmup)
        Replication(scn, i, log=sink).run()
        sinks.append(np.array(sink.waits))
    return sinks


def test_mmc_mean_wait_and_share_waiting_over_two_hours_match_erlang_c():
    lam, mu, c = 20 / 24, 1 / 2, 2  # per hour: utilisation 0.83
    scn = build(single_task(), arrivals={"regions": {"77": {"per_day": 20}}},
                staff={"cpe": {"count": c, "calendar": "always"}}, horizon_days=1500)
    waits = _replications(scn, 8)
    prob_wait = erlang_c(lam, mu, c)
    exact_mean = prob_wait / (c * mu - lam)
    exact_over_2h = prob_wait * math.exp(-(c * mu - lam) * 2)
    mean = interval([w.mean() for w in waits])
    over = interval([(w > 2).mean() for w in waits])
    assert abs(mean["mean"] - exact_mean) <= mean["ci"] + 0.03 * exact_mean, (mean, exact_mean)
    assert abs(over["mean"] - exact_over_2h) <= over["ci"] + 0.01, (over, exact_over_2h)
    assert mean["ci"] < 0.1 * exact_mean  # enough replications to mean something


def test_mmc_utilisation_is_lambda_over_c_mu():
    scn = build(single_task(), arrivals={"regions": {"77": {"per_day": 12}}},
                staff={"cpe": {"count": 3, "calendar": "always"}})
    result = runner.run(scn)
    rho = (12 / 24) / (3 * 0.5)
    util = result["utilisation"]["cpe"]
    assert abs(util["mean"] - rho) <= util["ci"] + 0.01
    assert not util["overloaded"]


def test_littles_law_holds_for_the_observed_window():
    scn = build(single_task(), arrivals={"regions": {"77": {"per_day": 20}}},
                staff={"cpe": {"count": 2, "calendar": "always"}})
    little = runner.run(scn)["little"]
    lam_w = little["lambda_per_day"]["mean"] * little["W_days"]["mean"]
    assert abs(little["L"]["mean"] - lam_w) <= 0.03 * lam_w


def test_rework_loop_repeats_the_task_one_over_one_minus_p_times():
    p = 0.3
    scn = build(rework_loop(), staff={"cpe": {"unlimited": True, "calendar": "always"}},
                durations={"default": {"dist": "fixed", "value": 1}}, branches={"gw": {"remarks": p}},
                horizon_days=200, warmup_days=10)
    result = runner.run(scn)
    step = result["steps"]["task_a"]
    per_case = step["n"] / result["cases"]["mean"]
    assert abs(per_case - 1 / (1 - p)) < 0.03
    # A fixed hour per pass, no queue: the cycle is the number of passes, in hours.
    cycle_hours = result["cycle_mean"]["mean"] * 24
    assert abs(cycle_hours - 1 / (1 - p)) <= result["cycle_mean"]["ci"] * 24 + 0.02


def test_the_same_seed_gives_the_same_results_and_another_seed_other_results():
    a = runner.run(build(single_task(), replications=3, horizon_days=120))
    b = runner.run(build(single_task(), replications=3, horizon_days=120))
    c = runner.run(build(single_task(), replications=3, horizon_days=120, seed=8))
    assert a["cycle_mean"] == b["cycle_mean"] and a["steps"] == b["steps"] and a["wip"] == b["wip"]
    assert a["cycle_mean"] != c["cycle_mean"]
