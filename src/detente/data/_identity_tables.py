"""The reviewed override tables behind :mod:`detente.data.identity`.

Everything here was written by hand and checked against the source files in
``data/raw`` (and, for SIPRI, the formats SIPRI publishes).  :mod:`pycountry` (ISO 3166-1
and ISO 3166-3) handles every name it knows; these tables cover the rest:

* names that ISO does not use (``Turkey``, ``Korea, North``, ``Congo, DR`` ...);
* historical states, which get their ISO 3166-3 codes (``SUN`` USSR, ``YUG``
  Yugoslavia, ``CSK`` Czechoslovakia, ``DDR`` East Germany, ``YMD`` South Yemen,
  ``VDR`` North Vietnam, ``SCG`` Serbia and Montenegro);
* Correlates of War (COW) codes whose ISO code depends on the year (COW 365 is Russia
  for the whole period, ISO splits off the USSR for 1922-1991);
* names that are *not* countries -- aggregates, organisations, non-state groups,
  unknowns and historical states without any ISO code -- each excluded with a reason.

Rules for editing: add an entry only after checking the source; give every exclusion
a reason; never map two different states of the same year to one code.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "COW_NAME_OVERRIDES",
    "COW_YEAR_RULES",
    "DISPLAY_NAMES",
    "EXCLUDED_CODES",
    "EXCLUDED_COW",
    "EXCLUDED_NAMES",
    "EXTRA_CODES",
    "NAME_ALIASES",
    "SUPERSEDED_COW",
    "UNVOTES_SPECIAL",
    "YUGOSLAVIA_RULE",
]

#: Display names used instead of pycountry's (``common_name`` or ``name``) where those
#: are long or official-sounding.  Keys are canonical codes.
DISPLAY_NAMES: Final[dict[str, str]] = {
    "BOL": "Bolivia",
    "BRN": "Brunei",
    "COD": "DR Congo",
    "COG": "Congo",
    "CZE": "Czechia",
    "FSM": "Micronesia",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MDA": "Moldova",
    "PRK": "North Korea",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SYR": "Syria",
    "TUR": "Türkiye",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "USA": "United States",
    "VEN": "Venezuela",
    "VNM": "Viet Nam",
    "VAT": "Holy See",
    "MKD": "North Macedonia",
    "CIV": "Côte d'Ivoire",
    "CPV": "Cabo Verde",
    "SWZ": "Eswatini",
    "BHS": "Bahamas",
    "GMB": "Gambia",
    "NLD": "Netherlands",
    "PHL": "Philippines",
    "SXM": "Sint Maarten",
    "MAF": "Saint Martin",
    "VGB": "British Virgin Islands",
    "VIR": "US Virgin Islands",
    # ISO 3166-3 (historical) and user-assigned codes
    "SUN": "USSR",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "DDR": "East Germany",
    "SCG": "Serbia and Montenegro",
    "YMD": "South Yemen",
    "VDR": "North Vietnam",
    "XKX": "Kosovo",
}

#: Codes that are canonical but absent from ISO 3166-1: the ISO 3166-3 codes of
#: historical states, and Kosovo's user-assigned code (World Bank and SIPRI use it).
EXTRA_CODES: Final[dict[str, str]] = {
    "SUN": "historical state (ISO 3166-3), dissolved 1991",
    "YUG": "historical state (ISO 3166-3), SFR Yugoslavia to 1992 and FR Yugoslavia to 2003",
    "CSK": "historical state (ISO 3166-3), dissolved 1992",
    "DDR": "historical state (ISO 3166-3), joined Germany 1990",
    "SCG": "historical state (ISO 3166-3), Serbia and Montenegro 2003-2006",
    "YMD": "historical state (ISO 3166-3), South Yemen, merged 1990",
    "VDR": "historical state (ISO 3166-3), North Vietnam, merged 1976",
    "XKX": "user-assigned code used by the World Bank, SIPRI and the EU for Kosovo",
}

#: Names (compared after :func:`detente.data.identity.normalise_name`) that pycountry
#: does not resolve, mapped to canonical codes.  Sources: NATO, SIPRI (milex and arms
#: transfers), COW, UNHCR, WDI, UN votes.
NAME_ALIASES: Final[dict[str, str]] = {
    # common English names and source spellings
    "turkey": "TUR",
    "turkiye": "TUR",
    "republic of turkiye": "TUR",
    "czech republic": "CZE",
    "slovak republic": "SVK",
    "russia": "RUS",
    "korea, north": "PRK",
    "korea, south": "KOR",
    "korea, dem. people's rep.": "PRK",
    "korea, rep.": "KOR",
    "congo, dr": "COD",
    "congo, dem. rep.": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "congo - kinshasa": "COD",
    "congo, republic": "COG",
    "congo, rep.": "COG",
    "congo - brazzaville": "COG",
    "republic of congo": "COG",
    "gambia, the": "GMB",
    "bahamas, the": "BHS",
    "kyrgyz republic": "KGZ",
    "timor leste": "TLS",
    "east timor": "TLS",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "bosnia-herzegovina": "BIH",
    "bosnia and herzegovina": "BIH",
    "saint vincent": "VCT",
    "saint vincent and grenadines": "VCT",
    "saint vincent and the grenadines": "VCT",
    "saint kitts and nevis": "KNA",
    "saint lucia": "LCA",
    "sao tome and principe": "STP",
    "uae": "ARE",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "cote d’ivoire": "CIV",
    "micronesia": "FSM",
    "micronesia (federated states of)": "FSM",
    "micronesia, fed. sts.": "FSM",
    "myanmar (burma)": "MMR",
    "burma": "MMR",
    "kosovo": "XKX",
    "palestine": "PSE",
    "west bank and gaza": "PSE",
    "state of palestine": "PSE",
    "laos": "LAO",
    "lao pdr": "LAO",
    "brunei": "BRN",
    "iran": "IRN",
    "iran, islamic rep.": "IRN",
    "syria": "SYR",
    "syrian arab republic": "SYR",
    "viet nam": "VNM",
    "vietnam": "VNM",
    "egypt, arab rep.": "EGY",
    "yemen, rep.": "YEM",
    "venezuela, rb": "VEN",
    "hong kong sar, china": "HKG",
    "macao sar, china": "MAC",
    "st. martin (french part)": "MAF",
    "sint maarten (dutch part)": "SXM",
    "turks and caicos islands": "TCA",
    "curacao": "CUW",
    "virgin islands (u.s.)": "VIR",
    "british virgin islands": "VGB",
    "eswatini": "SWZ",
    "taiwan": "TWN",
    "united states of america": "USA",
    "antigua and barbuda": "ATG",
    "trinidad and tobago": "TTO",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "moldova": "MDA",
    "venezuela": "VEN",
    # historical states
    "ussr": "SUN",
    "soviet union": "SUN",
    "union of soviet socialist republics": "SUN",
    "yugoslavia": "YUG",
    "sfr yugoslavia": "YUG",
    "serbia and montenegro": "SCG",
    "czechoslovakia": "CSK",
    "east germany": "DDR",
    "east germany (gdr)": "DDR",
    "german democratic republic": "DDR",
    "gdr": "DDR",
    # West Germany is the Federal Republic, which continues as today's Germany (DEU).
    "west germany": "DEU",
    "west germany (frg)": "DEU",
    "german federal republic": "DEU",
    "federal republic of germany": "DEU",
    # North Yemen held ISO code YEM, which unified Yemen kept in 1990.
    "yemen, north": "YEM",
    "north yemen": "YEM",
    "yemen arab republic": "YEM",
    "yemen arab republic (north yemen)": "YEM",
    "south yemen": "YMD",
    "yemen people's republic": "YMD",
    "yemen, south": "YMD",
    "people's democratic republic of yemen": "YMD",
    # The Republic of Viet Nam (South) held VN/VNM; the North had VD/VDR until 1976.
    "south vietnam": "VNM",
    "republic of vietnam": "VNM",
    "north vietnam": "VDR",
    "democratic republic of vietnam": "VDR",
}

#: Names that are not countries, each with the reason it is excluded.  Compared after
#: :func:`detente.data.identity.normalise_name`.  SIPRI's own markers are handled by
#: rule as well: in the arms-transfers register a name ending in ``*`` is a non-state
#: armed group and one ending in ``**`` an international organisation.
EXCLUDED_NAMES: Final[dict[str, str]] = {
    # aggregates
    "nato europe and canada": "aggregate (NATO)",
    "nato total": "aggregate (NATO)",
    "nato europe": "aggregate (NATO)",
    "world": "aggregate",
    "european union": "organisation/aggregate (EU-level spending, not a state)",
    "channel islands": "aggregate (Jersey and Guernsey together, WDI code CHI)",
    # unknowns and people groups
    "unknown": "unknown country",
    "stateless": "people without a state (UNHCR)",
    "tibetan": "people group without its own state code (UNHCR)",
    "unknown supplier(s)": "unknown country (SIPRI)",
    "unknown recipient(s)": "unknown country (SIPRI)",
    "unknown rebel group": "non-state armed group (SIPRI)",
    # de facto or short-lived entities without an ISO code
    "northern cyprus": "entity without an ISO 3166 code",
    "biafra": "secessionist entity without an ISO 3166 code",
    "katanga": "secessionist entity without an ISO 3166 code",
    "zanzibar": "historical state without an ISO 3166 code (1963-1964)",
}

#: WDI's regional, income and lending aggregates (its ``Country Code`` column).  A new
#: WDI release that adds an aggregate makes the build stop and name it, so this list
#: is reviewed rather than guessed.
EXCLUDED_CODES: Final[dict[str, str]] = {
    code: "aggregate (World Bank WDI)"
    for code in [
        "AFE",
        "AFW",
        "ARB",
        "CEB",
        "CSS",
        "EAP",
        "EAR",
        "EAS",
        "ECA",
        "ECS",
        "EMU",
        "EUU",
        "FCS",
        "HIC",
        "HPC",
        "IBD",
        "IBT",
        "IDA",
        "IDB",
        "IDX",
        "INX",
        "LAC",
        "LCN",
        "LDC",
        "LIC",
        "LMC",
        "LMY",
        "LTE",
        "MEA",
        "MIC",
        "MNA",
        "NAC",
        "OED",
        "OSS",
        "PRE",
        "PSS",
        "PST",
        "SAS",
        "SSA",
        "SSF",
        "SST",
        "TEA",
        "TEC",
        "TLA",
        "TMN",
        "TSA",
        "TSS",
        "UMC",
        "WLD",
    ]
} | {
    "CHI": "aggregate (Jersey and Guernsey together, WDI code CHI)",
    # UNHCR pseudo-codes
    "UNK": "unknown country (UNHCR)",
    "UKN": "unknown country (UNHCR)",
    "XXA": "people without a state (UNHCR)",
    "STA": "people without a state (UNHCR)",
    "TIB": "people group without its own state code (UNHCR)",
}

#: COW state names that pycountry does not resolve (keyed by COW code).
COW_NAME_OVERRIDES: Final[dict[int, str]] = {
    56: "LCA",  # St. Lucia
    57: "VCT",  # St. Vincent and the Grenadines
    58: "ATG",  # Antigua & Barbuda
    60: "KNA",  # St. Kitts and Nevis
    260: "DEU",  # German Federal Republic (West Germany), 1955-1990
    265: "DDR",  # German Democratic Republic
    315: "CSK",  # Czechoslovakia
    343: "MKD",  # Macedonia
    347: "XKX",  # Kosovo
    402: "CPV",  # Cape Verde
    437: "CIV",  # Ivory Coast
    490: "COD",  # Democratic Republic of the Congo
    572: "SWZ",  # Swaziland
    640: "TUR",  # Turkey
    678: "YEM",  # Yemen Arab Republic (North Yemen) held ISO code YEM
    680: "YMD",  # Yemen People's Republic (South Yemen)
    817: "VNM",  # Republic of Vietnam (South) held ISO code VNM
    835: "BRN",  # Brunei
    860: "TLS",  # East Timor
}

#: COW codes whose ISO code changes with the year: ``(first_year, last_year, iso3)``.
#: COW keeps one code across these changes of statehood; ISO 3166 does not.
COW_YEAR_RULES: Final[dict[int, tuple[tuple[int, int, str], ...]]] = {
    # COW 365 "Russia": Russian Empire and RSFSR, the USSR 1922-1991, then Russia.
    365: ((1800, 1921, "RUS"), (1922, 1991, "SUN"), (1992, 2100, "RUS")),
    # COW 345 "Yugoslavia": Serbia to 1917, Yugoslavia (SFRY, then FRY) 1918-2002,
    # Serbia and Montenegro 2003-2005, Serbia from 2006.
    345: ((1800, 1917, "SRB"), (1918, 2002, "YUG"), (2003, 2005, "SCG"), (2006, 2100, "SRB")),
    # COW 816 "Vietnam": North Vietnam to 1975, unified Viet Nam from 1976.
    816: ((1800, 1975, "VDR"), (1976, 2100, "VNM")),
}

#: The ISO rule for anything labelled "Yugoslavia" in year-stamped data.
YUGOSLAVIA_RULE: Final[tuple[tuple[int, int, str], ...]] = (
    (1800, 2002, "YUG"),
    (2003, 2005, "SCG"),
    (2006, 2100, "SRB"),
)

#: Where two COW codes give the same ISO code in one year, the successor wins:
#: ``{successor: predecessor}``.  1990: unified Germany (255) supersedes the Federal
#: Republic (260), unified Yemen (679) supersedes the Yemen Arab Republic (678).
SUPERSEDED_COW: Final[dict[int, int]] = {255: 260, 679: 678}

#: COW codes with no ISO 3166 code at all (pre-unification German and Italian states,
#: Austria-Hungary, the Korean Empire, Zanzibar ...), each with its name.
EXCLUDED_COW: Final[dict[int, str]] = {
    240: "Hanover",
    245: "Bavaria",
    267: "Baden",
    269: "Saxony",
    271: "Wuerttemburg",
    273: "Hesse Electoral",
    275: "Hesse Grand Ducal",
    280: "Mecklenburg Schwerin",
    300: "Austria-Hungary",
    327: "Papal States",
    329: "Two Sicilies",
    332: "Modena",
    335: "Parma",
    337: "Tuscany",
    511: "Zanzibar",
    730: "Korea (Korean Empire, 1887-1905)",
}

#: ``unvotes`` rows whose ISO 3166-1 alpha-2 code is empty or historical, keyed by
#: ``(country_code, country)``; the value is an ISO3 code or a year rule.
UNVOTES_SPECIAL: Final[dict[tuple[str, str], str | tuple[tuple[int, int, str], ...]]] = {
    ("", "Federal Republic of Germany"): "DEU",
    ("", "Yemen Arab Republic"): "YEM",
    ("CS", "Czechoslovakia"): "CSK",
    ("DD", "German Democratic Republic"): "DDR",
    ("YD", "Yemen People's Republic"): "YMD",
    ("YU", "Yugoslavia"): YUGOSLAVIA_RULE,
    # unvotes labels the USSR's votes "Russia" throughout.
    ("RU", "Russia"): ((1800, 1991, "SUN"), (1992, 2100, "RUS")),
}
