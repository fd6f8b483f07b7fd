"""Property tests pinning the partnership model's logic, and hand-worked cases."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.partnership import LEVERS, UNCERTAINTIES, nominal_inputs, simulate
from detente.partnership.model import HEDGED, INTEGRATION, NONE, TRANSACTIONAL

N = 400


def _random_inputs(seed: int, n: int = N, strategy: int = INTEGRATION) -> dict[str, np.ndarray]:
    """Inputs drawn uniformly from every parameter's default range."""
    rng = np.random.default_rng(seed)
    p = {s.name: rng.uniform(s.low, s.high, n) for s in (*UNCERTAINTIES, *LEVERS)}
    p["strategy"] = np.full(n, float(strategy))
    return p


seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=25, deadline=None)
@given(seeds, st.sampled_from([TRANSACTIONAL, INTEGRATION, HEDGED]))
def test_no_need_none_is_never_worse_for_europe(seed: int, strategy: int) -> None:
    p = _random_inputs(seed, strategy=strategy)
    # no need in any year: own capacity alone exceeds the largest possible threat
    p.update(eu_capacity0=np.full(N, 3.0), threat_growth=np.zeros(N), escalation_size=np.zeros(N))
    none = dict(p, strategy=np.full(N, float(NONE)))
    out = simulate(p, np.random.default_rng(seed))
    base = simulate(none, np.random.default_rng(seed))
    assert (base["unmet_need"] == 0).all()
    assert (base["europe_payoff"] == 0).all()
    assert (out["europe_payoff"] <= base["europe_payoff"]).all()


@settings(max_examples=25, deadline=None)
@given(seeds, st.sampled_from([TRANSACTIONAL, INTEGRATION, HEDGED]), st.floats(0.0, 2.0))
def test_higher_russian_offer_never_lowers_breakdown(
    seed: int, strategy: int, extra: float
) -> None:
    p = _random_inputs(seed, strategy=strategy)
    q = dict(p, russia_offer_size=p["russia_offer_size"] + extra)
    q["russia_standing_offer"] = p["russia_standing_offer"] + extra / 4
    lo = simulate(p, np.random.default_rng(seed))
    hi = simulate(q, np.random.default_rng(seed))
    # pathwise: whoever defects under the smaller offer defects no later under the larger
    assert (hi["breakdown"] >= lo["breakdown"]).all()
    both = lo["breakdown"] == 1
    assert (hi["breakdown_year"][both] <= lo["breakdown_year"][both]).all()
    assert hi["breakdown"].mean() >= lo["breakdown"].mean()


@settings(max_examples=25, deadline=None)
@given(seeds, st.floats(0.0, 0.15))
def test_higher_discount_factor_never_makes_integration_less_stable(seed: int, step: float) -> None:
    p = _random_inputs(seed, strategy=INTEGRATION)
    q = dict(p, turkey_discount=np.minimum(p["turkey_discount"] + step, 0.999))
    lo = simulate(p, np.random.default_rng(seed))
    hi = simulate(q, np.random.default_rng(seed))
    assert (hi["breakdown"] <= lo["breakdown"]).all()
    assert (hi["alignment"] >= lo["alignment"]).all()


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_lockin_never_decreases_under_integration_without_a_shock(seed: int) -> None:
    p = _random_inputs(seed, strategy=INTEGRATION)
    p["crisis_rate"] = np.zeros(N)  # no Turkish domestic crisis: the only lock-in shock
    out = simulate(p, np.random.default_rng(seed), record=True)
    lock = np.vstack([p["lockin0"][None, :], out["lockin"]])
    assert (np.diff(lock, axis=0) >= 0).all()
    # while the partnership lasts, lock-in grows strictly with positive concessions
    first = out["active"][0] == 1
    assert (out["lockin"][0][first] > p["lockin0"][first]).all()


def test_crisis_lowers_lockin() -> None:
    p = nominal_inputs(1, INTEGRATION, crisis_rate=1.0, crisis_lockin_loss=0.5, lockin_rate=0.0)
    out = simulate(p, np.random.default_rng(0), record=True)
    assert out["lockin"][0, 0] == 0.5 * p["lockin0"][0]


def test_common_random_numbers_and_determinism() -> None:
    p = _random_inputs(1)
    a = simulate(p, np.random.default_rng(5))
    b = simulate(p, np.random.default_rng(5))
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True)


def test_hand_worked_none_strategy() -> None:
    # no partnership, no events: need = threat - K - U each year
    p = nominal_inputs(
        1,
        NONE,
        threat_growth=0.0,
        escalation_rate=0.0,
        us_drawdown_rate=0.0,
        rearm_rate=0.0,
        eu_capacity0=0.5,
        us_commitment0=0.3,
        eu_need_weight=2.0,
        eu_discount=0.9,
    )
    out = simulate(p, np.random.default_rng(0), horizon=3)
    need = 1.0 - 0.5 - 0.3
    assert np.isclose(out["unmet_need"][0], 3 * need)
    assert np.isclose(out["europe_payoff"][0], -2.0 * need * (1 + 0.9 + 0.81))
    assert out["breakdown"][0] == 0 and out["alignment"][0] == 0 and out["europe_cost"][0] == 0


def test_hand_worked_defection_rule() -> None:
    # transactional, trust 0.5, delta 0.9, renewal 0.8: x = 0.36, W = w * 0.36 / 0.64
    common = dict(
        transactional_payment=0.1,
        transactional_mix_econ=1.0,
        transactional_mix_refugee=0.0,
        value_econ=1.0,
        turkey_base_value=0.0,
        turkey_threat_value=0.0,
        trust0=0.5,
        turkey_discount=0.9,
        transactional_renewal=0.8,
        lockin0=0.05,
        russia_offer_rate=0.0,
        crisis_rate=0.0,
        entrapment_rate=0.0,
        escalation_rate=0.0,
        eu_capacity0=0.45,
        us_commitment0=0.2,
        transactional_need_threshold=0.0,
    )
    w = 0.1
    stay_value = 0.05 + w + w * 0.36 / 0.64
    for offer, defects in ((stay_value - 1e-9, False), (stay_value + 1e-9, True)):
        p = nominal_inputs(1, TRANSACTIONAL, russia_standing_offer=offer, **common)
        out = simulate(p, np.random.default_rng(0), horizon=1)
        assert bool(out["breakdown"][0]) is defects
        assert out["breakdown_year"][0] == 1 if defects else np.isnan(out["breakdown_year"][0])


def test_transactional_ends_when_need_falls() -> None:
    p = nominal_inputs(
        1,
        TRANSACTIONAL,
        eu_capacity0=0.7,
        us_commitment0=0.45,
        escalation_rate=0.0,
        us_drawdown_rate=0.0,
        russia_offer_rate=0.0,
        russia_standing_offer=0.0,
    )
    out = simulate(p, np.random.default_rng(0), record=True)
    assert out["active"].sum() == 0  # need below the threshold from the start
    assert out["breakdown"][0] == 0


def test_hedged_switches_to_integration() -> None:
    p = nominal_inputs(
        1, HEDGED, trust0=0.9, hedge_trust_threshold=0.5, russia_offer_rate=0.0, crisis_rate=0.0
    )
    p["eu_capacity0"] = np.array([0.45])
    p["us_commitment0"] = np.array([0.2])
    out = simulate(p, np.random.default_rng(0), record=True)
    # integration's upfront package appears in the accession channel in year 1
    expected = p["integration_upfront"][0] + p["integration_payment"][0]
    assert np.isclose(out["concessions_accession"][0, 0], 0.2 * expected)
