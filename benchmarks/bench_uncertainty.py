"""Speed of the uncertainty engine: 10,000 draws of the Europe-Türkiye example, all models.

Target: under 30 s on 2 cores, from the scenario file to the intervals.

It times, after the imports and numba's one-off compilation (a warm-up call):

* ``sample``: ``sample_inputs(scenario, 10_000, seed=1)`` (Latin hypercube, 66 uncertain
  positions);
* each model alone over the 10,000 draws in this process (``forecast_draws``,
  chunks of 1,024 replicates, one vectorised ``forecast_batch`` call per chunk);
* the whole run -- sampling plus all five models -- in one process and in two worker
  processes (``workers=2``; the pool's start-up is included), checking that both give
  the same numbers bit for bit.

Run: ``.venv/bin/python benchmarks/bench_uncertainty.py [--draws 10000] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from detente.bargaining import forecast_draws, list_models, sample_inputs
from detente.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "europe_turkey.toml"
TARGET_S = 30.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    console = Console()
    models = list_models()
    scenario = load_scenario(EXAMPLE)

    # warm-up: numba compilation / cache loading, data capabilities
    warm = sample_inputs(scenario, 8, seed=0)
    forecast_draws(scenario, models, warm, seed=1)

    rows: list[tuple[str, float]] = []
    t = time.perf_counter()
    draws = sample_inputs(scenario, args.draws, seed=1)
    rows.append(("sample_inputs (LHS)", time.perf_counter() - t))
    for m in models:
        t = time.perf_counter()
        forecast_draws(scenario, [m], draws, seed=1)
        rows.append((f"{m} (1 process)", time.perf_counter() - t))

    t = time.perf_counter()
    serial = forecast_draws(scenario, models, sample_inputs(scenario, args.draws, seed=1), seed=1)
    t_serial = time.perf_counter() - t
    t = time.perf_counter()
    pooled = forecast_draws(
        scenario,
        models,
        sample_inputs(scenario, args.draws, seed=1),
        seed=1,
        workers=args.workers,
    )
    t_pool = time.perf_counter() - t
    same = all(np.array_equal(serial.outcomes[m], pooled.outcomes[m]) for m in models)

    table = Table(
        title=f"{args.draws:,} draws of {EXAMPLE.name} "
        f"({len(draws.actor_ids)} actors x {len(draws.issue_ids)} issues), all models",
        title_justify="left",
    )
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("target", justify="right")
    for name, sec in rows:
        table.add_row(name, f"{sec:.2f}", "")
    ok1 = "yes" if t_serial < TARGET_S else "NO"
    ok2 = "yes" if t_pool < TARGET_S else "NO"
    table.add_row("all models + sampling, 1 process", f"{t_serial:.2f}", f"< {TARGET_S:g} s: {ok1}")
    table.add_row(
        f"all models + sampling, {args.workers} processes",
        f"{t_pool:.2f}",
        f"< {TARGET_S:g} s: {ok2}",
    )
    console.print(table)
    console.print(f"1 process and {args.workers} processes give identical draws: {same}")
    console.print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
