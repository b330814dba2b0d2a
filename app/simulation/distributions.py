"""Duration distributions of the parameter file, as fast samplers in hours.

Each sampler is a closure over one ``random.Random``: a scalar draw from the standard library
costs a fraction of a microsecond, a numpy scalar draw several times that, and the event loop
draws once or twice per step of every case.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_left
from itertools import accumulate
from typing import Callable

UNITS = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0}
KINDS = ("fixed", "uniform", "normal", "lognormal", "exponential", "gamma", "empirical")

Sampler = Callable[[], float]


def mean_of(spec: dict) -> float:
    """The distribution's mean in hours (for reports and the utilisation check)."""
    unit = UNITS[spec.get("unit", "hours")]
    kind = spec["dist"]
    if kind == "fixed":
        return spec["value"] * unit
    if kind == "uniform":
        return (spec["low"] + spec["high"]) / 2 * unit
    if kind == "gamma" and "shape" in spec:
        return spec["shape"] * spec["scale"] * unit
    if kind == "empirical":
        values, weights = spec["values"], spec.get("weights") or [1] * len(spec["values"])
        return sum(v * w for v, w in zip(values, weights)) / sum(weights) * unit
    return spec["mean"] * unit


def sampler(spec: dict, rng: random.Random) -> Sampler:
    """A function drawing one duration in hours, never negative."""
    unit = UNITS[spec.get("unit", "hours")]
    kind = spec["dist"]
    if kind == "fixed":
        value = spec["value"] * unit
        return lambda: value
    if kind == "uniform":
        low, high = spec["low"] * unit, spec["high"] * unit
        return lambda: rng.uniform(low, high)
    if kind == "normal":
        mu, sd = spec["mean"] * unit, spec["sd"] * unit
        gauss = rng.gauss
        # Truncated at zero by redrawing: a duration is never negative.
        def normal() -> float:
            while True:
                x = gauss(mu, sd)
                if x >= 0:
                    return x
        return normal
    if kind == "lognormal":
        mean, sd = spec["mean"] * unit, spec["sd"] * unit
        sigma2 = math.log(1 + (sd / mean) ** 2)
        mu, sigma = math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
        draw = rng.lognormvariate
        return lambda: draw(mu, sigma)
    if kind == "exponential":
        rate = 1.0 / (spec["mean"] * unit)
        draw = rng.expovariate
        return lambda: draw(rate)
    if kind == "gamma":
        if "shape" in spec:
            shape, scale = spec["shape"], spec["scale"] * unit
        else:
            mean, sd = spec["mean"] * unit, spec["sd"] * unit
            shape, scale = (mean / sd) ** 2, sd * sd / mean
        draw = rng.gammavariate
        return lambda: draw(shape, scale)
    if kind == "empirical":
        values = [v * unit for v in spec["values"]]
        cum = list(accumulate(spec.get("weights") or [1] * len(values)))
        total, rand = cum[-1], rng.random
        return lambda: values[bisect_left(cum, rand() * total)]
    raise ValueError(f"unknown distribution «{kind}» (known: {', '.join(KINDS)})")


def scaled(spec: dict, factor: float, mean_days: float) -> dict:
    """The same distribution stretched so its mean becomes ``mean_days`` (a zero mean: exponential)."""
    if factor <= 0 or not mean_of(spec):
        return {"dist": "exponential", "mean": max(mean_days, 0.001), "unit": "days"}
    out = dict(spec)
    for key in ("value", "low", "high", "mean", "sd", "scale"):
        if key in out:
            out[key] = out[key] * factor
    if "values" in out:
        out["values"] = [v * factor for v in out["values"]]
    return out
