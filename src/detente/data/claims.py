"""Check the numeric claims of the flagship case's seed article against the data.

The article (Ali Mammadov on Türkiye's role in European security) makes three numeric
claims; :func:`check_claims` tests each against the shipped (or imported) data and
returns structured rows that the CLI prints and reports reuse:

1. "Seven European members of NATO have not even reached the threshold of 2%" --
   NATO June 2024 estimates, Table 3, for the European Allies of 2024.
2. "the second largest NATO army, with around 402,000 soldiers" -- NATO Table 7
   (2024e) and COW NMC ``milper`` (latest year), ranked among NATO members.
3. "In 2024 alone, Turkish defence and aerospace exports exceeded 7 billion dollars"
   -- no dataset measures this in dollars: SIPRI's TIV is a volume index.  The row
   gives Türkiye's share of world major-arms deliveries from SIPRI (a computed figure)
   and the official figures reported in the press (cited, not data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from detente.data.derived import nato_gap
from detente.data.groups import members
from detente.data.identity import country_name
from detente.data.store import get_store
from detente.errors import InputError

__all__ = ["REPORTED_EXPORTS", "ClaimCheck", "check_claims", "claims_frame"]

Verdict = Literal["holds", "partly holds", "does not hold", "not checkable from data"]


@dataclass(frozen=True)
class ClaimCheck:
    """The check of one claim.

    Attributes
    ----------
    id
        Short id (``nato_2pct``, ``army_size``, ``defence_exports``).
    claim
        The claim as the article makes it.
    figures
        The figures from the data, as text.
    verdict
        ``holds``, ``partly holds``, ``does not hold`` or ``not checkable from data``.
    explanation
        Why, in one or two sentences.
    source
        The data (and, where used, the cited reports) behind the figures.
    values
        The key numbers, for reuse (e.g. ``{"count": 7, "allies": {...}}``).
    """

    id: str
    claim: str
    figures: str
    verdict: Verdict
    explanation: str
    source: str
    values: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        """A plain dict."""
        return {
            "id": self.id,
            "claim": self.claim,
            "figures": self.figures,
            "verdict": self.verdict,
            "explanation": self.explanation,
            "source": self.source,
            "values": self.values,
        }


#: Official figures for Türkiye's 2024 defence and aerospace exports as reported in the
#: press.  These are *cited* figures, not data detente computes.
REPORTED_EXPORTS: tuple[dict[str, object], ...] = (
    {
        "value_usd_bn": 7.154,
        "scope": "SSB (Presidency of Defence Industries), incl. NATO and service exports",
        "citation": "Haluk Görgün (SSB) on X, 3 January 2025, reported by Daily Sabah, "
        "5 January 2025, https://www.dailysabah.com/business/defense/"
        "turkiyes-defense-exports-snag-new-record-of-72b-in-2024",
    },
    {
        "value_usd_bn": 6.734,
        "scope": "TİM (Turkish Exporters Assembly), goods only",
        "citation": "AeroHaber, https://www.aerohaber.com/record-year-in-defense-and-"
        "aerospace-industry-for-2024-exports-to-180-countries-from-turkey/",
    },
)


def _source_of(indicator: str) -> str:
    return get_store().source_of(indicator)


def _latest(indicator: str) -> int:
    return get_store().coverage()[indicator][1]


def _check_two_percent(year: int = 2024) -> ClaimCheck:
    europe = set(members("NATO-Europe", year))
    gap = nato_gap(year)
    eu_rows = gap[gap["iso3"].isin(europe)]
    below = eu_rows[eu_rows["below"]]
    listed = ", ".join(f"{r.country} {r.share_gdp:.2f}" for r in below.itertuples())
    at_target = eu_rows[(eu_rows["share_gdp"] - 2.0).abs() < 0.005]
    outside = gap[~gap["iso3"].isin(europe) & gap["below"]]
    no_figure = sorted(europe - set(gap["iso3"]))
    later = get_store().sql(
        "SELECT iso3 FROM indicators WHERE indicator = 'nato_later.defence_share_gdp' "
        "AND year = ? AND value < 2.0",
        [year],
    )
    later_n = int(later["iso3"].isin(europe).sum())
    n = len(below)
    figures = f"{n} European Allies below 2% in {year}e: {listed}."
    extra = []
    if len(at_target):
        extra.append(
            "exactly at 2.00: " + ", ".join(at_target["country"]) + " (not counted as below)"
        )
    if len(outside):
        extra.append(
            "not European: "
            + ", ".join(f"{r.country} {r.share_gdp:.2f}" for r in outside.itertuples())
        )
    if no_figure:
        extra.append("no figure: " + ", ".join(country_name(c) for c in no_figure))
    if extra:
        figures += " " + "; ".join(extra) + "."
    verdict: Verdict = "holds" if n == 7 else "does not hold"
    explanation = (
        f"NATO's June 2024 estimates put {n} European Allies under 2% of GDP. These are "
        f"estimates; an unverified later NATO vintage puts {later_n} European Allies "
        "below 2% for the same year."
    )
    return ClaimCheck(
        id="nato_2pct",
        claim="Seven European members of NATO have not even reached the threshold of 2%.",
        figures=figures,
        verdict=verdict,
        explanation=explanation,
        source=f"{_source_of('nato.defence_share_gdp')}, Table 3 (nato.defence_share_gdp)",
        values={
            "year": year,
            "count": n,
            "allies": {
                str(c): round(float(v), 2)
                for c, v in zip(below["iso3"], below["share_gdp"].to_numpy(float), strict=True)
            },
            "later_vintage_count": later_n,
        },
    )


def _rank_nato(indicator: str, year: int) -> pd.DataFrame:
    df = get_store().sql(
        "SELECT iso3, country, value FROM indicators WHERE indicator = ? AND year = ?",
        [indicator, year],
    )
    df = df[df["iso3"].isin(members("NATO", year))]
    return df.sort_values("value", ascending=False).reset_index(drop=True)


def _check_army(claimed: float = 402.0) -> ClaimCheck:
    nato_year = _latest("nato.military_personnel")
    cow_year = _latest("cow.milper")
    nato_rank = _rank_nato("nato.military_personnel", nato_year)
    cow_rank = _rank_nato("cow.milper", cow_year)

    def place(df: pd.DataFrame) -> tuple[int, float]:
        hit = (df["iso3"] == "TUR").to_numpy()
        if not hit.any():
            raise InputError("Türkiye has no data for this ranking", field="claims")
        pos = int(hit.argmax())
        return pos + 1, float(df["value"].to_numpy(float)[pos])

    n_rank, n_val = place(nato_rank)
    c_rank, c_val = place(cow_rank)
    top = nato_rank.head(4)
    figures = (
        f"NATO Table 7, {nato_year}e (thousands): "
        + ", ".join(f"{r.country} {r.value:,.1f}" for r in top.itertuples())
        + f". COW NMC milper {cow_year}: Türkiye {c_val:,.0f}k, rank {c_rank} among NATO "
        f"members after the United States ({cow_rank['value'].iloc[0]:,.0f}k)."
    )
    rank_holds = n_rank == 2 and c_rank == 2
    matches = [abs(v - claimed) / claimed < 0.05 for v in (n_val, c_val)]
    verdict: Verdict = (
        "holds"
        if rank_holds and any(matches)
        else ("partly holds" if rank_holds else "does not hold")
    )
    explanation = (
        f"Türkiye is second in both sources, but ~{claimed:,.0f}k matches neither "
        f"(NATO {n_val:,.1f}k, COW {c_val:,.0f}k): it lies between them and its source is "
        "not given."
        if rank_holds and not any(matches)
        else f"Türkiye ranks {n_rank} (NATO) and {c_rank} (COW)."
    )
    return ClaimCheck(
        id="army_size",
        claim="Türkiye has the second largest NATO army, with around 402,000 soldiers.",
        figures=figures,
        verdict=verdict,
        explanation=explanation,
        source=f"{_source_of('nato.military_personnel')}, Table 7 "
        f"(nato.military_personnel); {_source_of('cow.milper')} (cow.milper)",
        values={
            "nato_year": nato_year,
            "nato_rank": n_rank,
            "nato_thousands": round(n_val, 1),
            "nato_first": (
                str(nato_rank["iso3"].iloc[0]),
                round(float(nato_rank["value"].iloc[0]), 1),
            ),
            "cow_year": cow_year,
            "cow_rank": c_rank,
            "cow_thousands": c_val,
            "claimed_thousands": claimed,
        },
    )


def _arms_share(iso3: str, first: int, last: int) -> tuple[float | None, str]:
    """Share (percent) of world deliveries by ``iso3`` over ``first..last``.

    World totals are recovered from any country's (TIV, share) pair of the year:
    ``world = 100 * tiv / share`` -- the extract ships both for its countries.
    """
    df = get_store().sql(
        """
        SELECT t.iso3, t.year, t.value AS tiv, s.value AS share
        FROM indicators t JOIN indicators s
          ON s.iso3 = t.iso3 AND s.year = t.year AND s.indicator = 'sipri.arms_exports_share'
        WHERE t.indicator = 'sipri.arms_exports_tiv' AND t.year BETWEEN ? AND ?
        """,
        [first, last],
    )
    world = (
        df[df["share"] > 0]
        .assign(world=lambda d: 100.0 * d["tiv"] / d["share"])
        .groupby("year")["world"]
        .median()
    )
    if world.empty or len(world) < last - first + 1:
        return None, ""
    total = float(df.loc[df["iso3"] == iso3, "tiv"].sum())
    return 100.0 * total / float(world.sum()), f"{total:,.0f} of {world.sum():,.0f} million TIV"


def _check_exports() -> ClaimCheck:
    share, detail = _arms_share("TUR", 2020, 2024)
    reported = "; ".join(f"US$ {r['value_usd_bn']} bn ({r['scope']})" for r in REPORTED_EXPORTS)
    if share is not None:
        sipri_text = (
            f"SIPRI: Türkiye supplied {share:.1f}% of world major-arms deliveries in "
            f"2020-2024 ({detail}; TIV is a volume index, not US$)."
        )
    else:
        sipri_text = "SIPRI arms-transfer data not available for 2020-2024."
    figures = f"{sipri_text} Reported (cited, not data): {reported}."
    return ClaimCheck(
        id="defence_exports",
        claim="In 2024 alone, Turkish defence and aerospace exports exceeded 7 billion dollars.",
        figures=figures,
        verdict="not checkable from data",
        explanation=(
            "No dataset here measures export revenue: SIPRI's TIV measures volume. The "
            "claim holds only for SSB's broadest official figure (US$ 7.154 bn, including "
            "services); TİM's goods-only figure is US$ 6.734 bn, below 7 bn."
        ),
        source="SIPRI Arms Transfers Database (sipri.arms_exports_tiv/_share; detente's "
        "annual split); press reports cited in detente.data.claims.REPORTED_EXPORTS",
        values={
            "sipri_share_2020_2024_pct": None if share is None else round(share, 2),
            "reported": [dict(r) for r in REPORTED_EXPORTS],
        },
    )


def check_claims() -> list[ClaimCheck]:
    """Check the seed article's numeric claims against the data.

    Returns
    -------
    list of ClaimCheck
        One row per claim: the claim, the figures from the data, the verdict and the
        source.
    """
    return [_check_two_percent(), _check_army(), _check_exports()]


def claims_frame(checks: list[ClaimCheck] | None = None) -> pd.DataFrame:
    """The checks as a DataFrame (``claim, figures, verdict, source`` and more)."""
    rows = [c.as_dict() for c in (checks if checks is not None else check_claims())]
    return pd.DataFrame(rows)
