"""One country identity: every label of every dataset maps to a code or is excluded."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.data._identity_tables import EXCLUDED_COW
from detente.data.convert.cow import cow_names
from detente.data.identity import (
    UnknownCountryError,
    canonical_codes,
    classify,
    classify_code,
    country_name,
    cow_iso3,
    is_canonical,
    normalise_name,
    resolve_countries,
    unvotes_iso3,
)
from detente.data.paths import SHIPPED_DIR
from detente.errors import InputError
from support import REPO, shared_path

RAW = REPO / "data" / "raw"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("TURKEY", "TUR"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Slovak Republic", "SVK"),
        ("United States of America", "USA"),
        ("Soviet Union", "SUN"),
        ("USSR", "SUN"),
        ("West Germany", "DEU"),
        ("German Federal Republic", "DEU"),
        ("East Germany (GDR)", "DDR"),
        ("German Democratic Republic", "DDR"),
        ("Czechoslovakia", "CSK"),
        ("Yemen, North", "YEM"),
        ("Yemen Arab Republic (North Yemen)", "YEM"),
        ("South Yemen", "YMD"),
        ("Korea, North", "PRK"),
        ("Congo, DR", "COD"),
        ("Côte d’Ivoire", "CIV"),
        ("St. Kitts & Nevis", "KNA"),
        ("Bosnia-Herzegovina", "BIH"),
        ("Kosovo", "XKX"),
        ("eSwatini", "SWZ"),
    ],
)
def test_names_map_to_canonical_codes(label: str, code: str) -> None:
    assert classify(label).iso3 == code


def test_yugoslavia_follows_iso_by_year() -> None:
    assert classify("Yugoslavia").iso3 == "YUG"
    assert classify("Yugoslavia", year=1990).iso3 == "YUG"
    assert classify("Yugoslavia", year=2004).iso3 == "SCG"
    assert classify("Yugoslavia", year=2010).iso3 == "SRB"


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("NATO Total", "aggregate"),
        ("NATO Europe and Canada", "aggregate"),
        ("World", "aggregate"),
        ("PKK (Turkiye)*", "non-state"),
        ("NATO**", "organisation"),
        ("unknown supplier(s)", "unknown"),
        ("European Union", "organisation"),
    ],
)
def test_aggregates_and_non_states_are_excluded_with_a_reason(label: str, reason: str) -> None:
    ident = classify(label)
    assert ident.iso3 is None
    assert ident.excluded is not None and reason in ident.excluded


def test_an_unmapped_name_is_an_error_not_a_guess() -> None:
    with pytest.raises(UnknownCountryError, match="Freedonia"):
        classify("Freedonia")
    with pytest.raises(UnknownCountryError):
        classify_code("QQQ")


@pytest.mark.parametrize(
    ("ccode", "year", "code"),
    [
        (365, 1900, "RUS"),
        (365, 1950, "SUN"),
        (365, 1991, "SUN"),
        (365, 1992, "RUS"),
        (345, 1960, "YUG"),
        (345, 2004, "SCG"),
        (345, 2020, "SRB"),
        (260, 1970, "DEU"),
        (255, 2000, "DEU"),
        (265, 1970, "DDR"),
        (678, 1980, "YEM"),
        (680, 1980, "YMD"),
        (816, 1970, "VDR"),
        (816, 1990, "VNM"),
        (817, 1970, "VNM"),
        (640, 2020, "TUR"),
        (347, 2015, "XKX"),
    ],
)
def test_cow_codes_follow_iso_lineage(ccode: int, year: int, code: str) -> None:
    names = cow_names(RAW / "cow_atop_peacesciencer" / "cow_states.csv")
    assert cow_iso3(ccode, year, names[ccode]) == code


def test_every_cow_code_in_nmc_atop_and_unga_maps_or_is_excluded() -> None:
    names = cow_names(RAW / "cow_atop_peacesciencer" / "cow_states.csv")
    nmc = pd.read_csv(RAW / "cow_atop_peacesciencer" / "cow_nmc.csv")
    atop = pd.read_csv(RAW / "cow_atop_peacesciencer" / "atop_alliance.csv.gz")
    ideal = pd.read_csv(RAW / "unga_ideal_points" / "IdealpointestimatesAll_Jun2024.csv")
    pairs = pd.concat(
        [
            nmc[["ccode", "year"]],
            atop[["ccode1", "year"]].rename(columns={"ccode1": "ccode"}),
            atop[["ccode2", "year"]].rename(columns={"ccode2": "ccode"}),
            pd.DataFrame({"ccode": ideal["ccode"], "year": 1945 + ideal["session"]}),
        ]
    ).drop_duplicates()
    for ccode, year in pairs.itertuples(index=False):
        code = cow_iso3(int(ccode), int(year), names.get(int(ccode)))
        assert (code is None and int(ccode) in EXCLUDED_COW) or is_canonical(str(code))


def test_unga_file_iso_column_agrees_except_documented_fixes() -> None:
    """The file's own iso3c agrees with the COW mapping except the known errors."""
    names = cow_names(RAW / "cow_atop_peacesciencer" / "cow_states.csv")
    ideal = pd.read_csv(RAW / "unga_ideal_points" / "IdealpointestimatesAll_Jun2024.csv")
    differ = set()
    for ccode, session, iso in ideal[["ccode", "session", "iso3c"]].itertuples(index=False):
        mine = cow_iso3(int(ccode), 1945 + int(session), names.get(int(ccode)))
        if mine != iso:
            differ.add((int(ccode), iso, mine))
    # the file labels the USSR years RUS, North Yemen YAR (not ISO), South Yemen YAR,
    # and Serbia and Montenegro (2003-2005) and Serbia (2006-) YUG
    assert differ == {
        (365, "RUS", "SUN"),
        (678, "YAR", "YEM"),
        (680, "YAR", "YMD"),
        (345, "YUG", "SCG"),
        (345, "YUG", "SRB"),
    }


def test_every_wdi_and_unhcr_code_maps_or_is_excluded() -> None:
    for name in ("API_NY.GDP.MKTP.CD_WDI_2025-03-24.csv", "API_SP.POP.TOTL_WDI_2024-02-12.csv"):
        wide = pd.read_csv(RAW / "wdi" / name, skiprows=4)
        for code in wide["Country Code"]:
            classify_code(code)  # raises if neither
    pop = pd.read_csv(RAW / "unhcr_refugees" / "population.csv.gz", keep_default_na=False)
    for code in set(pop["coo_iso"]) | set(pop["coa_iso"]):
        classify_code(code)


def test_every_unvotes_country_maps_or_is_excluded() -> None:
    votes = pd.read_csv(
        RAW / "unga_ideal_points" / "unvotes_dgrtwo" / "un_votes.csv.gz", keep_default_na=False
    )
    calls = pd.read_csv(RAW / "unga_ideal_points" / "unvotes_dgrtwo" / "un_roll_calls.csv.gz")
    year = dict(zip(calls["rcid"], pd.to_datetime(calls["date"]).dt.year, strict=True))
    votes["year"] = votes["rcid"].map(year)
    keys = votes[["country_code", "country", "year"]].drop_duplicates()
    unmapped = []
    for code, name, y in keys.itertuples(index=False):
        iso = unvotes_iso3(code, name, int(y))
        if iso is None:
            unmapped.append(name)
        else:
            assert is_canonical(iso)
    assert set(unmapped) == {"Zanzibar"}
    assert unvotes_iso3("NA", "Namibia", 2000) == "NAM"
    assert unvotes_iso3("RU", "Russia", 1980) == "SUN"


def test_every_nato_and_sipri_name_maps_or_is_excluded() -> None:
    nato = pd.read_csv(
        shared_path("data", "nato_defence_expenditure", "nato_def_exp_2014_2024e_long.csv")
    )
    later = pd.read_csv(RAW / "nato_pct_gdp_later_vintage" / "defence_per.csv")
    milex = pd.read_csv(shared_path("data", "sipri_milex", "sipri_milex_long.csv.gz"))
    arms = pd.read_csv(shared_path("data", "sipri_arms_transfers", "trade_register_clean.csv.gz"))
    labels = (
        set(nato["country"])
        | set(later["Country"])
        | set(milex["country"])
        | set(arms["supplier"])
        | set(arms["recipient"])
    )
    excluded = {}
    for label in labels:
        ident = classify(label)
        if ident.iso3 is None:
            excluded[label] = ident.excluded
        else:
            assert is_canonical(ident.iso3)
    assert {"NATO Total", "NATO Europe and Canada", "European Union"} <= set(excluded)
    # the tidy files' own iso3 columns agree with ours wherever they give one
    for df in (nato, milex):
        given_codes = df.dropna(subset=["iso3"]).drop_duplicates(["country", "iso3"])
        for label, code in given_codes[["country", "iso3"]].itertuples(index=False):
            if code != "EUU":
                assert classify(label).iso3 == code, label


def test_shipped_rows_use_canonical_codes_and_are_unique() -> None:
    for path in sorted(SHIPPED_DIR.glob("*.parquet")):
        table = pq.read_table(path)
        cols = set(table.column_names)
        for col in ("iso3", "iso3_a", "iso3_b", "host"):
            if col in cols:
                values = set(table.column(col).drop_null().to_pylist())
                assert values <= canonical_codes(), (path.name, values - canonical_codes())
        if {"iso3", "year", "indicator"} <= cols:
            df = table.select(["iso3", "year", "indicator"]).to_pandas()
            assert not df.duplicated().any(), path.name


def test_every_canonical_code_has_a_name() -> None:
    for code in canonical_codes():
        assert country_name(code)
    assert country_name("TUR") == "Türkiye"
    assert country_name("SUN") == "USSR"


def test_resolve_countries_accepts_codes_and_names_and_suggests() -> None:
    assert resolve_countries(["tur", "Germany", "Czech Republic", "TUR"]) == [
        "TUR",
        "DEU",
        "CZE",
    ]
    with pytest.raises(InputError, match="Turkye") as err:
        resolve_countries(["Turkye"])
    assert "Türkiye (TUR)" in str(err.value)


@pytest.mark.parametrize(
    ("typed", "first"),
    [("Turkei", "Türkiye (TUR)"), ("Türkei", "Türkiye (TUR)"), ("Grece", "Greece (GRC)"),
     ("Untied States", "United States (USA)"), ("Rusia", "Russia (RUS)"),
     ("Germny", "Germany (DEU)")],
)  # fmt: skip
def test_suggestions_match_aliases_and_show_each_country_once(typed: str, first: str) -> None:
    # "Turkei" is closer to the alias "Turkey" than to "Türkiye": still Türkiye first
    from detente.data.identity import suggest

    got = suggest(typed)
    assert got[0] == first
    assert len(got) == len(set(got)) == 3


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
