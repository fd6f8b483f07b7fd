"""``detente explore``: stress the partnership strategies over many sampled futures."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from detente.commands._common import about_file, check_output_path, console
from detente.errors import InputError

#: A Dask scheduler address: [PROTOCOL://]HOST:PORT.
_SCHEDULER = re.compile(r"^([a-z]+://)?(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{1,5}$")


def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


#: What a strategy-lab run writes into its folder.
LAB_OUTPUTS = ("experiments.parquet", "summary.json")


def explore(
    file: Path = typer.Argument(
        ..., help="Scenario TOML file with a [partnership] table (the whole file is validated)."
    ),
    scenarios: int = typer.Option(10_000, "--scenarios", "-n", help="Number of sampled futures."),
    sampler: str = typer.Option("lhs", "--sampler", help="lhs, sobol or mc."),
    seed: int | None = typer.Option(
        None, "--seed", help="Master seed (default: the file's, else 0)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Run on a local Dask cluster with N worker processes."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run on an existing Dask scheduler, tcp://HOST:PORT."
    ),
    out: Path = typer.Option(
        Path("lab"), "--out", "-o", help="Output folder (replaced as a whole by each run)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing outputs."),
    sobol: int = typer.Option(1024, "--sobol", help="Sobol base sample (power of 2; 0 skips)."),
    prim_points: int = typer.Option(20_000, "--prim-points", help="Scenarios for PRIM (0 skips)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    timeout: float = typer.Option(
        120.0,
        "--timeout",
        help="With --workers/--scheduler: seconds to wait for a worker, and for each chunk "
        "of results, before giving up (exit code 3).",
    ),
) -> None:
    """Rank the partnership strategies by robustness, find where the best one loses
    (PRIM) and which uncertainties matter (Sobol).  Writes DIR/experiments.parquet
    and DIR/summary.json."""
    from detente._atomic import foreign_entries, publish_folder, staged_folder
    from detente.explore import Sampler
    from detente.limits import check_count
    from detente.partnership.lab import read_config, run_lab

    Sampler.parse(sampler, field="--sampler")
    # every option is checked before any work starts
    check_count("--scenarios", scenarios)
    check_count("--sobol", sobol, power_of_two=True)
    check_count("--prim-points", prim_points)
    check_count("--seed", seed)
    check_count("--workers", workers)
    if workers is not None and workers < 1:
        raise InputError(
            f"--workers must be at least 1, not {workers}",
            field="--workers",
            fix="use --workers 2, or leave it out to run in-process.",
        )
    if workers is not None and scheduler is not None:
        raise InputError(
            "give either --workers or --scheduler, not both",
            field="--workers",
            fix="drop one of them.",
        )
    if not 0 < timeout <= 86_400:
        raise InputError(
            f"--timeout must be between 0 and 86400 seconds, not {timeout:g}",
            field="--timeout",
            fix="use e.g. --timeout 120.",
        )
    if scheduler is not None and not _SCHEDULER.match(scheduler.strip()):
        raise InputError(
            f"--scheduler {scheduler!r} is not a scheduler address",
            field="--scheduler",
            fix="write it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786.",
        )
    from detente._paths import check_writable_folder

    check_writable_folder(out)
    cfg = read_config(file)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"cannot create the output folder: {err.strerror}",
            file=out,
            fix="give --out a folder that can be created (its parents must be folders you "
            "may write to).",
        ) from None
    for name in LAB_OUTPUTS if out.is_dir() else ():
        check_output_path(out / name, force=force, inputs=[file])
    foreign = foreign_entries(out, LAB_OUTPUTS)
    if foreign:
        raise InputError(
            f"the folder holds entries that are not part of a strategy-lab run "
            f"({', '.join(foreign[:5])}); a run replaces its folder as a whole, so it needs "
            "a folder of its own",
            file=out,
            fix="choose a new or empty folder with --out, or move those entries out.",
        )
    with about_file(file), staged_folder(out) as staged:
        report = run_lab(
            cfg,
            n_scenarios=scenarios,
            sampler=sampler,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            out_dir=staged,
            progress=not quiet,
            sobol_base=sobol,
            prim_points=prim_points,
            timeout=timeout,
        )
        # the experiments and their summary appear together, or not at all
        publish_folder(staged, out, replaceable=LAB_OUTPUTS)
    r = report.results
    console.print(
        f"[bold]{r.design.n_experiments:,}[/] experiments ({r.design.n_scenarios:,} futures x "
        f"{len(r.strategy_names)} strategies, {r.design.sampler} sampler, seed {r.design.seed}, "
        f"{cfg.horizon} years) in {r.seconds:.1f} s ({r.where})",
        markup=True,
    )
    title = f"Strategy ranking on {cfg.outcome} (by {cfg.rank_by.replace('_', ' ')})"
    table = Table(title=title)
    for col in ("rank", "strategy", "mean", "p5", "p50", "p95", "max regret", "p90 regret"):
        table.add_column(col, justify="right" if col != "strategy" else "left")
    table.add_column("best in", justify="right")
    table.add_column("satisficing", justify="right")
    table.add_column("P(breakdown)", justify="right")
    table.add_column("alignment", justify="right")
    by_name = {s.strategy: s for s in report.scores}
    for i, name in enumerate(report.ranking, start=1):
        s = by_name[name]
        table.add_row(
            str(i),
            name,
            _fmt(s.mean),
            _fmt(s.percentiles["p5"]),
            _fmt(s.percentiles["p50"]),
            _fmt(s.percentiles["p95"]),
            _fmt(s.max_regret),
            _fmt(s.regret_percentile),
            f"{s.best_share:.1%}",
            f"{s.satisficing:.1%}" if cfg.thresholds else "-",
            f"{report.means[name]['breakdown']:.1%}",
            f"{report.means[name]['alignment']:.1%}",
        )
    console.print(table)
    if report.prim is not None:
        p = report.prim
        console.print(
            f"\n[bold]PRIM: {escape(p.question)}[/]  ({p.n_cases:,} of {p.n_points:,} futures, "
            f"{p.base_density:.1%})",
            markup=True,
        )
        if not p.boxes:
            console.print("  no box found: the losses are not concentrated in a region.")
        for k, box in enumerate(p.boxes, start=1):
            bt = Table(
                title=f"box {k}: coverage {box.coverage:.1%}, density {box.density:.1%}, "
                f"mass {box.mass:.1%}"
            )
            bt.add_column("uncertainty")
            bt.add_column("low", justify="right")
            bt.add_column("high", justify="right")
            bt.add_column("qp", justify="right")
            for name, lim in box.limits.items():
                if isinstance(lim, tuple):
                    bt.add_row(name, f"{lim[0]:.4g}", f"{lim[1]:.4g}", f"{box.qp[name]:.2g}")
                else:
                    bt.add_row(name, ", ".join(map(str, lim)), "", f"{box.qp[name]:.2g}")
            console.print(bt)
    for outcome, idx in report.sobol.items():
        st = Table(
            title=f"Sobol indices of {outcome} under {report.recommended} "
            f"({idx.n_evaluations:,} runs, 95% CI)"
        )
        for col in ("uncertainty", "S1", "±", "ST", "± "):
            st.add_column(col, justify="right" if col != "uncertainty" else "left")
        for row in idx.top(8):
            st.add_row(
                row["input"],
                _fmt(row["S1"]),
                _fmt(row["S1_conf"]),
                _fmt(row["ST"]),
                _fmt(row["ST_conf"]),
            )
        console.print(st)
    console.print(f"wrote {out / 'experiments.parquet'} and {out / 'summary.json'}")


def register(app: typer.Typer) -> None:
    """Add ``explore`` to the CLI."""
    app.command("explore")(explore)
