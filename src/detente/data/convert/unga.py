"""UN General Assembly data -> tidy rows.

* Bailey-Strezhnev-Voeten ideal points (``IdealpointestimatesAll_*.csv``), one row
  per COW state and UNGA session.  Countries are mapped from the COW code by year
  (``year = 1945 + session``: session *s* opens in September of that year), not
  from the file's ``iso3c`` column, which labels South Yemen "YAR" and the USSR "RUS".
* ``unvotes`` roll calls (``un_votes``, ``un_roll_calls``, ``un_roll_call_issues``):
  votes are stored as 1 = yes, 2 = abstain, 3 = no, keyed by roll-call id.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.convert.cow import map_cow
from detente.data.identity import UnknownCountryError, unvotes_iso3

__all__ = ["VOTE_CODES", "read_ideal_points", "read_votes", "session_year"]

#: Vote coding in the shipped roll-call table.
VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}

_IDEAL_COLUMNS = {
    "IdealPointAll": "unga.ideal_point",
    "Q5%All": "unga.ideal_point_q05",
    "Q95%All": "unga.ideal_point_q95",
    "NVotesAll": "unga.votes",
    "USAgree": "unga.agree_usa",
    "RUSSAgree": "unga.agree_russia",
    "ChinaAgree": "unga.agree_china",
    "BrazilAgree": "unga.agree_brazil",
    "IndiaAgree": "unga.agree_india",
    "IsraelAgree": "unga.agree_israel",
}


def session_year(session: int) -> int:
    """The calendar year in which UNGA session ``session`` opens (1945 + session)."""
    return 1945 + int(session)


def read_ideal_points(path: Path, cow_names: dict[int, str]) -> pd.DataFrame:
    """Convert the ideal-point file to tidy ``unga.*`` rows.

    The last session in the file is flagged ``incomplete session`` when its median
    number of votes per state is under half of the previous session's.
    """
    df = pd.read_csv(path)
    missing = {"ccode", "session", *_IDEAL_COLUMNS} - set(df.columns)
    if missing:
        raise BuildError(f"{path.name}: missing columns {sorted(missing)}")
    df["year"] = df["session"].map(session_year)
    df["iso3"] = map_cow(df["ccode"], df["year"], cow_names, where=path.name)
    df = df[df["iso3"].notna()]
    dup = df.duplicated(["iso3", "year"], keep=False)
    if dup.any():
        raise BuildError(f"{path.name}: two states share one code and session: {df[dup]}")
    last = int(df["session"].max())
    median_votes = df.groupby("session")["NVotesAll"].median()
    incomplete = last - 1 in median_votes and (
        median_votes[last] < 0.5 * median_votes[last - 1]
        or (df[df["session"] == last]["NVotesAll"] < 0.1 * median_votes[last - 1]).any()
    )
    df["label"] = df["Countryname"].astype(str)
    long = df.melt(
        id_vars=["iso3", "year", "session", "label"],
        value_vars=list(_IDEAL_COLUMNS),
        var_name="column",
        value_name="value",
    ).dropna(subset=["value"])
    long["indicator"] = long["column"].map(_IDEAL_COLUMNS)
    long["flag"] = [
        "incomplete session" if incomplete and s == last else None for s in long["session"]
    ]
    return tidy_indicators(long.drop(columns=["column", "session"]))


def read_votes(
    votes_csv: Path, roll_calls_csv: Path, issues_csv: Path
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Convert the ``unvotes`` tables.

    Returns
    -------
    votes : pandas.DataFrame
        ``rcid`` (int32), ``iso3``, ``vote`` (int8: 1 yes, 2 abstain, 3 no).
    roll_calls : pandas.DataFrame
        ``rcid, session, year, date, important, amend, para, unres, short, descr``.
    issues : pandas.DataFrame
        ``rcid, issue`` (one row per roll call and issue category).
    """
    # Namibia's code is the string "NA": keep it.
    votes = pd.read_csv(votes_csv, keep_default_na=False, dtype={"country_code": str})
    calls = pd.read_csv(roll_calls_csv)
    issues = pd.read_csv(issues_csv)
    calls["date"] = pd.to_datetime(calls["date"], format="%Y-%m-%d")
    year_of = dict(zip(calls["rcid"], calls["date"].dt.year, strict=True))
    if not set(votes["rcid"]) <= set(year_of):
        raise BuildError(f"{votes_csv.name}: votes on roll calls missing from the roll calls")
    bad_votes = set(votes["vote"]) - set(VOTE_CODES)
    if bad_votes:
        raise BuildError(f"{votes_csv.name}: unknown vote values {sorted(bad_votes)}")
    votes["year"] = votes["rcid"].map(year_of)
    keys = votes[["country_code", "country", "year"]].drop_duplicates()
    mapping: dict[tuple[str, str, int], str | None] = {}
    for code, name, year in keys.itertuples(index=False):
        try:
            mapping[(code, name, year)] = unvotes_iso3(code, name, int(year))
        except UnknownCountryError as err:
            raise BuildError(f"{votes_csv.name}: {err}") from None
    votes["iso3"] = [
        mapping[k] for k in zip(votes["country_code"], votes["country"], votes["year"], strict=True)
    ]
    votes = votes[votes["iso3"].notna()]
    dup = votes.duplicated(["rcid", "iso3"])
    if dup.any():
        raise BuildError(f"{votes_csv.name}: a state votes twice on one roll call")
    out_votes = pd.DataFrame(
        {
            "rcid": votes["rcid"].astype("int32"),
            "iso3": votes["iso3"].astype(str),
            "vote": votes["vote"].map(VOTE_CODES).astype("int8"),
        }
    ).sort_values(["iso3", "rcid"], kind="stable")  # by country: fast per-country scans
    out_calls = pd.DataFrame(
        {
            "rcid": calls["rcid"].astype("int32"),
            "session": calls["session"].astype("int32"),
            "year": calls["date"].dt.year.astype("int32"),
            "date": calls["date"].dt.date,
            "important": calls["importantvote"].astype("Int8"),
            "amend": calls["amend"].astype("Int8"),
            "para": calls["para"].astype("Int8"),
            "unres": calls["unres"].astype(object),
            "short": calls["short"].astype(object),
            "descr": calls["descr"].astype(object),
        }
    ).sort_values("rcid", kind="stable")
    out_issues = pd.DataFrame(
        {"rcid": issues["rcid"].astype("int32"), "issue": issues["issue"].astype(str)}
    ).sort_values(["rcid", "issue"], kind="stable")
    return (
        out_votes.reset_index(drop=True),
        out_calls.reset_index(drop=True),
        out_issues.reset_index(drop=True),
    )
