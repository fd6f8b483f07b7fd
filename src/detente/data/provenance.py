"""Provenance records: who published each dataset, which edition, on what terms.

Each dataset detente can query has one :class:`Provenance` record: publisher, edition,
years, licence and terms, the citation users must give, caveats, and whether it is
*shipped* in full inside the package, *extracted* (only a small derived extract is
shipped, as for SIPRI, whose terms do not allow redistributing the database) or
*imported* by the user from their own download (``detente data import ...``).
``detente data sources`` prints these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DATASETS", "Provenance", "Status", "provenance"]

Status = Literal["shipped", "extracted", "imported", "not available"]


@dataclass(frozen=True)
class Provenance:
    """The provenance of one dataset.

    Attributes
    ----------
    id
        Dataset id; indicator names start with its prefix (``nato.``, ``cow.`` ...).
    title, publisher, edition, years
        What it is and which release.
    licence
        Licence and terms of use.
    citation
        The citation users must give.
    url
        Where the publisher distributes it.
    caveats
        What users must know before using the numbers.
    status
        ``shipped`` (in full, in the package), ``extracted`` (a small derived extract
        is shipped), ``imported`` (the user imported their own download) or
        ``not available``.
    prefixes
        Indicator prefixes served by this dataset.
    raw_files
        Source files the converter reads (relative to ``data/raw`` for shipped data).
    note
        Status detail (e.g. what the shipped extract holds, or the imported file).
    """

    id: str
    title: str
    publisher: str
    edition: str
    years: str
    licence: str
    citation: str
    url: str
    caveats: tuple[str, ...]
    status: Status
    prefixes: tuple[str, ...]
    raw_files: tuple[str, ...] = ()
    note: str = ""
    short: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, object]:
        """A plain dict (for JSON output)."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "edition": self.edition,
            "years": self.years,
            "licence": self.licence,
            "citation": self.citation,
            "url": self.url,
            "caveats": list(self.caveats),
            "status": self.status,
            "note": self.note,
            "indicator_prefixes": list(self.prefixes),
        }


NATO = Provenance(
    id="nato",
    title="Defence Expenditure of NATO Countries (2014-2024)",
    publisher="NATO Public Diplomacy Division",
    edition="June 2024 (press release of 17 June 2024, tables TABLE1-TABLE8b)",
    years="2014-2024 (2023 and 2024 are estimates)",
    licence="NATO public release; reuse with attribution to NATO.",
    citation=(
        "NATO, Defence Expenditure of NATO Countries (2014-2024), press release, "
        "Brussels, 17 June 2024."
    ),
    url="https://www.nato.int/cps/en/natohq/topics_49198.htm",
    caveats=(
        "2023 and 2024 values are NATO estimates (flag 'estimate'); later NATO editions "
        "revise them.",
        "Shares of GDP are percent of real GDP (2015 prices), NATO's headline measure.",
        "Iceland has no armed forces and reports no defence expenditure.",
        "Military personnel follows NATO's own definition; not comparable with COW milper.",
        "Aggregates 'NATO Europe and Canada' and 'NATO Total' are not shipped as rows; "
        "compute them with detente.data.coalition().",
    ),
    status="shipped",
    prefixes=("nato.",),
    raw_files=("nato_defence_expenditure/240617-def-exp-2024-TABLES-en.xlsx",),
    short="NATO Defence Expenditure, June 2024",
)

NATO_LATER = Provenance(
    id="nato_later",
    title="NATO defence expenditure as % of GDP, later vintage (unverified copy)",
    publisher="NATO (copy from GitHub namanjain92/NATO-Analytics, commit c7de616)",
    edition="undocumented later vintage (values match NATO's 2014-2025 release in spot checks)",
    years="2014-2024 (2024 is an estimate)",
    licence="No licence stated in the copy; the data are NATO's public figures.",
    citation="Cite the NATO release you verify these figures against, not this copy.",
    url="https://github.com/namanjain92/NATO-Analytics",
    caveats=(
        "Cross-check only: vintage undocumented, transcription unverified.",
        "Under this vintage 12 European Allies are below 2% in 2024e (7 in June 2024).",
    ),
    status="shipped",
    prefixes=("nato_later.",),
    raw_files=("nato_pct_gdp_later_vintage/defence_per.csv",),
    short="NATO % of GDP, later vintage (unverified)",
)

SIPRI_MILEX = Provenance(
    id="sipri_milex",
    title="SIPRI Military Expenditure Database",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    edition="April 2025 release (data 1949-2024) for the shipped extract",
    years="1949-2024",
    licence=(
        "(c) SIPRI. Non-commercial use with attribution; SIPRI's fair use covers less "
        "than 10% of a data set. Redistribution of the database is not allowed, so "
        "detente ships only a small extract and imports your own download."
    ),
    citation=(
        "SIPRI Military Expenditure Database 2025, Stockholm International Peace "
        "Research Institute, https://www.sipri.org/databases/milex."
    ),
    url="https://www.sipri.org/databases/milex",
    caveats=(
        "SIPRI publishes shares of GDP and of government spending as fractions; detente "
        "exposes sipri.milex_share_gdp and sipri.milex_share_govt in percent (x100).",
        "Constant-price series are in US$ at 2023 prices and exchange rates.",
        "Figures SIPRI prints in blue are estimates (flag 'estimate'), in red highly "
        "uncertain (flag 'uncertain').",
        "SIPRI and NATO definitions differ (Turkiye 2024: SIPRI 1.92% vs NATO 2.09%e).",
    ),
    status="extracted",
    prefixes=("sipri.milex_",),
    short="SIPRI Military Expenditure Database",
)

SIPRI_ARMS = Provenance(
    id="sipri_arms",
    title="SIPRI Arms Transfers Database (trade register)",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    edition="trade register generated 13 March 2025 (deliveries to 2024) for the extract",
    years="orders 1940-2024, deliveries 1950-2024",
    licence=(
        "(c) SIPRI. Free to use with the credit line 'Information from the SIPRI Arms "
        "Transfers Database'; calculations made from the data must not be attributed "
        "to SIPRI; no commercial use. detente ships only a small extract."
    ),
    citation=(
        "Information from the SIPRI Arms Transfers Database, Stockholm International "
        "Peace Research Institute, https://www.sipri.org/databases/armstransfers."
    ),
    url="https://www.sipri.org/databases/armstransfers",
    caveats=(
        "TIV (trend-indicator value) measures the volume of military capability "
        "transferred, in millions of TIV; it is not US dollars.",
        "Annual totals are detente's calculation, not SIPRI's: each deal's delivered TIV "
        "is split evenly over its delivery years (SIPRI allocates by actual yearly "
        "deliveries, so annual figures differ slightly from SIPRI's TIV tables).",
        "Major conventional arms only: no small arms, most ammunition or services.",
    ),
    status="extracted",
    prefixes=("sipri.arms_",),
    short="SIPRI Arms Transfers Database",
)

COW = Provenance(
    id="cow",
    title="Correlates of War National Material Capabilities",
    publisher="Correlates of War Project (via R package peacesciencer 1.2.9)",
    edition="NMC v7.0; State System Membership v2016; major powers v2016",
    years="1816-2022",
    licence="Free for public and academic use with citation.",
    citation=(
        "Singer, J. D., Bremer, S., & Stuckey, J. (1972). Capability Distribution, "
        "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, "
        "and Numbers, 19-48; Singer, J. D. (1987). Reconstructing the Correlates of War "
        "Dataset on Material Capabilities of States, 1816-1985. International "
        "Interactions 14: 115-32 (NMC v7.0). Miller, S. V. (2022). peacesciencer. "
        "Conflict Management and Peace Science 39(6)."
    ),
    url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
    caveats=(
        "milex is in thousands of current US$ from 1914 (thousands of pounds sterling before).",
        "milper is carried flat when COW found no new estimate (Turkiye 355k 2017-2022).",
        "CINC shares do not sum exactly to 1 in most years.",
        "COW code 365 is split by ISO identity: USSR (SUN) 1922-1991, Russia (RUS) "
        "otherwise; similar splits for Yugoslavia and Vietnam.",
    ),
    status="shipped",
    prefixes=("cow.",),
    raw_files=(
        "cow_atop_peacesciencer/cow_nmc.csv",
        "cow_atop_peacesciencer/cow_states.csv",
        "cow_atop_peacesciencer/cow_majors.csv",
    ),
    short="COW National Material Capabilities v7.0",
)

ATOP = Provenance(
    id="atop",
    title="Alliance Treaty Obligations and Provisions (ATOP), dyad-years",
    publisher="ATOP project (via R package peacesciencer 1.2.9)",
    edition="ATOP v5.1",
    years="1815-2018",
    licence="Free with citation.",
    citation=(
        "Leeds, B. A., Ritter, J. M., Mitchell, S. M., & Long, A. G. (2002). Alliance "
        "Treaty Obligations and Provisions, 1815-1944. International Interactions 28: "
        "237-60 (ATOP v5.1)."
    ),
    url="http://www.atopdata.org/",
    caveats=(
        "Directed dyad-years: each pledge appears for (A, B) and (B, A).",
        "Ends in 2018: Finland's and Sweden's NATO pledges are not in it.",
    ),
    status="shipped",
    prefixes=("atop.",),
    raw_files=("cow_atop_peacesciencer/atop_alliance.csv.gz",),
    short="ATOP v5.1",
)

WDI = Provenance(
    id="wdi",
    title="World Development Indicators: GDP (current US$) and population",
    publisher="The World Bank",
    edition="NY.GDP.MKTP.CD updated 2025-03-24; SP.POP.TOTL updated 2024-02-12",
    years="GDP 1960-2023; population 1960-2022",
    licence="CC BY 4.0",
    citation=(
        "World Bank, World Development Indicators, series NY.GDP.MKTP.CD (last updated "
        "2025-03-24) and SP.POP.TOTL (last updated 2024-02-12), "
        "https://databank.worldbank.org/source/world-development-indicators, CC BY 4.0."
    ),
    url="https://databank.worldbank.org/source/world-development-indicators",
    caveats=(
        "The two series come from different WDI vintages; WDI revises back years.",
        "WDI aggregates (World, EU, income groups) are not shipped as rows.",
    ),
    status="shipped",
    prefixes=("wdi.",),
    raw_files=(
        "wdi/API_NY.GDP.MKTP.CD_WDI_2025-03-24.csv",
        "wdi/API_SP.POP.TOTL_WDI_2024-02-12.csv",
    ),
    short="World Bank WDI",
)

UNHCR = Provenance(
    id="unhcr",
    title="UNHCR Refugee Population Statistics (origin x asylum country)",
    publisher="UNHCR (R package refugees 2025.12.1)",
    edition="end-2025 data update",
    years="1951-2025",
    licence="CC BY 4.0",
    citation=(
        "UNHCR Refugee Data Finder, https://www.unhcr.org/refugee-statistics/ (data via "
        "R package refugees 2025.12.1), CC BY 4.0."
    ),
    url="https://www.unhcr.org/refugee-statistics/",
    caveats=(
        "Refugees under UNRWA's mandate are not included.",
        "The most recent year (2025) is preliminary (flag 'preliminary').",
        "Empty source cells are 'not reported', not zero.",
    ),
    status="shipped",
    prefixes=("unhcr.",),
    raw_files=("unhcr_refugees/population.csv.gz",),
    short="UNHCR Refugee Data Finder",
)

UNGA = Provenance(
    id="unga",
    title="UN General Assembly ideal points and roll-call votes",
    publisher=(
        "Bailey, Strezhnev and Voeten (Harvard Dataverse); roll calls from R package "
        "unvotes 0.2.0.9000 (David Robinson)"
    ),
    edition="ideal points June 2024 release; roll calls to January 2020",
    years="UNGA sessions 1-78 (1946-2023); votes 1946-2020",
    licence=(
        "Ideal points: Harvard Dataverse dataset (licence to be confirmed on the dataset "
        "page); unvotes package MIT."
    ),
    citation=(
        "Bailey, M. A., Strezhnev, A., & Voeten, E. (2017). Estimating Dynamic State "
        "Preferences from United Nations Voting Data. Journal of Conflict Resolution "
        "61(2): 430-456; Voeten, E., Strezhnev, A., & Bailey, M., United Nations General "
        "Assembly Voting Data, Harvard Dataverse, doi:10.7910/DVN/LEJUQZ."
    ),
    url="https://doi.org/10.7910/DVN/LEJUQZ",
    caveats=(
        "Year = 1945 + session (session s opens in September of that year).",
        "Session 78 (2023) is incomplete for some states (flag 'incomplete session').",
        "Ideal points are model estimates: use the quantile indicators for uncertainty.",
        "Agreement shares are fractions (0-1) of joint votes with identical votes.",
    ),
    status="shipped",
    prefixes=("unga.",),
    raw_files=(
        "unga_ideal_points/IdealpointestimatesAll_Jun2024.csv",
        "unga_ideal_points/unvotes_dgrtwo/un_votes.csv.gz",
        "unga_ideal_points/unvotes_dgrtwo/un_roll_calls.csv.gz",
        "unga_ideal_points/unvotes_dgrtwo/un_roll_call_issues.csv",
    ),
    short="UNGA ideal points (Bailey, Strezhnev, Voeten)",
)

#: Every dataset, in display order.
DATASETS: tuple[Provenance, ...] = (
    NATO,
    NATO_LATER,
    SIPRI_MILEX,
    SIPRI_ARMS,
    COW,
    ATOP,
    WDI,
    UNHCR,
    UNGA,
)


def provenance(dataset_id: str) -> Provenance:
    """The static record of one dataset (status as shipped)."""
    for p in DATASETS:
        if p.id == dataset_id:
            return p
    raise KeyError(dataset_id)
