"""SIPRI importers, run on the shared copies of SIPRI's own download formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from detente.cli import main
from detente.data import import_sipri_arms, import_sipri_milex, indicator, list_indicators, sources
from detente.data.convert import sipri
from detente.data.paths import SHIPPED_DIR
from detente.errors import InputError
from support import shared_path


def _value(name: str, iso3: str, year: int) -> pd.Series:
    df = indicator(name, countries=[iso3], years=year)
    assert len(df) == 1
    return df.iloc[0]


def test_milex_workbook_equals_the_tidy_csv_and_keeps_colour_flags(sipri_milex_xlsx: Path) -> None:
    book = sipri.read_milex(sipri_milex_xlsx).rows
    long = sipri.read_milex(shared_path("data", "sipri_milex", "sipri_milex_long.csv.gz")).rows
    j = book.merge(long, on=["iso3", "year", "indicator"], how="outer", indicator=True)
    assert (j["_merge"] == "both").all()
    assert (j["value_x"] == j["value_y"]).all()
    assert (j["flag_x"].fillna("") == j["flag_y"].fillna("")).all()
    assert len(book) == 53183  # 53,204 tidy rows minus the 21 EU-level rows (not a state)


def test_arms_register_and_tidy_csv_give_the_same_deals(sipri_register_csv: Path) -> None:
    raw = sipri.read_arms(sipri_register_csv)
    clean = sipri.read_arms(
        shared_path("data", "sipri_arms_transfers", "trade_register_clean.csv.gz")
    )
    assert len(raw.deals) == 29515  # four records broken over two lines are re-joined
    assert raw.deals.equals(clean.deals)
    assert raw.edition == "trade register, data generated 13 Mar 2025"


def test_imported_milex_values(imported_store: Path) -> None:
    tur = _value("sipri.milex_share_gdp", "TUR", 2024)
    assert tur["value"] == pytest.approx(1.9225523127637117)  # SIPRI fraction x 100
    assert tur["unit"] == "percent of GDP"
    rus = _value("sipri.milex_usd_constant", "RUS", 2024)
    assert rus["value"] == pytest.approx(150534.0, abs=0.5) and rus["flag"] == "estimate"
    assert _value("sipri.milex_lcu_calendar", "DEU", 2024)["value"] == 81_776_500_000
    assert _value("sipri.milex_share_gdp", "GRC", 1974)["value"] == pytest.approx(4.82447, abs=5e-6)
    assert _value("sipri.milex_usd_constant", "SUN", 1990)["value"] > 0  # the USSR, 1987-1990
    # the import covers the full database, not only the extract
    assert len(indicator("sipri.milex_usd_constant", years=2024)) > 140


def test_imported_arms_shares_match_sipri_fact_sheet(imported_store: Path) -> None:
    from detente.data import query

    df = query(
        "SELECT supplier, sum(tiv) AS tiv FROM arms_transfers WHERE year BETWEEN 2020 AND 2024 "
        "GROUP BY supplier"
    )
    share = df.set_index("supplier")["tiv"] / df["tiv"].sum() * 100
    assert round(share["USA"], 1) == 42.2
    assert round(share["FRA"], 1) == 9.8
    assert round(share["TUR"], 1) == 1.6
    assert query("SELECT count(*) AS n FROM arms_deals")["n"].iloc[0] == 29515


def test_imports_replace_the_extract_and_are_reported(imported_store: Path) -> None:
    status = {s.id: s for s in sources()}
    assert status["sipri_milex"].status == "imported"
    assert status["sipri_arms"].status == "imported"
    assert "data 1949-2024" in status["sipri_milex"].edition
    listed = list_indicators().set_index("indicator")
    assert listed.loc["sipri.milex_usd_constant", "status"] == "imported"
    assert listed.loc["sipri.milex_usd_constant", "countries"] > 150
    # nothing written inside the package
    assert not (SHIPPED_DIR / "sipri_milex.parquet").exists()
    assert (imported_store / "sipri_milex.parquet").is_file()


def test_without_import_the_extract_serves_the_example(empty_store: Path) -> None:
    status = {s.id: s for s in sources()}
    assert status["sipri_milex"].status == "extracted"
    assert "shipped extract" in status["sipri_milex"].note
    df = indicator("sipri.milex_usd_constant", years=2024)
    assert len(df) == 32 and df["source"].str.contains("shipped extract").all()
    assert _value("sipri.milex_usd_constant", "TUR", 2024)["value"] == pytest.approx(
        21884.4, abs=0.1
    )


def test_extract_values_equal_the_import(
    empty_store: Path, imported_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = indicator("sipri.milex_usd_constant", years=range(2014, 2025))
    monkeypatch.setenv("DETENTE_DATA_DIR", str(empty_store))
    extract = indicator("sipri.milex_usd_constant", years=range(2014, 2025))
    j = extract.merge(full, on=["iso3", "year"])
    assert len(j) == len(extract) and (j["value_x"] == j["value_y"]).all()


@pytest.mark.parametrize("kind", ["sipri-milex", "sipri-arms"])
def test_importing_a_wrong_file_is_a_clear_error(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["data", "import", kind, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "notes.csv" in err and "Fix:" in err and "Traceback" not in err


def test_importing_a_missing_or_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        import_sipri_milex(tmp_path / "nope.xlsx")
    fake = tmp_path / "SIPRI-Milex-data-1949-2024.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="Excel"):
        import_sipri_milex(fake)
    gz = tmp_path / "trade-register.csv.gz"
    gz.write_bytes(gzip.compress(b"Recipient,Supplier\nx,y\n"))
    with pytest.raises(InputError, match="columns"):
        import_sipri_arms(gz)


def test_cli_import_reports_and_sources_say_imported(
    sipri_milex_xlsx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "import", "sipri-milex", str(sipri_milex_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "imported sipri_milex" in out and "1949-2024" in out
    assert main(["data", "sources"]) == 0
    out = capsys.readouterr().out
    assert "IMPORTED" in out and "EXTRACTED" in out and "SHIPPED" in out
