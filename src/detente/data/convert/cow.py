"""Correlates of War NMC v7.0, major powers and ATOP v5.1 (peacesciencer CSVs) -> tidy rows.

COW codes are mapped to canonical codes by year with
:func:`detente.data.identity.cow_iso3` (COW 365 is the USSR, ``SUN``, in 1922-1991).
When two COW codes meet in one year under one ISO code (Germany 255 and 260 in 1990,
Yemen 679 and 678 in 1990), the successor's row is kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from detente.data._identity_tables import EXCLUDED_COW, SUPERSEDED_COW
from detente.data.convert._tidy import BuildError, tidy_indicators
from detente.data.identity import UnknownCountryError, cow_iso3

__all__ = ["cow_names", "map_cow", "read_atop", "read_majors", "read_nmc"]

_NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def cow_names(states_csv: Path) -> dict[int, str]:
    """COW state names by code, from the State System Membership list."""
    states = pd.read_csv(states_csv)
    return {int(c): str(n) for c, n in zip(states["ccode"], states["statenme"], strict=True)}


def map_cow(ccodes: pd.Series, years: pd.Series, names: dict[int, str], *, where: str) -> pd.Series:
    """Canonical codes for COW codes and years (``None`` where excluded).

    Raises
    ------
    BuildError
        For a COW code that neither maps nor is excluded.
    """
    pairs = pd.DataFrame({"c": ccodes.astype(int), "y": years.astype(int)})
    cache: dict[tuple[int, int], str | None] = {}
    out: list[str | None] = []
    for c, y in zip(pairs["c"], pairs["y"], strict=True):
        key = (c, y)
        if key not in cache:
            try:
                cache[key] = cow_iso3(c, y, names.get(c))
            except UnknownCountryError as err:
                raise BuildError(f"{where}: {err}") from None
        out.append(cache[key])
    return pd.Series(out, index=ccodes.index, dtype=object)


def _drop_superseded(df: pd.DataFrame, code_col: str, keys: list[str]) -> pd.DataFrame:
    """Drop a predecessor's rows where its successor has a row for the same keys."""
    dup = df.duplicated(keys, keep=False)
    if not dup.any():
        return df
    predecessors = set(SUPERSEDED_COW.values())
    drop = dup & df[code_col].isin(predecessors)
    out = df.loc[~drop]
    still = out.duplicated(keys, keep=False)
    if still.any():
        sample = out.loc[still, [*keys, code_col]].head(6).to_dict("records")
        raise BuildError(f"two COW states share one ISO code and year: {sample}")
    return out


def read_nmc(nmc_csv: Path, names: dict[int, str]) -> pd.DataFrame:
    """COW National Material Capabilities -> tidy ``cow.*`` rows."""
    nmc = pd.read_csv(nmc_csv)
    missing = set(_NMC_COLUMNS) - set(nmc.columns)
    if missing:
        raise BuildError(f"{nmc_csv.name}: missing columns {sorted(missing)}")
    nmc["iso3"] = map_cow(nmc["ccode"], nmc["year"], names, where=nmc_csv.name)
    nmc = nmc[nmc["iso3"].notna()]
    nmc = _drop_superseded(nmc, "ccode", ["iso3", "year"])
    nmc["label"] = [f"COW {c} {names.get(c, EXCLUDED_COW.get(c, '?'))}" for c in nmc["ccode"]]
    long = nmc.melt(
        id_vars=["iso3", "year", "label"],
        value_vars=list(_NMC_COLUMNS),
        var_name="indicator",
        value_name="value",
    ).dropna(subset=["value"])
    long["indicator"] = "cow." + long["indicator"]
    return tidy_indicators(long)


def read_majors(majors_csv: Path, names: dict[int, str]) -> pd.DataFrame:
    """COW major powers (spells of status) -> ``cow.major_power`` = 1 per year."""
    majors = pd.read_csv(majors_csv)
    rows = []
    spells = zip(
        majors["ccode"].to_numpy(int),
        majors["styear"].to_numpy(int),
        majors["endyear"].to_numpy(int),
        strict=True,
    )
    for ccode, first, last in spells:
        for year in range(int(first), int(last) + 1):
            rows.append({"ccode": int(ccode), "year": year})
    df = pd.DataFrame(rows)
    df["iso3"] = map_cow(df["ccode"], df["year"], names, where=majors_csv.name)
    df = df[df["iso3"].notna()]
    df = _drop_superseded(df, "ccode", ["iso3", "year"])
    df = df.drop_duplicates(["iso3", "year"])
    df["indicator"] = "cow.major_power"
    df["value"] = 1.0
    df["label"] = [f"COW {c} {names.get(c, '?')}" for c in df["ccode"]]
    return tidy_indicators(df)


def read_atop(atop_csv: Path, names: dict[int, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ATOP directed dyad-years -> (dyad table, tidy ``atop.*`` partner counts).

    Returns
    -------
    dyads : pandas.DataFrame
        ``iso3_a, iso3_b, year`` and the five 0/1 pledge columns ``defense, offense,
        neutral, nonagg, consul`` (one row per directed pair and year).
    counts : pandas.DataFrame
        Tidy rows ``atop.defence_partners`` and ``atop.alliance_partners``.
    """
    atop = pd.read_csv(atop_csv)
    atop["iso3_a"] = map_cow(atop["ccode1"], atop["year"], names, where=atop_csv.name)
    atop["iso3_b"] = map_cow(atop["ccode2"], atop["year"], names, where=atop_csv.name)
    atop = atop[atop["iso3_a"].notna() & atop["iso3_b"].notna()]
    atop = atop[atop["iso3_a"] != atop["iso3_b"]]
    # a pair may appear twice in 1990 (Germany 255/260, Yemen 678/679): keep successor
    pred = set(SUPERSEDED_COW.values())
    atop = atop.assign(_pred=atop["ccode1"].isin(pred) | atop["ccode2"].isin(pred))
    atop = atop.sort_values("_pred", kind="stable").drop_duplicates(
        ["iso3_a", "iso3_b", "year"], keep="first"
    )
    dyads = pd.DataFrame(
        {
            "iso3_a": atop["iso3_a"].astype(str),
            "iso3_b": atop["iso3_b"].astype(str),
            "year": atop["year"].astype("int32"),
        }
    )
    for flag in _ATOP_FLAGS:
        dyads[flag.removeprefix("atop_")] = atop[flag].fillna(0).astype("int8").to_numpy()
    dyads = dyads.sort_values(["iso3_a", "iso3_b", "year"], kind="stable").reset_index(drop=True)
    pledge = dyads[["defense", "offense", "neutral", "nonagg", "consul"]].to_numpy()
    any_pledge = pledge.max(axis=1) > 0
    counts = []
    for name, mask in (
        ("atop.defence_partners", dyads["defense"].to_numpy() > 0),
        ("atop.alliance_partners", any_pledge),
    ):
        sub = dyads.loc[mask].groupby(["iso3_a", "year"]).size().rename("value").reset_index()
        sub = sub.rename(columns={"iso3_a": "iso3"})
        sub["indicator"] = name
        counts.append(sub)
    counts_df = pd.concat(counts, ignore_index=True)
    counts_df["value"] = counts_df["value"].astype(np.float64)
    return dyads, tidy_indicators(counts_df)
