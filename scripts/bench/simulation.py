"""Time and peak memory of the simulation's fast path on the main model.

    .venv/bin/python scripts/bench/simulation.py [10000 50000 ...]
    .venv/bin/python scripts/bench/simulation.py --smoke   # 1,000 cases: a few seconds

The baseline parameters (scripts/simulation/baseline.yaml) are spread over the 85 regions of
the country for one year, the arrival rate set so that the given number of cases arrives, and
the central pools scaled with the load so that the queues stay stable. One replication, no
event log. Peak memory is the process's maximum resident set (ru_maxrss).
"""
from __future__ import annotations

import math
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.simulation import params as parameters  # noqa: E402
from app.simulation import runner, experiment as scenario  # noqa: E402

REGIONS = [f"{i:02d}" for i in range(1, 86)]


def params_for(cases: int) -> dict:
    data = parameters.read_raw(ROOT / "scripts" / "simulation" / "baseline.yaml")
    per_day = cases / data["horizon_days"]
    base_rate = sum(r["per_day"] for r in data["arrivals"]["regions"].values())
    scale = per_day / base_rate
    data["arrivals"] = {"regions": {r: {"per_day": per_day / len(REGIONS)} for r in REGIONS}}
    data["warmup_days"] = 0
    data["replications"] = 1
    # Three people per 0.3 applications a day, as in Moscow in the baseline.
    data["staff"]["cpe"] = {"per_region": True, "count": max(2, math.ceil(per_day / len(REGIONS) / 0.3 * 3)),
                            "calendar": "office"}
    for role in ("mo_rec", "ops_rec"):
        data["staff"][role]["count"] = max(1, round(data["staff"][role]["count"] * scale))
    return parameters.validate(data)


def main(sizes: list[int]) -> None:
    for size in sizes:
        scn = scenario.build(params_for(size))
        started = time.perf_counter()
        cpu = time.process_time()
        result = runner.run(scn)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{size:>6} cases (arrived {result['cases']['mean']:.0f}): {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"peak RSS {peak:.0f} MB; cycle {result['cycle_mean']['mean']:.1f} days")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="cases per year to simulate (default 10000 50000)")
    parser.add_argument("--smoke", action="store_true", help="one small run of 1,000 cases")
    args = parser.parse_args()
    main([1_000] if args.smoke else args.sizes or [10_000, 50_000])
