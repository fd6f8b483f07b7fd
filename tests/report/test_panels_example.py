"""Data panels on the flagship example, and the engines' adapters."""

from __future__ import annotations

import numpy as np
import pytest

from detente.pipeline import engines
from detente.report import capabilities, claims
from detente.scenario import load_scenario
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    data = pytest.importorskip("detente.data")
    return data.resolve_capabilities(load_scenario(EXAMPLE)), data


def test_capability_panels_on_the_example(example) -> None:  # type: ignore[no-untyped-def]
    scenario, data = example
    section, found = capabilities.capabilities_section(scenario, data)
    figs = {f.id: f for f in section.figures()}
    assert all(p.live for p in section.panels), [p.unavailable for p in section.panels]
    nato = figs["nato_two_percent"].table
    below = nato[nato["status"] == "European ally below 2%"].sort_values("share_gdp")
    assert below["country"].tolist()[:1] == ["Spain"]
    assert len(below) == 7
    assert set(nato[nato["status"] == "ally below 2%, not European"]["country"]) == {"Canada"}
    per = figs["military_personnel"].table
    assert per.iloc[1]["iso3"] == "TUR" and per.iloc[1]["value"] == pytest.approx(481.0, abs=0.05)
    assert bool(per.iloc[1]["highlight"])
    coal = figs["coalition"].table
    assert "European NATO without Türkiye" in set(coal["group"])
    assert figs["arms_exports"].table["iso3"].unique().tolist() == ["TUR"]
    assert {"unga_ideal_points", "unga_agreement", "refugees_hosted"} <= set(figs)
    texts = " ".join(f.text for f in found)
    assert "7 European allies spent less than 2%" in texts
    assert "Türkiye has the 2nd-largest military personnel among NATO allies" in texts


def test_claims_panel_on_the_example(example) -> None:  # type: ignore[no-untyped-def]
    scenario, data = example
    section, found = claims.claims_section(scenario, data)
    (fig,) = section.figures()
    assert len(fig.table) == len(found) == 3
    assert "holds" in set(fig.table["verdict"])


def test_partner_is_the_nato_europe_state_outside_the_largest_group(example) -> None:  # type: ignore[no-untyped-def]
    scenario, data = example
    assert capabilities.partner_candidates(scenario, set(data.members("NATO-Europe", 2024))) == [
        "TUR"
    ]


def test_stance_swings_use_each_stated_uncertainty() -> None:
    scenario = load_scenario(EXAMPLE)
    low, high = engines.stance_swings(scenario)
    a, i = scenario.actor_ids.index("TUR"), scenario.issue_ids.index("troops")
    assert (low[a, i], high[a, i]) == (40.0, 70.0)  # 55 ± 15
    r = scenario.actor_ids.index("RUS")
    p = scenario.issue_ids.index("pkk_ypg")
    assert (low[r, p], high[r, p]) == (20.0, 80.0)  # a stated range
    u = scenario.actor_ids.index("UKR")
    assert high[u, i] == 98.0 and low[u, i] == 82.0
    assert np.isfinite(low).sum() == len(scenario.stances)


def test_negotiation_engines_on_the_example(example) -> None:  # type: ignore[no-untyped-def]
    bargaining = pytest.importorskip("detente.bargaining")
    scenario, _ = example
    res = engines.run_negotiation(scenario, draws=0, seed=0)
    assert res.unavailable is None
    assert set(res.forecasts) == set(bargaining.list_models())
    assert res.swings is not None and len(res.swings) == len(res.forecasts) * len(scenario.stances)
    # KTAB's quadrant map of the spatial model: one point per first-turn challenge
    from detente.pipeline.results import smp_challenge_table
    from detente.report.negotiation import negotiation_section

    ch = smp_challenge_table(res)
    ev = res.forecasts["smp"].events
    first = ev[(ev["kind"] == "challenge") & (ev["turn"] == 1)]
    assert len(ch) == len(first) > 0
    assert (ch["gain_challenger"] > 0).all()  # nobody challenges expecting to lose
    assert np.array_equal(ch["gain_target"].to_numpy(), first["target_gain"].to_numpy())
    assert ch["label"].str.contains(" → ").all()
    section = negotiation_section(res, scenario)
    ids = [f.id for f in section.figures()]
    assert ids.count("challenges_smp") == 1  # once per scenario, not per issue
