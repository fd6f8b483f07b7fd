"""Speed of the exchange model against decide's recorded times (issue 14).

Run from the repository root::

    .venv/bin/python benchmarks/bench_exchange.py            # everything
    .venv/bin/python benchmarks/bench_exchange.py --quick    # fewer repeats, no 10,000 batch

Targets:

1. **Model only, in process**, default settings (decide's results: every knife-edge
   settled in decide's arithmetic), against decide's ModelLoop time recorded in each
   reference run's ``meta.json`` (``model_only_seconds_in_process``): at least 1,000x
   faster.  Timed here from the scenario's arrays to the result (the problem's
   construction included), best and median of ``--repeat`` runs, wall and CPU, after
   numba's one-off compilation.  The references (``equal_det``: sample_data, copenhagen,
   cop21) and the random 25-actor x 6-issue input ``r15`` of
   ``tests/bargaining/exchange/decide_random`` (decide 6.84 s model-only, 16.64 s CLI).
2. **Whole process** on the 25 x 6 class: ``detente forecast r15.csv --model exchange``
   against decide's CLI (``meta.json`` ``timing_cli``; the issue quotes 27 s for the
   class): at least 20x faster.  This script times a few runs itself; the figures in
   ``benchmarks/README.md`` are medians of whole-process timings (the command is printed).
3. **10,000 replicates** of the Europe-Turkey example in one ``forecast_batch`` call
   (perturbed as ``bench_closed_form.py`` perturbs them): under 5 s.

The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
DECIDE = SHARED / "reference" / "decide"
R15 = REPO / "tests" / "bargaining" / "exchange" / "decide_random" / "r15"
CASES = [
    (
        "sample_data",
        DECIDE / "sample_data" / "sample_data.txt",
        DECIDE / "sample_data" / "equal_det",
    ),
    ("copenhagen", DECIDE / "copenhagen" / "copenhagen.csv", DECIDE / "copenhagen" / "equal_det"),
    ("cop21", DECIDE / "cop21" / "cop21.csv", DECIDE / "cop21" / "equal_det"),
    ("r15 (25 x 6)", R15 / "r15.csv", R15),
]


def _times(fn: object, repeat: int) -> tuple[np.ndarray, np.ndarray]:
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return np.array(wall), np.array(cpu)


def model_only(repeat: int) -> None:
    from detente.bargaining.api import scenario_arrays
    from detente.bargaining.exchange.engine import problem_from_arrays, run_exchange
    from detente.scenario import load_scenario

    print("1. model only, in process (default settings; best / median of runs)")
    print(
        f"   {'case':14s} {'decide s':>9s} {'wall ms':>15s} {'cpu ms':>15s} "
        f"{'x decide':>16s}  knife-edges"
    )
    for name, path, ref in CASES:
        if not path.exists():
            print(f"   {name:14s} skipped ({path} absent)")
            continue
        meta = json.loads((ref / "meta.json").read_text())
        decide_s = float(meta["model_only_seconds_in_process"])
        arrays = scenario_arrays(load_scenario(path))
        run = run_exchange(problem_from_arrays(arrays))  # compile / load once
        assert run.fallbacks == 0 and run.arithmetic == "settled"
        wall, cpu = _times(lambda a=arrays: run_exchange(problem_from_arrays(a)), repeat)
        ratio = decide_s / wall
        print(
            f"   {name:14s} {decide_s:9.3f} {wall.min() * 1e3:7.2f} /{np.median(wall) * 1e3:6.2f}"
            f" {cpu.min() * 1e3:7.2f} /{np.median(cpu) * 1e3:6.2f}"
            f" {ratio.max():7.0f}x /{np.median(ratio):6.0f}x"
            f"  {run.knife_edges} met, {run.settled} settled"
        )


def whole_process(repeat: int) -> None:
    exe = shutil.which("detente", path=str(REPO / ".venv" / "bin")) or "detente"
    cmd = [exe, "forecast", str(R15 / "r15.csv"), "--model", "exchange"]
    meta = json.loads((R15 / "meta.json").read_text())
    decide_cli = float(meta["timing_cli"]["wall_seconds"])
    subprocess.run(cmd, check=True, capture_output=True)  # warm the caches
    wall = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall.append(time.perf_counter() - t0)
    w = np.array(wall)
    print("2. whole process, 25 actors x 6 issues (r15)")
    print(
        f"   detente forecast: best {w.min():.2f} s, median {np.median(w):.2f} s; decide CLI "
        f"{decide_cli:.2f} s on this input ({decide_cli / np.median(w):.1f}x), 27 s quoted for "
        f"the class ({27 / np.median(w):.1f}x); target 20x"
    )
    print("   timed as whole processes: " + " ".join(cmd))


def batch(r: int) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_closed_form import draws, example_arrays

    from detente.bargaining import BatchInputs, forecast_batch

    arrays, how = example_arrays()
    forecast_batch(arrays, "exchange", BatchInputs.from_arrays(arrays))
    inputs = draws(arrays, r)
    print(f"3. {r:,} replicates of the example ({how}) in one forecast_batch call")
    outcomes = {}
    for arithmetic in ("float", "auto"):
        t0, c0 = time.perf_counter(), time.process_time()
        res = forecast_batch(arrays, "exchange", inputs, arithmetic=arithmetic)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        outcomes[arithmetic] = res.outcome
        ok = "OK" if wall < 5 else "MISSED"
        what = "float decisions" if arithmetic == "float" else "default: knife-edges settled"
        print(f"   {what}: {wall:.2f} s wall, {cpu:.2f} s CPU (target < 5 s) {ok}")
        for note in res.notes:
            print(f"     note: {note}")
    gap = np.abs(outcomes["auto"] - outcomes["float"]).max(axis=1)
    print(
        f"   float decisions alone end at another forecast on {(gap > 1e-9).sum():,} of "
        f"{r:,} replicates (by up to {gap.max():.1f} points; median {np.median(gap):.2f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    repeat = 5 if a.quick else a.repeat
    print(f"load average {os.getloadavg()[0]:.2f} (2 shared cores)")
    model_only(repeat)
    whole_process(3 if a.quick else 5)
    if not a.quick:
        batch(10_000)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
