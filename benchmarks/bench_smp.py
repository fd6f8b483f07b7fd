"""Speed of the SMP against KTAB's recorded run times (target: at most 1% of KTAB's).

Run from the repository root::

    .venv/bin/python benchmarks/bench_smp.py            # every scenario
    .venv/bin/python benchmarks/bench_smp.py --quick    # without the 160-actor run

For every KTAB reference scenario with a recorded ``--logmin`` time (``meta.json``), it
reads the input with detente's KTAB reader and times, best of ``--repeat`` runs, in
this process after the imports and after numba's one-off compilation:

* ``engine``: ``run_smp`` from the input arrays to every actor's position at every
  turn, plus each state's winning probabilities -- what ``smpc --logmin`` computes;
* ``numpy``: the same with the step-by-step numpy backend;
* ``forecast``: the full ``forecast(load_scenario(file), "smp")``, with reading the file,
  the events table for ``--explain`` and the outcome.

It checks the positions against KTAB's ``positions.csv`` and prints each time with
KTAB's and the engine's share of it.  KTAB's times are whole-process runs of
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
from detente.bargaining.smp import SMPParams, run_smp
from detente.bargaining.smp.model import accommodation_matrix, format_accommodation
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
    # compile (or load from numba's cache) before timing
    run_smp(np.array([[0.1], [0.5], [0.9]]), np.full((3, 1), 0.5), np.ones(3))
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f}; times are in-process "
        "(after imports and compilation), best of each scenario's runs; turns ours/KTAB"
    )
    header = (
        f"{'scenario':<16} {'n x d':>6} {'turns':>7} {'max dev':>8} {'engine s':>9} "
        f"{'numpy s':>8} {'forecast s':>10} {'KTAB s':>7} {'engine/KTAB':>11} {'<=1%':>5}"
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
        scen = load_scenario(path)
        arr = scenario_arrays(scen)
        inputs = (
            (arr.positions - arr.lower) / (arr.upper - arr.lower),
            arr.saliences / arr.salience_max,
            arr.capabilities,
        )
        prm = SMPParams.from_mapping(scen.models.get("smp", {}))
        acc = accommodation_matrix(format_accommodation(scen.accommodation), arr.actor_ids)
        times = {}
        for backend in ("numba", "numpy"):
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                run = run_smp(*inputs, accommodation=acc, params=prm, backend=backend)
                best = min(best, time.perf_counter() - t0)
            times[backend] = best
        best = float("inf")
        fc = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            fc = forecast(load_scenario(path), "smp")
            best = min(best, time.perf_counter() - t0)
        times["forecast"] = best
        assert fc is not None and fc.trajectory is not None
        dev, turns = max_deviation(fc.trajectory, folder, list(fc.actor_ids))
        dev_engine, _ = max_deviation(run.positions * 100.0, folder, list(fc.actor_ids))
        dev = max(dev, dev_engine)
        k_s = ktab_seconds(meta)
        ok = times["numba"] <= 0.01 * k_s and dev <= 1e-6
        all_ok &= ok
        n, d = fc.trajectory.shape[1:]
        print(
            f"{name:<16} {f'{n}x{d}':>6} {f'{fc.rounds}/{turns}':>7} {dev:>8.1e} "
            f"{times['numba']:>9.4f} {times['numpy']:>8.3f} {times['forecast']:>10.4f} "
            f"{k_s:>7.2f} {100 * times['numba'] / k_s:>10.2f}% {'yes' if ok else 'NO':>5}"
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
