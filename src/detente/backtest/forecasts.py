"""Every model's forecast of every decided issue: the baselines and the bargaining models.

Baselines (their MAEs on the DEU III development split are stated in
``shared/data/deu3/PROVENANCE.md`` and pinned by the tests):

====================================  ==========================================
name                                  forecast
====================================  ==========================================
``mean_capability_salience``          Σ c·s·x / Σ c·s (Achen's compromise model)
``mean_salience``                     Σ s·x / Σ s
``mean_unweighted``                   the plain mean of the positions
``median``                            weighted median, weights c·s
``median_salience``                   weighted median, weights s (not in the
                                      default table)
``constant_50``                       the middle of the scale
``reference_point``                   the reference point (where present)
====================================  ==========================================

The weighted means and medians are :mod:`detente.bargaining.mean` and
:mod:`detente.bargaining.median` with the corresponding ``weights``.  detente's median
is the smallest position whose cumulative weight (positions sorted) reaches half the
total, and the midpoint of the two middle positions when the weights split exactly in
half -- the definition PROVENANCE.md states, so the baseline reproduces its figures.

The bargaining models ``nbs``, ``eum`` and ``smp`` run with their default parameters
(EUM on its numpy core, the implementation pinned to the reference programs: the
back-test runs one issue at a time, where the compiled kernel brings nothing but its
compilation time on first use).
The Nash bargaining solution needs the reference point as its disagreement point, so
it has no forecast on issues without one.  Every model sees the actors with a position
and a positive salience (:mod:`detente.backtest.cases`).

The exchange model (``exchange``, :mod:`detente.bargaining.exchange`) trades positions
*across* issues, so it runs on each proposal's issues together (:data:`JOINT`): one
scenario per proposal, the union of the actors that take part on any of its issues,
each issue's own actors and scales; its forecast of an issue is that issue's outcome
after the model's 10 rounds.  A proposal with a single issue has no exchange to make,
so there it gives the capability x salience weighted mean.  It is not in the default
table (:data:`DEFAULT_MODELS`, whose every model has its figures in the shipped
``measured_accuracy.json``): ``detente backtest -m exchange`` scores it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from detente.backtest.cases import DecisionCase
from detente.bargaining import forecast_batch, get_model, resolve_params
from detente.errors import InputError
from detente.scenario import ScenarioArrays

__all__ = [
    "BARGAINING",
    "BASELINES",
    "COMPUTATION_PARAMS",
    "DEFAULT_MODELS",
    "JOINT",
    "MODEL_SPECS",
    "backtest_name",
    "case_forecasts",
]

Forecaster = Callable[[DecisionCase], float]
JointForecaster = Callable[[Sequence[DecisionCase]], list[float]]


def _model(name: str, **params: Any) -> Forecaster:
    def run(case: DecisionCase) -> float:
        if case.n_actors == 0:
            return math.nan
        return float(forecast_batch(case.arrays, name, None, seed=None, **params).outcome[0, 0])

    run.__name__ = name
    return run


#: Back-test name -> (registry model, parameters) of every model the back-test runs
#: through :mod:`detente.bargaining`.  EUM runs on its numpy core, one issue at a time:
#: the implementation pinned to the reference programs, with no compilation on first
#: use (the compiled kernel pays off on large batches); the backend changes how, not
#: what, it computes.
MODEL_SPECS: dict[str, tuple[str, dict[str, Any]]] = {
    "mean_capability_salience": ("mean", {"weights": "capability_salience"}),
    "mean_salience": ("mean", {"weights": "salience"}),
    "mean_unweighted": ("mean", {"weights": "equal"}),
    "median": ("median", {"weights": "capability_salience"}),
    "median_salience": ("median", {"weights": "salience"}),
    "nbs": ("nbs", {}),
    "eum": ("eum", {"backend": "numpy"}),
    "smp": ("smp", {}),
}

#: Parameters that change how a model computes, not what it forecasts.
COMPUTATION_PARAMS: frozenset[str] = frozenset({"backend", "keep_trajectory"})

_BASELINE_MODELS = ("mean", "median")

BASELINES: dict[str, Forecaster] = {
    **{
        name: _model(model, **params)
        for name, (model, params) in MODEL_SPECS.items()
        if model in _BASELINE_MODELS
    },
    "constant_50": lambda c: 0.5 * (c.lower + c.upper),
    "reference_point": lambda c: c.reference_point,
}

BARGAINING: dict[str, Forecaster] = {
    name: _model(model, **params)
    for name, (model, params) in MODEL_SPECS.items()
    if model not in _BASELINE_MODELS
}


def _proposal_arrays(cases: Sequence[DecisionCase]) -> ScenarioArrays:
    """One proposal's issues as one scenario (the actors of any of its issues, in the
    order they first appear; each issue's own scale)."""
    ids: list[str] = []
    for c in cases:
        ids.extend(a for a in c.arrays.actor_ids if a not in ids)
    row = {a: i for i, a in enumerate(ids)}
    n, k = len(ids), len(cases)
    pos = np.full((n, k), np.nan)
    sal = np.zeros((n, k))
    has = np.zeros((n, k), dtype=bool)
    cap = np.zeros(n)
    for j, c in enumerate(cases):
        arr = c.arrays
        for i, a in enumerate(arr.actor_ids):
            r = row[a]
            pos[r, j] = arr.positions[i, 0]
            sal[r, j] = arr.saliences[i, 0]
            has[r, j] = arr.has_stance[i, 0]
            cap[r] = arr.capabilities[i]
    first = cases[0].arrays
    return ScenarioArrays(
        actor_ids=tuple(ids),
        issue_ids=tuple(c.issue for c in cases),
        positions=pos,
        saliences=sal,
        capabilities=cap,
        lower=np.array([c.arrays.lower[0] for c in cases]),
        upper=np.array([c.arrays.upper[0] for c in cases]),
        status_quo=np.array([c.arrays.status_quo[0] for c in cases]),
        has_stance=has,
        salience_max=first.salience_max,
    )


def _exchange(cases: Sequence[DecisionCase]) -> list[float]:
    """The exchange model on one proposal's issues together."""
    live = [c for c in cases if c.n_actors > 0]
    out = {c.issue: math.nan for c in cases}
    if live:
        fc = forecast_batch(_proposal_arrays(live), "exchange", None, seed=None)
        out.update({c.issue: float(v) for c, v in zip(live, fc.outcome[0], strict=True)})
    return [out[c.issue] for c in cases]


#: Models that forecast all issues of a proposal at once (``cases`` -> one forecast each).
JOINT: dict[str, JointForecaster] = {"exchange": _exchange}


def backtest_name(model: str, params: Mapping[str, Any] | None = None) -> str | None:
    """The back-test model that is registry ``model`` run with ``params``.

    Parameters
    ----------
    model
        A registry model name (``mean``, ``smp``...).
    params
        Its parameters (e.g. :attr:`detente.bargaining.Forecast.params`); missing ones
        take the model's defaults.  Parameters of :data:`COMPUTATION_PARAMS` are
        ignored.

    Returns
    -------
    str or None
        E.g. ``"mean_capability_salience"`` for ``("mean", {})``; None when the
        back-test does not run that model with those parameters (or the parameters
        are not valid for it).
    """
    key = model.strip().lower()
    try:
        spec = get_model(key)
        given = resolve_params(spec, params or {})
    except InputError:
        return None
    for name, (m, p) in MODEL_SPECS.items():
        if m != key:
            continue
        ours = resolve_params(spec, p)
        if all(ours[k] == given[k] for k in ours if k not in COMPUTATION_PARAMS):
            return name
    return None


#: The models of the back-test table, in order (the ensemble comes on top of these).
DEFAULT_MODELS: tuple[str, ...] = (
    "mean_capability_salience",
    "mean_salience",
    "mean_unweighted",
    "median",
    "constant_50",
    "reference_point",
    "nbs",
    "eum",
    "smp",
)


def case_forecasts(
    cases: Sequence[DecisionCase], models: Sequence[str] = DEFAULT_MODELS
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Each model's forecast of each case.

    Parameters
    ----------
    cases
        The decided issues.
    models
        Names from :data:`BASELINES` and :data:`BARGAINING`.

    Returns
    -------
    forecasts
        One row per case (index: issue code), one column per model; NaN where a model
        gives no forecast.
    failures
        Model -> the issues on which it raised an input error (its forecast there is
        NaN), with the reason.

    Raises
    ------
    InputError
        For an unknown model name.
    """
    table = {**BASELINES, **BARGAINING}
    unknown = [m for m in models if m not in table and m not in JOINT]
    if unknown:
        raise InputError(
            f"unknown back-test model(s) {unknown}",
            field="models",
            fix=f"use {', '.join([*table, *JOINT])}.",
        )
    out = np.full((len(cases), len(models)), np.nan)
    failures: dict[str, list[str]] = {}
    for j, m in enumerate(models):
        if m in JOINT:
            groups: dict[str, list[int]] = {}
            for i, case in enumerate(cases):
                groups.setdefault(case.proposal, []).append(i)
            for prop, idx in groups.items():
                try:
                    out[idx, j] = JOINT[m]([cases[i] for i in idx])
                except InputError as err:
                    failures.setdefault(m, []).append(f"{prop}: {err}")
            continue
        fn = table[m]
        for i, case in enumerate(cases):
            try:
                out[i, j] = fn(case)
            except InputError as err:
                failures.setdefault(m, []).append(f"{case.issue}: {err}")
    index = pd.Index([c.issue for c in cases], name="issue")
    return pd.DataFrame(out, index=index, columns=list(models)), failures
