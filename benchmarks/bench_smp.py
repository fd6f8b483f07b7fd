"""Speed of the SMP against KTAB's recorded run times (target: at most 1% of KTAB's).

Run from the repository root::

    .venv/bin/python benchmarks/bench_smp.py            # every scenario
    .venv/bin/python benchmarks/bench_smp.py --quick    # without the 160-actor run

For every KTAB reference scenario with a recorded ``--logmin`` time (``meta.json``), it
reads the input with detente's KTAB reader and runs ``forecast(scenario, "smp")`` (the
full forecast: events, win probabilities and outcome included), best of ``--repeat``
runs, in this process after the imports.  It checks the positions against KTAB's
``positions.csv`` and prints: scenario, size, turns, max deviation, our time, KTAB's
time, and our time as a percentage of KTAB's.  KTAB's times are whole-process runs of
``smpc --logmin`` (SQLite writes included) on the same 2-core machine class.

``--batch R`` also times ``forecast_batch`` over R replicates of SOE-Pol-Comp.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from detente.bargaining import BatchInputs, forecast, forecast_batch, scenario_arrays
from detente.scenario.io import load_scenario

REPO = Path(__file__).resolve().parents[1]
KTAB = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared")) / "reference" / "ktab"

SCENARIOS = [
    "SOE-Pol-Comp",
    "SOE-Policy",
    "dummyData_6Dim",
    "SOE-Competitive",
    "dummyData-a040",
    "dummyData-a080",
    "dummyData-a160",
]


def ktab_seconds(meta: dict[str, object]) -> float:
    """KTAB's recorded ``--logmin`` wall time for a scenario."""
    if meta.get("logmin"):
        return float(meta["wall_seconds"])  # type: ignore[arg-type]
    rerun = meta.get("rerun_with_logmin_on") or {}
    return float(rerun["wall_seconds"])  # type: ignore[index]


def max_deviation(fc_traj: np.ndarray, folder: Path, actors: list[str]) -> tuple[float, int]:
    """Largest |ours - KTAB| over every position, and KTAB's number of turns."""
    ref = pd.read_csv(folder / "positions.csv")
    t = int(ref["turn"].max())
    if fc_traj.shape[0] != t + 1:
        return float("inf"), t
    idx = {a: i for i, a in enumerate(actors)}
    ours = fc_traj[ref["turn"].to_numpy(), ref["actor"].map(idx).to_numpy(), ref["dimension"]]
    return float(np.max(np.abs(ours - ref["position"].to_numpy()))), t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 160-actor scenario")
    ap.add_argument("--repeat", type=int, default=3, help="runs per scenario (best is kept)")
    ap.add_argument("--batch", type=int, default=0, help="also time R replicates in a batch")
    args = ap.parse_args(argv)
    if not KTAB.exists():
        print(f"reference folder not found: {KTAB}", file=sys.stderr)
        return 2
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f}; times are in-process "
        "(after imports), best of each scenario's runs"
    )
    header = (
        f"{'scenario':<18} {'n x d':>7} {'turns':>11} {'max dev':>9} "
        f"{'ours s':>8} {'KTAB s':>8} {'ours/KTAB':>10} {'<=1%':>5}"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    for name in SCENARIOS:
        if args.quick and name == "dummyData-a160":
            continue
        folder = KTAB / name
        meta = json.loads((folder / "meta.json").read_text())
        path = folder / ("input.xml" if (folder / "input.xml").exists() else "input.csv")
        repeat = 1 if name == "dummyData-a160" else max(1, args.repeat)
        best = float("inf")
        fc = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            fc = forecast(load_scenario(path), "smp")
            best = min(best, time.perf_counter() - t0)
        assert fc is not None and fc.trajectory is not None
        dev, turns = max_deviation(fc.trajectory, folder, list(fc.actor_ids))
        k_s = ktab_seconds(meta)
        ok = best <= 0.01 * k_s and dev <= 1e-6
        all_ok &= ok
        n, d = fc.trajectory.shape[1:]
        print(
            f"{name:<18} {f'{n}x{d}':>7} {f'{fc.rounds}/{turns}':>11} {dev:>9.1e} "
            f"{best:>8.3f} {k_s:>8.2f} {100 * best / k_s:>9.2f}% {'yes' if ok else 'NO':>5}"
        )
    if args.batch:
        scen = load_scenario(KTAB / "SOE-Pol-Comp" / "input.csv")
        arr = scenario_arrays(scen)
        rng = np.random.default_rng(1)
        noise = rng.normal(0.0, 2.0, (args.batch, *arr.positions.shape))
        draws = BatchInputs.from_arrays(arr, positions=np.clip(arr.positions + noise, 0, 100))
        t0 = time.perf_counter()
        batch = forecast_batch(scen, "smp", draws)
        dt = time.perf_counter() - t0
        print(
            f"\nforecast_batch, SOE-Pol-Comp with {args.batch} perturbed replicates: "
            f"{dt:.2f} s ({1000 * dt / args.batch:.1f} ms per replicate; replicates run one "
            f"after another, each vectorised over actors); turns "
            f"{int(batch.rounds.min())}-{int(batch.rounds.max())}"
        )
    print("\nall targets met" if all_ok else "\nsome targets NOT met")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
