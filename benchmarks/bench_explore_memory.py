"""Peak memory of the strategy lab: 10 million evaluations under 2 GB.

Runs the flagship example's strategy lab on 2,500,000 futures x 4 strategies
(10,000,000 evaluations of the 15-year partnership model) in a child process, twice:

* ``detente explore ... --scenarios 2500000`` as a user runs it: Parquet output,
  robustness metrics, PRIM and Sobol indices;
* the same lab without Parquet output (``run_lab(out_dir=None)``).

The peak resident set size of each child (``wait4``'s ``ru_maxrss``) is the figure.
Memory is bounded by design: the engine keeps one float64 per evaluation and outcome
(7 outcomes: 8 x 7 x 10^7 bytes = 560 MB at 10 million evaluations; the summary
metrics are exact, computed on these matrices), the inputs of the PRIM sample only,
and a bounded number of chunks in flight (compute threads + 1, and at most two
tables queued for the Parquet writer).

Run: ``.venv/bin/python benchmarks/bench_explore_memory.py [--evaluations 10000000]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "europe_turkey.toml"
TARGET_MB = 2000.0
N_OUTCOMES = 7


def _child(args: list[str]) -> tuple[float, float, float, float]:
    """Run a child; return (wall s, user s, system s, peak RSS MB)."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"child failed: {' '.join(args)}\n{err}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024


def with_parquet(n_scenarios: int) -> tuple[float, float, float, float, float]:
    """``detente explore`` with its outputs; also returns the Parquet size in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
        args = [sys.executable, "-c", code, "explore", str(EXAMPLE)]
        args += ["--scenarios", str(n_scenarios), "--out", tmp, "--quiet"]
        stats = _child(args)
        size = (Path(tmp) / "experiments.parquet").stat().st_size / 1e6
    return (*stats, size)


def in_memory(n_scenarios: int) -> tuple[float, float, float, float]:
    """The same lab with no Parquet output."""
    code = (
        "import sys; from detente.partnership import read_config, run_lab; "
        "run_lab(read_config(sys.argv[1]), n_scenarios=int(sys.argv[2]), progress=False)"
    )
    return _child([sys.executable, "-c", code, str(EXAMPLE), str(n_scenarios)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evaluations", type=int, default=10_000_000)
    args = ap.parse_args()
    n_scen = args.evaluations // 4
    n = n_scen * 4
    pq = with_parquet(n_scen)
    mem = in_memory(n_scen)
    table = Table(title=f"Strategy lab, {n:,} evaluations ({n_scen:,} futures x 4 strategies)")
    for col in ("run", "wall s", "user s", "system s", "peak RSS MB", "target"):
        table.add_column(col, justify="right" if col != "run" else "left")
    table.add_row(
        f"detente explore, Parquet ({pq[4]:,.0f} MB), PRIM, Sobol",
        f"{pq[0]:.1f}",
        f"{pq[1]:.1f}",
        f"{pq[2]:.1f}",
        f"{pq[3]:,.0f}",
        f"< {TARGET_MB:,.0f}",
    )
    table.add_row(
        "run_lab without Parquet",
        f"{mem[0]:.1f}",
        f"{mem[1]:.1f}",
        f"{mem[2]:.1f}",
        f"{mem[3]:,.0f}",
        f"< {TARGET_MB:,.0f}",
    )
    Console(width=150).print(table)
    print(
        f"outcome matrices: 8 bytes x {N_OUTCOMES} outcomes x {n:,} evaluations = "
        f"{8 * N_OUTCOMES * n / 1e6:,.0f} MB of the peak"
    )
    peak = max(pq[3], mem[3])
    print(f"target: {n:,} evaluations peak under 2 GB -> {'met' if peak < TARGET_MB else 'MISSED'}")


if __name__ == "__main__":
    main()
