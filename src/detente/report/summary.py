"""``summary.md``: the key findings in text, fit for pasting into a memo."""

from __future__ import annotations

from collections.abc import Sequence

from detente.report.figures import Finding, Section
from detente.report.html import ReportMeta

__all__ = ["render_summary"]


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup or HTML.

    Angle brackets become entities (``&lt;``, ``&gt;``), which every Markdown
    renderer shows literally; other markup characters are backslash-escaped.
    """
    out = []
    for ch in text:
        if ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in "\\`*_{}[]#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def render_summary(
    meta: ReportMeta, sections: Sequence[Section], findings: Sequence[Finding]
) -> str:
    """The memo-ready summary of a run.

    Parameters
    ----------
    meta
        Run details (title, question, hash, seed...).
    sections
        The report's sections (for the list of panels that could not be drawn).
    findings
        Findings, most important first.

    Returns
    -------
    str
        Markdown text.
    """
    anchors = {f.id: f.anchor for s in sections for f in s.figures()}
    lines = [f"# {_md(meta.title)}", ""]
    if meta.question:
        lines += [f"**Question.** {_md(meta.question)}", ""]
    lines += [
        f"Scenario `{meta.scenario_id}` (input hash `{meta.scenario_hash[:12]}`), seed "
        f"{meta.seed}, {meta.draws:,} draws, {meta.scenarios:,} strategy-lab futures; "
        f"detente {meta.version}, generated {meta.generated}.",
        "",
        "## Key findings",
        "",
    ]
    if not findings:
        lines.append("No finding could be computed for this run.")
    for n, f in enumerate(findings, start=1):
        ref = f" ([chart](report.html#{anchors[f.figure_id]}))" if f.figure_id in anchors else ""
        lines.append(f"{n}. {_md(f.text)}{ref}")
    missing = [
        (s.title, p.title, p.unavailable)
        for s in sections
        for p in s.panels
        if p.unavailable is not None
    ]
    if missing:
        lines += ["", "## Not shown in this run", ""]
        for sec, title, why in missing:
            lines.append(f"- {_md(sec)} / {_md(title)}: {_md(why or '')}")
    lines += [
        "",
        "## How to read these numbers",
        "",
        "Every figure above is computed by detente from the scenario file and the data "
        "shipped with it, or cited. Positions and saliences marked “expert judgement” in "
        "the assumptions register (report.html, section 1) are the modeller's own. The "
        "run store `results.duckdb` holds every table behind every chart.",
        "",
        f"Reproduce: `{meta.command}`",
        "",
    ]
    return "\n".join(lines)
