"""The compiled EUM kernel: its exp/log within one ulp, and agreement with the numpy core.

The kernel evaluates the powers ``b**r`` as ``exp(r log b)`` with its own vectorised
exp and log; these tests pin their accuracy against numpy's (correctly rounded to within
an ulp on this platform), check its O(n^2) probability tables against the direct sum
over voters, and check that a batch run agrees with the numpy core round by round where
the trajectory is not decided by rounding noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

numba = pytest.importorskip("numba")

from detente.bargaining import BatchInputs, forecast_batch  # noqa: E402
from detente.bargaining._eum_numba import (  # noqa: E402
    EXP_POLY,
    LOG_POLY,
    _best,
    _table,
    vexp,
    vlog,
)
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


def _with_positions(
    base: ScenarioArrays, rng: np.random.Generator, positions: np.ndarray
) -> BatchInputs:
    """Replicates of ``base`` with these ``(R, n, 1)`` positions and random weights."""
    r, n = positions.shape[:2]
    return BatchInputs.from_arrays(
        base,
        positions=positions,
        saliences=rng.uniform(0.1, 1.0, (r, n, 1)),
        capabilities=rng.uniform(0.1, 1.0, (r, n)),
    )


@settings(max_examples=15, deadline=None)
@given(n=st.integers(3, 12), seed=st.integers(0, 2**32 - 1))
def test_first_round_agrees_with_the_numpy_core(n: int, seed: int) -> None:
    """One round on random issues: both backends to rounding (the numpy core is the reference)."""
    rng = np.random.default_rng(seed)
    base = _issue(n)
    inputs = _with_positions(base, rng, rng.uniform(0, 100, (8, n, 1)))
    runs = {
        b: forecast_batch(base, "eum", inputs, max_rounds=1, backend=b) for b in ("numpy", "numba")
    }
    a, b = runs["numpy"], runs["numba"]
    assert np.array_equal(a.rounds, b.rounds)
    np.testing.assert_allclose(b.outcome, a.outcome, rtol=0, atol=1e-9)


@pytest.mark.parametrize("options", [{}, {"probability": "pair"}, {"capitulation": "paper"}])
@settings(max_examples=10, deadline=None)
@given(n=st.integers(3, 10), seed=st.integers(0, 2**32 - 1))
def test_first_round_agrees_with_ties_and_other_options(
    options: dict[str, str], n: int, seed: int
) -> None:
    """Whole-number positions put actors on the same spot and voters on midpoints."""
    rng = np.random.default_rng(seed)
    base = _issue(n)
    inputs = _with_positions(base, rng, rng.integers(0, 6, (8, n, 1)).astype(float) * 20.0)
    runs = {
        b: forecast_batch(base, "eum", inputs, max_rounds=1, backend=b, **options)
        for b in ("numpy", "numba")
    }
    a, b = runs["numpy"], runs["numba"]
    assert np.array_equal(a.rounds, b.rounds)
    np.testing.assert_allclose(b.outcome, a.outcome, rtol=0, atol=1e-9)


def _direct_numerators(x: np.ndarray, w: np.ndarray, u: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``N[i, j]``: the sum over voters strictly closer to ``u_i`` of ``w_t (d_tj - d_ti)``."""
    gap = np.abs(x[:, None] - u[None, :])  # gap[t, i] = |x_t - u_i|
    closer = gap[:, :, None] < gap[:, None, :]  # voter t closer to u_i than to u_j
    terms = w[:, None, None] * (d[:, None, :] - d[:, :, None])
    return np.maximum((closer * terms).sum(axis=0), 0.0)


@pytest.mark.parametrize("all_triples", [True, False])
@settings(max_examples=40, deadline=None)
@given(m=st.integers(2, 12), seed=st.integers(0, 2**32 - 1))
def test_probability_table_matches_the_direct_sum(all_triples: bool, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # whole numbers: actors share positions and voters sit exactly on midpoints
    xs = np.sort(rng.integers(0, 8, m).astype(float))
    u, cnt = np.unique(xs, return_counts=True)
    k = u.size
    ends = np.cumsum(cnt)
    w = rng.uniform(0.1, 1.0, m)
    d = np.abs(xs[:, None] - u[None, :]) ** rng.uniform(0.5, 2.0, (m, 1))
    num = _direct_numerators(xs, w, u, d)
    out_n, out_t = np.zeros(k * k), np.zeros(k * k)
    lo, le = np.zeros(k * k, dtype=np.int64), np.zeros(k * k, dtype=np.int64)
    head = (np.append(xs, np.inf), w, u, cnt.astype(float), ends, d.ravel().copy())
    scale = _table(*head, np.zeros((m + 1) * k), out_n, out_t, lo, le, False, all_triples)
    if all_triples:
        # the denominator runs over actor pairs: cnt_i * cnt_j of them between u_i and u_j
        total = 2.0 * (cnt[:, None] * cnt[None, :] * num).sum()
        expected = num / total if total > 0 else np.zeros_like(num)
    else:
        den = num + num.T
        expected = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        np.fill_diagonal(expected, 0.0)
    got = out_n.reshape(k, k) * scale
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(out_t.reshape(k, k), out_n.reshape(k, k).T)
    # a second call with the midpoints' places remembered gives the same table
    again_n, again_t = np.zeros(k * k), np.zeros(k * k)
    again = _table(*head, np.zeros((m + 1) * k), again_n, again_t, lo, le, True, all_triples)
    assert again == scale
    np.testing.assert_array_equal(again_n, out_n)


def test_equal_offers_go_to_the_actor_first_in_input_order() -> None:
    # actor at 50; confrontations from 40 and 60 move it equally far: the one listed
    # first in the input wins, whatever its place in the sorted order
    xs = np.array([40.0, 50.0, 60.0, np.inf])
    rank = np.array([3, 0, 3])
    eu = np.zeros(3)
    for order, expected in (([0, 1, 2], 40.0), ([2, 1, 0], 60.0)):
        got = _best(eu, eu, rank, 3, xs, 50.0, np.array(order), False, 3)
        assert got == expected


def test_polynomial_coefficients_are_the_tools() -> None:
    """The kernel's constants are the interpolants tools/eum_kernel_polynomials.py computes."""
    pytest.importorskip("mpmath")
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "eum_kernel_polynomials.py"
    spec = importlib.util.spec_from_file_location("eum_kernel_polynomials", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    exp_poly, exp_err, log_poly, log_err = tool.polynomials()
    assert exp_poly == EXP_POLY
    assert log_poly == LOG_POLY
    assert exp_err < 1e-17 and log_err < 1e-17


def test_rows_that_stop_early_hold_their_last_state() -> None:
    """Actors on three spots: most rows reach a fixed point within ten rounds."""
    rng = np.random.default_rng(0)
    n = 6
    base = _issue(n)
    inputs = _with_positions(base, rng, rng.integers(0, 3, (40, n, 1)).astype(float) * 50.0)
    kw = {"max_rounds": 10, "keep_trajectory": True}
    a = forecast_batch(base, "eum", inputs, backend="numpy", **kw)
    b = forecast_batch(base, "eum", inputs, backend="numba", **kw)
    assert a.trajectory is not None and b.trajectory is not None
    assert np.array_equal(a.rounds, b.rounds)
    early = a.rounds < 10
    assert early.sum() >= 3
    np.testing.assert_allclose(b.trajectory, a.trajectory, rtol=0, atol=1e-9)
    for row in np.nonzero(early)[0]:
        last = int(a.rounds[row])
        held = b.trajectory[row, last:]
        assert np.array_equal(held, np.broadcast_to(held[0], held.shape))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_position_range_narrower_than_the_positions_is_refused(backend: str) -> None:
    from detente.errors import InputError

    base = _issue(4)
    inputs = BatchInputs.from_arrays(
        base, positions=np.array([[[10.0], [30.0], [50.0], [90.0]]]), replicates=1
    )
    with pytest.raises(InputError, match="position_range"):
        forecast_batch(base, "eum", inputs, backend=backend, position_range=50.0)
    # a range covering the spread is fine; so is the spread itself
    forecast_batch(base, "eum", inputs, backend=backend, position_range=80.0)
    forecast_batch(base, "eum", inputs, backend=backend, position_range=100.0)
