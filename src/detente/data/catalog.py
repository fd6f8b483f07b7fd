"""The indicator catalogue: every ``source.indicator`` name, its unit and meaning.

Converters take units from here, so the catalogue, the Parquet files and
``detente data show`` always agree.  Shares are percent unless the unit says otherwise
(SIPRI's fractions are converted to percent on import).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INDICATORS", "IndicatorSpec", "spec"]


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator.

    Attributes
    ----------
    name
        ``dataset.indicator``, e.g. ``nato.defence_share_gdp``.
    dataset
        Id of the dataset's :class:`~detente.data.provenance.Provenance` record.
    unit
        Unit of ``value``.
    description
        What it measures, with the source table or column.
    additive
        Whether values of several countries may be summed (levels such as spending,
        personnel or CINC shares); ``False`` for ratios, per-capita values, ideal
        points and counts of partners.
    """

    name: str
    dataset: str
    unit: str
    description: str
    additive: bool = True


_NOT_ADDITIVE = (
    "_lcu",
    "share_gdp",
    "share_govt",
    "real_change",
    "per_capita",
    ".share_",
    "_share",
    "unga.",
    "partners",
    "major_power",
)


def _s(name: str, dataset: str, unit: str, description: str) -> IndicatorSpec:
    additive = not any(key in name for key in _NOT_ADDITIVE)
    return IndicatorSpec(name, dataset, unit, description, additive)


_M_USD = "million US$"

INDICATORS: dict[str, IndicatorSpec] = {
    s.name: s
    for s in (
        # NATO, June 2024 (TABLE1-TABLE8b)
        _s(
            "nato.defence_lcu_current",
            "nato",
            "million national currency units, current prices",
            "Defence expenditure in national currency (TABLE1)",
        ),
        _s(
            "nato.defence_lcu_constant",
            "nato",
            "million national currency units, 2015 prices",
            "Defence expenditure in national currency at 2015 prices (TABLE1)",
        ),
        _s(
            "nato.defence_usd_current",
            "nato",
            f"{_M_USD}, current prices and exchange rates",
            "Defence expenditure (TABLE2)",
        ),
        _s(
            "nato.defence_usd_constant",
            "nato",
            f"{_M_USD}, 2015 prices and exchange rates",
            "Defence expenditure at 2015 prices (TABLE2)",
        ),
        _s(
            "nato.defence_share_gdp",
            "nato",
            "percent of real GDP",
            "Defence expenditure as a share of real GDP, 2015 prices (TABLE3)",
        ),
        _s(
            "nato.defence_real_change",
            "nato",
            "percent, annual real change",
            "Annual real change in defence expenditure (TABLE3)",
        ),
        _s("nato.gdp_usd_current", "nato", f"{_M_USD}, current prices", "GDP (TABLE5)"),
        _s(
            "nato.gdp_usd_constant",
            "nato",
            f"{_M_USD}, 2015 prices and exchange rates",
            "GDP at 2015 prices (TABLE5)",
        ),
        _s(
            "nato.gdp_per_capita",
            "nato",
            "thousand US$ per person, 2015 prices",
            "GDP per capita (TABLE6)",
        ),
        _s(
            "nato.defence_per_capita",
            "nato",
            "US$ per person, 2015 prices",
            "Defence expenditure per capita (TABLE6)",
        ),
        _s(
            "nato.military_personnel",
            "nato",
            "thousand persons",
            "Military personnel, NATO definition (TABLE7)",
        ),
        _s(
            "nato.share_equipment",
            "nato",
            "percent of defence expenditure",
            "Equipment expenditure incl. major equipment and R&D on it (TABLE8a)",
        ),
        _s(
            "nato.share_personnel",
            "nato",
            "percent of defence expenditure",
            "Personnel expenditure incl. pensions (TABLE8a)",
        ),
        _s(
            "nato.share_infrastructure",
            "nato",
            "percent of defence expenditure",
            "Infrastructure incl. NATO common infrastructure (TABLE8b)",
        ),
        _s(
            "nato.share_other",
            "nato",
            "percent of defence expenditure",
            "Operations, maintenance, other R&D and unallocated (TABLE8b)",
        ),
        _s(
            "nato_later.defence_share_gdp",
            "nato_later",
            "percent of GDP",
            "Defence expenditure as % of GDP, later NATO vintage (unverified copy)",
        ),
        # SIPRI military expenditure
        _s(
            "sipri.milex_usd_constant",
            "sipri_milex",
            f"{_M_USD}, constant 2023 prices and exchange rates",
            "Military expenditure at constant (2023) prices",
        ),
        _s(
            "sipri.milex_usd_current",
            "sipri_milex",
            f"{_M_USD}, current prices and exchange rates",
            "Military expenditure at current prices",
        ),
        _s(
            "sipri.milex_share_gdp",
            "sipri_milex",
            "percent of GDP",
            "Military expenditure as a share of GDP (SIPRI fraction x 100)",
        ),
        _s(
            "sipri.milex_share_govt",
            "sipri_milex",
            "percent of general government expenditure",
            "Military expenditure as a share of government spending (SIPRI fraction x 100)",
        ),
        _s(
            "sipri.milex_per_capita",
            "sipri_milex",
            "US$ per person, current prices",
            "Military expenditure per capita",
        ),
        _s(
            "sipri.milex_lcu_calendar",
            "sipri_milex",
            "local currency (full units), current prices, calendar year",
            "Military expenditure in local currency, calendar years",
        ),
        _s(
            "sipri.milex_lcu_financial",
            "sipri_milex",
            "local currency (full units), current prices, financial year",
            "Military expenditure in local currency, financial years",
        ),
        # SIPRI arms transfers (detente's annual totals from the trade register)
        _s(
            "sipri.arms_exports_tiv",
            "sipri_arms",
            "million TIV (SIPRI trend-indicator value, not US$)",
            "Deliveries of major arms by this supplier in the year (deal TIV split evenly "
            "over delivery years)",
        ),
        _s(
            "sipri.arms_imports_tiv",
            "sipri_arms",
            "million TIV (SIPRI trend-indicator value, not US$)",
            "Deliveries of major arms to this recipient in the year (deal TIV split "
            "evenly over delivery years)",
        ),
        _s(
            "sipri.arms_exports_share",
            "sipri_arms",
            "percent of world deliveries (TIV)",
            "Share of all major-arms deliveries in the year supplied by this country",
        ),
        _s(
            "sipri.arms_imports_share",
            "sipri_arms",
            "percent of world deliveries (TIV)",
            "Share of all major-arms deliveries in the year received by this country",
        ),
        # COW NMC v7.0
        _s(
            "cow.milex",
            "cow",
            "thousand current US$ (thousand GBP before 1914)",
            "Military expenditure (NMC milex)",
        ),
        _s("cow.milper", "cow", "thousand persons", "Military personnel (NMC milper)"),
        _s("cow.irst", "cow", "thousand tons", "Iron and steel production (NMC irst)"),
        _s(
            "cow.pec",
            "cow",
            "thousand coal-ton equivalents",
            "Primary energy consumption (NMC pec)",
        ),
        _s("cow.tpop", "cow", "thousand persons", "Total population (NMC tpop)"),
        _s("cow.upop", "cow", "thousand persons", "Urban population (NMC upop)"),
        _s(
            "cow.cinc",
            "cow",
            "share of the system total (0-1)",
            "Composite Index of National Capability (NMC cinc)",
        ),
        _s(
            "cow.major_power",
            "cow",
            "1 = major power",
            "COW major-power status (present only in years of major-power status)",
        ),
        # ATOP v5.1
        _s(
            "atop.defence_partners",
            "atop",
            "number of states",
            "States this state has a defence pledge with (ATOP atop_defense; present "
            "only where there is at least one)",
        ),
        _s(
            "atop.alliance_partners",
            "atop",
            "number of states",
            "States this state has any ATOP pledge with (defence, offence, neutrality, "
            "non-aggression or consultation)",
        ),
        # World Bank WDI
        _s("wdi.gdp_usd", "wdi", "current US$", "GDP (NY.GDP.MKTP.CD)"),
        _s("wdi.population", "wdi", "persons", "Population, total (SP.POP.TOTL)"),
        # UNHCR
        _s(
            "unhcr.refugees_hosted",
            "unhcr",
            "persons",
            "Refugees under UNHCR's mandate hosted at end-year (all origins)",
        ),
        _s(
            "unhcr.asylum_seekers_hosted",
            "unhcr",
            "persons",
            "Asylum-seekers hosted at end-year (all origins)",
        ),
        _s(
            "unhcr.oip_hosted",
            "unhcr",
            "persons",
            "Other people in need of international protection hosted (from 2018)",
        ),
        _s(
            "unhcr.refugees_by_origin",
            "unhcr",
            "persons",
            "Refugees originating from this country, in all host countries",
        ),
        _s(
            "unhcr.asylum_seekers_by_origin",
            "unhcr",
            "persons",
            "Asylum-seekers originating from this country, in all host countries",
        ),
        _s("unhcr.idps", "unhcr", "persons", "Internally displaced persons"),
        _s("unhcr.stateless", "unhcr", "persons", "Stateless persons hosted"),
        # UNGA
        _s(
            "unga.ideal_point",
            "unga",
            "ideal point (higher = closer to the US-led position)",
            "Dynamic ideal point, all votes (IdealPointAll)",
        ),
        _s(
            "unga.ideal_point_q05",
            "unga",
            "ideal point",
            "5% posterior quantile of the ideal point (Q5%All)",
        ),
        _s(
            "unga.ideal_point_q95",
            "unga",
            "ideal point",
            "95% posterior quantile of the ideal point (Q95%All)",
        ),
        _s("unga.votes", "unga", "roll calls", "Roll calls the state voted in (NVotesAll)"),
        _s("unga.agree_usa", "unga", "share of votes (0-1)", "Agreement with the United States"),
        _s("unga.agree_russia", "unga", "share of votes (0-1)", "Agreement with Russia/USSR"),
        _s("unga.agree_china", "unga", "share of votes (0-1)", "Agreement with China"),
        _s("unga.agree_brazil", "unga", "share of votes (0-1)", "Agreement with Brazil"),
        _s("unga.agree_india", "unga", "share of votes (0-1)", "Agreement with India"),
        _s("unga.agree_israel", "unga", "share of votes (0-1)", "Agreement with Israel"),
    )
}


def spec(name: str) -> IndicatorSpec:
    """The catalogue entry of an indicator (``KeyError`` if unknown)."""
    return INDICATORS[name]
