"""The data-grounded partnership defaults are computed from the shipped NATO tables."""

from __future__ import annotations

import tomllib

import pytest

from detente.partnership import UNCERTAINTIES
from detente.partnership.grounding import nato_grounding


@pytest.fixture(scope="module")
def grounding():
    return nato_grounding()


def test_figures_match_nato_tables(grounding) -> None:
    # NATO, Defence Expenditure of NATO Countries (2014-2024), June 2024: Table 7
    # (personnel, thousands), Table 2 (US$ bn, 2015 prices), Table 3 (% of GDP)
    assert grounding.year_label == "2024e"
    assert round(grounding.turkey_personnel, 1) == 481.0
    assert round(grounding.europe_personnel, 1) == 2041.3
    assert round(grounding.us_personnel, 1) == 1300.2
    assert round(grounding.force_ratio_max, 3) == 0.308
    assert {y: round(v, 1) for y, v in grounding.spending.items()} == {
        2014: 243.5,
        2019: 287.2,
        2024: 405.6,
    }
    assert round(grounding.growth(2014), 3) == 0.052
    assert round(grounding.growth(2019), 3) == 0.071
    assert [(iso, round(share, 2)) for iso, _, share in grounding.below_two_percent] == [
        ("ESP", 1.28),
        ("SVN", 1.29),
        ("LUX", 1.29),
        ("BEL", 1.30),
        ("ITA", 1.49),
        ("PRT", 1.55),
        ("HRV", 1.81),
    ]


def test_default_ranges_and_sources_are_the_computed_ones(grounding) -> None:
    specs = {s.name: s for s in UNCERTAINTIES}
    for name, (low, high, nominal) in grounding.ranges().items():
        assert (specs[name].low, specs[name].high, specs[name].nominal) == (low, high, nominal)
        assert not specs[name].expert
    assert grounding.ranges()["turkey_force_ratio"] == (0.15, 0.31, 0.23)
    assert grounding.ranges()["rearm_rate"] == (0.0, 0.07, 0.035)
    for name, source in grounding.sources().items():
        assert specs[name].source == source, name


def test_flagship_example_carries_the_computed_numbers(repo_dir, grounding) -> None:
    doc = tomllib.loads((repo_dir / "examples" / "europe_turkey.toml").read_text())
    table = doc["partnership"]["uncertainties"]
    for name, (low, high, _) in grounding.ranges().items():
        assert (table[name]["low"], table[name]["high"]) == (low, high), name
    for name, source in grounding.sources().items():
        assert table[name]["source"] == source, name


def test_model_documentation_quotes_the_computed_figures(repo_dir, grounding) -> None:
    text = (repo_dir / "docs" / "models" / "partnership.md").read_text()
    g = grounding
    assert f"{g.turkey_personnel:,.1f}" in text and f"{g.europe_personnel:,.1f}" in text
    assert f"{g.force_ratio_max:.3f}" in text
    for year in (g.long_base, g.recent_base, g.year):
        assert f"{g.spending[year]:,.1f} bn" in text
    assert f"{g.growth(g.long_base):.1%}" in text.replace(" %", "%")
    assert f"{g.growth(g.recent_base):.1%}" in text.replace(" %", "%")
    for _, name, share in g.below_two_percent:
        assert f"{name} {share:.2f}" in text
    assert "nato_grounding" in text


def test_unknown_year_is_an_input_error() -> None:
    from detente.data import DataWarning
    from detente.errors import InputError

    with pytest.raises(InputError), pytest.warns(DataWarning):
        nato_grounding(year=2024, long_base=1990)
