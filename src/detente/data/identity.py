"""One country identity for every dataset: canonical ISO 3166 alpha-3 codes and names.

Every row detente ships or imports is keyed by one canonical code:

* ISO 3166-1 alpha-3 for today's states (via :mod:`pycountry`);
* ISO 3166-3 codes for historical states (``SUN`` USSR, ``YUG`` Yugoslavia, ``CSK``
  Czechoslovakia, ``DDR`` East Germany, ``SCG``, ``YMD``, ``VDR``); West Germany is
  ``DEU``, the state that continues today;
* ``XKX`` for Kosovo, as the World Bank and SIPRI use it.

Names and codes that pycountry does not know go through the reviewed tables in
:mod:`detente.data._identity_tables`.  A name that is not a country (an aggregate such
as "NATO Total" or "World", an organisation, a non-state group, an unknown) is
*excluded* with a reason, never guessed.  A name that is neither mapped nor excluded is
an error: converters stop and name it, so a new source release cannot silently drop or
mislabel a country.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import pycountry

from detente.data._identity_tables import (
    COW_NAME_OVERRIDES,
    COW_YEAR_RULES,
    DISPLAY_NAMES,
    EXCLUDED_CODES,
    EXCLUDED_COW,
    EXCLUDED_NAMES,
    EXTRA_CODES,
    NAME_ALIASES,
    UNVOTES_SPECIAL,
    YUGOSLAVIA_RULE,
)
from detente.errors import InputError

__all__ = [
    "Identity",
    "UnknownCountryError",
    "canonical_codes",
    "classify",
    "classify_code",
    "country_name",
    "cow_iso3",
    "is_canonical",
    "iso3",
    "normalise_name",
    "resolve_countries",
    "suggest",
    "unvotes_iso3",
]


class UnknownCountryError(LookupError):
    """A name or code is neither a known country nor an explicit exclusion."""


@dataclass(frozen=True)
class Identity:
    """What a source's country label stands for.

    Attributes
    ----------
    label
        The label as the source wrote it.
    iso3
        The canonical code, or ``None`` when the label is excluded.
    excluded
        Why the label is not a country (``None`` when it maps).
    """

    label: str
    iso3: str | None
    excluded: str | None = None


_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Fold a country label for matching: accents, case, ``&``, ``St.``, spaces.

    Parameters
    ----------
    name
        A country label from any source, e.g. ``"Türkiye"``, ``"St. Kitts & Nevis"``.

    Returns
    -------
    str
        ``"turkiye"``, ``"saint kitts and nevis"``.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("`", "'").lower().strip()
    text = text.replace("&", " and ")
    text = re.sub(r"\bst\.\s*", "saint ", text)
    return _SPACES.sub(" ", text).strip()


@cache
def _iso_names() -> dict[str, str]:
    """Normalised pycountry names (name, common and official name) -> alpha-3."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(normalise_name(value), c.alpha_3)
    return out


@cache
def canonical_codes() -> frozenset[str]:
    """Every canonical code: ISO 3166-1 alpha-3 plus the historical and extra codes."""
    return frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(EXTRA_CODES)


def is_canonical(code: str) -> bool:
    """True if ``code`` is a canonical country code (``"TUR"``, ``"SUN"``, ``"XKX"``)."""
    return code in canonical_codes()


@cache
def country_name(code: str) -> str:
    """The display name of a canonical code.

    Parameters
    ----------
    code
        A canonical code, e.g. ``"TUR"``.

    Returns
    -------
    str
        E.g. ``"Türkiye"``; ``"USSR"`` for ``"SUN"``.

    Raises
    ------
    UnknownCountryError
        If ``code`` is not canonical.
    """
    if code in DISPLAY_NAMES:
        return DISPLAY_NAMES[code]
    c = pycountry.countries.get(alpha_3=code)
    if c is None:
        raise UnknownCountryError(f"{code!r} is not a country code detente knows")
    return str(getattr(c, "common_name", None) or c.name)


def _by_year(rule: tuple[tuple[int, int, str], ...], year: int | None, label: str) -> str:
    if year is None:
        raise UnknownCountryError(f"{label!r} needs a year to map to one ISO code")
    for first, last, code in rule:
        if first <= year <= last:
            return code
    raise UnknownCountryError(f"{label!r} has no ISO code for {year}")


def classify(label: str, *, year: int | None = None) -> Identity:
    """Map a source's country *name* to its canonical code, or explain its exclusion.

    Parameters
    ----------
    label
        A country name as a source wrote it (``"Turkiye"``, ``"Soviet Union"``,
        ``"NATO Total"``, ``"PKK (Turkiye)*"``).
    year
        The year of the observation; needed only for labels whose ISO code changed
        over time (``"Yugoslavia"``).

    Returns
    -------
    Identity

    Raises
    ------
    UnknownCountryError
        If the name is neither mapped nor explicitly excluded.
    """
    raw = label.strip()
    if raw.endswith("**"):
        return Identity(label, None, "international organisation (SIPRI marker **)")
    if raw.endswith("*"):
        return Identity(label, None, "non-state armed group (SIPRI marker *)")
    key = normalise_name(raw)
    if key in EXCLUDED_NAMES:
        return Identity(label, None, EXCLUDED_NAMES[key])
    if key == "yugoslavia" and year is not None:
        return Identity(label, _by_year(YUGOSLAVIA_RULE, year, label))
    if key in NAME_ALIASES:
        return Identity(label, NAME_ALIASES[key])
    names = _iso_names()
    if key in names:
        return Identity(label, names[key])
    if len(raw) == 3 and raw.isupper() and is_canonical(raw):
        return Identity(label, raw)
    raise UnknownCountryError(
        f"country name {label!r} is not mapped; add it to NAME_ALIASES or "
        "EXCLUDED_NAMES in detente/data/_identity_tables.py after checking the source"
    )


def iso3(label: str, *, year: int | None = None) -> str | None:
    """The canonical code of a country name, or ``None`` if it is an exclusion.

    See :func:`classify`.
    """
    return classify(label, year=year).iso3


def classify_code(code: str) -> Identity:
    """Map a source's alpha-3 *code* (WDI, UNHCR) to a canonical code or an exclusion.

    Raises
    ------
    UnknownCountryError
        If the code is neither canonical nor explicitly excluded.
    """
    if code in EXCLUDED_CODES:
        return Identity(code, None, EXCLUDED_CODES[code])
    if is_canonical(code):
        return Identity(code, code)
    raise UnknownCountryError(
        f"country code {code!r} is not mapped; add it to EXCLUDED_CODES in "
        "detente/data/_identity_tables.py, or map it, after checking the source"
    )


def cow_iso3(ccode: int, year: int, cow_name: str | None = None) -> str | None:
    """The canonical code of a Correlates of War state code in a given year.

    Parameters
    ----------
    ccode
        COW state code, e.g. 640 (Turkey), 365 (Russia/USSR).
    year
        Year of the observation (COW 365 is ``SUN`` in 1922-1991, else ``RUS``).
    cow_name
        The COW state name, used for codes not in the override tables.

    Returns
    -------
    str or None
        ``None`` for COW states without any ISO code (e.g. Bavaria).

    Raises
    ------
    UnknownCountryError
        If the code cannot be mapped.
    """
    if ccode in EXCLUDED_COW:
        return None
    if ccode in COW_YEAR_RULES:
        return _by_year(COW_YEAR_RULES[ccode], year, f"COW {ccode}")
    if ccode in COW_NAME_OVERRIDES:
        return COW_NAME_OVERRIDES[ccode]
    if cow_name is None:
        raise UnknownCountryError(f"COW code {ccode} needs its state name to be mapped")
    return classify(cow_name).iso3


def unvotes_iso3(country_code: str, country: str, year: int) -> str | None:
    """The canonical code of a row of the ``unvotes`` roll-call data.

    ``country_code`` is ISO 3166-1 alpha-2 (Namibia is the string ``"NA"``); historical
    states have empty or withdrawn codes and are mapped by :data:`UNVOTES_SPECIAL`.
    """
    special = UNVOTES_SPECIAL.get((country_code, country))
    if isinstance(special, str):
        return special
    if special is not None:
        return _by_year(special, year, country)
    if not country_code:
        return classify(country).iso3
    c = pycountry.countries.get(alpha_2=country_code)
    if c is None:
        raise UnknownCountryError(
            f"unvotes code {country_code!r} ({country}) is not mapped; add it to "
            "UNVOTES_SPECIAL in detente/data/_identity_tables.py"
        )
    return str(c.alpha_3)


@cache
def _choices() -> dict[str, str]:
    """Every known spelling (codes, names, aliases) -> canonical code, for lookups."""
    out: dict[str, str] = {}
    for code in canonical_codes():
        out[code.lower()] = code
        out[normalise_name(country_name(code))] = code
    for name, code in _iso_names().items():
        out.setdefault(name, code)
    for name, code in NAME_ALIASES.items():
        out.setdefault(name, code)
    return out


def suggest(text: str, choices: Iterable[str] | None = None, limit: int = 3) -> list[str]:
    """The closest known spellings to ``text`` (rapidfuzz), for error messages.

    Parameters
    ----------
    text
        What the user typed.
    choices
        Candidates; default: every country code and name detente knows, shown as
        ``"Name (ISO3)"``.
    limit
        How many suggestions.
    """
    from rapidfuzz import fuzz, process, utils

    if choices is not None:
        pool = sorted(set(choices))
        hits = process.extract(
            text, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
        )
        return [h[0] for h in hits]
    # every spelling detente knows (codes, ISO names, aliases such as "Turkey"), each
    # shown as its country: "Turkei" is closest to the alias "turkey", so Türkiye
    spellings = _choices()
    pool = sorted(spellings)
    hits = process.extract(
        normalise_name(text),
        pool,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=max(limit * 8, 24),
    )
    out: list[str] = []
    for spelling, _score, _i in hits:
        code = spellings[spelling]
        shown = f"{country_name(code)} ({code})"
        if shown not in out:
            out.append(shown)
        if len(out) == limit:
            break
    return out


def resolve_countries(items: Sequence[str], *, field: str = "countries") -> list[str]:
    """Turn user input (codes or names, any case) into canonical codes.

    Parameters
    ----------
    items
        E.g. ``["TUR", "germany", "Czech Republic", "Soviet Union"]``.
    field
        Name of the option or field, for error messages.

    Returns
    -------
    list of str
        Canonical codes in input order, without duplicates.

    Raises
    ------
    InputError
        For a name that is not a country, with the closest matches.
    """
    choices = _choices()
    out: list[str] = []
    for item in items:
        text = item.strip()
        code = choices.get(text.lower()) or choices.get(normalise_name(text))
        if code is None:
            try:
                ident = classify(text)
            except UnknownCountryError:
                ident = Identity(text, None)
            if ident.excluded is not None:
                raise InputError(
                    f"{text!r} is not a country ({ident.excluded})",
                    field=field,
                    fix="list its member countries, or use a group name such as NATO, "
                    "NATO-Europe or EU where one is accepted.",
                )
            code = ident.iso3
            if code is None:
                hint = ", ".join(suggest(text))
                raise InputError(
                    f"unknown country {text!r}",
                    field=field,
                    fix=f"use an ISO3 code or a country name; closest matches: {hint}.",
                )
        if code not in out:
            out.append(code)
    return out
