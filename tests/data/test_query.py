"""The query API and ``detente data`` commands: results, errors and exit codes."""

from __future__ import annotations

import json

import pytest

from detente.cli import main
from detente.data import DataWarning, get_store, indicator, list_indicators, query
from detente.errors import InputError

REQUIRED = [
    "nato.defence_share_gdp",
    "nato.defence_usd_current",
    "nato.military_personnel",
    "sipri.milex_usd_constant",
    "sipri.milex_share_gdp",
    "sipri.arms_exports_tiv",
    "sipri.arms_imports_tiv",
    "cow.cinc",
    "cow.milex",
    "cow.milper",
    "wdi.gdp_usd",
    "wdi.population",
    "unhcr.refugees_hosted",
    "unga.ideal_point",
]


def test_required_indicators_are_listed() -> None:
    listed = list_indicators()
    assert set(REQUIRED) <= set(listed["indicator"])
    assert {"shipped", "extracted"} == set(listed["status"])
    units = listed.set_index("indicator")["unit"]
    assert units["sipri.milex_share_gdp"] == "percent of GDP"
    assert units["nato.defence_share_gdp"] == "percent of real GDP"


def test_indicator_columns_and_filters() -> None:
    df = indicator("cow.cinc", countries=["Turkey", "DEU"], years=range(2020, 2023))
    assert list(df.columns) == ["iso3", "country", "year", "value", "unit", "source", "flag"]
    assert df["iso3"].tolist() == ["DEU"] * 3 + ["TUR"] * 3
    assert df["year"].tolist() == [2020, 2021, 2022] * 2
    assert (df["country"] == df["iso3"].map({"DEU": "Germany", "TUR": "Türkiye"})).all()
    one = indicator("cow.cinc", countries="TUR", years=2022)
    assert len(one) == 1


def test_unknown_indicator_suggests_closest() -> None:
    with pytest.raises(InputError) as err:
        indicator("nato.defense_share_gdp")
    assert "nato.defence_share_gdp" in str(err.value)


def test_unknown_country_suggests_closest() -> None:
    with pytest.raises(InputError) as err:
        indicator("cow.cinc", countries=["Grece"])
    assert "Greece (GRC)" in str(err.value)


def test_years_outside_coverage_give_empty_result_with_warning() -> None:
    with pytest.warns(DataWarning, match="2014-2024"):
        df = indicator("nato.defence_share_gdp", years=1990)
    assert df.empty and "value" in df.columns
    with pytest.warns(DataWarning, match="outside the coverage"):
        df = indicator("nato.defence_share_gdp", countries=["TUR"], years=[2013, 2014])
    assert df["year"].tolist() == [2014]


def test_sql_over_the_indicators_view() -> None:
    df = query(
        "SELECT iso3, value FROM indicators WHERE indicator = 'nato.military_personnel' "
        "AND year = 2024 ORDER BY value DESC LIMIT 2"
    )
    assert df["iso3"].tolist() == ["USA", "TUR"]
    cols = query("SELECT * FROM indicators LIMIT 1").columns.tolist()
    assert cols[:7] == ["iso3", "country", "year", "indicator", "value", "unit", "source"]


@pytest.mark.parametrize(
    "sql", ["SELEC 1", "SELECT * FROM nowhere", "SELECT nocolumn FROM indicators"]
)
def test_malformed_sql_gives_duckdb_message(sql: str) -> None:
    with pytest.raises(InputError, match="SQL error"):
        query(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "COPY indicators TO 'leak.csv'",
        "DROP TABLE indicators_t",
        "CREATE TABLE x AS SELECT 1",
        "SELECT * FROM read_csv('/etc/hostname')",
    ],
)
def test_sql_is_read_only(sql: str) -> None:
    with pytest.raises(InputError):
        query(sql)
    assert len(query("SELECT * FROM indicators LIMIT 1")) == 1


def test_group_names_expand_to_members() -> None:
    df = indicator("nato.defence_share_gdp", countries=["NATO-Europe"], years=2024)
    assert len(df) == 29  # 30 European Allies, Iceland reports no figure
    with pytest.raises(InputError, match="not a country"):
        indicator("cow.cinc", countries=["World"])


def test_store_is_cached_and_opened_once() -> None:
    assert get_store() is get_store()


def test_cli_query_formats(capsys: pytest.CaptureFixture[str]) -> None:
    sql = (
        "SELECT iso3, round(value, 2) AS v FROM indicators "
        "WHERE indicator = 'nato.defence_share_gdp' AND year = 2024 AND iso3 = 'ESP'"
    )
    assert main(["data", "query", sql, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"iso3": "ESP", "v": 1.28}]
    assert main(["data", "query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["iso3,v", "ESP,1.28"]
    assert main(["data", "query", sql]) == 0
    assert "ESP" in capsys.readouterr().out


def test_cli_errors_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["data", "query", "SELEC 1"],
        ["data", "show", "nato.defence_shar_gdp"],
        ["data", "show", "cow.cinc", "--countries", "Atlantis"],
        ["data", "show", "cow.cinc", "--below", "1", "--above", "2"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "error" in err and "Traceback" not in err
    main(["data", "query", "SELEC 1"])
    assert "syntax error" in capsys.readouterr().err


def test_cli_show_below_and_years(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["data", "show", "nato.defence_share_gdp", "--year", "2024", "--below", "2"]
    assert main([*argv, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert {line.split(",")[0] for line in lines} == {
        "ESP",
        "SVN",
        "LUX",
        "BEL",
        "CAN",
        "ITA",
        "PRT",
        "HRV",
    }
    assert main(["data", "show", "nato.defence_share_gdp", "--year", "1990"]) == 0
    captured = capsys.readouterr()
    assert "no rows" in captured.out and "warning" in captured.err


def test_cli_show_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "show", "--list"]) == 0
    out = capsys.readouterr().out
    for name in REQUIRED:
        assert name in out


def test_a_huge_result_is_cut_at_the_limit_without_being_built() -> None:
    df = query("SELECT * FROM range(100000000000) t(i)", limit=5)
    assert df["i"].tolist() == [0, 1, 2, 3, 4]
    assert df.attrs["truncated"] is True
    small = query("SELECT 1 AS one", limit=5)
    assert small.attrs["truncated"] is False and len(small) == 1
    assert len(query("SELECT * FROM range(20001)", limit=None)) == 20001


def test_a_long_query_is_stopped_with_a_users_error() -> None:
    with pytest.raises(InputError, match=r"more than 0\.5 s") as err:
        query("SELECT count(*) FROM range(10000000000000)", timeout=0.5)
    assert "--timeout" in str(err.value)
    # the store still answers afterwards
    assert query("SELECT 2 AS two")["two"].tolist() == [2]


def test_one_statement_at_a_time() -> None:
    with pytest.raises(InputError, match="one statement"):
        query("SELECT 1; SELECT 2")


def test_cli_query_notes_a_cut_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "query", "SELECT * FROM range(50)", "--limit", "7"]) == 0
    cap = capsys.readouterr()
    assert "the first 7 are shown" in cap.err
    assert main(["data", "query", "SELECT 1", "--limit", "-1"]) == 2
    assert main(["data", "query", "SELECT 1", "--timeout", "0"]) == 2
