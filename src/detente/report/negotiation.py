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

The builders here take the engines' results as plain objects
(:class:`NegotiationResults`), so they are independent of how the engines were run.
"""

from __future__ import annotations

import pandas as pd

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
    "negotiation_section",
]


def _issue_panel(res: NegotiationResults, scenario: Scenario, j: int, table: pd.DataFrame) -> Panel:
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
            + "; the dashed black line is the status quo.",
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
        shown = set(traj["model"])
        smp_note = (
            " The spatial model moves every issue at once; its panel shows the positions on "
            "this issue."
            if res.label("smp") in shown
            else ""
        )
        if res.label("exchange") in shown:
            smp_note += (
                " The exchange model's panel shows the voting positions at the end of each of "
                "its rounds (its forecast is the weighted mean of the last ones); each round "
                "starts from positions pulled partly back towards the previous start."
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
            "No round-by-round trajectory: neither the spatial model (smp), the "
            "expected-utility model (eum) nor the exchange model ran on this issue in this "
            "build."
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
    notes = [f"{res.label(m)} could not run: {why}" for m, why in res.failures.items()]
    for model, fc in res.forecasts.items():
        if not fc.converged:
            notes.append(f"{res.label(model)} stopped without converging: {fc.stop_reason}")
    panels = [
        Panel(
            id="forecast_overview",
            title="Overview",
            figures=[summary],
            notes=notes,
        )
    ]
    smp_panel = _smp_challenge_panel(res)
    if smp_panel is not None:
        panels.append(smp_panel)
    panels += [_issue_panel(res, scenario, j, table) for j in range(len(scenario.issues))]
    return Section(id="forecasts", title="4. Negotiation forecasts", intro=intro, panels=panels)
