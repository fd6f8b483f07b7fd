"""The compiled EUM kernel: its exp/log within one ulp, and agreement with the numpy core.

The kernel evaluates the powers ``b**r`` as ``exp(r log b)`` with its own vectorised
exp and log; these tests pin their accuracy against numpy's (correctly rounded to within
an ulp on this platform) and check that a batch run agrees with the numpy core round by
round where the trajectory is not decided by rounding noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

numba = pytest.importorskip("numba")

from detente.bargaining import BatchInputs, forecast_batch  # noqa: E402
from detente.bargaining._eum_numba import vexp, vlog  # noqa: E402
from detente.scenario import ScenarioArrays  # noqa: E402


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.view(np.int64) - b.view(np.int64))


def test_exp_within_one_ulp_over_its_range() -> None:
    rng = np.random.default_rng(3)
    y = np.concatenate(
        [
            rng.uniform(-708, 709, 200_000),
            rng.uniform(-8, 1, 200_000),
            rng.uniform(-1e-6, 1e-6, 10_000),
            [0.0, -0.0, 1.0, -1.0, 709.0, -708.0, np.log(0.5)],
        ]
    )
    out = np.empty_like(y)
    vexp(y, out, y.shape[0])
    assert _ulps(out, np.exp(y)).max() <= 1
    assert out[-7] == 1.0 and out[-6] == 1.0


def test_exp_underflows_to_zero_below_its_range() -> None:
    y = np.array([-708.5, -1e4, -np.inf])
    out = np.empty_like(y)
    vexp(y, out, y.shape[0])
    assert np.array_equal(out, np.zeros(3))


def test_log_within_one_ulp_and_zero_is_minus_infinity() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate(
        [
            rng.uniform(0.0, 1.0, 200_000),
            np.exp(rng.uniform(-700, 700, 100_000)),
            1.0 + rng.uniform(-1e-9, 1e-9, 10_000),
            [0.5, 1.0, 2.0, np.sqrt(2.0)],
        ]
    )
    x = x[x > 0]
    out = np.empty_like(x)
    vlog(x, out)
    # Below |log x| = 0.5 the result is small and what exp(r log b) needs is absolute
    # accuracy: within about one ulp of 1 (measured: up to 3 ulps of the result there).
    ref = np.log(x)
    large = np.abs(ref) >= 0.5
    assert _ulps(out[large], ref[large]).max() <= 1
    assert np.max(np.abs(out[~large] - ref[~large])) <= 2.3e-16
    assert out[-1 - 2] == 0.0  # log(1)
    zero = np.empty(1)
    vlog(np.zeros(1), zero)
    assert zero[0] == -np.inf


def _issue(n: int) -> ScenarioArrays:
    return ScenarioArrays(
        actor_ids=tuple(f"A{i}" for i in range(n)),
        issue_ids=("i",),
        positions=np.zeros((n, 1)),
        saliences=np.ones((n, 1)),
        capabilities=np.ones(n),
        lower=np.zeros(1),
        upper=np.full(1, 100.0),
        status_quo=np.full(1, np.nan),
        has_stance=np.ones((n, 1), dtype=bool),
        salience_max=1.0,
    )


@settings(max_examples=15, deadline=None)
@given(n=st.integers(3, 12), seed=st.integers(0, 2**32 - 1))
def test_first_round_agrees_with_the_numpy_core(n: int, seed: int) -> None:
    """One round on random issues: both backends to rounding (the numpy core is the reference)."""
    rng = np.random.default_rng(seed)
    base = _issue(n)
    inputs = BatchInputs.from_arrays(
        base,
        positions=rng.uniform(0, 100, (8, n, 1)),
        saliences=rng.uniform(0.1, 1.0, (8, n, 1)),
        capabilities=rng.uniform(0.1, 1.0, (8, n)),
    )
    runs = {
        b: forecast_batch(base, "eum", inputs, max_rounds=1, backend=b) for b in ("numpy", "numba")
    }
    a, b = runs["numpy"], runs["numba"]
    assert np.array_equal(a.rounds, b.rounds)
    np.testing.assert_allclose(b.outcome, a.outcome, rtol=0, atol=1e-9)
