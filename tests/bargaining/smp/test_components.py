"""SMP building blocks: hand-worked values and properties (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from detente.bargaining.smp import (
    BargnModel,
    BigRAdjust,
    BigRRange,
    InterVecBrgn,
    PCEModel,
    SMPParams,
    StateTransitions,
    ThirdPartyCommit,
    VictoryProbModel,
    VotingRule,
    parse_enum,
    run_smp,
)
from detente.bargaining.smp._numeric import seq_prod, seq_sum
from detente.bargaining.smp.bargain import interpolate, propose
from detente.bargaining.smp.challenge import challenge_estimates, own_challenges, target_gains
from detente.bargaining.smp.ideals import accommodation_problems, adjust_ideals
from detente.bargaining.smp.pce import (
    conditional_pce,
    markov_incentive_pce,
    markov_uniform_pce,
    prob_ce,
)
from detente.bargaining.smp.state import unique_positions
from detente.bargaining.smp.stopping import should_stop
from detente.bargaining.smp.utility import (
    bs_util,
    estimated_risk,
    risk_from_prob,
    weighted_distance,
)
from detente.bargaining.smp.victory import MIN_COALITION, coalitions, victory_prob
from detente.bargaining.smp.voting import vote
from detente.errors import InputError

# -- voting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (VotingRule.PROP, 0.6),
        (VotingRule.BINARY, 2.0),
        (VotingRule.PROP_BIN, 0.88),
        (VotingRule.PROP_CBC, 0.327),
        (VotingRule.CUBIC, 0.054),
        (VotingRule.ASYM_PROSP, 0.4),
    ],
)
def test_vote_hand_worked(rule: VotingRule, expected: float) -> None:
    assert float(vote(rule, 2.0, 0.7, 0.4)) == pytest.approx(expected, abs=1e-12)


def test_vote_binary_interpolates_near_zero_and_asym_prospect_losses() -> None:
    assert float(vote(VotingRule.BINARY, 2.0, 1e-9, 0.0)) == pytest.approx(0.2)
    assert float(vote(VotingRule.ASYM_PROSP, 2.0, 0.4, 0.7)) == pytest.approx(-0.6)
    assert float(vote(VotingRule.ASYM_PROSP, 2.0, 0.4, 0.4)) == 0.0


@given(
    st.sampled_from([r for r in VotingRule if r is not VotingRule.ASYM_PROSP]),
    st.floats(0.01, 100),
    st.floats(-1, 1),
    st.floats(-1, 1),
)
def test_vote_is_exactly_antisymmetric(rule: VotingRule, w: float, a: float, b: float) -> None:
    assert float(vote(rule, w, a, b)) == -float(vote(rule, w, b, a))


# -- utilities and risk ------------------------------------------------------------------


def test_bs_util_hand_worked() -> None:
    d = np.array([0.5, 0.5, 0.5, 1.2])
    r = np.array([0.0, 1.0, -0.5, 0.5])
    assert np.allclose(bs_util(d, r), [0.5, 0.75, 0.375, -0.3])


def test_weighted_distance_hand_worked() -> None:
    ideal = np.array([[0.0, 0.0], [0.0, 0.0]])
    pos = np.array([[0.3, 0.4]])
    sal = np.array([[1.0, 1.0], [1.0, 0.0]])
    d = weighted_distance(ideal, pos, sal)
    assert d[0, 0] == pytest.approx(np.sqrt(0.125))
    assert d[1, 0] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("rng", "expected"),
    [
        (BigRRange.MID, [-0.5, 0.1, 1.0]),
        (BigRRange.MIN, [0.0, 0.4, 1.0]),
        (BigRRange.MAX, [-1.0, -0.2, 1.0]),
    ],
)
def test_risk_from_prob_ranges(rng: BigRRange, expected: list[float]) -> None:
    r, degenerate = risk_from_prob(np.array([0.1, 0.3, 0.6]), rng)
    assert not degenerate
    assert np.allclose(r, expected)


def test_risk_from_equal_probabilities_is_neutral_and_flagged() -> None:
    r, degenerate = risk_from_prob(np.full(4, 0.25), BigRRange.MID)
    assert degenerate and np.all(r == 0)


@pytest.mark.parametrize(
    ("adjust", "expected"),
    [
        (BigRAdjust.NONE, 0.3),
        (BigRAdjust.ONE_THIRD, 0.1),
        (BigRAdjust.HALF, 0.0),
        (BigRAdjust.TWO_THIRDS, -0.1),
        (BigRAdjust.FULL, -0.3),
    ],
)
def test_estimated_risk(adjust: BigRAdjust, expected: float) -> None:
    rh = estimated_risk(np.array([0.3, -0.3]), adjust)
    assert rh[0, 1] == pytest.approx(expected)


@given(st.floats(-0.5, 1.0), st.floats(0, 1), st.floats(0, 1))
def test_utility_falls_with_distance(r: float, d1: float, d2: float) -> None:
    lo, hi = sorted((d1, d2))
    assert float(bs_util(np.array(lo), r)) >= float(bs_util(np.array(hi), r)) - 1e-15


# -- coalitions, victory, elections ----------------------------------------------------


def test_victory_probability_models_hand_worked() -> None:
    c = np.array([[MIN_COALITION, 3.0], [1.0, MIN_COALITION]])
    assert victory_prob(VictoryProbModel.LINEAR, c)[0, 1] == pytest.approx(0.75)
    assert victory_prob(VictoryProbModel.SQUARE, c)[0, 1] == pytest.approx(0.9)
    assert victory_prob(VictoryProbModel.QUARTIC, c)[0, 1] == pytest.approx(81 / 82)
    assert victory_prob(VictoryProbModel.BINARY, c)[0, 1] == pytest.approx(1 / (1 + 1e-6))
    close = np.array([[MIN_COALITION, 1.0], [1.0, MIN_COALITION]])
    assert victory_prob(VictoryProbModel.BINARY, close)[0, 1] == pytest.approx(0.5)
    assert np.all(np.diag(victory_prob(VictoryProbModel.LINEAR, c)) == 0.5)


def test_coalitions_hand_worked() -> None:
    w = np.array([1.0, 2.0])
    u = np.array([[1.0, 0.5], [0.25, 1.0]])  # voter 0 prefers option 0, voter 1 option 1
    c = coalitions(VotingRule.PROP, w, u)
    assert c[0, 1] == pytest.approx(MIN_COALITION + 0.5)
    assert c[1, 0] == pytest.approx(MIN_COALITION + 1.5)
    assert c[0, 0] == MIN_COALITION


def test_asymmetric_prospect_keeps_ktabs_lower_left_scan() -> None:
    w = np.array([1.0])
    u = np.array([[0.2, 0.8]])
    c = coalitions(VotingRule.ASYM_PROSP, w, u)
    # KTAB scans (a=1, b=0): the vote for option 1 is a gain (2/3), for option 0 none
    assert c[1, 0] == pytest.approx(MIN_COALITION + 0.4)
    assert c[0, 1] == pytest.approx(MIN_COALITION)


def test_conditional_and_markov_elections_hand_worked() -> None:
    pv = np.array([[0.5, 0.75], [0.25, 0.5]])
    assert np.allclose(conditional_pce(pv), [0.75, 0.25])
    p, it = markov_uniform_pce(pv)
    assert it > 1 and np.allclose(p, [0.75, 0.25], atol=1e-5)
    c = np.array([[MIN_COALITION, 3.0], [1.0, MIN_COALITION]])
    p, _ = markov_incentive_pce(c, VictoryProbModel.LINEAR)
    assert p.sum() == pytest.approx(1.0) and p[0] > 0.5


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (4, 5), elements=st.floats(0, 1)),
    arrays(np.float64, 4, elements=st.floats(0.1, 10)),
    st.sampled_from(list(VotingRule)),
    st.sampled_from(list(VictoryProbModel)),
    st.sampled_from(list(PCEModel)),
)
def test_elections_are_distributions(
    u: np.ndarray, w: np.ndarray, rule: VotingRule, vpm: VictoryProbModel, pcem: PCEModel
) -> None:
    c = coalitions(rule, w, u)
    assert np.all(c >= MIN_COALITION)
    p, pv, _ = prob_ce(pcem, vpm, c)
    assert np.allclose(pv + pv.T, 1.0)
    assert np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-6)


# -- sums in KTAB's order ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.sampled_from([(), (1,), (2,), (1, 1), (3, 5), (9, 9)]),
    st.integers(0, 2**32 - 1),
)
def test_seq_sum_and_prod_are_left_to_right(n: int, rest: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.random((n, *rest)) * 10.0 ** rng.uniform(-8, 3, (n, *rest))
    acc = np.full(rest, 0.3)
    prod = np.ones(rest)
    for k in range(n):
        acc = acc + x[k]
        prod = prod * x[k]
    assert np.array_equal(seq_sum(x, axis=0, initial=0.3), acc)
    assert np.array_equal(seq_prod(x, axis=0), prod)
    moved = np.moveaxis(x, 0, -1)
    assert np.array_equal(seq_sum(moved, axis=-1, initial=0.3), acc)


# -- challenges ---------------------------------------------------------------------------


def test_challenge_hand_worked_two_actors() -> None:
    au = np.zeros((2, 2, 2))
    au[0] = [[1.0, 0.4], [0.3, 1.0]]
    au[1] = au[0]
    w = np.ones(2)
    s = np.full(2, 0.5)
    p, gain = challenge_estimates(
        au, w, s, VotingRule.PROP, ThirdPartyCommit.SEMI_COMMIT, [0], [0], [0], [1]
    )
    assert p[0] == pytest.approx(0.6 / 1.3)
    contest = p[0] * 2.0 + (1 - p[0]) * 0.8
    assert gain[0] == pytest.approx(0.5 * 2.0 + 0.5 * contest - 1.4)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(3, 7),
    st.integers(0, 2**32 - 1),
    st.sampled_from(list(VotingRule)),
    st.sampled_from(list(ThirdPartyCommit)),
)
def test_own_challenges_equal_the_general_estimate(
    n: int, seed: int, rule: VotingRule, commit: ThirdPartyCommit
) -> None:
    rng = np.random.default_rng(seed)
    au = rng.uniform(0.0, 1.0, (n, n, n))
    w = rng.uniform(0.1, 5.0, n)
    s = rng.uniform(0.1, 1.0, n)
    p_all, g_all = own_challenges(au, w, s, rule, commit)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    p, g = challenge_estimates(au, w, s, rule, commit, ii, ii, ii, jj)
    assert np.array_equal(p_all[ii, jj], p)
    assert np.array_equal(g_all[ii, jj], g)


# -- bargains ---------------------------------------------------------------------------


def test_interpolation_hand_worked() -> None:
    t_i, t_j = np.array([0.2]), np.array([0.6])
    half = np.array([0.5])
    b_i, b_j = interpolate(InterVecBrgn.S2P2, t_i, half, half, t_j, half, half)
    assert b_i[0] == 0.4 and b_j[0] == 0.4
    b_i, _ = interpolate(
        InterVecBrgn.S1P1, t_i, np.array([0.8]), np.array([0.75]), t_j, np.array([0.2]), 0.25
    )
    assert b_i[0] == 0.2308
    b_i, b_j = interpolate(InterVecBrgn.S2PMAX, t_i, half, np.array([0.3]), t_j, half, 0.7)
    assert b_i[0] == pytest.approx(0.36, abs=1e-5) and b_j[0] == 0.6


@settings(max_examples=60)
@given(
    st.sampled_from(list(InterVecBrgn)),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0.01, 1),
    st.floats(0.01, 1),
    st.floats(0, 1),
)
def test_bargains_lie_between_the_positions(
    ivb: InterVecBrgn, ti: float, tj: float, si: float, sj: float, pi: float
) -> None:
    b_i, b_j = interpolate(
        ivb, np.array([ti]), np.array([si]), np.array([pi]), np.array([tj]), np.array([sj]), 1 - pi
    )
    lo, hi = min(ti, tj) - 5e-5, max(ti, tj) + 5e-5
    assert lo <= b_i[0] <= hi and lo <= b_j[0] <= hi


def test_ktab_compat_keeps_the_pwcomp_weight_bug() -> None:
    pos = np.array([[0.2], [0.8]])
    sal = np.array([[0.5], [0.5]])
    cap = np.array([1.0, 9.0])
    tot = sal[:, 0]
    args = (pos, sal, cap, tot, np.array([0]), np.array([1]), np.array([0.7]), np.array([0.4]))
    compat = propose(BargnModel.PW_COMP_INTERP, InterVecBrgn.S2P2, *args, ktab_compat=True)
    fixed = propose(BargnModel.PW_COMP_INTERP, InterVecBrgn.S2P2, *args, ktab_compat=False)
    i_only = propose(BargnModel.INIT_ONLY_INTERP, InterVecBrgn.S2P2, *args)
    rcvr = propose(BargnModel.INIT_RCVR_INTERP, InterVecBrgn.S2P2, *args)
    assert rcvr.size == 2 and rcvr.kind == ("init", "rcvr")
    a, b = i_only.pos_init[0, 0], rcvr.pos_init[1, 0]
    # KTAB weighs the target's interpolation by the initiator's capability (1, not 9)
    assert compat.pos_init[0, 0] == pytest.approx((0.5 * a + 0.5 * b) / 1.0)
    assert fixed.pos_init[0, 0] == pytest.approx((0.5 * a + 4.5 * b) / 5.0)


def test_ktab_compat_changes_runs_only_where_the_bugs_bite() -> None:
    rng = np.random.default_rng(5)
    pos, sal = rng.uniform(0, 1, (6, 2)), rng.uniform(0.1, 0.5, (6, 2))
    cap = rng.uniform(10, 100, 6)
    for model in BargnModel:
        runs = [
            run_smp(pos, sal, cap, params=SMPParams(BargnModel=model, ktab_compat=c))
            for c in (True, False)
        ]
        same = runs[0].positions.shape == runs[1].positions.shape and np.array_equal(
            runs[0].positions, runs[1].positions
        )
        assert same == (model is BargnModel.INIT_ONLY_INTERP)


# -- ideals, stopping, distinct positions ------------------------------------------------


def test_ideal_adjustment_hand_worked() -> None:
    a = np.array([[0.5, 0.25], [0.0, 1.0]])
    new = adjust_ideals(np.array([[0.0], [0.6]]), np.array([[0.2], [0.6]]), a)
    assert new[0, 0] == pytest.approx(0.5 * 0.2 + 0.25 * 0.6)
    assert new[1, 0] == pytest.approx(0.6)
    ident = adjust_ideals(np.zeros((2, 1)), np.array([[0.2], [0.6]]), np.eye(2))
    assert np.array_equal(ident, [[0.2], [0.6]])


def test_bad_accommodation_is_reported() -> None:
    assert accommodation_problems(np.array([[1.0, 0.1], [0.0, 1.0]]))  # row sums to 1.1
    assert accommodation_problems(np.array([[1.0, -0.1], [0.0, 1.0]]))
    assert not accommodation_problems(np.array([[0.9, 0.1], [0.0, 1.0]]))
    with pytest.raises(InputError, match="sum to"):
        run_smp(
            np.array([[0.1], [0.9]]),
            np.array([[0.5], [0.5]]),
            np.ones(2),
            accommodation=np.array([[1.0, 0.5], [0.0, 1.0]]),
        )


def test_stopping_rule() -> None:
    h = [np.array([[0.0]]), np.array([[1.0]]), np.array([[1.01]])]
    assert should_stop(h[:2], SMPParams())[0] is False
    stop, reason, ratio = should_stop(h, SMPParams())
    assert stop and reason == "quiet" and ratio == pytest.approx(0.01 / 1.0001)
    assert should_stop(h[:2], SMPParams(max_turns=1))[:2] == (True, "max_turns")


def test_distinct_positions_follow_ktab_greedy_rule() -> None:
    pos = np.array([[0.0], [0.0005], [0.0012], [0.5]])
    uniq, equiv, report = unique_positions(pos)
    assert uniq.tolist() == [0, 2, 3]
    assert equiv.tolist() == [0, 0, 1, 2]
    # actor 1 is within 1e-3 of both actors 0 and 2: KTAB reports the last match
    assert report.tolist() == [0, 1, 1, 2]


# -- parameters -------------------------------------------------------------------------


def test_enums_parse_case_insensitively_and_by_code() -> None:
    assert parse_enum(VotingRule, "cubic") is VotingRule.CUBIC
    assert parse_enum(VotingRule, "PROPCBC") is VotingRule.PROP_CBC
    assert parse_enum(VotingRule, 4) is VotingRule.CUBIC
    assert parse_enum(BigRAdjust, "none") is BigRAdjust.NONE
    with pytest.raises(InputError, match="Binary, PropBin, Prop"):
        parse_enum(VotingRule, "quadratic")


def test_params_defaults_and_mapping() -> None:
    p = SMPParams()
    assert p.ktab_codes() == [0, 0, 0, 2, 1, 1, 1, 1, 0]
    q = SMPParams.from_mapping({"votingrule": "Cubic", "ktab_compat": "false", "max_turns": "7"})
    assert q.VotingRule is VotingRule.CUBIC and q.ktab_compat is False and q.max_turns == 7
    assert q.StateTransitions is StateTransitions.DETERMINISTIC
    with pytest.raises(InputError, match="VotingRule"):
        SMPParams.from_mapping({"VotingRules": "Cubic"})


# -- whole runs ---------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 7), st.integers(1, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_runs_stay_on_the_unit_cube_and_repeat(n: int, d: int, seed: int, stoch: bool) -> None:
    rng = np.random.default_rng(seed)
    pos = np.round(rng.uniform(0, 1, (n, d)), 2)
    sal = rng.uniform(0.05, 1.0 / d, (n, d))
    cap = rng.uniform(1, 100, n)
    prm = SMPParams(
        StateTransitions=StateTransitions.STOCHASTIC if stoch else StateTransitions.DETERMINISTIC,
        max_turns=30,
    )
    a = run_smp(pos, sal, cap, params=prm, seed=seed)
    b = run_smp(pos, sal, cap, params=prm, seed=seed)
    assert np.array_equal(a.positions, b.positions)
    assert 1 <= a.turns <= 30
    assert np.all(a.positions >= -1e-12) and np.all(a.positions <= 1 + 1e-12)
    assert a.win_prob.shape == (a.turns + 1, n)


def test_bad_arrays_are_input_errors() -> None:
    ok_pos, ok_sal, ok_cap = np.array([[0.1], [0.9]]), np.array([[0.5], [0.5]]), np.ones(2)
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        run_smp(np.array([[10.0], [0.9]]), ok_sal, ok_cap)
    with pytest.raises(InputError, match="zero salience"):
        run_smp(ok_pos, np.array([[0.0], [0.5]]), ok_cap)
    with pytest.raises(InputError, match="positive"):
        run_smp(ok_pos, ok_sal, np.array([1.0, 0.0]))


@settings(max_examples=30, deadline=None)
@given(
    st.integers(3, 8),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.sampled_from(list(VotingRule)),
    st.sampled_from(list(PCEModel)),
    st.sampled_from(list(VictoryProbModel)),
    st.sampled_from(list(BargnModel)),
    st.sampled_from(list(InterVecBrgn)),
    st.sampled_from(list(ThirdPartyCommit)),
    st.booleans(),
    st.booleans(),
)
def test_compiled_and_numpy_engines_agree_bit_for_bit(
    n: int,
    d: int,
    seed: int,
    vr: VotingRule,
    pcem: PCEModel,
    vpm: VictoryProbModel,
    bm: BargnModel,
    ivb: InterVecBrgn,
    tpc: ThirdPartyCommit,
    stoch: bool,
    compat: bool,
) -> None:
    rng = np.random.default_rng(seed)
    pos = np.round(rng.uniform(0, 1, (n, d)), 3)
    sal = rng.uniform(0.05, 1.0 / d, (n, d))
    cap = rng.uniform(1, 200, n)
    acc = np.eye(n)
    acc[0, 0], acc[0, 1] = 0.6, 0.2
    prm = SMPParams(
        VotingRule=vr,
        PCEModel=pcem,
        VictoryProbModel=vpm,
        BargnModel=bm,
        InterVecBrgn=ivb,
        ThirdPartyCommit=tpc,
        StateTransitions=StateTransitions.STOCHASTIC if stoch else StateTransitions.DETERMINISTIC,
        ktab_compat=compat,
        max_turns=25,
    )
    runs = [
        run_smp(
            pos, sal, cap, accommodation=acc, params=prm, seed=seed, backend=b, record_turns=True
        )
        for b in ("numba", "numpy")
    ]
    a, b = runs
    assert a.turns == b.turns and a.stop_reason == b.stop_reason
    for field in ("positions", "ideals", "risk", "win_prob"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    for ra, rb in zip(a.records, b.records, strict=True):
        assert np.array_equal(ra.target, rb.target)
        assert np.array_equal(ra.gain, rb.gain, equal_nan=True)
        assert np.array_equal(ra.target_gain, rb.target_gain, equal_nan=True)
        assert np.array_equal(ra.bargains.pos_rcvr, rb.bargains.pos_rcvr)
        assert np.array_equal(ra.choice.chosen, rb.choice.chosen)
        for pa, pb in zip(ra.choice.probs, rb.choice.probs, strict=True):
            assert np.array_equal(pa, pb)


# -- the quadrant map: the target's expected change from a challenge ----------------------


@settings(max_examples=25, deadline=None)
@given(
    st.integers(3, 9),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.sampled_from(list(VotingRule)),
    st.sampled_from(list(ThirdPartyCommit)),
)
def test_target_gain_closed_form(
    n: int, d: int, seed: int, vr: VotingRule, tpc: ThirdPartyCommit
) -> None:
    """dE_j = (U_jj - U_ji) [s_j (P_ji - P_ij) - (1 - s_j)] and dE_i likewise, with h = i."""
    from detente.bargaining.smp.state import make_state

    rng = np.random.default_rng(seed)
    pos = np.round(rng.uniform(0, 1, (n, d)), 3)
    sal = rng.uniform(0.05, 1.0 / d, (n, d))
    cap = rng.uniform(1, 200, n)
    prm = SMPParams(VotingRule=vr, ThirdPartyCommit=tpc)
    st_ = make_state(pos, pos.copy(), sal, cap, prm)
    s_tot = sal.sum(axis=1)
    w = s_tot * cap
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    p_ij, g_i = challenge_estimates(st_.au, w, s_tot, vr, tpc, ii, ii, ii, jj)
    _, g_j = challenge_estimates(st_.au, w, s_tot, vr, tpc, ii, jj, ii, jj)
    au = st_.au
    p_ji = 1.0 - p_ij
    s_j = s_tot[jj]
    want_j = (au[ii, jj, jj] - au[ii, jj, ii]) * (s_j * (p_ji - p_ij) - (1.0 - s_j))
    want_i = (au[ii, ii, ii] - au[ii, ii, jj]) * ((1.0 - s_j) + s_j * (p_ij - p_ji))
    np.testing.assert_allclose(g_j, want_j, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g_i, want_i, rtol=1e-9, atol=1e-12)
    # target_gains picks the same numbers for each actor's chosen target
    target = rng.integers(-1, n, n)
    target = np.where(target == np.arange(n), -1, target)
    got = target_gains(au, w, s_tot, vr, tpc, target)
    for i in range(n):
        if target[i] < 0:
            assert np.isnan(got[i])
        else:
            k = np.nonzero((ii == i) & (jj == target[i]))[0][0]
            assert got[i] == g_j[k]


def test_target_gain_recorded_for_each_challenge() -> None:
    rng = np.random.default_rng(5)
    pos = np.round(rng.uniform(0, 1, (7, 2)), 3)
    sal = rng.uniform(0.1, 0.5, (7, 2))
    cap = rng.uniform(1, 200, 7)
    run = run_smp(pos, sal, cap, record_turns=True)
    assert run.records
    for rec in run.records:
        has = rec.target >= 0
        assert np.all(np.isfinite(rec.target_gain[has]))
        assert np.all(np.isnan(rec.target_gain[~has]))
        # a challenger only challenges when it expects to gain
        assert np.all(rec.gain[has] > 0)
