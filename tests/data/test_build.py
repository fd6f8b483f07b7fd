"""The shipped Parquet files equal a fresh build from data/raw, and stay small."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from detente.data.build import EXTRACT_COUNTRIES, build_all, build_sipri_extract
from detente.data.convert._tidy import BuildError
from detente.data.convert.nato import indicator_for
from detente.data.paths import SHIPPED_DIR
from detente.scenario import load_scenario
from support import REPO

RAW = REPO / "data" / "raw"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fresh_build")
    build_all(RAW, out)
    return out


@pytest.mark.slow
def test_shipped_parquet_equals_a_fresh_build(fresh: Path) -> None:
    shipped = sorted(
        p.name for p in SHIPPED_DIR.glob("*.parquet") if p.name != "sipri_extract.parquet"
    )
    built = sorted(p.name for p in fresh.glob("*.parquet"))
    assert shipped == built
    for name in built:
        a = pq.read_table(SHIPPED_DIR / name)
        b = pq.read_table(fresh / name)
        assert a.schema.equals(b.schema), name
        assert a.equals(b), f"{name} differs from a fresh build: run `detente data build`"


@pytest.mark.slow
def test_manifest_records_the_raw_inputs(fresh: Path) -> None:
    shipped = json.loads((SHIPPED_DIR / "manifest.json").read_text())
    built = json.loads((fresh / "manifest.json").read_text())
    assert shipped["inputs"] == built["inputs"]
    assert shipped["editions"] == built["editions"]
    for name, rows in built["rows"].items():
        assert shipped["rows"][name] == rows


def test_sipri_extract_equals_a_fresh_extract(
    tmp_path: Path, sipri_milex_xlsx: Path, sipri_register_csv: Path
) -> None:
    info = build_sipri_extract(sipri_milex_xlsx, sipri_register_csv, tmp_path)
    assert pq.read_table(tmp_path / "sipri_extract.parquet").equals(
        pq.read_table(SHIPPED_DIR / "sipri_extract.parquet")
    )
    shipped = json.loads((SHIPPED_DIR / "manifest.json").read_text())["sipri_extract"]
    assert shipped == info
    # well under SIPRI's 10% fair-use limit
    assert info["milex_values_shipped"] / info["milex_values_in_database"] < 0.02


def test_sipri_extract_covers_every_country_of_the_flagship_example() -> None:
    s = load_scenario(REPO / "examples" / "europe_turkey.toml")
    needed = {c for a in s.actors for c in a.countries}
    assert needed <= set(EXTRACT_COUNTRIES)


def test_package_data_under_30_mb() -> None:
    total = sum(p.stat().st_size for p in SHIPPED_DIR.rglob("*") if p.is_file())
    assert total < 30 * 1024 * 1024


def test_no_sipri_file_in_the_repository() -> None:
    for path in REPO.rglob("*"):
        if ".git" in path.parts or ".venv" in path.parts or not path.is_file():
            continue
        assert not path.name.lower().startswith(("sipri-milex", "trade-register", "sipri_milex")), (
            path
        )
    assert not (RAW / "sipri_milex").exists() and not (RAW / "sipri_arms_transfers").exists()


def test_unknown_nato_table_stops_the_build() -> None:
    with pytest.raises(BuildError, match="unknown table"):
        indicator_for("Defence expenditure on cyber", "Million US dollars", "")
    assert indicator_for("Defence expenditure real change 2014-2024e", "", "") is None


def test_a_missing_raw_file_stops_the_build(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "wdi" / "API_SP.POP.TOTL_WDI_2024-02-12.csv").unlink()
    with pytest.raises(BuildError, match=r"API_SP\.POP\.TOTL"):
        build_all(raw, tmp_path / "out")


def test_an_unmapped_country_stops_the_build(tmp_path: Path) -> None:
    from detente.data.convert.wdi import read_wdi

    src = RAW / "wdi" / "API_SP.POP.TOTL_WDI_2024-02-12.csv"
    text = src.read_text(encoding="utf-8-sig").replace('"Aruba","ABW"', '"Freedonia","FRD"', 1)
    bad = tmp_path / "API_SP.POP.TOTL_bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match="FRD"):
        read_wdi(bad)
