"""DEU tables: read, group, round-trip."""

from __future__ import annotations

import pytest

from detente.scenario import load_scenario, load_scenarios
from detente.scenario.deu import dumps_deu, loads_deu
from support import shared_path


@pytest.fixture(scope="module")
def deu_text() -> str:
    return shared_path("data", "deu3", "deu3_dev.csv").read_text(encoding="utf-8")


def test_dev_split_counts_match_provenance(deu_text: str) -> None:
    issues = loads_deu(deu_text)
    # PROVENANCE.md: 249 issues, 245 with an outcome, 99 proposals
    assert len(issues) == 249
    assert sum(s.issues[0].outcome is not None for s in issues) == 245
    assert len(loads_deu(deu_text, group="proposal")) == 99


def test_capability_row_and_actor_identity(deu_text: str) -> None:
    s = loads_deu(deu_text)[0]
    assert s.id == "d00060i1"
    caps = {a.id: a.capability for a in s.actors}
    assert caps["COM"] == 4.1
    assert caps["DEU"] == 4.1
    assert caps["GBR"] == 2.64
    assert s.actor("FRA").iso3 == "FRA"
    assert s.issues[0].outcome == 50.0


def test_missing_salience_is_zero_weight_and_round_trips(deu_text: str) -> None:
    scenarios = loads_deu(deu_text)
    flagged = [s for s in scenarios if s.meta.get("missing_salience")]
    assert flagged, "the dev split has positions with empty saliences"
    back = loads_deu(dumps_deu(scenarios))
    assert back == scenarios


def test_proposal_groups_round_trip(deu_text: str) -> None:
    props = loads_deu(deu_text, group="proposal")
    assert max(len(p.issues) for p in props) > 1
    assert loads_deu(dumps_deu(props), group="proposal") == props


def test_write_back_reproduces_every_cell(deu_text: str) -> None:
    # cell for cell; only the quoting of a few bare dates in the source may differ
    written = dumps_deu(loads_deu(deu_text)).replace('"', "")
    assert written == deu_text.replace("\r\n", "\n").replace('"', "")


def test_pick_issue_or_proposal_by_id() -> None:
    path = shared_path("data", "deu3", "deu3_dev.csv")
    one = load_scenario(path, scenario_id="d00060i2")
    assert one.issues[0].id == "d00060i2"
    prop = load_scenario(path, scenario_id="d00060")
    assert [i.id for i in prop.issues] == ["d00060i1", "d00060i2"]
    assert len(load_scenarios(path)) == 249


def test_invalid_issues_can_be_skipped_instead_of_failing_the_table(deu_text: str) -> None:
    from detente.errors import InputError

    lines = deu_text.splitlines()
    header = [c.strip('"') for c in lines[0].split("\t")]
    row = lines[2].split("\t")
    codes = {c[1:] for c in header if c.startswith("p") and f"s{c[1:]}" in header}
    for n, col in enumerate(header):
        if col[1:] in codes and col not in ("pcom", "scom") and col[0] in "ps":
            row[n] = ""
    lines[2] = "\t".join(row)
    text = "\n".join(lines) + "\n"
    with pytest.raises(InputError, match="single actor"):
        loads_deu(text)
    skipped: list[InputError] = []
    scenarios = loads_deu(text, skipped=skipped)
    assert len(scenarios) == 248
    assert len(skipped) == 1
    assert "line 3" in str(skipped[0])
