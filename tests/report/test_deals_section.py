"""The report's section "Which concessions pay for both sides" (deal finder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detente.pipeline.deals import run_deals
from detente.report.deals import deals_findings, deals_section, moves_table
from detente.scenario import Scenario, load_scenario
from support import DEALS_STANCES, REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


@pytest.fixture(scope="module")
def example() -> Scenario:
    data = pytest.importorskip("detente.data")
    return data.resolve_capabilities(load_scenario(EXAMPLE))


def test_section_on_the_example(example: Scenario) -> None:
    res = run_deals(example, draws=60, seed=2)
    section = deals_section(res, example)
    assert section.title == "5. Which concessions pay for both sides"
    assert [p.id for p in section.panels] == ["deals_package", "deals_robust", "deals_rivals"]
    assert all(p.live for p in section.panels)
    figs = {f.id: f for f in section.figures()}
    assert set(figs) == {
        "deals_moves",
        "deals_gains",
        "deals_table",
        "deals_robust",
        "deals_rivals",
    }
    assert figs["deals_moves"].kind == "chart" and figs["deals_gains"].kind == "chart"
    # the chart's data: per issue its forecast, then one row per move on it
    moves = figs["deals_moves"].table
    assert (moves["kind"] == "move").sum() == 2 * len(res.deals)
    fc = moves[moves["kind"] == "forecast"].set_index("issue")
    pkg = res.package.set_index("issue")
    for issue, row in fc.iterrows():
        assert row["from"] == pytest.approx(pkg.loc[issue, "outcome_before"])
        assert row["to"] == pytest.approx(pkg.loc[issue, "outcome_after"])
    assert set(moves.loc[moves["kind"] == "move", "who"]) == {"Europe", "TUR"}
    gains = figs["deals_gains"].table
    assert list(gains["side"]) == ["Europe", "TUR"]
    assert {"gain_p05", "gain_p95"} <= set(gains.columns)
    assert len(figs["deals_robust"].table) == len(res.deals)
    assert (figs["deals_rivals"].table["rival"] != "").all()


def test_the_finding_names_the_package(example: Scenario) -> None:
    res = run_deals(example, draws=40, seed=1)
    found = deals_findings(res, example)
    first = found[0]
    assert first.figure_id == "deals_moves" and first.topic == "deals"
    assert first.text.startswith("The package between Europe and TUR (8 deals): Europe gives way")
    assert first.text.count(".") >= 1 and "does not pay for every side" in first.text
    sg = res.side_gains.set_index("side")["gain"]
    assert f"Europe {sg['Europe']:+.2f}" in first.text and f"TUR {sg['TUR']:+.2f}" in first.text
    (rivals,) = [f for f in found if f.figure_id == "deals_rivals"]
    out = res.rivals[res.rivals["outbid"]].sort_values("margin", ascending=False)
    assert rivals.text.startswith(f"{len(out)} of the package's 16 partner offers are outbid")
    best = out.iloc[0]
    assert f"{best['rival']} offers {best['partner']} {best['margin']:.3f}" in rivals.text
    assert any(f.figure_id == "deals_robust" for f in found)


def test_without_draws_the_robust_panel_says_why(example: Scenario) -> None:
    res = run_deals(example, draws=0, seed=1, all_pairs=True)
    section = deals_section(res, example)
    robust = next(p for p in section.panels if p.id == "deals_robust")
    assert not robust.live and "--draws 0" in (robust.unavailable or "")
    moves = moves_table(res, example)
    # without sides each mover is coloured as itself
    movers = moves[moves["kind"] == "move"]
    assert (movers["who"] == movers["actor"]).all()
    assert "Europe" not in deals_findings(res, example)[0].text


def _one_issue() -> Scenario:
    return Scenario.model_validate(
        {
            "id": "one",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "p"}],
            "stances": [
                {"actor": "A", "issue": "p", "position": 0, "salience": 50},
                {"actor": "B", "issue": "p", "position": 100, "salience": 50},
            ],
        }
    )


def test_no_exchange_possible_is_said() -> None:
    s = _one_issue()
    section = deals_section(None, s)
    (panel,) = section.panels
    assert not panel.live and "two issues" in (panel.unavailable or "")
    assert deals_findings(None, s) == []
    two = s.model_copy(
        update={
            "issues": [*s.issues, s.issues[0].model_copy(update={"id": "q"})],
            "stances": [
                *s.stances,
                *(st.model_copy(update={"issue": "q"}) for st in s.stances),
            ],
        }
    )
    # both actors hold the same view of both issues' priorities: no trade
    res = run_deals(two)
    assert res.deals.empty
    (panel,) = deals_section(res, two).panels
    assert not panel.live and "no mutually beneficial exchange" in (panel.unavailable or "")


def test_positions_are_per_cent_of_each_scale() -> None:
    s = Scenario.model_validate(
        {
            "id": "scales",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "p", "scale": {"min": -1, "max": 1}}, {"id": "q"}],
            "stances": [
                {"actor": "A", "issue": "p", "position": -1, "salience": 80},
                {"actor": "A", "issue": "q", "position": 0, "salience": 20},
                {"actor": "B", "issue": "p", "position": 1, "salience": 20},
                {"actor": "B", "issue": "q", "position": 100, "salience": 80},
            ],
        }
    )
    res = run_deals(s)
    moves = moves_table(res, s).set_index("row")
    assert moves.loc["p: #1 B", ["from", "to"]].tolist() == pytest.approx([1.0, -1.0])
    assert moves.loc["p: #1 B", ["start", "end"]].tolist() == pytest.approx([100.0, 0.0])
    assert moves.loc["p: forecast", "end"] == pytest.approx(0.0)
    assert isinstance(moves, pd.DataFrame) and np.isfinite(moves["start"]).all()


SMALL = (
    """
[scenario]
id = "small_deals"
name = "Two sides"

[[actors]]
id = "A"
capability = 1
group = "West"

[[actors]]
id = "B"
capability = 1
group = "East"

[[actors]]
id = "C"
capability = 1
group = "Other"

[[issues]]
id = "p"

"""
    + DEALS_STANCES
    + """
[deals]
between = ["West", "East"]
"""
)


def test_analyze_renders_and_stores_the_section(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from detente.report import analyze
    from detente.report.store import read_table

    f = tmp_path / "s.toml"
    f.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = analyze(f, out, draws=30, scenarios=0, seed=4)
    html = result.report.read_text(encoding="utf-8")
    assert "5. Which concessions pay for both sides" in html
    assert html.index("4. Negotiation forecasts") < html.index("5. Which concessions")
    assert html.index("5. Which concessions") < html.index("6. Strategy lab")
    for name in ("fig_deals_moves", "fig_deals_gains", "fig_deals_table", "fig_deals_robust"):
        table = read_table(out, name)
        assert table is not None and len(table) > 0, name
    deals = read_table(out, "fig_deals_table")
    assert deals is not None
    assert list(deals["a_actor"]) == ["A"] and list(deals["b_actor"]) == ["B"]
    assert any(
        f.topic == "deals" and f.text.startswith("The package between West and East")
        for f in result.findings
    )
    assert "deals" in result.timings
