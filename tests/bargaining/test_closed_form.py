"""Weighted mean, weighted median and Nash bargaining: hand-worked values and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import BatchInputs, forecast, forecast_batch
from detente.bargaining.mean import weighted_mean
from detente.bargaining.median import weighted_median
from detente.bargaining.nbs import nash_bargaining
from detente.scenario import ScenarioArrays


def arrays(pos, sal, cap, sq=None, has=None) -> ScenarioArrays:  # type: ignore[no-untyped-def]
    pos = np.asarray(pos, dtype=float)
    n, k = pos.shape
    has = np.ones((n, k), dtype=bool) if has is None else np.asarray(has)
    return ScenarioArrays(
        actor_ids=tuple(f"A{i}" for i in range(n)),
        issue_ids=tuple(f"I{j}" for j in range(k)),
        positions=np.where(has, pos, np.nan),
        saliences=np.where(has, np.asarray(sal, dtype=float), 0.0),
        capabilities=np.asarray(cap, dtype=float),
        lower=np.zeros(k),
        upper=np.full(k, 100.0),
        status_quo=np.full(k, np.nan) if sq is None else np.asarray(sq, dtype=float),
        has_stance=has,
    )


# -- hand-worked values --------------------------------------------------------------------


def test_mean_three_weightings_by_hand() -> None:
    a = arrays([[0.0], [100.0]], [[50.0], [100.0]], [3.0, 1.0])
    # c*s: 3*0.5 = 1.5 and 1*1 = 1 -> 100 * 1 / 2.5 = 40
    assert forecast(a, "mean").outcome[0] == pytest.approx(40.0)
    assert forecast(a, "mean", weights="salience").outcome[0] == pytest.approx(100 / 1.5)
    assert forecast(a, "mean", weights="equal").outcome[0] == pytest.approx(50.0)


def test_median_by_hand() -> None:
    a = arrays([[10.0], [20.0], [90.0]], [[100.0], [100.0], [100.0]], [1.0, 1.0, 1.5])
    assert forecast(a, "median").outcome[0] == 20.0  # 1 + 1 > 1.75 from the left
    a = arrays([[10.0], [20.0], [90.0]], [[100.0], [100.0], [100.0]], [1.0, 1.0, 2.0])
    assert forecast(a, "median").outcome[0] == 55.0  # exact halves: midpoint of [20, 90]


def test_nbs_by_hand() -> None:
    a = arrays([[1.0], [2.0]], [[50.0], [50.0]], [1.0, 1.0], sq=[0.0])
    # 2/y = 1/(2-y) + 1/(4-y)  =>  2y^2 - 9y + 8 = 0
    assert forecast(a, "nbs").outcome[0] == pytest.approx((9 - 17**0.5) / 4, abs=1e-12)
    # status quo between the ideals: nobody gains from any move
    a = arrays([[10.0], [60.0]], [[50.0], [50.0]], [1.0, 5.0], sq=[30.0])
    assert forecast(a, "nbs").outcome[0] == 30.0
    # one actor, or two at the same ideal: that ideal
    a = arrays([[70.0], [70.0]], [[50.0], [90.0]], [1.0, 5.0], sq=[20.0])
    assert forecast(a, "nbs").outcome[0] == pytest.approx(70.0)


def test_nbs_without_status_quo_says_so() -> None:
    f = forecast(arrays([[1.0], [2.0]], [[50.0], [50.0]], [1.0, 1.0]), "nbs")
    assert np.isnan(f.outcome[0])
    assert any("no status quo" in n for n in f.notes)


def test_degenerate_inputs_give_notes() -> None:
    same = arrays([[40.0], [40.0]], [[50.0], [60.0]], [1.0, 2.0], sq=[40.0])
    for model in ("mean", "median", "nbs", "eum"):
        f = forecast(same, model)
        assert f.outcome[0] == pytest.approx(40.0)
        assert any("same position" in n for n in f.notes), model
    single = arrays([[40.0], [70.0]], [[50.0], [60.0]], [1.0, 2.0], has=[[True], [False]])
    for model in ("mean", "median", "eum"):
        f = forecast(single, model)
        assert f.outcome[0] == pytest.approx(40.0)
        assert any("single actor" in n for n in f.notes), model
    zero = arrays([[40.0], [70.0]], [[0.0], [0.0]], [1.0, 2.0])
    for model in ("mean", "median", "eum"):
        f = forecast(zero, model)
        assert np.isnan(f.outcome[0])
        assert any("zero" in n or "no forecast" in n for n in f.notes), model


# -- properties ----------------------------------------------------------------------------

finite = st.floats(0.0, 100.0, allow_nan=False)
weight = st.floats(0.01, 10.0, allow_nan=False)


@st.composite
def issue(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 8))
    x = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    w = np.array(draw(st.lists(weight, min_size=n, max_size=n)))
    return x, w


@given(issue())
def test_mean_lies_within_the_positions(data) -> None:  # type: ignore[no-untyped-def]
    x, w = data
    m = weighted_mean(x[:, None], w[:, None])[0]
    assert x.min() - 1e-9 <= m <= x.max() + 1e-9


@given(issue())
def test_median_is_a_weighted_median(data) -> None:  # type: ignore[no-untyped-def]
    x, w = data
    m = weighted_median(x[:, None], w[:, None])[0]
    total = w.sum()
    assert w[x < m].sum() <= total / 2 * (1 + 1e-9)
    assert w[x > m].sum() <= total / 2 * (1 + 1e-9)
    assert x.min() <= m <= x.max()


@given(issue(), finite)
def test_nbs_between_positions_or_status_quo(data, sq) -> None:  # type: ignore[no-untyped-def]
    x, w = data
    out = nash_bargaining(x[:, None], w[:, None], np.array([sq]))[0]
    if (x > sq).all() or (x < sq).all():
        assert x.min() - 1e-9 <= out <= x.max() + 1e-9
        # first-order condition of the Nash product
        y, a = abs(out - sq), 2 * np.abs(x - sq)
        assert w.sum() / y == pytest.approx((w / (a - y)).sum(), rel=1e-6)
    else:
        assert out == sq


@given(finite, st.lists(weight, min_size=1, max_size=6))
def test_nbs_is_the_status_quo_when_everyone_is_there(sq, ws) -> None:  # type: ignore[no-untyped-def]
    x = np.full((len(ws), 1), sq)
    assert nash_bargaining(x, np.array(ws)[:, None], np.array([sq]))[0] == sq


@settings(max_examples=30, deadline=None)
@given(issue(), st.randoms(use_true_random=False), finite)
def test_relabelling_actors_changes_nothing(data, rnd, sq) -> None:  # type: ignore[no-untyped-def]
    x, w = data
    n = len(x)
    perm = list(range(n))
    rnd.shuffle(perm)
    sal = np.full((n, 1), 80.0)
    a = arrays(x[:, None], sal, w, sq=[sq])
    b = arrays(x[perm][:, None], sal, w[perm], sq=[sq])
    for model in ("mean", "median", "nbs"):
        assert forecast(a, model).outcome[0] == pytest.approx(forecast(b, model).outcome[0])


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_batch_equals_point_replicate_by_replicate(seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n, k, r = 6, 3, 5
    base = arrays(
        rng.uniform(0, 100, (n, k)),
        rng.uniform(10, 100, (n, k)),
        rng.uniform(0.5, 5, n),
        sq=rng.uniform(0, 100, k),
        has=rng.random((n, k)) < 0.8,
    )
    draws = BatchInputs.from_arrays(
        base,
        positions=rng.uniform(0, 100, (r, n, k)),
        saliences=rng.uniform(10, 100, (r, n, k)),
        capabilities=rng.uniform(0.5, 5, (r, n)),
    )
    for model in ("mean", "median", "nbs", "eum"):
        extra = {"backend": "numpy"} if model == "eum" else {}
        batch = forecast_batch(base, model, draws, **extra)
        for i in range(r):
            point = forecast(draws.replicate(i), model)
            np.testing.assert_allclose(batch.outcome[i], point.outcome, rtol=0, atol=1e-9)
    # The compiled kernel evaluates powers as exp(r log x) and sums voters by prefix
    # differences: per round it agrees with the numpy core to ~1e-12, and the gap can
    # grow over ten rounds of a chaotic trajectory, but stays far below a point.
    fast = forecast_batch(base, "eum", draws, backend="numba")
    slow = forecast_batch(base, "eum", draws, backend="numpy")
    np.testing.assert_allclose(fast.outcome, slow.outcome, rtol=0, atol=1e-5)
    assert (fast.rounds == slow.rounds).all()
