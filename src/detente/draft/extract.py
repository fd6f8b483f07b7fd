"""From sentences to claims: what each number is about, and which data can check it.

For every sentence that states a quantity with a unit (a share, money, persons, a
count of states) or a rank ("the second largest army"), :func:`extract_claims` builds
a :class:`detente.scenario.Claim`:

* **what** -- the topic from the words around the number: defence spending as a share
  of GDP, defence spending in money, military personnel, GDP, population, refugees
  hosted or by origin, asylum-seekers, the displaced, arms exports (a world share; in
  money no dataset measures them), UN votes with another state;
* **who** -- the state the sentence names nearest before the number (else after it,
  else the one the paragraph last named); a bloc when no state is named; for counts,
  the group the sentence names ("European members of NATO" is ``NATO-Europe``);
* **when** -- a year the sentence names (not after "since" or "by"); else the latest
  year the paragraph named before it; else none, and the checker takes the latest
  year in the data and says so.  A future year is a projection: not checkable;
* **which data** -- NATO's tables for NATO members, SIPRI or COW otherwise, World
  Bank, UNHCR and UNGA data by topic.

A quantity it cannot map (an unknown topic, a currency without exchange rates, a
deployment rather than an army's size) becomes a claim without indicator, whose
``note`` says why it is not checkable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from detente.draft.gazetteer import BLOCS, Mention, find_mentions
from detente.draft.numbers import Quantity, Rank, quantities, rank_in, years_in
from detente.draft.text import Sentence
from detente.scenario.claims import Claim, ContextRef

__all__ = ["Extracted", "extract_claims"]


@dataclass
class Extracted:
    """A claim found in the article, before checking.

    Attributes
    ----------
    sentence
        The sentence it comes from.
    claim
        The structured claim (``indicator`` is ``None`` when unmappable).
    reason
        Why it is not checkable, when it is not.
    year_note
        Where its year comes from ("stated", "from the paragraph", or empty when the
        checker will take the latest year in the data).
    """

    sentence: Sentence
    claim: Claim
    reason: str = ""
    year_note: str = ""
    mentions: list[Mention] = field(default_factory=list)
    topic: str = ""


_DEFENCE = re.compile(
    r"defen[cs]e|military|armed forces|army|spend|spending|budget|nato|threshold|target|"
    r"guideline|pledge|2\s?%|two per ?cent",
    re.IGNORECASE,
)
_ARMS_TRADE = re.compile(
    r"(arms|weapons?|defen[cs]e(?: and aerospace)?|military|drone|aerospace)[\w\s-]{0,20}"
    r"(exports?|sales|exporter|imports?|importer|purchases)",
    re.IGNORECASE,
)
_GROWTH = re.compile(
    r"\b(grew|grow|growth|increase[ds]?|rose|rise|risen|raised|boost(?:ed)?|up by|cut|fell|"
    r"decrease[ds]?|declined?|jump(?:ed)?|real terms)\b",
    re.IGNORECASE,
)
_DEPLOY = re.compile(
    r"\b(deploy\w*|send\w*|sent|station\w*|dispatch\w*|contribut\w*|commit\w*|peacekeep\w*|"
    r"killed|casualties|wounded|lost|died|dead|mobili[sz]\w*|recruit\w*|train\w*|"
    r"exercise|drill)\b",
    re.IGNORECASE,
)
_VOTE = re.compile(r"\bvot\w*\b[^.]{0,40}?\b(with|alongside|like|in line with)\b", re.IGNORECASE)
_UNGA_TARGETS = {
    "USA": "unga.agree_usa",
    "RUS": "unga.agree_russia",
    "CHN": "unga.agree_china",
    "BRA": "unga.agree_brazil",
    "IND": "unga.agree_india",
    "ISR": "unga.agree_israel",
}


def _nato(year: int | None) -> set[str]:
    from detente.data.groups import members

    return set(members("NATO", year or 2024))


def _group_of(sentence: str, start: int, end: int) -> list[str] | None:
    """The group a count refers to, from the words right after it."""
    window = sentence[start : min(len(sentence), end + 70)].lower()
    if re.search(r"\beu\b|european union|member states", window) and "nato" not in window:
        return ["EU"]
    if "nato" in window or "allies" in window or "alliance" in window:
        if "europe" in window:
            return ["NATO-Europe"]
        return ["NATO"]
    return None


def _year(
    sentence: Sentence, history: dict[int, list[tuple[int, int]]]
) -> tuple[int | None, str, str]:
    """The year of a sentence's claim, how it was found, and why it cannot be checked."""
    this_year = dt.date.today().year
    text = _EARLIER.sub(" ", sentence.text)  # "up from three in 2014" is another claim's year
    stated = [(y, w) for y, w in years_in(text) if w not in ("since", "from", "until")]
    future = [y for y, w in stated if y > this_year or w == "by"]
    if future:
        return None, "", f"a projection for {future[0]}: no data can check it yet"
    if stated:
        return stated[0][0], "stated", ""
    for n, y in reversed(history.get(sentence.paragraph, [])):
        if n < sentence.index:
            return y, f"{y}, named earlier in the paragraph", ""
    return None, "", ""


def _subject(
    mentions: list[Mention],
    at: int,
    previous: list[str],
    text: str = "",
    *,
    states_only: bool = True,
) -> list[str]:
    """The actor a number at ``at`` is about: nearest state before it, else after, else context."""
    states = [m for m in mentions if m.target not in BLOCS]
    if text:
        # a state in the number's own clause first: "..., against 257,000 for Saudi Arabia"
        lo, hi = _bounds(text, at, at)
        inside = [m for m in states if lo <= m.start < hi]
        near = [m for m in inside if m.end <= at] or [m for m in inside if m.start >= at]
        if near:
            return [near[-1].target if near[0].end <= at else near[0].target]
    before = [m for m in states if m.end <= at]
    if before:
        return [before[-1].target]
    after = [m for m in states if m.start >= at]
    pronoun = re.search(r"\b(it|its|it's|they|their|the country|this country|the government)\b",
                        text[:at], re.IGNORECASE)  # fmt: skip
    if pronoun and previous:
        return previous[-1:]
    if after:
        return [after[0].target]
    if not states_only:
        blocs = [m for m in mentions if m.target in BLOCS]
        if blocs:
            return [blocs[-1].target]
    return previous[-1:] if previous else []


#: Words that make a figure a plan or forecast rather than a fact.
_FUTURE = re.compile(
    r"\b(will|would|plans? to|planned to|planning to|aims? to|intends? to|pledged to|"
    r"promised to|(?:is|are) set to|expected to|projected to|forecast to|wants? to|"
    r"seeks? to|hopes? to|next year|by the end of the decade)\b",
    re.IGNORECASE,
)


_BOUNDARY = re.compile(r",(?!\d{3})|[;:()]| - ")


def _bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: between commas (not those inside numbers
    such as 257,000), semicolons, colons, brackets or dashes."""
    lo = 0
    for m in _BOUNDARY.finditer(text, 0, start):
        lo = m.end()
    m2 = _BOUNDARY.search(text, end)
    return lo, (m2.start() if m2 else len(text))


def _clause_start(text: str, q: Quantity) -> int:
    return _bounds(text, q.start, q.end)[0]


def _clause(text: str, q: Quantity) -> str:
    """The clause around a quantity (see :func:`_bounds`)."""
    lo, hi = _bounds(text, q.start, q.end)
    return text[lo:hi]


def _topic_of(
    text: str, q: Quantity | None, rank: Rank | None
) -> tuple[str | None, str, list[ContextRef]]:
    """The topic of a quantity: from its own clause first, else from the whole sentence."""
    if q is not None:
        local = _topic(_clause(text, q), q, rank, text)
        if local[0] is not None or (local[1] and local[1] not in _VAGUE):
            return local
    return _topic(text, q, rank)


def _topic(
    text: str, q: Quantity | None, rank: Rank | None, whole: str = ""
) -> tuple[str | None, str, list[ContextRef]]:
    """The topic key, the reason when there is none, and context indicators."""
    low = text.lower()
    whole = whole or text
    unit = q.unit if q is not None else ""
    noun = (q.noun if q is not None else "") or (rank.noun if rank is not None else "")
    if unit.startswith("percent"):
        if _VOTE.search(text):
            return "unga_agree", "", []
        if _ARMS_TRADE.search(text):
            imports = re.search(r"import|purchas", low) is not None
            return ("arms_imports_share" if imports else "arms_exports_share"), "", []
        if re.search(r"equipment", low) and re.search(r"defen[cs]e|military|budget", low):
            return "share_equipment", "", []
        of_gdp = unit == "percent of GDP" or re.search(r"\bof (?:its |their |it's )?gdp\b", low)
        if _GROWTH.search(text) and not of_gdp:
            if re.search(r"defen[cs]e|military", low):
                return "defence_change", "", []
            return None, "a rate of change that no dataset here measures", []
        if "gdp" in unit.lower() or re.search(r"\bgdp\b|economic output", low):
            if _DEFENCE.search(text):
                return "defence_share", "", []
            return None, _NOT_DEFENCE, []
        if re.search(r"threshold|target|guideline|pledge|benchmark", low) and _DEFENCE.search(text):
            return "defence_share", "", []
        spends = re.search(r"\bspen[dt]\w*|\bbudget|\bexpenditure|\boutlays?", low)
        if spends and re.search(r"defen[cs]e|military|armed forces|army", low):
            return "defence_share", "", []
        return None, _NO_BASE, []
    if "US$" in unit or "EUR" in unit or "GBP" in unit or "TRY" in unit or "RUB" in unit:
        if _ARMS_TRADE.search(text):
            ctx = [ContextRef(indicator="sipri.arms_exports_share")]
            return (
                None,
                "no dataset here measures arms exports in money: SIPRI's trend-indicator "
                "value (TIV) measures the volume of major-arms deliveries, not dollars",
                ctx,
            )
        if "US$" not in unit:
            return None, f"a figure in {unit.split()[-1]}: detente has no exchange rates", []
        if re.search(r"defen[cs]e|military|armed forces", low):
            return "defence_money", "", []
        if re.search(r"\bgdp\b|econom(y|ic output)", low):
            return "gdp", "", []
        return None, _SOME_MONEY, []
    if unit.endswith("persons") or rank is not None:
        if re.search(r"refugee|\bfled\b|fleeing", low) or noun.startswith("refugee"):
            return "refugees", "", []
        if re.search(r"asylum", low):
            return "asylum", "", []
        if re.search(r"displace", low):
            return "idps", "", []
        soldiers = re.search(
            r"soldier|troop|personnel|army|armies|armed forces|military|servicemen|active[- ]duty|"
            r"under arms",
            low,
        )
        if soldiers:
            if unit.endswith("persons") and _DEPLOY.search(text) and not rank:
                return (
                    None,
                    "troops deployed, lost or trained are not the size of an army: no dataset "
                    "here counts them",
                    [],
                )
            return "personnel", "", []
        residents = noun in ("people", "persons", "inhabitants", "residents", "citizens")
        residents = residents and not re.search(r"refugee|displaced|asylum|fled", whole.lower())
        if residents or re.search(r"population|inhabitants|people live|citizens|populous", low):
            return "population", "", []
        if rank is not None and re.search(r"econom|gdp", low):
            return "gdp", "", []
        if rank is not None and re.search(
            r"spender|defen[cs]e budget|military budget|spending", low
        ):
            return "defence_money", "", []
        if rank is not None and re.search(r"arms export|exporter", low):
            return "arms_exports_share", "", []
        if unit.endswith("persons"):
            return None, _SOME_PEOPLE, []
        return None, "a rank of something no dataset here measures", []
    return None, "", []


def _indicators(
    topic: str, countries: list[str], year: int | None, text: str
) -> tuple[str, list[str]]:
    """The main indicator and cross-checks for a topic and its countries."""
    from detente.data.groups import GROUPS

    groups = {g.lower() for g in GROUPS}
    nato = _nato(year)
    in_nato = all(
        c.lower() in ("nato", "nato-europe") or (c in nato and c.lower() not in groups)
        for c in countries
    )
    if topic == "defence_share":
        return ("nato.defence_share_gdp", []) if in_nato else ("sipri.milex_share_gdp", [])
    if topic == "defence_money":
        sipri = _first_with_data("sipri.milex_usd_current", "sipri.milex_usd_constant")
        if in_nato:
            return "nato.defence_usd_current", [sipri]
        return sipri, []
    if topic == "personnel":
        return ("nato.military_personnel", ["cow.milper"]) if in_nato else ("cow.milper", [])
    if topic == "defence_change":
        return "nato.defence_real_change", []
    if topic == "share_equipment":
        return "nato.share_equipment", []
    if topic == "gdp":
        return "wdi.gdp_usd", []
    if topic == "population":
        return "wdi.population", []
    if topic == "refugees":
        low = text.lower()
        hosting = re.search(r"\b(host\w*|home to|shelter\w*|house[sd]?|took in|taken in|take in|"
                            r"welcom\w*|accommodat\w*|in (?:the )?(?:country|its territory))",
                            low)  # fmt: skip
        origin = re.search(r"\b(fled|from|originat\w*|abroad|outside (?:the|their) country)\b", low)
        if hosting or not origin:
            return "unhcr.refugees_hosted", []
        return "unhcr.refugees_by_origin", []
    if topic == "asylum":
        return "unhcr.asylum_seekers_hosted", []
    if topic == "idps":
        return "unhcr.idps", []
    if topic == "arms_exports_share":
        return "sipri.arms_exports_share", []
    if topic == "arms_imports_share":
        return "sipri.arms_imports_share", []
    raise KeyError(topic)


_REL_WORD = {"=": "=", "~": "~", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


_NO_BASE = "a percentage whose base the data do not have"
_NOT_DEFENCE = "a share of GDP that is not defence spending: no dataset here has it"
_SOME_MONEY = "an amount of money no dataset here measures"
_SOME_PEOPLE = "a number of people no dataset here counts"
#: Reasons that only say the sentence does not name its topic (a neighbour may)
_VAGUE = (_NO_BASE, _NOT_DEFENCE, _SOME_MONEY, _SOME_PEOPLE)

#: The kind of number each topic is about (a bare "2.1%" may continue a share's topic).
_FAMILY = {
    "defence_share": "percent",
    "defence_change": "percent",
    "share_equipment": "percent",
    "arms_exports_share": "percent",
    "arms_imports_share": "percent",
    "defence_money": "money",
    "gdp": "money",
    "personnel": "persons",
    "refugees": "persons",
    "asylum": "persons",
    "idps": "persons",
    "population": "persons",
}


def _family(unit: str) -> str:
    if unit.startswith("percent"):
        return "percent"
    if unit.endswith("persons"):
        return "persons"
    if re.search(r"US\$|EUR|GBP|TRY|RUB", unit):
        return "money"
    return ""


def _elliptic(qs: list[Quantity]) -> list[Quantity]:
    """Figures that take the unit of the sentence's previous one.

    "Norway has some 24,000 military personnel, Denmark roughly 17,000" and
    "Uganda hosts 1.76 million refugees, and Ethiopia about one million": a bare
    number or scale after a count of persons (or a share) counts the same thing.
    """
    from dataclasses import replace

    out: list[Quantity] = []
    last = ""
    for q in qs:
        if q.unit in ("", "thousand", "million") and last:
            if last == "persons":
                q = replace(q, unit=f"{q.unit} persons".strip())
            elif last.startswith("percent") and q.unit == "":
                q = replace(q, unit=last)
        if q.unit.endswith("persons"):
            last = "persons"
        elif q.unit.startswith("percent"):
            last = q.unit
        out.append(q)
    return out


def _as_people(text: str, q: Quantity) -> Quantity:
    """ "6 million Ukrainians": a bare scale followed by a nationality counts persons."""
    from dataclasses import replace

    from detente.draft.gazetteer import is_known_word

    if q.unit not in ("thousand", "million", "billion"):
        return q
    nxt = re.match(r"\s*([A-Z][\w'-]+)", text[q.end :])
    if nxt and is_known_word(nxt.group(1)):
        return replace(q, unit=f"{q.unit} persons", noun=nxt.group(1).lower())
    return q


def _first_with_data(*names: str) -> str:
    """The first indicator that has data loaded (SIPRI's current US$ only after an import)."""
    from detente.data.store import get_store

    have = get_store().coverage()
    return next((n for n in names if n in have), names[-1])


#: Groups a rank may be taken within that the data do not define.
_UNKNOWN_SCOPE = re.compile(
    r"\b(?:the )?(arab world|africa|asia|latin america|south america|middle east|the region|"
    r"the gulf|the balkans|the caucasus|central asia|the pacific|the indo-pacific|the sahel|"
    r"the arctic|the mediterranean|the continent)\b",
    re.IGNORECASE,
)


def _among(text: str) -> list[str]:
    low = text.lower()
    if re.search(r"\bnato\b|allies|alliance", low):
        if re.search(r"european allies|in europe|europe's|european nato", low):
            return ["NATO-Europe"]
        return ["NATO"]
    if re.search(r"\beu\b|european union", low):
        return ["EU"]
    if re.search(r"\bin europe\b|europe's|on the continent", low):
        return ["NATO-Europe"]
    return []


def extract_claims(sents: Sequence[Sentence]) -> list[Extracted]:
    """Every numeric claim of an article, structured (see the module docstring).

    Parameters
    ----------
    sents
        The article's sentences (mended).

    Returns
    -------
    list of Extracted
        In article order; ids ``claim1``, ``claim2``...
    """
    out: list[Extracted] = []
    history: dict[int, list[tuple[int, int]]] = {}
    previous: list[str] = []
    last_topic: tuple[str, int] | None = None
    for s in sents:
        mentions = find_mentions(s.text)
        qs = quantities(s.text)
        rank = rank_in(s.text)
        year, how, projection = _year(s, history)
        context = last_topic if last_topic and s.index - last_topic[1] <= 3 else None
        claims = _claims_of(
            s, mentions, qs, rank, year, how, projection, previous, context[0] if context else ""
        )
        for e in claims:
            if e.topic:
                last_topic = (e.topic, s.index)
            e.claim = e.claim.model_copy(update={"id": f"claim{len(out) + 1}"})
            out.append(e)
        for y, w in years_in(s.text):
            if w not in ("since", "by", "until") and y <= dt.date.today().year:
                history.setdefault(s.paragraph, []).append((s.index, y))
        states = [m.target for m in mentions if m.target not in BLOCS]
        if states:
            previous = [*previous, states[0]][-5:]
    return out


def _claims_of(
    s: Sentence,
    mentions: list[Mention],
    qs: list[Quantity],
    rank: Rank | None,
    year: int | None,
    how: str,
    projection: str,
    previous: list[str],
    context_topic: str = "",
) -> list[Extracted]:
    text = s.text
    found: list[Extracted] = []
    qs = [_as_people(text, q) for q in qs]
    qs = _elliptic(qs)
    counts = [q for q in qs if q.unit == "states"]
    shares = [q for q in qs if q.unit.startswith("percent")]
    used: set[int] = set()

    def make(q: Quantity | None, **fields: object) -> Extracted:
        topic = str(fields.pop("topic", ""))
        note = fields.pop("note", "")
        topic_reason = fields.pop("reason", "")
        context = fields.pop("context", [])
        base: dict[str, object] = {"text": text, "source": "article", "year": year}
        base.update(fields)
        reason = str(topic_reason or "")
        if projection:
            reason = projection
            base["indicator"] = None
            base["also"] = []
            base["year"] = None
        if base.get("indicator") is None:
            for key in ("rank", "among", "count", "condition", "also"):
                base.pop(key, None)
            if base.get("relation") in ("rank", "count"):
                base["relation"] = "~" if q is not None else "="
            if q is None:
                base["relation"] = "="
                base["value"] = None
            if base.get("value") is None:
                base["relation"] = "="
        if base.get("value") is None and base.get("relation") in ("=", "~", ">", ">=", "<", "<="):
            base["relation"] = "="
        notes = [x for x in (reason, str(note)) if x]
        claim = Claim.model_validate(
            {
                **{k: v for k, v in base.items() if v is not None and v != []},
                "context": context,
                "note": "; ".join(notes),
            }
        )
        return Extracted(s, claim, reason, how, mentions, topic if claim.indicator else "")

    # counts over a group: "seven European allies have not reached 2%"
    for c in counts:
        share = next((q for q in shares if q.start > c.start), None)
        group = _group_of(text, c.start, c.end)
        if share is None or group is None:
            continue
        topic, reason, _ = _topic_of(text, share, None)
        cond = share.relation if share.relation != "=" else ">="
        fields: dict[str, object] = {
            "countries": group,
            "relation": "count",
            "count": int(c.value),
            "count_relation": c.relation if c.relation in ("=", ">", ">=", "<", "<=") else "=",
            "condition": cond,
            "value": share.value,
            "unit": "percent of GDP" if topic == "defence_share" else share.unit,
        }
        if topic is not None and not projection:
            ind, also = _indicators(topic, group, year, text)
            fields.update(indicator=ind, also=also, topic=topic)
        else:
            fields.update(reason=reason or "no dataset here measures it")
        found.append(make(share, **fields))
        used.update({id(c), id(share)})

    # a rank: "the second largest NATO army, with around 402,000 soldiers"
    scope = _UNKNOWN_SCOPE.search(text) if rank is not None else None
    if rank is not None and scope is not None and not _among(text):
        # "the Arab world's largest military": no group in the data; check the figure only
        if not any(x.unit and x.unit != "states" for x in qs):
            found.append(
                make(
                    None,
                    countries=_subject(mentions, rank.start, previous, text),
                    reason=f"no dataset here defines {scope.group(0)}",
                )
            )
        rank = None
    if rank is not None:
        q = next((x for x in qs if id(x) not in used and x.unit and x.unit != "states"), None)
        topic, reason, context = _topic_of(text, q, rank)
        if topic is not None or q is not None:
            subject = _subject(mentions, rank.start, previous, text)
            fields = {"countries": subject, "relation": "rank", "rank": rank.position}
            fields["order"] = rank.order
            if q is not None:
                fields.update(value=q.value, unit=q.unit, condition=q.relation)
                used.add(id(q))
            if topic is not None and subject and not projection:
                ind, also = _indicators(topic, subject, year, text)
                fields.update(indicator=ind, also=also, among=_among(text), topic=topic)
            else:
                fields.update(reason=reason or "the claim names no country", context=context)
            found.append(make(q, **fields))

    earlier = list(_EARLIER.finditer(text))
    for q in qs:
        if any(m.start() <= q.start < m.end() for m in earlier):
            used.add(id(q))  # "up from 1.2% in 2014": a claim about another year, below
    for q in qs:
        if id(q) in used or q.unit in ("", "states", "thousand", "million", "billion"):
            continue
        topic, reason, context = _topic_of(text, q, None)
        if _FUTURE.search(text[_clause_start(text, q) : q.start]):
            fields = {"countries": _subject(mentions, q.start, previous, text, states_only=False)}
            fields.update(value=q.value, unit=q.unit, relation=_REL_WORD[q.relation])
            plan = "a plan, pledge or forecast: no data can check it yet"
            found.append(make(q, reason=plan, **fields))
            continue
        vague = reason in _VAGUE
        if topic is None and vague and _FAMILY.get(context_topic) == _family(q.unit):
            topic = context_topic  # "Germany has crossed the line at 2.1%", after a share
        subject = _subject(mentions, q.start, previous, text, states_only=False)
        if subject and subject[0] in BLOCS:
            subject = [
                "NATO-Europe" if "europe" in text.lower() and subject[0] == "NATO" else subject[0]
            ]
        fields = {
            "countries": subject,
            "relation": _REL_WORD[q.relation],
            "value": q.value,
            "unit": q.unit,
        }
        if q.tolerance:
            fields["tolerance"] = round(min(q.tolerance, 1.0), 4)
        if topic == "unga_agree":
            partner = _vote_partner(text, mentions, subject)
            if partner in _UNGA_TARGETS and subject:
                fields.update(indicator=_UNGA_TARGETS[partner])
            else:
                fields.update(reason="agreement in UN votes with this state is not in the data")
        elif topic is not None and subject:
            ind, also = _indicators(topic, subject, year, text)
            if subject[0] in BLOCS and not INDICATOR_ADDITIVE(ind):
                fields.update(reason=f"{ind} cannot be summed over a bloc", context=context)
            else:
                fields.update(indicator=ind, also=also, topic=topic)
        else:
            fields.update(
                reason=reason or ("the sentence names no country" if not subject else ""),
                context=context,
            )
            if not fields["reason"]:
                fields["reason"] = "no dataset here measures it"
        found.append(make(q, **fields))
    found += _earlier_claims(earlier, found)
    return found


#: "up from three in 2014", "down from 2.4% in 2019", "compared with 1.1% in 2014"
_EARLIER = re.compile(
    r"\b(?:up|down|rising|falling|climbing|increasing|decreasing) from "
    r"(?:just |only |some |about )?"
    r"(?P<num>\d+(?:\.\d+)?|[a-z]+)\s?(?P<pct>%|per ?cent|percent)?\s+(?:in|back in) "
    r"(?P<year>(?:19|20)\d\d)\b|\bcompared (?:with|to) (?P<num2>\d+(?:\.\d+)?)\s?"
    r"(?P<pct2>%|per ?cent|percent)?\s+(?:in|back in) (?P<year2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def _earlier_claims(matches: list[re.Match[str]], found: list[Extracted]) -> list[Extracted]:
    """The same claim for an earlier year ("23 allies ..., up from three in 2014")."""
    from detente.draft.numbers import parse_number

    out: list[Extracted] = []
    base = next((e for e in reversed(found) if e.claim.indicator is not None), None)
    if base is None:
        return out
    for m in matches:
        num = parse_number(m.group("num") or m.group("num2") or "")
        year = int(m.group("year") or m.group("year2"))
        if num is None:
            continue
        c = base.claim
        update: dict[str, object] = {"year": year, "relation": c.relation}
        if c.relation == "count":
            update["count"] = int(num)
        elif c.relation in ("=", "~", ">", ">=", "<", "<="):
            update.update(value=num, relation="=")
        else:
            continue
        claim = Claim.model_validate({**c.model_dump(), **update})
        out.append(Extracted(base.sentence, claim, "", "stated", base.mentions))
    return out


def INDICATOR_ADDITIVE(name: str) -> bool:
    """True when values of ``name`` may be summed over countries."""
    from detente.data.catalog import INDICATORS

    return INDICATORS[name].additive


def _vote_partner(text: str, mentions: list[Mention], subject: list[str]) -> str | None:
    m = _VOTE.search(text)
    if m is None:
        return None
    after = [x for x in mentions if x.start >= m.end() and x.target not in subject]
    return after[0].target if after else None
