"""Chart builders: a figure's table in, a Vega-Lite specification (through Altair) out.

Every builder draws exactly the columns of the table it is given, so the table stored
in the run store is the data of the chart.  User text (actor names, issue labels) only
ever enters a specification as a data value, never as a field name or an expression,
so it is displayed as text whatever characters it holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

__all__ = [
    "breakdown_lines",
    "dot_intervals",
    "grouped_bars",
    "hbars",
    "histogram_lines",
    "prim_ranges",
    "quadrant",
    "ranked_bars",
    "threshold_bars",
    "time_lines",
    "trajectories",
]

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
HIGHLIGHT = "#d62728"
BASE = "#4c78a8"
MUTED = "#bbbbbb"
WIDTH: Any = "container"


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    cfg = spec.setdefault("config", {})
    cfg.setdefault("view", {})["continuousHeight"] = 260
    cfg["font"] = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    cfg["axis"] = {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260}
    cfg["legend"] = {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260}
    return spec


def _height(n_rows: int, per: int = 18, minimum: int = 120) -> int:
    return max(minimum, per * n_rows)


def colour_scale(names: Sequence[str], colours: Sequence[str | None]) -> alt.Scale:
    """A colour scale using actors' own colours where they are valid hex codes."""
    if names and all(c is not None and _HEX.match(c) for c in colours):
        return alt.Scale(domain=list(names), range=[str(c) for c in colours])
    return alt.Scale(domain=list(names), scheme="tableau20")


def threshold_bars(
    df: pd.DataFrame,
    *,
    value: str,
    label: str,
    status: str,
    threshold: float,
    value_title: str,
    annotate: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars sorted by value, a rule at ``threshold``, status colours.

    Parameters
    ----------
    df
        One row per bar.
    value, label, status
        Columns: the bar length, the bar label, a category used for the colour (the
        first category in order of appearance of ``"below"``-like values is red).
    threshold
        Where the reference rule is drawn.
    value_title
        Axis title.
    annotate
        Optional column whose non-empty values are written next to the bars.
    """
    statuses = list(dict.fromkeys(df[status].tolist()))
    palette = [
        (HIGHLIGHT if "European" in s and "not European" not in s else "#7f7f7f")
        if "below" in s
        else MUTED
        for s in statuses
    ]
    order = alt.EncodingSortField(field=value, op="max", order="descending")
    base = alt.Chart(df).encode(
        y=alt.Y(f"{label}:N", sort=order, title=None),
        x=alt.X(f"{value}:Q", title=value_title),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(f"{status}:N", scale=alt.Scale(domain=statuses, range=palette), title=None),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=".2f")],
    )
    rule = (
        alt.Chart(pd.DataFrame({"t": [threshold]}))
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(x="t:Q")
    )
    layers: list[Any] = [bars, rule]
    if annotate is not None:
        layers.append(
            base.mark_text(align="left", dx=4, fontSize=10).encode(text=alt.Text(f"{annotate}:N"))
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 14))
    return _spec(chart)


def ranked_bars(
    df: pd.DataFrame,
    *,
    value: str,
    label: str,
    highlight: str,
    value_title: str,
    fmt: str = ",.1f",
) -> dict[str, Any]:
    """Horizontal bars ranked by value; rows with ``highlight`` true stand out."""
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=value_title),
            color=alt.when(alt.datum[highlight])
            .then(alt.value(HIGHLIGHT))
            .otherwise(alt.value(BASE)),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
        )
        .properties(width=WIDTH, height=_height(len(df), 14))
    )
    return _spec(chart)


def grouped_bars(
    df: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    value_title: str,
    fmt: str = ".1f",
) -> dict[str, Any]:
    """Bars of ``value`` per ``category``, one bar per ``group`` (side by side)."""
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=None),
            yOffset=alt.YOffset(f"{group}:N", sort=None),
            x=alt.X(f"{value}:Q", title=value_title),
            color=alt.Color(f"{group}:N", title=None, sort=None),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip(f"{group}:N"),
                alt.Tooltip(f"{value}:Q", format=fmt),
            ],
        )
        .properties(width=WIDTH, height=_height(len(df), 16))
    )
    return _spec(chart)


def time_lines(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    y_title: str,
    x_title: str = "year",
    colours: alt.Scale | None = None,
    fmt: str = ",.2f",
) -> dict[str, Any]:
    """Lines over time, one per ``series``."""
    colour = alt.Color(f"{series}:N", title=None)
    if colours is not None:
        colour = alt.Color(f"{series}:N", title=None, scale=colours)
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format="d")),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=colour,
            tooltip=[
                alt.Tooltip(f"{series}:N"),
                alt.Tooltip(f"{x}:Q", format="d"),
                alt.Tooltip(f"{y}:Q", format=fmt),
            ],
        )
        .properties(width=WIDTH, height=280)
    )
    return _spec(chart)


def dot_intervals(df: pd.DataFrame, *, lower: float, upper: float, unit: str) -> dict[str, Any]:
    """Forecasts of several models on one issue: a dot each, with interval bars.

    ``df`` has one row per model with columns ``model``, ``point`` and optionally
    ``p05``/``p95`` and ``p25``/``p75`` (intervals from the draws), and
    ``status_quo``.
    """
    scale = alt.Scale(domain=[lower, upper])
    base = alt.Chart(df).encode(y=alt.Y("model:N", title=None, sort=None))
    layers: list[Any] = []
    if "p05" in df.columns and df["p05"].notna().any():
        layers.append(
            base.mark_rule(color=BASE, strokeWidth=2).encode(
                x=alt.X("p05:Q", scale=scale, title=unit), x2="p95:Q"
            )
        )
        layers.append(
            base.mark_rule(color=BASE, strokeWidth=7, opacity=0.6).encode(
                x=alt.X("p25:Q", scale=scale), x2="p75:Q"
            )
        )
    tips = [alt.Tooltip("model:N"), alt.Tooltip("point:Q", format=".1f")]
    if "p05" in df.columns:
        tips += [
            alt.Tooltip("p05:Q", format=".1f", title="5%"),
            alt.Tooltip("p95:Q", format=".1f", title="95%"),
        ]
    layers.append(
        base.mark_point(filled=True, size=90, color="black").encode(
            x=alt.X("point:Q", scale=scale, title=unit), tooltip=tips
        )
    )
    if "status_quo" in df.columns and df["status_quo"].notna().any():
        layers.append(
            alt.Chart(df.iloc[:1])
            .mark_rule(color=HIGHLIGHT, strokeDash=[4, 3])
            .encode(x=alt.X("status_quo:Q", scale=scale))
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 30, 90))
    return _spec(chart)


def trajectories(
    df: pd.DataFrame, *, lower: float, upper: float, colours: alt.Scale | None = None
) -> dict[str, Any]:
    """Positions by round, one line per actor, one small chart per model."""
    colour = alt.Color("actor:N", title=None)
    if colours is not None:
        colour = alt.Color("actor:N", title=None, scale=colours)
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("turn:Q", title="round", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("position:Q", scale=alt.Scale(domain=[lower, upper]), title="position"),
            color=colour,
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("actor:N"),
                alt.Tooltip("turn:Q"),
                alt.Tooltip("position:Q", format=".1f"),
            ],
        )
        .properties(width=300, height=220)
        .facet(column=alt.Column("model:N", title=None))
        .resolve_scale(x="independent")
    )
    return _spec(chart)


def quadrant(df: pd.DataFrame) -> dict[str, Any]:
    """KTAB/BdM-style challenge quadrant: challenger's vs target's expected gain.

    ``df`` columns: ``challenger``, ``target``, ``gain_challenger``,
    ``gain_target`` (expected utilities), ``model``.
    """
    lim = float(max(df["gain_challenger"].abs().max(), df["gain_target"].abs().max(), 1e-9))
    scale = alt.Scale(domain=[-lim * 1.05, lim * 1.05])
    pts = (
        alt.Chart(df)
        .mark_point(filled=True, size=60, opacity=0.8)
        .encode(
            x=alt.X("gain_challenger:Q", scale=scale, title="challenger's expected gain"),
            y=alt.Y(
                "gain_target:Q",
                scale=scale,
                title="target's expected gain (as the challenger sees it)",
            ),
            color=alt.Color("challenger:N", title="challenger"),
            shape=alt.Shape("model:N", title="model"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("challenger:N"),
                alt.Tooltip("target:N"),
                alt.Tooltip("gain_challenger:Q", format=".3f"),
                alt.Tooltip("gain_target:Q", format=".3f"),
            ],
        )
    )
    zero = pd.DataFrame({"z": [0.0]})
    vr = alt.Chart(zero).mark_rule(color="grey").encode(x="z:Q")
    hr = alt.Chart(zero).mark_rule(color="grey").encode(y="z:Q")
    chart = alt.layer(vr, hr, pts).properties(width=WIDTH, height=320)
    return _spec(chart)


def hbars(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    value_title: str,
    lo: str | None = None,
    hi: str | None = None,
    colour: str | None = None,
    fmt: str = ".3f",
) -> dict[str, Any]:
    """Horizontal bars in table order, optional error bars and colour groups."""
    enc: dict[str, Any] = {
        "y": alt.Y(f"{label}:N", sort=None, title=None),
        "x": alt.X(f"{value}:Q", title=value_title),
        "tooltip": [alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    }
    if colour is not None:
        enc["color"] = alt.Color(f"{colour}:N", title=None, sort=None)
        enc["yOffset"] = alt.YOffset(f"{colour}:N", sort=None)
    else:
        enc["color"] = alt.value(BASE)
    layers: list[Any] = [alt.Chart(df).mark_bar().encode(**enc)]
    if lo is not None and hi is not None:
        err: dict[str, Any] = {
            "y": alt.Y(f"{label}:N", sort=None),
            "x": alt.X(f"{lo}:Q"),
            "x2": f"{hi}:Q",
        }
        if colour is not None:
            err["yOffset"] = alt.YOffset(f"{colour}:N", sort=None)
        layers.append(alt.Chart(df).mark_rule(color="black").encode(**err))
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 11))
    return _spec(chart)


def histogram_lines(df: pd.DataFrame, *, x_title: str) -> dict[str, Any]:
    """Distributions as step lines: columns ``strategy``, ``bin_mid``, ``share``."""
    chart = (
        alt.Chart(df)
        .mark_line(interpolate="step", strokeWidth=2)
        .encode(
            x=alt.X("bin_mid:Q", title=x_title),
            y=alt.Y("share:Q", title="share of futures", axis=alt.Axis(format="%")),
            color=alt.Color("strategy:N", title="strategy", sort=None),
            tooltip=[
                alt.Tooltip("strategy:N"),
                alt.Tooltip("bin_lo:Q", format=".3g", title="from"),
                alt.Tooltip("bin_hi:Q", format=".3g", title="to"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(width=WIDTH, height=260)
    )
    return _spec(chart)


def breakdown_lines(df: pd.DataFrame) -> dict[str, Any]:
    """Cumulative breakdown probability by year: ``strategy``, ``year``, ``probability``."""
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=alt.X("year:Q", title="year", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "probability:Q",
                title="P(partnership broken down by this year)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("strategy:N", title="strategy", sort=None),
            tooltip=[
                alt.Tooltip("strategy:N"),
                alt.Tooltip("year:Q"),
                alt.Tooltip("probability:Q", format=".1%"),
            ],
        )
        .properties(width=WIDTH, height=260)
    )
    return _spec(chart)


def prim_ranges(df: pd.DataFrame) -> dict[str, Any]:
    """A PRIM box: each restricted uncertainty's box range within its full range.

    Columns: ``box``, ``uncertainty``, ``lo_share``/``hi_share`` (the box's limits as
    shares of the sampled range), ``low``/``high`` (the limits in the input's units).
    """
    full = (
        alt.Chart(df)
        .mark_bar(color="#eeeeee", height=14)
        .encode(
            y=alt.Y("uncertainty:N", sort=None, title=None),
            x=alt.X("zero:Q", scale=alt.Scale(domain=[0, 1]), title="share of the sampled range"),
            x2="one:Q",
        )
        .transform_calculate(zero="0", one="1")
    )
    box = (
        alt.Chart(df)
        .mark_bar(color=HIGHLIGHT, height=14)
        .encode(
            y=alt.Y("uncertainty:N", sort=None),
            x="lo_share:Q",
            x2="hi_share:Q",
            tooltip=[
                alt.Tooltip("uncertainty:N"),
                alt.Tooltip("low:Q", format=".3g", title="box from"),
                alt.Tooltip("high:Q", format=".3g", title="box to"),
            ],
        )
    )
    chart = alt.layer(full, box).properties(width=WIDTH, height=_height(len(df), 24, 60))
    return _spec(chart)
