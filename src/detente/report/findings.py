"""Findings: plain sentences generated from the numbers behind the charts.

Every sentence is computed from a figure's table (or the results it was built from)
and carries the id of that figure, so the report can link it to its chart.  Nothing
here is written by hand about a particular case: the same rules produce the
sentences for any scenario.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from detente.pipeline.results import StrategyResults, pairwise_table
from detente.report.figures import Finding, safe_token
from detente.report.labels import (
    phrase_of,
    rank_phrase,
    shown_units,
    strategy_label,
    unit_after_number,
    unit_of,
)
from detente.report.strategy import box_phrases
from detente.scenario import Scenario

__all__ = ["accuracy_findings", "forecast_findings", "rank_findings", "strategy_findings"]


def _num(x: float) -> str:
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:.1f}"


def forecast_findings(table: pd.DataFrame, scenario: Scenario) -> list[Finding]:
    """Sentences about each issue's forecasts (range across models, intervals, move).

    Parameters
    ----------
    table
        The forecast summary (:func:`detente.report.negotiation.forecast_table`).
    scenario
        The scenario (issue labels, scales, anchors).
    """
    out: list[Finding] = []
    for j, issue in enumerate(scenario.issues):
        sub = table[(table["issue"] == issue.id) & table["point"].notna()]
        if sub.empty:
            continue
        fig = f"forecast_{safe_token(issue.id, j)}"
        span = issue.scale.max - issue.scale.min
        points = sub["point"].to_numpy(dtype=float)
        lo = sub.iloc[int(points.argmin())]
        hi = sub.iloc[int(points.argmax())]
        centre = float(sub["point"].median())
        anchor = issue.anchor_text(centre)
        text = f"{issue.label}: "
        if len(sub) > 1 and (hi["point"] - lo["point"]) > 0.005 * span:
            text += (
                f"the forecasts range from {_num(lo['point'])} under {lo['model_label']} to "
                f"{_num(hi['point'])} under {hi['model_label']} on the "
                f"{issue.scale.min:g}–{issue.scale.max:g} scale"
            )
        else:
            text += f"the models agree on about {_num(centre)}"
        if anchor:
            text += f"; the middle forecast is nearest to “{anchor}”"
        sq = issue.status_quo
        if sq is not None:
            move = centre - sq
            if abs(move) > 0.02 * span:
                text += f", {'up' if move > 0 else 'down'} from a status quo of {sq:g}"
            else:
                text += f", close to the status quo ({sq:g})"
        text += "."
        with_draws = sub[sub["n_draws"] > 0]
        if len(with_draws):
            width = (with_draws["p95"] - with_draws["p05"]).to_numpy(dtype=float)
            widest = with_draws.iloc[int(width.argmax())]
            text += (
                f" Over the input draws, the widest 90% interval is {_num(widest['p05'])} to "
                f"{_num(widest['p95'])}, from {widest['model_label']}."
            )
        disagreement = (hi["point"] - lo["point"]) / span
        out.append(Finding(text, fig, "forecasts", 1.0 + disagreement))
    return out


def accuracy_findings(table: pd.DataFrame) -> list[Finding]:
    """One sentence on the models' track record on decided EU issues.

    Parameters
    ----------
    table
        :func:`detente.pipeline.accuracy.accuracy_table` (the models that forecast,
        and the compromise model as a benchmark when none of them is it).

    Returns
    -------
    list of Finding
        Empty when no model has measured figures.  The sentence names the models in
        order of their error on the development split, with their error on unseen
        decisions where measured, and says whether any model has been more accurate
        than the compromise model on unseen decisions (only then is one called so).
    """
    from detente.backtest.accuracy import VERDICTS

    measured = table[table["mae"].notna()].sort_values("mae", kind="stable")
    if measured.empty:
        return []
    n = int(measured["n"].max())
    unseen_n = measured["unseen_n"].dropna()
    parts = []
    for _, r in measured.iterrows():
        extra = []
        if not pd.isna(r["unseen_mae"]):
            extra.append(f"{r['unseen_mae']:.1f}")
        if int(r["n"]) != n:
            extra.append(f"on the {int(r['n'])} issues it forecasts")
        tail = f" ({'; '.join(extra)})" if extra else ""
        who = r["model_label"] + ("" if r["model"] else ", not run here")
        parts.append(f"{who} {r['mae']:.1f}{tail}")
    where = (
        f"; in brackets, on {int(unseen_n.max())} decisions never used to build or tune a model"
        if len(unseen_n)
        else ""
    )
    text = (
        f"Track record on decided EU legislation (DEU III, {n} issues): the forecasts "
        f"missed the adopted outcomes by this many points on average (0–100 scales{where}): "
        + _series(parts)
        + "."
    )
    better = measured[measured["verdict"] == VERDICTS["better"]]
    if len(better):
        text += (
            " "
            + _series(list(better["model_label"]))
            + " beat the compromise model (the weighted mean) there, also on unseen decisions."
        )
    else:
        text += (
            " None has beaten the compromise model (the capability × salience weighted "
            "mean) on decisions it had not been tuned on: on this record, no other "
            "model's forecast has earned more trust than the compromise model's."
        )
    unmeasured = table[table["mae"].isna()]
    if len(unmeasured):
        text += (
            " Not measured with the parameters used here: "
            + _series(list(unmeasured["model_label"]))
            + "."
        )
    return [Finding(text, "forecast_accuracy", "forecasts", 2.5)]


def swing_findings(swings: pd.DataFrame | None, scenario: Scenario) -> list[Finding]:
    """For each issue, the actor whose position moves the forecast most."""
    if swings is None or swings.empty:
        return []
    out = []
    for j, issue in enumerate(scenario.issues):
        sub = swings[swings["issue"] == issue.id]
        if sub.empty or float(sub["swing"].max()) <= 0:
            continue
        top = sub.iloc[int(sub["swing"].to_numpy(dtype=float).argmax())]
        out.append(
            Finding(
                f"{issue.label}: the forecast is most sensitive to {top['actor']}'s position: "
                f"moving it from {_num(top['position_low'])} to {_num(top['position_high'])} "
                f"moves the {top['model']} forecast by {top['swing']:.1f} points.",
                f"sensitivity_{safe_token(issue.id, j)}",
                "forecasts",
                0.9,
            )
        )
    return out


def _value(x: float, unit: str) -> str:
    """A number with its unit, for sentences (``"-4.72 vu"``; shares as percentages)."""
    if unit in {"share", "share of years"}:
        return f"{x:.0%}"
    unit = unit_after_number(unit)
    return f"{x:.3g}" + (f" {unit}" if unit else "")


def _series(items: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a; b; and c"`` (items may contain commas)."""
    if len(items) <= 2:
        return " and ".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def strategy_findings(res: StrategyResults) -> list[Finding]:
    """Sentences about the strategy lab: the most robust strategy, head-to-head shares
    with the PRIM conditions under which the better strategy loses, breakdown
    probabilities, and the uncertainties that matter most.

    Parameters, outcomes and strategies are written with their labels and units
    (:mod:`detente.report.labels`).
    """
    out: list[Finding] = []
    if res.unavailable is not None or not res.ranking:
        return out
    best = res.ranking[0]
    judged = res.outcome
    judged_label = phrase_of(judged)
    unit = unit_of(judged, shown_units(res.units, res.model_units))
    scores = res.scores
    if scores is not None and len(scores):
        row = scores[scores["strategy"] == best]
        if len(row):
            r = row.iloc[0]
            how = rank_phrase(res.rank_by)
            if res.rank_by in r and res.rank_by != "mean":
                crit = float(r[res.rank_by])
                shown = f"{crit:.0%}" if res.rank_by == "satisficing" else _value(crit, unit)
                how += f" ({shown})"
            text = (
                f"Across {res.n_scenarios:,} sampled futures, the most robust strategy is "
                f"{strategy_label(best)}: it has {how} on {judged_label}. Under it, "
                f"{judged_label} averages {_value(float(r['mean']), unit)}"
            )
            if "satisficing" in r and not math.isnan(float(r["satisficing"])):
                share = float(r["satisficing"])
                text += f", and every threshold is met in {share:.0%} of futures"
            out.append(Finding(text + ".", "strategy_robustness", "strategy", 5.0))
    m = res.matrices.get(judged)
    info = res.outcomes.get(judged)
    sign = info.sign if info is not None and info.sign else 1.0
    if m is not None:
        pw = pairwise_table(m, res.strategies, sign)
        prim_by_pair = {(q.a, q.b): q for q in res.prim}
        pairs = [(a, b) for a in res.strategies for b in res.strategies if a != b]
        # the pairs PRIM was asked about, then recommended vs each other strategy
        ordered = [k for k in prim_by_pair if k in pairs] + [
            (best, b) for b in res.strategies if b != best and (best, b) not in prim_by_pair
        ]
        done: set[frozenset[str]] = set()
        for a, b in ordered:
            key = frozenset((a, b))
            if key in done:
                continue
            done.add(key)
            hit = pw[(pw["strategy"] == a) & (pw["versus"] == b)]
            if hit.empty:
                continue
            better = float(hit["better"].iloc[0])
            worse = float(hit["worse"].iloc[0])
            tie = float(hit["tie"].iloc[0])
            text = (
                f"{_cap(strategy_label(a))} beats {strategy_label(b)} on {judged_label} in "
                f"{better:.0%} of futures and does worse in {worse:.0%}"
            )
            if tie >= 0.005:
                text += f" (equal in {tie:.0%})"
            q = prim_by_pair.get((a, b))
            if q is not None and q.boxes:
                words = box_phrases(
                    q.boxes[0]["limits"], res.bounds, shown_units(res.units, res.model_units)
                )
                if words:
                    text += (
                        f". It does worse mainly when {_series(words)}: a PRIM box "
                        f"holding {q.boxes[0]['coverage']:.0%} of the futures where it does "
                        f"worse, and inside which it does worse in "
                        f"{q.boxes[0]['density']:.0%} of futures"
                    )
                k = res.prim.index(q)
                out.append(Finding(text + ".", f"prim_{k}", "strategy", 4.5))
            else:
                out.append(Finding(text + ".", "strategy_pairwise", "strategy", 4.0))
    if res.breakdown_by_year:
        parts = []
        for s, probs in res.breakdown_by_year.items():
            if probs and s != "none":
                parts.append(f"{probs[-1]:.0%} under {strategy_label(s)}")
        if parts:
            out.append(
                Finding(
                    f"Share of futures in which the partnership has broken down by year "
                    f"{res.horizon}: " + ", ".join(parts) + ".",
                    "strategy_breakdown",
                    "strategy",
                    3.5,
                )
            )
    for k, (outcome, df) in enumerate(res.sobol.items()):
        if df.empty:
            continue
        top = df.sort_values("ST", ascending=False, kind="stable").head(3)
        names = [
            f"{phrase_of(n)} ({st:.2f})" for n, st in zip(top["input"], top["ST"], strict=True)
        ]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        out.append(
            Finding(
                f"Under {strategy_label(res.sobol_strategy)}, {phrase_of(outcome)} depends "
                f"most on {listed} (total Sobol indices: the share of its variance each "
                "drives, interactions included).",
                f"sobol_{k}",
                "strategy",
                3.0,
            )
        )
    return out


def rank_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Findings ordered by weight (stable for equal weights)."""
    order = np.argsort([-f.weight for f in findings], kind="stable")
    return [findings[int(i)] for i in order]
