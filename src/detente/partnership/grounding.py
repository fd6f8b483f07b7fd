"""The data behind the partnership model's data-grounded ranges, computed from NATO's tables.

Four defaults of :mod:`detente.partnership.parameters` rest on NATO, *Defence
Expenditure of NATO Countries (2014-2024)* (17 June 2024), shipped with detente and
read here through :mod:`detente.data`:

* ``turkey_force_ratio`` -- Türkiye's military personnel relative to the other
  European Allies' (Table 7): the upper bound is
  :math:`P_{TUR} / (P_{Europe} - P_{TUR})`, rounded to two decimals; the lower bound
  halves it (readiness and deployability, expert judgement); the nominal value is the
  midpoint.
* ``rearm_rate`` -- the European Allies' real defence spending (Table 2, 2015 prices,
  summed over the Allies of the final year, so every year counts the same countries)
  grew at :math:`(S_{2024}/S_{2014})^{1/10} - 1` and :math:`(S_{2024}/S_{2019})^{1/5} - 1`
  a year; capacity lags spending, so the range runs from 0 to the recent growth rounded
  to two decimals, with the midpoint as nominal.
* ``eu_capacity0`` -- an expert range whose justification counts the European Allies
  below 2 % of GDP (Table 3).
* ``us_commitment0`` -- an expert range whose justification quotes US military
  personnel (Table 7).

:func:`nato_grounding` computes the figures, the ranges and the one-line sources; the
parameter table and the flagship example's ``[partnership]`` table carry the same
numbers, and tests recompute them and compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["NATO_SOURCE", "NatoGrounding", "nato_grounding"]

#: How the parameter sources cite NATO's report.
NATO_SOURCE = "NATO, Defence Expenditure of NATO Countries 2014-2024 (17 June 2024)"

_GROUP = "NATO-Europe"


def _round(x: float, places: int) -> float:
    """Round half up (not to even), as a reader rounds ``0.235`` to ``0.24``."""
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class NatoGrounding:
    """Figures from NATO's June 2024 tables and the ranges derived from them.

    Attributes
    ----------
    year
        The final year (2024: a NATO estimate, marked ``e``).
    estimate
        Whether NATO flags the final year's figures as estimates.
    turkey_personnel, europe_personnel, us_personnel
        Military personnel in the final year, thousands (Table 7); ``europe_personnel``
        sums the European Allies, Türkiye included.
    spending
        European Allies' defence expenditure, billion US$ at 2015 prices (Table 2), by
        year, over the Allies of the final year.
    long_base, recent_base
        First years of the two growth periods.
    below_two_percent
        ``(iso3, name, share of GDP in %)`` of the European Allies under 2 % in the final
        year (Table 3), lowest first.
    """

    year: int
    estimate: bool
    turkey_personnel: float
    europe_personnel: float
    us_personnel: float
    spending: dict[int, float]
    long_base: int
    recent_base: int
    below_two_percent: tuple[tuple[str, str, float], ...]

    @property
    def year_label(self) -> str:
        """``2024e`` for an estimate, else ``2024``."""
        return f"{self.year}{'e' if self.estimate else ''}"

    @property
    def force_ratio_max(self) -> float:
        """Türkiye's personnel over the other European Allies'."""
        return self.turkey_personnel / (self.europe_personnel - self.turkey_personnel)

    def growth(self, base: int) -> float:
        """Yearly growth of European real defence spending from ``base`` to the final year."""
        return float(
            (self.spending[self.year] / self.spending[base]) ** (1 / (self.year - base)) - 1
        )

    def ranges(self) -> dict[str, tuple[float, float, float]]:
        """``name -> (low, high, nominal)`` of the data-derived ranges."""
        hi = _round(self.force_ratio_max, 2)
        lo = _round(self.force_ratio_max / 2, 2)
        rearm_hi = _round(self.growth(self.recent_base), 2)
        return {
            "turkey_force_ratio": (lo, hi, _round((lo + hi) / 2, 3)),
            "rearm_rate": (0.0, rearm_hi, _round(rearm_hi / 2, 3)),
        }

    def sources(self) -> dict[str, str]:
        """``name -> one-line source`` of every parameter whose justification uses the data."""
        y = self.year_label
        g_long = self.growth(self.long_base)
        g_recent = self.growth(self.recent_base)
        n_below = len(self.below_two_percent)
        return {
            "eu_capacity0": (
                "Europe's own capacity (Allies other than Türkiye) against the threat in "
                f"year 1; expert judgement, below 1 since {n_below} European Allies spent "
                f"under 2% of GDP in {y} ({NATO_SOURCE}, Table 3)."
            ),
            "rearm_rate": (
                "Growth of Europe's own capacity; European Allies' real defence spending "
                f"grew {g_long:.1%}/yr {self.long_base}-{self.year} and {g_recent:.1%}/yr "
                f"{self.recent_base}-{self.year} ({NATO_SOURCE}, Table 2, 2015 prices); "
                "capacity lags spending (industrial bottlenecks, seed article)."
            ),
            "us_commitment0": (
                "US forces committed to European defence in year 1; expert judgement (US "
                f"personnel {self.us_personnel:,.1f} thousand in {y}, {NATO_SOURCE}, "
                "Table 7, most not in Europe)."
            ),
            "turkey_force_ratio": (
                "Türkiye's force relative to the other European Allies'; upper bound "
                f"{self.turkey_personnel:,.1f} / ({self.europe_personnel:,.1f} - "
                f"{self.turkey_personnel:,.1f}) = {self.force_ratio_max:.3f} by military "
                f"personnel {y} ({NATO_SOURCE}, Table 7), lower bound halves it for "
                "readiness and deployability (expert judgement)."
            ),
        }


def nato_grounding(
    year: int = 2024, long_base: int = 2014, recent_base: int = 2019
) -> NatoGrounding:
    """Compute the figures behind the data-grounded partnership defaults.

    Parameters
    ----------
    year
        Final year of NATO's figures.
    long_base, recent_base
        First years of the long and the recent spending-growth periods.

    Returns
    -------
    NatoGrounding
        The figures, with :meth:`NatoGrounding.ranges` and :meth:`NatoGrounding.sources`.

    Raises
    ------
    InputError
        If the shipped data lack a figure (e.g. a year outside NATO's tables).
    """
    from detente import data
    from detente.errors import InputError

    europe = data.coalition(_GROUP, "nato.military_personnel", year)
    people = data.indicator("nato.military_personnel", ["TUR", "USA"], year)
    by = dict(zip(people["iso3"], people["value"], strict=True))
    spend = data.indicator("nato.defence_usd_constant", _GROUP, [long_base, recent_base, year])
    totals = spend.groupby("year")["value"].sum() / 1000.0
    gap = data.nato_gap(year, countries=_GROUP)
    below = gap[gap["below"]].sort_values("share_gdp")
    missing = [y for y in (long_base, recent_base, year) if y not in totals.index]
    if missing or "TUR" not in by or "USA" not in by:
        raise InputError(
            f"NATO's tables lack figures for {missing or 'TUR/USA personnel'}",
            field="year",
            fix="use years covered by NATO's June 2024 tables (2014-2024).",
        )
    flags = set(people["flag"].dropna()) | set(spend.loc[spend["year"] == year, "flag"].dropna())
    return NatoGrounding(
        year=year,
        estimate="estimate" in flags,
        turkey_personnel=float(by["TUR"]),
        europe_personnel=float(europe.total),
        us_personnel=float(by["USA"]),
        spending={y: float(totals.loc[y]) for y in (long_base, recent_base, year)},
        long_base=long_base,
        recent_base=recent_base,
        below_two_percent=tuple(
            (str(iso), str(name), float(share))
            for iso, name, share in zip(
                below["iso3"], below["country"], below["share_gdp"], strict=True
            )
        ),
    )
