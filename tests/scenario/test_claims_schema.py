"""[[claims]] in the scenario format: read, written back, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.scenario import Claim, load_scenario
from detente.scenario.claim_file import load_claims
from detente.scenario.toml_format import dumps_toml, loads_toml
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"

HEAD = """
[scenario]
id = "c"
[[sources]]
id = "art"
citation = "An article"
[[actors]]
id = "TUR"
capability = 1
[[actors]]
id = "GRC"
capability = 2
[[issues]]
id = "x"
[[stances]]
actor = "TUR"
issue = "x"
position = 10
salience = 50
"""


def test_the_example_holds_the_seed_claims_and_round_trips() -> None:
    s = load_scenario(EXAMPLE)
    assert [c.id for c in s.claims] == ["nato_2pct", "army_size", "defence_exports"]
    assert s.claims[2].indicator is None and len(s.claims[2].cited) == 2
    assert loads_toml(dumps_toml(s)) == s


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), min_size=1)


@st.composite
def claims(draw: st.DrawFn) -> dict[str, object]:
    rel = draw(st.sampled_from(["=", "~", ">", ">=", "<", "<=", "rank", "count"]))
    out: dict[str, object] = {
        "text": draw(_TEXT),
        "indicator": draw(st.sampled_from(["cow.milper", "nato.defence_share_gdp"])),
        "countries": draw(st.lists(st.sampled_from(["TUR", "NATO", "Greece"]), min_size=1)),
        "relation": rel,
        "unit": draw(st.sampled_from(["", "percent", "thousand persons"])),
    }
    if draw(st.booleans()):
        out["year"] = draw(st.integers(1990, 2024))
    if rel == "rank":
        out["rank"] = draw(st.integers(1, 5))
        out["among"] = ["NATO"]
    elif rel == "count":
        out.update(count=draw(st.integers(0, 30)), condition="<", value=2.0)
    else:
        out["value"] = draw(st.floats(-1e9, 1e9, allow_nan=False))
    if rel in ("~",) and draw(st.booleans()):
        out["tolerance"] = draw(st.floats(0.01, 1.0))
    if draw(st.booleans()):
        out["cited"] = [
            {"value": 1.5, "unit": "billion US$", "scope": draw(_TEXT), "source": "art"}
        ]
        out["context"] = [{"indicator": "cow.cinc", "years": [2000, 2010]}]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims(), max_size=4))
def test_claims_round_trip_exactly(items: list[dict[str, object]]) -> None:
    s = loads_toml(HEAD)
    s = s.model_copy(update={"claims": [Claim.model_validate(c) for c in items]})
    s = loads_toml(dumps_toml(s))
    assert loads_toml(dumps_toml(s)) == s
    assert [c.id for c in s.claims] == [f"claim{n + 1}" for n in range(len(items))]


@pytest.mark.parametrize(
    ("claim", "field", "words"),
    [
        ('text = "t"\nyear = 2999\nvalue = 1', "claims[0].year", "future"),
        ('text = "t"\nyear = 1700\nvalue = 1', "claims[0].year", "impossible"),
        ('text = "t"\nrelation = "rank"', "claims[0]", "rank = N"),
        ('text = "t"\nrelation = "count"\ncount = 7', "claims[0]", "condition"),
        ('text = "t"\nrelation = ">"', "claims[0]", "add value"),
        ('text = "t"\nvalue = 1\nsource = "nope"', "claims[0].source", "art"),
        ('text = "t"\nvalue = 1\nrelation = "about"', "claims[0].relation", ""),
        ('text = "t"\nvalue = 1\nindicator = "cow.milper"', "claims[0]", "countries"),
    ],
)
def test_bad_claims_are_located(claim: str, field: str, words: str) -> None:
    text = HEAD + "\n[[claims]]\n" + claim + "\n"
    with pytest.raises(InputError) as err:
        loads_toml(text, file="f.toml")
    (p,) = err.value.problems
    assert p.field == field and p.line is not None and p.line > HEAD.count("\n")
    assert words in f"{p.message} {p.fix}"


def test_claims_of_an_unfinished_draft_are_read(tmp_path: Path) -> None:
    f = tmp_path / "draft.toml"
    f.write_text(
        '[scenario]\nid = "d"\n[[sources]]\nid = "article"\ncitation = "A"\n'
        '[[actors]]\nid = "EU"\nkind = "bloc"\nmembers = ["FRA", "DEU"]\n'
        '[[claims]]\ntext = "t"\nsource = "article"\nvalue = 1\n',
        encoding="utf-8",
    )
    claims = load_claims(f)
    assert not claims.complete and claims.actors == {"EU": ["FRA", "DEU"]}
    assert claims.claims[0].id == "claim1"
    f.write_text(f.read_text(encoding="utf-8") + "year = 99\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_claims(f)
    assert err.value.problems[0].field == "claims[0].year"
    assert err.value.problems[0].line == 14
