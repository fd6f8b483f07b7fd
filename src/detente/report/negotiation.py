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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.report import charts
from detente.report.figures import Figure, Panel, Section, safe_token
from detente.scenario import Scenario

__all__ = [
    "ForecastLike",
    "NegotiationResults",
    "challenge_table",
    "forecast_table",
    "negotiation_section",
    "smp_challenge_table",
    "swing_table",
    "trajectory_table",
]

#: Models whose rounds are drawn (when they ran and kept a trajectory).
ITERATIVE = ("smp", "eum")


class ForecastLike(Protocol):
    """What the report reads from a forecast (``detente.bargaining.Forecast``)."""

    model: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    outcome: NDArray[np.float64]
    trajectory: NDArray[np.float64] | None
    rounds: int
    converged: bool
    stop_reason: str
    events: pd.DataFrame | None
    notes: tuple[str, ...]


@dataclass
class NegotiationResults:
    """Everything the forecast panels draw.

    Attributes
    ----------
    forecasts
        Point forecast per model name.
    labels
        Display label per model name.
    failures
        Models that could not run on this scenario, with the reason.
    draws
        Per model, ``(R, k)`` forecasts over ``R`` Monte Carlo draws of the inputs;
        empty when the run has no draws.
    draws_note
        Why there are no draws (shown in the panel), or how they were made.
    swings
        One-at-a-time sensitivity rows (see :func:`swing_table`), or ``None``.
    swings_note
        Why there are no swings, or how they were made.
    unavailable
        Why no forecast could be made at all (the engine is missing...).
    """

    forecasts: dict[str, ForecastLike] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    draws: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    draws_note: str = ""
    swings: pd.DataFrame | None = None
    swings_note: str = ""
    unavailable: str | None = None


def _label(res: NegotiationResults, model: str) -> str:
    return res.labels.get(model, model)


def forecast_table(res: NegotiationResults, scenario: Scenario) -> pd.DataFrame:
    """Every model's forecast on every issue, with intervals from the draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``issue, issue_label, model, model_label, point, p05, p25, median,
        p75, p95, n_draws, status_quo, nearest_anchor``.
    """
    rows = []
    for j, issue in enumerate(scenario.issues):
        sq = math.nan if issue.status_quo is None else float(issue.status_quo)
        for model, fc in res.forecasts.items():
            point = float(fc.outcome[j])
            row: dict[str, Any] = {
                "issue": issue.id,
                "issue_label": issue.label,
                "model": model,
                "model_label": _label(res, model),
                "point": point,
            }
            d = res.draws.get(model)
            if d is not None and d.shape[0] > 0:
                col = d[:, j]
                col = col[np.isfinite(col)]
                qs = np.quantile(col, [0.05, 0.25, 0.5, 0.75, 0.95]) if col.size else [math.nan] * 5
                row.update(
                    {
                        "p05": float(qs[0]),
                        "p25": float(qs[1]),
                        "median": float(qs[2]),
                        "p75": float(qs[3]),
                        "p95": float(qs[4]),
                        "n_draws": int(col.size),
                    }
                )
            else:
                row.update(
                    {k: math.nan for k in ("p05", "p25", "median", "p75", "p95")} | {"n_draws": 0}
                )
            row["status_quo"] = sq
            row["nearest_anchor"] = issue.anchor_text(point) if math.isfinite(point) else ""
            rows.append(row)
    cols = [
        "issue",
        "issue_label",
        "model",
        "model_label",
        "point",
        "p05",
        "p25",
        "median",
        "p75",
        "p95",
        "n_draws",
        "status_quo",
        "nearest_anchor",
    ]
    return pd.DataFrame(rows, columns=cols)


def trajectory_table(res: NegotiationResults, j: int) -> pd.DataFrame:
    """Positions by round on issue ``j`` for the iterative models that kept them."""
    frames = []
    for model in ITERATIVE:
        fc = res.forecasts.get(model)
        if fc is None or fc.trajectory is None:
            continue
        traj = np.asarray(fc.trajectory)[:, :, j]
        t, n = traj.shape
        turn, actor = np.meshgrid(np.arange(t), np.arange(n), indexing="ij")
        flat = traj.reshape(-1)
        keep = np.isfinite(flat)
        frames.append(
            pd.DataFrame(
                {
                    "model": _label(res, model),
                    "turn": turn.reshape(-1)[keep],
                    "actor": np.asarray(fc.actor_ids, dtype=object)[actor.reshape(-1)[keep]],
                    "position": flat[keep],
                }
            )
        )
    if not frames:
        return pd.DataFrame({"model": [], "turn": [], "actor": [], "position": []})
    return pd.concat(frames, ignore_index=True)


def _with_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Add a ``label`` column, "challenger → target", to a challenge table."""
    df = df.reset_index(drop=True)
    texts = [f"{a} → {b}" for a, b in zip(df["challenger"], df["target"], strict=True)]
    return df.assign(label=pd.Series(texts, index=df.index, dtype=object))


_CHALLENGE_COLUMNS = ["model", "turn", "challenger", "target", "gain_challenger", "gain_target"]


def challenge_table(res: NegotiationResults, issue_id: str) -> pd.DataFrame:
    """First-round challenges on one issue in the expected-utility model.

    Reads the forecasts' ``events`` (columns ``turn, actor, target, kind, issue,
    eu_actor, eu_target``): the rows of kind ``challenge`` in the first round in which
    any challenge was made.  ``gain_challenger`` is the challenger's expected utility
    of challenging, ``gain_target`` the target's expected utility of challenging the
    challenger back (:mod:`detente.bargaining.eum`); ``label`` reads "challenger →
    target".
    """
    frames = []
    needed = {"turn", "actor", "target", "kind", "issue", "eu_actor", "eu_target"}
    for model in ITERATIVE:
        fc = res.forecasts.get(model)
        ev = None if fc is None else fc.events
        if ev is None or ev.empty or not needed <= set(ev.columns):
            continue
        rows = ev[(ev["issue"] == issue_id) & (ev["kind"] == "challenge")]
        if rows.empty:
            continue
        first = rows[rows["turn"] == rows["turn"].min()]
        frames.append(
            pd.DataFrame(
                {
                    "model": _label(res, model),
                    "turn": first["turn"].to_numpy(),
                    "challenger": first["actor"].astype(str).to_numpy(),
                    "target": first["target"].astype(str).to_numpy(),
                    "gain_challenger": first["eu_actor"].astype(float).to_numpy(),
                    "gain_target": first["eu_target"].astype(float).to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: [] for c in [*_CHALLENGE_COLUMNS, "label"]})
    return _with_labels(pd.concat(frames, ignore_index=True))


def smp_challenge_table(res: NegotiationResults) -> pd.DataFrame:
    """The spatial model's first-turn challenges: KTAB's quadrant-map data.

    Reads the ``smp`` forecast's ``events``: each actor's challenge in the first turn,
    with ``gain_challenger`` the challenger's expected utility change (KTAB's "E[ΔU] to
    Initiator"), ``gain_target`` the target's expected utility change from the same
    challenge (KTAB's "E[ΔU] to Receiver"), both as the challenger estimates them, and
    ``p_win`` its estimate that it wins.  A spatial-model challenge is over the whole
    position vector, every issue at once.
    """
    cols = [*_CHALLENGE_COLUMNS, "p_win", "label"]
    fc = res.forecasts.get("smp")
    ev = None if fc is None else fc.events
    needed = {"turn", "actor", "target", "kind", "gain", "target_gain", "p_win"}
    if ev is None or ev.empty or not needed <= set(ev.columns):
        return pd.DataFrame({c: [] for c in cols})
    rows = ev[ev["kind"] == "challenge"]
    if rows.empty:
        return pd.DataFrame({c: [] for c in cols})
    first = rows[rows["turn"] == rows["turn"].min()]
    df = pd.DataFrame(
        {
            "model": _label(res, "smp"),
            "turn": first["turn"].to_numpy(),
            "challenger": first["actor"].astype(str).to_numpy(),
            "target": first["target"].astype(str).to_numpy(),
            "gain_challenger": first["gain"].astype(float).to_numpy(),
            "gain_target": first["target_gain"].astype(float).to_numpy(),
            "p_win": first["p_win"].astype(float).to_numpy(),
        }
    )
    return _with_labels(df)[cols]


def swing_table(
    issue_ids: Sequence[str],
    actor_ids: Sequence[str],
    model: str,
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    at_low: NDArray[np.float64],
    at_high: NDArray[np.float64],
) -> pd.DataFrame:
    """One-at-a-time swings of one model's forecast, as a tidy table.

    Parameters
    ----------
    issue_ids, actor_ids
        Axis labels.
    model
        The model whose forecast moved.
    low, high
        ``(n, k)`` the positions tried for each actor and issue (NaN: not tried).
    at_low, at_high
        ``(n, k)`` the model's forecast on that issue with the actor at ``low`` /
        ``high`` and everything else at its point value.

    Returns
    -------
    pandas.DataFrame
        ``model, issue, actor, position_low, position_high, forecast_low,
        forecast_high, swing`` with ``swing = |forecast_high - forecast_low|``,
        sorted by issue then swing (largest first).
    """
    rows = []
    for a, actor in enumerate(actor_ids):
        for j, issue in enumerate(issue_ids):
            if not (np.isfinite(low[a, j]) and np.isfinite(high[a, j])):
                continue
            rows.append(
                {
                    "model": model,
                    "issue": issue,
                    "actor": actor,
                    "position_low": float(low[a, j]),
                    "position_high": float(high[a, j]),
                    "forecast_low": float(at_low[a, j]),
                    "forecast_high": float(at_high[a, j]),
                    "swing": float(abs(at_high[a, j] - at_low[a, j])),
                }
            )
    df = pd.DataFrame(
        rows,
        columns=[
            "model",
            "issue",
            "actor",
            "position_low",
            "position_high",
            "forecast_low",
            "forecast_high",
            "swing",
        ],
    )
    return df.sort_values(["issue", "swing"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


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
        smp_note = (
            " The spatial model moves every issue at once; its panel shows the positions on "
            "this issue."
            if _label(res, "smp") in set(traj["model"])
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
                notes.append(f"{_label(res, model)}: {n}")
    return Panel(id=f"issue_{tok}", title=issue.label, intro=intro, figures=figs, notes=notes)


def _smp_challenge_panel(res: NegotiationResults) -> Panel | None:
    """KTAB's quadrant map of the spatial model's first turn (one chart per scenario)."""
    ch = smp_challenge_table(res)
    if ch.empty:
        return None
    model = _label(res, "smp")
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
    notes = [f"{_label(res, m)} could not run: {why}" for m, why in res.failures.items()]
    for model, fc in res.forecasts.items():
        if not fc.converged:
            notes.append(f"{_label(res, model)} stopped without converging: {fc.stop_reason}")
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
