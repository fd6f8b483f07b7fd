"""The ensemble's pieces: candidate features by hand, the candidate distribution, the
conditional logit, and what the fitted forecaster learns and promises."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.backtest.cases import load_cases
from detente.backtest.ensemble import (
    CANDIDATE_FEATURES,
    COMPROMISE_WEIGHTS,
    INTERVAL_TAILS,
    LOGIT_FEATURES,
    PENALTIES,
    CandidateDistribution,
    Ensemble,
    _ConditionalLogit,
    _Rows,
    _shrunk,
    _softmax_by_case,
    candidate_table,
)
from detente.backtest.forecasts import case_forecasts
from detente.backtest.run import _with_features
from detente.errors import InputError

ACTORS = ("com", "ep", "de", "fr", "it")


def write_deu(path: Path, rows: list[dict[str, Any]], caps: tuple[float, ...]) -> Path:
    """A DEU table (TAB-separated, capability row on line 2) with the actors ACTORS."""
    head = ["prnr", "isnr", "proc", "counvte"]
    head += [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS] + ["rp", "out"]

    def cell(v: Any) -> str:
        if v is None:
            return ""
        return f'"{v}"' if isinstance(v, str) else f"{v:.12g}"

    lines = ["\t".join(f'"{h}"' for h in head)]
    lines.append("\t".join(["", "", "", ""] + [f'"{c}"' for c in caps] + [""] * 7))
    for r in rows:
        vals: list[Any] = [r["prnr"], r["isnr"], r.get("proc", "COD"), r.get("counvte", "QMV")]
        vals += [r["pos"].get(a) for a in ACTORS] + [r["sal"].get(a) for a in ACTORS]
        vals += [r.get("rp"), r.get("out")]
        lines.append("\t".join(cell(v) for v in vals))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _table(tmp_path: Path, rows: list[dict[str, Any]], caps: tuple[float, ...]) -> Any:
    cases = load_cases(write_deu(tmp_path / "t.csv", rows, caps))
    fc, _ = case_forecasts(cases, _with_features(["mean_capability_salience"]))
    return cases, fc, candidate_table(cases, fc)


def test_candidate_features_by_hand(tmp_path: Path) -> None:
    # capabilities 1, 1, 2, 1, 1 and equal saliences: weight shares 1/6, 1/6, 2/6, 1/6, 1/6;
    # Council (DEU, FRA, ITA) shares 2/4, 1/4, 1/4
    sal = dict.fromkeys(ACTORS, 50)
    rows = [
        {
            "prnr": "d1",
            "isnr": "d1i1",
            "pos": {"com": 100, "ep": 0, "de": 0, "fr": 100, "it": 60},
            "sal": sal,
            "rp": 20,
            "out": 55,
        },
        {
            "prnr": "n2",
            "isnr": "n2i1",
            "proc": "CNS",
            "counvte": "Unan",
            "pos": {"com": 50, "ep": 50, "de": 40, "fr": 60, "it": 50},
            "sal": sal,
            "rp": 0,
        },
    ]
    _, _, t = _table(tmp_path, rows, (1, 1, 2, 1, 1))
    a = t[t["case"] == 0].reset_index(drop=True)
    mean = 260 / 6 / 100  # the compromise: (100 + 0 + 2*0 + 100 + 60) / 6
    assert a["x"].to_numpy() == pytest.approx([0.0, 0.2, mean, 0.6, 1.0])
    col = {c: a[c].to_numpy() for c in a.columns}
    assert col["share"] == pytest.approx([0.5, 0, 0, 1 / 6, 2 / 6])
    assert col["actor_share"] == pytest.approx([0.4, 0, 0, 0.2, 0.4])
    assert col["is_extreme"].tolist() == [1, 0, 0, 0, 1]
    assert col["is_ep"].tolist() == col["ep_x_cod"].tolist() == [1, 0, 0, 0, 0]
    assert col["is_com"].tolist() == col["com_x_cod"].tolist() == [0, 0, 0, 0, 1]
    assert col["is_rp"].tolist() == [0, 1, 0, 0, 0] and col["rp_x_unan"].sum() == 0
    assert col["is_held"].tolist() == [1, 0, 0, 1, 1]
    assert col["is_compromise"].tolist() == [0, 0, 1, 0, 0]
    # weight at or beyond the candidate on its weaker side
    assert col["support"] == pytest.approx([0.5, 0.5, 0.5, 0.5, 2 / 6])
    assert col["council_support"] == pytest.approx([0.5, 0.5, 0.5, 0.5, 0.25])
    assert col["in_qmv_core"].tolist() == [1, 1, 1, 1, 0]
    # closer to the candidate than to the reference point 20 (ITA at 60 is as close to
    # 100 as to 20: not counted)
    assert col["beats_rp"] == pytest.approx([0.5, 0, 0.5, 0.5, 2 / 6])
    assert col["council_beats_rp"] == pytest.approx([0.5, 0, 0.5, 0.5, 0.25])
    assert col["council_beats_rp_x_unan"].sum() == col["unanimous_over_rp"].sum() == 0
    assert col["dist_rp"] == pytest.approx(np.abs(a["x"].to_numpy() - 0.2))
    assert col["dist_mean_capability_salience"] == pytest.approx(np.abs(a["x"] - mean))
    # outcome 55: no candidate is the outcome; the nearest is 60
    assert col["is_outcome"].sum() == 0 and col["target"].tolist() == [0, 0, 0, 1, 0]

    b = t[t["case"] == 1].reset_index(drop=True)
    mean_b = (50 + 50 + 80 + 60 + 50) / 6 / 100
    assert b["x"].to_numpy() == pytest.approx(sorted([0.0, 0.4, mean_b, 0.5, 0.6]))
    rp_row = b["x"] == 0.0
    # under unanimity every Council member prefers any held position to the status quo 0
    assert b.loc[~rp_row, "unanimous_over_rp"].tolist() == [1, 1, 1, 1]
    assert b.loc[rp_row, "unanimous_over_rp"].tolist() == [0]
    assert b.loc[rp_row, "rp_x_unan"].tolist() == [1]
    assert (b["council_support_x_unan"] == b["council_support"]).all()
    assert b["com_x_cod"].sum() == 0 and b["is_outcome"].isna().all()
    assert list(t.columns[4:]) == list(CANDIDATE_FEATURES)


def test_nearest_candidate_target_splits_ties(tmp_path: Path) -> None:
    rows = [
        {
            "prnr": "d1",
            "isnr": "d1i1",
            "pos": {"com": 0, "ep": 100, "de": 0, "fr": 100, "it": 0},
            "sal": dict.fromkeys(ACTORS, 50),
            "out": 25,  # mean is 40 (caps 1, 1, 1, 1, 1): nearest is 40; 0 is 25 away
        },
        {
            "prnr": "d2",
            "isnr": "d2i1",
            "pos": {"com": 20, "ep": 60, "de": 20, "fr": 60},
            "sal": {"com": 10, "ep": 10, "de": 10, "fr": 10},
            "out": 30,  # candidates 20, 40 (mean), 60: 20 and 40 are both 10 away
        },
    ]
    _, _, t = _table(tmp_path, rows, (1, 1, 1, 1, 1))
    first = t[t["case"] == 0]
    assert first["x"].tolist() == pytest.approx([0.0, 0.4, 1.0])
    assert first["target"].tolist() == [0, 1, 0]
    second = t[t["case"] == 1]
    assert second["x"].tolist() == pytest.approx([0.2, 0.4, 0.6])
    assert second["target"].tolist() == [0.5, 0.5, 0]


def test_candidate_distribution_by_hand() -> None:
    case = np.array([1, 0, 0, 1, 0])
    x = np.array([0.8, 0.9, 0.1, 0.2, 0.5])
    p = np.array([0.5, 0.4, 0.3, 0.5, 0.3])
    d = CandidateDistribution(case, x, p, 3)
    assert d.has().tolist() == [True, True, False]
    m = d.mean()
    assert m[:2] == pytest.approx([0.03 + 0.15 + 0.36, 0.5]) and math.isnan(m[2])
    assert d.quantile(0.5)[:2].tolist() == [0.5, 0.2]  # smallest reaching half
    assert d.quantile(0.1)[:2].tolist() == [0.1, 0.2]
    assert d.quantile(0.7)[:2].tolist() == [0.9, 0.8]
    assert math.isnan(d.quantile(0.5)[2])


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=8),
    seed=st.integers(0, 2**32 - 1),
    q=st.floats(0.01, 0.99),
)
def test_candidate_distribution_properties(sizes: list[int], seed: int, q: float) -> None:
    rng = np.random.default_rng(seed)
    case = np.repeat(np.arange(len(sizes)), sizes)
    x = rng.random(case.size)
    p = _softmax_by_case(case, rng.normal(size=case.size) * 3, len(sizes))
    perm = rng.permutation(case.size)  # row order must not matter
    d = CandidateDistribution(case[perm], x[perm], p[perm], len(sizes))
    total = np.zeros(len(sizes))
    np.add.at(total, case, p)
    assert total == pytest.approx(1.0)
    lo = np.array([x[case == i].min() for i in range(len(sizes))])
    hi = np.array([x[case == i].max() for i in range(len(sizes))])
    for v in (d.mean(), d.quantile(q), d.quantile(0.5)):
        assert np.all(v >= lo - 1e-12) and np.all(v <= hi + 1e-12)
    assert np.all(d.quantile(q) <= d.quantile(min(0.999, q + 0.2)))
    # the quantile is a candidate whose cumulative probability reaches q, and the one
    # before it does not
    for i in range(len(sizes)):
        xi, pi = x[case == i], p[case == i]
        order = np.argsort(xi)
        cum = np.cumsum(pi[order])
        k = int(np.flatnonzero(cum >= q - 1e-12)[0])
        assert d.quantile(q)[i] == xi[order][k]


def test_conditional_logit_recovers_its_coefficients() -> None:
    rng = np.random.default_rng(7)
    beta = np.array([1.5, -1.0, 0.0])
    sizes = rng.integers(2, 6, size=3000)
    case = np.repeat(np.arange(sizes.size), sizes)
    z = rng.normal(size=(case.size, 3))
    p = _softmax_by_case(case, z @ beta, sizes.size)
    # draw one chosen candidate per issue
    u = rng.random(sizes.size)
    cum = np.cumsum(p)
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    before = np.repeat(cum[start] - p[start], sizes)
    chosen = (cum - before >= u[case]) & (cum - before - p < u[case])
    assert np.array_equal(np.bincount(case, weights=chosen), np.ones(sizes.size))
    clf = _ConditionalLogit(c=1e6).fit(z, case, chosen.astype(float))
    assert clf.scale is not None
    # standardised coefficients: scale back to the raw features
    assert clf.beta / clf.scale == pytest.approx(beta, abs=0.12)
    # a strong penalty shrinks them towards 0
    weak = _ConditionalLogit(c=1e-4).fit(z, case, chosen.astype(float))
    assert np.abs(weak.beta).max() < 0.25 * np.abs(clf.beta).max()


def _rule_rows(rng: np.random.Generator, n_props: int) -> list[dict[str, Any]]:
    """Issues whose outcome is always the Parliament's position."""
    grid = np.array([0, 25, 50, 75, 100])
    rows = []
    for k in range(n_props):
        for j in range(2):
            pos = {a: int(rng.choice(grid)) for a in ACTORS}
            sal = {a: int(rng.integers(10, 100)) for a in ACTORS}
            rows.append(
                {"prnr": f"d{k}", "isnr": f"d{k}i{j}", "pos": pos, "sal": sal, "out": pos["ep"]}
            )
    return rows


def test_ensemble_learns_a_simple_rule_and_keeps_its_promises(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    caps = (4.1, 4.1, 4.1, 2.8, 2.09)
    train = load_cases(write_deu(tmp_path / "train.csv", _rule_rows(rng, 40), caps))
    test = load_cases(write_deu(tmp_path / "test.csv", _rule_rows(rng, 15), caps))
    models = _with_features(["mean_capability_salience"])
    fc_tr, _ = case_forecasts(train, models)
    fc_te, _ = case_forecasts(test, models)
    ens = Ensemble().fit(train, fc_tr)
    assert ens.penalty in PENALTIES and ens.tail in INTERVAL_TAILS and ens.q is not None
    # the candidates pay here, so the ensemble does not hide behind the compromise
    assert ens.compromise_weight is not None and ens.compromise_weight < 0.5
    out = ens.predict(test, fc_te)
    y = np.array([c.outcome for c in test])
    base = np.abs(fc_te["mean_capability_salience"].to_numpy() - y).mean()
    err = np.abs(out.point - y)
    assert err.mean() < 3.0 < base  # it has learnt to back the Parliament
    assert np.all(out.lower <= out.point) and np.all(out.point <= out.upper)
    assert np.all(out.lower >= 0) and np.all(out.upper <= 100)
    assert out.covered(y).mean() >= 0.8
    # seeded by nothing: the same data give the same forecasts, bit for bit
    again = Ensemble().fit(train, fc_tr).predict(test, fc_te)
    assert np.array_equal(again.point, out.point) and np.array_equal(again.lower, out.lower)


def test_ensemble_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        Ensemble(nominal=1.2)
    with pytest.raises(InputError, match="penalties"):
        Ensemble(penalties=[0.01, 0.0])
    with pytest.raises(InputError, match="penalties"):
        Ensemble(penalties=[])
    with pytest.raises(InputError, match="compromise weights"):
        Ensemble(compromise_weights=[0.0, 1.5])
    with pytest.raises(InputError, match="interval tails"):
        Ensemble(interval_tails=[0.7])
    with pytest.raises(InputError, match="unknown ensemble feature"):
        Ensemble(features=["is_ep", "colour"])
    with pytest.raises(InputError, match="2 folds"):
        Ensemble(folds=1)
    rng = np.random.default_rng(0)
    cases = load_cases(write_deu(tmp_path / "one.csv", _rule_rows(rng, 1), (1, 1, 1, 1, 1)))
    fc, _ = case_forecasts(cases, _with_features(["mean_capability_salience"]))
    with pytest.raises(RuntimeError, match="fit"):
        Ensemble().predict(cases, fc)
    with pytest.raises(InputError, match="two proposals"):
        Ensemble().fit(cases, fc)
    # two proposals, one with a single issue: a fold would learn from one issue
    rows = _rule_rows(rng, 2)[1:]
    cases = load_cases(write_deu(tmp_path / "two.csv", rows, (1, 1, 1, 1, 1)))
    fc, _ = case_forecasts(cases, _with_features(["mean_capability_salience"]))
    with pytest.raises(InputError, match="too few decided issues to choose"):
        Ensemble().fit(cases, fc)


def _mean_rows(rng: np.random.Generator, n_props: int) -> list[dict[str, Any]]:
    """Issues whose outcome is the capability × salience weighted mean (ACTORS, CAPS_EQ)."""
    grid = np.array([0, 20, 40, 60, 80, 100])
    rows = []
    for k in range(n_props):
        for j in range(2):
            pos = {a: int(rng.choice(grid)) for a in ACTORS}
            sal = {a: int(rng.integers(10, 100)) for a in ACTORS}
            w = np.array([sal[a] for a in ACTORS], dtype=float)
            mean = float(np.array([pos[a] for a in ACTORS]) @ w / w.sum())
            rows.append({"prnr": f"d{k}", "isnr": f"d{k}i{j}", "pos": pos, "sal": sal, "out": mean})
    return rows


def test_training_issues_settled_by_the_compromise_make_it_the_compromise(
    tmp_path: Path,
) -> None:
    """Where the candidates never beat the compromise, the choice made inside the
    training issues is the compromise model itself (weight 1), and the forecasts are
    the weighted mean."""
    rng = np.random.default_rng(11)
    caps = (1, 1, 1, 1, 1)
    train = load_cases(write_deu(tmp_path / "train.csv", _mean_rows(rng, 30), caps))
    test = load_cases(write_deu(tmp_path / "test.csv", _mean_rows(rng, 10), caps))
    models = _with_features(["mean_capability_salience"])
    fc_tr, _ = case_forecasts(train, models)
    fc_te, _ = case_forecasts(test, models)
    ens = Ensemble().fit(train, fc_tr)
    assert ens.compromise_weight == 1.0
    out = ens.predict(test, fc_te)
    mean = fc_te["mean_capability_salience"].to_numpy()
    assert out.point == pytest.approx(mean, abs=1e-6)
    # the selection table: every (penalty, weight) pair once, the chosen one the best,
    # and among equals the simplest (most weight on the compromise, strongest penalty)
    sel = ens.selection
    assert sel is not None and len(sel) == len(PENALTIES) * len(COMPROMISE_WEIGHTS)
    assert int(sel["chosen"].sum()) == 1
    chosen = sel[sel["chosen"]].iloc[0]
    assert chosen["oof_mae"] <= sel["oof_mae"].min() + 1e-9
    assert chosen["penalty"] == min(PENALTIES)


def test_selection_breaks_ties_toward_the_simpler_forecaster(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    caps = (4.1, 4.1, 4.1, 2.8, 2.09)
    cases = load_cases(write_deu(tmp_path / "train.csv", _rule_rows(rng, 30), caps))
    fc, _ = case_forecasts(cases, _with_features(["mean_capability_salience"]))
    ens = Ensemble().fit(cases, fc)
    sel = ens.selection
    assert sel is not None
    best = sel["oof_mae"].min()
    tied = sel[sel["oof_mae"] <= best + 1e-10]
    top = tied.sort_values(["compromise_weight", "penalty"], ascending=[False, True]).iloc[0]
    assert (ens.penalty, ens.compromise_weight) == (top["penalty"], top["compromise_weight"])


def test_shrinkage_toward_the_compromise_by_hand() -> None:
    table = {
        "case": np.array([0, 0, 0, 1, 1]),
        "x": np.array([0.1, 0.4, 0.9, 0.2, 0.7]),
        "target": np.zeros(5),
        "is_compromise": np.array([0.0, 1.0, 0.0, 0.0, 0.0]),  # issue 1 has none
    }
    frame = pd.DataFrame({**table, "is_ep": np.zeros(5)})
    rows = _Rows.of(frame, 2, ["is_ep"])
    p = np.array([0.5, 0.3, 0.2, 0.6, 0.4])
    d = _shrunk(p, rows, 0.25)
    assert d.p == pytest.approx([0.375, 0.475, 0.15, 0.6, 0.4])
    assert _shrunk(p, rows, 0.0).p == pytest.approx(p)
    one = _shrunk(p, rows, 1.0)
    assert one.p[:3] == pytest.approx([0, 1, 0]) and one.quantile(0.5)[0] == 0.4


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    alpha=st.floats(0.5001, 1.0),
)
def test_more_than_half_on_the_compromise_forecasts_it(
    sizes: list[int], seed: int, alpha: float
) -> None:
    """The median of (1 - a) p + a [compromise] is the compromise once a > 1/2."""
    rng = np.random.default_rng(seed)
    case = np.repeat(np.arange(len(sizes)), sizes)
    x = rng.random(case.size)
    comp = np.zeros(case.size)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    comp[starts + rng.integers(0, sizes)] = 1.0
    frame = pd.DataFrame({"case": case, "x": x, "target": 0.0, "is_compromise": comp, "f": 0.0})
    rows = _Rows.of(frame, len(sizes), ["f"])
    p = _softmax_by_case(case, rng.normal(size=case.size) * 3, len(sizes))
    med = _shrunk(p, rows, alpha).quantile(0.5)
    assert med == pytest.approx(x[comp == 1.0])


def test_out_of_fold_probabilities_never_see_their_own_outcome(tmp_path: Path) -> None:
    """An issue's out-of-fold distribution is fitted without it: changing its outcome
    (its target) changes the other issues' distributions, never its own."""
    rng = np.random.default_rng(5)
    cases = load_cases(
        write_deu(tmp_path / "t.csv", _rule_rows(rng, 12), (4.1, 4.1, 4.1, 2.8, 2.09))
    )
    fc, _ = case_forecasts(cases, _with_features(["mean_capability_salience"]))
    ens = Ensemble(penalties=[0.05])
    rows = _Rows.of(candidate_table(cases, fc), len(cases), LOGIT_FEATURES)
    groups = np.array([c.proposal for c in cases])
    before = ens._out_of_fold(rows, groups)[0.05]
    mine = rows.case == 0
    target = rows.target.copy()
    target[mine] = target[mine][::-1]  # another nearest candidate for issue 0
    assert not np.array_equal(target, rows.target)
    after = ens._out_of_fold(dataclasses.replace(rows, target=target), groups)[0.05]
    assert np.array_equal(before[mine], after[mine])
    assert not np.array_equal(before[~mine], after[~mine])


def test_the_order_of_the_training_issues_does_not_matter(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    caps = (4.1, 4.1, 4.1, 2.8, 2.09)
    cases = load_cases(write_deu(tmp_path / "t.csv", _rule_rows(rng, 25), caps))
    test = load_cases(write_deu(tmp_path / "u.csv", _rule_rows(rng, 8), caps))
    models = _with_features(["mean_capability_salience"])
    fc, _ = case_forecasts(cases, models)
    fc_te, _ = case_forecasts(test, models)
    a = Ensemble().fit(cases, fc)
    b = Ensemble().fit(cases[::-1], fc.iloc[::-1])
    assert (a.penalty, a.compromise_weight, a.tail) == (b.penalty, b.compromise_weight, b.tail)
    assert a.q == pytest.approx(b.q, abs=1e-9)
    pa, pb = a.predict(test, fc_te), b.predict(test, fc_te)
    assert pa.point == pytest.approx(pb.point, abs=1e-9)
    assert pa.lower == pytest.approx(pb.lower, abs=1e-7)
