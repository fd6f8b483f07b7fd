"""check-claims reproduces NOTES.md's figures; every dataset carries its provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from detente.data import check_claims, claims_frame, sources
from detente.data.catalog import INDICATORS
from detente.data.provenance import DATASETS


def test_claim_seven_allies_below_two_percent_holds() -> None:
    c = {x.id: x for x in check_claims()}["nato_2pct"]
    assert c.verdict == "holds"
    assert c.values["count"] == 7
    assert c.values["allies"] == {
        "ESP": 1.28,
        "SVN": 1.29,
        "LUX": 1.29,
        "BEL": 1.30,
        "ITA": 1.49,
        "PRT": 1.55,
        "HRV": 1.81,
    }
    assert c.values["later_vintage_count"] == 12
    assert "Canada 1.37" in c.figures and "Slovakia" in c.figures and "Iceland" in c.figures
    assert "17 June 2024" in c.source


def test_claim_second_largest_army_rank_holds_number_does_not() -> None:
    c = {x.id: x for x in check_claims()}["army_size"]
    assert c.verdict == "partly holds"
    assert c.values["nato_rank"] == 2 and c.values["nato_thousands"] == 481.0
    assert c.values["nato_first"] == ("USA", 1300.2)
    assert c.values["cow_rank"] == 2 and c.values["cow_thousands"] == 355
    assert "1,300.2" in c.figures and "481.0" in c.figures


def test_claim_exports_not_checkable_but_sipri_share_given() -> None:
    c = {x.id: x for x in check_claims()}["defence_exports"]
    assert c.verdict == "not checkable from data"
    assert c.values["sipri_share_2020_2024_pct"] == pytest.approx(1.6, abs=0.05)
    assert "7.154" in c.figures and "6.734" in c.figures and "not US$" in c.figures


def test_claims_are_the_same_with_the_full_sipri_import(imported_store: Path) -> None:
    c = {x.id: x for x in check_claims()}["defence_exports"]
    assert c.values["sipri_share_2020_2024_pct"] == pytest.approx(1.63, abs=0.005)


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
