"""HTML for the workbench's outputs: the forecast table, charts, report panels, jobs.

Every function returns :mod:`htmltools` tags, which escape every text they are
given, so names from a user's file (an actor called ``<script>``) show as
themselves.  Charts are ``<div class="wb-chart" data-spec="...">`` elements holding
their Vega-Lite specification; ``workbench.js`` draws them once ``window.vegaEmbed``
exists.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from htmltools import Tag, TagList, tags

from detente.app.jobs import Job, JobState

__all__ = [
    "ModelResult",
    "chart",
    "forecast_table",
    "job_status",
    "panel",
    "section",
    "table",
]


@dataclass(frozen=True)
class ModelResult:
    """One model's point forecast for the page, or why there is none.

    ``status`` is ``ok`` (``forecast`` set), ``warming`` or ``failed`` (``reason``).
    """

    model: str
    label: str
    status: str
    forecast: Any = None
    reason: str = ""


def _num(x: float, digits: int = 1) -> str:
    if x is None or not math.isfinite(float(x)):
        return "–"
    return f"{float(x):.{digits}f}"


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, pd.Timestamp):
        return o.isoformat()
    raise TypeError(f"cannot write {type(o).__name__} as JSON")


def chart(spec: Mapping[str, Any], *, label: str = "chart") -> Tag:
    """A chart to be drawn by Vega-Embed in the browser."""
    text = json.dumps(spec, allow_nan=False, default=_json_default, ensure_ascii=False)
    return tags.div(
        {"class": "wb-chart", "data-spec": text, "role": "img", "aria-label": label},
        "Drawing the chart…",
    )


def table(
    df: pd.DataFrame, *, headers: Mapping[str, str] | None = None, max_rows: int = 200
) -> Tag:
    """A plain HTML table of a data frame (numbers to four significant digits)."""
    headers = headers or {}
    head = tags.tr(*[tags.th(headers.get(str(c), str(c).replace("_", " "))) for c in df.columns])
    rows = []
    for row in df.head(max_rows).itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                txt = "" if math.isnan(v) else f"{v:.4g}"
                cells.append(tags.td(txt, {"class": "num"}))
            elif v is None:
                cells.append(tags.td(""))
            else:
                cells.append(tags.td(str(v)))
        rows.append(tags.tr(*cells))
    more = []
    if len(df) > max_rows:
        more = [tags.p(f"({len(df) - max_rows} more rows not shown)", {"class": "muted"})]
    return tags.div(
        tags.table({"class": "wb-table"}, tags.thead(head), tags.tbody(*rows)),
        *more,
        {"class": "wb-table-wrap"},
    )


def panel(p: Any) -> Tag:
    """A report panel (:class:`detente.report.figures.Panel`): its figures and sources."""
    body: list[Any] = [tags.h4(p.title)]
    body += [tags.p(t) for t in p.intro]
    if p.unavailable is not None:
        body.append(tags.p(p.unavailable, {"class": "muted"}))
    for f in p.figures:
        fig: list[Any] = [tags.h5(f.title)]
        if f.kind == "chart" and f.spec is not None:
            fig.append(chart(f.spec, label=f.title))
        else:
            fig.append(table(f.table, headers=f.headers))
        if f.caption:
            fig.append(tags.p(f.caption, {"class": "caption"}))
        if f.source:
            fig.append(tags.p("Source: ", f.source, {"class": "source"}))
        body.append(tags.figure({"class": "wb-figure", "id": f"fig-{f.id}"}, *fig))
    body += [tags.p(n, {"class": "muted"}) for n in p.notes]
    return tags.section({"class": "wb-panel", "id": f"panel-{p.id}"}, *body)


def section(s: Any) -> Tag:
    """A report section: its intro and panels."""
    return tags.div(
        {"class": "wb-section"},
        tags.h3(s.title),
        *[tags.p(t) for t in s.intro],
        *[panel(p) for p in s.panels],
    )


def _interval(summary: Any) -> str:
    parts = []
    for level in (0.5, 0.9):
        lo_hi = summary.intervals.get(level)
        if lo_hi is not None:
            parts.append(f"{int(level * 100)}%: {_num(lo_hi[0])}–{_num(lo_hi[1])}")
    return " · ".join(parts)


def forecast_table(
    scenario: Any,
    results: Sequence[ModelResult],
    *,
    revision: int,
    intervals: Mapping[str, Sequence[Any]] | None = None,
    accuracy: Mapping[str, str] | None = None,
) -> Tag:
    """Every model's forecast of every issue, with the status quo and verbal anchors.

    Each value cell carries ``data-issue``, ``data-model`` and ``data-value`` (the
    full-precision number) so that scripts and tests can read it.

    Parameters
    ----------
    scenario
        The scenario the forecasts are of.
    results
        One per model, in column order.
    revision
        The scenario's edit count (``data-revision`` of the table).
    intervals
        Per model, one draw summary per issue (:func:`detente.bargaining.summarize`).
    accuracy
        Per model, a line on its measured accuracy, shown in its header.
    """
    intervals = intervals or {}
    accuracy = accuracy or {}
    head = [tags.th("issue"), tags.th("status quo")]
    for r in results:
        title = r.label
        extra: list[Any] = []
        if r.status == "warming":
            extra.append(tags.div("warming up…", {"class": "warming"}))
        if r.model in accuracy:
            extra.append(tags.div(accuracy[r.model], {"class": "accuracy"}))
        head.append(tags.th({"data-model": r.model}, title, *extra))
    rows = []
    for j, issue in enumerate(scenario.issues):
        sq = issue.status_quo
        cells: list[Any] = [
            tags.th(
                {"scope": "row"},
                tags.div(issue.label),
                tags.div(
                    f"{issue.id} · {issue.scale.min:g}–{issue.scale.max:g}", {"class": "muted"}
                ),
            ),
            tags.td(
                {"class": "num sq"},
                _num(sq) if sq is not None else "–",
                tags.div(issue.anchor_text(sq), {"class": "anchor"}) if sq is not None else "",
            ),
        ]
        for r in results:
            attrs = {"data-issue": issue.id, "data-model": r.model, "class": "num"}
            if r.status != "ok":
                text = "warming up…" if r.status == "warming" else "—"
                attrs["data-status"] = r.status
                cells.append(tags.td(attrs, text, title=r.reason or None))
                continue
            value = float(r.forecast.outcome[j])
            attrs["data-value"] = repr(value)
            inner: list[Any] = [tags.span(_num(value), {"class": "value"})]
            if math.isfinite(value):
                inner.append(tags.div(issue.anchor_text(value), {"class": "anchor"}))
            summ = intervals.get(r.model)
            if summ is not None and j < len(summ):
                inner.append(tags.div(_interval(summ[j]), {"class": "interval"}))
            cells.append(tags.td(attrs, *inner))
        rows.append(tags.tr({"data-issue": issue.id}, *cells))
    failed = [r for r in results if r.status == "failed"]
    notes = [
        tags.p(tags.strong(r.label), ": ", r.reason, {"class": "model-failure"}) for r in failed
    ]
    return tags.div(
        tags.table(
            {"class": "wb-table forecast-table", "data-revision": str(revision)},
            tags.thead(tags.tr(*head)),
            tags.tbody(*rows),
        ),
        *notes,
    )


def job_status(job: Job | None, *, cancel_id: str | None = None) -> Tag | TagList:
    """A job's progress bar, message and (while it runs) its Cancel button."""
    if job is None:
        return TagList()
    pct = None if job.progress is None else round(100 * job.progress)
    bar = tags.div(
        {"class": "progress", "role": "progressbar", "aria-valuemin": "0", "aria-valuemax": "100"},
        tags.div(
            {
                "class": "progress-bar"
                + ("" if job.state.finished else " progress-bar-striped progress-bar-animated"),
                "style": f"width: {pct if pct is not None else 100}%",
            },
            f"{pct}%" if pct is not None else "",
        ),
        **({"aria-valuenow": str(pct)} if pct is not None else {}),
    )
    state = {
        JobState.QUEUED: "waiting for a free core",
        JobState.RUNNING: "running",
        JobState.DONE: "done",
        JobState.FAILED: "failed",
        JobState.CANCELLED: "cancelled",
    }[job.state]
    parts: list[Any] = [
        tags.div(
            tags.strong(job.label),
            f" — {state}",
            f" ({job.seconds:.1f} s)" if job.started is not None else "",
            {"class": "job-head"},
        ),
        bar,
        tags.div(job.message, {"class": "muted job-message"}),
    ]
    if job.state is JobState.FAILED and job.error:
        text = job.error.splitlines()[0] if job.internal else job.error
        parts.append(
            tags.div(
                ("internal error (a bug in detente, not in your input): " if job.internal else ""),
                text,
                {"class": "job-error"},
            )
        )
    if cancel_id is not None and not job.state.finished:
        parts.append(
            tags.button(
                "Cancel",
                {
                    "class": "btn btn-outline-danger btn-sm action-button",
                    "id": cancel_id,
                    "type": "button",
                },
            )
        )
    return tags.div({"class": f"job job-{job.state.value}", "data-state": job.state.value}, *parts)
