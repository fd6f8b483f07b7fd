"""Entry points: :func:`forecast` (one scenario) and :func:`forecast_batch` (R variants)."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    Forecast,
    SeedLike,
    check_model_memory,
    get_model,
    resolve_params,
    seed_value,
)
from detente.errors import InputError
from detente.scenario.arrays import ScenarioArrays, to_arrays
from detente.scenario.model import Scenario

__all__ = ["check_memory_for", "forecast", "forecast_batch", "scenario_arrays"]


def _resolve(scenario: Scenario) -> Scenario:
    """Resolve data-reference capabilities when the data layer is available."""
    if not scenario.unresolved_actors:
        return scenario
    try:
        data = importlib.import_module("detente.data")
    except ImportError:  # the data layer is not installed: to_arrays reports it
        return scenario
    resolver = getattr(data, "resolve_capabilities", None)
    if resolver is None:
        return scenario
    resolved = resolver(scenario)
    assert isinstance(resolved, Scenario)
    return resolved


def scenario_arrays(scenario: Scenario | ScenarioArrays) -> ScenarioArrays:
    """The numeric view of a scenario, resolving data capabilities first.

    Raises
    ------
    ScenarioError
        If a capability is a data reference that cannot be resolved.
    """
    if isinstance(scenario, ScenarioArrays):
        return scenario
    return to_arrays(_resolve(scenario))


def _scenario_defaults(scenario: Scenario | ScenarioArrays, name: str) -> Mapping[str, Any]:
    if isinstance(scenario, Scenario):
        hook = get_model(name).scenario_params
        extra = dict(hook(scenario)) if hook is not None else {}
        for key, value in scenario.models.items():
            if key.strip().lower() == name:
                return {**extra, **value}
        return extra
    return {}


def forecast(
    scenario: Scenario | ScenarioArrays,
    model: str,
    *,
    seed: SeedLike = None,
    **params: Any,
) -> Forecast:
    """Forecast the outcome of a scenario with one model.

    Parameters
    ----------
    scenario
        A :class:`~detente.scenario.Scenario` (data capabilities are resolved) or
        its :class:`~detente.scenario.ScenarioArrays`.
    model
        A registered model name: see :func:`detente.bargaining.list_models`.
    seed
        Seed or generator for stochastic models (recorded in the result).
    **params
        Model parameters; they override ``scenario.models[model]``, which override
        the model's defaults.  Strings are coerced to the parameter's type.

    Returns
    -------
    Forecast

    Raises
    ------
    InputError
        For an unknown model or parameter, a bad parameter value, or a scenario that
        cannot be turned into arrays.
    """
    spec = get_model(model)
    values = resolve_params(spec, params, scenario_defaults=_scenario_defaults(scenario, spec.name))
    arrays = scenario_arrays(scenario)
    check_model_memory(spec, arrays.n_actors, arrays.n_issues, 0, values)
    result = spec.point_fn(arrays, values, seed)
    scenario_id = scenario.id if isinstance(scenario, Scenario) else "arrays"
    return dataclasses.replace(
        result, scenario_id=scenario_id, params=dict(values), seed=seed_value(seed)
    )


def forecast_batch(
    scenario_or_arrays: Scenario | ScenarioArrays,
    model: str,
    draws: BatchInputs | None = None,
    *,
    seed: SeedLike = None,
    **params: Any,
) -> BatchForecast:
    """Forecast ``R`` variants of one scenario in one vectorised call.

    Parameters
    ----------
    scenario_or_arrays
        The scenario (its ``models`` table gives parameter defaults) or its arrays.
    model
        A registered model name.
    draws
        The ``R`` variants (positions, saliences, capabilities).  ``None`` runs the
        point values once (``R = 1``).
    seed
        Seed or generator for stochastic models.
    **params
        Model parameters, as for :func:`forecast`.

    Returns
    -------
    BatchForecast
        Replicate ``r`` equals ``forecast`` on replicate ``r`` of ``draws``.

    Raises
    ------
    InputError
        For an unknown model or parameter, or draws that do not fit the scenario.
    """
    spec = get_model(model)
    values = resolve_params(
        spec, params, scenario_defaults=_scenario_defaults(scenario_or_arrays, spec.name)
    )
    arrays = scenario_arrays(scenario_or_arrays)
    inputs = BatchInputs.from_arrays(arrays) if draws is None else draws
    if inputs.actor_ids != arrays.actor_ids or inputs.issue_ids != arrays.issue_ids:
        raise InputError(
            "the draws' actors or issues differ from the scenario's",
            field="draws",
            fix="build the draws with BatchInputs.from_arrays(scenario arrays, ...).",
        )
    if not np.isfinite(inputs.capabilities).all() or (inputs.capabilities < 0).any():
        raise InputError(
            "capability draws must be finite and non-negative",
            field="draws.capabilities",
            fix="clip the capability draws at 0.",
        )
    check_model_memory(spec, inputs.n_actors, inputs.n_issues, inputs.n_replicates, values)
    result = spec.batch_fn(inputs, values, seed)
    return dataclasses.replace(result, params=dict(values), seed=seed_value(seed))


def check_memory_for(
    scenario: Scenario | ScenarioArrays,
    model: str,
    *,
    replicates: int = 0,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Check, without running anything, that a forecast fits the memory limit.

    Commands that run several models call it for each before the first starts, so
    that a scenario too big for one model is refused before any work is done.

    Parameters
    ----------
    scenario
        The scenario (or its arrays).
    model
        A registered model name.
    replicates
        Draws of a batch run; 0 for a point forecast.
    params
        Model parameters, as for :func:`forecast`.

    Raises
    ------
    InputError
        As :func:`detente.bargaining.base.check_model_memory`, or for a bad parameter.
    """
    spec = get_model(model)
    values = resolve_params(spec, params, scenario_defaults=_scenario_defaults(scenario, spec.name))
    if isinstance(scenario, ScenarioArrays):
        n, k = scenario.n_actors, scenario.n_issues
    else:
        n, k = len(scenario.actors), len(scenario.issues)
    check_model_memory(spec, n, k, replicates, values)
