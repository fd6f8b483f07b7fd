"""Derived measures: NATO's 2% gap, coalition capability and UNGA alignment.

Gap to NATO's 2% guideline (:func:`nato_gap`)
    For ally *i* in year *t* with defence spending share :math:`s_{it}` (percent of
    real GDP, NATO Table 3) against a target :math:`g` (2 by default):

    .. math::  \\text{gap\\_pp}_{it} = g - s_{it}, \\qquad
               \\text{gap\\_usd}_{it} = \\frac{g - s_{it}}{100} \\, Y_{it}, \\qquad
               \\text{gap\\_usd\\_2015}_{it} = \\frac{g - s_{it}}{100} \\, Y^{2015}_{it}

    where :math:`Y_{it}` is GDP in current US$ and :math:`Y^{2015}_{it}` GDP at 2015
    prices and exchange rates (NATO Table 5).  NATO's share is taken of *real* GDP
    (:math:`s = 100 D^{2015} / Y^{2015}`), so ``gap_usd_2015`` is exact in NATO's own
    measure: the extra spending, at 2015 prices, that would have put the ally at the
    target.  ``gap_usd`` applies the same percentage-point gap to current-price GDP:
    the order of magnitude in today's dollars (the nominal spending ratio differs from
    NATO's real one, e.g. Netherlands 2024: 1.85% nominal vs 2.05% real).  Positive
    gaps are shortfalls, negative ones a margin above the guideline.

Coalition capability (:func:`coalition`)
    For a set *C* of countries and an additive indicator *x* in year *t*:
    :math:`X_C = \\sum_{i \\in C} x_{it}` and its share of a reference set *R*,
    :math:`X_C / X_R` (by default *R* is every country with data that year).

Alignment (:func:`alignment`)
    Ideal-point distance :math:`|\\theta_{at} - \\theta_{bt}|` (Bailey, Strezhnev and
    Voeten 2017) and vote agreement: the share of roll calls in a session on which both
    states voted and cast the same vote (yes, no or abstain), the definition of the
    agreement columns of Voeten's UNGA data (reproduced exactly, see the tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from detente.data.catalog import INDICATORS
from detente.data.groups import GROUPS, members
from detente.data.identity import country_name, resolve_countries
from detente.data.store import check_indicator, get_store
from detente.errors import InputError

__all__ = ["CoalitionCapability", "alignment", "coalition", "countries_of", "nato_gap"]


def countries_of(
    spec: str | Sequence[str], year: int | dt.date, *, field_name: str = "countries"
) -> list[str]:
    """Canonical codes for a group name (``"NATO-Europe"``) or a list of countries."""
    if isinstance(spec, str):
        if spec.strip().lower() in {g.lower() for g in GROUPS}:
            return members(spec, year)
        return resolve_countries([spec], field=field_name)
    out: list[str] = []
    for item in spec:
        for code in countries_of(item, year, field_name=field_name):
            if code not in out:
                out.append(code)
    return out


def nato_gap(
    year: int = 2024,
    target: float = 2.0,
    countries: str | Sequence[str] = "NATO",
) -> pd.DataFrame:
    """Each ally's distance to NATO's 2% guideline, in percentage points and US$.

    Parameters
    ----------
    year
        Year of NATO's figures (2023 and 2024 are estimates in the June 2024 edition).
    target
        The guideline in percent of GDP.
    countries
        A group (``"NATO"``, ``"NATO-Europe"``) or a list of allies.

    Returns
    -------
    pandas.DataFrame
        ``iso3, country, year, share_gdp, gap_pp, gap_usd, gap_usd_2015, below, flag``
        sorted by ``share_gdp``; ``gap_usd`` in current US$, ``gap_usd_2015`` in US$ at
        2015 prices (see the module docstring); ``below`` is ``share_gdp < target``
        (an ally exactly at the target is not below it).  Allies without a figure
        (Iceland) are left out.
    """
    codes = countries_of(countries, year)
    df = get_store().sql(
        """
        SELECT s.iso3, s.country, s.year, s.value AS share_gdp, g.value AS gdp_musd,
               k.value AS gdp2015_musd, s.flag
        FROM indicators s
        LEFT JOIN indicators g
          ON g.iso3 = s.iso3 AND g.year = s.year AND g.indicator = 'nato.gdp_usd_current'
        LEFT JOIN indicators k
          ON k.iso3 = s.iso3 AND k.year = s.year AND k.indicator = 'nato.gdp_usd_constant'
        WHERE s.indicator = 'nato.defence_share_gdp' AND s.year = ?
        """,
        [year],
    )
    df = df[df["iso3"].isin(codes)].copy()
    df["gap_pp"] = target - df["share_gdp"]
    df["gap_usd"] = df["gap_pp"] / 100.0 * df["gdp_musd"] * 1e6
    df["gap_usd_2015"] = df["gap_pp"] / 100.0 * df["gdp2015_musd"] * 1e6
    df["below"] = df["share_gdp"] < target
    df["year"] = df["year"].astype("int64")
    cols = [
        "iso3",
        "country",
        "year",
        "share_gdp",
        "gap_pp",
        "gap_usd",
        "gap_usd_2015",
        "below",
        "flag",
    ]
    return df[cols].sort_values(["share_gdp", "iso3"]).reset_index(drop=True)


@dataclass(frozen=True)
class CoalitionCapability:
    """The combined capability of a set of countries.

    Attributes
    ----------
    indicator, year, unit
        What was summed, for which year, in which unit.
    total
        Sum over the members with data.
    share
        ``total`` divided by the reference total (0-1).
    reference_total
        Sum over the reference set.
    members
        Members with data, with their values (``iso3, country, value, share``).
    missing
        Members without data that year.
    reference
        Description of the reference set.
    """

    indicator: str
    year: int
    unit: str
    total: float
    share: float
    reference_total: float
    members: pd.DataFrame = field(repr=False)
    missing: list[str]
    reference: str

    def as_dict(self) -> dict[str, object]:
        """A plain dict (members as records)."""
        return {
            "indicator": self.indicator,
            "year": self.year,
            "unit": self.unit,
            "total": self.total,
            "share": self.share,
            "reference_total": self.reference_total,
            "reference": self.reference,
            "members": self.members.to_dict("records"),
            "missing": self.missing,
        }


def coalition(
    countries: str | Sequence[str],
    indicator: str,
    year: int | None = None,
    *,
    exclude: Sequence[str] = (),
    reference: str | Sequence[str] | None = None,
) -> CoalitionCapability:
    """Sum and share of an indicator for a set of countries.

    Parameters
    ----------
    countries
        A group (``"NATO-Europe"``, ``"EU"``, ``"NATO"``) or a list of countries.
    indicator
        An additive indicator, e.g. ``"nato.defence_usd_current"``, ``"cow.cinc"``.
    year
        Year; default the latest year with data for any member.
    exclude
        Countries to leave out, e.g. ``["TUR"]`` for European NATO without Türkiye.
    reference
        The set the share is taken of (a group or list); default every country with
        data that year.

    Returns
    -------
    CoalitionCapability

    Raises
    ------
    InputError
        For an unknown indicator or country, a non-additive indicator (a share or an
        ideal point cannot be summed) or a year with no data for any member.

    Examples
    --------
    European NATO's share of NATO defence spending in 2024, without Türkiye:

    >>> c = coalition("NATO-Europe", "nato.defence_usd_current", 2024,
    ...               exclude=["TUR"], reference="NATO")  # doctest: +SKIP
    """
    check_indicator(indicator)
    spec = INDICATORS[indicator]
    if not spec.additive:
        raise InputError(
            f"{indicator} ({spec.unit}) cannot be summed over countries",
            field="indicator",
            fix="use a level such as nato.defence_usd_current, sipri.milex_usd_constant, "
            "nato.military_personnel or cow.cinc.",
        )
    store = get_store()
    if year is None:
        probe = countries_of(countries, dt.date.today())
        df = store.sql(
            f"SELECT max(year) AS y FROM indicators WHERE indicator = ? AND iso3 IN "
            f"({', '.join('?' * len(probe))})",
            [indicator, *probe],
        )
        if df["y"].isna().all():
            raise InputError(f"no {indicator} data for these countries", field="countries")
        year = int(df["y"].iloc[0])
    codes = [c for c in countries_of(countries, year) if c not in set(resolve_countries(exclude))]
    if not codes:
        raise InputError("the coalition has no members", field="countries")
    data = store.sql(
        "SELECT iso3, country, value, unit FROM indicators WHERE indicator = ? AND year = ?",
        [indicator, year],
    )
    if data.empty:
        raise InputError(f"{indicator} has no data for {year}", field="year")
    if reference is None:
        ref = data
        ref_text = f"all {len(data)} countries with {indicator} data in {year}"
    else:
        ref_codes = countries_of(reference, year, field_name="reference")
        ref = data[data["iso3"].isin(ref_codes)]
        ref_text = reference if isinstance(reference, str) else ", ".join(ref_codes)
    have = data[data["iso3"].isin(codes)].copy()
    total = float(have["value"].sum())
    ref_total = float(ref["value"].sum())
    have["share"] = have["value"] / ref_total if ref_total else float("nan")
    missing = [c for c in codes if c not in set(have["iso3"])]
    return CoalitionCapability(
        indicator=indicator,
        year=int(year),
        unit=str(data["unit"].iloc[0]),
        total=total,
        share=total / ref_total if ref_total else float("nan"),
        reference_total=ref_total,
        members=have[["iso3", "country", "value", "share"]]
        .sort_values("value", ascending=False)
        .reset_index(drop=True),
        missing=missing,
        reference=str(ref_text),
    )


def alignment(a: str, b: str, years: int | Sequence[int] | range | None = None) -> pd.DataFrame:
    """How closely two states align in the UN General Assembly, year by year.

    Parameters
    ----------
    a, b
        Two countries (codes or names).  The USSR is ``SUN`` up to 1991.
    years
        Years (UNGA sessions open in September of ``1945 + session``); default all.

    Returns
    -------
    pandas.DataFrame
        ``year, session, ideal_point_a, ideal_point_b, distance, agreement,
        joint_votes``: ideal points (1946-2023), their absolute difference, and the
        share of joint roll calls with identical votes (1946-2019 sessions, from the
        ``unvotes`` data).  Years with neither measure are left out.
    """
    (code_a,) = resolve_countries([a], field="countries")
    (code_b,) = resolve_countries([b], field="countries")
    if code_a == code_b:
        raise InputError("alignment needs two different countries", field="countries")
    store = get_store()
    ideal = store.sql(
        """
        SELECT year,
               max(CASE WHEN iso3 = ? THEN value END) AS ideal_point_a,
               max(CASE WHEN iso3 = ? THEN value END) AS ideal_point_b
        FROM indicators
        WHERE indicator = 'unga.ideal_point' AND iso3 IN (?, ?)
        GROUP BY year
        """,
        [code_a, code_b, code_a, code_b],
    )
    votes = store.sql(
        """
        WITH va AS (SELECT rcid, vote FROM unga_votes WHERE iso3 = ?),
             vb AS (SELECT rcid, vote FROM unga_votes WHERE iso3 = ?)
        SELECT r.session, 1945 + r.session AS year,
               avg(CASE WHEN va.vote = vb.vote THEN 1.0 ELSE 0.0 END) AS agreement,
               count(*) AS joint_votes
        FROM va JOIN vb USING (rcid) JOIN unga_rollcalls r USING (rcid)
        GROUP BY r.session
        """,
        [code_a, code_b],
    )
    df = ideal.merge(votes, on="year", how="outer")
    df["session"] = df["year"] - 1945
    df["distance"] = (df["ideal_point_a"] - df["ideal_point_b"]).abs()
    df["joint_votes"] = df["joint_votes"].fillna(0).astype("int64")
    keep = df["distance"].notna() | df["agreement"].notna()
    df = df[keep]
    if years is not None:
        wanted = [years] if isinstance(years, int) else list(years)
        df = df[df["year"].isin(wanted)]
    df["year"] = df["year"].astype("int64")
    df["session"] = df["session"].astype("int64")
    cols = ["year", "session", "ideal_point_a", "ideal_point_b", "distance", "agreement"]
    out = df[[*cols, "joint_votes"]].sort_values("year").reset_index(drop=True)
    out.attrs["countries"] = (code_a, code_b)
    out.attrs["names"] = (country_name(code_a), country_name(code_b))
    return out
