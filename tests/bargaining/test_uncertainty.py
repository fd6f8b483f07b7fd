"""Sampling a scenario's inputs from its stated uncertainties (``sample_inputs``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detente.bargaining import (
    forecast,
    forecast_batch,
    list_models,
    sample_inputs,
    summarize,
    uncertain_inputs,
)
from detente.bargaining.uncertainty import CHUNK_SIZE, master_seed
from detente.errors import InputError
from detente.scenario import Scenario, Uncertainty, load_scenario
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


def small(
    pos_unc: Any = None,
    sal_unc: Any = None,
    cap_unc: Any = None,
    *,
    status_quo: float | None = 20.0,
) -> Scenario:
    """Three actors, two issues; uncertainties on actor A's stance on issue x."""
    return Scenario(
        id="small",
        actors=[
            {"id": "A", "capability": 2.0, "capability_uncertainty": cap_unc},
            {"id": "B", "capability": 1.0},
            {"id": "C", "capability": 1.0},
        ],
        issues=[
            {"id": "x", "status_quo": status_quo},
            {"id": "y", "scale": {"min": -10, "max": 10}},
        ],
        stances=[
            {
                "actor": "A",
                "issue": "x",
                "position": 30,
                "salience": 60,
                "uncertainty": pos_unc,
                "salience_uncertainty": sal_unc,
            },
            {"actor": "B", "issue": "x", "position": 70, "salience": 40},
            {"actor": "C", "issue": "x", "position": 90, "salience": 50},
            {"actor": "A", "issue": "y", "position": -5, "salience": 30},
            {"actor": "B", "issue": "y", "position": 5, "salience": 30},
            {"actor": "C", "issue": "y", "position": 0, "salience": 40},
        ],
    )


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


# -- zero uncertainty -----------------------------------------------------------------------


def test_no_uncertainty_reproduces_every_point_forecast_exactly(example: Scenario) -> None:
    plain = example.model_copy(
        update={
            "stances": [
                s.model_copy(update={"uncertainty": None, "salience_uncertainty": None})
                for s in example.stances
            ]
        }
    )
    assert uncertain_inputs(plain) == []
    draws = sample_inputs(plain, 7, seed=3)
    assert draws.n_replicates == 7
    for model in list_models():
        point = forecast(plain, model, seed=0).outcome
        batch = forecast_batch(plain, model, draws, seed=0).outcome
        assert np.array_equal(batch, np.broadcast_to(point, batch.shape), equal_nan=True), model


def test_width_zero_and_sd_zero_are_no_uncertainty(example: Scenario) -> None:
    draws = sample_inputs(example, 5, seed=1, width=0.0)
    point = forecast(example, "smp").outcome
    assert np.array_equal(forecast_batch(example, "smp", draws).outcome[3], point)
    sc = small(pos_unc={"sd": 0.0}, sal_unc=[60, 60], cap_unc={"sd": 0})
    assert not any(u.varies for u in uncertain_inputs(sc))
    d = sample_inputs(sc, 4, seed=0)
    assert np.all(d.positions[:, 0, 0] == 30) and np.all(d.saliences[:, 0, 0] == 60)
    assert np.all(d.capabilities[:, 0] == 2.0)


# -- reproducibility ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc"])
def test_same_seed_same_draws_bit_for_bit(example: Scenario, method: str) -> None:
    a = sample_inputs(example, 300, seed=11, method=method)
    b = sample_inputs(example, 300, seed=11, method=method)
    c = sample_inputs(example, 300, seed=12, method=method)
    for name in ("positions", "saliences", "capabilities"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
    assert not np.array_equal(a.positions, c.positions, equal_nan=True)
    g1 = sample_inputs(example, 50, seed=np.random.default_rng(5), method=method)
    g2 = sample_inputs(example, 50, seed=np.random.default_rng(5), method=method)
    assert np.array_equal(g1.positions, g2.positions, equal_nan=True)


def test_chunks_are_reproducible_and_stratified(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.bargaining.uncertainty as unc

    monkeypatch.setattr(unc, "CHUNK_SIZE", 8)
    sc = small(pos_unc=[20, 60])
    d1 = sample_inputs(sc, 20, seed=4).positions[:, 0, 0]
    d2 = sample_inputs(sc, 20, seed=4).positions[:, 0, 0]
    assert np.array_equal(d1, d2)
    # a Latin hypercube is stratified within each chunk: one draw per eighth of the range
    first = np.sort(d1[:8])
    assert np.array_equal(np.floor((first - 20) / 5), np.arange(8))
    assert CHUNK_SIZE == 65_536


def test_master_seed() -> None:
    assert master_seed(7) == 7
    assert master_seed(np.random.default_rng(1)) == master_seed(np.random.default_rng(1))
    assert 0 <= master_seed(None) < 2**63
    with pytest.raises(InputError):
        master_seed(-1)


# -- distributions --------------------------------------------------------------------------


def test_sd_is_a_normal_truncated_to_the_scale() -> None:
    sc = small(pos_unc={"sd": 20})
    x = sample_inputs(sc, 20_000, seed=2).positions[:, 0, 0]
    assert x.min() >= 0 and x.max() <= 100
    a, b = (0 - 30) / 20, (100 - 30) / 20
    assert x.mean() == pytest.approx(stats.truncnorm.mean(a, b, loc=30, scale=20), abs=0.05)
    assert x.std() == pytest.approx(stats.truncnorm.std(a, b, loc=30, scale=20), abs=0.05)


def test_untruncated_normal_is_clipped_to_the_scale() -> None:
    sc = small(pos_unc={"sd": 40, "distribution": "normal"})
    x = sample_inputs(sc, 5000, seed=2).positions[:, 0, 0]
    assert x.min() == 0.0 and x.max() <= 100
    assert np.mean(x == 0.0) == pytest.approx(stats.norm.cdf(0, 30, 40), abs=0.01)


def test_ranges_uniform_and_triangular() -> None:
    u = sample_inputs(small(pos_unc=[10, 50]), 4000, seed=3).positions[:, 0, 0]
    assert u.min() >= 10 and u.max() <= 50
    assert u.mean() == pytest.approx(30, abs=0.1)  # LHS: nearly exact
    tri = small(pos_unc={"low": 10, "high": 50, "distribution": "triangular"})
    t = sample_inputs(tri, 4000, seed=3).positions[:, 0, 0]
    assert t.mean() == pytest.approx((10 + 30 + 50) / 3, abs=0.1)
    assert np.mean(t < 30) == pytest.approx(0.5, abs=0.01)  # mode at the point value 30


def test_saliences_and_capabilities_stay_in_range() -> None:
    sc = small(sal_unc={"sd": 50}, cap_unc={"sd": 3})
    d = sample_inputs(sc, 3000, seed=8)
    s = d.saliences[:, 0, 0]
    c = d.capabilities[:, 0]
    assert s.min() >= 0 and s.max() <= 100 and s.std() > 10
    assert c.min() >= 0 and c.std() > 0.5
    # untouched numbers keep their point values
    assert np.all(d.capabilities[:, 1] == 1.0) and np.all(d.positions[:, 1, 0] == 70)
    names = [u.name for u in uncertain_inputs(sc)]
    assert names == ["capability A", "salience A/x"]


def _bypassing_validation(sal_unc: Any = None, cap_unc: Any = None) -> Scenario:
    """``small()`` with uncertainties the scenario schema would refuse (as model_copy allows)."""
    s = small()
    stance = s.stances[0].model_copy(
        update={"salience_uncertainty": None if sal_unc is None else Uncertainty(**sal_unc)}
    )
    actor = s.actors[0].model_copy(
        update={"capability_uncertainty": None if cap_unc is None else Uncertainty(**cap_unc)}
    )
    return s.model_copy(
        update={"stances": [stance, *s.stances[1:]], "actors": [actor, *s.actors[1:]]}
    )


def test_bad_uncertainties_and_options_are_input_errors() -> None:
    # the scenario schema refuses these ranges (with the line, when read from a file) ...
    with pytest.raises(ValueError, match="leaves the salience scale"):
        small(sal_unc=[50, 120])
    with pytest.raises(ValueError, match="leaves the capabilities"):
        small(cap_unc=[-1, 3])
    with pytest.raises(ValueError, match="triangular"):
        small(sal_unc={"low": 70, "high": 90, "distribution": "triangular"})
    # ... and the sampler refuses them in a scenario that bypassed validation
    with pytest.raises(InputError, match="leaves the allowed range"):
        uncertain_inputs(_bypassing_validation(sal_unc={"low": 50, "high": 120}))
    with pytest.raises(InputError, match="leaves the allowed range"):
        uncertain_inputs(_bypassing_validation(cap_unc={"low": -1, "high": 3}))
    with pytest.raises(InputError, match="triangular"):
        uncertain_inputs(
            _bypassing_validation(sal_unc={"low": 70, "high": 90, "distribution": "triangular"})
        )
    with pytest.raises(InputError, match="width"):
        sample_inputs(small(pos_unc={"sd": 5}), 10, seed=0, width=-1)
    with pytest.raises(InputError, match="at least 1"):
        sample_inputs(small(pos_unc={"sd": 5}), 0, seed=0)
    with pytest.raises(InputError, match="sampler"):
        sample_inputs(small(), 5, seed=0, method="grid")


# -- wider inputs, wider intervals ----------------------------------------------------------


def _width80(scenario: Scenario, model: str, *, width: float = 1.0) -> np.ndarray:
    draws = sample_inputs(scenario, 800, seed=9, width=width)
    summary = summarize(forecast_batch(scenario, model, draws).outcome)
    return np.array([s.intervals[0.8][1] - s.intervals[0.8][0] for s in summary])


def test_wider_uncertainty_widens_the_intervals(example: Scenario) -> None:
    for model in list_models():
        none = _width80(example, model, width=0.0)
        narrow = _width80(example, model, width=0.5)
        wide = _width80(example, model, width=1.5)
        assert np.all(none == 0), model
        # the iterative models are not monotone issue by issue (EUM's forecasts are
        # multimodal), but over the issues wider inputs give wider forecasts
        assert wide.sum() > narrow.sum() > 0, model
        if model in ("mean", "median"):
            assert np.all(wide > narrow), model


@settings(max_examples=15, deadline=None)
@given(sd=st.floats(1.0, 30.0), factor=st.floats(1.2, 3.0))
def test_interval_of_the_mean_widens_with_the_sd(sd: float, factor: float) -> None:
    a = _width80(small(pos_unc={"sd": sd}), "mean")[0]
    b = _width80(small(pos_unc={"sd": sd * factor}), "mean")[0]
    assert b > a > 0
