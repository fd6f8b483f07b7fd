"""Claims as data: what an article asserts, in a form the data can check.

A scenario's ``[[claims]]`` hold the numeric claims of the argument it models: the
quoted text and its source, what the claim is about (an indicator, countries or a
group, a year) and what it asserts (a relation to a value in a unit).  The data layer
(:func:`detente.data.check_claims`) gives each a verdict.

Relations
---------
``=``, ``~``, ``>``, ``>=``, ``<``, ``<=``
    The countries' figure (each, or their sum or mean: ``aggregate``) against
    ``value`` in ``unit``.  ``=`` holds at the precision the claim states (``2.1%``
    means 2.05-2.15); ``~`` ("about", "around") within ``tolerance`` (relative, 10%
    by default).
``rank``
    The country is the ``rank``-th ``largest`` (or ``smallest``) among ``among``
    ("the second largest NATO army"); a stated figure (``value``) is compared as
    ``condition`` says (``~`` by default).
``count``
    ``count`` of the countries (a group such as ``NATO-Europe``) meet ``condition``
    against ``value`` ("seven European allies below 2%": ``count = 7``,
    ``condition = "<"``, ``value = 2``, ``unit = "percent"``); ``count_relation``
    allows "at least seven" (``>=``).

A claim that no dataset measures has no ``indicator``; it may carry ``cited`` figures
from named sources (checked against the claim, but never called data) and
``context``: indicators shown beside the verdict because they measure something
related.

Example (TOML)::

    [[claims]]
    id = "nato_2pct"
    text = "Seven European members of NATO have not even reached the threshold of 2%."
    source = "article"
    indicator = "nato.defence_share_gdp"
    countries = ["NATO-Europe"]
    year = 2024
    relation = "count"
    count = 7
    condition = "<"
    value = 2
    unit = "percent"
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from detente.errors import Problem
from detente.scenario._base import Id, _Model, check_id, invalid

__all__ = [
    "COMPARISONS",
    "DEFAULT_TOLERANCE",
    "CitedFigure",
    "Claim",
    "ContextRef",
    "Relation",
    "claims_problems",
    "name_claims",
]

Comparison = Literal["=", "~", ">", ">=", "<", "<="]
Relation = Literal["=", "~", ">", ">=", "<", "<=", "rank", "count"]

#: The relations that compare a figure with a value.
COMPARISONS: tuple[str, ...] = ("=", "~", ">", ">=", "<", "<=")

#: Relative tolerance of ``~`` when a claim states none ("about 400,000" holds for
#: 360,000 to 440,000).
DEFAULT_TOLERANCE = 0.10

_FIRST_YEAR = 1800


def _year(v: int | None, what: str) -> int | None:
    if v is None:
        return v
    this_year = dt.date.today().year
    if v < _FIRST_YEAR:
        raise invalid(
            f"{what} {v} is impossible: detente's data start in {_FIRST_YEAR}",
            f"give the four-digit year the claim is about (e.g. {this_year - 1}).",
        )
    if v > this_year:
        raise invalid(
            f"{what} {v} is in the future: a claim about {v} is a forecast, which no data "
            "can check yet",
            "give the year the claim's figure is for, or leave year out (the latest year "
            "with data is then used).",
        )
    return v


def _strings(v: Any, what: str) -> Any:
    """Accept one string where a list of strings is expected."""
    if isinstance(v, str):
        return [v]
    return v


class CitedFigure(_Model):
    """A figure from a named source (a report, a statement), not from detente's data.

    Parameters
    ----------
    value
        The figure, in ``unit``.
    unit
        E.g. ``"billion US$"``.
    scope
        What the figure covers (and, where it matters, who published it).
    source
        The id of a ``[[sources]]`` entry.
    """

    value: float = Field(allow_inf_nan=False)
    unit: str = ""
    scope: str = ""
    source: str | None = None


class ContextRef(_Model):
    """An indicator shown beside a claim's verdict because it measures something related.

    ``year`` picks one year (default: the claim's, else the latest); ``years``
    (``[first, last]``) a period, over which levels are summed and world shares are
    pooled.
    """

    indicator: str = Field(min_length=1)
    year: int | None = None
    years: tuple[int, int] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"indicator": data}
        return data

    @field_validator("year")
    @classmethod
    def _check_year(cls, v: int | None) -> int | None:
        return _year(v, "year")

    @field_validator("years")
    @classmethod
    def _check_years(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is None:
            return v
        first, last = (_year(y, "year") for y in v)
        assert first is not None and last is not None
        if first > last:
            raise invalid(
                f"years [{first}, {last}] run backwards", "write the period as [first, last]."
            )
        return (first, last)


class Claim(_Model):
    """One numeric claim: its text and source, what it is about, and what it asserts.

    See the module docstring for the relations.  ``countries`` takes ISO3 codes,
    country names, group names (``NATO``, ``NATO-Europe``, ``EU``) or the ids of the
    scenario's bloc actors.
    """

    id: Id | None = None
    text: str = Field(min_length=1)
    source: str | None = None
    indicator: str | None = None
    also: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    year: int | None = None
    relation: Relation = "="
    value: float | None = Field(default=None, allow_inf_nan=False)
    unit: str = ""
    tolerance: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)
    rank: int | None = Field(default=None, ge=1)
    among: list[str] = Field(default_factory=list)
    order: Literal["largest", "smallest"] = "largest"
    count: int | None = Field(default=None, ge=0)
    count_relation: Comparison = "="
    condition: Comparison | None = None
    aggregate: Literal["sum", "mean", "each"] | None = None
    cited: list[CitedFigure] = Field(default_factory=list)
    context: list[ContextRef] = Field(default_factory=list)
    note: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        return None if v is None else check_id(v)

    @field_validator("countries", "among", "also", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _strings(v, "list")

    @field_validator("year")
    @classmethod
    def _check_year(cls, v: int | None) -> int | None:
        return _year(v, "year")

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise invalid(
                "indicator is empty",
                "name an indicator (`detente data show --list`), or leave indicator out "
                "for a claim no dataset measures.",
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        rel = self.relation
        if rel in COMPARISONS and self.value is None:
            raise invalid(
                f"relation {rel!r} compares with a value, but the claim has none",
                "add value = the claim's figure (and its unit).",
            )
        if rel == "rank" and self.rank is None:
            raise invalid(
                "a rank claim needs rank (2 for 'the second largest')",
                'add rank = N, and among = "GROUP" for the group ranked within.',
            )
        if rel == "count":
            if self.count is None:
                raise invalid(
                    "a count claim needs count (7 for 'seven allies below 2%')",
                    "add count = N.",
                )
            if self.condition is None or self.value is None:
                raise invalid(
                    "a count claim needs the condition each country meets and its value",
                    'add e.g. condition = "<" and value = 2 for "below 2%".',
                )
        if rel != "count" and self.count is not None:
            raise invalid(
                f"count is given but the relation is {rel!r}",
                'use relation = "count", or remove count.',
            )
        if rel != "rank" and (self.rank is not None or self.among):
            raise invalid(
                f"rank/among are given but the relation is {rel!r}",
                'use relation = "rank", or remove rank and among.',
            )
        approx = rel == "~" or (rel in ("rank", "count") and self.condition in (None, "~"))
        if self.tolerance is not None and not approx:
            raise invalid(
                "tolerance applies only to '~' (about)",
                'use relation = "~" (or condition = "~"), or remove tolerance.',
            )
        if self.indicator is not None and not self.countries:
            raise invalid(
                "the claim names an indicator but no countries",
                'add countries = ["ISO3", ...] or a group such as ["NATO-Europe"].',
            )
        if self.also and self.indicator is None:
            raise invalid(
                "also lists cross-check indicators, but the claim has no indicator",
                "give the main indicator, or remove also.",
            )
        if self.value is not None and not math.isfinite(self.value):
            raise invalid("value must be a finite number", "write the claim's figure.")
        return self

    @property
    def checkable(self) -> bool:
        """True when the claim names an indicator the data can check it against."""
        return self.indicator is not None

    @property
    def effective_tolerance(self) -> float:
        """The relative tolerance of ``~``: the stated one or :data:`DEFAULT_TOLERANCE`."""
        return DEFAULT_TOLERANCE if self.tolerance is None else self.tolerance


def name_claims(claims: Iterable[Claim]) -> list[Claim]:
    """The claims, each without an id given ``claim1``, ``claim2``... (by position)."""
    out = []
    for n, c in enumerate(claims):
        out.append(c if c.id is not None else c.model_copy(update={"id": f"claim{n + 1}"}))
    return out


def claims_problems(claims: list[Claim], source_ids: set[str]) -> list[Problem]:
    """Problems that need the claims together: duplicate ids, unknown sources.

    Parameters
    ----------
    claims
        The claims, in file order.
    source_ids
        The ids of the scenario's ``[[sources]]``.

    Returns
    -------
    list of Problem
        Located by field path (``claims[2].source``).
    """
    out: list[Problem] = []
    ids = [c.id for c in claims if c.id is not None]
    for dup in [i for i, k in Counter(ids).items() if k > 1]:
        idx = [n for n, c in enumerate(claims) if c.id == dup]
        out.append(
            Problem(
                f"duplicate claim id {dup!r} (entries {', '.join(str(i) for i in idx)})",
                field=f"claims[{idx[1]}].id",
                fix="give each claim a unique id.",
            )
        )

    def _src(ref: str | None, where: str) -> None:
        if ref is not None and ref not in source_ids:
            out.append(
                Problem(
                    f"unknown source {ref!r}",
                    field=where,
                    fix=f"add a [[sources]] entry with id = {ref!r}, or cite one of "
                    f"{sorted(source_ids) or 'the sources (none are defined)'}.",
                )
            )

    for n, c in enumerate(claims):
        _src(c.source, f"claims[{n}].source")
        for k, f in enumerate(c.cited):
            _src(f.source, f"claims[{n}].cited[{k}].source")
    return out
