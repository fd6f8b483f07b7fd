"""Speed of the DEU back-test: all models with grouped 5-fold cross-validation.

Target: under 60 s on 2 cores for ``detente backtest --cv 5`` on the DEU III development
split (245 decided issues): reading the file, every baseline and bargaining model on
every issue (Nash bargaining, EUM and SMP one issue at a time; EUM on its numpy core),
and the ensemble fitted five times (each fit choosing its penalty, compromise weight and
interval by an inner grouped 5-fold cross-validation: 41 conditional-logit fits).

The first run in a fresh installation also compiles SMP's numba kernel (about 19 s of
CPU, cached on disk afterwards); ``--cold`` measures that case by pointing
``NUMBA_CACHE_DIR`` at an empty folder in a fresh process.

It also times each model's forecasts of all 245 issues, the figures quoted in the model
cards.  The file is ``../shared/data/deu3/deu3_dev.csv`` (or ``--file``).

Run: ``.venv/bin/python benchmarks/bench_backtest.py [--file PATH] [--cold]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from detente.backtest.cases import load_cases
from detente.backtest.forecasts import DEFAULT_MODELS, case_forecasts
from detente.backtest.run import cross_validate

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
TARGET_S = 60.0


def _command(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``detente backtest --cv 5 PATH`` in a fresh process."""
    code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, "backtest", "--cv", "5", str(path)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=SHARED / "data" / "deu3" / "deu3_dev.csv")
    ap.add_argument("--cold", action="store_true", help="also time a first run (empty numba cache)")
    args = ap.parse_args()
    console = Console()
    cases = [c for c in load_cases(args.file) if c.has_outcome]
    case_forecasts(cases[:3], DEFAULT_MODELS)  # warm-up (numba cache)

    table = Table(title=f"Back-test speed on {args.file.name}", title_justify="left")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("per issue (ms)", justify="right")
    table.add_column("target", justify="right")
    for m in DEFAULT_MODELS:
        t = time.perf_counter()
        case_forecasts(cases, [m])
        sec = time.perf_counter() - t
        per = f"{1000 * sec / len(cases):.2f}"
        table.add_row(f"{m}, {len(cases)} issues", f"{sec:.3f}", per, "")
    t = time.perf_counter()
    res = cross_validate(args.file, folds=5)
    sec = time.perf_counter() - t
    ok = "yes" if sec < TARGET_S else "NO"
    table.add_row("whole back-test, grouped 5-fold CV", f"{sec:.2f}", "", f"< {TARGET_S:g} s: {ok}")
    runs = [("detente backtest --cv 5, fresh process", dict(os.environ))]
    if args.cold:
        cache = tempfile.mkdtemp(prefix="numba-cold-")
        runs.append(
            ("same, first run (empty numba cache)", {**os.environ, "NUMBA_CACHE_DIR": cache})
        )
    for label, env in runs:
        wall, cpu = _command(args.file, env)
        ok = "yes" if wall < TARGET_S else "NO"
        table.add_row(f"{label} (CPU {cpu:.1f} s)", f"{wall:.2f}", "", f"< {TARGET_S:g} s: {ok}")
    if args.cold:
        shutil.rmtree(cache, ignore_errors=True)
    console.print(table)
    ens = res.scores["ensemble"]
    pred = res.predictions
    width = float((pred["ensemble_upper"] - pred["ensemble_lower"]).mean())
    console.print(
        f"ensemble MAE {ens.mae:.2f}, interval coverage {100 * res.coverage:.1f}% "
        f"(nominal {100 * res.nominal:.0f}%), mean width {width:.1f}, {res.n_issues} issues"
    )
    console.print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
