"""Speed of the strategy lab: detente's vectorised engine vs the EMA Workbench.

1. **Engine**: 1,000,000 scenario x strategy evaluations of the default partnership
   model (15 yearly steps, 250,000 Latin-hypercube futures x 4 strategies)
   in-process, without and with streaming to Parquet.  Target: under 10 s.
2. **Flagship command**: ``detente explore examples/europe_turkey.toml --scenarios
   1000000`` run as a separate process, as a user runs it: 4,000,000 evaluations,
   ``experiments.parquet``, robustness metrics, PRIM and Sobol indices.  Reported with
   its wall-clock and CPU time and the time of each stage (from ``summary.json``).
   Target: under 10 s (the issue's "Done when").
3. **EMA Workbench**: the same model through the EMA Workbench's
   ``perform_experiments`` (sequential evaluator; optional ``bench`` extra
   ``ema-workbench``) on a smaller sample, timed per experiment, so that the ratio is
   measured in one run.  Two per-experiment functions: the model as stated in numpy
   (:func:`detente.partnership.simulate` on one experiment, what an EMA user calls;
   the target row, >= 200x) and the compiled kernel on one experiment (the EMA
   Workbench's own per-experiment overhead, a floor for any model).

Run: ``.venv/bin/python benchmarks/bench_explore.py [--flagship-scenarios 1000000]
[--ema-scenarios 500]``.  On a machine shared with other jobs, wall-clock times vary;
the CPU time (user + system) is the steadier figure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from detente.explore import ExperimentDesign, perform_experiments
from detente.explore.evaluate import default_threads
from detente.partnership import (
    LEVERS,
    UNCERTAINTIES,
    PartnershipModel,
    load_config,
    make_model,
    simulate,
)
from detente.partnership.parameters import STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "europe_turkey.toml"


def run_detente(n_scenarios: int, out: str | None) -> float:
    """Wall-clock seconds of ``n_scenarios`` x 4 strategies in-process."""
    model, skeleton = make_model(load_config({}))
    design = ExperimentDesign(n_scenarios, skeleton.strategies, seed=1)
    t = time.perf_counter()
    perform_experiments(model, design, out=out, progress=False)
    return time.perf_counter() - t


def run_flagship(n_scenarios: int) -> dict[str, float]:
    """Run ``detente explore`` on the flagship example in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
        args = [sys.executable, "-c", code, "explore", str(EXAMPLE)]
        args += ["--scenarios", str(n_scenarios), "--out", tmp, "--quiet"]
        t = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"detente explore failed:\n{err}")
        summary = json.loads((Path(tmp) / "summary.json").read_text())
        size = (Path(tmp) / "experiments.parquet").stat().st_size
    return {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "parquet_mb": size / 1e6,
        **{f"stage_{k}": float(v) for k, v in summary["timings_s"].items()},
    }


def _ema_numpy(**kw: float) -> dict[str, float]:
    """The model as stated in numpy, called once per experiment as the EMA Workbench does."""
    p = {k: np.array([v], dtype=np.float64) for k, v in kw.items()}
    out = simulate(p, np.random.default_rng(), 15)
    return {k: float(v[0]) for k, v in out.items()}


def _ema_kernel(**kw: float) -> dict[str, float]:
    """The compiled kernel on one experiment."""
    p = {k: np.array([v], dtype=np.float64) for k, v in kw.items()}
    out = PartnershipModel(15)(p, np.random.default_rng())
    return {k: float(v[0]) for k, v in out.items()}


def run_ema(n_scenarios: int, function: Any) -> float | None:
    """Wall-clock seconds of the EMA Workbench on ``n_scenarios`` x 4 strategies."""
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
    model = Model("partnership", function=function)
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
    function(**{p.name: p.lower_bound for p in model.uncertainties}, **nominal, strategy=0)
    t = time.perf_counter()
    with (
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
        SequentialEvaluator(model) as ev,
    ):
        warnings.simplefilter("ignore")
        ema_perform(model, scenarios=n_scenarios, policies=policies, evaluator=ev)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evaluations", type=int, default=1_000_000)
    ap.add_argument("--flagship-scenarios", type=int, default=1_000_000)
    ap.add_argument("--ema-scenarios", type=int, default=500)
    args = ap.parse_args()
    n_scen = args.evaluations // 4
    n = n_scen * 4
    run_detente(1_000, None)  # load the compiled kernel (numba cache) before timing
    t_mem = run_detente(n_scen, None)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "experiments.parquet")
        t_pq = run_detente(n_scen, path)
        size = os.path.getsize(path) / 1e6
    flag = run_flagship(args.flagship_scenarios) if args.flagship_scenarios > 0 else None
    t_ema = run_ema(args.ema_scenarios, _ema_numpy)
    t_ema_kernel = run_ema(args.ema_scenarios, _ema_kernel)
    console = Console(width=150)
    table = Table(
        title=f"Partnership model, 15 yearly steps, {os.cpu_count()} cores, "
        f"{default_threads()} threads in-process"
    )
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
        "detente, in-process", f"{n:,}", f"{t_mem:.2f}", f"{per_det * 1e6:.2f}", f"{n / t_mem:,.0f}"
    )
    table.add_row(
        f"detente, + Parquet ({size:.0f} MB)",
        f"{n:,}",
        f"{t_pq:.2f}",
        f"{t_pq / n * 1e6:.2f}",
        f"{n / t_pq:,.0f}",
    )
    if flag is not None:
        m = args.flagship_scenarios * len(STRATEGIES)
        table.add_row(
            f"detente explore, whole command ({flag['parquet_mb']:.0f} MB Parquet, PRIM, Sobol)",
            f"{m:,}",
            f"{flag['wall']:.2f}",
            f"{flag['wall'] / m * 1e6:.2f}",
            f"{m / flag['wall']:,.0f}",
        )
    if t_ema is None or t_ema_kernel is None:
        table.add_row("EMA Workbench", "-", "-", "-", "-", "not installed (pip install '.[bench]')")
    else:
        m = args.ema_scenarios * 4
        for label, t_e in (
            ("EMA Workbench perform_experiments (sequential), numpy model", t_ema),
            ("EMA Workbench perform_experiments (sequential), compiled kernel", t_ema_kernel),
        ):
            per_ema = t_e / m
            table.add_row(
                label,
                f"{m:,}",
                f"{t_e:.2f}",
                f"{per_ema * 1e6:.1f}",
                f"{m / t_e:,.0f}",
                f"{per_ema / per_det:,.0f}x",
            )
    console.print(table)
    print(f"target: {n:,} evaluations under 10 s -> {'met' if t_mem < 10 else 'MISSED'}")
    if flag is not None:
        stages = ", ".join(
            f"{k.removeprefix('stage_')} {v:.2f} s"
            for k, v in flag.items()
            if k.startswith("stage_")
        )
        print(
            f"flagship command: {flag['wall']:.2f} s wall, {flag['user']:.2f} s user + "
            f"{flag['sys']:.2f} s system CPU, peak {flag['peak_mb']:,.0f} MB; stages: {stages}; "
            f"the rest is start-up (imports, numba cache) and printing"
        )
        print(
            f"target: the flagship command under 10 s -> {'met' if flag['wall'] < 10 else 'MISSED'}"
        )
    if t_ema is not None and t_ema_kernel is not None:
        m = args.ema_scenarios * 4
        ratio = (t_ema / m) / per_det
        floor = (t_ema_kernel / m) / per_det
        print(
            f"target: >= 200x EMA Workbench (numpy model per experiment) -> {ratio:,.0f}x, "
            f"{'met' if ratio >= 200 else 'MISSED'}; with the compiled kernel per experiment "
            f"(the EMA Workbench's own overhead) {floor:,.0f}x"
        )


if __name__ == "__main__":
    main()
