"""The claims checker: relations, units and scales, groups, bad claims (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.data.claims import _compare, _precision, check_claim, check_claims
from detente.data.units import UnitError, conversion, parse_unit
from detente.errors import InputError
from detente.scenario import Claim
from detente.scenario.claim_file import ClaimSet


def _check(**fields: Any) -> Any:
    return check_claim(Claim.model_validate({"text": "t", **fields}))


def test_units_and_scales() -> None:
    assert conversion(parse_unit("persons"), parse_unit("thousand persons")) == 1e-3
    assert conversion(parse_unit("percent"), parse_unit("share of votes (0-1)")) == 0.01
    assert conversion(parse_unit("fraction"), parse_unit("percent of real GDP")) == 100
    bn = conversion(parse_unit("billion dollars"), parse_unit("million US$, current prices"))
    assert bn == 1000
    with pytest.raises(UnitError, match="volume index"):
        conversion(parse_unit("billion US$"), parse_unit("million TIV (SIPRI ..., not US$)"))
    with pytest.raises(UnitError, match="exchange rates"):
        conversion(parse_unit("billion euros"), parse_unit("million US$"))
    with pytest.raises(UnitError, match="share of defence"):
        conversion(parse_unit("percent of defence budget"), parse_unit("percent of GDP"))
    with pytest.raises(UnitError):
        parse_unit("furlongs")


def test_persons_against_thousands_and_percent_against_fraction() -> None:
    c = _check(indicator="cow.milper", countries=["TUR"], year=2022, value=355000, unit="persons")
    assert c.verdict == "holds" and c.data_value == pytest.approx(355000)
    # UNGA agreement is a 0-1 fraction; the claim says 60 percent
    c = _check(
        indicator="unga.agree_usa", countries=["GBR"], year=2021, relation=">", value=1,
        unit="percent",
    )  # fmt: skip
    assert c.verdict == "holds" and 1 < c.data_value <= 100  # type: ignore[operator]


def test_money_claims_state_the_price_basis() -> None:
    c = _check(
        indicator="nato.defence_usd_current", countries=["USA"], year=2024, relation="~",
        value=968, unit="billion US$",
    )  # fmt: skip
    assert c.verdict == "holds" and "current prices" in c.source
    assert c.data_value == pytest.approx(967.707, abs=1e-3)


def test_each_sum_and_partly() -> None:
    each = _check(
        indicator="nato.defence_share_gdp", countries=["POL", "ESP"], year=2024, relation=">",
        value=2, unit="percent",
    )  # fmt: skip
    assert each.verdict == "partly holds" and "not: Spain" in each.explanation
    total = _check(
        indicator="nato.military_personnel", countries=["FRA", "DEU"], year=2024, relation="~",
        value=390000, unit="persons",
    )  # fmt: skip
    assert total.verdict == "holds"  # summed: 204.7k + 185.6k
    near = _check(
        indicator="nato.defence_share_gdp", countries=["DEU"], year=2024, value=2.2, unit="%"
    )
    assert near.verdict == "partly holds"  # 2.12 is not 2.2 at its precision, but within 10%


def test_rank_and_count_claims() -> None:
    r = _check(
        indicator="cow.milper", countries=["IND"], year=2022, relation="rank", rank=2,
        order="largest",
    )  # fmt: skip
    assert r.verdict == "holds" and r.data_value == 2
    c = _check(
        indicator="nato.defence_share_gdp", countries=["NATO"], year=2024, relation="count",
        count=20, count_relation=">=", condition=">=", value=2, unit="percent",
    )  # fmt: skip
    assert c.verdict == "holds" and c.values["count"] == 23


def test_a_bloc_actor_stands_for_its_members() -> None:
    claims = ClaimSet.model_validate(
        {
            "claims": [
                {
                    "text": "t",
                    "indicator": "nato.military_personnel",
                    "countries": ["BALTICS"],
                    "year": 2024,
                    "relation": ">",
                    "value": 10,
                    "unit": "thousand persons",
                }
            ],
            "actors": {"BALTICS": ["EST", "LVA", "LTU"]},
        }
    )
    (c,) = check_claims(claims)
    assert c.countries == ("EST", "LVA", "LTU") and c.verdict == "holds"


def test_outside_coverage_is_not_checkable() -> None:
    c = _check(indicator="nato.defence_share_gdp", countries=["POL"], year=2010, value=2, unit="%")
    assert c.verdict == "not checkable from data" and "2014-2024" in c.explanation
    c = _check(indicator="sipri.milex_share_gdp", countries=["JPN"], year=2024, value=1, unit="%")
    assert c.verdict == "not checkable from data" and "no figure" in c.explanation


@pytest.mark.parametrize(
    ("fields", "field", "hint"),
    [
        ({"indicator": "nato.defence_shar_gdp"}, "claims[0].indicator", "nato.defence_share_gdp"),
        ({"indicator": "cow.milper", "unit": "percent"}, "claims[0].unit", "persons"),
        ({"indicator": "nato.defence_usd_current", "unit": "billion euros"}, "claims[0].unit", ""),
        ({"countries": ["Grece"]}, "claims[0].countries", "Greece"),
        ({"unit": "furlongs"}, "claims[0].unit", "percent"),
    ],
)
def test_bad_claims_name_the_field_and_a_fix(fields: dict[str, Any], field: str, hint: str) -> None:
    base = {"text": "t", "indicator": "nato.defence_share_gdp", "countries": ["TUR"], "value": 2}
    claims = ClaimSet.model_validate({"claims": [{**base, **fields}]})
    with pytest.raises(InputError) as err:
        check_claims(claims)
    (p,) = err.value.problems
    assert p.field == field and p.fix and hint in p.fix


@given(st.floats(0.01, 1e6, allow_nan=False).map(lambda x: float(f"{x:.3g}")))
def test_a_figure_equals_itself_and_its_precision(v: float) -> None:
    assert _compare("=", v, v, 0.1) == "holds"
    assert _compare("~", v * 1.05, v, 0.1) == "holds"
    assert _compare(">", v, v, 0.1) == "does not hold"
    assert _compare("=", v * 1.6, v, 0.1) == "does not hold"
    assert _precision(v) <= abs(v)
