"""Section 6: the strategy lab.

Strategies (the levers) are compared across many sampled futures (the uncertainties):
the distribution of each outcome per strategy, the probability that the partnership
has broken down by each year, the robustness table (expected value, percentiles,
regret, satisficing share), how often each strategy beats each other one, PRIM boxes
(the futures in which one strategy does worse than another) and Sobol indices (which
uncertainties drive the outcome).

The builders take a :class:`StrategyResults` of plain arrays and tables, so they do
not depend on how the lab was run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.pipeline.results import (
    OutcomeInfo,
    PrimQuestion,
    StrategyResults,
    histogram_table,
    pairwise_table,
)
from detente.report import charts
from detente.report.figures import Figure, Panel, Section, safe_token
from detente.report.labels import (
    PARTNERSHIP_UNITS,
    describe,
    humanise,
    label_of,
    phrase_of,
    rank_phrase,
    score_column,
    shown_units,
    unit_after_number,
    unit_of,
)

__all__ = [
    "STRATEGY_TEXT",
    "box_phrases",
    "humanise",
    "strategy_section",
]


#: What each partnership strategy does (from :mod:`detente.partnership.model`).
STRATEGY_TEXT: dict[str, str] = {
    "none": "no partnership, the baseline",
    "transactional": "Europe pays Türkiye yearly for a share of its force and ends the "
    "deal once its own need falls below a threshold",
    "integration": "an upfront package and yearly concessions over four channels "
    "(investment and trade, refugees, the PKK/YPG stance, accession), with Türkiye's force "
    "integrated into European planning",
    "hedged": "a transactional deal that switches to integration once trust reaches a threshold",
}

_SAMPLERS = {"lhs": "Latin hypercube sampling", "sobol": "a Sobol sequence", "mc": "plain random"}


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def box_phrases(
    limits: dict[str, Any],
    bounds: dict[str, tuple[float, float]],
    units: dict[str, str] | None = None,
    *,
    min_cut: float = 0.05,
    most: int = 3,
) -> list[str]:
    """Plain-words restrictions of a PRIM box, e.g. ``"size of a special Russian offer
    is above 0.82 vu"``.

    A side of a limit counts as a restriction only if it cuts off at least
    ``min_cut`` of the sampled range; the ``most`` restrictions that cut the most are
    kept, largest cut first.  Names are written with their labels and units
    (:mod:`detente.report.labels`).
    """
    found: list[tuple[float, str]] = []
    for name, lim in limits.items():
        label = phrase_of(name)
        u = unit_after_number(unit_of(name, units))
        unit = f" {u}" if u else ""
        if (
            isinstance(lim, list | tuple)
            and len(lim) == 2
            and all(isinstance(v, int | float) for v in lim)
        ):
            lo, hi = float(lim[0]), float(lim[1])
            blo, bhi = bounds.get(name, (-math.inf, math.inf))
            finite = math.isfinite(blo) and math.isfinite(bhi) and bhi > blo
            span = (bhi - blo) if finite else 1.0
            cut_lo = (lo - blo) / span if finite else (1.0 if math.isfinite(lo) else 0.0)
            cut_hi = (bhi - hi) / span if finite else (1.0 if math.isfinite(hi) else 0.0)
            low_cut, high_cut = cut_lo >= min_cut, cut_hi >= min_cut
            if low_cut and high_cut:
                found.append(
                    (cut_lo + cut_hi, f"{label} is between {_fmt(lo)} and {_fmt(hi)}{unit}")
                )
            elif low_cut:
                found.append((cut_lo, f"{label} is above {_fmt(lo)}{unit}"))
            elif high_cut:
                found.append((cut_hi, f"{label} is below {_fmt(hi)}{unit}"))
        elif isinstance(lim, list | tuple | set | frozenset):
            found.append((0.5, f"{label} is one of {', '.join(str(v) for v in lim)}"))
    found.sort(key=lambda t: -t[0])
    return [text for _, text in found[:most]]


def _prim_table(
    q: PrimQuestion,
    bounds: dict[str, tuple[float, float]],
    units: dict[str, str] | None = None,
) -> pd.DataFrame:
    rows = []
    for k, box in enumerate(q.boxes):
        for name, lim in box["limits"].items():
            if not (isinstance(lim, list | tuple) and len(lim) == 2):
                continue
            lo, hi = float(lim[0]), float(lim[1])
            blo, bhi = bounds.get(name, (lo, hi))
            span = bhi - blo if bhi > blo else 1.0
            unit = unit_of(name, units)
            rows.append(
                {
                    "box": k + 1,
                    "uncertainty": label_of(name),
                    "unit": unit,
                    "box_text": f"in the box: {_fmt(lo)} to {_fmt(hi)}"
                    + (f" {unit}" if unit else "")
                    + f" (sampled: {_fmt(blo)} to {_fmt(bhi)})",
                    "low": lo,
                    "high": hi,
                    "range_low": blo,
                    "range_high": bhi,
                    "lo_share": max(0.0, min(1.0, (lo - blo) / span)),
                    "hi_share": max(0.0, min(1.0, (hi - blo) / span)),
                    "coverage": float(box["coverage"]),
                    "density": float(box["density"]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "box",
            "uncertainty",
            "unit",
            "box_text",
            "low",
            "high",
            "range_low",
            "range_high",
            "lo_share",
            "hi_share",
            "coverage",
            "density",
        ],
    )


def _outcome_unit(res: StrategyResults, name: str) -> str:
    return unit_of(name, shown_units(res.units, res.model_units))


def _robustness_figure(res: StrategyResults) -> Figure:
    assert res.scores is not None
    unit = _outcome_unit(res, res.outcome)
    table = res.scores.copy()
    if "outcome" in table.columns:
        table["outcome"] = table["outcome"].map(lambda o: label_of(str(o)))
    return Figure(
        id="strategy_robustness",
        title=f"Robustness of each strategy on {label_of(res.outcome)}",
        caption=f"Per strategy, over {res.n_scenarios:,} sampled futures: the mean and "
        "percentiles of the outcome; regret, how much worse the strategy does than the "
        "best strategy in the same future (worst case, 90th percentile and mean); the "
        "share of futures meeting every threshold; and the share in which it is the best "
        f"(ties included). Strategies are ranked by {rank_phrase(res.rank_by)}."
        + (f" Outcome unit: {unit}." if unit else ""),
        table=table,
        kind="table",
        source="computed by detente's strategy lab from the scenario's [partnership] table",
        headers={c: score_column(c, unit) for c in table.columns},
    )


def _distribution_figure(
    res: StrategyResults, name: str, info: OutcomeInfo, matrix: NDArray[np.float64], k: int
) -> Figure:
    """How one outcome is spread over the futures, strategy by strategy.

    A 0/1 outcome is drawn as the share of futures where it is 1; a strategy whose
    outcome is the same in every future is named in the caption, not drawn (its spike
    would flatten the other curves).
    """
    src = "computed by detente's strategy lab from the scenario's [partnership] table"
    title_words = label_of(name)
    axis = describe(name, shown_units(res.units, res.model_units))
    caption = info.description + ". " if info.description else ""
    finite = matrix[np.isfinite(matrix)]
    values = np.unique(finite)
    if values.size and np.isin(values, [0.0, 1.0]).all():
        share = [
            float(np.mean(row[np.isfinite(row)] == 1.0)) if np.isfinite(row).any() else math.nan
            for row in matrix
        ]
        table = pd.DataFrame({"strategy": res.strategies, "share": share})
        return Figure(
            id=f"strategy_dist_{safe_token(name, k)}",
            title=f"{title_words[:1].upper()}{title_words[1:]}: share of futures, by strategy",
            caption=caption + "Share of the sampled futures in which the outcome is 1.",
            table=table,
            spec=charts.share_bars(table, x_title=f"share of futures ({title_words})"),
            source=src,
        )
    constant = []
    keep = []
    for i, strategy in enumerate(res.strategies):
        row = matrix[i][np.isfinite(matrix[i])]
        if row.size and np.all(row == row[0]) and len(res.strategies) > 1:
            constant.append(f"{strategy}: {_fmt(float(row[0]))} in every future")
        else:
            keep.append(i)
    hist = histogram_table(matrix[keep], [res.strategies[i] for i in keep])
    if constant:
        caption += "Not drawn, as the same in every future: " + "; ".join(constant) + ". "
    return Figure(
        id=f"strategy_dist_{safe_token(name, k)}",
        title=f"Distribution of {title_words} by strategy",
        caption=caption + "Share of sampled futures in each value bin (one bin per value "
        "when the outcome takes few values; otherwise the extreme 0.5% on each side are "
        "folded into the end bins).",
        table=hist,
        spec=charts.histogram_lines(hist, x_title=axis),
        source=src,
    )


def _strategy_intro(res: StrategyResults) -> list[str]:
    parts = [
        "A strategy is a choice Europe controls; a future is one draw of everything it "
        "does not (threat growth, a US drawdown, a Russian offer to Ankara, domestic "
        "crises, how fast trust grows...). Each strategy is played out in every sampled "
        "future, year by year, and judged by how it does across all of them, not in one "
        "forecast."
    ]
    known = [s for s in res.strategies if s in STRATEGY_TEXT]
    if known:
        parts.append("The strategies compared:")
        parts += [f"• {s}: {STRATEGY_TEXT[s]}." for s in known]
        parts.append(PARTNERSHIP_UNITS)
    return parts


def strategy_section(res: StrategyResults) -> Section:
    """Section 6: the strategy lab."""
    title = "6. Strategy lab"
    intro = _strategy_intro(res)
    if res.unavailable is not None:
        return Section(
            id="strategy",
            title=title,
            intro=intro[:1],
            panels=[Panel.missing("strategy_missing", "Strategy lab", res.unavailable)],
        )
    src = "computed by detente's strategy lab from the scenario's [partnership] table"
    panels: list[Panel] = []
    dist_figs: list[Figure] = []
    for name, info in res.outcomes.items():
        m = res.matrices.get(name)
        if m is None:
            continue
        dist_figs.append(_distribution_figure(res, name, info, m, len(dist_figs)))
    panels.append(
        Panel(
            id="strategy_outcomes",
            title="Outcomes across futures",
            intro=[
                f"{res.n_scenarios:,} futures were sampled "
                f"({_SAMPLERS.get(res.sampler.lower(), res.sampler)}) over a "
                f"{res.horizon}-year horizon; every strategy ran in each of them."
            ],
            figures=dist_figs,
        )
    )
    if res.breakdown_by_year:
        rows = [
            {"strategy": s, "year": y + 1, "probability": float(p)}
            for s, probs in res.breakdown_by_year.items()
            for y, p in enumerate(probs)
        ]
        bdf = pd.DataFrame(rows)
        panels.append(
            Panel(
                id="strategy_breakdown",
                title="Breakdown of the partnership over time",
                figures=[
                    Figure(
                        id="strategy_breakdown",
                        title="Probability that the partnership has broken down, by year",
                        caption="Share of futures in which the partner has defected (or "
                        "the partnership ended) by each year.",
                        table=bdf,
                        spec=charts.breakdown_lines(bdf),
                        source=src,
                    )
                ],
            )
        )
    rob_figs = []
    if res.scores is not None and len(res.scores):
        rob_figs.append(_robustness_figure(res))
    judged = res.matrices.get(res.outcome)
    if judged is not None and len(res.strategies) > 1:
        info = res.outcomes.get(res.outcome, OutcomeInfo(res.outcome))
        pw = pairwise_table(judged, res.strategies, info.sign or 1.0)
        rob_figs.append(
            Figure(
                id="strategy_pairwise",
                title="Head to head: how often one strategy beats another on "
                f"{label_of(res.outcome)}",
                caption="For each pair, the share of futures in which the first strategy "
                "does better, worse, or the same as the second.",
                table=pw,
                kind="table",
                source=src,
                headers={
                    "strategy": "strategy",
                    "versus": "versus",
                    "better": "share better",
                    "worse": "share worse",
                    "tie": "share equal",
                    "futures": "futures compared",
                },
            )
        )
    panels.append(
        Panel(
            id="strategy_robustness",
            title="Which strategy holds up",
            intro=[
                f"Recommended: {res.ranking[0]}, the most robust strategy (it has "
                f"{rank_phrase(res.rank_by)} on {phrase_of(res.outcome)})."
            ]
            if res.ranking
            else [],
            figures=rob_figs,
        )
    )
    prim_figs = []
    prim_notes = []
    for k, q in enumerate(res.prim):
        table = _prim_table(q, res.bounds, shown_units(res.units, res.model_units))
        question = f"Where does {q.a} do worse than {q.b} on {label_of(q.outcome)}?"
        if not q.boxes or table.empty:
            prim_notes.append(
                f"{question} PRIM found no box that singles these futures out "
                f"({q.n_cases:,} of {q.n_points:,} futures)."
            )
            continue
        box = q.boxes[0]
        first = table[table["box"] == 1].reset_index(drop=True)
        words = box_phrases(box["limits"], res.bounds, shown_units(res.units, res.model_units))
        prim_figs.append(
            Figure(
                id=f"prim_{k}",
                title=question,
                caption=f"{q.a[:1].upper()}{q.a[1:]} does worse than {q.b} in "
                f"{q.base_density:.0%} of all futures. "
                f"Box 1 ({' and '.join(words) if words else 'no restriction'}) holds "
                f"{box['coverage']:.0%} of those futures (coverage), and inside it {q.a} "
                f"does worse in {box['density']:.0%} of futures (density). Red: the box's "
                "range of each restricted uncertainty within its sampled range (grey), "
                "written above each bar.",
                table=first,
                spec=charts.prim_ranges(first),
                source=src,
            )
        )
    panels.append(
        Panel(
            id="strategy_prim",
            title="When does a strategy fail? (scenario discovery with PRIM)",
            intro=[
                "PRIM (Friedman & Fisher 1999, as used by Bryant & Lempert 2010) looks for "
                "a simple box of futures (a few uncertainties within ranges) where the "
                "cases of interest concentrate."
            ],
            figures=prim_figs,
            notes=prim_notes,
            unavailable=None if (prim_figs or prim_notes) else "PRIM was not run in this lab run.",
        )
    )
    sob_figs = []
    for k, (outcome, df) in enumerate(res.sobol.items()):
        if df.empty:
            continue
        top = df.sort_values("ST", ascending=False, kind="stable").head(12).copy()
        top["input"] = top["input"].map(label_of)
        long = pd.concat(
            [
                pd.DataFrame(
                    {
                        "input": top["input"],
                        "index": "total (ST)",
                        "value": top["ST"],
                        "lo": top["ST"] - top["ST_conf"],
                        "hi": top["ST"] + top["ST_conf"],
                    }
                ),
                pd.DataFrame(
                    {
                        "input": top["input"],
                        "index": "first order (S1)",
                        "value": top["S1"],
                        "lo": top["S1"] - top["S1_conf"],
                        "hi": top["S1"] + top["S1_conf"],
                    }
                ),
            ],
            ignore_index=True,
        )
        sob_figs.append(
            Figure(
                id=f"sobol_{k}",
                title=f"What drives {label_of(outcome)} under {res.sobol_strategy} (Sobol indices)",
                caption="Share of the outcome's variance due to each uncertainty alone "
                "(first order) and with its interactions (total), with 95% confidence "
                "intervals (a bound below 0 is sampling noise around an index near 0); the "
                "12 inputs with the largest total index.",
                table=long,
                spec=charts.hbars(
                    long,
                    label="input",
                    value="value",
                    value_title="Sobol index (share of the outcome's variance)",
                    lo="lo",
                    hi="hi",
                    colour="index",
                    label_limit=320,
                ),
                source=src,
            )
        )
    panels.append(
        Panel(
            id="strategy_sobol",
            title="Which uncertainties matter (global sensitivity)",
            figures=sob_figs,
            unavailable=None if sob_figs else "Sobol indices were not computed in this lab run.",
        )
    )
    if res.notes:
        panels[-1].notes.extend(res.notes)
    return Section(id="strategy", title=title, intro=intro, panels=panels)
