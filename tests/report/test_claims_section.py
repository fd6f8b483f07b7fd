"""The report's claims section renders whatever claims a scenario has."""

from __future__ import annotations

from detente import data
from detente.report.claims import claims_section
from detente.scenario import Claim, load_scenario
from support import REPO

PARTNERSHIP = REPO / "tests" / "partnership" / "data" / "scenario.toml"


def test_a_scenario_without_claims_says_how_to_add_them() -> None:
    s = load_scenario(PARTNERSHIP).model_copy(update={"claims": []})
    section, found = claims_section(s, data)
    assert found == [] and not section.panels[0].live
    assert "[[claims]]" in (section.panels[0].unavailable or "")


def test_any_scenario_s_own_claims_are_checked() -> None:
    claim = Claim(
        id="pl",
        text="Poland spends more than 4% of GDP on defence.",
        indicator="nato.defence_share_gdp",
        countries=["POL"],
        year=2024,
        relation=">",
        value=4,
        unit="percent",
    )
    s = load_scenario(PARTNERSHIP).model_copy(update={"claims": [claim]})
    section, found = claims_section(s, data)
    (fig,) = section.figures()
    assert fig.table["claim"].tolist() == [claim.text]
    assert fig.table["verdict"].tolist() == ["holds"] and len(found) == 1
