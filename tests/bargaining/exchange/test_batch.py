"""The exchange model in batches: by default every replicate is the point run's forecast.

A replicate that meets a knife-edge (a decision within the float error of its operands)
is run again with the decision settled in decide's arithmetic, as a point run settles it;
``arithmetic="float"`` keeps the float decisions, and can take another path.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining import BatchInputs, forecast, forecast_batch, scenario_arrays
from detente.scenario import ScenarioArrays, load_scenario
from support import REPO

R = 24


@pytest.fixture(scope="module")
def arrays() -> ScenarioArrays:
    return scenario_arrays(load_scenario(REPO / "examples" / "europe_turkey.toml"))


@pytest.fixture(scope="module")
def inputs(arrays: ScenarioArrays) -> BatchInputs:
    """Draws around the example, clipped at the scales' ends (round numbers: ties)."""
    rng = np.random.default_rng(7)
    n, k = arrays.positions.shape
    pos = np.clip(arrays.positions + rng.normal(0, 10, (R, n, k)), arrays.lower, arrays.upper)
    sal = np.clip(arrays.saliences + rng.normal(0, 10, (R, n, k)), 0, arrays.salience_max)
    cap = arrays.capabilities * rng.lognormal(0, 0.2, (R, n))
    return BatchInputs.from_arrays(arrays, positions=pos, saliences=sal, capabilities=cap)


def test_one_replicate_of_the_inputs_is_the_point_forecast(arrays: ScenarioArrays) -> None:
    point = forecast(arrays, "exchange")
    batch = forecast_batch(arrays, "exchange", BatchInputs.from_arrays(arrays))
    np.testing.assert_allclose(batch.outcome[0], point.outcome, rtol=0, atol=1e-9)


def test_default_batch_settles_knife_edges_as_point_runs_do(
    arrays: ScenarioArrays, inputs: BatchInputs
) -> None:
    auto = forecast_batch(arrays, "exchange", inputs)
    each = forecast_batch(arrays, "exchange", inputs, arithmetic="decimal")
    np.testing.assert_allclose(auto.outcome, each.outcome, rtol=0, atol=1e-9)
    np.testing.assert_allclose(auto.final_positions, each.final_positions, rtol=0, atol=1e-9)
    assert any("settled in decide's arithmetic" in note for note in auto.notes)


def test_float_alone_takes_another_path_on_these_draws(
    arrays: ScenarioArrays, inputs: BatchInputs
) -> None:
    """Why the default settles: in float the paths part by whole points on some draws."""
    auto = forecast_batch(arrays, "exchange", inputs)
    flt = forecast_batch(arrays, "exchange", inputs, arithmetic="float")
    gap = np.abs(auto.outcome - flt.outcome).max(axis=1)
    assert (gap > 0.1).any()
    assert any("decided in float" in note for note in flt.notes)


def test_batch_is_reproducible_and_independent_of_the_thread_split(
    arrays: ScenarioArrays,
) -> None:
    rng = np.random.default_rng(11)
    n, k = arrays.positions.shape
    r = 80  # two threads from 64 replicates on
    pos = np.clip(arrays.positions + rng.normal(0, 8, (r, n, k)), arrays.lower, arrays.upper)
    whole = BatchInputs.from_arrays(arrays, positions=pos)
    first = forecast_batch(arrays, "exchange", whole, seed=3)
    again = forecast_batch(arrays, "exchange", whole, seed=3)
    assert np.array_equal(first.outcome, again.outcome, equal_nan=True)
    part = BatchInputs.from_arrays(arrays, positions=pos[50:])
    tail = forecast_batch(arrays, "exchange", part, seed=3)
    assert np.array_equal(first.outcome[50:], tail.outcome, equal_nan=True)
