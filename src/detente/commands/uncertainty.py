"""``detente sweep`` and ``detente sensitivity``, and the ``--draws`` part of ``detente forecast``.

* ``forecast FILE --draws N [--threshold ISSUE=VALUE ...]`` -- intervals of every
  model's forecast over ``N`` draws of the inputs (:func:`report_draws`);
* ``sweep FILE --actor A --field position|salience|capability [--issue I] --range
  0:100:5`` -- one forecast per value of one input;
* ``sensitivity FILE`` -- Sobol indices of every forecast over the stated uncertainties.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from detente.commands._common import (
    about_file,
    check_output_path,
    check_output_paths,
    console,
    load_for_models,
    parse_params,
)
from detente.commands._help import BARGAINING_MODELS
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.bargaining.draws import Threshold
    from detente.scenario import Scenario

__all__ = ["check_draw_options", "parse_thresholds", "register", "report_draws"]

#: From this many draws on, ``--workers 0`` (auto) uses every available core.
AUTO_PARALLEL_DRAWS = 4096


def _fmt(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.4g}"


def parse_thresholds(items: Sequence[str] | None, scenario: Scenario) -> list[Threshold]:
    """Parse every ``--threshold`` (see :func:`detente.bargaining.draws.parse_threshold`)."""
    from detente.bargaining.draws import parse_threshold

    return [parse_threshold(t, scenario) for t in items or ()]


def check_draw_options(sampler: str, workers: int) -> None:
    """Reject a bad ``--sampler`` or ``--workers`` before any model runs.

    Raises
    ------
    InputError
        For an unknown sampler or a negative number of workers.
    """
    from detente.explore.sampling import Sampler

    Sampler.parse(sampler, field="--sampler")
    if workers < 0:
        raise InputError(
            f"--workers must be 0 (auto) or more, not {workers}",
            field="--workers",
            fix="use --workers 2, or 0 to decide from the number of draws.",
        )


def report_draws(
    scenario: Scenario,
    models: Sequence[str],
    params: dict[str, dict[str, str]],
    *,
    draws: int,
    seed: int,
    thresholds: Sequence[Threshold] = (),
    sampler: str = "lhs",
    workers: int = 0,
) -> dict[str, Any]:
    """Run the models over ``draws`` draws of the inputs, print the intervals, return JSON.

    Returns
    -------
    dict
        ``{n, seed, sampler, workers, seconds, levels, models: {model: {issue: {median,
        intervals: {"50": [lo, hi], ...}, n}}}, thresholds: [...]}``.
    """
    from detente.bargaining import (
        forecast_draws,
        get_model,
        sample_inputs,
        summarize,
        uncertain_inputs,
    )
    from detente.bargaining.draws import DEFAULT_LEVELS, default_workers, exceedance

    check_draw_options(sampler, workers)
    n_workers = workers or (default_workers() if draws >= AUTO_PARALLEL_DRAWS else 1)
    t0 = time.perf_counter()
    inputs = sample_inputs(scenario, draws, seed, method=sampler)
    res = forecast_draws(scenario, models, inputs, seed=seed, params=params, workers=n_workers)
    seconds = time.perf_counter() - t0
    summaries = {m: summarize(res.outcomes[m]) for m in models}
    levels = DEFAULT_LEVELS
    table = Table(
        title=f"Forecast intervals over {draws:,} draws of the inputs ({sampler}, seed {seed})",
        title_justify="left",
    )
    table.add_column("issue", style="bold", no_wrap=True)
    table.add_column("model", no_wrap=True)
    table.add_column("median", justify="right")
    for lv in levels:
        table.add_column(f"{lv:.0%} interval", justify="right")
    for j, issue in enumerate(scenario.issue_ids):
        for m in models:
            s = summaries[m][j]
            cells = [issue if m == models[0] else "", get_model(m).label, _fmt(s.median)]
            cells += [f"{_fmt(s.intervals[lv][0])} - {_fmt(s.intervals[lv][1])}" for lv in levels]
            table.add_row(*cells)
    console.print(table)
    if thresholds:
        tt = Table(title="Probability of crossing each threshold", title_justify="left")
        tt.add_column("threshold", style="bold", no_wrap=True)
        tt.add_column("side chosen")
        for m in models:
            tt.add_column(get_model(m).label, justify="right")
        for th in thresholds:
            j = scenario.issue_ids.index(th.issue)
            probs = [exceedance(res.outcomes[m][:, j], th) for m in models]
            tt.add_row(th.label, th.why, *[_fmt(p) for p in probs])
        console.print(tt)
    varying = [u for u in uncertain_inputs(scenario) if u.varies]
    if not varying:
        console.print(
            "[yellow]note[/]: the scenario states no uncertainty (no stance or capability "
            "has an sd or a range), so every draw is the point scenario.",
            markup=True,
        )
    console.print(
        f"{draws:,} draws x {len(models)} models in {seconds:.1f} s "
        f"({n_workers} process{'es' if n_workers > 1 else ''})."
    )
    for m in models:
        for note in res.notes.get(m, ()):
            console.print(f"[yellow]note[/] ({escape(m)}, draws): {escape(note)}", markup=True)
    return {
        "n": int(draws),
        "seed": int(seed),
        "sampler": sampler,
        "workers": n_workers,
        "seconds": round(seconds, 3),
        "levels": list(levels),
        "models": {
            m: {
                issue: {
                    "median": summaries[m][j].median,
                    "intervals": {
                        f"{lv * 100:g}": list(summaries[m][j].intervals[lv]) for lv in levels
                    },
                    "n": summaries[m][j].n,
                }
                for j, issue in enumerate(scenario.issue_ids)
            }
            for m in models
        },
        "thresholds": [
            {
                "issue": th.issue,
                "value": th.value,
                "side": th.side,
                "label": th.label,
                "why": th.why,
                "probability": {
                    m: exceedance(res.outcomes[m][:, scenario.issue_ids.index(th.issue)], th)
                    for m in models
                },
            }
            for th in thresholds
        ],
    }


def _models(items: Sequence[str] | None) -> list[str]:
    from detente.commands._models import select_models

    return select_models(items)


def _routed(models: Sequence[str], items: Sequence[str] | None) -> dict[str, dict[str, str]]:
    from detente.commands._models import split_params

    return split_params(models, parse_params(items))


def _model_option() -> Any:
    return typer.Option(
        None,
        "--model",
        "-m",
        help="Model(s): " + "|".join([*BARGAINING_MODELS, "all"]) + " (repeat or comma-separate; "
        "default all).",
    )


def _param_option() -> Any:
    return typer.Option(
        None, "--param", "-p", help="Model parameter KEY=VALUE (or MODEL.KEY=VALUE); repeatable."
    )


def _sweep_cmd(
    file: Path = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, or DEU)."),
    actor: str = typer.Option(..., "--actor", help="Whose number moves."),
    field: str = typer.Option(..., "--field", help="position, salience or capability."),
    issue: str | None = typer.Option(
        None, "--issue", help="The issue (needed for position and salience)."
    ),
    range_: str = typer.Option(
        ..., "--range", help="START:STOP:STEP (both ends included) or a list A,B,C."
    ),
    model: list[str] = _model_option(),
    param: list[str] = _param_option(),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed for stochastic models."),
    csv: Path | None = typer.Option(
        None, "--csv", help="Write the sweep as CSV (value,model,issue,forecast)."
    ),
    format: str | None = typer.Option(
        None, "--format", help="Input format: toml, ktab-csv, ktab-xml, deu."
    ),
    scenario_id: str | None = typer.Option(
        None, "--scenario", help="For files holding several scenarios (DEU): the one to use."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
) -> None:
    """One forecast per value of one input (everything else at its point value)."""
    from detente._atomic import atomic_write_text
    from detente.bargaining import get_model, sweep
    from detente.bargaining.sweeps import parse_range
    from detente.limits import check_count

    check_count("--seed", seed)
    values = parse_range(range_)
    models = _models(model)
    routed = _routed(models, param)
    if csv is not None:
        check_output_path(csv, force=force, inputs=[file])
    scenario = load_for_models(file, format=format, scenario_id=scenario_id)
    with about_file(file):
        frame = sweep(
            scenario,
            actor=actor,
            field=field.strip().lower(),
            issue=issue,
            values=values,
            models=models,
            params=routed,
            seed=seed,
        )
    shown = frame if issue is None else frame[frame["issue"] == issue]
    what = f"{actor}'s {field}" + (f" on {issue}" if issue is not None else "")
    table = Table(title=f"Sweep of {what}: {scenario.name}", title_justify="left")
    table.add_column(field, justify="right", style="bold")
    if issue is None:
        table.add_column("issue", no_wrap=True)
    for m in models:
        table.add_column(get_model(m).label, justify="right")
    issues = [issue] if issue is not None else list(scenario.issue_ids)
    # the frame is ordered value, model, issue: one (models x issues) block per value
    block = shown["forecast"].to_numpy().reshape(len(values), len(models), len(issues))
    for v, value in enumerate(values):
        for j, iss in enumerate(issues):
            cells = [f"{value:g}"] + ([iss] if issue is None else [])
            cells += [_fmt(float(block[v, m, j])) for m in range(len(models))]
            table.add_row(*cells)
    console.print(table)
    if csv is not None:
        atomic_write_text(csv, frame.to_csv(index=False))
        console.print(f"wrote {csv}")


def _sensitivity_cmd(
    file: Path = typer.Argument(..., help="Scenario file (.toml, KTAB .csv/.xml, or DEU)."),
    samples: int = typer.Option(
        128, "--samples", help="Saltelli base sample N (a power of two); N*(d+2) runs per model."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the sample and the bootstrap."),
    model: list[str] = _model_option(),
    param: list[str] = _param_option(),
    top: int = typer.Option(5, "--top", help="Inputs shown per model and issue."),
    json_out: Path | None = typer.Option(
        None, "--json", help="Write every index (all inputs) as JSON."
    ),
    csv: Path | None = typer.Option(None, "--csv", help="Write every index as CSV."),
    format: str | None = typer.Option(
        None, "--format", help="Input format: toml, ktab-csv, ktab-xml, deu."
    ),
    scenario_id: str | None = typer.Option(
        None, "--scenario", help="For files holding several scenarios (DEU): the one to use."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
) -> None:
    """Sobol indices of every model's forecast of every issue over the stated uncertainties."""
    from detente._atomic import atomic_write_text
    from detente.bargaining import forecast_sobol, get_model
    from detente.limits import check_count

    check_count("--samples", samples, power_of_two=True)
    check_count("--seed", seed)
    check_count("--top", top)
    models = _models(model)
    routed = _routed(models, param)
    check_output_paths([json_out, csv], force=force, inputs=[file])
    scenario = load_for_models(file, format=format, scenario_id=scenario_id)
    t0 = time.perf_counter()
    with about_file(file):
        res = forecast_sobol(scenario, models=models, n_base=samples, seed=seed, params=routed)
    seconds = time.perf_counter() - t0
    table = Table(
        title=f"Sobol indices of the forecasts: {scenario.name} ({len(res.inputs)} uncertain "
        f"inputs, N = {samples}, {res.n_evaluations:,} runs per model, seed {seed})",
        title_justify="left",
    )
    for col in ("model", "issue", "input"):
        table.add_column(col, no_wrap=True)
    table.add_column("S1 (first order)", justify="right")
    table.add_column("ST (total)", justify="right")
    for (m, iss), grp in res.table.groupby(["model", "issue"], sort=False):
        for k, r in enumerate(grp.head(top).itertuples(index=False)):
            table.add_row(
                get_model(str(m)).label if k == 0 else "",
                str(iss) if k == 0 else "",
                str(r.input),
                f"{r.S1:.3f} ± {r.S1_conf:.3f}",
                f"{r.ST:.3f} ± {r.ST_conf:.3f}",
            )
    console.print(table)
    console.print(f"{seconds:.1f} s. ± : half-width of the 95% bootstrap confidence interval.")
    for note in res.notes:
        console.print(f"[yellow]note[/]: {escape(note)}", markup=True)
    if json_out is not None:
        atomic_write_text(json_out, json.dumps(res.to_dict(), indent=2, allow_nan=False) + "\n")
        console.print(f"wrote {json_out}")
    if csv is not None:
        atomic_write_text(csv, res.table.to_csv(index=False))
        console.print(f"wrote {csv}")


def register(app: typer.Typer) -> None:
    """Add ``detente sweep`` and ``detente sensitivity`` to the CLI."""
    app.command("sweep")(_sweep_cmd)
    app.command("sensitivity")(_sensitivity_cmd)
