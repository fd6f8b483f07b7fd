"""Derived measures: coalition capability and UNGA alignment."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cli import main
from detente.data import alignment, coalition, indicator, members
from detente.errors import InputError


def test_european_nato_with_and_without_turkiye() -> None:
    spend = indicator("nato.defence_usd_current", years=2024).set_index("iso3")["value"]
    nato = [c for c in members("NATO", 2024) if c in spend.index]
    europe = [c for c in members("NATO-Europe", 2024) if c in spend.index]
    with_tur = coalition("NATO-Europe", "nato.defence_usd_current", 2024, reference="NATO")
    without = coalition(
        "NATO-Europe", "nato.defence_usd_current", 2024, exclude=["TUR"], reference="NATO"
    )
    assert with_tur.total == pytest.approx(spend[europe].sum())
    assert with_tur.share == pytest.approx(spend[europe].sum() / spend[nato].sum())
    assert with_tur.total - without.total == pytest.approx(spend["TUR"])
    assert with_tur.missing == ["ISL"]  # Iceland reports no defence expenditure
    assert "TUR" not in set(without.members["iso3"])
    assert without.members["share"].sum() == pytest.approx(without.share)


def test_coalition_defaults_to_latest_year_and_world_reference() -> None:
    c = coalition(["TUR", "Greece"], "cow.cinc")
    assert c.year == 2022
    world = indicator("cow.cinc", years=2022)["value"].sum()
    assert c.reference_total == pytest.approx(world)


def test_coalition_refuses_to_sum_shares() -> None:
    with pytest.raises(InputError, match="cannot be summed"):
        coalition("NATO-Europe", "nato.defence_share_gdp", 2024)


def test_alignment_reproduces_voeten_agreement_scores() -> None:
    """Same definition as the ideal-point file's USAgree: share of identical votes."""
    al = alignment("TUR", "USA").set_index("year")
    usagree = indicator("unga.agree_usa", countries=["TUR"]).set_index("year")["value"]
    votes = indicator("unga.votes", countries=["TUR"]).set_index("year")["value"]
    for year, expected in ((1995, 0.375), (2015, 0.4166667), (2019, 0.3555556)):
        assert al.loc[year, "joint_votes"] == votes[year]  # same roll calls as the file
        assert al.loc[year, "agreement"] == pytest.approx(usagree[year], abs=1e-7)
        assert al.loc[year, "agreement"] == pytest.approx(expected, abs=1e-7)
    ip = indicator("unga.ideal_point", countries=["TUR", "USA"], years=2015)
    assert al.loc[2015, "distance"] == pytest.approx(abs(ip["value"].diff().iloc[-1]))


def test_alignment_uses_the_ussr_before_1992() -> None:
    al = alignment("USSR", "USA")
    assert al["year"].max() == 1991 and al["year"].min() == 1946
    assert alignment("RUS", "USA")["year"].min() == 1992


def test_alignment_needs_two_countries() -> None:
    with pytest.raises(InputError):
        alignment("TUR", "Turkey")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["TUR", "USA", "FRA", "DEU", "GRC", "RUS", "CHN", "IND", "BRA", "ISR"]),
        min_size=2,
        max_size=2,
        unique=True,
    )
)
def test_alignment_is_symmetric_and_bounded(pair: list[str]) -> None:
    a, b = pair
    ab = alignment(a, b)
    ba = alignment(b, a)
    assert ab["agreement"].equals(ba["agreement"])
    assert ab["distance"].equals(ba["distance"])
    agree = ab["agreement"].dropna()
    assert ((agree >= 0) & (agree <= 1)).all()
    assert (ab["distance"].dropna() >= 0).all()


def test_cli_gap_coalition_alignment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "gap", "--group", "NATO-Europe", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].startswith("ESP,Spain,2024,1.28")
    argv = ["data", "coalition", "NATO-Europe", "-i", "nato.defence_usd_current", "-y", "2024"]
    assert main([*argv, "--exclude", "TUR", "--reference", "NATO"]) == 0
    assert "share" in capsys.readouterr().out
    assert main(["data", "alignment", "TUR", "USA", "--year", "2015", "--format", "json"]) == 0
    assert '"agreement":0.4166' in capsys.readouterr().out.replace(" ", "")


def test_cli_gap_names_the_group_option_in_a_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "gap", "--group", "bogus"]) == 2
    err = capsys.readouterr().err
    assert "--group" in err and "bogus" in err
    assert "Traceback" not in err
