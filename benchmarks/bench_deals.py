"""Speed of the deal finder: ``detente deals`` on the Europe-Türkiye example, 1,000 draws.

Target: under 5 s for the whole command (issue 14, section 3).

It times, after a warm-up call (numba's cache loaded, data capabilities resolved):

* in process: the point search (``find_deals``, the restricted and the unrestricted
  first round), the rival bids, ``sample_inputs`` for 1,000 draws, and the robust
  deals (``robust_deals``: the restricted search re-run on each draw, on 1 and on 2
  threads, checking that both give the same numbers);
* the whole command, ``detente deals examples/europe_turkey.toml --draws 1000 --seed 1``,
  as a fresh process (start-up, imports and numba's cache load included), three times:
  wall and CPU seconds, minimum and median.

Run: ``.venv/bin/python benchmarks/bench_deals.py [--draws 1000] [--all-pairs]``.
Fresh processes compile Python sources again when ``PYTHONDONTWRITEBYTECODE`` is set
(then about 3 s more CPU); the script says whether it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from detente.bargaining import sample_inputs
from detente.bargaining.deals import find_deals, rival_bids, robust_deals, scenario_sides
from detente.data import resolve_capabilities
from detente.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "europe_turkey.toml"
TARGET_S = 5.0


def _command(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``detente ARGV`` in a fresh process."""
    code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *argv], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--all-pairs", action="store_true", help="every pair, not the [deals] sides")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    console = Console()
    scenario = resolve_capabilities(load_scenario(EXAMPLE))
    sides = None if args.all_pairs else scenario_sides(scenario)
    warm = find_deals(scenario, sides=sides)  # numba's cache
    robust_deals(warm, sample_inputs(scenario, 8, seed=0))

    rows: list[tuple[str, str, str]] = []
    t = time.perf_counter()
    found = find_deals(scenario, sides=sides)
    rows.append(("find_deals (point search)", f"{time.perf_counter() - t:.3f}", ""))
    t = time.perf_counter()
    rival_bids(found)
    rows.append(("rival_bids", f"{time.perf_counter() - t:.3f}", ""))
    t = time.perf_counter()
    draws = sample_inputs(scenario, args.draws, seed=1)
    rows.append((f"sample_inputs ({args.draws:,} draws)", f"{time.perf_counter() - t:.3f}", ""))
    t = time.perf_counter()
    one = robust_deals(found, draws, seed=1, workers=1)
    rows.append(
        (f"robust_deals, {args.draws:,} draws, 1 thread", f"{time.perf_counter() - t:.3f}", "")
    )
    t = time.perf_counter()
    two = robust_deals(found, draws, seed=1, workers=2)
    rows.append(
        (f"robust_deals, {args.draws:,} draws, 2 threads", f"{time.perf_counter() - t:.3f}", "")
    )
    same = one.deals.equals(two.deals) and one.package.equals(two.package)

    argv = ["deals", str(EXAMPLE), "--draws", str(args.draws), "--seed", "1"]
    if args.all_pairs:
        argv.append("--all-pairs")
    runs = [_command(argv) for _ in range(args.runs)]
    walls = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    wall = statistics.median(walls)
    met = "yes" if wall < TARGET_S else "NO"
    rows.append(
        (
            f"detente {' '.join(argv[:1])} … --draws {args.draws:,} (fresh process, wall)",
            f"{min(walls):.2f} min, {wall:.2f} median",
            f"< {TARGET_S:g} s: {met}",
        )
    )
    rows.append(
        (
            "the same, CPU (all threads)",
            f"{min(cpus):.2f} min, {statistics.median(cpus):.2f} median",
            "",
        )
    )

    what = "every pair" if sides is None else f"between {sides.names[0]} and {sides.names[1]}"
    table = Table(
        title=f"Deal finder on {EXAMPLE.name} ({what}: {len(found.deals)} deals)",
        title_justify="left",
    )
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("target", justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"1 thread and 2 threads give identical results: {same}")
    console.print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}, "
        f"PYTHONDONTWRITEBYTECODE {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'unset'}"
    )


if __name__ == "__main__":
    main()
