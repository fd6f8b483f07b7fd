"""Who an article names: states and blocs, by name, short form, demonym, capital or leader.

Country names and codes come from pycountry (through :mod:`detente.data.identity`,
which adds the reviewed aliases such as "Turkey"); this module keeps the small tables
pycountry lacks, each reviewed by hand:

* :data:`SHORT_FORMS` -- "the US", "Britain", "Holland"...;
* :data:`DEMONYMS` -- "Turkish", "Russians", "the French"...;
* :data:`CAPITALS` -- capitals and seats of government used as metonyms ("Ankara",
  "Moscow", "Washington", "Brussels" for the EU), with the transliterations machine
  translation produces ("Athenes");
* :data:`INSTITUTIONS` -- "the Kremlin", "the White House", "the European Commission";
* :data:`LEADERS` -- heads of state or government whose name stands for their state
  ("the Biden administration", "Erdogan");
* :data:`BLOCS` -- the EU and NATO (with members in :mod:`detente.data.groups`) and
  other regional organisations of states.

Only sovereign states are actors: pycountry's territories ("Jersey", "Christmas
Island") are left out.  A name that is also a common word ("china", "chad", "polish")
counts only when capitalised; a capital followed by a word such as "summit",
"agreement" or "University" names a place or an event, not a government.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

__all__ = [
    "BLOCS",
    "CAPITALS",
    "DEMONYMS",
    "INSTITUTIONS",
    "LEADERS",
    "SHORT_FORMS",
    "Mention",
    "find_mentions",
    "is_known_word",
    "state_codes",
]

#: Short forms and other names of states (lower case) -> ISO3.
SHORT_FORMS: dict[str, str] = {
    "us": "USA",
    "u.s.": "USA",
    "usa": "USA",
    "u.s.a.": "USA",
    "america": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "uk": "GBR",
    "u.k.": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "united kingdom": "GBR",
    "england": "GBR",
    "holland": "NLD",
    "the netherlands": "NLD",
    "turkey": "TUR",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "russia": "RUS",
    "russian federation": "RUS",
    "iran": "IRN",
    "syria": "SYR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "rok": "KOR",
    "north korea": "PRK",
    "dprk": "PRK",
    "prc": "CHN",
    "mainland china": "CHN",
    "taiwan": "TWN",
    "vietnam": "VNM",
    "laos": "LAO",
    "moldova": "MDA",
    "czechia": "CZE",
    "czech republic": "CZE",
    "slovakia": "SVK",
    "slovak republic": "SVK",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "bosnia": "BIH",
    "bosnia and herzegovina": "BIH",
    "kosovo": "XKX",
    "palestine": "PSE",
    "uae": "ARE",
    "emirates": "ARE",
    "united arab emirates": "ARE",
    "saudi arabia": "SAU",
    "ivory coast": "CIV",
    "drc": "COD",
    "dr congo": "COD",
    "democratic republic of the congo": "COD",
    "burma": "MMR",
    "myanmar": "MMR",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "vatican": "VAT",
    "holy see": "VAT",
    "east timor": "TLS",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "brunei": "BRN",
    "soviet union": "SUN",
    "ussr": "SUN",
}

#: Demonyms and adjectives (lower case; plurals are added) -> ISO3.
DEMONYMS: dict[str, str] = {
    "afghan": "AFG", "albanian": "ALB", "algerian": "DZA", "american": "USA",
    "angolan": "AGO", "argentine": "ARG", "argentinian": "ARG", "armenian": "ARM",
    "australian": "AUS", "austrian": "AUT", "azerbaijani": "AZE", "azeri": "AZE",
    "bahraini": "BHR", "bangladeshi": "BGD", "belarusian": "BLR", "belgian": "BEL",
    "bosnian": "BIH", "brazilian": "BRA", "british": "GBR", "briton": "GBR",
    "bulgarian": "BGR", "burmese": "MMR", "cambodian": "KHM", "canadian": "CAN",
    "chadian": "TCD", "chilean": "CHL", "chinese": "CHN", "colombian": "COL",
    "congolese": "COD", "croatian": "HRV", "croat": "HRV", "cuban": "CUB",
    "cypriot": "CYP", "czech": "CZE", "danish": "DNK", "dane": "DNK", "dutch": "NLD",
    "egyptian": "EGY", "emirati": "ARE", "eritrean": "ERI", "estonian": "EST",
    "ethiopian": "ETH", "filipino": "PHL", "finnish": "FIN", "finn": "FIN",
    "french": "FRA", "georgian": "GEO", "german": "DEU", "ghanaian": "GHA",
    "greek": "GRC", "hungarian": "HUN", "icelandic": "ISL", "indian": "IND",
    "indonesian": "IDN", "iranian": "IRN", "iraqi": "IRQ", "irish": "IRL",
    "israeli": "ISR", "italian": "ITA", "japanese": "JPN", "jordanian": "JOR",
    "kazakh": "KAZ", "kazakhstani": "KAZ", "kenyan": "KEN", "kosovar": "XKX",
    "kuwaiti": "KWT", "kyrgyz": "KGZ", "latvian": "LVA", "lebanese": "LBN",
    "libyan": "LBY", "lithuanian": "LTU", "luxembourgish": "LUX", "malaysian": "MYS",
    "malian": "MLI", "maltese": "MLT", "mexican": "MEX", "moldovan": "MDA",
    "mongolian": "MNG", "montenegrin": "MNE", "moroccan": "MAR", "nepalese": "NPL",
    "nigerian": "NGA", "nigerien": "NER", "north korean": "PRK", "norwegian": "NOR",
    "omani": "OMN", "pakistani": "PAK", "palestinian": "PSE", "peruvian": "PER",
    "philippine": "PHL", "polish": "POL", "pole": "POL", "portuguese": "PRT",
    "qatari": "QAT", "romanian": "ROU", "russian": "RUS", "rwandan": "RWA",
    "saudi": "SAU", "senegalese": "SEN", "serbian": "SRB", "serb": "SRB",
    "singaporean": "SGP", "slovak": "SVK", "slovenian": "SVN", "slovene": "SVN",
    "somali": "SOM", "south african": "ZAF", "south korean": "KOR", "spanish": "ESP",
    "spaniard": "ESP", "sri lankan": "LKA", "sudanese": "SDN", "swedish": "SWE",
    "swede": "SWE", "swiss": "CHE", "syrian": "SYR", "taiwanese": "TWN", "tajik": "TJK",
    "thai": "THA", "tunisian": "TUN", "turkish": "TUR", "turk": "TUR",
    "turkmen": "TKM", "ugandan": "UGA", "ukrainian": "UKR", "uzbek": "UZB",
    "venezuelan": "VEN", "vietnamese": "VNM", "yemeni": "YEM", "zimbabwean": "ZWE",
    "new zealander": "NZL", "soviet": "SUN",
}  # fmt: skip

#: Capitals and seats of government (lower case) -> ISO3, or a bloc id.
CAPITALS: dict[str, str] = {
    "abu dhabi": "ARE", "addis ababa": "ETH", "algiers": "DZA", "amman": "JOR",
    "ankara": "TUR", "astana": "KAZ", "athens": "GRC", "athenes": "GRC", "athènes": "GRC",
    "baghdad": "IRQ", "baku": "AZE", "beijing": "CHN", "peking": "CHN", "beirut": "LBN",
    "belgrade": "SRB", "berlin": "DEU", "bern": "CHE", "berne": "CHE", "bratislava": "SVK",
    "brussels": "EU", "bruxelles": "EU", "bucharest": "ROU", "budapest": "HUN",
    "cairo": "EGY", "canberra": "AUS", "caracas": "VEN", "chisinau": "MDA",
    "copenhagen": "DNK", "damascus": "SYR", "doha": "QAT", "dublin": "IRL",
    "hanoi": "VNM", "havana": "CUB", "helsinki": "FIN", "islamabad": "PAK",
    "kabul": "AFG", "kyiv": "UKR", "kiev": "UKR", "kiew": "UKR", "lisbon": "PRT",
    "lisbonne": "PRT", "ljubljana": "SVN", "london": "GBR", "londres": "GBR",
    "madrid": "ESP", "minsk": "BLR", "moscow": "RUS", "moscou": "RUS", "moskau": "RUS",
    "new delhi": "IND", "nicosia": "CYP", "oslo": "NOR", "ottawa": "CAN",
    "paris": "FRA", "podgorica": "MNE", "prague": "CZE", "pretoria": "ZAF",
    "pristina": "XKX", "pyongyang": "PRK", "rabat": "MAR", "riga": "LVA",
    "riyadh": "SAU", "rome": "ITA", "sarajevo": "BIH", "seoul": "KOR", "skopje": "MKD",
    "sofia": "BGR", "stockholm": "SWE", "taipei": "TWN", "tallinn": "EST",
    "tashkent": "UZB", "tbilisi": "GEO", "tehran": "IRN", "teheran": "IRN",
    "tirana": "ALB", "tokyo": "JPN", "tripoli": "LBY", "tunis": "TUN", "valletta": "MLT",
    "varsovie": "POL", "vienna": "AUT", "vilnius": "LTU", "warsaw": "POL",
    "washington": "USA", "yerevan": "ARM", "zagreb": "HRV", "the hague": "NLD",
}  # fmt: skip

#: Institutions and buildings that stand for a state or bloc (lower case).
INSTITUTIONS: dict[str, str] = {
    "kremlin": "RUS",
    "white house": "USA",
    "pentagon": "USA",
    "state department": "USA",
    "downing street": "GBR",
    "whitehall": "GBR",
    "elysee": "FRA",
    "élysée": "FRA",
    "bundeswehr": "DEU",
    "bundestag": "DEU",
    "european commission": "EU",
    "european council": "EU",
    "european parliament": "EU",
    "council of the eu": "EU",
    "north atlantic alliance": "NATO",
    "atlantic alliance": "NATO",
}

#: Leaders whose name stands for their state (lower case, as written in articles).
LEADERS: dict[str, str] = {
    "biden": "USA", "trump": "USA", "obama": "USA", "putin": "RUS", "medvedev": "RUS",
    "lavrov": "RUS", "erdogan": "TUR", "erdoğan": "TUR", "zelensky": "UKR",
    "zelenskyy": "UKR", "zelenskiy": "UKR", "macron": "FRA", "scholz": "DEU",
    "merz": "DEU", "merkel": "DEU", "starmer": "GBR", "sunak": "GBR", "xi jinping": "CHN",
    "modi": "IND", "netanyahu": "ISR", "assad": "SYR", "lukashenko": "BLR",
    "orban": "HUN", "orbán": "HUN", "meloni": "ITA", "mitsotakis": "GRC",
    "khamenei": "IRN", "pezeshkian": "IRN", "raisi": "IRN", "kim jong un": "PRK",
    "kim jong-un": "PRK", "aliyev": "AZE", "pashinyan": "ARM", "sisi": "EGY",
    "mohammed bin salman": "SAU", "lula": "BRA", "milei": "ARG", "trudeau": "CAN",
    "kishida": "JPN", "ishiba": "JPN", "fidan": "TUR", "al-sharaa": "SYR",
}  # fmt: skip

#: Blocs: id -> (display name, names as written, lower case).
BLOCS: dict[str, tuple[str, tuple[str, ...]]] = {
    "EU": ("European Union", ("eu", "e.u.", "european union", "the union")),
    "NATO": ("NATO", ("nato", "otan", "north atlantic treaty organization",
                      "north atlantic treaty organisation")),
    "ASEAN": ("ASEAN", ("asean", "association of southeast asian nations")),
    "AU": ("African Union", ("african union",)),
    "GCC": ("Gulf Cooperation Council", ("gulf cooperation council", "gcc")),
    "CSTO": ("Collective Security Treaty Organization", ("csto",
             "collective security treaty organization")),
    "SCO": ("Shanghai Cooperation Organisation", ("shanghai cooperation organisation",
            "shanghai cooperation organization")),
}  # fmt: skip

#: Names that are also common words: they count only when capitalised.
_COMMON = {
    "china", "chad", "jordan", "guinea", "japan", "niger", "polish", "danish", "turks",
    "the union", "sofia", "georgia", "lula", "modi", "swiss", "pole", "poles", "dane",
    "finn", "gcc", "rome", "paris", "bern", "cuba", "peru", "oman", "mali", "togo",
}  # fmt: skip

#: Names that must be written exactly as here (upper case): "US", not "us".
_EXACT = {"us", "u.s.", "usa", "u.s.a.", "uk", "u.k.", "eu", "e.u.", "uae", "drc", "prc",
          "rok", "dprk", "nato", "otan", "asean", "csto", "sco", "gcc", "ussr"}  # fmt: skip

#: Words after a capital that make it a place or an event, not a government.
_PLACE_NOUNS = (
    "summit|summits|agreement|agreements|accord|accords|convention|conference|talks|"
    "format|process|protocol|declaration|treaty|university|post|times|airport|club|"
    "charter|act|stock|marathon|metro|consensus|institute|school|memorandum|principles|"
    "criteria|group|document|initiative|rules"
)
_PLACE_AFTER = re.compile(rf"^\s*(?:-\s*)?(?:{_PLACE_NOUNS})\b", re.IGNORECASE)
_NOT_AMERICAN = re.compile(
    r"(?:latin|south|north|central|pan|native|african|asian|anglo|meso)[\s-]*$", re.IGNORECASE
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@cache
def state_codes() -> frozenset[str]:
    """Canonical codes of sovereign states (COW's state system today, plus a few).

    COW's list of states (with data from 2012 on) leaves out territories and
    dependencies; Palestine, the Holy See and Kosovo are added as states that
    articles treat as actors.
    """
    from detente.data.store import get_store

    df = get_store().sql(
        "SELECT DISTINCT iso3 FROM indicators WHERE indicator = 'cow.tpop' AND year >= 2012"
    )
    return frozenset(df["iso3"]) | {"PSE", "VAT", "XKX", "TWN", "SUN"}


@dataclass(frozen=True)
class _Alias:
    target: str
    kind: str  # name, short, demonym, capital, institution, leader, bloc


@cache
def _aliases() -> dict[str, _Alias]:
    """Every name the gazetteer knows (folded to lower case, no accents) -> target."""
    import pycountry

    from detente.data._identity_tables import NAME_ALIASES
    from detente.data.identity import normalise_name

    states = state_codes()
    out: dict[str, _Alias] = {}

    def add(name: str, target: str, kind: str) -> None:
        key = _fold(name).strip()
        if key and key not in out:
            out[key] = _Alias(target, kind)

    for bloc, (_, names) in BLOCS.items():
        for n in names:
            add(n, bloc, "bloc")
    for table, kind in (
        (SHORT_FORMS, "short"),
        (CAPITALS, "capital"),
        (INSTITUTIONS, "institution"),
        (LEADERS, "leader"),
    ):
        for name, target in table.items():
            add(name, target, kind)
    for name, code in DEMONYMS.items():
        add(name, code, "demonym")
    for c in pycountry.countries:
        if c.alpha_3 not in states:
            continue
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                add(value, c.alpha_3, "name")
    for name, code in NAME_ALIASES.items():
        if code in states and "," not in name and len(name) > 3:
            add(normalise_name(name), code, "name")
    return out


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_aliases(), key=len, reverse=True)
    body = "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in names)
    # possessive or plural forms: Ankara's, Ankaras', turkeys, Russians, EUs
    return re.compile(rf"(?<![\w@#/.])({body})((?:'s|s'|'|s|es|ns)?)(?!\w)", re.IGNORECASE)


def is_known_word(word: str) -> bool:
    """True when ``word`` (a name as written) is a state, capital, demonym or bloc name."""
    key = _fold(word)
    return key in _aliases() or key.rstrip("s") in _aliases()


@dataclass(frozen=True)
class Mention:
    """One place where an article names an actor.

    Attributes
    ----------
    target
        ISO3 code or bloc id.
    start, end
        Character span in the sentence.
    text
        The words as written.
    kind
        ``name``, ``short``, ``demonym``, ``capital``, ``institution``, ``leader`` or
        ``bloc``.
    """

    target: str
    start: int
    end: int
    text: str
    kind: str


def _plural_ok(alias: str, kind: str, suffix: str) -> bool:
    s = suffix.lower()
    if s in ("", "'s", "'", "s'"):
        return True
    if kind == "demonym":
        return s in ("s",)
    if kind in ("name", "short", "bloc"):
        # machine translation: "turkeys" for Türkiye, "the Ukraines", "the EUS"
        return s in ("s", "es")
    return False


def find_mentions(sentence: str) -> list[Mention]:
    """Every mention of a state or bloc in a sentence, in order.

    Parameters
    ----------
    sentence
        One sentence (already mended: glued words split).

    Returns
    -------
    list of Mention
    """
    aliases = _aliases()
    folded = _fold(sentence)
    if len(folded) != len(sentence):  # folding changed the length: match the original
        folded = sentence.lower()
    out: list[Mention] = []
    for m in _pattern().finditer(folded):
        key = re.sub(r"[\s-]+", " ", m.group(1))
        alias = aliases.get(key)
        if alias is None:
            continue
        written = sentence[m.start(1) : m.end(1)]
        suffix = sentence[m.end(1) : m.end(2)]
        if not _plural_ok(key, alias.kind, suffix):
            continue
        if key in _EXACT and written != written.upper():
            continue
        if key in _COMMON and not written[:1].isupper():
            continue
        if key in ("us", "u.s.") and re.match(
            r"\s+(?:and|or)\s+(?:them|you)\b", sentence[m.end(2) :]
        ):
            continue
        after = sentence[m.end(2) :]
        if alias.kind == "capital" and _PLACE_AFTER.match(after):
            continue
        before = sentence[: m.start(1)]
        if key == "washington" and re.search(r"george\s+$", before, re.IGNORECASE):
            continue
        if key in ("american", "america") and _NOT_AMERICAN.search(before):
            continue
        if key == "indian" and re.match(r"\s+ocean", after, re.IGNORECASE):
            continue
        if key == "mexico" and re.search(r"new\s+$", before, re.IGNORECASE):
            continue
        lower_name = alias.kind == "name" and not written[:1].isupper()
        if lower_name and key not in ("turkey", "turkiye") and (key in _COMMON or len(key) < 5):
            continue  # lower-case country names count only where machine translation makes them
        out.append(
            Mention(alias.target, m.start(1), m.end(2), sentence[m.start(1) : m.end(2)], alias.kind)
        )
    return out


def actors_in(sentences_: Iterable[str]) -> dict[str, list[int]]:
    """Target -> indices of the sentences that mention it, in first-mention order."""
    out: dict[str, list[int]] = {}
    for n, s in enumerate(sentences_):
        for m in find_mentions(s):
            idx = out.setdefault(m.target, [])
            if not idx or idx[-1] != n:
                idx.append(n)
    return out
