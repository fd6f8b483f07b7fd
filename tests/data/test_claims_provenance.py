"""check-claims reproduces NOTES.md's figures; every dataset carries its provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from detente.data import ClaimCheck, check_claims, claims_frame, sources
from detente.data.catalog import INDICATORS
from detente.data.provenance import DATASETS


def _checks() -> dict[str, ClaimCheck]:
    return {x.id: x for x in check_claims()}


def test_claim_seven_allies_below_two_percent_holds() -> None:
    c = _checks()["nato_2pct"]
    assert c.verdict == "holds"
    assert c.values["count"] == 7 and c.data_value == 7
    assert c.values["members"] == {
        "ESP": 1.28,
        "SVN": 1.29,
        "LUX": 1.29,
        "BEL": 1.30,
        "ITA": 1.49,
        "PRT": 1.55,
        "HRV": 1.81,
    }
    later = c.values["also"]["nato_later.defence_share_gdp"]  # type: ignore[index]
    assert later["count"] == 12 and later["verdict"] == "does not hold"
    assert "Canada 1.37" in c.figures and "Slovakia 2.00" in c.figures
    assert "No figure: Iceland" in c.figures
    assert "17 June 2024" in c.source and "estimates" in c.explanation


def test_claim_second_largest_army_rank_holds_number_does_not() -> None:
    c = _checks()["army_size"]
    assert c.verdict == "partly holds"
    assert c.values["rank"] == 2 and c.values["value"] == pytest.approx(481.0, abs=0.05)
    assert c.values["first"] == ("USA", pytest.approx(1300.2, abs=0.05))
    cow = c.values["also"]["cow.milper"]  # type: ignore[index]
    assert cow["rank"] == 2 and cow["value"] == 355 and cow["year"] == 2022
    assert "1,300.2" in c.figures and "481.0" in c.figures
    assert c.year == 2024 and "latest" in c.year_note  # the claim states no year


def test_claim_exports_not_checkable_but_sipri_share_and_cited_figures_given() -> None:
    c = _checks()["defence_exports"]
    assert c.verdict == "not checkable from data"
    share = c.values["context"]["sipri.arms_exports_share"]["TUR"]  # type: ignore[index]
    assert share == pytest.approx(1.6, abs=0.05)
    assert "7.154" in c.figures and "6.734" in c.figures and "not US$" in c.figures
    assert "not dollars" in c.explanation
    cited = c.values["cited"]
    assert [r["claim_holds"] for r in cited] == [True, False]  # type: ignore[union-attr]
    assert "Daily Sabah" in c.source


def test_claims_are_the_same_with_the_full_sipri_import(imported_store: Path) -> None:
    c = _checks()["defence_exports"]
    share = c.values["context"]["sipri.arms_exports_share"]["TUR"]  # type: ignore[index]
    assert share == pytest.approx(1.63, abs=0.005)


def test_no_claim_is_written_in_code() -> None:
    import detente.data.claims as module

    text = Path(module.__file__).read_text(encoding="utf-8")
    for figure in ("402", "7.154", "6.734", "Seven European"):
        assert figure not in text


def test_claims_frame_and_cli(capsys: pytest.CaptureFixture[str]) -> None:
    df = claims_frame()
    assert {"claim", "figures", "verdict", "source"} <= set(df.columns) and len(df) == 3
    assert main(["data", "check-claims"]) == 0
    out = capsys.readouterr().out
    assert "holds" in out and "partly holds" in out
    assert main(["data", "check-claims", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["verdict"] for r in rows] == ["holds", "partly holds", "not checkable from data"]


def test_every_dataset_has_a_complete_provenance_record() -> None:
    for p in sources():
        for attr in ("title", "publisher", "edition", "years", "licence", "citation", "url"):
            assert getattr(p, attr), (p.id, attr)
        assert p.caveats and p.status in {"shipped", "extracted", "imported"}
    by_id = {p.id: p for p in sources()}
    assert by_id["nato"].status == "shipped" and "estimate" in " ".join(by_id["nato"].caveats)
    assert any("fraction" in c and "percent" in c for c in by_id["sipri_milex"].caveats)
    assert by_id["sipri_milex"].status == "extracted"


def test_every_indicator_belongs_to_a_dataset_with_provenance() -> None:
    ids = {p.id for p in DATASETS}
    for spec in INDICATORS.values():
        assert spec.dataset in ids
        record = next(p for p in DATASETS if p.id == spec.dataset)
        assert any(spec.name.startswith(prefix) for prefix in record.prefixes)


def test_cli_sources_prints_citations_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "sources"]) == 0
    out = capsys.readouterr().out
    for p in DATASETS:
        assert p.id in out
    assert "SHIPPED" in out and "EXTRACTED" in out
    assert main(["data", "sources", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in records} == {p.id for p in DATASETS}
