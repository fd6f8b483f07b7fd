"""The compiled kernel gives the numpy model's outcomes bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.partnership import LEVERS, UNCERTAINTIES, PartnershipModel, kernel, simulate
from detente.partnership.kernel import OUTCOME_ORDER, run_paired, run_strategies


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def _inputs(seed: int, n: int) -> dict[str, np.ndarray]:
    """Inputs spread beyond the default ranges, mixed strategies and mixes with zeros."""
    rng = np.random.default_rng(seed)
    p = {}
    for s in (*UNCERTAINTIES, *LEVERS):
        span = s.high - s.low
        p[s.name] = rng.uniform(s.low - 0.2 * span, s.high + 0.2 * span, n)
    for s in LEVERS:
        if "_mix_" in s.name:  # some zero weights, and an all-zero mix now and then
            p[s.name] = np.where(rng.random(n) < 0.3, 0.0, np.abs(p[s.name]))
    p["strategy"] = rng.integers(0, 4, n).astype(np.float64)
    return p


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 700))
def test_paired_kernel_equals_numpy_model(seed: int, horizon: int, n: int) -> None:
    p = _inputs(seed, n)
    ref = simulate(p, np.random.default_rng(seed), horizon)
    got = run_paired(p, np.random.default_rng(seed), horizon)
    assert set(got) == set(OUTCOME_ORDER) == set(ref)
    for name in OUTCOME_ORDER:
        assert np.array_equal(_bits(got[name]), _bits(ref[name])), name


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_strategy_batch_equals_one_call_per_strategy(seed: int, horizon: int) -> None:
    n = 500
    p = _inputs(seed, n)
    unc = {s.name: p[s.name] for s in UNCERTAINTIES}
    rng = np.random.default_rng(seed + 1)
    levers = [
        {"strategy": float(code), **{s.name: float(rng.uniform(s.low, s.high)) for s in LEVERS}}
        for code in (0, 1, 2, 3, 2)
    ]
    got = run_strategies(unc, levers, np.random.default_rng(seed), horizon)
    for row, lv in enumerate(levers):
        full = {**unc, **{k: np.full(n, v) for k, v in lv.items()}}
        ref = simulate(full, np.random.default_rng(seed), horizon)
        for name in OUTCOME_ORDER:
            assert got[name].shape == (len(levers), n)
            assert np.array_equal(_bits(got[name][row]), _bits(ref[name])), (row, name)


def test_long_horizons_run_in_blocks_of_years(monkeypatch: pytest.MonkeyPatch) -> None:
    # a budget of 3 years of uniforms: 16 years run as blocks 3+3+3+3+3+1
    n = 300
    monkeypatch.setattr(kernel, "UNIFORMS_BUDGET", 3 * 5 * n * 8)
    p = _inputs(7, n)
    ref = simulate(p, np.random.default_rng(3), 16)
    got = run_paired(p, np.random.default_rng(3), 16)
    for name in OUTCOME_ORDER:
        assert np.array_equal(_bits(got[name]), _bits(ref[name])), name
    unc = {s.name: p[s.name] for s in UNCERTAINTIES}
    levers = [{"strategy": 2.0, **{s.name: s.nominal for s in LEVERS}}]
    batch = run_strategies(unc, levers, np.random.default_rng(3), 16)
    full = {**unc, **{k: np.full(n, v) for k, v in levers[0].items()}}
    ref = simulate(full, np.random.default_rng(3), 16)
    for name in OUTCOME_ORDER:
        assert np.array_equal(_bits(batch[name][0]), _bits(ref[name])), name


def test_engine_model_uses_the_kernel_and_rejects_no_years() -> None:
    p = _inputs(1, 50)
    model = PartnershipModel(horizon=5)
    ref = simulate(p, np.random.default_rng(0), 5)
    got = model(p, np.random.default_rng(0))
    assert all(np.array_equal(_bits(got[k]), _bits(ref[k])) for k in OUTCOME_ORDER)
    with pytest.raises(ValueError, match="horizon"):
        run_paired(p, np.random.default_rng(0), 0)
