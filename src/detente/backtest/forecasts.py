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

__all__ = [
    "BARGAINING",
    "BASELINES",
    "COMPUTATION_PARAMS",
    "DEFAULT_MODELS",
    "MODEL_SPECS",
    "backtest_name",
    "case_forecasts",
]

Forecaster = Callable[[DecisionCase], float]


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
    unknown = [m for m in models if m not in table]
    if unknown:
        raise InputError(
            f"unknown back-test model(s) {unknown}",
            field="models",
            fix=f"use {', '.join(table)}.",
        )
    out = np.full((len(cases), len(models)), np.nan)
    failures: dict[str, list[str]] = {}
    for j, m in enumerate(models):
        fn = table[m]
        for i, case in enumerate(cases):
            try:
                out[i, j] = fn(case)
            except InputError as err:
                failures.setdefault(m, []).append(f"{case.issue}: {err}")
    index = pd.Index([c.issue for c in cases], name="issue")
    return pd.DataFrame(out, index=index, columns=list(models)), failures
