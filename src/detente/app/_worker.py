"""The functions the workbench's jobs run, each in its own process.

Each takes a ``progress`` callback (:class:`detente.app.jobs.Progress`) and plain,
picklable arguments, calls the library (:mod:`detente.bargaining`,
:mod:`detente.pipeline`, :mod:`detente.report`) and returns plain results.  None of
them holds model logic; none of them touches a file outside the paths it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "StageProgress",
    "data_sections",
    "deals_run",
    "draw_intervals",
    "lab_run",
    "run_analyze",
    "sweep_curve",
    "vega_bundle",
    "warm_models",
]

ProgressFn = Callable[..., None]


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


def warm_models(
    progress: ProgressFn = _noop, *, models: Sequence[str] | None = None, lab: bool = True
) -> dict[str, str]:
    """Run every model once on :func:`detente.pipeline.warm.warm_scenario` (compiling, or
    loading, its code).

    Returns
    -------
    dict
        Model name -> ``"ready"`` or ``"failed: <reason>"``; ``lab`` for the strategy
        lab's kernel.
    """
    from detente import bargaining
    from detente.pipeline.warm import warm_model, warm_scenario

    s = warm_scenario()
    names = list(models) if models is not None else list(bargaining.list_models())
    status: dict[str, str] = {}
    for n, name in enumerate(names):
        # the label lists every model done so far (a watcher may miss a message)
        progress(n / (len(names) + 1), "done: " + ",".join(status))
        try:
            warm_model(name, s)
            status[name] = "ready"
        except Exception as err:  # reported on the page, never raised
            status[name] = f"failed: {type(err).__name__}: {err}"
    if lab:
        progress(len(names) / (len(names) + 1), "done: " + ",".join(status))
        try:
            from detente import partnership

            cfg = partnership.load_config(None)
            partnership.run_lab(
                cfg, n_scenarios=64, seed=0, progress=False, sobol_base=0, prim_points=0
            )
            status["lab"] = "ready"
        except Exception as err:
            status["lab"] = f"failed: {type(err).__name__}: {err}"
    progress(1.0, "done: " + ",".join(status))
    return status


def vega_bundle(progress: ProgressFn = _noop) -> str:
    """The Vega, Vega-Lite and Vega-Embed JavaScript, bundled offline by vl-convert."""
    from detente.report.html import vega_bundle as bundle

    progress(None, "bundling the chart library")
    return bundle()


def draw_intervals(
    progress: ProgressFn,
    *,
    scenario: Any,
    models: Sequence[str],
    draws: int,
    seed: int,
) -> dict[str, Any]:
    """Forecast intervals over ``draws`` draws of the scenario's stated uncertainties.

    Returns
    -------
    dict
        ``{"draws", "seed", "models": {model: [IssueSummary per issue]}, "failed":
        {model: reason}}``.
    """
    from detente.bargaining import forecast_draws, sample_inputs, summarize
    from detente.errors import InputError

    progress(0.0, "sampling the inputs")
    inputs = sample_inputs(scenario, draws, seed)
    out: dict[str, Any] = {"draws": draws, "seed": seed, "models": {}, "failed": {}}
    for n, model in enumerate(models):
        progress(n / len(models), model)
        try:
            res = forecast_draws(scenario, [model], inputs, seed=seed)
        except InputError as err:
            out["failed"][model] = str(err)
            continue
        out["models"][model] = summarize(res.outcomes[model], levels=(0.5, 0.9))
    progress(1.0, "done")
    return out


def sweep_curve(
    progress: ProgressFn,
    *,
    scenario: Any,
    actor: str,
    field: str,
    issue: str | None,
    values: Sequence[float],
    models: Sequence[str],
    seed: int,
) -> Any:
    """Every model's forecast at each value of one input (:func:`detente.bargaining.sweep`)."""
    from detente.bargaining import sweep

    progress(None, f"sweeping {actor} {field}")
    return sweep(
        scenario,
        actor=actor,
        field=field,
        issue=issue,
        values=list(values),
        models=models,
        seed=seed,
    )


def lab_run(progress: ProgressFn, *, scenario: Any, n_scenarios: int, seed: int) -> Any:
    """The strategy lab on the scenario's ``[partnership]`` table, as the report shows it.

    Returns
    -------
    tuple
        ``(StrategyResults, Section)``: the results and the report's strategy section.
    """
    from detente.pipeline import engines
    from detente.report.strategy import strategy_section

    progress(0.0, "sampling futures")

    def chunk(done: int, total: int) -> None:
        label = f"{done:,} of {total:,} experiments"
        if done >= total:
            label += "; PRIM boxes and Sobol indices"
        progress(0.8 * done / max(total, 1), label)

    steps = iter(("comparing the strategies", "charts"))

    def step(_label: str) -> None:
        progress(None, next(steps, "charts"))

    res = engines.run_strategy(
        scenario, n_scenarios=n_scenarios, seed=seed, step=step, on_chunk=chunk
    )
    progress(0.95, "charts")
    section = strategy_section(res)
    progress(1.0, "done")
    return res, section


def deals_run(
    progress: ProgressFn,
    *,
    scenario: Any,
    between: tuple[str, str] | None,
    draws: int,
    seed: int,
) -> Any:
    """The deal finder with its robust deals over ``draws`` draws (``detente deals``).

    ``between`` None: every pair of actors.

    Returns
    -------
    DealsResults
        :func:`detente.pipeline.deals.run_deals`'s results.
    """
    from detente.pipeline.deals import run_deals

    progress(0.0, "searching the deals")

    def on_draws(done: int, total: int) -> None:
        progress(0.05 + 0.9 * done / max(total, 1), f"{done:,} of {total:,} draws")

    res = run_deals(
        scenario,
        draws=draws,
        seed=seed,
        between=between,
        all_pairs=between is None,
        on_draws=on_draws,
    )
    progress(1.0, "done")
    return res


def data_sections(progress: ProgressFn, *, scenario: Any) -> list[Any]:
    """The report's data panels for the scenario: capabilities (the 2% chart,
    personnel...) and the claims check, each with its sources."""
    from detente.report import capabilities, claims

    progress(0.1, "reading the data")
    data = capabilities.load_data_layer()
    caps, _ = capabilities.capabilities_section(scenario, data)
    progress(0.8, "claims")
    checked, _ = claims.claims_section(scenario, data)
    progress(1.0, "done")
    return [caps, checked]


def run_analyze(
    progress: ProgressFn,
    *,
    scenario_file: str,
    out_dir: str,
    draws: int,
    scenarios: int,
    seed: int,
) -> dict[str, Any]:
    """``detente analyze`` on a scenario file, into a new run folder of the run store.

    Returns
    -------
    dict
        ``out_dir``, ``scenario_id``, ``timings``, ``panels`` (drawn of total).
    """
    from detente.report.analyze import STAGES, analyze

    result = analyze(
        Path(scenario_file),
        Path(out_dir),
        draws=draws,
        scenarios=scenarios,
        seed=seed,
        progress=StageProgress(progress, [key for key, _ in STAGES]),
    )
    live = sum(1 for _, _, status in result.panels if status == "live")
    return {
        "out_dir": str(result.out_dir),
        "scenario_id": result.scenario_id,
        "timings": dict(result.timings),
        "panels": f"{live} of {len(result.panels)}",
    }


class StageProgress:
    """Turns a staged run's events (:class:`detente.pipeline.progress.ProgressEvent`)
    into the job's ``progress(fraction, label)``: each stage an equal share."""

    def __init__(self, progress: ProgressFn, stages: Sequence[str]) -> None:
        self.progress = progress
        self.stages = list(stages)

    def __call__(self, event: Any) -> None:
        n = max(len(self.stages), 1)
        k = self.stages.index(event.stage) if event.stage in self.stages else 0
        done = event.completed / event.total if event.total else 0.0
        label = f"{event.label}: {event.step}" if event.step else event.label
        self.progress(min((k + done) / n, 1.0), label)
