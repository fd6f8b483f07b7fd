"""Numbers in prose: "402,000 soldiers", "$7bn", "2%", "3.2 million", "seven allies".

:func:`quantities` finds every quantity in a sentence with its value (scale words
applied), its unit as written (``"billion US$"``, ``"percent"``, ``"soldiers"``), the
relation the wording gives it ("more than" ``>``, "around" ``~``, "at least" ``>=``)
and its span.  Years, dates, ordinals that enumerate ("First, ...") and durations
("three years") are not quantities; :func:`years_in` and :func:`rank_in` find years
and ranks ("the second largest").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "Rank", "parse_number", "quantities", "rank_in", "years_in"]

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "half a": 0.5,
    "a half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "two-thirds": 2 / 3,
    "two thirds": 2 / 3, "three-quarters": 0.75, "three quarters": 0.75, "a hundred": 100,
    "hundred": 100, "a million": 1e6, "a billion": 1e9, "a thousand": 1e3,
}  # fmt: skip

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "mn": 1e6, "mln": 1e6,
    "m": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
_SCALE_WORD = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:\.\d+)?"
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_SCALES = r"thousand|millions?|billions?|trillion|mn|mln|bn|bln|tn|trn|k|m|b"
_CUR_PRE = r"US\$|U\.S\.\s?\$|\$|€|£|USD|EUR|GBP"
_CUR_POST = (
    r"(?:US |U\.S\. |American )?dollars?|euros?|pounds?(?: sterling)?|USD|EUR|GBP|"
    r"(?:Turkish )?lira|roubles?|rubles?"
)
_PCT = r"%|per\s?cent\b|percent\b|percentage points?\b|pct\b"

_QTY = re.compile(
    rf"(?P<pre>{_CUR_PRE})?\s?(?P<num>{_NUM}|\b(?:{_WORDS})\b)"
    rf"(?:[\s-]?(?P<scale>\b(?:{_SCALES})\b|(?<=\d)(?:{_SCALES})\b))?"
    rf"(?:\s?(?P<pct>{_PCT}))?"
    rf"(?:\s?(?P<post>\b(?:{_CUR_POST})\b))?",
    re.IGNORECASE,
)

_REL_BEFORE: tuple[tuple[str, str], ...] = (
    (r"not (?:even |yet )?(?:reached?|met|meet|hit|achieved?)|fall(?:s|en)? short of|fell short of"
     r"|short of|miss(?:es|ed)?|less than|fewer than|under|below|lower than", "<"),
    (r"at least|no fewer than|no less than|a minimum of|or more", ">="),
    (r"at most|no more than|up to|a maximum of|not more than", "<="),
    (r"more than|over|above|exceed(?:s|ed|ing)?|in excess of|upwards of|beyond|greater than"
     r"|topp(?:ed|ing)|tops|surpass(?:es|ed)?|pass(?:es|ed)|crossed", ">"),
    (r"about|around|approximately|roughly|some|nearly|almost|close to|an estimated|estimated"
     r"|circa|ca\.|approx\.?|~|just under|just over|just above|just below|an? \w+ of around",
     "~"),
    (r"exactly|precisely|just", "="),
    (r"meet(?:s|ing)?|met|reach(?:es|ed|ing)?|hit(?:s|ting)?|achiev(?:es|ed|ing)", ">="),
)  # fmt: skip


def parse_number(text: str) -> float | None:
    """The value of a number as written: ``"402,000"``, ``"2.5"``, ``"seven"``, ``"half a"``."""
    t = text.strip().lower()
    if t in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[t])
    t = t.replace(",", "").replace(" ", "")
    try:
        return float(t)
    except ValueError:
        return None


@dataclass(frozen=True)
class Quantity:
    """A quantity found in a sentence.

    Attributes
    ----------
    value
        The number, with its scale word applied to the unit (``7`` with unit
        ``"billion US$"``; ``402000`` with ``"persons"``).
    unit
        The unit, in words :func:`detente.data.units.parse_unit` reads; ``""`` when
        the sentence gives none (a bare count).
    relation
        ``=``, ``~``, ``>``, ``>=``, ``<``, ``<=`` from the wording around it.
    start, end
        Its span in the sentence.
    text
        The words as written.
    noun
        The noun that follows it (``"soldiers"``, ``"refugees"``), lower case.
    worded
        True when the number is written in words ("seven").
    tolerance
        For a range ("between 2% and 3%"): the half-width relative to its middle,
        which is then the value (relation ``~``).
    """

    value: float
    unit: str
    relation: str
    start: int
    end: int
    text: str
    noun: str
    worded: bool
    tolerance: float | None = None


_PERSON_NOUNS = re.compile(
    r"^\s*(?:(?:active[- ]duty|active|regular|uniformed|military|armed|registered|syrian|"
    r"ukrainian|afghan|foreign|additional|more|new)\s+)*"
    r"(soldiers|troops|personnel|servicemen|service members|service personnel|refugees|"
    r"asylum[- ]seekers|migrants|people|persons|residents|inhabitants|citizens|"
    r"displaced|men|troop|soldier|refugee)\b",
    re.IGNORECASE,
)
_STATE_NOUNS = re.compile(
    r"^\s*(?:of\s+(?:the\s+)?(?:\d+|\w+)\s+)?(?:(?:european|eu|nato|other|member|western|eastern|"
    r"smaller|larger|non-european)\s+)*(allies|members|member states|countries|states|nations|"
    r"governments|capitals)\b",
    re.IGNORECASE,
)
_NOT_QUANTITY = re.compile(
    r"^\s*(?:-?\s*)?(years?|months?|weeks?|days?|decades?|centuries|century|times|hours?|"
    r"minutes?|ways?|sides?|parties|steps?|phases?|rounds?|points? of view|reasons?|"
    r"options?|approaches|sessions?|meetings?|summits?|visits?|terms?|aspects?|areas?|"
    r"of (?:them|these|those|the two))\b",
    re.IGNORECASE,
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)


_LABEL_BEFORE = re.compile(
    r"(?:\b(?:article|resolution|table|chapter|section|no\.?|number|paragraph|page|figure|"
    r"phase|round|group|annex|point|item|line|protocol|decision)\s*|[A-Za-z]-?|[#/])$",
    re.IGNORECASE,
)


def _is_label(sentence: str, m: re.Match[str], after: str) -> bool:
    return bool(_LABEL_BEFORE.search(sentence[: m.start("num")])) or bool(
        re.match(r"^[-/]?\w", after)
    )


def _relation(before: str) -> str:
    tail = before[-60:].lower() + " "
    for pattern, rel in _REL_BEFORE:
        if re.search(
            rf"(?:^|\W)(?:{pattern})\W*(?:the\s+)?(?:threshold|target|level|mark|"
            rf"goal|guideline|benchmark|bar)?\s*(?:of\s+)?(?:\S+\s+)?$",
            tail,
        ):
            # the qualifier must be close: within the last few words
            words = re.findall(rf"(?:{pattern})", tail)
            if words:
                last = tail.rfind(words[-1])
                if len(tail[last:].split()) <= 6:
                    return rel
    return "="


def quantities(sentence: str) -> list[Quantity]:
    """Every quantity of a sentence, with unit and relation (see :class:`Quantity`)."""
    out: list[Quantity] = []
    for m in _QTY.finditer(sentence):
        num = m.group("num")
        if num is None:
            continue
        worded = not num[0].isdigit()
        value = parse_number(num)
        if value is None:
            continue
        start, end = m.start(), m.end()
        pre, scale, pct, post = m.group("pre"), m.group("scale"), m.group("pct"), m.group("post")
        before = sentence[:start]
        after = sentence[end:]
        plain = not (pre or scale or pct or post)
        if plain and not worded and re.fullmatch(r"(1[89]|20|21)\d\d", num):
            continue  # a year
        if plain and re.match(rf"^\s*(?:{_MONTHS})\b", after, re.IGNORECASE):
            continue  # "24 February"
        if plain and re.search(rf"\b(?:{_MONTHS})\s*$", before, re.IGNORECASE):
            continue
        if plain and _NOT_QUANTITY.match(after):
            continue
        short_scale = scale is not None and scale.lower() in ("m", "b", "k") and not (pre or post)
        people = re.match(r"^\s*(?:soldiers|troops|people|refugees|persons)", after, re.I)
        if short_scale and (not num[-1].isdigit() or not people):
            continue  # "5 m" as a length, "3 k" in an unrelated sense
        factor = _SCALE.get(scale.lower(), 1.0) if scale else 1.0
        unit = ""
        noun = ""
        if pct:
            unit = "percent"
            of = re.match(
                r"^\s*(?:of\s+(?:its|their|the|his|her|it's)?\s*)?(gdp|gross domestic "
                r"product|economic output)",
                after,
                re.IGNORECASE,
            )
            if of:
                unit = "percent of GDP"
        elif pre or post:
            cur = (pre or post or "").lower()
            code = (
                "EUR"
                if ("€" in cur or "eur" in cur)
                else "GBP"
                if ("£" in cur or "pound" in cur or "gbp" in cur)
                else "TRY"
                if "lira" in cur
                else "RUB"
                if ("roubl" in cur or "rubl" in cur)
                else "US$"
            )
            unit = f"{_SCALE_WORD[factor]} {code}" if factor > 1 else code
            # "$7 billion" -> value 7, unit billion US$
        else:
            pn = _PERSON_NOUNS.match(after)
            sn = _STATE_NOUNS.match(after)
            if pn:
                noun = pn.group(1).lower()
                unit = "persons"  # the scale stays in the unit: "3.2 million persons"
            elif sn:
                noun = sn.group(1).lower()
                unit = "states"
            elif factor > 1:
                unit = _SCALE_WORD[factor]
            elif worded:
                continue  # "one of the", "two of them": a word number without a unit
        if unit in ("persons",) or unit.startswith("percent") or unit == "states":
            pass
        elif unit == "" and not worded and factor == 1.0 and _is_label(sentence, m, after):
            # a bare number ("..., Denmark roughly 17,000") is kept without a unit, for
            # the caller to read in the unit of the sentence's previous figure -- but not
            # a label such as "Article 5", "S-400" or "Resolution 2254"
            continue
        if unit and factor > 1 and not (pre or post) and unit != _SCALE_WORD.get(factor):
            unit = f"{_SCALE_WORD[factor]} {unit}"
        if unit == "" and factor > 1:
            unit = _SCALE_WORD[factor]
        rel = _relation(before)
        if re.match(r"^\s*(?:or more|plus|\+)", after, re.IGNORECASE):
            rel = ">="
        out.append(
            Quantity(value, unit, rel, start, end, sentence[start:end].strip(), noun, worded)
        )
    return _ranges(sentence, out)


_LOW_END = re.compile(
    r"(?:\b(?P<between>between)\s+)?(?P<low>\d+(?:\.\d+)?)\s*(?:%|per ?cent|percent)?"
    r"\s*(?P<sep>-|to|and)\s*$",
    re.IGNORECASE,
)


def _ranges(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Merge "between 2% and 3%", "2-3 million" into one quantity: its middle, ``~``.

    The tolerance is the half-width relative to the middle (2-3 is 2.5 within 20%).
    """
    out: list[Quantity] = []
    for q in found:
        m = _LOW_END.search(sentence[: q.start])
        if m is None or (m.group("sep").lower() == "and" and not m.group("between")):
            out.append(q)
            continue
        low = float(m.group("low"))
        if out and out[-1].start >= m.start():
            out.pop()  # "2%" of "between 2% and 3%" was read on its own
        hi = q.value
        lo, hi = sorted((low, hi))
        if hi <= 0:
            out.append(q)
            continue
        mid = (lo + hi) / 2
        text = sentence[m.start() : q.end]
        out.append(
            Quantity(mid, q.unit, "~", m.start(), q.end, text, q.noun, q.worded, (hi - mid) / mid)
        )
    return out


_YEAR = re.compile(r"(?<![\d,.$€£])\b((?:19|20)\d\d)\b(?![\d,.]?\d|\s?%)")


def years_in(sentence: str) -> list[tuple[int, str]]:
    """The years a sentence names, each with the word before it (``since``, ``by``, ``in``)."""
    out = []
    for m in _YEAR.finditer(sentence):
        prev = re.search(r"(\w+)\W*$", sentence[: m.start()])
        out.append((int(m.group(1)), prev.group(1).lower() if prev else ""))
    return out


@dataclass(frozen=True)
class Rank:
    """A rank stated in a sentence: ``position`` (2 for "second largest"), ``order``."""

    position: int
    order: str
    start: int
    end: int
    noun: str


_RANK = re.compile(
    r"\b(?:(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"\d{1,2}(?:st|nd|rd|th))[\s-]+)?(?P<sup>largest|biggest|highest|strongest|most powerful|"
    r"most populous|greatest|smallest|lowest|weakest|top)\b(?P<rest>[^.,;]{0,60})",
    re.IGNORECASE,
)


def rank_in(sentence: str) -> Rank | None:
    """The rank a sentence states ("the second largest NATO army"), if any."""
    for m in _RANK.finditer(sentence):
        sup = m.group("sup").lower()
        if sup == "top" and not m.group("ord"):
            continue
        if re.search(r"\bone of the\s+$|\bamong the\s+$", sentence[: m.start()], re.IGNORECASE):
            continue  # "one of the highest": not a rank
        ordinal = (m.group("ord") or "first").lower()
        pos = _ORDINALS.get(ordinal)
        if pos is None:
            digits = re.match(r"\d+", ordinal)
            pos = int(digits.group()) if digits else 1
        order = "smallest" if sup in ("smallest", "lowest", "weakest") else "largest"
        return Rank(pos, order, m.start(), m.end(), m.group("rest").lower())
    return None
