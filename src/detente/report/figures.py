"""The building blocks of a report: figures, panels, sections and findings.

A :class:`Figure` is one chart or table together with the data behind it.  The data
(:attr:`Figure.table`) is what the chart draws, what the run store keeps (one table per
figure, named ``fig_<id>``) and what ``detente runs compare`` reads back.  A
:class:`Panel` groups the figures of one question; a panel whose engine or data is not
available for a scenario carries the reason in :attr:`Panel.unavailable` instead of
figures, so every panel renders for every scenario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

__all__ = ["Figure", "Finding", "Panel", "Section", "check_id", "safe_token"]

_TOKEN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def check_id(value: str) -> str:
    """Return ``value`` if it is a safe figure id (``[a-z][a-z0-9_]*``), else raise.

    Figure ids become HTML anchors and SQL table names, so they are never derived
    from user text directly (see :func:`safe_token`).
    """
    if not _TOKEN.match(value):
        raise ValueError(f"{value!r} is not a valid figure id (use [a-z][a-z0-9_]*)")
    return value


def safe_token(text: str, index: int) -> str:
    """A short id token for a user-named thing: its ASCII letters/digits plus its index.

    Parameters
    ----------
    text
        The user's id (an issue id, an actor id...), any characters.
    index
        The thing's position, which keeps tokens unique when two texts reduce to the
        same letters.

    Returns
    -------
    str
        E.g. ``"i2_pkk_ypg"`` for ``("pkk/ypg", 2)``.
    """
    core = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:24]
    return f"i{index}_{core}" if core else f"i{index}"


@dataclass
class Figure:
    """One chart or table and the data behind it.

    Attributes
    ----------
    id
        Safe id (``[a-z][a-z0-9_]*``): the HTML anchor is ``fig-<id>``, the store table
        ``fig_<id>``.
    title
        Short title, shown above the chart.
    caption
        What the figure shows and how to read it (plain text).
    table
        The data the chart draws (or the table shown).
    spec
        The Vega-Lite specification (``None`` for a table figure).
    kind
        ``"chart"`` or ``"table"``.
    source
        Where the numbers come from (citation or "computed by detente from ...").
    headers
        Column headers shown to the reader, by column name (the store keeps the
        names); a column not listed shows its name with spaces for underscores.
    """

    id: str
    title: str
    caption: str
    table: pd.DataFrame
    spec: dict[str, Any] | None = None
    kind: Literal["chart", "table"] = "chart"
    source: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id(self.id)
        if self.kind == "chart" and self.spec is None:
            raise ValueError(f"chart figure {self.id!r} has no specification")

    @property
    def anchor(self) -> str:
        """The HTML anchor of the figure."""
        return f"fig-{self.id.replace('_', '-')}"

    @property
    def table_name(self) -> str:
        """The name of the figure's table in the run store."""
        return f"fig_{self.id}"


@dataclass
class Panel:
    """A group of figures answering one question.

    Attributes
    ----------
    id
        Safe id (anchor ``panel-<id>``).
    title
        Heading.
    intro
        Paragraphs of plain text shown before the figures.
    figures
        The figures (empty when the panel is unavailable).
    unavailable
        Why the panel cannot be shown for this scenario, in plain words; ``None`` when
        it is live.
    notes
        Remarks shown after the figures (caveats, engine notes).
    """

    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    unavailable: str | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_id(self.id)

    @property
    def live(self) -> bool:
        """True when the panel has content."""
        return self.unavailable is None

    @classmethod
    def missing(cls, id: str, title: str, reason: str, intro: list[str] | None = None) -> Panel:
        """A panel that says plainly why it cannot be shown."""
        return cls(id=id, title=title, intro=list(intro or []), unavailable=reason)


@dataclass
class Section:
    """A numbered part of the report (question, capabilities, claims...)."""

    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_id(self.id)

    def figures(self) -> list[Figure]:
        """Every figure of the section's panels, in order."""
        return [f for p in self.panels for f in p.figures]


@dataclass(frozen=True)
class Finding:
    """One plain sentence generated from the numbers, linked to the figure behind it.

    Attributes
    ----------
    text
        The sentence (plain text).
    figure_id
        The figure whose data supports it.
    topic
        Which part of the analysis it belongs to (``capabilities``, ``claims``,
        ``forecasts``, ``strategy``).
    weight
        Ordering key: more important findings first.
    """

    text: str
    figure_id: str
    topic: str
    weight: float = 0.0
