"""The deal finder (detente.bargaining.deals): hand-worked exchanges, properties, example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining import BatchInputs, sample_inputs, scenario_arrays
from detente.bargaining.deals import (
    DEAL_COLUMNS,
    RIVAL_COLUMNS,
    ROBUST_COLUMNS,
    find_deals,
    resolve_sides,
    rival_bids,
    robust_deals,
    scenario_sides,
)
from detente.bargaining.exchange import exchange_round, run_exchange
from detente.errors import InputError
from detente.scenario import Scenario, load_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "europe_turkey.toml"


def scenario(
    actors: dict[str, tuple[float, str | None]],
    stances: dict[tuple[str, str], tuple[float, ...]],
    *,
    salience_max: float = 1.0,
    issues: tuple[str, ...] = ("p", "q"),
    sd: float | None = None,
    deals: dict[str, Any] | None = None,
) -> Scenario:
    """A scenario on 0-100 scales: ``actors`` id -> (capability, group).

    ``stances`` (actor, issue) -> (position, salience[, sd of the position]); ``sd``
    is the default sd.
    """
    data: dict[str, Any] = {
        "id": "t",
        "salience_max": salience_max,
        "actors": [
            {"id": a, "capability": c, **({"group": g} if g else {})}
            for a, (c, g) in actors.items()
        ],
        "issues": [{"id": i, "anchors": {0: f"{i} low", 100: f"{i} high"}} for i in issues],
        "stances": [
            {
                "actor": a,
                "issue": i,
                "position": v[0],
                "salience": v[1],
                **({"uncertainty": {"sd": v[2] if len(v) > 2 else sd}} if (v[2:] or sd) else {}),
            }
            for (a, i), v in stances.items()
        ],
    }
    if deals is not None:
        data["deals"] = deals
    return Scenario.model_validate(data)


def two_actors() -> Scenario:
    return scenario(
        {"A": (1.0, None), "B": (1.0, None)},
        {
            ("A", "p"): (0.0, 0.8),
            ("A", "q"): (0.0, 0.2),
            ("B", "p"): (100.0, 0.2),
            ("B", "q"): (100.0, 0.8),
        },
    )


def test_two_actors_two_issues_by_hand() -> None:
    """A cares about p, B about q; each gives way on the other's issue.

    Forecasts: O_p = (0.8*0 + 0.2*100) / 1 = 20, O_q = (0.2*0 + 0.8*100) / 1 = 80.
    A's salience ratio s_p/s_q = 4 > B's 0.25, so A supplies q and B supplies p.  B
    moving all the way to A's 0 on p shifts O_p by 100*0.2/1 = 20; the equal-gain
    ratio (s_Bp + s_Ap)/(s_Bq + s_Aq) = 1 asks a shift of 20 on q, i.e. A moves
    20*1/0.2 = 100: to B's 100.  Each side's gain: 0.8*20 - 0.2*20 = 12 (A),
    0.8*20 - 0.2*20 = 12 (B).
    """
    found = find_deals(two_actors())
    d = found.deals
    assert list(d.columns) == list(DEAL_COLUMNS)
    assert len(d) == 1
    row = d.iloc[0]
    assert (row.a_actor, row.a_issue, row.b_actor, row.b_issue) == ("A", "q", "B", "p")
    assert (row.a_from, row.a_to) == pytest.approx((0.0, 100.0))
    assert (row.b_from, row.b_to) == pytest.approx((100.0, 0.0))
    assert (row.a_shift, row.b_shift) == pytest.approx((20.0, -20.0))
    assert (row.a_gain, row.b_gain) == pytest.approx((12.0, 12.0))
    pkg = found.package.set_index("issue")
    assert pkg.loc["p", "outcome_before"] == pytest.approx(20.0)
    assert pkg.loc["p", "outcome_after"] == pytest.approx(0.0)
    assert pkg.loc["q", "outcome_before"] == pytest.approx(80.0)
    assert pkg.loc["q", "outcome_after"] == pytest.approx(100.0)
    assert list(pkg["deals"]) == [1, 1]
    # the package's gain: A: 0.8*(20 - 0) + 0.2*(80 - 100) = 12; B likewise
    gains = found.gains.set_index("actor")["gain"]
    assert gains["A"] == pytest.approx(12.0)
    assert gains["B"] == pytest.approx(12.0)
    assert found.mutually_beneficial
    assert len(rival_bids(found)) == 2
    assert (rival_bids(found)["rival"] == "").all()


def test_scales_and_saliences_are_the_models() -> None:
    """The same case on a 0-100 salience scale and an issue scale of -1..1."""
    s = two_actors().model_dump()
    for st_ in s["stances"]:
        st_["salience"] *= 100
        st_["position"] = st_["position"] / 50 - 1
    s["salience_max"] = 100.0
    s["issues"] = [{"id": i, "scale": {"min": -1, "max": 1}} for i in ("p", "q")]
    found = find_deals(Scenario.model_validate(s))
    row = found.deals.iloc[0]
    assert (row.a_from, row.a_to, row.b_from, row.b_to) == pytest.approx((-1, 1, 1, -1))
    assert (row.a_shift, row.b_shift) == pytest.approx((0.4, -0.4))  # 20 points of 100
    assert (row.a_gain, row.b_gain) == pytest.approx((12.0, 12.0))  # on 0-100 and 0-1


def three_actors() -> Scenario:
    return scenario(
        {"A": (1.0, "West"), "B": (1.0, "East"), "C": (1.0, "Other")},
        {
            ("A", "p"): (0.0, 0.8),
            ("A", "q"): (0.0, 0.2),
            ("B", "p"): (100.0, 0.2),
            ("B", "q"): (100.0, 0.8),
            ("C", "p"): (100.0, 0.3),
            ("C", "q"): (100.0, 0.7),
        },
    )


def test_three_actors_deal_and_rival_by_hand() -> None:
    """C competes with B for A's concession on q.

    Weights: p 0.8 + 0.2 + 0.3 = 1.3, q 0.2 + 0.8 + 0.7 = 1.7.  A-B: B going all the
    way would ask A to move 100*0.2/1.3 * 1.7/0.2 > 100, so A's full move (to 100)
    binds: dq = 100*0.2/1.7 = 20/1.7, dp = dq (ratio (0.2+0.8)/(0.8+0.2) = 1), and the
    gain is 0.8 dq - 0.2 dq = 12/1.7.  A-C: A's full move binds again, dq = 20/1.7 and
    dp = (0.2+0.7)/(0.8+0.3) dq, so A's gain is 0.8 dp - 0.2 dq = (20/1.7)(0.72/1.1 -
    0.2).  The model executes A-B (the larger gain); A's own move then leaves nothing to
    trade with C.  C's offer to A is the rival bid, short by 12/1.7 - 5.3476.
    """
    found = find_deals(three_actors())
    assert len(found.deals) == 1
    row = found.deals.iloc[0]
    assert (row.a_actor, row.b_actor) == ("A", "B")
    dq = 20 / 1.7
    assert row.a_gain == pytest.approx(0.6 * dq)
    assert row.b_to == pytest.approx(100 - dq * 1.3 / 0.2)
    rivals = rival_bids(found)
    assert list(rivals.columns) == list(RIVAL_COLUMNS)
    for_a = rivals[rivals["partner"] == "A"].iloc[0]
    rival_gain = dq * (0.8 * 0.9 / 1.1 - 0.2)
    assert for_a["rival"] == "C"
    assert for_a["offer_gain"] == pytest.approx(0.6 * dq)
    assert for_a["rival_gain"] == pytest.approx(rival_gain)
    assert for_a["margin"] == pytest.approx(rival_gain - 0.6 * dq)
    assert not for_a["outbid"]
    assert (for_a["partner_from"], for_a["partner_to"]) == pytest.approx((0.0, 100.0))
    dp = 0.9 / 1.1 * dq
    assert (for_a["rival_from"], for_a["rival_to"]) == pytest.approx((100.0, 100 - dp * 1.3 / 0.3))
    for_b = rivals[rivals["partner"] == "B"].iloc[0]
    assert for_b["rival"] == ""  # C is on B's side of both forecasts: it cannot trade with B


def test_rival_outbids_and_sides_exclude_the_dealers_side() -> None:
    """C, powerful on q and caring little about p, offers A more than B does.

    A's full move on q binds both offers (dq = 100*0.2/3.7), so A's gain is
    dq (0.8 (0.2 + s_Xq)/(0.8 + s_Xp) - 0.2): 0.6 dq from B, 0.78 dq from C.
    """
    s = scenario(
        {"A": (1.0, "West"), "B": (1.0, "East"), "C": (3.0, "Other")},
        {
            ("A", "p"): (0.0, 0.8),
            ("A", "q"): (0.0, 0.2),
            ("B", "p"): (100.0, 0.2),
            ("B", "q"): (100.0, 0.8),
            ("C", "p"): (100.0, 0.1),
            ("C", "q"): (100.0, 0.9),
        },
    )
    sides = resolve_sides(s, "West", "East")
    found = find_deals(s, sides=sides)
    assert [(r.a_actor, r.b_actor) for r in found.deals.itertuples()] == [("A", "B")]
    rivals = rival_bids(found).set_index("partner")
    offers = found.offers
    a_c = offers[(offers["i_actor"] == "A") & (offers["j_actor"] == "C")].iloc[0]
    assert rivals.loc["A", "rival"] == "C"
    assert rivals.loc["A", "rival_gain"] == pytest.approx(a_c["i_gain"])
    dq = 20 / 3.7
    assert rivals.loc["A", "offer_gain"] == pytest.approx(0.6 * dq)
    assert rivals.loc["A", "rival_gain"] == pytest.approx(dq * (0.8 * 1.1 / 0.9 - 0.2))
    assert rivals.loc["A", "outbid"]
    # C in East: no longer a rival of B for A
    s2 = s.model_copy(deep=True)
    s2.actors[2].group = "East"
    found2 = find_deals(s2, sides=resolve_sides(s2, "West", "East"))
    assert set(found2.deals["b_actor"]) <= {"B", "C"}
    assert (rival_bids(found2)["rival"] == "").all()


# -- properties --------------------------------------------------------------------------


@st.composite
def random_cases(draw: st.DrawFn) -> tuple[Scenario, int]:
    n = draw(st.integers(2, 6))
    k = draw(st.integers(2, 4))
    group = st.sampled_from(["G1", "G2", None])
    actors = {f"a{t}": (draw(st.floats(0.1, 10)), draw(group)) for t in range(n)}
    issues = tuple(f"i{t}" for t in range(k))
    stances = {}
    for a in actors:
        for i in issues:
            if draw(st.integers(0, 6)) == 0:
                continue
            stances[(a, i)] = (
                draw(st.floats(0, 100).map(lambda v: round(v, 3))),
                draw(st.floats(0.05, 1).map(lambda v: round(v, 3))),
            )
    seed = draw(st.integers(0, 2**31))
    return scenario(actors, stances, issues=issues, sd=5.0), seed


def _apply(found: Any, s: Scenario) -> np.ndarray:
    """Execute the deals in order on the initial positions; the weighted mean after."""
    arrays = scenario_arrays(s)
    x = arrays.positions.copy()
    a_idx = {a: t for t, a in enumerate(arrays.actor_ids)}
    i_idx = {i: t for t, i in enumerate(arrays.issue_ids)}
    for r in found.deals.itertuples():
        for actor, issue, frm, to in (
            (r.a_actor, r.a_issue, r.a_from, r.a_to),
            (r.b_actor, r.b_issue, r.b_from, r.b_to),
        ):
            assert x[a_idx[actor], i_idx[issue]] == pytest.approx(frm, abs=1e-9)
            x[a_idx[actor], i_idx[issue]] = to
    w = np.where(arrays.has_stance, arrays.saliences * arrays.capabilities[:, None], 0.0)
    return np.asarray(np.nansum(np.where(arrays.has_stance, x, 0) * w, axis=0) / w.sum(axis=0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cases(), st.booleans())
def test_properties_of_every_search(case: tuple[Scenario, int], restrict: bool) -> None:
    s, _seed = case
    groups = {a.group for a in s.actors if a.group}
    sides = resolve_sides(s, "G1", "G2") if restrict and groups == {"G1", "G2"} else None
    found = find_deals(s, sides=sides)
    d = found.deals
    # every listed deal is mutually beneficial
    assert (d["a_gain"] > 0).all() and (d["b_gain"] > 0).all()
    assert d["mutual"].all()
    # ... with the model's own (equal) gain for both sides
    # (in decide's arithmetic where the float engine met a near-tie, as the model does)
    if found.arithmetic == "decimal":
        run = run_exchange(found._problem, rounds=1)
        engine_gain = run.exchanges["gain"].to_numpy(dtype=float)
        engine_after = found._problem.to_own(run.nbs_voting[0])
    else:
        rnd = exchange_round(s, pairs=None if sides is None else _mask(s, sides))
        engine_gain = rnd.executed["gain"].to_numpy(dtype=float)
        engine_after = rnd.package["outcome_after"].to_numpy()
    assert np.allclose(np.sort(d["a_gain"]), np.sort(engine_gain), rtol=1e-9, atol=1e-12)
    # --between restricts: one actor on each side, side A first
    if sides is not None:
        assert d["a_actor"].isin(sides.members[0]).all()
        assert d["b_actor"].isin(sides.members[1]).all()
    # the package is the deals executed in order, and the sum of their shifts
    pkg = found.package.set_index("issue")
    with np.errstate(invalid="ignore"):
        after = _apply(found, s)
    ok = np.isfinite(after)
    assert np.allclose(pkg["outcome_after"].to_numpy()[ok], after[ok], atol=1e-9)
    shifts = pkg["shift"].copy() * 0
    for r in d.itertuples():
        shifts[r.a_issue] += r.a_shift
        shifts[r.b_issue] += r.b_shift
    assert np.allclose(pkg["shift"], shifts, atol=1e-9)
    assert np.allclose(pkg["outcome_after"] - pkg["outcome_before"], pkg["shift"], atol=1e-9)
    assert np.allclose(pkg["outcome_after"].to_numpy()[ok], engine_after[ok], atol=1e-9)
    # every rival row is an offer of a third actor, and the best one
    rivals = rival_bids(found)
    assert len(rivals) == 2 * len(d)
    named = rivals[rivals["rival"] != ""]
    deals_by_no = d.set_index("deal")
    for r in named.itertuples():
        deal = deals_by_no.loc[r.deal]
        assert r.rival not in {deal.a_actor, deal.b_actor}
        assert r.outbid == (r.margin > 1e-12)
        assert r.margin == pytest.approx(r.rival_gain - r.offer_gain)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cases())
def test_random_rates_gains_from_the_moves(case: tuple[Scenario, int]) -> None:
    """REX: the same seed gives the same deals; gains are those of the actual moves."""
    s, seed = case
    one = find_deals(s, seed=seed, variant="random_rate", p=0.5)
    two = find_deals(s, seed=seed, variant="random_rate", p=0.5)
    assert one.deals.equals(two.deals)
    d = one.deals
    assert (d["mutual"] == ((d["a_gain"] > 1e-12) & (d["b_gain"] > 1e-12))).all()
    with np.errstate(invalid="ignore"):
        after = _apply(one, s)
    ok = np.isfinite(after)
    assert np.allclose(one.package["outcome_after"].to_numpy()[ok], after[ok], atol=1e-9)


def _mask(s: Scenario, sides: Any) -> np.ndarray:
    from detente.bargaining.deals import pair_mask

    m = pair_mask(s.actor_ids, sides)
    assert m is not None
    return m


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cases())
def test_robust_same_seed_same_bits(case: tuple[Scenario, int]) -> None:
    s, seed = case
    found = find_deals(s)
    draws = sample_inputs(s, 80, seed=seed)
    one = robust_deals(found, draws, seed=seed, workers=1)
    two = robust_deals(found, sample_inputs(s, 80, seed=seed), seed=seed, workers=2)
    assert list(one.deals.columns) == list(ROBUST_COLUMNS)
    assert one.deals.equals(two.deals)
    assert one.package.equals(two.package)
    assert one.package_holds == two.package_holds or np.isnan(one.package_holds)
    h = one.deals
    assert ((h["executed"] <= h["holds"]) & (h["holds"] <= 1)).all()
    assert (h["point_only"] == (h["holds"] < 0.5)).all()


def test_robust_at_the_point_estimate_holds_everywhere() -> None:
    """Draws that all equal the point estimate: every deal holds and is executed."""
    s = three_actors()
    found = find_deals(s)
    rob = robust_deals(found, BatchInputs.from_arrays(scenario_arrays(s), replicates=5))
    row = rob.deals.iloc[0]
    assert (row["holds"], row["executed"]) == (1.0, 1.0)
    assert row["a_gain_p50"] == pytest.approx(found.deals.iloc[0]["a_gain"])
    assert not row["point_only"]
    assert rob.package_holds == 1.0
    assert rob.overlap == 1.0
    assert rob.package["gain_p05"].to_numpy() == pytest.approx(found.side_gains["gain"].to_numpy())


def test_a_deal_that_breaks_under_uncertainty_is_flagged() -> None:
    """C holds q's forecast near 40.5; A and B sit just either side of it.

    With sd 10 on A's and B's positions on q, many draws put both on one side of the
    forecast, where they cannot trade.
    """
    s = scenario(
        {"A": (1.0, None), "B": (1.0, None), "C": (100.0, None)},
        {
            ("A", "p"): (0.0, 0.8),
            ("A", "q"): (40.0, 0.2, 10.0),
            ("B", "p"): (100.0, 0.2),
            ("B", "q"): (41.0, 0.8, 10.0),
            ("C", "q"): (40.5, 1.0),
        },
    )
    found = find_deals(s)
    assert len(found.deals) == 1
    rob = robust_deals(found, sample_inputs(s, 400, seed=3), seed=3)
    row = rob.deals.iloc[0]
    assert 0.0 < row["holds"] < 0.5
    assert row["point_only"]


# -- sides ----------------------------------------------------------------------------------


def test_sides_by_id_group_and_case() -> None:
    s = three_actors()
    sides = resolve_sides(s, "west", "B")
    assert sides.names == ("West", "B")
    assert sides.members == (("A",), ("B",))
    with pytest.raises(InputError, match="share A"):
        resolve_sides(s, "A", "West")
    with pytest.raises(InputError) as err:
        resolve_sides(s, "Wets", "B")
    text = str(err.value)
    assert "--between" in text and "'West'" in text and "groups: East, Other, West" in text


def test_scenario_sides_table() -> None:
    s = three_actors().model_copy(update={"deals": {"between": ["West", "East"]}})
    assert scenario_sides(s) is not None
    for bad, field in (
        ({"between": ["West"]}, "deals.between"),
        ({"between": "West East"}, "deals.between"),
        ({"between": ["West", "Nowhere"]}, "deals.between"),
        ({"sides": ["West", "East"]}, "deals.sides"),
    ):
        with pytest.raises(InputError) as err:
            scenario_sides(s.model_copy(update={"deals": bad}))
        assert err.value.problems[0].field == field


# -- the flagship ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Scenario:
    from detente.data import resolve_capabilities

    return resolve_capabilities(load_scenario(EXAMPLE))


def test_example_package_between_europe_and_turkey(example: Scenario) -> None:
    """The flagship's package (float engine: 1e-9 on the issues' scales and gains)."""
    sides = scenario_sides(example)
    assert sides is not None and sides.names == ("Europe", "TUR")
    found = find_deals(example, sides=sides)
    d = found.deals
    assert len(d) == 8
    assert set(d["b_actor"]) == {"TUR"}
    first = d.iloc[0]
    assert (first.a_actor, first.a_issue, first.b_issue) == ("EU", "pkk_ypg", "economy")
    assert (first.a_from, first.a_to) == pytest.approx((30.0, 78.218905), abs=1e-6)
    assert (first.b_from, first.b_to) == pytest.approx((90.0, 40.0), abs=1e-9)
    assert first.a_gain == pytest.approx(0.342163, abs=1e-6)
    pkg = found.package.set_index("issue")["shift"]
    assert pkg["pkk_ypg"] == pytest.approx(2.168023, abs=1e-6)
    assert pkg["economy"] == pytest.approx(2.042506, abs=1e-6)
    sg = found.side_gains.set_index("side")["gain"]
    assert sg["TUR"] > 0 > sg["Europe"]  # each deal pays both actors; Europe as a whole loses
    assert not found.mutually_beneficial


def test_example_rival_bid_from_moscow(example: Scenario) -> None:
    found = find_deals(example, sides=scenario_sides(example))
    rivals = rival_bids(found)
    out = rivals[rivals["outbid"]]
    assert {"RUS"} <= set(out["rival"])
    moscow = out[(out["rival"] == "RUS") & (out["partner"] == "TUR")].iloc[0]
    assert moscow["partner_gets"] == "economy"
    assert moscow["margin"] > 0


def test_example_numbers_of_the_model_card(example: Scenario) -> None:
    """The worked example in docs/models/exchange.md (``--draws 1000 --seed 1``).

    Shares are counts of draws: they may move by a draw or two (0.002) where the float
    engine settles a near-tie differently on another numpy or numba build.
    """
    from detente.pipeline.deals import run_deals

    res = run_deals(example, draws=1000, seed=1)
    robust = res.robust
    assert robust is not None
    holds = robust.set_index("deal")["holds"]
    assert holds[1] == pytest.approx(0.49, abs=0.002)
    assert holds[2] == pytest.approx(0.809, abs=0.002)
    assert holds[3] == pytest.approx(0.998, abs=0.002)
    assert list(robust.loc[robust["point_only"], "deal"]) == [1, 6, 8]
    sides = res.side_gains.set_index("side")
    assert sides.loc["Europe", "gain"] == pytest.approx(-0.814, abs=5e-4)
    assert sides.loc["TUR", "gain"] == pytest.approx(0.974, abs=5e-4)
    assert sides.loc["Europe", "gains"] == pytest.approx(0.40, abs=0.005)
    assert sides.loc["TUR", "gains"] == 1.0
    assert sides.loc["Europe", "gain_p05"] == pytest.approx(-10.2, abs=0.1)
    assert sides.loc["Europe", "gain_p95"] == pytest.approx(6.4, abs=0.1)
    assert res.overlap == pytest.approx(0.46, abs=0.005)
    gains = res.gains.set_index("actor")["gain"].round(2).to_dict()
    assert {a: gains[a] for a in ("EU", "FRA", "ITA")} == {"EU": -0.52, "FRA": -1.18, "ITA": -1.13}
    assert all(gains[a] > 0 for a in ("DEU", "GBR", "GRC", "POL"))
    out = res.rivals[res.rivals["outbid"]].set_index("deal")
    assert out.loc[3, "rival"] == "RUS" and out.loc[3, "partner"] == "TUR"
    assert out.loc[3, "margin"] == pytest.approx(0.009, abs=5e-4)
    assert out.loc[7, "rival"] == "UKR" and out.loc[7, "margin"] == pytest.approx(0.078, abs=5e-4)
    shifts = res.package.set_index("issue")["shift"].round(2).to_dict()
    assert shifts == {
        "troops": -0.08,
        "economy": 2.04,
        "pkk_ypg": 2.17,
        "accession": -2.0,
        "refugees": -0.76,
        "arms": -1.43,
    }


@pytest.mark.parametrize(
    "case", ["sample_data/sample_data.txt", "copenhagen/copenhagen.csv", "cop21/cop21.csv"]
)
def test_deals_are_decides_first_round(case: str) -> None:
    """Every decide reference run's first round, deal for deal (1e-9 on 0-100).

    sample_data meets a near-tie in its first round (two exchanges of equal gain with the
    roles reversed) that a float decision orders otherwise; the engine settles it in
    decide's arithmetic, as the model does.
    """
    import pandas as pd

    from support import shared_path

    path = shared_path("reference", "decide", case)
    s = load_scenario(path)
    ref = pd.read_csv(path.parent / "equal_det" / "exchanges.csv")
    ref = ref[ref["round"] == 1].reset_index(drop=True)
    found = find_deals(s)
    d = found.deals
    assert len(d) == len(ref)
    assert list(d["a_actor"]) == list(ref["i_actor"].astype(str))
    assert list(d["b_actor"]) == list(ref["j_actor"].astype(str))
    assert list(d["a_issue"]) == list(ref["i_supply_issue"].astype(str))
    prob = found._problem
    idx = {i: t for t, i in enumerate(prob.issue_ids)}
    for tag, side in (("a", "i"), ("b", "j")):
        j = d[f"{tag}_issue"].map(idx).to_numpy()
        to_100 = (d[f"{tag}_to"].to_numpy() - prob.lower[j]) * prob.step[j]
        assert np.allclose(to_100, ref[f"{side}_voting"], atol=1e-9, rtol=0)
    assert np.allclose(d["a_gain"], ref["gain"], atol=1e-9, rtol=0)
    if case.startswith("sample"):
        assert found.arithmetic in {"settled", "decimal"} and found.knife_edges > 0
