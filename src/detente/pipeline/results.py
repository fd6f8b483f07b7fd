"""The results the engines produce, as plain objects and tidy tables.

A report, the workbench app and a script all read the same objects: the negotiation
models' forecasts (:class:`NegotiationResults`) and the strategy lab's comparison
(:class:`StrategyResults`), and the tables built from them (every model's forecast of
every issue with its intervals, trajectories, challenges, one-at-a-time swings, the
distribution of each outcome per strategy, pairwise wins).  Nothing here draws or
formats: :mod:`detente.report` renders these, :mod:`detente.app` presents them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.scenario import Scenario

__all__ = [
    "ITERATIVE",
    "ForecastLike",
    "NegotiationResults",
    "OutcomeInfo",
    "PrimQuestion",
    "StrategyResults",
    "challenge_table",
    "forecast_table",
    "histogram_table",
    "pairwise_table",
    "smp_challenge_table",
    "swing_table",
    "trajectory_table",
]

#: Models whose rounds are drawn (when they ran and kept a trajectory).  The exchange
#: model's trajectory holds the input positions, then the voting positions at the end of
#: each of its rounds.
ITERATIVE = ("smp", "eum", "exchange")


class ForecastLike(Protocol):
    """What is read from a forecast (``detente.bargaining.Forecast``)."""

    @property
    def model(self) -> str: ...
    @property
    def actor_ids(self) -> tuple[str, ...]: ...
    @property
    def issue_ids(self) -> tuple[str, ...]: ...
    @property
    def outcome(self) -> NDArray[np.float64]: ...
    @property
    def trajectory(self) -> NDArray[np.float64] | None: ...
    @property
    def rounds(self) -> int: ...
    @property
    def converged(self) -> bool: ...
    @property
    def stop_reason(self) -> str: ...
    @property
    def events(self) -> pd.DataFrame | None: ...
    @property
    def notes(self) -> tuple[str, ...]: ...


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

    def label(self, model: str) -> str:
        """The display label of ``model`` (its name when it has none)."""
        return self.labels.get(model, model)


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
                "model_label": res.label(model),
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
                    "model": res.label(model),
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
                    "model": res.label(model),
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
            "model": res.label("smp"),
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


@dataclass(frozen=True)
class OutcomeInfo:
    """An outcome of the strategy model: its name, meaning and direction."""

    name: str
    description: str = ""
    sign: float = 0.0  # +1 maximised, -1 minimised, 0 informational


@dataclass
class PrimQuestion:
    """PRIM's answer to "where does strategy ``a`` do worse than ``b`` on ``outcome``?".

    ``boxes`` are dicts with ``limits`` (``name -> (low, high)`` or a list of kept
    categories), ``coverage``, ``density`` and ``mass``.
    """

    a: str
    b: str
    outcome: str
    n_points: int
    n_cases: int
    boxes: list[dict[str, Any]]

    @property
    def base_density(self) -> float:
        """Share of all futures in which ``a`` does worse than ``b``."""
        return self.n_cases / self.n_points if self.n_points else math.nan


@dataclass
class StrategyResults:
    """The strategy lab's comparison of strategies over sampled futures.

    ``matrices`` hold, per outcome, a ``(strategies, futures)`` array; ``units`` the
    units the scenario's ``[partnership]`` table states, ``model_units`` those of the
    partnership model (a presenter chooses which to show).
    """

    strategies: list[str] = field(default_factory=list)
    ranking: list[str] = field(default_factory=list)
    outcome: str = ""
    rank_by: str = ""
    horizon: int = 0
    n_scenarios: int = 0
    sampler: str = ""
    outcomes: dict[str, OutcomeInfo] = field(default_factory=dict)
    matrices: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    scores: pd.DataFrame | None = None
    breakdown_by_year: dict[str, list[float]] = field(default_factory=dict)
    prim: list[PrimQuestion] = field(default_factory=list)
    sobol: dict[str, pd.DataFrame] = field(default_factory=dict)
    sobol_strategy: str = ""
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    model_units: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    notes: list[str] = field(default_factory=list)


def histogram_table(
    matrix: NDArray[np.float64], strategies: list[str], bins: int = 30
) -> pd.DataFrame:
    """Shares of futures per value bin, per strategy (common bins for all strategies).

    ``bins`` equal bins between the 0.5% and 99.5% quantiles (values beyond are
    folded into the end bins); an outcome with at most ``bins`` distinct values (a
    count, a share of years) gets one bin per value instead, centred on it, so that
    no bin falls between two values and stays empty.

    Returns
    -------
    pandas.DataFrame
        ``strategy, bin_lo, bin_hi, bin_mid, share``; the shares of each strategy sum
        to 1 over its finite values.
    """
    finite = matrix[np.isfinite(matrix)]
    if finite.size == 0:
        return pd.DataFrame(columns=["strategy", "bin_lo", "bin_hi", "bin_mid", "share"])
    values = np.unique(finite)
    if 2 <= values.size <= bins:
        half = float(np.diff(values).min()) / 2
        edges = np.concatenate(
            [[values[0] - half], (values[:-1] + values[1:]) / 2, [values[-1] + half]]
        )
        lo, hi = float(edges[0]), float(edges[-1])
        bins = values.size
    else:
        lo, hi = np.quantile(finite, [0.005, 0.995])
        if not hi > lo:
            lo, hi = float(finite.min()) - 0.5, float(finite.max()) + 0.5
        edges = np.linspace(lo, hi, bins + 1)
    rows = []
    for i, s in enumerate(strategies):
        vals = matrix[i][np.isfinite(matrix[i])]
        clipped = np.clip(vals, lo, hi)
        counts, _ = np.histogram(clipped, bins=edges)
        share = counts / max(vals.size, 1)
        for b in range(bins):
            rows.append(
                {
                    "strategy": s,
                    "bin_lo": float(edges[b]),
                    "bin_hi": float(edges[b + 1]),
                    "bin_mid": float((edges[b] + edges[b + 1]) / 2),
                    "share": float(share[b]),
                }
            )
    return pd.DataFrame(rows)


def pairwise_table(matrix: NDArray[np.float64], strategies: list[str], sign: float) -> pd.DataFrame:
    """How often each strategy does better than each other one, future by future.

    Parameters
    ----------
    matrix
        ``(strategies, futures)`` values of one outcome.
    strategies
        Row names.
    sign
        +1 if more is better, -1 if less is better.

    Returns
    -------
    pandas.DataFrame
        ``strategy, versus, better, worse, tie`` (shares of the futures where both are
        finite).
    """
    rows = []
    for i, a in enumerate(strategies):
        for k, b in enumerate(strategies):
            if i == k:
                continue
            va, vb = matrix[i], matrix[k]
            ok = np.isfinite(va) & np.isfinite(vb)
            n = int(ok.sum())
            diff = sign * (va[ok] - vb[ok])
            rows.append(
                {
                    "strategy": a,
                    "versus": b,
                    "better": float((diff > 0).sum() / n) if n else math.nan,
                    "worse": float((diff < 0).sum() / n) if n else math.nan,
                    "tie": float((diff == 0).sum() / n) if n else math.nan,
                    "futures": n,
                }
            )
    return pd.DataFrame(rows, columns=["strategy", "versus", "better", "worse", "tie", "futures"])
