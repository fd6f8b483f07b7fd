"""Readable labels, fixed colours and quadrant labels of the report's charts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.pipeline.results import OutcomeInfo, StrategyResults
from detente.report import charts
from detente.report.labels import describe, label_of, score_column, strategy_label, unit_of
from detente.report.strategy import box_phrases, strategy_section


def test_every_partnership_name_has_a_label_and_no_code_style_unit() -> None:
    part = pytest.importorskip("detente.partnership.parameters")
    specs = [*part.UNCERTAINTIES, *part.LEVERS]
    for s in specs:
        assert "_" not in label_of(s.name), s.name
        unit = unit_of(s.name, {s.name: s.unit})
        assert "_" not in unit and "/" not in unit, (s.name, unit)
    for o in part.OUTCOMES:
        assert "_" not in label_of(o.name), o.name


def test_labels_fall_back_and_user_units_win() -> None:
    assert label_of("eu_need_weight") == "Europe's cost of unmet need"
    assert label_of("some_new_thing") == "some new thing"
    assert unit_of("eu_need_weight") == "vu per tu-year"
    assert unit_of("eu_need_weight", {"eu_need_weight": ""}) == "vu per tu-year"
    assert unit_of("eu_need_weight", {"eu_need_weight": "vu/tu-yr"}) == "vu per tu-year"
    assert unit_of("eu_need_weight", {"eu_need_weight": "EUR bn"}) == "EUR bn"
    assert unit_of("trust0", {"trust0": "0-1"}) == "0–1"
    assert unit_of("mystery", {"mystery": "1/yr"}) == "per year"
    assert unit_of("mystery") == ""
    assert describe("us_commitment0") == "US commitment to Europe in year 1 (tu)"
    assert describe("eu_discount") == "Europe's yearly discount factor"
    assert score_column("max_regret", "vu") == "worst-case regret (vu)"
    assert score_column("p95", "vu") == "95th percentile (vu)"
    assert score_column("satisficing", "") == "share of futures meeting every threshold"
    assert strategy_label("integration") == "long-term integration"
    assert strategy_label("my_plan") == "my plan"


def test_box_phrases_use_labels_and_units() -> None:
    bounds = {"eu_need_weight": (0.5, 3.0), "trust0": (0.15, 0.4)}
    limits = {"eu_need_weight": (0.5, 1.72), "trust0": (0.2, 0.4)}
    assert box_phrases(limits, bounds, {"eu_need_weight": "vu/tu-yr"}) == [
        "Europe's cost of unmet need is below 1.72 vu per tu-year",
        "the initial trust is above 0.2",
    ]


def test_model_and_strategy_colours_are_fixed_by_name() -> None:
    a = charts.model_colours({"smp": "Spatial model", "mean": "Weighted mean"})
    b = charts.model_colours({"mean": "Mean (renamed)", "eum": "EU", "smp": "SMP"})
    assert a["Spatial model"] == b["SMP"] == charts.MODEL_COLOURS["smp"]
    assert a["Weighted mean"] == b["Mean (renamed)"] == charts.MODEL_COLOURS["mean"]
    extra = charts.model_colours({"zeta": "Z", "alpha": "A", "smp": "S"})
    assert extra["A"] != extra["Z"] and charts.MODEL_COLOURS["smp"] == extra["S"]
    assert len(set(charts.MODEL_COLOURS.values())) == len(charts.MODEL_COLOURS)
    s1 = charts.strategy_colours(["integration", "none"])
    s2 = charts.strategy_colours(["none", "hedged", "integration"])
    assert s1["integration"] == s2["integration"] and s1["none"] == s2["none"]


def test_actor_colours_are_replaced_when_too_alike() -> None:
    ok = charts.colour_scale(["A", "B"], ["#003399", "#e30a17"]).to_dict()
    assert ok["range"] == ["#003399", "#e30a17"]
    alike = charts.colour_scale(["A", "B", "C"], ["#c8102e", "#dc143c", "#003399"]).to_dict()
    assert alike["range"] == list(charts.ACTOR_PALETTE[:3])
    missing = charts.colour_scale(["A", "B"], ["#003399", None]).to_dict()
    assert missing["range"] == list(charts.ACTOR_PALETTE[:2])
    assert charts.distinct_colours(list(charts.ACTOR_PALETTE[:10]))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_placed_labels_never_overlap(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    px = rng.uniform(0, 640, n).tolist()
    py = rng.uniform(0, 400, n).tolist()
    text = [f"A{k} → B{k % 7}" for k in range(n)]
    spots = charts.place_labels(px, py, text, width=640, height=400, most=14)
    assert len(spots) <= 14
    boxes = []
    for k, words, ax, ay, align in spots:
        w = charts._CHAR_W * len(words)
        x0 = ax if align == "left" else ax - w
        box = (x0, ay - 6, x0 + w, ay + 6)
        assert box[0] >= 0 and box[2] <= 640 and box[1] >= 0 and box[3] <= 400
        assert text[k] in words
        boxes.append(box)
        # no label covers a point of another group
        for m in range(n):
            if text[m] in words:
                continue
            dot = (px[m] - 5, py[m] - 5, px[m] + 5, py[m] + 5)
            assert not charts._overlaps(box, dot)
    for a, b in itertools.combinations(boxes, 2):
        assert not charts._overlaps(a, b)


def test_quadrant_is_symmetric_and_draws_its_table() -> None:
    df = pd.DataFrame(
        {
            "challenger": ["A", "B"],
            "target": ["B", "A"],
            "gain_challenger": [0.4, 0.1],
            "gain_target": [-0.8, 0.2],
            "label": ["A → B", "B → A"],
        }
    )
    spec = charts.quadrant(
        df, x="gain_target", y="gain_challenger", x_title="x", y_title="y", label="label"
    )
    text = str(spec)
    assert "A → B" in text and "B → A" in text
    layers = spec["layer"]
    xs = [ly["encoding"].get("x", {}).get("scale", {}).get("domain") for ly in layers]
    dom = next(d for d in xs if d)
    assert dom[0] == pytest.approx(-dom[1]) and dom[1] == pytest.approx(0.8 * 1.15)


def _lab(matrix: np.ndarray, outcome: str) -> StrategyResults:
    return StrategyResults(
        strategies=["none", "transactional", "integration"],
        ranking=["integration", "transactional", "none"],
        outcome=outcome,
        rank_by="max_regret",
        horizon=5,
        n_scenarios=matrix.shape[1],
        sampler="lhs",
        outcomes={outcome: OutcomeInfo(outcome, "", 1.0)},
        matrices={outcome: matrix},
    )


def test_binary_outcome_is_drawn_as_shares() -> None:
    m = np.array([[0.0, 0, 0, 0], [1, 0, 0, 1], [1, 1, 1, 0]])
    section = strategy_section(_lab(m, "breakdown"))
    fig = next(f for f in section.figures() if f.id.startswith("strategy_dist_"))
    assert fig.table["share"].tolist() == [0.0, 0.5, 0.75]
    assert fig.title.startswith("Breakdown of the partnership")


def test_constant_strategy_is_named_not_drawn() -> None:
    rng = np.random.default_rng(0)
    m = np.vstack([np.zeros(200), rng.normal(1, 1, 200), rng.normal(2, 1, 200)])
    section = strategy_section(_lab(m, "turkey_payoff"))
    fig = next(f for f in section.figures() if f.id.startswith("strategy_dist_"))
    assert set(fig.table["strategy"]) == {"transactional", "integration"}
    assert "none: 0 in every future" in fig.caption
    assert fig.title == "Distribution of Türkiye's payoff by strategy"


def test_histogram_of_a_discrete_outcome_has_one_bin_per_value() -> None:
    from detente.pipeline.results import histogram_table

    m = np.array([[0.0, 1 / 3, 1 / 3, 1.0], [2 / 3, 2 / 3, 1.0, 1.0]])
    h = histogram_table(m, ["a", "b"], bins=30)
    a = h[h["strategy"] == "a"]
    assert a["bin_mid"].tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    assert a["share"].tolist() == [0.25, 0.5, 0.0, 0.25]
    assert h.groupby("strategy")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
