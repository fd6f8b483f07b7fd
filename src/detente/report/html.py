"""Assemble the self-contained ``report.html``.

The page holds everything it needs: the CSS, the Vega, Vega-Lite and Vega-Embed
JavaScript (bundled by ``vl-convert-python``, inlined once), and each chart's
specification as inert JSON (``<script type="application/json">``).  Nothing is
fetched from a network.

Safety: every piece of user text (actor names, issue labels, notes, sources) is
HTML-escaped; the JSON blocks escape ``<``, ``>`` and ``&`` so that no text can close
its ``<script>`` element; a Content-Security-Policy admits only this page's own two
scripts (by hash), no network connection, and no ``eval`` (Vega runs its
expressions through its CSP-safe interpreter).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.report.figures import Figure, Finding, Panel, Section

__all__ = ["ReportMeta", "esc", "render_html", "render_table", "script_json", "vega_bundle"]

#: Vega-Lite version of the bundled JavaScript; it matches Altair's schema.
VL_VERSION = "v6.4"
MAX_TABLE_ROWS = 60
MAX_REGISTER_ROWS = 1000


def esc(text: object) -> str:
    """HTML-escape any value for use in element content or a quoted attribute."""
    return html.escape("" if text is None else str(text), quote=True)


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>``, ``&`` and the JavaScript line separators are written as ``\\uXXXX``
    escapes, which JSON parsers read back to the same characters, so no string can
    end the element (``</script>``) or open a comment.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=_json_default)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, pd.Timestamp):
        return o.isoformat()
    raise TypeError(f"cannot write {type(o).__name__} as JSON")


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The Vega + Vega-Lite + Vega-Embed JavaScript, bundled offline by vl-convert."""
    import vl_convert

    bundle: Any = vl_convert.javascript_bundle  # its stub wrongly requires a snippet
    code = str(bundle(vl_version=VL_VERSION))
    if "</script" in code.lower() or "<!--" in code:
        raise RuntimeError("the bundled JavaScript cannot be inlined safely")
    return code


def _sha256(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_LOADER = """
(function () {
  "use strict";
  var opts = { actions: false, renderer: "svg", ast: true };
  var charts = document.querySelectorAll("div.chart[data-spec]");
  var pending = charts.length;
  document.documentElement.setAttribute("data-charts", String(pending));
  charts.forEach(function (el) {
    var node = document.getElementById(el.getAttribute("data-spec"));
    var done = function () {
      pending -= 1;
      if (pending === 0) { document.documentElement.setAttribute("data-rendered", "yes"); }
    };
    try {
      var spec = JSON.parse(node.textContent);
      window.vegaEmbed(el, spec, opts).then(done, function (err) {
        el.textContent = "This chart could not be drawn: " + err;
        console.error(err);
        done();
      });
    } catch (err) {
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
      done();
    }
  });
  if (charts.length === 0) { document.documentElement.setAttribute("data-rendered", "yes"); }
})();
"""

_CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --line:#d9dde3; --accent:#003399; --warn:#9a6700; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0; line-height: 1.5; background: #fafbfc; }
main { max-width: 1080px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; background: #fff; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; }
h1 { font-size: 1.7rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.35rem; margin-top: 2.6rem; border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
h4 { font-size: .98rem; margin: 1rem 0 .3rem; }
p.question { font-size: 1.1rem; font-style: italic; }
.meta { color: var(--muted); font-size: .85rem; }
nav.toc ol { columns: 2; font-size: .92rem; }
figure { margin: 1.1rem 0 1.6rem; padding: .6rem .8rem; border: 1px solid var(--line);
  border-radius: 6px; }
figure:target { outline: 3px solid #ffbf47; }
figcaption { color: var(--muted); font-size: .86rem; margin-top: .4rem; }
div.chart { width: 100%; min-height: 60px; }
.unavailable { border-left: 4px solid var(--warn); background: #fff8e6; padding: .5rem .8rem; }
.note { color: var(--muted); font-size: .88rem; }
table.data { border-collapse: collapse; font-size: .84rem; width: 100%; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: .22rem .45rem;
  text-align: left; vertical-align: top; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data th { background: #f1f3f6; }
.scroll { overflow-x: auto; }
details { margin-top: .4rem; font-size: .85rem; }
ol.findings li { margin-bottom: .45rem; }
.glance { background: #f1f5ff; border: 1px solid #c9d6f2; border-radius: 6px; padding: .4rem 1rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .82rem;
  border-top: 1px solid var(--line); }
@media print { details { display: none; } figure { break-inside: avoid; } }
"""


@dataclass
class ReportMeta:
    """What the header and footer of a report say about its run."""

    title: str
    question: str
    description: str
    scenario_id: str
    scenario_hash: str
    generated: str
    version: str
    seed: int
    draws: int
    scenarios: int
    command: str
    data_versions: list[str] = field(default_factory=list)


def _fmt_cell(value: Any) -> tuple[str, bool]:
    """Text of a table cell and whether it is numeric."""
    if value is None:
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value)), True
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "–", True
        if v.is_integer() and abs(v) < 1e9:
            return f"{v:,.0f}" if abs(v) >= 10_000 else f"{v:.0f}", True
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
            return f"{v:.3g}", True
        if abs(v) >= 1000:
            return f"{v:,.0f}", True
        return f"{v:.4g}" if abs(v) < 10 else f"{v:.1f}", True
    return str(value), False


def render_table(
    df: pd.DataFrame,
    *,
    max_rows: int = MAX_TABLE_ROWS,
    columns: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """An escaped HTML table of ``df`` (the first ``max_rows`` rows).

    ``headers`` gives a column's header in words (default: its name, with spaces for
    underscores).
    """
    cols = list(columns) if columns is not None else [str(c) for c in df.columns]
    heads = headers or {}
    out = ['<div class="scroll"><table class="data"><thead><tr>']
    out += [f"<th>{esc(heads.get(c, c.replace('_', ' ')))}</th>" for c in cols]
    out.append("</tr></thead><tbody>")
    for row in df[cols].head(max_rows).itertuples(index=False):
        out.append("<tr>")
        for value in row:
            text, num = _fmt_cell(value)
            cls = ' class="num"' if num else ""
            out.append(f"<td{cls}>{esc(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    if len(df) > max_rows:
        out.append(
            f'<p class="note">First {max_rows} of {len(df):,} rows; the run store holds '
            "them all.</p>"
        )
    return "".join(out)


def _paragraphs(texts: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{esc(t)}</p>" for t in texts if t)


class _Specs:
    def __init__(self) -> None:
        self.blocks: list[str] = []

    def add(self, spec: dict[str, Any]) -> str:
        sid = f"spec-{len(self.blocks)}"
        self.blocks.append(
            f'<script type="application/json" id="{sid}">{script_json(spec)}</script>'
        )
        return sid


def _figure(fig: Figure, specs: _Specs) -> str:
    parts = [
        f'<figure id="{fig.anchor}" data-figure="{esc(fig.id)}">',
        f"<h4>{esc(fig.title)}</h4>",
    ]
    if fig.kind == "chart" and fig.spec is not None:
        sid = specs.add(fig.spec)
        parts.append(
            f'<div class="chart" data-spec="{sid}" role="img" aria-label="{esc(fig.title)}"></div>'
        )
        cap = fig.caption + (f" Source: {fig.source}" if fig.source else "")
        parts.append(f"<figcaption>{esc(cap)}</figcaption>")
        parts.append(
            f"<details><summary>Data behind this chart (store table {esc(fig.table_name)})"
            f"</summary>{render_table(fig.table, headers=fig.headers)}</details>"
        )
    else:
        parts.append(render_table(fig.table, max_rows=MAX_REGISTER_ROWS, headers=fig.headers))
        cap = fig.caption + (f" Source: {fig.source}" if fig.source else "")
        parts.append(f"<figcaption>{esc(cap)} (store table {esc(fig.table_name)})</figcaption>")
    parts.append("</figure>")
    return "".join(parts)


def _panel(panel: Panel, specs: _Specs) -> str:
    parts = [f'<section class="panel" id="panel-{panel.id.replace("_", "-")}">']
    parts.append(f"<h3>{esc(panel.title)}</h3>")
    parts.append(_paragraphs(panel.intro))
    if panel.unavailable is not None:
        parts.append(f'<p class="unavailable">{esc(panel.unavailable)}</p>')
    for fig in panel.figures:
        parts.append(_figure(fig, specs))
    parts.append(_paragraphs(panel.notes, "note"))
    parts.append("</section>")
    return "".join(parts)


def _findings(findings: Sequence[Finding], *, anchors: dict[str, str]) -> str:
    items = []
    for f in findings:
        link = anchors.get(f.figure_id)
        ref = f' <a href="#{link}">(chart)</a>' if link else ""
        items.append(f"<li>{esc(f.text)}{ref}</li>")
    return f'<ol class="findings">{"".join(items)}</ol>'


def glance_findings(findings: Sequence[Finding], n: int) -> list[Finding]:
    """The ``n`` findings for the top of the report: the best of each topic first."""
    picked: list[Finding] = []
    seen: set[str] = set()
    for f in findings:
        if f.topic not in seen:
            picked.append(f)
            seen.add(f.topic)
    for f in findings:
        if f not in picked:
            picked.append(f)
    chosen = picked[:n]
    return [f for f in findings if f in chosen]


def render_html(
    meta: ReportMeta,
    sections: Sequence[Section],
    findings: Sequence[Finding],
    *,
    glance: int = 5,
) -> str:
    """The whole report as one HTML document.

    Parameters
    ----------
    meta
        Title, question and run details.
    sections
        The report's sections, in order.
    findings
        Generated findings (most important first); each links to its figure.
    glance
        How many findings the "at a glance" box shows.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    specs = _Specs()
    anchors = {f.id: f.anchor for s in sections for f in s.figures()}
    body: list[str] = []
    body.append('<header class="top">')
    body.append(f"<h1>{esc(meta.title)}</h1>")
    if meta.question:
        body.append(f'<p class="question">{esc(meta.question)}</p>')
    body.append(
        f'<p class="meta">Scenario <code>{esc(meta.scenario_id)}</code> · input hash '
        f"<code>{esc(meta.scenario_hash[:12])}</code> · seed {meta.seed} · "
        f"{meta.draws:,} draws · {meta.scenarios:,} strategy-lab futures · detente "
        f"{esc(meta.version)} · generated {esc(meta.generated)}</p>"
    )
    body.append("</header>")
    if findings:
        body.append('<section class="glance"><h2 style="margin-top:.6rem">At a glance</h2>')
        body.append(_findings(glance_findings(findings, glance), anchors=anchors))
        body.append('<p class="note">All findings: see the last section.</p></section>')
    toc = "".join(
        f'<li><a href="#sec-{s.id.replace("_", "-")}">{esc(s.title)}</a></li>' for s in sections
    )
    body.append(f'<nav class="toc"><h2>Contents</h2><ol>{toc}</ol></nav>')
    for s in sections:
        body.append(f'<section class="section" id="sec-{s.id.replace("_", "-")}">')
        body.append(f"<h2>{esc(s.title)}</h2>")
        body.append(_paragraphs(s.intro))
        for p in s.panels:
            body.append(_panel(p, specs))
        if s.id == "findings":
            body.append(
                _findings(findings, anchors=anchors)
                if findings
                else '<p class="unavailable">No finding could be computed for this run.</p>'
            )
        body.append("</section>")
    body.append("<footer>")
    body.append(
        f"<p>Reproduce: <code>{esc(meta.command)}</code>. Every number in this report is "
        "computed by detente from the scenario file and the data shipped with it, or "
        "cited; inputs marked “expert judgement” are the modeller's own. The run store "
        "<code>results.duckdb</code> beside this file holds every table behind every chart.</p>"
    )
    if meta.data_versions:
        body.append(_paragraphs([f"Data: {'; '.join(meta.data_versions)}"]))
    body.append("</footer>")
    bundle = vega_bundle()
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(bundle)} {_sha256(_LOADER)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    head = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(meta.title)} — detente report</title>"
        f"<style>{_CSS}</style></head><body><main>"
    )
    return (
        head
        + "".join(body)
        + "</main>"
        + "".join(specs.blocks)
        + f"<script>{bundle}</script>"
        + f"<script>{_LOADER}</script>"
        + "</body></html>\n"
    )
