"""Units and scales: what a claim's unit means, and how it compares with a dataset's.

A claim says "7 billion dollars", "402,000 soldiers", "2%" or "60% of the votes"; the
datasets store "million US$, constant 2023 prices", "thousand persons", "percent of
real GDP" or "share of votes (0-1)".  :func:`parse_unit` reads either kind of text
into a :class:`Unit` -- a dimension, a scale factor to the dimension's base, and what
a share is a share *of* -- and :func:`conversion` gives the factor that turns a
claim's value into the dataset's unit, or explains why the two cannot be compared.

Dimensions and their bases
--------------------------
``money``    one unit of ``currency`` (US$, EUR, GBP...); a price basis (current,
             constant 2023, 2015 prices) is kept as text and stated, never converted
``persons``  one person (soldiers, troops, refugees, people...)
``share``    one percent (a fraction 0-1 is 100 percent); ``of`` names the whole
             (GDP, defence expenditure, government spending, world deliveries, votes)
``change``   one percent of annual change
``tiv``      one SIPRI trend-indicator value (a volume index, not money)
``states``   a number of states
``index``    a unitless index (ideal points, CINC-like composites without a scale)
``tons``, ``coal_tons``, ``roll_calls``, ``status``: as the datasets use them
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Unit", "UnitError", "conversion", "describe_value", "parse_unit"]


class UnitError(ValueError):
    """A unit that cannot be read, or two units that cannot be compared."""


@dataclass(frozen=True)
class Unit:
    """A parsed unit.

    Attributes
    ----------
    text
        The unit as written.
    dimension
        What it measures (see the module docstring); ``""`` for no unit at all.
    factor
        How many base units one of these is (``1e9`` for "billion US$",
        ``1000`` for "thousand persons", ``100`` for a 0-1 fraction).
    currency
        For money: ``USD``, ``EUR``, ``GBP``, ``TRY``, ``LCU`` (national currency).
    of
        For shares: the whole they are a share of (``gdp``, ``defence``,
        ``government``, ``world``, ``votes``, ``system``), ``""`` if not said.
    basis
        For money: the price basis as stated (``constant 2023 prices``), else ``""``.
    """

    text: str
    dimension: str
    factor: float = 1.0
    currency: str = ""
    of: str = ""
    basis: str = ""

    @property
    def is_fraction(self) -> bool:
        """True for a share written as a 0-1 fraction."""
        return self.dimension == "share" and self.factor == 100.0


_SCALES: tuple[tuple[str, float], ...] = (
    (r"trillions?|tn|tr|trn", 1e12),
    (r"billions?|bn|bln|b", 1e9),
    (r"millions?|mn|mln|mio|m", 1e6),
    (r"thousands?|k", 1e3),
    (r"hundreds?", 1e2),
)

_CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"us\$|usd|u\.s\. dollars?|us dollars?|american dollars?|dollars?|\$", "USD"),
    (r"eur|euros?|€", "EUR"),
    (r"gbp|pounds? sterling|pounds?|£", "GBP"),
    (r"try|turkish lira|lira", "TRY"),
    (r"rub|roubles?|rubles?", "RUB"),
    (r"national currency( units)?|local currency|lcu", "LCU"),
)

_PERSONS = (
    r"persons?|people|personnel|soldiers?|troops?|servicemen|service members|"
    r"active[- ]duty|men and women|refugees?|asylum[- ]seekers?|migrants?|"
    r"residents?|inhabitants?|citizens?|idps?|displaced( people| persons)?|"
    r"stateless( people| persons)?|military personnel|armed forces|army|staff"
)

_SHARE_OF: tuple[tuple[str, str], ...] = (
    (r"gdp|gross domestic product|economic output|output", "gdp"),
    (
        r"defen[cs]e (expenditure|spending|budget)s?|military (expenditure|spending|budget)s?"
        r"|defen[cs]e|budget",
        "defence",
    ),
    (r"(general )?government (expenditure|spending)|public spending", "government"),
    (r"world|global|all major-arms|world deliveries|international", "world"),
    (r"(roll[- ]call )?votes?", "votes"),
    (r"(the )?system total", "system"),
)

_BASIS = re.compile(
    r"(constant(?: \(?\d{4}\)?)? (?:prices|us\$|dollars)|\d{4} prices|current (?:us\$|dollars)"
    r"|current prices"
    r"(?: and exchange rates)?|constant \d{4} prices(?: and exchange rates)?)"
)


def _strip(text: str) -> str:
    t = text.strip().lower().replace("per cent", "percent").replace("％", "%")
    t = t.replace("u.s.", "us").replace("us $", "us$")
    return re.sub(r"\s+", " ", t)


def _scale(t: str) -> tuple[float, str]:
    """The leading scale word of ``t`` (``billion US$``) and the rest."""
    for pattern, factor in _SCALES:
        m = re.match(rf"^(?:{pattern})\b\.?\s*", t)
        if m:
            return factor, t[m.end() :]
    return 1.0, t


def parse_unit(text: str) -> Unit:
    """Read a unit, as a claim or a dataset writes it.

    Parameters
    ----------
    text
        E.g. ``"billion US$"``, ``"$bn"``, ``"thousand persons"``, ``"%"``,
        ``"percent of GDP"``, ``"share of votes (0-1)"``, ``"million TIV"``,
        ``"million US$, constant 2023 prices and exchange rates"``; ``""`` for none.

    Returns
    -------
    Unit

    Raises
    ------
    UnitError
        When the text names no unit detente knows.

    Examples
    --------
    >>> parse_unit("billion dollars").factor
    1000000000.0
    >>> parse_unit("share of votes (0-1)").is_fraction
    True
    """
    raw = text
    t = _strip(text)
    if not t:
        return Unit(raw, "")
    m = _BASIS.search(t)
    basis = m.group(1) if m else ""
    # shares
    fraction = bool(re.search(r"\(0\s*-\s*1\)|\bfraction\b|\bproportion\b", t))
    changes = "annual real change" in t or re.search(r"\b(real )?change\b|growth", t)
    if changes and ("%" in t or "percent" in t):
        return Unit(raw, "change")
    if fraction or "%" in t or re.search(r"\bpercent(age)?( points?)?\b|\bpct\b|\bshare\b", t):
        of = ""
        for pattern, name in _SHARE_OF:
            if re.search(rf"\b(of|in)\b[^,;]*?\b(?:{pattern})", t) or re.search(
                rf"\b(?:{pattern})\b", t.split("(")[0].replace("percent", "")
            ):
                of = name
                break
        return Unit(raw, "share", 100.0 if fraction else 1.0, of=of)
    if "tiv" in t or "trend-indicator" in t or "trend indicator" in t:
        factor, _ = _scale(t)
        return Unit(raw, "tiv", factor)
    factor, rest = _scale(t)
    if rest.strip(" .") == "":
        return Unit(raw, "", factor)  # a bare scale: "thousand" of the data's base unit
    # "$7bn", "US$ 7 bn": currency first, scale after
    for pattern, cur in _CURRENCIES:
        m2 = re.match(rf"^(?:{pattern})\s*", rest)
        if m2:
            f2, _ = _scale(rest[m2.end() :])
            return Unit(raw, "money", factor * f2, currency=cur, basis=basis)
    for pattern, cur in _CURRENCIES:
        if re.search(rf"(?:^|[\s(]|\b)(?:{pattern})(?:$|[\s,);]|\b)", rest):
            return Unit(raw, "money", factor, currency=cur, basis=basis)
    if re.search(rf"\b(?:{_PERSONS})\b", rest) or rest == "strong":
        return Unit(raw, "persons", factor)
    if re.search(r"\b(states?|countries|allies|members|nations)\b", rest):
        return Unit(raw, "states", factor)
    if re.search(r"coal-ton|coal ton", rest):
        return Unit(raw, "coal_tons", factor)
    if re.search(r"\btons?\b|\btonnes?\b", rest):
        return Unit(raw, "tons", factor)
    if "roll call" in rest:
        return Unit(raw, "roll_calls", factor)
    if "ideal point" in rest or rest in ("index", "points"):
        return Unit(raw, "index", factor)
    if "major power" in rest:
        return Unit(raw, "status", factor)
    raise UnitError(f"unknown unit {text!r}")


#: Dimension -> units a user may write, for messages.
EXAMPLES = {
    "money": '"billion US$", "million US$"',
    "persons": '"persons", "thousand persons"',
    "share": '"percent" (or "percent of GDP"), "fraction"',
    "change": '"percent" (annual change)',
    "tiv": '"million TIV"',
    "states": '"states"',
    "index": '"" (no unit)',
}


def conversion(claim: Unit, data: Unit) -> float:
    """The factor that turns a value in the claim's unit into the data's unit.

    Parameters
    ----------
    claim
        The claim's unit (no unit: the data's own).
    data
        The dataset's unit.

    Returns
    -------
    float
        ``value_in_data_units = value_in_claim_units * factor``.

    Raises
    ------
    UnitError
        When the units measure different things (persons against money, dollars
        against euros, a share of GDP against a share of the defence budget, TIV
        against money).
    """
    if claim.dimension == "":
        # no unit: the data's own; a bare scale ("thousand"): of the data's base unit
        return 1.0 if claim.factor == 1.0 else claim.factor / data.factor
    cd, dd = claim.dimension, data.dimension
    if cd == "share" and dd == "change" and claim.of == "":
        return 1.0
    if cd != dd:
        what = EXAMPLES.get(dd, f'"{data.text}"')
        extra = ""
        if dd == "tiv" and cd == "money":
            extra = " (SIPRI's TIV is a volume index of arms deliveries, not money)"
        raise UnitError(
            f"the claim's unit {claim.text!r} ({cd or 'none'}) cannot be compared with the "
            f"data's {data.text!r} ({dd}){extra}; a unit such as {what} can"
        )
    if cd == "money" and claim.currency != data.currency:
        raise UnitError(
            f"the claim is in {claim.currency}, the data in {data.currency} ({data.text!r}); "
            "detente has no exchange rates"
        )
    if cd == "share" and claim.of and data.of and claim.of != data.of:
        raise UnitError(
            f"the claim is a share of {claim.of}, the data a share of {data.of} ({data.text!r})"
        )
    return claim.factor / data.factor


_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def describe_value(value: float, unit: Unit) -> str:
    """A value with its unit, readably: ``7.15 billion US$``, ``481,000 persons``, ``1.28%``.

    Parameters
    ----------
    value
        In ``unit``.
    unit
        Its unit.
    """
    if unit.dimension == "share" and not unit.is_fraction:
        return f"{value:,.2f}%"
    if unit.dimension == "share":
        return f"{100 * value:,.1f}% ({value:.3f})"
    if unit.dimension == "money":
        base = value * unit.factor
        cur = {"USD": "US$", "LCU": "national currency"}.get(unit.currency, unit.currency)
        for size, word in _WORDS:
            if abs(base) >= size:
                return f"{base / size:,.4g} {word} {cur}"
        return f"{base:,.0f} {cur}"
    if unit.dimension == "persons":
        base = value * unit.factor
        return f"{base:,.0f} persons" if abs(base) < 1e7 else f"{base / 1e6:,.2f} million persons"
    text = f"{value:,.4g}"
    return f"{text} {unit.text}".strip()
