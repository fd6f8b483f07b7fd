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
import numpy as np
import pandas as pd

__all__ = [
    "MODEL_COLOURS",
    "STRATEGY_COLOURS",
    "breakdown_lines",
    "colour_scale",
    "dot_intervals",
    "grouped_bars",
    "hbars",
    "histogram_lines",
    "model_colours",
    "model_scale",
    "move_arrows",
    "prim_ranges",
    "quadrant",
    "ranked_bars",
    "share_bars",
    "strategy_colours",
    "strategy_scale",
    "threshold_bars",
    "time_lines",
    "trajectories",
]

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
HIGHLIGHT = "#d62728"
BASE = "#4c78a8"
MUTED = "#bbbbbb"
WIDTH: Any = "container"

#: One fixed colour per forecast model (Okabe & Ito's colour-blind-safe palette), the
#: same in every chart: forecasts, intervals, trajectories, sensitivity, quadrants.
MODEL_COLOURS: dict[str, str] = {
    "mean": "#E69F00",
    "median": "#56B4E9",
    "nbs": "#009E73",
    "eum": "#D55E00",
    "smp": "#0072B2",
    "ensemble": "#CC79A7",
}

#: One fixed colour per strategy of the strategy lab (ColorBrewer Dark2, grey for none).
STRATEGY_COLOURS: dict[str, str] = {
    "none": "#7f7f7f",
    "transactional": "#d95f02",
    "integration": "#1b9e77",
    "hedged": "#7570b3",
}

#: Colours for names outside the fixed tables, handed out in sorted-name order.
_SPARE = ("#8c564b", "#bcbd22", "#17becf", "#9467bd", "#e377c2", "#393b79", "#637939")


def _fixed_colours(names: Sequence[str], fixed: dict[str, str]) -> dict[str, str]:
    spare = iter(_SPARE * (1 + len(names) // len(_SPARE)))
    out = {n: fixed[n] for n in names if n in fixed}
    for n in sorted(set(names) - set(fixed)):
        out[n] = next(spare)
    return {n: out[n] for n in names}


def model_colours(labels: dict[str, str]) -> dict[str, str]:
    """Colour of each model's display label, from its registry name.

    Parameters
    ----------
    labels
        Model name -> display label (e.g. ``{"smp": "Spatial Model of Politics"}``).

    Returns
    -------
    dict
        Display label -> colour; a known model always gets the same colour, other
        models the spare colours in name order.
    """
    by_name = _fixed_colours(list(labels), MODEL_COLOURS)
    return {labels[n]: c for n, c in by_name.items()}


def model_scale(labels: dict[str, str]) -> alt.Scale:
    """A colour scale over the models' display labels (see :func:`model_colours`)."""
    colours = model_colours(labels)
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def strategy_colours(names: Sequence[str]) -> dict[str, str]:
    """Colour of each strategy: fixed for the partnership strategies, spare otherwise."""
    return _fixed_colours(list(names), STRATEGY_COLOURS)


def strategy_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale over strategy names (see :func:`strategy_colours`)."""
    colours = strategy_colours(names)
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    cfg = spec.setdefault("config", {})
    cfg.setdefault("view", {})["continuousHeight"] = 260
    cfg["font"] = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    cfg["axis"] = {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260}
    # at most ~10 ticks on a quantitative axis: full-width charts otherwise crowd them
    cfg["axisQuantitative"] = {"tickCount": 10}
    cfg["legend"] = {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260}
    return spec


def _height(n_rows: int, per: int = 18, minimum: int = 120) -> int:
    return max(minimum, per * n_rows)


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a hex colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    rgb = [int(h[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


#: Actor colours when the scenario's own cannot be used: Tableau 10, then ten more
#: colours unlike them (the light halves of Tableau 20 are too close to their pairs).
ACTOR_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#17becf",
    "#393b79",
    "#bcbd22",
    "#843c39",
    "#637939",
    "#7b4173",
    "#8c6d31",
    "#1f77b4",
    "#d62728",
    "#2ca02c",
)

#: Two colours closer than this (CIE76 colour difference) are hard to tell apart.
MIN_COLOUR_DIFFERENCE = 20.0


def distinct_colours(colours: Sequence[str]) -> bool:
    """True if every pair of hex colours differs by at least MIN_COLOUR_DIFFERENCE."""
    labs = [_lab(c) for c in colours]
    for a in range(len(labs)):
        for b in range(a):
            d = sum((p - q) ** 2 for p, q in zip(labs[a], labs[b], strict=True)) ** 0.5
            if d < MIN_COLOUR_DIFFERENCE:
                return False
    return True


def colour_scale(names: Sequence[str], colours: Sequence[str | None]) -> alt.Scale:
    """The actors' colour scale, the same in every chart that colours actors.

    The actors' own colours are used when every one is a valid hex code and no two are
    too alike to tell apart (:func:`distinct_colours`: flags of neighbouring countries
    often share a red or a blue); otherwise :data:`ACTOR_PALETTE`, in actor order.
    """
    if (
        names
        and all(c is not None and _HEX.match(c) for c in colours)
        and distinct_colours([str(c) for c in colours])
    ):
        return alt.Scale(domain=list(names), range=[str(c) for c in colours])
    return alt.Scale(
        domain=list(names), range=[ACTOR_PALETTE[k % len(ACTOR_PALETTE)] for k in range(len(names))]
    )


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


def dot_intervals(
    df: pd.DataFrame,
    *,
    lower: float,
    upper: float,
    unit: str,
    colours: alt.Scale | None = None,
) -> dict[str, Any]:
    """Forecasts of several models on one issue: a dot each, with interval bars.

    ``df`` has one row per model with columns ``model``, ``point`` and optionally
    ``p05``/``p95`` and ``p25``/``p75`` (intervals from the draws), and
    ``status_quo``.  ``colours`` (see :func:`model_scale`) colours each model's dot
    and bars.
    """
    scale = alt.Scale(domain=[lower, upper])
    colour: Any = (
        alt.Color("model:N", scale=colours, legend=None) if colours is not None else alt.value(BASE)
    )
    base = alt.Chart(df).encode(y=alt.Y("model:N", title=None, sort=None), color=colour)
    layers: list[Any] = []
    if "p05" in df.columns and df["p05"].notna().any():
        layers.append(
            base.mark_rule(strokeWidth=2).encode(
                x=alt.X("p05:Q", scale=scale, title=unit), x2="p95:Q"
            )
        )
        layers.append(
            base.mark_rule(strokeWidth=8, opacity=0.45).encode(
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
        base.mark_point(filled=True, size=100, opacity=1, stroke="black", strokeWidth=0.8).encode(
            x=alt.X("point:Q", scale=scale, title=unit), tooltip=tips
        )
    )
    if "status_quo" in df.columns and df["status_quo"].notna().any():
        layers.append(
            alt.Chart(df.iloc[:1])
            .mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.5)
            .encode(x=alt.X("status_quo:Q", scale=scale))
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 30, 90))
    return _spec(chart)


def trajectories(
    df: pd.DataFrame,
    *,
    lower: float,
    upper: float,
    colours: alt.Scale | None = None,
    model_colours: dict[str, str] | None = None,
    y_title: str = "position",
    columns: int = 2,
) -> dict[str, Any]:
    """Positions by round, one line per actor, one small chart per model.

    ``colours`` colours the actors (e.g. their scenario colours, see
    :func:`colour_scale`); ``model_colours`` (display label -> colour) colours each
    model's chart title, as everywhere else in the report.  The charts are laid out
    ``columns`` to a row.
    """
    colour = alt.Color("actor:N", title="actor")
    if colours is not None:
        colour = alt.Color("actor:N", title="actor", scale=colours)
    panels = []
    models = list(dict.fromkeys(df["model"].tolist()))
    for model in models:
        title_colour = (model_colours or {}).get(model, "black")
        panels.append(
            alt.Chart(df)
            .transform_filter(alt.FieldEqualPredicate(field="model", equal=str(model)))
            .mark_line(point=alt.OverlayMarkDef(size=14))
            .encode(
                x=alt.X("turn:Q", title="round", axis=alt.Axis(tickMinStep=1, format="d")),
                y=alt.Y("position:Q", scale=alt.Scale(domain=[lower, upper]), title=y_title),
                color=colour,
                tooltip=[
                    alt.Tooltip("model:N"),
                    alt.Tooltip("actor:N"),
                    alt.Tooltip("turn:Q", title="round"),
                    alt.Tooltip("position:Q", format=".1f"),
                ],
            )
            .properties(
                width=340 if len(models) > 1 and columns > 1 else 640,
                height=230,
                title=alt.TitleParams(str(model), color=title_colour, fontSize=13),
            )
        )
    chart = alt.concat(*panels, columns=max(1, columns)).resolve_scale(x="independent")
    return _spec(chart)


#: KTAB's quadrant-map shading (SMPQ ``quadmap.cpp``): green where both gain, red where
#: the initiator gains at the receiver's cost, grey where both lose, yellow otherwise.
QUADRANT_SHADES = ("#00ff00", "#ff0000", "#d3d3d3", "#ffff00")
_QW, _QH = 640, 400  # the quadrant's plot area, px (fixed, so labels can be placed)
_CHAR_W, _LINE_H = 6.2, 12.0  # a 10 px label's character width and line height, px


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    px: Sequence[float],
    py: Sequence[float],
    text: Sequence[str],
    *,
    width: float,
    height: float,
    most: int,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[int, str, float, float, str]]:
    """Where to write point labels so that they overlap no other label or point.

    Points closer than 6 px share one label (their texts joined).  Groups are labelled
    farthest from the centre first, each at the first free spot among right, left,
    above-right, below-right, above-left and below-left of its point; a group with no
    free spot (or beyond ``most`` labels) gets none.

    Parameters
    ----------
    px, py
        Points in pixels from the plot's top-left corner.
    text
        Each point's label.
    width, height
        The plot area, px.
    most
        The most labels to write.
    obstacles
        Boxes ``(x0, y0, x1, y1)`` labels must avoid (e.g. other text).

    Returns
    -------
    list of tuple
        ``(point index, text, anchor x px, anchor y px, "left"|"right")`` per label,
        the anchor being the text's vertical middle on its aligned side.
    """
    n = len(text)
    cx, cy = width / 2, height / 2
    order = sorted(range(n), key=lambda k: -((px[k] - cx) ** 2 + (py[k] - cy) ** 2))
    groups: list[list[int]] = []
    for k in order:
        for g in groups:
            if abs(px[g[0]] - px[k]) < 6 and abs(py[g[0]] - py[k]) < 6:
                g.append(k)
                break
        else:
            groups.append([k])
    dots = [(px[k] - 5, py[k] - 5, px[k] + 5, py[k] + 5) for k in range(n)]
    placed: list[tuple[float, float, float, float]] = list(obstacles)
    out: list[tuple[int, str, float, float, str]] = []
    for g in groups:
        if len(out) >= most:
            break
        words = ", ".join(text[k] for k in g)
        w, h = _CHAR_W * len(words), _LINE_H
        x, y = px[g[0]], py[g[0]]
        for dx, dy, align in (
            (7, 0, "left"),
            (-7, 0, "right"),
            (4, -11, "left"),
            (4, 11, "left"),
            (-4, -11, "right"),
            (-4, 11, "right"),
        ):
            ax, ay = x + dx, y + dy
            box = (
                (ax, ay - h / 2, ax + w, ay + h / 2)
                if align == "left"
                else (ax - w, ay - h / 2, ax, ay + h / 2)
            )
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if any(_overlaps(box, o) for o in placed):
                continue
            if any(_overlaps(box, dots[m]) for m in range(n) if m not in g):
                continue
            placed.append(box)
            out.append((g[0], words, ax, ay, align))
            break
    return out


def quadrant(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    colour: str = BASE,
    corners: Sequence[str] = ("", "", "", ""),
    label: str | None = None,
    most: int = 14,
    fmt: str = ".3f",
) -> dict[str, Any]:
    """A KTAB-style challenge quadrant: one point per challenge, two expected gains.

    Each axis runs symmetrically around 0, so the four quadrants have the same size;
    they are shaded as in KTAB's quadrant map.

    Parameters
    ----------
    df
        One row per challenge, with columns ``challenger``, ``target``, ``x`` and
        ``y`` (and optionally ``label``).
    x, y
        The columns on each axis (KTAB: the receiver's expected utility change on x,
        the initiator's on y).
    x_title, y_title
        Axis titles.
    colour
        The points' colour (the model's).
    corners
        Words for the four quadrants: upper right, upper left, lower left, lower right.
    label
        Column of text written next to the points, where it fits without overlapping
        (see :func:`place_labels`); points that coincide share one label.
    most
        The most labels written.
    fmt
        Number format of the tooltips.
    """
    xs = df[x].to_numpy(dtype=float)
    ys = df[y].to_numpy(dtype=float)
    lim_x = float(max(np.nanmax(np.abs(xs)) if len(xs) else 0.0, 1e-9)) * 1.15
    lim_y = float(max(np.nanmax(np.abs(ys)) if len(ys) else 0.0, 1e-9)) * 1.15
    sx = alt.Scale(domain=[-lim_x, lim_x], nice=False, zero=True)
    sy = alt.Scale(domain=[-lim_y, lim_y], nice=False, zero=True)

    def to_x(p: float) -> float:
        return p / _QW * 2 * lim_x - lim_x

    def to_y(p: float) -> float:
        return lim_y - p / _QH * 2 * lim_y

    shades = pd.DataFrame(
        {
            "x1": [0.0, -lim_x, -lim_x, 0.0],
            "x2": [lim_x, 0.0, 0.0, lim_x],
            "y1": [0.0, 0.0, -lim_y, -lim_y],
            "y2": [lim_y, lim_y, 0.0, 0.0],
            "shade": list(QUADRANT_SHADES),
        }
    )
    layers: list[Any] = [
        alt.Chart(shades)
        .mark_rect(opacity=0.12)
        .encode(
            x=alt.X("x1:Q", scale=sx, title=x_title),
            x2="x2:Q",
            y=alt.Y("y1:Q", scale=sy, title=y_title),
            y2="y2:Q",
            color=alt.Color("shade:N", scale=None),
        )
    ]
    obstacles = []
    corner_rows = []
    for k, words in enumerate(corners):
        if not words:
            continue
        w = _CHAR_W * len(words)
        right = k in (0, 3)
        top = k in (0, 1)
        x0 = _QW - 4 - w if right else 4.0
        y0 = 3.0 if top else _QH - 3 - _LINE_H
        obstacles.append((x0, y0, x0 + w, y0 + _LINE_H))
        corner_rows.append({"words": words, "tx": to_x(x0), "ty": to_y(y0 + _LINE_H / 2)})
    if corner_rows:
        corner_df = pd.DataFrame(corner_rows)
        layers.append(
            alt.Chart(corner_df)
            .mark_text(align="left", baseline="middle", fontSize=10, fontStyle="italic")
            .encode(
                x=alt.X("tx:Q", scale=sx),
                y=alt.Y("ty:Q", scale=sy),
                text="words:N",
                color=alt.value("#555555"),
            )
        )
    zero = pd.DataFrame({"z": [0.0]})
    layers.append(alt.Chart(zero).mark_rule(color="#666666").encode(x=alt.X("z:Q", scale=sx)))
    layers.append(alt.Chart(zero).mark_rule(color="#666666").encode(y=alt.Y("z:Q", scale=sy)))
    layers.append(
        alt.Chart(df)
        .mark_point(filled=True, size=70, opacity=0.85, color=colour)
        .encode(
            x=alt.X(f"{x}:Q", scale=sx),
            y=alt.Y(f"{y}:Q", scale=sy),
            tooltip=[
                alt.Tooltip("challenger:N"),
                alt.Tooltip("target:N"),
                alt.Tooltip(f"{y}:Q", format=fmt, title=y_title),
                alt.Tooltip(f"{x}:Q", format=fmt, title=x_title),
            ],
        )
    )
    if label is not None and len(df):
        px = [(v + lim_x) / (2 * lim_x) * _QW for v in xs]
        py = [(lim_y - v) / (2 * lim_y) * _QH for v in ys]
        spots = place_labels(
            px,
            py,
            [str(t) for t in df[label].tolist()],
            width=_QW,
            height=_QH,
            most=most,
            obstacles=obstacles,
        )
        for align in ("left", "right"):
            rows = [
                {"text": t, "lx": to_x(ax), "ly": to_y(ay)}
                for _, t, ax, ay, al in spots
                if al == align
            ]
            if rows:
                layers.append(
                    alt.Chart(pd.DataFrame(rows))
                    .mark_text(align=align, baseline="middle", fontSize=10, color="#222222")
                    .encode(x=alt.X("lx:Q", scale=sx), y=alt.Y("ly:Q", scale=sy), text="text:N")
                )
    chart = alt.layer(*layers).properties(width=_QW, height=_QH)
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
    colours: alt.Scale | None = None,
    fmt: str = ".3f",
    label_limit: int = 260,
) -> dict[str, Any]:
    """Horizontal bars in table order, optional error bars and colour groups.

    ``colours`` gives the colour scale of the ``colour`` groups (e.g.
    :func:`model_scale`); ``label_limit`` the room, in pixels, for the bar labels.
    """
    enc: dict[str, Any] = {
        "y": alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=label_limit)),
        "x": alt.X(f"{value}:Q", title=value_title),
        "tooltip": [alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    }
    order: Any = None
    if colour is not None:
        if colours is not None:
            present = set(df[colour].tolist())
            order = [g for g in colours.to_dict().get("domain", []) if g in present] or None
        enc["color"] = (
            alt.Color(f"{colour}:N", title=None, sort=order, scale=colours)
            if colours is not None
            else alt.Color(f"{colour}:N", title=None, sort=None)
        )
        enc["yOffset"] = alt.YOffset(f"{colour}:N", sort=order)
        enc["tooltip"] = [alt.Tooltip(f"{colour}:N"), *enc["tooltip"]]
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
            err["yOffset"] = alt.YOffset(f"{colour}:N", sort=order)
        layers.append(alt.Chart(df).mark_rule(color="black").encode(**err))
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 11))
    return _spec(chart)


def histogram_lines(df: pd.DataFrame, *, x_title: str) -> dict[str, Any]:
    """Distributions as step lines: columns ``strategy``, ``bin_mid``, ``share``."""
    names = list(dict.fromkeys(df["strategy"].tolist()))
    chart = (
        alt.Chart(df)
        .mark_line(interpolate="step", strokeWidth=2)
        .encode(
            x=alt.X("bin_mid:Q", title=x_title),
            y=alt.Y("share:Q", title="share of futures", axis=alt.Axis(format="%")),
            color=alt.Color("strategy:N", title="strategy", sort=None, scale=strategy_scale(names)),
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


def share_bars(df: pd.DataFrame, *, x_title: str) -> dict[str, Any]:
    """One bar per strategy: columns ``strategy`` and ``share`` (a share of futures)."""
    names = list(dict.fromkeys(df["strategy"].tolist()))
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("strategy:N", sort=None, title=None),
            x=alt.X(
                "share:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color("strategy:N", legend=None, scale=strategy_scale(names)),
            tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=WIDTH, height=_height(len(df), 30, 90))
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(
            y=alt.Y("strategy:N", sort=None),
            x=alt.X("share:Q"),
            text=alt.Text("share:Q", format=".0%"),
        )
    )
    return _spec(alt.layer(chart, text))


_DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3])


def breakdown_lines(df: pd.DataFrame) -> dict[str, Any]:
    """Cumulative breakdown probability by year: ``strategy``, ``year``, ``probability``."""
    names = list(dict.fromkeys(df["strategy"].tolist()))
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=alt.X("year:Q", title="year", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "probability:Q",
                title="share of futures broken down by this year",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "strategy:N",
                title="strategy",
                sort=None,
                scale=strategy_scale(names),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400),
            ),
            strokeDash=alt.StrokeDash(
                "strategy:N",
                title="strategy",
                sort=None,
                scale=alt.Scale(domain=names, range=[_DASHES[k % 4] for k in range(len(names))]),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400),
            ),
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
    shares of the sampled range), ``low``/``high`` (the limits in the input's units)
    and optionally ``box_text`` (the limits in words, written above each bar).
    """
    y = alt.Y("uncertainty:N", sort=None, title=None, axis=alt.Axis(labelLimit=340))
    full = (
        alt.Chart(df)
        .mark_bar(color="#e6e6e6", height=12)
        .encode(
            y=y,
            x=alt.X("zero:Q", scale=alt.Scale(domain=[0, 1]), title="share of the sampled range"),
            x2="one:Q",
        )
        .transform_calculate(zero="0", one="1")
    )
    box = (
        alt.Chart(df)
        .mark_bar(color=HIGHLIGHT, height=12)
        .encode(
            y=y,
            x="lo_share:Q",
            x2="hi_share:Q",
            tooltip=[
                alt.Tooltip("uncertainty:N"),
                alt.Tooltip("low:Q", format=".3g", title="box from"),
                alt.Tooltip("high:Q", format=".3g", title="box to"),
            ],
        )
    )
    layers: list[Any] = [full, box]
    if "box_text" in df.columns:
        layers.append(
            alt.Chart(df)
            .mark_text(align="left", baseline="bottom", dy=-7, fontSize=10, color="#333333")
            .encode(y=y, x=alt.datum(0), text="box_text:N")
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=_height(len(df), 40, 70))
    return _spec(chart)


def move_arrows(df: pd.DataFrame, *, colours: alt.Scale, x_title: str) -> dict[str, Any]:
    """Moves on several issues: one row each, a line from ``start`` to an arrowhead at ``end``.

    ``df`` has columns ``row`` (the row's label, unique, drawn in table order),
    ``kind`` (``"forecast"`` rows are drawn in black and thicker), ``who`` (the colour
    group of a move, a value of ``colours``'s domain), ``start`` and ``end`` (on a
    common axis), ``direction`` (``"up"`` or ``"down"``) and ``tip`` (tooltip text).
    """
    y = alt.Y("row:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    is_forecast = alt.datum.kind == "forecast"
    colour = alt.condition(
        is_forecast, alt.value("#222222"), alt.Color("who:N", scale=colours, title=None)
    )
    tips = [alt.Tooltip("row:N", title="row"), alt.Tooltip("tip:N", title="move")]
    base = alt.Chart(df).encode(y=y, color=colour, tooltip=tips)
    line = base.mark_rule().encode(
        x=alt.X("start:Q", scale=x_scale, title=x_title),
        x2="end:Q",
        strokeWidth=alt.condition(is_forecast, alt.value(4), alt.value(2)),
    )
    start = base.mark_point(size=30, filled=True, opacity=0.6).encode(
        x=alt.X("start:Q", scale=x_scale)
    )
    head = base.mark_point(size=110, filled=True, opacity=1).encode(
        x=alt.X("end:Q", scale=x_scale),
        shape=alt.Shape(
            "direction:N",
            scale=alt.Scale(domain=["up", "down"], range=["triangle-right", "triangle-left"]),
            legend=None,
        ),
    )
    chart = alt.layer(line, start, head).properties(width=WIDTH, height=_height(len(df), 20))
    return _spec(chart)
