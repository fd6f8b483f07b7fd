"""Section 5: which concessions pay for both sides (the deal finder).

The exchange model's first round between the scenario's two sides (its ``[deals]``
table) or among all actors: the package as a chart (each deal's moves, issue by issue,
and each issue's forecast before and after), the gains of each side, the deals as a
table, and, as tables, how robust each deal is over the draws of the inputs and the
rival bids.  A finding names the package in one sentence.

The builders take :class:`~detente.pipeline.deals.DealsResults`, plain tables, so they
do not depend on how the deal finder was run.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from detente.pipeline.deals import DealsResults
from detente.report import charts
from detente.report.figures import Figure, Finding, Panel, Section
from detente.scenario import Scenario

__all__ = ["TITLE", "deals_findings", "deals_section", "moves_table"]

TITLE = "Which concessions pay for both sides"
SOURCE = (
    "computed by detente's deal finder (the exchange model, first round) from the scenario file"
)
GAIN_UNIT = (
    "Gains are in utility points: a forecast's shift on the issue's scale rescaled to "
    "0–100, times the actor's salience rescaled to 0–1 (the exchange model's units)."
)
_SIDE_COLOURS = ("#1b9e77", "#d95f02")


def _pct(issue: Any, x: float) -> float:
    lo, hi = issue.scale.min, issue.scale.max
    return 100.0 * (float(x) - lo) / (hi - lo)


def _f(x: float) -> str:
    return "n/a" if not math.isfinite(float(x)) else f"{float(x):.4g}"


def moves_table(res: DealsResults, scenario: Scenario) -> pd.DataFrame:
    """The package chart's data: per issue its forecast, then each move made on it.

    Columns ``issue``, ``row`` (the chart's row label), ``kind`` (``forecast`` or
    ``move``), ``deal`` (0 for a forecast), ``who`` (the mover's side, or the mover
    without sides), ``actor``, ``start``/``end`` (per cent of the issue's scale),
    ``from``/``to`` (the issue's own scale), ``direction`` and ``tip``.
    """
    by_id = {i.id: i for i in scenario.issues}
    moves: list[dict[str, Any]] = []
    for r in res.deals.to_dict(orient="records"):
        for tag in ("a", "b"):
            moves.append(
                {
                    "issue": str(r[f"{tag}_issue"]),
                    "deal": int(r["deal"]),
                    "actor": str(r[f"{tag}_actor"]),
                    "from": float(r[f"{tag}_from"]),
                    "to": float(r[f"{tag}_to"]),
                }
            )
    side_of = {}
    if res.sides is not None:
        side_of = {a: n for n, m in zip(res.sides.names, res.sides.members, strict=True) for a in m}
    rows: list[dict[str, Any]] = []
    for p in res.package.to_dict(orient="records"):
        issue = by_id[str(p["issue"])]
        mine = [m for m in moves if m["issue"] == issue.id]
        if not mine:
            continue
        before, after = float(p["outcome_before"]), float(p["outcome_after"])
        rows.append(
            {
                "issue": issue.id,
                "row": f"{issue.id}: forecast",
                "kind": "forecast",
                "deal": 0,
                "who": "forecast",
                "actor": "",
                "start": _pct(issue, before),
                "end": _pct(issue, after),
                "from": before,
                "to": after,
                "direction": "up" if after >= before else "down",
                "tip": f"{issue.label}: forecast {_f(before)} → {_f(after)} "
                f"(shift {float(p['shift']):+.3g})",
            }
        )
        for m in mine:
            rows.append(
                {
                    "issue": issue.id,
                    "row": f"{issue.id}: #{m['deal']} {m['actor']}",
                    "kind": "move",
                    "deal": m["deal"],
                    "who": side_of.get(m["actor"], m["actor"]),
                    "actor": m["actor"],
                    "start": _pct(issue, m["from"]),
                    "end": _pct(issue, m["to"]),
                    "from": m["from"],
                    "to": m["to"],
                    "direction": "up" if m["to"] >= m["from"] else "down",
                    "tip": f"{issue.label}: deal {m['deal']}, {m['actor']} "
                    f"{_f(m['from'])} → {_f(m['to'])}",
                }
            )
    cols = ["issue", "row", "kind", "deal", "who", "actor", "start", "end", "from", "to"]
    return pd.DataFrame(rows, columns=[*cols, "direction", "tip"])


def _who_scale(res: DealsResults, scenario: Scenario, table: pd.DataFrame) -> alt.Scale:
    if res.sides is not None:
        return alt.Scale(domain=list(res.sides.names), range=list(_SIDE_COLOURS))
    movers = [a.id for a in scenario.actors]
    scale = charts.colour_scale(movers, [a.colour for a in scenario.actors])
    present = list(dict.fromkeys(table.loc[table["kind"] == "move", "who"]))
    mapping = dict(zip(scale.to_dict()["domain"], scale.to_dict()["range"], strict=True))
    return alt.Scale(domain=present, range=[mapping[a] for a in present])


def _deals_figure(res: DealsResults) -> Figure:
    d = res.deals
    table = d[
        [
            "deal",
            "a_actor",
            "a_issue",
            "a_from",
            "a_to",
            "a_gain",
            "b_actor",
            "b_issue",
            "b_from",
            "b_to",
            "b_gain",
            "a_shift",
            "b_shift",
            "a_to_anchor",
            "b_to_anchor",
        ]
    ].reset_index(drop=True)
    return Figure(
        id="deals_table",
        title=f"The deals {res.describe_sides()}",
        caption="One row per exchange the model executes in its first round, in the order it "
        "executes them: one actor moves its position on one issue towards the other's, and "
        "the other moves on another issue in return; each side's gain, the nearest verbal "
        "anchor of each new position, and how far each move shifts the issue's forecast "
        "(the issue's own scale). An actor that trades twice on one issue moves on from "
        "where its earlier deal left it. " + GAIN_UNIT,
        table=table,
        kind="table",
        source=SOURCE,
        headers={
            "a_actor": "actor",
            "a_issue": "moves on",
            "a_from": "from",
            "a_to": "to",
            "a_to_anchor": "actor's new position: nearest anchor",
            "a_gain": "its gain",
            "b_actor": "partner",
            "b_issue": "moves on",
            "b_from": "from",
            "b_to": "to",
            "b_to_anchor": "partner's new position: nearest anchor",
            "b_gain": "its gain",
            "a_shift": "shift of the actor's issue",
            "b_shift": "shift of the partner's issue",
        },
    )


def _package_panel(res: DealsResults, scenario: Scenario) -> Panel:
    figs: list[Figure] = []
    moves = moves_table(res, scenario)
    who = (
        f"coloured by side ({res.sides.names[0]}, {res.sides.names[1]})"
        if res.sides is not None
        else "coloured by actor"
    )
    figs.append(
        Figure(
            id="deals_moves",
            title="The package, issue by issue: who moves, and where the forecast goes",
            caption="For each issue a deal moves: the forecast before and after the whole "
            "package (black, thick), then each deal's move on it (issue id, #deal and actor, "
            f"{who}), each a line from the actor's position to the arrowhead at its new one. "
            "Positions are per cent of each issue's scale (0 = its low end, 100 = its high "
            "end); hover for the values on the issue's own scale.",
            table=moves,
            spec=charts.move_arrows(
                moves,
                colours=_who_scale(res, scenario, moves),
                x_title="position (per cent of the issue's scale)",
            ),
            source=SOURCE,
        )
    )
    sg = res.side_gains.copy()
    sg["members"] = [", ".join(m) for m in sg["members"]]
    has_draws = "gain_p05" in sg.columns
    figs.append(
        Figure(
            id="deals_gains",
            title="What the package gives each side",
            caption="Each side's gain from the whole package: the change in its members' "
            "salience-weighted closeness to the forecasts, summed over its members "
            + (
                "(every member counted, whether or not it trades)"
                if res.sides is not None
                else "(each actor that trades is its own side)"
            )
            + (
                "; the black bar spans the 5th to 95th percentile over the draws of the "
                "inputs (each draw's own package)"
                if has_draws
                else ""
            )
            + ". A bar left of zero: that side loses from the package even though each of "
            "its deals pays for the two actors who make it. " + GAIN_UNIT,
            table=sg.reset_index(drop=True),
            spec=charts.hbars(
                sg,
                label="side",
                value="gain",
                value_title="gain from the package (utility points)",
                lo="gain_p05" if has_draws else None,
                hi="gain_p95" if has_draws else None,
            ),
            source=SOURCE,
        )
    )
    figs.append(_deals_figure(res))
    verdict = (
        "Every side gains from the package."
        if res.mutually_beneficial
        else "Not every side gains from the package as a whole."
    )
    intro = [
        f"The exchange model's first round {res.describe_sides()} "
        f"finds {len(res.deals)} mutually beneficial exchange"
        f"{'s' if len(res.deals) != 1 else ''}; executed together they form the package. " + verdict
    ]
    if res.sides is not None:
        intro.append(
            "Sides: "
            + "; ".join(
                f"{n} ({', '.join(m)})"
                for n, m in zip(res.sides.names, res.sides.members, strict=True)
            )
            + (". From the scenario's [deals] table." if res.sides_from == "[deals]" else ".")
        )
    return Panel(
        id="deals_package", title="The package", intro=intro, figures=figs, notes=list(res.notes)
    )


def _robust_panel(res: DealsResults) -> Panel:
    title = "Robust deals"
    if res.robust is None:
        return Panel.missing(
            "deals_robust",
            title,
            "This run made no draws of the inputs (--draws 0), so the deals' robustness "
            "was not computed.",
        )
    table = res.deals[["deal", "a_actor", "a_issue", "b_actor", "b_issue"]].merge(
        res.robust, on="deal"
    )
    fig = Figure(
        id="deals_robust",
        title="How often each deal still pays for both sides",
        caption=f"For each deal, over {res.draws:,} draws of the scenario's stated input "
        "uncertainty, the search re-run in each: the share of draws in which the model "
        "offers the same exchange (the same two actors, each moving on the same issue) and "
        "it pays for both, the share in which the model also executes it, and the 5th, "
        "50th and 95th percentiles of each side's gain over the draws in which it holds. "
        "A deal that holds in fewer than half of the draws holds at the point estimate "
        "only (flagged). " + GAIN_UNIT,
        table=table,
        kind="table",
        source=SOURCE,
        headers={
            "a_actor": "actor",
            "a_issue": "moves on",
            "b_actor": "partner",
            "b_issue": "moves on",
            "holds": "share of draws it holds",
            "executed": "share executed",
            "a_gain_p05": "actor's gain 5%",
            "a_gain_p50": "median",
            "a_gain_p95": "95%",
            "b_gain_p05": "partner's gain 5%",
            "b_gain_p50": "median",
            "b_gain_p95": "95%",
            "point_only": "point estimate only",
        },
    )
    holds = res.package_holds
    intro = []
    if holds is not None and math.isfinite(holds):
        intro.append(
            f"Every side gains from its draw's package in {100 * holds:.0f}% of the draws; "
            f"a draw's package executes {100 * float(res.overlap or 0):.0f}% of these deals on "
            "average."
        )
    return Panel(id="deals_robust", title=title, intro=intro, figures=[fig])


def _rivals_panel(res: DealsResults) -> Panel:
    riv = res.rivals
    table = riv[riv["rival"] != ""].reset_index(drop=True)
    fig = Figure(
        id="deals_rivals",
        title="Rival bids: who could offer a deal's partner more",
        caption="For each deal and each of its two actors (the partner), the best offer a "
        "third actor makes that partner on the same two issues (the partner moving on the "
        "same issue, the rival moving on the other), as the model calculates the offers at "
        "the start of the round"
        + (", rivals taken from outside the deal's other side" if res.sides is not None else "")
        + ": the partner's gain from the deal's offer and from the rival's, and the margin "
        "(positive: the rival outbids the deal). Partners no third actor can make such an "
        "offer to are left out. " + GAIN_UNIT,
        table=table,
        kind="table",
        source=SOURCE,
        headers={
            "partner_issue": "partner moves on",
            "partner_gets": "in return for a move on",
            "offer_gain": "partner's gain from the deal",
            "rival_from": "rival from",
            "rival_to": "rival to",
            "partner_from": "partner from",
            "partner_to": "partner to",
            "rival_gain": "partner's gain from the rival",
            "outbid": "outbid",
        },
    )
    n_out = int(riv["outbid"].sum()) if len(riv) else 0
    intro = [
        f"{n_out} of the {len(riv)} partner offers are outbid by a third actor."
        if len(riv)
        else "No deal, so no rival bid."
    ]
    return Panel(id="deals_rivals", title="Rival bids", intro=intro, figures=[fig])


def deals_section(res: DealsResults | None, scenario: Scenario, number: int | None = 5) -> Section:
    """Section ``number`` (none: unnumbered): the package, robust deals and rival bids."""
    title = f"{number}. {TITLE}" if number is not None else TITLE
    intro = [
        "The exchange model (Stokman & Van Oosten 1994, as decide computes it) looks for "
        "trades across issues: an actor gives way on an issue that matters less to it, "
        "and in return its partner gives way on one that matters more to it, so both gain. "
        "Its first round lists every such exchange and executes them, best first; the "
        "executed exchanges are the deals, and all of them together the package. See "
        "docs/models/exchange.md."
    ]
    if res is None or len(scenario.issues) < 2:
        reason = (
            "An exchange needs two issues; this scenario has one."
            if len(scenario.issues) < 2
            else "The deal finder did not run."
        )
        return Section(
            id="deals",
            title=title,
            intro=intro,
            panels=[Panel.missing("deals_missing", "The package", reason)],
        )
    if res.deals.empty:
        return Section(
            id="deals",
            title=title,
            intro=intro,
            panels=[Panel.missing("deals_package", "The package", " ".join(res.notes))],
        )
    panels = [_package_panel(res, scenario), _robust_panel(res), _rivals_panel(res)]
    return Section(id="deals", title=title, intro=intro, panels=panels)


def _series(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def deals_findings(res: DealsResults | None, scenario: Scenario) -> list[Finding]:
    """The package in one sentence; the rival bids and the fragile deals in others."""
    if res is None or res.deals.empty:
        return []
    by_id = {i.id: i for i in scenario.issues}
    d = res.deals
    n = len(d)
    parts = []
    if res.sides is not None:
        for k, name in enumerate(res.sides.names):
            tag = "ab"[k]
            issues = d.groupby(f"{tag}_issue")[f"{tag}_shift"].apply(lambda s: s.abs().sum())
            order = issues.sort_values(ascending=False).index.tolist()
            named = [by_id[i].label for i in order[:2]]
            if len(order) > 2:
                more = len(order) - 2
                named.append(f"{more} more issue{'s' if more > 1 else ''}")
            parts.append(f"{name} gives way chiefly on {_series(named)}")
    moved = res.package.loc[res.package["shift"].abs() > 0].copy()
    moved["size"] = moved["shift"].abs() / [
        by_id[i].scale.max - by_id[i].scale.min for i in moved["issue"]
    ]
    top = moved.sort_values("size", ascending=False).head(3)
    shifts = _series(
        [f"{by_id[i].label} by {s:+.1f}" for i, s in zip(top["issue"], top["shift"], strict=True)]
    )
    sg = res.side_gains
    gains = _series([f"{s} {g:+.2f}" for s, g in zip(sg["side"], sg["gain"], strict=True)][:4])
    head = (
        f"The package {res.describe_sides()} ({n} deal{'s' if n != 1 else ''})"
        + (f": {'; '.join(parts)}" if parts else "")
        + f"; it moves {shifts}"
    )
    verdict = "pays for every side" if res.mutually_beneficial else "does not pay for every side"
    text = f"{head}; it {verdict} (gains {gains} utility points"
    if res.package_holds is not None and math.isfinite(res.package_holds):
        text += f"; every side gains in {100 * res.package_holds:.0f}% of the input draws"
    text += ")."
    out = [Finding(text, "deals_moves", "deals", 3.2)]
    riv = res.rivals[res.rivals["outbid"]]
    if len(riv):
        best = riv.sort_values("margin", ascending=False).iloc[0]
        out.append(
            Finding(
                f"{len(riv)} of the package's {2 * n} partner offers are outbid by a third "
                f"actor; the largest margin: {best['rival']} offers {best['partner']} "
                f"{best['margin']:.3f} utility points more than deal {int(best['deal'])} "
                f"(moving on {by_id[str(best['partner_gets'])].label} from "
                f"{_f(best['rival_from'])} to {_f(best['rival_to'])}).",
                "deals_rivals",
                "deals",
                2.0,
            )
        )
    if res.robust is not None:
        fragile = res.robust[res.robust["point_only"]]
        sturdy = res.robust.iloc[int(res.robust["holds"].to_numpy().argmax())]
        out.append(
            Finding(
                f"{len(fragile)} of the {n} deals hold in fewer than half of the {res.draws:,} "
                f"input draws (at the point estimate only); the most robust, deal "
                f"{int(sturdy['deal'])}, holds in {100 * float(sturdy['holds']):.0f}%.",
                "deals_robust",
                "deals",
                1.8,
            )
        )
    return out
