"""Findings and panels from synthetic numbers: hand-checked sentences and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

from detente.pipeline.results import (
    NegotiationResults,
    OutcomeInfo,
    PrimQuestion,
    StrategyResults,
    challenge_table,
    forecast_table,
    histogram_table,
    pairwise_table,
    trajectory_table,
)
from detente.report.findings import forecast_findings, strategy_findings, swing_findings
from detente.report.negotiation import negotiation_section
from detente.report.strategy import box_phrases, strategy_section
from detente.scenario import load_scenario
from report_helpers import small_scenario


@dataclass
class FakeForecast:
    """The shape of detente.bargaining.Forecast that the report reads."""

    model: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    outcome: NDArray[np.float64]
    trajectory: NDArray[np.float64] | None = None
    rounds: int = 0
    converged: bool = True
    stop_reason: str = "closed-form solution"
    events: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_scenario(small_scenario(tmp_path / "s.toml", partnership=False))


def _results() -> NegotiationResults:
    actors, issues = ("A", "B", "C"), ("first", "second")
    traj = np.array(
        [
            [[20.0, 50.0], [60.0, np.nan], [90.0, 10.0]],
            [[40.0, 40.0], [60.0, np.nan], [70.0, 20.0]],
        ]
    )
    events = pd.DataFrame(
        {
            "turn": [1, 1, 2],
            "actor": ["A", "C", "A"],
            "target": ["C", "A", "B"],
            "kind": ["challenge", "challenge", "challenge"],
            "dimension": [0, 0, 0],
            "issue": ["first", "first", "first"],
            "position": [90.0, 20.0, 60.0],
            "eu_actor": [0.4, 0.1, 0.3],
            "eu_target": [-0.2, 0.05, 0.0],
            "accepted": [False, False, False],
        }
    )
    res = NegotiationResults(
        forecasts={
            "mean": FakeForecast("mean", actors, issues, np.array([48.0, 30.0])),
            "eum": FakeForecast(
                "eum", actors, issues, np.array([60.0, 20.0]), traj, 1, True, "fixed point", events
            ),
        },
        labels={"mean": "Weighted mean", "eum": "Expected utility"},
        draws={
            "mean": np.column_stack([np.linspace(40, 56, 101), np.full(101, 30.0)]),
            "eum": np.column_stack([np.linspace(30, 90, 101), np.full(101, 20.0)]),
        },
    )
    return res


def test_forecast_table_quantiles_and_anchor(scenario) -> None:  # type: ignore[no-untyped-def]
    table = forecast_table(_results(), scenario)
    row = table[(table["issue"] == "first") & (table["model"] == "eum")].iloc[0]
    assert row["point"] == 60.0
    assert row["p05"] == pytest.approx(33.0)  # 5% of the way from 30 to 90
    assert row["median"] == pytest.approx(60.0)
    assert row["p95"] == pytest.approx(87.0)
    assert row["n_draws"] == 101
    assert row["nearest_anchor"] == "The first issue"  # anchor at 100 is nearer than 0
    assert row["status_quo"] == 10.0


def test_trajectory_and_challenge_tables(scenario) -> None:  # type: ignore[no-untyped-def]
    res = _results()
    traj = trajectory_table(res, 0)
    assert len(traj) == 6 and set(traj["model"]) == {"Expected utility"}
    assert traj[(traj["turn"] == 1) & (traj["actor"] == "A")]["position"].item() == 40.0
    traj2 = trajectory_table(res, 1)
    assert len(traj2) == 4  # B has no stance on the second issue
    ch = challenge_table(res, "first")
    assert list(ch["challenger"]) == ["A", "C"]  # first round only
    assert list(ch["gain_target"]) == [-0.2, 0.05]


def test_forecast_findings_sentences(scenario) -> None:  # type: ignore[no-untyped-def]
    table = forecast_table(_results(), scenario)
    found = forecast_findings(table, scenario)
    assert found[0].text == (
        "The first issue: the forecasts range from 48 under Weighted mean to 60 under "
        "Expected utility on the 0–100 scale; the middle forecast is nearest to "
        "“The first issue”, up from a status quo of 10. Over the input draws, the widest 90% "
        "interval is 33 to 87, from Expected utility."
    )
    assert found[0].figure_id == "forecast_i0_first"
    assert found[1].text.startswith("The second issue: the forecasts range from 20")


def test_negotiation_section_builds_every_issue_panel(scenario) -> None:  # type: ignore[no-untyped-def]
    res = _results()
    res.swings = pd.DataFrame(
        {
            "model": ["Weighted mean"] * 2,
            "issue": ["first", "first"],
            "actor": ["A", "B"],
            "position_low": [10.0, 40.0],
            "position_high": [30.0, 80.0],
            "forecast_low": [45.0, 40.0],
            "forecast_high": [51.0, 58.0],
            "swing": [6.0, 18.0],
        }
    )
    section = negotiation_section(res, scenario)
    ids = [f.id for f in section.figures()]
    assert ids[0] == "forecast_summary"
    assert {"forecast_i0_first", "trajectory_i0_first", "challenges_i0_first"} <= set(ids)
    assert "sensitivity_i0_first" in ids and "sensitivity_i1_second" not in ids
    (swing,) = swing_findings(res.swings, scenario)
    assert "most sensitive to B's position" in swing.text
    assert "by 18.0 points" in swing.text


def test_missing_engine_panel_says_so(scenario) -> None:  # type: ignore[no-untyped-def]
    section = negotiation_section(NegotiationResults(unavailable="no engine here"), scenario)
    assert [p.unavailable for p in section.panels] == ["no engine here"]
    assert section.figures() == []


def test_box_phrases() -> None:
    bounds = {"offer": (0.0, 2.0), "trust": (0.0, 1.0), "noise": (0.0, 1.0)}
    limits = {"offer": (1.2, 2.0), "trust": (0.0, 0.3), "noise": (0.01, 0.995)}
    assert box_phrases(limits, bounds, {"offer": "vu"}) == [
        "trust is below 0.3",
        "offer is above 1.2 vu",
    ]
    assert box_phrases({"x": (0.2, 0.7)}, {"x": (0.0, 1.0)}) == ["x is between 0.2 and 0.7"]


def test_pairwise_and_histogram() -> None:
    m = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 0.0]])
    pw = pairwise_table(m, ["a", "b"], sign=1.0)
    ab = pw[(pw["strategy"] == "a") & (pw["versus"] == "b")].iloc[0]
    assert (ab["better"], ab["worse"], ab["tie"]) == (0.5, 0.25, 0.25)
    worse_is_better = pairwise_table(m, ["a", "b"], sign=-1.0)
    assert worse_is_better.iloc[0]["better"] == 0.25
    hist = histogram_table(np.random.default_rng(0).normal(size=(2, 500)), ["a", "b"], bins=10)
    assert hist.groupby("strategy")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def _strategy() -> StrategyResults:
    rng = np.random.default_rng(1)
    offer = rng.uniform(0, 2, 400)
    integ = 1.0 - (offer > 1.5) * 2.0  # loses to transactional when the offer is large
    trans = np.zeros(400)
    return StrategyResults(
        strategies=["transactional", "integration"],
        ranking=["integration", "transactional"],
        outcome="payoff",
        rank_by="max_regret",
        horizon=10,
        n_scenarios=400,
        sampler="lhs",
        outcomes={"payoff": OutcomeInfo("payoff", "Europe's payoff", 1.0)},
        matrices={"payoff": np.vstack([trans, integ])},
        scores=pd.DataFrame(
            {
                "rank": [1, 2],
                "strategy": ["integration", "transactional"],
                "mean": [0.5, 0.0],
                "satisficing": [0.75, 0.6],
                "max_regret": [1.0, 1.0],
            }
        ),
        breakdown_by_year={"transactional": [0.1] * 10, "integration": [0.05] * 9 + [0.2]},
        prim=[
            PrimQuestion(
                "integration",
                "transactional",
                "payoff",
                400,
                int((offer > 1.5).sum()),
                [
                    {
                        "limits": {"russia_offer": (1.5, 2.0)},
                        "coverage": 1.0,
                        "density": 1.0,
                        "mass": 0.25,
                    }
                ],
            )
        ],
        sobol={
            "payoff": pd.DataFrame(
                {
                    "input": ["russia_offer", "trust"],
                    "S1": [0.7, 0.1],
                    "S1_conf": [0.05, 0.05],
                    "ST": [0.8, 0.15],
                    "ST_conf": [0.05, 0.05],
                }
            )
        },
        sobol_strategy="integration",
        bounds={"russia_offer": (0.0, 2.0), "trust": (0.0, 1.0)},
        units={"russia_offer": "vu"},
    )


def test_strategy_findings_from_synthetic_numbers() -> None:
    res = _strategy()
    share = float((res.matrices["payoff"][1] > 0).mean())
    texts = [f.text for f in strategy_findings(res)]
    assert texts[0] == (
        "Across 400 sampled futures, the most robust strategy is long-term integration: it "
        "has the smallest worst-case regret (1) on payoff. Under it, payoff averages 0.5, and "
        "every threshold is met in 75% of futures."
    )
    assert texts[1] == (
        f"Long-term integration beats a transactional deal on payoff in {share:.0%} of futures "
        f"and does worse in {1 - share:.0%}. It does worse mainly when russia offer is above "
        "1.5 vu: a PRIM box holding 100% of the futures where it does worse, and inside which "
        "it does worse in 100% of futures."
    )
    assert texts[2] == (
        "Share of futures in which the partnership has broken down by year 10: 10% under a "
        "transactional deal, 20% under long-term integration."
    )
    assert texts[3].startswith(
        "Under long-term integration, payoff depends most on russia offer (0.80) and trust (0.15)"
    )
    section = strategy_section(res)
    ids = {f.id for f in section.figures()}
    assert {
        "strategy_breakdown",
        "strategy_robustness",
        "strategy_pairwise",
        "prim_0",
        "sobol_0",
    } <= ids
