"""Speed of typical data queries once the store is warm (target: under 50 ms each).

Run from the repository root::

    .venv/bin/python benchmarks/bench_data.py [--repeat 30]

Prints the one-off cost of importing detente.data and opening the store, then the
median and 95th percentile of each typical query over ``--repeat`` runs, next to the
50 ms target.  Uses an empty temporary user data directory (the shipped data and SIPRI
extract only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_MS = 50.0


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    runs.sort()
    p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
    return statistics.median(runs), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["DETENTE_DATA_DIR"] = tempfile.mkdtemp(prefix="detente_bench_")

    t0 = time.perf_counter()
    from detente import data
    from detente.scenario import load_scenario

    t_import = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    data.get_store()
    t_open = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    data.indicator("nato.defence_share_gdp", years=2024)
    t_first = (time.perf_counter() - t0) * 1000

    example = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "europe_turkey.toml")
    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "indicator: NATO % GDP, all allies, 2024",
            lambda: data.indicator("nato.defence_share_gdp", years=2024),
        ),
        (
            "indicator: cow.cinc, 3 countries x 30 years",
            lambda: data.indicator(
                "cow.cinc", countries=["TUR", "DEU", "FRA"], years=range(1993, 2023)
            ),
        ),
        ("indicator: unhcr.refugees_hosted, all", lambda: data.indicator("unhcr.refugees_hosted")),
        (
            "SQL: 2024 personnel ranking",
            lambda: data.query(
                "SELECT iso3, value FROM indicators WHERE indicator = 'nato.military_personnel' "
                "AND year = 2024 ORDER BY value DESC LIMIT 5"
            ),
        ),
        (
            "SQL: world CINC by year (aggregate)",
            lambda: data.query(
                "SELECT year, sum(value) FROM indicators WHERE indicator = 'cow.cinc' GROUP BY year"
            ),
        ),
        ("nato_gap(2024)", lambda: data.nato_gap(2024)),
        (
            "coalition: NATO-Europe without TUR",
            lambda: data.coalition(
                "NATO-Europe", "nato.defence_usd_current", 2024, exclude=["TUR"], reference="NATO"
            ),
        ),
        ("alignment TUR-USA (votes + ideal points)", lambda: data.alignment("TUR", "USA")),
        ("list_indicators()", data.list_indicators),
        ("resolve_capabilities(example, 11 actors)", lambda: data.resolve_capabilities(example)),
        ("check_claims() (3 claims)", data.check_claims),
    ]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; repeat={args.repeat}")
    print(f"import detente.data: {t_import:7.1f} ms (one-off)")
    print(f"open store (load Parquet into DuckDB): {t_open:7.1f} ms (one-off)")
    print(f"first query (cold): {t_first:7.1f} ms\n")
    print(f"{'query (warm)':48s} {'median':>9s} {'p95':>9s}  target {TARGET_MS:g} ms")
    worst = 0.0
    for name, fn in cases:
        fn()  # warm
        med, p95 = _time(fn, args.repeat)
        worst = max(worst, med)
        ok = "ok" if med < TARGET_MS else "SLOW"
        print(f"{name:48s} {med:7.2f}ms {p95:7.2f}ms  {ok}")
    print(f"\nslowest median: {worst:.2f} ms ({'meets' if worst < TARGET_MS else 'misses'} target)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
