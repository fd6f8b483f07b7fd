"""Start-up speed of the command line: ``--help``, ``--version`` and each command's ``--help``.

Target: each answers in under 0.3 s of wall time, as a whole process (the interpreter's
start, the imports, building the command tree, rendering).  The commands are found by
walking the click command tree, so a command added later is timed too.  Each is run
``--runs`` times after one warm-up run; the table gives the minimum, median and maximum
wall time and the median CPU time, beside the target (met: the median is under it).

Two reference rows say what the floor is on this machine at this moment: the bare
interpreter (``python -c pass``) and a one-command typer app rendering its rich
``--help`` (typer and rich alone, no detente).  On a shared machine the wall time
follows the load: the load average is printed before and after.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--runs N] [--only 'data show']``.
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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

TARGET_S = 0.3

_TYPER_FLOOR = """
import typer
app = typer.Typer(rich_markup_mode="rich", add_completion=False)
@app.command()
def one(x: int = typer.Option(1, help="An option.")) -> None:
    '''A command.'''
@app.command()
def two() -> None:
    '''Another.'''
app()
"""


def _detente() -> list[str]:
    """The installed ``detente`` script beside this interpreter, else ``python -c``."""
    script = Path(sys.executable).with_name("detente")
    if script.exists():
        return [str(script)]
    code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code]


def _paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _paths(sub, (*path, name))


def command_paths() -> list[tuple[str, ...]]:
    """Every command path of the CLI, the root first (walks the click command tree)."""
    import typer.main

    from detente.cli import app

    return list(_paths(typer.main.get_command(app)))


def time_command(argv: Sequence[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``runs`` runs of ``argv`` as a whole process (after a warm-up)."""
    walls: list[float] = []
    cpus: list[float] = []
    for k in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr!r}")
        if k == 0:
            continue  # warm-up: file caches, .pyc files
        walls.append(wall)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return walls, cpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    ap.add_argument("--only", action="append", help="time only these commands, e.g. 'data show'")
    args = ap.parse_args()
    console = Console()
    detente = _detente()
    load0 = os.getloadavg()

    rows: list[tuple[str, list[str], bool]] = [
        ("python -c pass (reference)", [sys.executable, "-c", "pass"], False),
        ("typer app --help (reference)", [sys.executable, "-c", _TYPER_FLOOR, "--help"], False),
        ("detente --version", [*detente, "--version"], True),
    ]
    for path in command_paths():
        label = " ".join(("detente", *path, "--help"))
        if args.only and " ".join(path) not in args.only:
            continue
        rows.append((label, [*detente, *path, "--help"], True))

    table = Table(
        title=f"CLI start-up, {args.runs} runs each after a warm-up (target < {TARGET_S} s wall)",
        title_justify="left",
    )
    for col in ("command", "min s", "median s", "max s", "CPU median s", "met"):
        table.add_column(col, justify="left" if col == "command" else "right")
    medians = []
    for label, argv, counted in rows:
        walls, cpus = time_command(argv, args.runs)
        med = statistics.median(walls)
        if counted:
            medians.append(med)
        met = ("yes" if med < TARGET_S else "NO") if counted else ""
        table.add_row(
            label,
            f"{min(walls):.3f}",
            f"{med:.3f}",
            f"{max(walls):.3f}",
            f"{statistics.median(cpus):.3f}",
            met,
        )
    console.print(table)
    load1 = os.getloadavg()
    console.print(
        f"{len(medians)} detente commands: medians {min(medians):.3f}-{max(medians):.3f} s; "
        f"{sum(m < TARGET_S for m in medians)} of {len(medians)} under {TARGET_S} s.\n"
        f"load average {load0[0]:.2f} before, {load1[0]:.2f} after, on {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}."
    )


if __name__ == "__main__":
    main()
