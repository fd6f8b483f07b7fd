"""The SMP batch parses its parameters once: each replicate is still its point forecast."""

from __future__ import annotations

import numpy as np

from detente.bargaining import BatchInputs, forecast, forecast_batch, resolve_params
from detente.bargaining.smp.model import SPEC, _params_of, run_arrays
from detente.scenario import ScenarioArrays


def _arrays() -> ScenarioArrays:
    rng = np.random.default_rng(3)
    n, k = 7, 2
    return ScenarioArrays(
        actor_ids=tuple(f"A{i}" for i in range(n)),
        issue_ids=("p", "q"),
        positions=rng.uniform(0, 100, (n, k)),
        saliences=rng.uniform(5, 45, (n, k)),
        capabilities=rng.uniform(1, 50, n),
        lower=np.zeros(k),
        upper=np.full(k, 100.0),
        status_quo=np.full(k, np.nan),
        has_stance=np.ones((n, k), dtype=bool),
    )


def test_run_arrays_with_parsed_params_is_the_same_run() -> None:
    arr = _arrays()
    values = resolve_params(SPEC, {"VotingRule": "Cubic"})
    a_run, a_notes, a_out = run_arrays(arr, values, None, record_turns=False)
    b_run, b_notes, b_out = run_arrays(
        arr, values, None, record_turns=False, params=_params_of(values)
    )
    assert np.array_equal(a_out, b_out) and a_notes == b_notes
    assert np.array_equal(a_run.positions, b_run.positions) and a_run.turns == b_run.turns


def test_batch_replicates_equal_point_forecasts_bit_for_bit() -> None:
    base = _arrays()
    rng = np.random.default_rng(9)
    pos = np.clip(base.positions[None] + rng.normal(0, 10, (4, *base.positions.shape)), 0, 100)
    draws = BatchInputs.from_arrays(base, positions=pos)
    batch = forecast_batch(base, "smp", draws, VotingRule="Cubic")
    for r in range(4):
        point = forecast(draws.replicate(r), "smp", VotingRule="Cubic")
        assert np.array_equal(batch.outcome[r], point.outcome)
        assert batch.rounds[r] == point.rounds
