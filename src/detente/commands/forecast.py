"""``detente forecast``: run negotiation models on a scenario, side by side."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from detente.commands._common import (
    about_file,
    check_output_paths,
    console,
    load_for_models,
    parse_params,
    table_problems,
)
from detente.commands._help import BARGAINING_MODELS
from detente.commands._models import select_models, split_params
from detente.commands.uncertainty import check_draw_options, parse_thresholds, report_draws
from detente.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from detente.bargaining import Forecast
    from detente.scenario import Scenario

__all__ = ["register", "run_models"]


def run_models(
    scenario: Scenario,
    models: Sequence[str],
    params: dict[str, dict[str, str]],
    seed: int | None,
) -> dict[str, Forecast]:
    """Run each chosen model on the scenario; return forecasts by model name."""
    from detente.bargaining import forecast

    return {m: forecast(scenario, m, seed=seed, **params.get(m, {})) for m in models}


def _fmt(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.4g}"


def _table(scenario: Scenario, results: dict[str, Forecast]) -> Table:
    from detente.bargaining import get_model

    table = Table(title=f"Forecast: {scenario.name}  [{scenario.id}]", title_justify="left")
    table.add_column("issue", style="bold", no_wrap=True)
    table.add_column("scale", justify="right")
    table.add_column("status quo", justify="right")
    for name in results:
        table.add_column(get_model(name).label, justify="right")
    for j, issue in enumerate(scenario.issues):
        sq = issue.status_quo
        cells = [
            issue.id,
            f"{issue.scale.min:g}-{issue.scale.max:g}",
            "-" if sq is None else f"{sq:.4g}",
        ]
        cells += [_fmt(float(f.outcome[j])) for f in results.values()]
        table.add_row(*cells)
    return table


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if hasattr(v, "item"):
        return _jsonable(v.item())
    return v


def forecast_json(
    scenario: Scenario, results: dict[str, Forecast], draws: dict[str, Any] | None = None
) -> str:
    """The ``--json`` document: outcomes, rounds, convergence, parameters and notes.

    With ``draws`` (from :func:`detente.commands.uncertainty.report_draws`) it also holds
    the medians, intervals and threshold probabilities over the draws, under ``"draws"``.
    """
    from detente.bargaining import get_model

    doc: dict[str, Any] = {
        "scenario": scenario.id,
        "issues": [i.id for i in scenario.issues],
        "status_quo": {i.id: i.status_quo for i in scenario.issues},
        "models": {
            name: {
                "label": get_model(name).label,
                "outcome": f.outcome_by_issue(),
                "rounds": f.rounds,
                "converged": f.converged,
                "stop_reason": f.stop_reason,
                "params": f.params,
                "seed": f.seed,
                "notes": list(f.notes),
                "citation": get_model(name).citation,
            }
            for name, f in results.items()
        },
    }
    if draws is not None:
        doc["draws"] = draws
    return json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n"


def trajectory_frame(scenario: Scenario, results: dict[str, Forecast]) -> pd.DataFrame:
    """Tidy ``model,turn,actor,dimension,position`` rows of every chosen model.

    The exchange model's rows are decide's ``model,round,actor,issue,start,voting``
    (positions at the start of each round and its voting positions); alone, it gives
    just those columns, beside other models the union of both layouts.
    """
    import pandas as pd

    from detente.bargaining import scenario_arrays

    initial = scenario_arrays(scenario).positions
    frames = [
        f.diagnostics["positions"]
        if "positions" in f.diagnostics
        else f.to_trajectory_frame(initial=initial)
        for f in results.values()
    ]
    return pd.concat(frames, ignore_index=True)


def _forecast_cmd(
    file: Path = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, or DEU)."),
    model: list[str] = typer.Option(
        None,
        "--model",
        "-m",
        help="Model(s): " + "|".join([*BARGAINING_MODELS, "all"]) + " (repeat or comma-separate; "
        "default all).",
    ),
    param: list[str] = typer.Option(
        None,
        "--param",
        "-p",
        help="Model parameter KEY=VALUE (or MODEL.KEY=VALUE); repeatable.",
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed for stochastic models."),
    trajectory: Path | None = typer.Option(
        None, "--trajectory", help="Write positions by turn (model,turn,actor,dimension,position)."
    ),
    exchanges: Path | None = typer.Option(
        None,
        "--exchanges",
        help="Exchange model: write the executed exchanges in decide's exchanges.csv columns.",
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the forecasts as JSON."),
    explain_actor: str | None = typer.Option(
        None,
        "--explain",
        help="Expected-utility or SMP model: explain one actor's moves round by round.",
    ),
    format: str | None = typer.Option(
        None, "--format", help="Input format: toml, ktab-csv, ktab-xml, deu, decide."
    ),
    scenario_id: str | None = typer.Option(
        None, "--scenario", help="For files holding several scenarios (DEU): the one to use."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
    draws: int = typer.Option(
        0, "--draws", help="Also run N Monte Carlo draws of the stated input uncertainties."
    ),
    threshold: list[str] = typer.Option(
        None,
        "--threshold",
        help="With --draws: ISSUE=VALUE (side away from the status quo), ISSUE>=VALUE or "
        "ISSUE<=VALUE; prints P(outcome on that side). Repeatable.",
    ),
    sampler: str = typer.Option("lhs", "--sampler", help="With --draws: lhs, sobol or mc."),
    workers: int = typer.Option(
        0, "--workers", help="With --draws: processes (0 = auto: all cores for big runs)."
    ),
) -> None:
    """Forecast each issue's outcome with the chosen models, side by side."""
    from detente._atomic import atomic_write_text
    from detente.bargaining import get_model
    from detente.bargaining.eum import explain
    from detente.bargaining.smp.explain import explain_actor as explain_smp
    from detente.limits import check_count

    for name, value in (("--draws", draws), ("--workers", workers), ("--seed", seed)):
        check_count(name, value)
    models = select_models(model)
    routed = split_params(models, parse_params(param))
    if draws < 0:
        raise InputError(
            f"--draws must be 0 or more, not {draws}", field="--draws", fix="e.g. --draws 1000."
        )
    if threshold and not draws:
        raise InputError(
            "--threshold needs --draws", field="--threshold", fix="add e.g. --draws 1000."
        )
    if draws:
        check_draw_options(sampler, workers)
    if explain_actor is not None and "eum" not in models and "smp" not in models:
        raise InputError(
            "it needs the expected-utility model or the SMP",
            field="--explain",
            fix="add --model eum or --model smp.",
        )
    if exchanges is not None and "exchange" not in models:
        raise InputError(
            "it needs the exchange model",
            field="--exchanges",
            fix="add --model exchange.",
        )
    check_output_paths([trajectory, exchanges, json_out], force=force, inputs=[file])
    scenario = load_for_models(file, format=format, scenario_id=scenario_id)
    tables = table_problems(scenario, file, models=models, partnership=False)
    if tables:
        raise InputError(tables)
    if explain_actor is not None and explain_actor not in scenario.actor_ids:
        raise InputError(
            f"unknown actor {explain_actor!r}",
            field="--explain",
            fix=f"use one of {', '.join(scenario.actor_ids)}.",
        )
    thresholds = parse_thresholds(threshold, scenario)
    with about_file(file):
        from detente.bargaining.api import check_memory_for

        for m in models:  # every model's size, before the first one runs
            check_memory_for(scenario, m, params=routed.get(m))
        results = run_models(scenario, models, routed, seed)
    console.print(_table(scenario, results))
    for name, f in results.items():
        if f.rounds or not f.converged:
            state = "converged" if f.converged else "[yellow]did not converge[/] (see the notes)"
            console.print(f"{get_model(name).label}: {f.rounds} rounds, {state}", markup=True)
        for note in f.notes:
            console.print(f"[yellow]note[/] ({escape(name)}): {escape(note)}", markup=True)
    if explain_actor is not None and "eum" in results:
        console.print(
            f"\n[bold]{escape(explain_actor)}[/] in the expected-utility model:", markup=True
        )
        for line in explain(results["eum"], explain_actor):
            console.print(line, markup=False)
    if explain_actor is not None and "smp" in results:
        console.print()
        console.print(explain_smp(results["smp"], explain_actor), markup=False)
    draw_doc = None
    if draws:
        console.print()
        with about_file(file):
            draw_doc = report_draws(
                scenario,
                models,
                routed,
                draws=draws,
                seed=0 if seed is None else seed,
                thresholds=thresholds,
                sampler=sampler,
                workers=workers,
            )
    if trajectory is not None:
        atomic_write_text(trajectory, trajectory_frame(scenario, results).to_csv(index=False))
        console.print(f"wrote {trajectory}")
    if exchanges is not None:
        table = results["exchange"].events
        assert table is not None
        atomic_write_text(exchanges, table.to_csv(index=False))
        console.print(f"wrote {exchanges}")
    if json_out is not None:
        atomic_write_text(json_out, forecast_json(scenario, results, draw_doc))
        console.print(f"wrote {json_out}")


def register(app: typer.Typer) -> None:
    """Add ``detente forecast`` to the CLI."""
    app.command("forecast")(_forecast_cmd)
