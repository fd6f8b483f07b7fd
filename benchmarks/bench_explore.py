"""Speed of the strategy lab: detente's vectorised engine vs the EMA Workbench.

1. 1,000,000 scenario x strategy evaluations of the default partnership model
   (15 yearly steps, 250,000 Latin-hypercube futures x 4 strategies) in-process,
   without and with streaming to Parquet.  Target: under 10 s.
2. The same model through the EMA Workbench's ``perform_experiments`` (sequential
   evaluator; optional ``bench`` extra ``ema-workbench``) on a smaller sample, timed
   per experiment, so that the ratio is measured in one run.  Target: >= 200x.

Run: ``.venv/bin/python benchmarks/bench_explore.py [--ema-scenarios 500]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np
from rich.console import Console
from rich.table import Table

from detente.explore import ExperimentDesign, perform_experiments
from detente.partnership import LEVERS, UNCERTAINTIES, load_config, make_model, simulate
from detente.partnership.parameters import STRATEGIES


def run_detente(n_scenarios: int, out: str | None) -> float:
    model, skeleton = make_model(load_config({}))
    design = ExperimentDesign(n_scenarios, skeleton.strategies, seed=1)
    t = time.perf_counter()
    perform_experiments(model, design, out=out, progress=False)
    return time.perf_counter() - t


def _ema_function(**kw: float) -> dict[str, float]:
    """The same model, called once per experiment as the EMA Workbench does."""
    p = {k: np.array([v], dtype=np.float64) for k, v in kw.items()}
    out = simulate(p, np.random.default_rng(), 15)
    return {k: float(v[0]) for k, v in out.items()}


def run_ema(n_scenarios: int) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench import (
                Model,
                Policy,
                RealParameter,
                ScalarOutcome,
                SequentialEvaluator,
            )
            from ema_workbench import (
                perform_experiments as ema_perform,
            )
    except ImportError:
        return None
    model = Model("partnership", function=_ema_function)
    model.uncertainties = [RealParameter(s.name, s.low, s.high) for s in UNCERTAINTIES]
    model.levers = [RealParameter("strategy", 0, 3)] + [
        RealParameter(s.name, s.low, s.high) for s in LEVERS
    ]
    model.outcomes = [
        ScalarOutcome(n)
        for n in (
            "europe_payoff",
            "turkey_payoff",
            "breakdown",
            "unmet_need",
            "europe_cost",
            "alignment",
        )
    ]
    nominal = {s.name: s.nominal for s in LEVERS}
    policies = [Policy(name, strategy=float(i), **nominal) for i, name in enumerate(STRATEGIES)]
    t = time.perf_counter()
    with SequentialEvaluator(model) as ev:
        ema_perform(model, scenarios=n_scenarios, policies=policies, evaluator=ev)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evaluations", type=int, default=1_000_000)
    ap.add_argument("--ema-scenarios", type=int, default=500)
    args = ap.parse_args()
    n_scen = args.evaluations // 4
    n = n_scen * 4
    t_mem = run_detente(n_scen, None)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "experiments.parquet")
        t_pq = run_detente(n_scen, path)
        size = os.path.getsize(path) / 1e6
    t_ema = run_ema(args.ema_scenarios)
    table = Table(title=f"Partnership model, 15 yearly steps, {os.cpu_count()} cores")
    for col in (
        "engine",
        "evaluations",
        "seconds",
        "us / evaluation",
        "evaluations / s",
        "speed-up",
    ):
        table.add_column(col, justify="right" if col != "engine" else "left")
    per_det = t_mem / n
    table.add_row(
        "detente, in-process",
        f"{n:,}",
        f"{t_mem:.2f}",
        f"{per_det * 1e6:.2f}",
        f"{n / t_mem:,.0f}",
        "",
    )
    table.add_row(
        f"detente, + Parquet ({size:.0f} MB)",
        f"{n:,}",
        f"{t_pq:.2f}",
        f"{t_pq / n * 1e6:.2f}",
        f"{n / t_pq:,.0f}",
        "",
    )
    if t_ema is None:
        table.add_row("EMA Workbench", "-", "-", "-", "-", "not installed (pip install '.[bench]')")
    else:
        m = args.ema_scenarios * 4
        per_ema = t_ema / m
        table.add_row(
            "EMA Workbench perform_experiments (sequential)",
            f"{m:,}",
            f"{t_ema:.2f}",
            f"{per_ema * 1e6:.1f}",
            f"{m / t_ema:,.0f}",
            f"{per_ema / per_det:,.0f}x",
        )
    Console(width=150).print(table)
    print(f"target: {n:,} evaluations under 10 s -> {'met' if t_mem < 10 else 'MISSED'}")
    if t_ema is not None:
        ratio = (t_ema / (args.ema_scenarios * 4)) / per_det
        print(
            f"target: >= 200x EMA Workbench -> {ratio:,.0f}x, {'met' if ratio >= 200 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
