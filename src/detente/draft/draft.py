"""A draft scenario from an article: actors, checked claims, and a template to finish.

:func:`draft_from_text` reads an article (plain text, Markdown or HTML), finds the
states and blocs it names (with the sentences that name them) and its numeric claims,
checks each claim against the data (:func:`detente.data.check_claim`), and returns a
:class:`Draft`.  :meth:`Draft.to_toml` writes it as a scenario file: the article as a
source, the actors with capabilities taken from data, the claims with their verdicts
as comments, and a commented template for the issues and stances only the analyst
can fill in -- ``detente validate`` on the draft says what is still missing.
:meth:`Draft.to_json` gives the actors and claims for scripts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.data.claims import ClaimCheck, check_claim
from detente.draft.extract import Extracted, extract_claims
from detente.draft.gazetteer import BLOCS, actors_in, is_known_word
from detente.draft.text import Sentence, article_text, mend, sentences
from detente.errors import InputError
from detente.scenario._base import check_id
from detente.scenario.claims import Claim
from detente.scenario.toml_format import claim_lines

__all__ = ["Draft", "DraftActor", "DraftClaim", "draft_from_file", "draft_from_text"]


@dataclass(frozen=True)
class DraftActor:
    """A state or bloc the article names.

    Attributes
    ----------
    id
        ISO3 code for a state, ``EU``, ``NATO``... for a bloc.
    name
        Display name.
    kind
        ``state`` or ``bloc``.
    members
        A bloc's member states (for the EU and NATO, from :mod:`detente.data.groups`).
    mentions
        The sentences that name it, in article order.
    """

    id: str
    name: str
    kind: str
    members: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftClaim:
    """A numeric claim found in the article, with its check.

    Attributes
    ----------
    claim
        The structured claim.
    check
        Its check against the data.
    reason
        Why it is not checkable, when it is not.
    year_note
        How its year was chosen.
    """

    claim: Claim
    check: ClaimCheck
    reason: str = ""
    year_note: str = ""

    @property
    def verdict(self) -> str:
        """The verdict."""
        return self.check.verdict

    def as_json(self) -> dict[str, Any]:
        """``{"text", "indicator", "countries", "year", "relation", "value", "verdict",
        "data_value"}`` -- the row of ``detente draft --json``."""
        c, k = self.claim, self.check
        value = c.value
        if c.relation == "rank":
            value = float(c.rank) if c.rank is not None else None
        elif c.relation == "count":
            value = float(c.count) if c.count is not None else None
        return {
            "text": c.text,
            "indicator": c.indicator,
            "countries": list(c.countries),
            "year": k.year if k.year is not None else c.year,
            "relation": c.relation,
            "value": value,
            "verdict": k.verdict,
            "data_value": _data_value(k),
        }


def _data_value(k: ClaimCheck) -> float | None:
    """The data's figure in the claim's unit (the rank or count for those claims)."""
    return None if k.data_value is None else float(k.data_value)


@dataclass
class Draft:
    """A draft scenario: the article, its actors and its checked claims.

    Attributes
    ----------
    title
        The article's title (or the file name).
    source_name
        The file or label the article came from.
    text
        The article's text (markup stripped, mended).
    input_format
        ``text``, ``markdown`` or ``html``.
    actors
        The states and blocs it names, most mentioned first.
    claims
        Its numeric claims, in article order, checked.
    """

    title: str
    source_name: str
    text: str
    input_format: str
    actors: list[DraftActor] = field(default_factory=list)
    claims: list[DraftClaim] = field(default_factory=list)

    # -- outputs -------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """``{"actors": [{"id", "name", "mentions"}], "claims": [...]}`` (see DraftClaim)."""
        return {
            "actors": [
                {"id": a.id, "name": a.name, "mentions": list(a.mentions)} for a in self.actors
            ],
            "claims": [c.as_json() for c in self.claims],
        }

    def to_toml(self) -> str:
        """The draft as a commented scenario file (see the module docstring)."""
        from detente.scenario.toml_format import _kv

        today = dt.date.today().isoformat()
        slug = re.sub(r"[^a-z0-9]+", "_", (self.title or self.source_name).lower()).strip("_")
        scenario_id = check_id(("draft_" + slug)[:60].rstrip("_") or "draft")
        lines = [
            f"# A draft scenario from {self.source_name}, written by `detente draft` on {today}.",
            "#",
            "# What detente found: the states and blocs the article names (with the sentences",
            "# that name them), capabilities taken from data, and the article's numeric claims",
            "# checked against the data (verdicts in the comments; re-check with",
            f"# `detente claims check {Path(self.source_name).stem}.toml`).",
            "# What only you can add: the issues the actors bargain over and each actor's",
            "# stance on them (see the template at the end). Until then",
            "# `detente validate` on this file lists what is missing.",
            "",
            "[scenario]",
            _kv("id", scenario_id),
            _kv("name", self.title or f"Draft from {self.source_name}"),
            '# question = "the policy question the scenario answers"',
            "",
            "[[sources]]",
            _kv("id", "article"),
            _kv("citation", f"{self.title or 'Article'} ({self.source_name})"),
            _kv("kind", "publication"),
            "",
            "[[sources]]",
            _kv("id", "cow"),
            _kv("citation", "Correlates of War, National Material Capabilities v7.0 (CINC)."),
            _kv("kind", "data"),
        ]
        cinc_ok = _with_cinc()
        lines += ["", "# -- actors " + "-" * 74]
        for a in self.actors:
            lines.append("")
            lines.append(f"# named in {len(a.mentions)} sentence(s), e.g. {_quote(a.mentions[0])}")
            lines += ["[[actors]]", _kv("id", a.id), _kv("name", a.name), _kv("kind", a.kind)]
            if a.members:
                lines.append(_kv("members", list(a.members)))
            countries = list(a.members) if a.members else [a.id]
            if a.kind == "state" and a.id not in cinc_ok:
                lines.append(f"# capability: no dataset covers {a.name}; give a positive number")
            elif a.kind == "bloc" and not a.members:
                lines.append(
                    f"# capability: detente has no member list for {a.name}; give members "
                    "(ISO3 codes) or a positive number"
                )
            elif any(c in cinc_ok for c in countries):
                lines.append(_kv("capability", "cinc") + "   # COW CINC, latest year")
                lines.append(_kv("capability_source", "cow"))
        if any(a.id == "NATO" for a in self.actors) and len(self.actors) > 1:
            lines.append("")
            lines.append(
                "# note: a bloc's capability sums its members; remove a bloc or its members "
                "if both are actors, so no state counts twice."
            )
        lines += ["", "# -- claims " + "-" * 74]
        if not self.claims:
            lines.append("# no numeric claims found in the article")
        for c in self.claims:
            lines.append("")
            lines += [f"# {x}" for x in _wrap(f"verdict: {c.check.verdict}. {c.check.explanation}")]
            if c.check.figures and c.check.verdict != "not checkable from data":
                lines += [f"# {x}" for x in _wrap(f"figures: {c.check.figures}")]
            if c.year_note == "stated" or not c.year_note:
                if c.check.year_note:
                    lines.append(f"# year assumed: {c.check.year_note}")
            else:
                lines.append(f"# year assumed: {c.year_note}")
            lines += claim_lines(c.claim)
        lines += ["", *_TEMPLATE.splitlines()]
        return "\n".join(lines) + "\n"


_TEMPLATE = """# -- issues and stances: only the analyst can fill these in -------------------------
# Each issue is one dimension of the bargaining on its own scale; each actor that takes
# part in it gets one stance: the outcome it prefers (position) and how much the issue
# matters to it (salience, 0-100). Cite a source for every number (docs/formats.md).
#
# [[issues]]
# id = "troops"
# label = "Forces deployed to back a settlement"
# scale = { min = 0, max = 100 }
# status_quo = 0
# anchors = { "0" = "none", "100" = "a full corps" }
#
# [[stances]]
# actor = "TUR"
# issue = "troops"
# position = 60
# salience = 70
# uncertainty = { sd = 10 }
# note = "one-line justification"
# source = "article"
"""


def _with_cinc() -> set[str]:
    from detente.data.store import get_store

    df = get_store().sql("SELECT DISTINCT iso3 FROM indicators WHERE indicator = 'cow.cinc'")
    return set(df["iso3"])


def _quote(s: str, n: int = 90) -> str:
    s = " ".join(s.split())
    return f'"{s[:n]}..."' if len(s) > n else f'"{s}"'


def _wrap(text: str, width: int = 86) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width) or [""]


def _actors(sents: list[Sentence]) -> list[DraftActor]:
    from detente.data.groups import members
    from detente.data.identity import country_name

    found = actors_in([s.text for s in sents])
    year = min(dt.date.today().year, 2024)
    out = []
    for target, idx in found.items():
        mentions = tuple(sents[i].text for i in idx)
        if target in BLOCS:
            name = BLOCS[target][0]
            mem = tuple(members(target, year)) if target in ("EU", "NATO") else ()
            out.append(DraftActor(target, name, "bloc", mem, mentions))
        else:
            out.append(DraftActor(target, country_name(target), "state", (), mentions))
    out.sort(key=lambda a: -len(a.mentions))
    return out


def _check(e: Extracted) -> DraftClaim:
    try:
        check = check_claim(e.claim)
    except InputError as err:
        # a mapping the data cannot take (e.g. a country without any figure): keep the
        # claim, unchecked, with the reason
        reason = "; ".join(p.message for p in err.problems)
        claim = e.claim.model_copy(
            update={
                "indicator": None,
                "also": [],
                "note": f"not checkable: {reason}",
                "relation": "=" if e.claim.relation in ("rank", "count") else e.claim.relation,
                "rank": None,
                "among": [],
                "count": None,
                "condition": None,
            }
        )
        claim = Claim.model_validate(claim.model_dump())
        check = check_claim(claim)
        return DraftClaim(claim, check, reason, e.year_note)
    return DraftClaim(e.claim, check, e.reason, e.year_note)


def draft_from_text(
    text: str, *, source_name: str = "article", input_format: str | None = None
) -> Draft:
    """Draft a scenario from an article's text.

    Parameters
    ----------
    text
        The article: plain text, Markdown or HTML.
    source_name
        Where it came from (a file name or a label), for the draft's source entry.
    input_format
        ``text``, ``markdown`` or ``html``; default: guessed from the name and content.

    Returns
    -------
    Draft

    Raises
    ------
    InputError
        For an article with no text or an unknown ``input_format``.
    """
    plain, title, fmt = article_text(text, name=source_name, input_format=input_format)
    mended = mend(plain, is_known_word)
    title = " ".join(mend(title).split())
    sents = sentences(mended)
    draft = Draft(title=title, source_name=source_name, text=mended, input_format=fmt)
    draft.actors = _actors(sents)
    draft.claims = [_check(e) for e in extract_claims(sents)]
    return draft


def draft_from_file(path: str | Path, *, input_format: str | None = None) -> Draft:
    """Draft a scenario from an article file (see :func:`draft_from_text`).

    Raises
    ------
    InputError
        A missing, binary or empty file, or an unknown ``input_format``.
    """
    from detente.scenario._text import read_text

    p = Path(path)
    try:
        raw = read_text(p, legacy_encodings=True).text
    except InputError as err:
        if "binary" not in str(err):
            raise
        raise InputError(
            "this is a binary file, not an article",
            file=p,
            fix="give the article as plain text, Markdown or HTML (for a PDF, extract its "
            "text first, e.g. with pdftotext).",
        ) from None
    try:
        return draft_from_text(raw, source_name=p.name, input_format=input_format)
    except InputError as err:  # problems of the text: name the file
        raise InputError([q.located(p) for q in err.problems]) from None
