"""``detente analyze`` and ``detente runs list|compare``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from detente.commands._common import about_file, console, console_err

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SCENARIOS", "register"]

#: Defaults sized so that the flagship example runs in well under a minute on 2 cores.
DEFAULT_DRAWS = 1000
DEFAULT_SCENARIOS = 20_000


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.4g}"
    return str(v)


def _table(df: pd.DataFrame, title: str) -> Table:
    t = Table(title=Text(title), title_justify="left")
    for c in df.columns:
        t.add_column(str(c), overflow="fold")
    for row in df.itertuples(index=False):
        t.add_row(*[Text(_cell(v)) for v in row])
    return t


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and the ``runs`` group to the CLI."""

    @app.command("analyze")
    def analyze_cmd(
        file: Path = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, DEU)."),
        out: Path = typer.Option(..., "-o", "--out", help="Report folder (created if missing)."),
        draws: int = typer.Option(
            DEFAULT_DRAWS, "--draws", help="Monte Carlo draws of the inputs (forecast intervals)."
        ),
        scenarios: int = typer.Option(
            DEFAULT_SCENARIOS, "--scenarios", help="Futures sampled by the strategy lab."
        ),
        seed: int = typer.Option(0, "--seed", help="Master seed of every stochastic step."),
        force: bool = typer.Option(
            False, "--force", help="Replace a folder holding another scenario's run."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    ) -> None:
        """Run the whole analysis: report.html, summary.md and results.duckdb in OUT."""
        from detente._paths import check_writable_folder
        from detente.limits import check_count

        check_count("--draws", draws)
        check_count("--scenarios", scenarios, low=0)  # 0 skips the strategy lab
        check_count("--seed", seed)
        check_writable_folder(out)
        from detente.pipeline.warm import compile_ahead

        # on a fresh installation, start compiling the exchange engine before the
        # report's own imports (a head start of a few seconds)
        with compile_ahead(["exchange"]) as ahead:
            from detente.commands._progress import progress_bars
            from detente.report.analyze import STAGES, analyze

            with about_file(file), progress_bars(None if quiet else console_err, STAGES) as bars:
                result = analyze(
                    file,
                    out,
                    draws=draws,
                    scenarios=scenarios,
                    seed=seed,
                    force=force,
                    progress=bars,
                    ahead=ahead,
                )
        live = sum(1 for _, _, status in result.panels if status == "live")
        console.print(f"report:  {result.out_dir / 'report.html'}", markup=False)
        console.print(f"summary: {result.out_dir / 'summary.md'}", markup=False)
        console.print(f"store:   {result.out_dir / 'results.duckdb'}", markup=False)
        console.print(
            f"{live} of {len(result.panels)} panels drawn, {len(result.findings)} findings, "
            f"{sum(result.timings.values()):.1f} s"
        )
        for sec, panel, status in result.panels:
            if status != "live":
                console.print(
                    f"  not drawn: {sec}/{panel}: {status.removeprefix('unavailable: ')}",
                    markup=False,
                )

    runs = typer.Typer(help="List and compare analysis runs.", no_args_is_help=True)
    app.add_typer(runs, name="runs")

    @runs.command("list")
    def runs_list(
        dirs: list[Path] = typer.Argument(..., help="Report folders written by `detente analyze`."),
    ) -> None:
        """List the runs stored in report folders."""
        from detente.report.runs import list_runs

        console.print(_table(list_runs(dirs), "runs"))

    @runs.command("compare")
    def runs_compare(
        a: Path = typer.Argument(..., help="The earlier run's report folder."),
        b: Path = typer.Argument(..., help="The later run's report folder."),
    ) -> None:
        """What changed between two runs: inputs, forecasts and strategy metrics."""
        from detente.report.runs import compare_runs

        cmp = compare_runs(a, b)
        console.print(
            f"A: {cmp.a.scenario_id} ({cmp.a.scenario_hash[:12]}, {cmp.a.finished})\n"
            f"B: {cmp.b.scenario_id} ({cmp.b.scenario_hash[:12]}, {cmp.b.finished})",
            markup=False,
        )
        if len(cmp.settings):
            console.print(_table(cmp.settings, "settings and versions that differ"))
        if cmp.same_inputs:
            console.print("inputs: identical scenario files")
        elif cmp.inputs.empty:
            console.print("inputs: the files differ, but no actor, issue or stance changed")
        else:
            console.print(_table(cmp.inputs, f"inputs that changed ({len(cmp.inputs)})"))
        moved = cmp.forecasts[cmp.forecasts["change"].fillna(1.0).abs() > 1e-9]
        if cmp.forecasts.empty:
            console_err.print("forecasts: not available in one of the runs")
        elif moved.empty:
            console.print("forecasts: unchanged")
        else:
            console.print(_table(moved, "forecasts that moved"))
        if cmp.strategy.empty:
            console.print("strategy metrics: not available in one of the runs")
        else:
            moved_s = cmp.strategy[cmp.strategy["change"].fillna(1.0).abs() > 1e-12]
            if moved_s.empty:
                console.print("strategy metrics: unchanged")
            else:
                console.print(_table(moved_s, "strategy metrics that moved"))
