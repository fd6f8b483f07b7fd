"""Run the engines on a scenario and gather their results as plain objects.

This module calls the negotiation models (:mod:`detente.bargaining`), their Monte
Carlo sampler and the strategy lab (:mod:`detente.partnership`) for a report, a page
of the workbench or a script, and returns :mod:`detente.pipeline.results` objects.
A model that cannot run on the scenario (SMP with an actor of zero salience, say) is
recorded with its reason, never raised; a user's mistake that concerns the whole run
(a bad ``[partnership]`` table) raises :class:`~detente.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente import bargaining, partnership
from detente.bargaining import BatchInputs, sample_inputs
from detente.errors import InputError
from detente.pipeline.results import (
    NegotiationResults,
    OutcomeInfo,
    PrimQuestion,
    StrategyResults,
    swing_table,
)
from detente.scenario import Scenario
from detente.scenario.arrays import ScenarioArrays

__all__ = [
    "negotiation_steps",
    "run_negotiation",
    "run_strategy",
    "stance_swings",
]

Step = Callable[[str], None]


def stance_swings(
    scenario: Scenario,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Low and high positions of every stance with a stated uncertainty.

    A standard deviation gives ``position ± sd`` and a range gives its ends, both
    clipped to the issue's scale.

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)``, each ``(n_actors, n_issues)``, NaN where a stance has no
        uncertainty (or no stance).
    """
    a_idx = {a: n for n, a in enumerate(scenario.actor_ids)}
    i_idx = {i: n for n, i in enumerate(scenario.issue_ids)}
    low = np.full((len(a_idx), len(i_idx)), np.nan)
    high = np.full_like(low, np.nan)
    for st in scenario.stances:
        u = st.uncertainty
        if u is None:
            continue
        issue = scenario.issue(st.issue)
        if u.sd is not None:
            lo, hi = st.position - u.sd, st.position + u.sd
        else:
            assert u.low is not None and u.high is not None
            lo, hi = u.low, u.high
        lo = max(issue.scale.min, lo)
        hi = min(issue.scale.max, hi)
        if hi > lo:
            low[a_idx[st.actor], i_idx[st.issue]] = lo
            high[a_idx[st.actor], i_idx[st.issue]] = hi
    return low, high


def _swings(scenario: Scenario, model: str, arrays: ScenarioArrays, seed: int) -> pd.DataFrame:
    """One-at-a-time swings of one model, all stances in one batched call."""
    low, high = stance_swings(scenario)
    cells = np.argwhere(np.isfinite(low))
    n, k = low.shape
    if len(cells) == 0:
        return swing_table(scenario.issue_ids, scenario.actor_ids, model, low, high, low, high)
    r = 2 * len(cells)
    pos = np.broadcast_to(arrays.positions, (r, n, k)).copy()
    rows = np.arange(len(cells))
    pos[2 * rows, cells[:, 0], cells[:, 1]] = low[cells[:, 0], cells[:, 1]]
    pos[2 * rows + 1, cells[:, 0], cells[:, 1]] = high[cells[:, 0], cells[:, 1]]
    inputs = BatchInputs.from_arrays(arrays, positions=pos)
    out = bargaining.forecast_batch(arrays, model, inputs, seed=seed).outcome
    at_low = np.full_like(low, np.nan)
    at_high = np.full_like(low, np.nan)
    at_low[cells[:, 0], cells[:, 1]] = out[2 * rows, cells[:, 1]]
    at_high[cells[:, 0], cells[:, 1]] = out[2 * rows + 1, cells[:, 1]]
    return swing_table(scenario.issue_ids, scenario.actor_ids, model, low, high, at_low, at_high)


def negotiation_steps(draws: int) -> int:
    """How many progress steps :func:`run_negotiation` makes (for progress bars)."""
    n = len(list(bargaining.list_models()))
    return n * (2 if draws > 0 else 1)


def run_negotiation(
    scenario: Scenario,
    *,
    draws: int,
    seed: int,
    step: Step | None = None,
    before: Callable[[str], object] | None = None,
    last: Collection[str] = (),
) -> NegotiationResults:
    """Every registered model's forecast, swings and (if possible) draws.

    Parameters
    ----------
    scenario
        The scenario, capabilities resolved.
    draws
        Monte Carlo draws of the inputs (0: none).
    seed
        Seed for stochastic models and for the draws.
    step
        Called with a short label after each unit of work (for progress bars).
    before
        Called with a model's name before the model is first run (e.g.
        :meth:`detente.pipeline.warm.CompileAhead.wait`).
    last
        Models to run after all the others (e.g. those still being compiled
        elsewhere).  The results are the same, and in the registry's order, whatever
        the order of the work.
    """
    tick = step or (lambda _label: None)
    res = NegotiationResults()
    arrays = bargaining.scenario_arrays(scenario)
    models = list(bargaining.list_models())
    order = [m for m in models if m not in last] + [m for m in models if m in last]
    inputs = sample_inputs(scenario, draws, seed) if draws > 0 else None
    swings: dict[str, pd.DataFrame] = {}
    for model in order:
        spec = bargaining.get_model(model)
        res.labels[model] = spec.label
        if before is not None:
            before(model)
        try:
            res.forecasts[model] = bargaining.forecast(scenario, model, seed=seed)
        except InputError as err:
            res.failures[model] = str(err)
            tick(model)
            continue
        swings[model] = _swings(scenario, model, arrays, seed)
        tick(model)
        if inputs is not None:
            out = bargaining.forecast_batch(arrays, model, inputs, seed=seed)
            res.draws[model] = np.asarray(out.outcome, dtype=np.float64)
            tick(f"{model} draws")
    res.labels = {m: res.labels[m] for m in models}
    res.forecasts = {m: res.forecasts[m] for m in models if m in res.forecasts}
    res.draws = {m: res.draws[m] for m in models if m in res.draws}
    res.failures = {m: res.failures[m] for m in models if m in res.failures}
    if swings:
        res.swings = pd.concat(
            [swings[m] for m in models if m in swings], ignore_index=True
        ).assign(model=lambda d: d["model"].map(lambda m: res.labels.get(m, m)))
        res.swings_note = "Each model is run once per stance end (a batched call)."
    else:
        res.swings_note = "No stance states an uncertainty, so no sensitivity could be computed."
    if inputs is not None:
        res.draws_note = f"{draws:,} draws of the inputs' stated uncertainties."
    else:
        res.draws_note = "This run made no Monte Carlo draws (--draws 0)."
    return res


def _scores_frame(scores: list[Any], ranking: list[str]) -> pd.DataFrame:
    rows = []
    for s in scores:
        d = s.to_dict() if hasattr(s, "to_dict") else dict(s)
        pct = d.pop("percentiles", {}) or {}
        d.pop("extra", None)
        d.update({k: float(v) for k, v in pct.items()})
        d["rank"] = ranking.index(d["strategy"]) + 1 if d["strategy"] in ranking else None
        rows.append(d)
    df = pd.DataFrame(rows)
    if "rank" in df.columns:
        df = df.sort_values("rank", kind="stable").reset_index(drop=True)
        df.insert(0, "rank", df.pop("rank"))
    return df


def _prim_question(prim: Any, a: str, b: str, outcome: str) -> PrimQuestion:
    return PrimQuestion(
        a=a,
        b=b,
        outcome=outcome,
        n_points=int(prim.n_points),
        n_cases=int(prim.n_cases),
        boxes=[
            {
                "limits": dict(box.limits),
                "coverage": float(box.coverage),
                "density": float(box.density),
                "mass": float(box.mass),
            }
            for box in prim.boxes
        ],
    )


def run_strategy(
    scenario: Scenario,
    *,
    n_scenarios: int,
    seed: int,
    step: Step | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> StrategyResults:
    """Run the partnership strategy lab on the scenario's ``[partnership]`` table.

    ``step`` is called after the experiments and after the analysis; ``on_chunk``
    with the experiments done and their total after each chunk of futures (an
    exception it raises stops the run).

    Raises
    ------
    InputError
        If the ``[partnership]`` table is invalid.
    """
    tick = step or (lambda _label: None)
    if scenario.partnership is None:
        return StrategyResults(
            unavailable="This scenario has no [partnership] table, so the strategy lab "
            "(transactional deal vs long-term integration) does not apply to it."
        )
    if n_scenarios <= 0:
        return StrategyResults(unavailable="This run sampled no futures (--scenarios 0).")
    cfg = partnership.load_config(scenario.partnership)
    report = partnership.run_lab(
        cfg, n_scenarios=n_scenarios, seed=seed, progress=False, on_chunk=on_chunk
    )
    tick("lab")
    results = report.results
    model = results.model
    names = list(results.strategy_names)
    outcomes = {
        o.name: OutcomeInfo(o.name, o.description, float(o.sign))
        for o in model.outcomes
        if o.name != "breakdown_year"
    }
    matrices = {name: np.asarray(results.matrix(name), dtype=np.float64) for name in outcomes}
    prim = []
    if report.prim is not None and len(report.ranking) > 1:
        prim.append(_prim_question(report.prim, report.ranking[0], report.ranking[1], cfg.outcome))
    pair = ("integration", "transactional")
    if all(p in names for p in pair) and pair not in {(q.a, q.b) for q in prim}:
        extra = partnership.compare(results, pair[0], pair[1], cfg.outcome)
        prim.append(_prim_question(extra, pair[0], pair[1], cfg.outcome))
    tick("prim")
    sobol = {}
    for outcome, idx in report.sobol.items():
        sobol[outcome] = pd.DataFrame(idx.top(len(idx.names)))
    bounds: dict[str, tuple[float, float]] = {}
    units: dict[str, str] = {}
    model_units: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    specs = {s.name: s for s in partnership.UNCERTAINTIES}
    for u in model.uncertainties:
        lo, hi = u.bounds
        bounds[u.name] = (float(lo), float(hi))
        entry = cfg.uncertainties.get(u.name)
        spec = specs.get(u.name)
        units[u.name] = entry.unit if entry is not None and entry.unit else ""
        model_units[u.name] = spec.unit if spec is not None else ""
        descriptions[u.name] = (entry.source if entry is not None and entry.source else None) or (
            spec.source if spec is not None else ""
        )
    return StrategyResults(
        strategies=names,
        ranking=list(report.ranking),
        outcome=cfg.outcome,
        rank_by=cfg.rank_by,
        horizon=int(cfg.horizon),
        n_scenarios=int(results.design.n_scenarios),
        sampler=str(results.design.sampler),
        outcomes=outcomes,
        matrices=matrices,
        scores=_scores_frame(report.scores, list(report.ranking)),
        breakdown_by_year={k: list(v) for k, v in report.breakdown_by_year.items()},
        prim=prim,
        sobol=sobol,
        sobol_strategy=report.ranking[0] if report.ranking else "",
        bounds=bounds,
        descriptions=descriptions,
        units=units,
        model_units=model_units,
    )
