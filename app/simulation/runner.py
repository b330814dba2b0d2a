"""Run a scenario's replications and summarise them; compare scenarios side by side."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .loop import Replication
from .model import OUTCOME_LABELS
from .routing import GraphRouter
from .stats import interval
from ..regions import region_name
from ..roles import Role

OVERLOADED = 0.85  # utilisation above which a pool is flagged: its queue grows fast near 1
SCALARS = ("cycle_mean", "cycle_p50", "cycle_p90", "cycle_p95", "throughput_week")
STEP_FIGURES = ("client_days", "wait_days", "work_days", "normative_breach", "indicative_breach")


def run(scenario, progress: Callable[[int, int], None] | None = None, log=None,
        router_factory=GraphRouter, max_cases: int | None = None) -> dict:
    """All replications of a scenario; ``log`` (an EventLog) receives the first one's steps."""
    reps = int(scenario.params["replications"])
    figures, cycles = [], []
    for i in range(reps):
        rep = Replication(scenario, i, router_factory, log=log if i == 0 else None, max_cases=max_cases)
        stats = rep.run()
        figures.append(stats.figures())
        cycles.append(np.frombuffer(stats.cycle, dtype=float) / 24.0)
        if progress:
            progress(i + 1, reps)
    return summarise(scenario, figures, cycles)


def summarise(scenario, figures: list[dict], cycles: list) -> dict:
    plans = scenario.plans
    summary = {
        "name": scenario.name,
        "process": scenario.model.process_id,
        "process_name": scenario.model.name,
        "replications": len(figures),
        "params": scenario.params,
        "notes": scenario.model.notes,
        "cases": interval([f["cases"] for f in figures]),
        **{key: interval([f[key] for f in figures]) for key in SCALARS},
    }
    outcomes = sorted({k for f in figures for k in f["outcomes"]})
    summary["outcomes"] = {k: {**interval([f["outcomes"].get(k, 0.0) for f in figures]),
                               "label": OUTCOME_LABELS.get(k, k)} for k in outcomes}
    steps = {}
    for tid, plan in plans.items():
        row = {"name": plan.label, "role": plan.role, "step": plan.node.step,
               "n": sum(f["steps"][tid]["n"] for f in figures) / len(figures),
               "timeouts": sum(f["steps"][tid]["timeouts"] for f in figures) / len(figures)}
        for key in STEP_FIGURES:
            row[key] = interval([f["steps"][tid][key] for f in figures])
        steps[tid] = row
    summary["steps"] = steps
    pools = sorted({k for f in figures for k in f["utilisation"]})
    summary["utilisation"] = {}
    for label in pools:
        value = interval([f["utilisation"].get(label) for f in figures])
        value["overloaded"] = value["mean"] is not None and value["mean"] > OVERLOADED
        summary["utilisation"][label] = value
    length = min(len(f["wip"]) for f in figures)
    summary["wip"] = {"interval_days": scenario.params["wip_interval_days"],
                      "warmup_days": scenario.params["warmup_days"],
                      "mean": np.mean([f["wip"][:length] for f in figures], axis=0).tolist()}
    summary["little"] = {key: interval([f["little"][key] for f in figures]) for key in ("L", "lambda_per_day", "W_days")}
    summary["messages"] = {k: interval([f["messages"].get(k, 0) for f in figures])
                           for k in sorted({k for f in figures for k in f["messages"]})}
    summary["histogram"] = histogram(np.concatenate(cycles) if cycles else np.array([]))
    return summary


def histogram(values, bins: int = 30) -> dict:
    if len(values) == 0:
        return {"edges": [], "counts": []}
    hi = float(np.percentile(values, 99.5)) or 1.0
    counts, edges = np.histogram(np.clip(values, 0, hi), bins=bins, range=(0, hi))
    return {"edges": edges.tolist(), "counts": counts.tolist()}


def pool_name(key: str) -> str:
    """A pool's key («cpe 77», «mo_rec») as people say it: «ЦПЭ — г. Москва», «МО РЭЦ»."""
    role, _, region = key.partition(" ")
    try:
        label = Role(role).label
    except ValueError:
        label = role
    return f"{label} — {region_name(region)}" if region else label


def difference(a: dict, b: dict) -> dict:
    """b − a with a 95% half-width from independent replications (Welch-style, conservative df)."""
    if a.get("mean") is None or b.get("mean") is None:
        return {"mean": None, "ci": None}
    diff = b["mean"] - a["mean"]
    if not a.get("ci") or not b.get("ci"):
        return {"mean": diff, "ci": None}
    from .stats import t975
    df = min(a["n"], b["n"]) - 1
    sa, sb = a["ci"] / t975(a["n"] - 1), b["ci"] / t975(b["n"] - 1)  # standard errors
    return {"mean": diff, "ci": t975(df) * math.sqrt(sa * sa + sb * sb),
            "significant": abs(diff) > t975(df) * math.sqrt(sa * sa + sb * sb)}


def compare(base: dict, other: dict) -> dict:
    """Side by side: each headline figure, step breach share and utilisation of both, and b − a."""
    rows = []
    for key, label in (("cycle_mean", "Длительность цикла, среднее (дн.)"), ("cycle_p50", "Цикл, медиана (дн.)"),
                       ("cycle_p90", "Цикл, 90-й процентиль (дн.)"), ("cycle_p95", "Цикл, 95-й процентиль (дн.)"),
                       ("throughput_week", "Пропускная способность (заявок в неделю)")):
        rows.append((label, base[key], other[key], "days" if key.startswith("cycle") else "count"))
    for key in sorted(set(base["outcomes"]) | set(other["outcomes"])):
        empty = {"mean": 0.0, "ci": 0.0, "n": 2}
        a, b = base["outcomes"].get(key, empty), other["outcomes"].get(key, empty)
        rows.append((f"Доля исхода «{OUTCOME_LABELS.get(key, key)}»", a, b, "share"))
    for tid, step in base["steps"].items():
        if tid in other["steps"]:
            for key, word in (("normative_breach", "нормативного"), ("indicative_breach", "индикативного")):
                if step[key]["mean"] is not None or other["steps"][tid][key]["mean"] is not None:
                    rows.append((f"Нарушение {word} срока: {step_label(step)}", step[key], other["steps"][tid][key],
                                 "share"))
    for label in sorted(set(base["utilisation"]) | set(other["utilisation"])):
        a, b = base["utilisation"].get(label), other["utilisation"].get(label)
        if a and b:
            rows.append((f"Загрузка: {pool_name(label)}", a, b, "share"))
    return {"base": base["name"], "other": other["name"],
            "rows": [{"label": label, "a": a, "b": b, "diff": difference(a, b), "unit": unit}
                     for label, a, b, unit in rows]}


def step_label(step: dict) -> str:
    return f"шаг {step['step']} «{step['name']}»" if step.get("step") else f"«{step['name']}»"
