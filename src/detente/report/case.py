"""Section 1: the question, the actors and issues, and the assumptions register.

Everything here comes from the scenario file: each input with its value, its source
(or "expert judgement") and its uncertainty.  The partnership table's uncertainties,
levers and thresholds are listed too, with the source text they carry.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from detente.report import charts
from detente.report.figures import Figure, Panel, Section
from detente.scenario import DataRef, Scenario, Uncertainty

__all__ = [
    "assumptions_table",
    "case_section",
    "inputs_frames",
    "sources_table",
    "uncertainty_text",
]


def uncertainty_text(u: Uncertainty | None) -> str:
    """``"sd 15"`` or ``"range 20–80"`` (empty when there is none)."""
    if u is None:
        return ""
    if u.sd is not None:
        return f"sd {u.sd:g}"
    return f"range {u.low:g}–{u.high:g}"


def _basis(scenario: Scenario, source_id: str | None) -> tuple[str, str]:
    """(basis, citation) of a source id: basis is its kind, e.g. "expert judgement"."""
    if source_id is None:
        return "no source given", ""
    try:
        src = scenario.source(source_id)
    except KeyError:
        return "unknown source", source_id
    return src.kind.value, src.citation


def _capability_text(scenario: Scenario, actor_id: str) -> tuple[float, str]:
    a = scenario.actor(actor_id)
    value = a.capability_value
    if isinstance(a.capability, DataRef):
        ref = a.capability.describe()
        if a.resolved is not None:
            unit = f" {a.resolved.unit}" if a.resolved.unit else ""
            extra = ""
            if a.resolved.missing_members:
                extra = f"; no data for {', '.join(a.resolved.missing_members)}"
            return float(a.resolved.value), f"{ref}{unit}{extra}"
        return math.nan, f"{ref} (not resolved: the data layer is not available)"
    return float(value if value is not None else math.nan), "given in the file"


def inputs_frames(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The scenario's inputs as tables: actors, issues and stances (for the store)."""
    actors = []
    for a in scenario.actors:
        cap, how = _capability_text(scenario, a.id)
        basis, citation = _basis(scenario, a.capability_source)
        actors.append(
            {
                "actor": a.id,
                "name": a.name,
                "kind": a.kind.value,
                "group": a.group or "",
                "members": ", ".join(a.members),
                "capability": cap,
                "capability_from": how,
                "capability_uncertainty": uncertainty_text(a.capability_uncertainty),
                "basis": basis,
                "source": citation,
                "note": a.note,
            }
        )
    issues = []
    for i in scenario.issues:
        basis, citation = _basis(scenario, i.status_quo_source)
        issues.append(
            {
                "issue": i.id,
                "label": i.label,
                "scale_min": i.scale.min,
                "scale_max": i.scale.max,
                "status_quo": math.nan if i.status_quo is None else i.status_quo,
                "status_quo_basis": basis if i.status_quo is not None else "",
                "status_quo_source": citation if i.status_quo is not None else "",
                "anchors": "; ".join(f"{k:g} = {v}" for k, v in i.anchors.items()),
            }
        )
    stances = []
    for st in scenario.stances:
        basis, citation = _basis(scenario, st.source)
        stances.append(
            {
                "actor": st.actor,
                "issue": st.issue,
                "position": st.position,
                "salience": st.salience,
                "uncertainty": uncertainty_text(st.uncertainty),
                "salience_uncertainty": uncertainty_text(st.salience_uncertainty),
                "basis": basis,
                "source": citation,
                "note": st.note,
            }
        )
    return {
        "actors": pd.DataFrame(actors),
        "issues": pd.DataFrame(issues),
        "stances": pd.DataFrame(stances),
    }


def _partnership_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for group, label in (
        ("uncertainties", "strategy-lab uncertainty"),
        ("levers", "strategy lever"),
    ):
        entries = table.get(group) or {}
        if not isinstance(entries, dict):
            continue
        for name, spec in entries.items():
            if isinstance(spec, dict):
                value = spec.get("value")
                lo, hi = spec.get("low"), spec.get("high")
                unit = spec.get("unit", "")
                source = str(spec.get("source", ""))
            elif isinstance(spec, list | tuple) and len(spec) == 2:
                value, (lo, hi), unit, source = None, spec, "", ""
            else:
                value, lo, hi, unit, source = spec, None, None, "", ""
            basis = (
                "expert judgement"
                if "expert judgement" in source.lower()
                else ("cited" if source else "no source given")
            )
            rows.append(
                {
                    "input": label,
                    "actor": "",
                    "issue": "",
                    "name": str(name),
                    "value": ""
                    if value is None
                    else f"{value:g}"
                    if isinstance(value, int | float)
                    else str(value),
                    "uncertainty": "" if lo is None or hi is None else f"range {lo:g}–{hi:g}",
                    "unit": str(unit),
                    "basis": basis,
                    "source": source,
                }
            )
    thresholds = table.get("thresholds") or {}
    if isinstance(thresholds, dict):
        for name, value in thresholds.items():
            rows.append(
                {
                    "input": "satisficing threshold",
                    "actor": "",
                    "issue": "",
                    "name": str(name),
                    "value": f"{value:g}" if isinstance(value, int | float) else str(value),
                    "uncertainty": "",
                    "unit": "",
                    "basis": "expert judgement (a policy choice)",
                    "source": "",
                }
            )
    return rows


def sources_table(scenario: Scenario) -> pd.DataFrame:
    """The scenario's sources: id, kind, citation and address."""
    return pd.DataFrame(
        [
            {"source": s.id, "kind": s.kind.value, "citation": s.citation, "url": s.url or ""}
            for s in scenario.sources
        ],
        columns=["source", "kind", "citation", "url"],
    )


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """Every input of the scenario: value, uncertainty, basis and source.

    Columns: ``input, actor, issue, name, value, uncertainty, unit, basis, source``.
    ``basis`` is the source's kind (``expert judgement``, ``data``, ``official``...);
    ``source`` is the source's id (see :func:`sources_table`), or for strategy-lab
    inputs the source text the ``[partnership]`` table gives.
    """
    rows: list[dict[str, Any]] = []
    for a in scenario.actors:
        cap, how = _capability_text(scenario, a.id)
        basis, _ = _basis(scenario, a.capability_source)
        rows.append(
            {
                "input": "capability",
                "actor": a.id,
                "issue": "",
                "name": a.name,
                "value": "" if math.isnan(cap) else f"{cap:.4g}",
                "uncertainty": uncertainty_text(a.capability_uncertainty),
                "unit": how,
                "basis": basis,
                "source": a.capability_source or "",
            }
        )
    for i in scenario.issues:
        if i.status_quo is None:
            continue
        basis, _ = _basis(scenario, i.status_quo_source)
        rows.append(
            {
                "input": "status quo",
                "actor": "",
                "issue": i.id,
                "name": i.label,
                "value": f"{i.status_quo:g}",
                "uncertainty": "",
                "unit": f"scale {i.scale.min:g}–{i.scale.max:g}",
                "basis": basis,
                "source": i.status_quo_source or "",
            }
        )
    for st in scenario.stances:
        basis, _ = _basis(scenario, st.source)
        unc = uncertainty_text(st.uncertainty)
        sunc = uncertainty_text(st.salience_uncertainty)
        rows.append(
            {
                "input": "stance",
                "actor": st.actor,
                "issue": st.issue,
                "name": st.note,
                "value": f"position {st.position:g}, salience {st.salience:g}",
                "uncertainty": f"position {unc}" + (f"; salience {sunc}" if sunc else "")
                if unc
                else (f"salience {sunc}" if sunc else "none given"),
                "unit": "",
                "basis": basis,
                "source": st.source or "",
            }
        )
    if isinstance(scenario.partnership, dict):
        rows.extend(_partnership_rows(scenario.partnership))
    return pd.DataFrame(
        rows,
        columns=[
            "input",
            "actor",
            "issue",
            "name",
            "value",
            "uncertainty",
            "unit",
            "basis",
            "source",
        ],
    )


def _stance_map(scenario: Scenario) -> pd.DataFrame:
    issue = {i.id: i for i in scenario.issues}
    rows = []
    for st in scenario.stances:
        i = issue[st.issue]
        span = i.scale.max - i.scale.min
        rows.append(
            {
                "issue": i.label,
                "actor": st.actor,
                "position": st.position,
                "position_share": (st.position - i.scale.min) / span,
                "salience": st.salience,
            }
        )
    for i in scenario.issues:
        if i.status_quo is not None:
            span = i.scale.max - i.scale.min
            rows.append(
                {
                    "issue": i.label,
                    "actor": "status quo",
                    "position": i.status_quo,
                    "position_share": (i.status_quo - i.scale.min) / span,
                    "salience": float("nan"),
                }
            )
    return pd.DataFrame(rows)


def _stance_chart(df: pd.DataFrame, scenario: Scenario) -> dict[str, Any]:
    import altair as alt

    actors = [a.id for a in scenario.actors]
    colours = charts.colour_scale(actors, [a.colour for a in scenario.actors])
    pts = (
        alt.Chart(df)
        .transform_filter(alt.datum.actor != "status quo")
        .mark_circle(opacity=0.75)
        .encode(
            y=alt.Y("issue:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
            x=alt.X(
                "position_share:Q",
                title="position (share of the issue's scale)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            size=alt.Size("salience:Q", title="salience", scale=alt.Scale(range=[20, 400])),
            color=alt.Color("actor:N", title="actor", scale=colours),
            tooltip=[
                alt.Tooltip("actor:N"),
                alt.Tooltip("issue:N"),
                alt.Tooltip("position:Q", format=".1f"),
                alt.Tooltip("salience:Q", format=".0f"),
            ],
        )
    )
    sq = (
        alt.Chart(df)
        .transform_filter(alt.datum.actor == "status quo")
        .mark_tick(color="black", thickness=2, size=26)
        .encode(
            y=alt.Y("issue:N", sort=None),
            x=alt.X("position_share:Q"),
            tooltip=[alt.Tooltip("issue:N"), alt.Tooltip("position:Q", title="status quo")],
        )
    )
    chart = alt.layer(pts, sq).properties(
        width=charts.WIDTH, height=max(120, 44 * len(scenario.issues))
    )
    return charts._spec(chart)


def case_section(scenario: Scenario) -> Section:
    """Section 1: the question, who bargains over what, and every assumption."""
    frames = inputs_frames(scenario)
    intro = [scenario.description.strip()] if scenario.description.strip() else []
    if scenario.question:
        intro.append(f"The question: {scenario.question}")
    n_expert = sum(
        1
        for st in scenario.stances
        if st.source is not None
        and any(s.id == st.source and s.is_expert_judgement for s in scenario.sources)
    )
    intro.append(
        f"The scenario has {len(scenario.actors)} actors and {len(scenario.issues)} issues, "
        f"with {len(scenario.stances)} stances (a position on the issue's scale and a "
        "salience: how much the issue matters to the actor). "
        f"{n_expert} of the {len(scenario.stances)} stances cite the modeller's expert "
        "judgement rather than a document or data."
    )
    actors_fig = Figure(
        id="case_actors",
        title="Actors",
        caption="Who bargains: each actor's kind, group and capability (the weight it "
        "brings to the bargaining), with where the capability comes from.",
        table=frames["actors"][
            ["actor", "name", "kind", "group", "capability", "capability_from", "basis", "note"]
        ],
        kind="table",
    )
    issues_fig = Figure(
        id="case_issues",
        title="Issues and what their scales mean",
        caption="Each issue's scale, status quo and verbal anchors.",
        table=frames["issues"][
            [
                "issue",
                "label",
                "scale_min",
                "scale_max",
                "status_quo",
                "status_quo_basis",
                "anchors",
            ]
        ],
        kind="table",
    )
    stance_df = _stance_map(scenario)
    stances_fig = Figure(
        id="case_stances",
        title="Who wants what: positions and saliences",
        caption="Each dot is an actor's position on an issue (as a share of the issue's "
        "scale), its size the salience; the black tick is the status quo.",
        table=stance_df,
        spec=_stance_chart(stance_df, scenario),
        source="the scenario file",
    )
    register = assumptions_table(scenario)
    register_fig = Figure(
        id="assumptions_register",
        title="Assumptions register",
        caption="Every input with its value, its uncertainty, its basis (the kind of "
        "source: data, official document, publication, or the modeller's expert "
        "judgement) and its source.",
        table=register,
        kind="table",
    )
    sources_fig = Figure(
        id="case_sources",
        title="Sources",
        caption="The sources the register cites, by id.",
        table=sources_table(scenario),
        kind="table",
    )
    panels = [
        Panel(
            id="case", title="The case", intro=intro, figures=[actors_fig, issues_fig, stances_fig]
        ),
        Panel(
            id="assumptions",
            title="Assumptions register",
            intro=[
                "A reader can challenge any number below. Inputs marked “expert "
                "judgement” are the modeller's own; change them in the scenario file and "
                "re-run to see how much the results move."
            ],
            figures=[register_fig, sources_fig],
        ),
    ]
    return Section(id="case", title="1. The question and the assumptions", panels=panels)
