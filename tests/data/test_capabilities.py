"""Data-referenced capabilities resolve from the store; bad references say how to fix them."""

from __future__ import annotations

import pytest

from detente.cli import main
from detente.data import indicator, resolve_capabilities
from detente.errors import ScenarioError
from detente.scenario import Scenario, load_scenario
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


def _scenario(actors: list[dict[str, object]]) -> Scenario:
    ids = [str(a["id"]) for a in actors]
    return Scenario.model_validate(
        {
            "id": "t",
            "actors": actors,
            "issues": [{"id": "x"}],
            "stances": [
                {"actor": i, "issue": "x", "position": 10.0 * n, "salience": 50}
                for n, i in enumerate(ids)
            ],
        }
    )


def test_flagship_example_resolves_from_the_shipped_extract() -> None:
    s = resolve_capabilities(load_scenario(EXAMPLE))
    assert s.unresolved_actors == []
    milex = indicator("sipri.milex_usd_constant", years=2024).set_index("iso3")["value"]
    for a in s.actors:
        r = a.resolved
        assert r is not None and r.year == 2024 and r.indicator == "sipri.milex_usd_constant"
        assert a.capability_value == pytest.approx(milex[a.countries].sum())
        assert "SIPRI" in r.source
    eu = s.actor("EU").resolved
    assert eu is not None and len(eu.members) == 22 and eu.missing_members == []
    assert "estimate" in s.actor("RUS").resolved.note  # type: ignore[union-attr]


def test_bloc_records_missing_members_and_latest_year() -> None:
    s = _scenario(
        [
            {
                "id": "A",
                "kind": "bloc",
                "members": ["TUR", "GRC", "NOR"],
                "capability": {"indicator": "sipri.milex_usd_constant"},
            },
            {"id": "B", "capability": 1.0},
        ]
    )
    r = resolve_capabilities(s).actor("A").resolved
    assert r is not None
    assert r.year == 2024  # latest year with data
    assert r.missing_members == ["NOR"]  # not in the shipped extract
    assert r.members == ["GRC", "TUR"]


def test_named_composite_cinc_and_aggregates() -> None:
    s = _scenario(
        [
            {"id": "TUR", "capability": "cinc"},
            {
                "id": "EU",
                "kind": "bloc",
                "members": ["FRA", "DEU"],
                "capability": {"indicator": "cinc", "year": 2020, "aggregate": "max", "scale": 100},
            },
        ]
    )
    out = resolve_capabilities(s)
    cinc = indicator("cow.cinc", countries=["TUR", "FRA", "DEU"]).set_index(["iso3", "year"])
    tur = out.actor("TUR").resolved
    assert tur is not None and tur.indicator == "cow.cinc" and tur.year == 2022
    assert tur.value == pytest.approx(cinc.loc[("TUR", 2022), "value"])
    eu = out.actor("EU").resolved
    assert eu is not None
    expected = 100 * max(cinc.loc[("FRA", 2020), "value"], cinc.loc[("DEU", 2020), "value"])
    assert eu.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("capability", "field", "hint"),
    [
        ({"indicator": "sipri.milex_usd_constnt"}, "actors[0].capability.indicator", "closest"),
        ({"indicator": "cow.cinc", "year": 1800}, "actors[0].capability.year", "1816"),
        ({"indicator": "nato.defence_share_gdp"}, "actors[0].capability.aggregate", "mean"),
    ],
)
def test_unresolvable_references_name_the_field_and_fix(
    capability: dict[str, object], field: str, hint: str
) -> None:
    s = _scenario(
        [
            {"id": "EU", "kind": "bloc", "members": ["FRA", "DEU"], "capability": capability},
            {"id": "B", "capability": 1.0},
        ]
    )
    with pytest.raises(ScenarioError) as err:
        resolve_capabilities(s, file="case.toml")
    text = str(err.value)
    assert field in text and "Fix:" in text and hint in text and "case.toml" in text


def test_every_problem_is_reported_at_once() -> None:
    s = _scenario(
        [
            {"id": "X1", "iso3": "TUR", "capability": "nonsense"},
            {"id": "X2", "iso3": "GRC", "capability": {"indicator": "cinc", "year": 2100}},
        ]
    )
    with pytest.raises(ScenarioError) as err:
        resolve_capabilities(s)
    assert len(err.value.problems) == 2
    assert "actors[1].capability" in str(err.value)


def test_non_positive_value_is_rejected() -> None:
    # Albania's defence spending fell 2.74% in real terms in 2014: not a capability
    s = _scenario(
        [
            {"id": "ALB", "capability": {"indicator": "nato.defence_real_change", "year": 2014}},
            {"id": "B", "capability": 1.0},
        ]
    )
    with pytest.raises(ScenarioError, match="must be positive"):
        resolve_capabilities(s)


def test_show_displays_resolved_values_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "capabilities from data" in out
    assert "sipri.milex_usd_constant" in out and "SIPRI Military Expenditure" in out
    tur = indicator("sipri.milex_usd_constant", countries=["TUR"], years=2024)["value"].iloc[0]
    assert f"{tur:.6g}" in out
