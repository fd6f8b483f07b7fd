"""Global sensitivity of the forecasts: Sobol indices over a scenario's uncertain inputs.

Every model's forecast of every issue is an outcome; every uncertain input the scenario
states (:func:`~detente.bargaining.uncertainty.uncertain_inputs`) is a factor.  The
scenario becomes a :class:`detente.explore.Model` whose function runs the models,
batched, on a block of input values, and :func:`detente.explore.sobol_indices` computes
the indices with SALib (Saltelli's sample, Sobol 2001 first-order index ``S1``, total
index ``ST``, bootstrap confidence intervals).  The model runs ``n_base * (d + 2)``
times for ``d`` varying inputs.

A (model, issue) pair whose point forecast is undefined (e.g. the Nash bargaining
solution on an issue without a status quo) is left out, with a note.

References
----------
Sobol, I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
their Monte Carlo estimates. *Mathematics and Computers in Simulation*, 55, 271-280.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010).
Variance based sensitivity analysis of model output. *Computer Physics
Communications*, 181(2), 259-270.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining.api import forecast, forecast_batch, scenario_arrays
from detente.bargaining.base import get_model
from detente.bargaining.uncertainty import (
    UncertainInput,
    batch_from_values,
    resolved,
    uncertain_inputs,
)
from detente.errors import InputError
from detente.limits import check_memory
from detente.scenario.arrays import ScenarioArrays
from detente.scenario.model import Scenario

__all__ = ["ForecastSensitivity", "forecast_sobol"]

FloatArray = NDArray[np.float64]


def _outcome_name(model: str, issue: str) -> str:
    return f"{model}|{issue}"


class _ForecastFunction:
    """``f(inputs, rng) -> {model|issue: forecasts}`` for :class:`detente.explore.Model`."""

    def __init__(
        self,
        scenario: Scenario,
        arrays: ScenarioArrays,
        inputs: Sequence[UncertainInput],
        pairs: Sequence[tuple[str, int]],
        params: Mapping[str, Mapping[str, Any]],
    ) -> None:
        self.scenario = scenario
        self.arrays = arrays
        self.inputs = list(inputs)
        self.pairs = list(pairs)
        self.params = {k: dict(v) for k, v in params.items()}

    def __call__(
        self, values: Mapping[str, NDArray[Any]], rng: np.random.Generator
    ) -> dict[str, FloatArray]:
        cols = [
            np.clip(np.asarray(values[u.name], dtype=np.float64), u.lower, u.upper)
            for u in self.inputs
        ]
        batch = batch_from_values(self.arrays, self.inputs, np.column_stack(cols))
        out: dict[str, FloatArray] = {}
        for model in dict.fromkeys(m for m, _ in self.pairs):
            spec = get_model(model)
            seed = rng if spec.stochastic else None
            res = forecast_batch(
                self.scenario, model, batch, seed=seed, **self.params.get(model, {})
            )
            for m, j in self.pairs:
                if m == model:
                    name = _outcome_name(model, self.arrays.issue_ids[j])
                    out[name] = np.asarray(res.outcome[:, j], dtype=np.float64)
        return out


@dataclass(frozen=True)
class ForecastSensitivity:
    """Sobol indices of every (model, issue) forecast.

    Attributes
    ----------
    table
        One row per model, issue and input: ``model, issue, input, S1, S1_conf, ST,
        ST_conf`` (inputs ordered by total index within each model and issue).
    inputs
        The varying inputs, in sampling order.
    n_base, n_evaluations
        Saltelli base sample size and model runs per model.
    seed
        The seed of the sample, the noise streams and the bootstrap.
    notes
        (model, issue) pairs left out, and why.
    """

    table: pd.DataFrame
    inputs: tuple[UncertainInput, ...]
    n_base: int
    n_evaluations: int
    seed: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{n_base, n_evaluations, seed, inputs, notes, indices}``."""

        def num(v: Any) -> float | None:
            f = float(v)
            return f if math.isfinite(f) else None

        return {
            "n_base": self.n_base,
            "n_evaluations": self.n_evaluations,
            "seed": self.seed,
            "inputs": [
                {"name": u.name, "kind": u.kind, "stated": u.stated, "point": u.point}
                for u in self.inputs
            ],
            "notes": list(self.notes),
            "indices": [
                {
                    "model": r.model,
                    "issue": r.issue,
                    "input": r.input,
                    "S1": num(r.S1),
                    "S1_conf": num(r.S1_conf),
                    "ST": num(r.ST),
                    "ST_conf": num(r.ST_conf),
                }
                for r in self.table.itertuples(index=False)
            ],
        }


def forecast_sobol(
    scenario: Scenario,
    *,
    models: Sequence[str] = ("mean", "median", "nbs", "eum", "smp"),
    n_base: int = 128,
    seed: int = 0,
    width: float = 1.0,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    num_resamples: int = 100,
) -> ForecastSensitivity:
    """Sobol indices of each model's forecast of each issue w.r.t. every uncertain input.

    Parameters
    ----------
    scenario
        The scenario; its stated uncertainties are the factors.
    models
        Registered model names.
    n_base
        Saltelli base sample size (a power of two).
    seed
        Seed of the sample, of stochastic models' streams and of the bootstrap.
    width
        Multiplier of every stated uncertainty (see :mod:`detente.bargaining.uncertainty`).
    params
        Model name -> parameters.
    num_resamples
        Bootstrap resamples for the confidence intervals.

    Returns
    -------
    ForecastSensitivity

    Raises
    ------
    InputError
        If the scenario states no uncertainty that varies, ``n_base`` is not a power of
        two, or a model or parameter is unknown.
    """
    from detente.explore.model import Model
    from detente.explore.parameters import Outcome, Strategy
    from detente.explore.sensitivity import sobol_indices

    scenario = resolved(scenario)
    arrays = scenario_arrays(scenario)
    inputs = [u for u in uncertain_inputs(scenario, width=width, arrays=arrays) if u.varies]
    if not inputs:
        raise InputError(
            "the scenario states no uncertainty, so there is nothing to attribute the "
            "forecasts' variance to",
            field="uncertainty",
            fix="give stances an uncertainty (e.g. uncertainty = { sd = 10 }) or actors a "
            "capability_uncertainty.",
        )
    if isinstance(seed, bool) or seed < 0:
        raise InputError(
            f"the seed must be a non-negative integer, not {seed!r}",
            field="--seed",
            fix="use e.g. --seed 1.",
        )
    names = [get_model(m).name for m in models]
    prm = {get_model(k).name: dict(v) for k, v in (params or {}).items()}
    d = len(inputs)
    if isinstance(n_base, int) and n_base > 0:
        # Saltelli's sample is N (d + 2) points of d inputs; the model runs on each
        check_memory(
            8.0 * n_base * (d + 2) * (d + 4 * arrays.n_actors * arrays.n_issues) + 2**20,
            what="the Sobol analysis",
            size=f"N = {n_base:,} x {d + 2:,} blocks of {d:,} uncertain inputs",
            fix="use a smaller --samples, or state fewer uncertainties.",
            field="--samples",
        )
    pairs: list[tuple[str, int]] = []
    notes: list[str] = []
    for m in names:
        point = forecast(scenario, m, seed=seed, **prm.get(m, {})).outcome
        for j, issue in enumerate(arrays.issue_ids):
            if math.isfinite(float(point[j])):
                pairs.append((m, j))
            else:
                notes.append(f"{m} gives no forecast of {issue!r}; left out")
    if not pairs:
        raise InputError(
            "no chosen model gives a forecast of any issue", field="--model", fix="add models."
        )
    function = _ForecastFunction(scenario, arrays, inputs, pairs, prm)
    outcomes = tuple(Outcome(_outcome_name(m, arrays.issue_ids[j])) for m, j in pairs)
    model = Model(
        name=scenario.id,
        function=function,
        uncertainties=tuple(u.parameter for u in inputs),
        outcomes=outcomes,
    )
    try:
        result = sobol_indices(
            model,
            Strategy("point"),
            [o.name for o in outcomes],
            n_base=n_base,
            seed=seed,
            num_resamples=num_resamples,
        )
    except ValueError as err:
        raise InputError(
            f"a forecast is undefined for some draws of the inputs ({err})",
            field="uncertainty",
            fix="narrow the uncertainties that can make a model's weights vanish, or "
            "leave that model out with --model.",
        ) from None
    rows = []
    n_eval = 0
    for m, j in pairs:
        idx = result[_outcome_name(m, arrays.issue_ids[j])]
        n_eval = idx.n_evaluations
        for entry in idx.top(len(idx.names)):
            rows.append({"model": m, "issue": arrays.issue_ids[j], **entry})
    table = pd.DataFrame(
        rows, columns=["model", "issue", "input", "S1", "S1_conf", "ST", "ST_conf"]
    )
    return ForecastSensitivity(table, tuple(inputs), n_base, n_eval, seed, tuple(notes))
