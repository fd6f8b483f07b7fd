"""Section 4: negotiation forecasts, issue by issue.

For each issue: every model's forecast side by side (with 50% and 90% intervals when
the run has Monte Carlo draws), the positions of the actors round by round in the
iterative models (the spatial model and the expected-utility model), the
expected-utility model's challenge quadrant (who challenges whom, and what each side
expects to gain), and sensitivity bars (how far the forecast moves when one actor's
position moves across its stated uncertainty, everything else fixed).  The spatial
model's challenges are over every issue at once, so its quadrant (KTAB's quadrant map:
the target's expected utility change across, the challenger's up, both as the
challenger estimates them) is drawn once for the scenario.

Every chart colours a model with its fixed colour (:data:`charts.MODEL_COLOURS`).

Beside the forecasts, the overview shows each model's measured accuracy on decided EU
issues (DEU III; :mod:`detente.pipeline.accuracy`), and each issue's chart says it
again in its caption: how far each model's forecasts fell from the adopted outcomes,
on the development split and on decisions the project never used, and whether any
model has beaten the compromise model where it had not been tuned.

The builders here take the engines' results as plain objects
(:class:`NegotiationResults`), so they are independent of how the engines were run.
"""

from __future__ import annotations

import pandas as pd

from detente.pipeline.accuracy import accuracy_table
from detente.pipeline.results import (
    NegotiationResults,
    challenge_table,
    forecast_table,
    smp_challenge_table,
    trajectory_table,
)
from detente.report import charts
from detente.report.figures import Figure, Panel, Section, safe_token
from detente.scenario import Scenario

__all__ = [
    "accuracy_figure",
    "accuracy_note",
    "negotiation_section",
]

#: Columns of the accuracy table shown in the report, and their headers.
ACCURACY_HEADERS: dict[str, str] = {
    "model_label": "model",
    "mae": "MAE, 245 DEU III issues",
    "rmse": "RMSE",
    "within_10": "share within 10 points",
    "n": "issues",
    "nested_mae_q10": "MAE on 30% test sides: 10%",
    "nested_mae_q90": "90%",
    "unseen_mae": "MAE on unseen decisions",
    "unseen_n": "unseen issues",
    "verdict": "compared with the compromise model",
}


def accuracy_figure(table: pd.DataFrame) -> Figure:
    """The table of each model's measured accuracy on DEU decisions.

    Parameters
    ----------
    table
        :func:`detente.pipeline.accuracy.accuracy_table`.
    """
    shown = table[list(ACCURACY_HEADERS)].copy()
    for col in ("mae", "rmse", "nested_mae_q10", "nested_mae_q90", "unseen_mae"):
        shown[col] = shown[col].round(2)
    shown["within_10"] = shown["within_10"].round(3)
    n = int(table["n"].max()) if table["n"].notna().any() else 0
    return Figure(
        id="forecast_accuracy",
        title="How accurate each model has been on real EU decisions",
        caption="Each model's track record on decided issues of EU legislative proposals "
        f"(DEU III; {n} issues of the development split): the mean absolute error (MAE) "
        "and root mean squared error of its forecasts against the adopted outcomes on the "
        "issues' 0–100 scales, and the share within 10 points; the 10% and 90% quantiles "
        "of its MAE over random 30% samples of the proposals (how much the figure moves "
        "with the decisions scored); and its MAE on decisions the project has never used "
        "to build or tune any model, where measured. A model is called more accurate "
        "than the compromise model (the capability × salience weighted mean) only if it "
        "was on those unseen decisions too. These are EU decisions, with expert-coded "
        "positions and GDP-based capabilities: how the models fare on this scenario's "
        "negotiation is not measured.",
        table=shown.reset_index(drop=True),
        kind="table",
        source="measured by detente (tools/backtest_accuracy.py --nested on the DEU III "
        "development split; Arregui & Perarnaud 2022, CC BY 4.0), shipped as "
        "detente/backtest/measured_accuracy.json; unseen figures as reported in "
        "detente's issue 16",
        headers=ACCURACY_HEADERS,
    )


def accuracy_note(table: pd.DataFrame) -> str:
    """One sentence for an issue's chart: each model's MAE on DEU decisions."""
    parts = []
    for _, r in table[table["model"] != ""].iterrows():
        if pd.isna(r["mae"]):
            parts.append(f"{r['model_label']}: not measured")
            continue
        unseen = "" if pd.isna(r["unseen_mae"]) else f" ({r['unseen_mae']:.1f} unseen)"
        parts.append(f"{r['model_label']} {r['mae']:.1f}{unseen}")
    if not parts:
        return ""
    return (
        "Measured accuracy on decided EU issues (mean absolute error in points of a 0–100 "
        "scale; see the table “How accurate each model has been on real EU decisions”): "
        + "; ".join(parts)
        + "."
    )


def _issue_panel(
    res: NegotiationResults, scenario: Scenario, j: int, table: pd.DataFrame, accuracy: str
) -> Panel:
    issue = scenario.issues[j]
    tok = safe_token(issue.id, j)
    lo, hi = issue.scale.min, issue.scale.max
    unit = f"position on the {lo:g}–{hi:g} scale"
    intro = [issue.description] if issue.description else []
    if issue.anchors:
        intro.append("Scale: " + "; ".join(f"{k:g} = {v}" for k, v in issue.anchors.items()) + ".")
    figs: list[Figure] = []
    notes: list[str] = []
    model_scale = charts.model_scale(res.labels)
    model_colours = charts.model_colours(res.labels)
    sub = table[table["issue"] == issue.id].copy()
    plot = sub[["model_label", "point", "p05", "p25", "median", "p75", "p95", "status_quo"]].rename(
        columns={"model_label": "model"}
    )
    has_draws = bool(sub["n_draws"].max() > 0) if len(sub) else False
    figs.append(
        Figure(
            id=f"forecast_{tok}",
            title=f"Forecasts by model: {issue.label}",
            caption="Each model's point forecast (dot, in the model's colour)"
            + (
                ", its 50% interval (thick bar) and 90% interval (thin bar) over the "
                "Monte Carlo draws of the inputs"
                if has_draws
                else ""
            )
            + "; the dashed black line is the status quo."
            + (f" {accuracy}" if accuracy else ""),
            table=plot.reset_index(drop=True),
            spec=charts.dot_intervals(plot, lower=lo, upper=hi, unit=unit, colours=model_scale),
            source="computed by detente from the scenario file",
        )
    )
    if not has_draws and res.draws_note:
        notes.append(res.draws_note)
    traj = trajectory_table(res, j)
    if len(traj):
        actor_colours = charts.colour_scale(
            [a.id for a in scenario.actors], [a.colour for a in scenario.actors]
        )
        smp_note = (
            " The spatial model moves every issue at once; its panel shows the positions on "
            "this issue."
            if res.label("smp") in set(traj["model"])
            else ""
        )
        figs.append(
            Figure(
                id=f"trajectory_{tok}",
                title=f"Positions round by round: {issue.label}",
                caption="How each actor's position moves from round to round in the "
                "iterative models, until they stop (each model's title in its colour)." + smp_note,
                table=traj,
                spec=charts.trajectories(
                    traj,
                    lower=lo,
                    upper=hi,
                    colours=actor_colours,
                    model_colours=model_colours,
                    y_title=unit,
                ),
                source="computed by detente from the scenario file",
            )
        )
    else:
        notes.append(
            "No round-by-round trajectory: neither the spatial model (smp) nor the "
            "expected-utility model (eum) ran on this issue in this build."
        )
    ch = challenge_table(res, issue.id)
    if len(ch):
        model = str(ch["model"].iloc[0])
        figs.append(
            Figure(
                id=f"challenges_{tok}",
                title=f"Who challenges whom in the {model} model (first round): {issue.label}",
                caption="Each point is one challenge made in the model's first round on "
                "this issue: up, the challenger's expected utility of challenging; right, "
                "the target's expected utility of challenging the challenger back. Upper "
                "right (both expect to gain): a confrontation is likely; upper left (the "
                "target expects to lose): the target is likely to give way, by compromise "
                "or capitulation. A challenger only challenges when it expects to gain, so "
                "the lower half stays empty. The axes are those of KTAB's quadrant map "
                "(challenger up, target right). Challenges are named (challenger → target) "
                "where there is room, farthest from the centre first. Expected utilities "
                "are unitless.",
                table=ch,
                spec=charts.quadrant(
                    ch,
                    x="gain_target",
                    y="gain_challenger",
                    x_title="target's expected utility of challenging back",
                    y_title="challenger's expected utility",
                    colour=model_colours.get(model, charts.BASE),
                    corners=(
                        "both expect to gain: confrontation",
                        "target expects to lose: it gives way",
                        "",
                        "",
                    ),
                    label="label",
                ),
                source="computed by detente from the scenario file",
            )
        )
    else:
        notes.append("No challenge was recorded on this issue in the first round.")
    if res.swings is not None and len(res.swings):
        sw = res.swings[res.swings["issue"] == issue.id]
        if len(sw):
            sw = sw.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
            figs.append(
                Figure(
                    id=f"sensitivity_{tok}",
                    title=f"Sensitivity: whose position moves the forecast: {issue.label}",
                    caption="How far each model's forecast moves when one actor's position "
                    "goes from the low to the high end of its stated uncertainty (±1 sd, or "
                    "its range), everything else fixed; actors with the largest swing first. "
                    + res.swings_note,
                    table=sw,
                    spec=charts.hbars(
                        sw,
                        label="actor",
                        value="swing",
                        value_title=f"change in the forecast (points on the {lo:g}–{hi:g} scale)",
                        colour="model",
                        colours=model_scale,
                        fmt=".2f",
                    ),
                    source="computed by detente from the scenario file",
                )
            )
    elif res.swings_note:
        notes.append(res.swings_note)
    for model, fc in res.forecasts.items():
        for n in fc.notes:
            if issue.id in n:
                notes.append(f"{res.label(model)}: {n}")
    return Panel(id=f"issue_{tok}", title=issue.label, intro=intro, figures=figs, notes=notes)


def _smp_challenge_panel(res: NegotiationResults) -> Panel | None:
    """KTAB's quadrant map of the spatial model's first turn (one chart per scenario)."""
    ch = smp_challenge_table(res)
    if ch.empty:
        return None
    model = res.label("smp")
    colour = charts.model_colours(res.labels).get(model, charts.BASE)
    fig = Figure(
        id="challenges_smp",
        title=f"Who challenges whom in the {model} (first turn, all issues at once)",
        caption="Each point is one actor's challenge in the first turn, as in KTAB's "
        "quadrant map (SMPQ): up, the challenger's expected utility change (KTAB's "
        "“E[ΔU] to Initiator”); right, the target's expected utility change from the same "
        "challenge (“E[ΔU] to Receiver”), both as the challenger estimates them. Upper left "
        "(red): the challenger gains at the target's cost, the usual challenge; upper right "
        "(green): both expect to gain; lower half: the challenger expects to lose, so no "
        "such challenge is made. Expected utility changes are unitless (utilities of "
        "positions on KTAB's scale). Labels: challenger → target (points that coincide "
        "share one label).",
        table=ch,
        spec=charts.quadrant(
            ch,
            x="gain_target",
            y="gain_challenger",
            x_title="E[ΔU] to the target (receiver)",
            y_title="E[ΔU] to the challenger (initiator)",
            colour=colour,
            corners=(
                "both expect to gain",
                "challenger gains, target loses",
                "both expect to lose",
                "target gains, challenger loses",
            ),
            label="label",
        ),
        source="computed by detente from the scenario file (KTAB's Spatial Model of Politics)",
    )
    return Panel(
        id="smp_challenges",
        title="Challenges in the spatial model",
        intro=[
            "In KTAB's Spatial Model of Politics an actor does not challenge another on "
            "one issue: it challenges the other's whole position, on every issue at once, "
            "weighted by the saliences. So its challenges are drawn once for the scenario, "
            "not issue by issue. Each actor challenges the one actor it expects to gain most "
            "from challenging; the challenge becomes a compromise both may accept."
        ],
        figures=[fig],
    )


def negotiation_section(res: NegotiationResults, scenario: Scenario) -> Section:
    """Section 4: negotiation forecasts for every issue."""
    intro = [
        "Each model turns the same positions, saliences and capabilities into a forecast "
        "of where each issue settles. The weighted mean (the compromise model) and the "
        "weighted median have closed forms; Nash bargaining splits the gains over the "
        "status quo; the expected-utility model (Bueno de Mesquita, as specified by "
        "Scholz et al. 2011) and the spatial model (KTAB) simulate rounds of challenges "
        "and offers. Where the models agree, the forecast is robust to the choice of "
        "model; where they disagree, the reasons are in the models' assumptions."
    ]
    if res.unavailable is not None:
        return Section(
            id="forecasts",
            title="4. Negotiation forecasts",
            intro=intro,
            panels=[Panel.missing("forecasts_missing", "Forecasts", res.unavailable)],
        )
    table = forecast_table(res, scenario)
    summary = Figure(
        id="forecast_summary",
        title="All forecasts",
        caption="Every model's forecast on every issue (point value, and the quantiles "
        "over the draws when the run has draws), with the nearest verbal anchor of the "
        "point forecast.",
        table=table,
        kind="table",
        source="computed by detente from the scenario file",
        headers={
            "issue_label": "issue label",
            "model_label": "model label",
            "point": "point forecast",
            "p05": "5%",
            "p25": "25%",
            "median": "median",
            "p75": "75%",
            "p95": "95%",
            "n_draws": "draws",
            "status_quo": "status quo",
            "nearest_anchor": "nearest verbal anchor",
        },
    )
    acc = accuracy_table(res)
    notes = [f"{res.label(m)} could not run: {why}" for m, why in res.failures.items()]
    for model, fc in res.forecasts.items():
        if not fc.converged:
            notes.append(f"{res.label(model)} stopped without converging: {fc.stop_reason}")
    panels = [
        Panel(
            id="forecast_overview",
            title="Overview",
            figures=[summary, accuracy_figure(acc)],
            notes=notes,
        )
    ]
    smp_panel = _smp_challenge_panel(res)
    if smp_panel is not None:
        panels.append(smp_panel)
    note = accuracy_note(acc)
    panels += [_issue_panel(res, scenario, j, table, note) for j in range(len(scenario.issues))]
    return Section(id="forecasts", title="4. Negotiation forecasts", intro=intro, panels=panels)
