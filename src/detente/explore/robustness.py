"""Robustness of strategies across sampled futures.

For an outcome matrix ``X`` of shape ``(strategies, scenarios)`` and a direction
(``+1`` maximise, ``-1`` minimise), per strategy ``s``:

* expected value ``mean_j X[s, j]`` and percentiles of ``X[s, :]``;
* regret (Savage 1951): ``R[s, j] = max_k sign * X[k, j] - sign * X[s, j]`` -- how much
  worse ``s`` does in future ``j`` than the best strategy in that future; the
  **minimax-regret** criterion ranks strategies by ``max_j R[s, j]`` (lower is better),
  and a percentile of regret (e.g. the 90th) is a less extreme variant;
* **satisficing share** (Simon 1955; Lempert et al. 2003, *Shaping the Next One
  Hundred Years*): the fraction of futures in which every outcome with a threshold
  meets it.

All computations are vectorised over scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.explore.parameters import Direction, Outcome

__all__ = [
    "StrategyScore",
    "rank",
    "regret",
    "robustness",
    "satisficing_share",
]

FloatArray = npt.NDArray[np.float64]


def regret(values: FloatArray, direction: Direction | str) -> FloatArray:
    """Regret of each strategy in each scenario.

    Parameters
    ----------
    values
        Shape ``(strategies, scenarios)``.
    direction
        ``maximize`` or ``minimize``.

    Returns
    -------
    numpy.ndarray
        Same shape, non-negative; zero for the best strategy of each scenario.
    """
    d = Direction(direction)
    x = np.asarray(values, dtype=np.float64)
    if d is Direction.MAXIMIZE:
        return np.asarray(x.max(axis=0, keepdims=True) - x)
    if d is Direction.MINIMIZE:
        return np.asarray(x - x.min(axis=0, keepdims=True))
    raise InputError("regret needs an outcome that is maximised or minimised")


def satisficing_share(outcomes: Mapping[str, FloatArray], specs: Sequence[Outcome]) -> FloatArray:
    """Per strategy, the share of scenarios meeting every threshold.

    Parameters
    ----------
    outcomes
        Outcome name -> ``(strategies, scenarios)`` matrix.
    specs
        The outcomes; those with a threshold count.

    Returns
    -------
    numpy.ndarray
        Shape ``(strategies,)``, in ``[0, 1]``; all ones when no outcome has a threshold.
    """
    first = next(iter(outcomes.values()))
    ok = np.ones(first.shape, dtype=bool)
    for spec in specs:
        if spec.threshold is not None and spec.direction is not Direction.INFO:
            ok &= spec.satisfied(outcomes[spec.name])
    return np.asarray(ok.mean(axis=1), dtype=np.float64)


@dataclass
class StrategyScore:
    """Robustness metrics of one strategy on one outcome."""

    strategy: str
    outcome: str
    mean: float
    percentiles: dict[str, float]
    max_regret: float
    regret_percentile: float
    mean_regret: float
    satisficing: float
    best_share: float
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON."""
        return asdict(self)


def robustness(
    outcomes: Mapping[str, FloatArray],
    specs: Sequence[Outcome],
    strategies: Sequence[str],
    *,
    outcome: str,
    percentiles: Sequence[float] = (5, 50, 95),
    regret_q: float = 90,
) -> list[StrategyScore]:
    """Robustness metrics of every strategy on ``outcome``.

    Parameters
    ----------
    outcomes
        Outcome name -> ``(strategies, scenarios)`` matrix.
    specs
        All outcome specifications (their thresholds define satisficing).
    strategies
        Strategy names, in row order.
    outcome
        The outcome judged (maximised or minimised).
    percentiles
        Percentiles of the outcome to report.
    regret_q
        Percentile of regret to report next to the maximum.

    Returns
    -------
    list of StrategyScore
        One per strategy, in row order.
    """
    spec = next((s for s in specs if s.name == outcome), None)
    if spec is None:
        raise InputError(f"unknown outcome {outcome!r}", field="outcome")
    x = np.asarray(outcomes[outcome], dtype=np.float64)
    if x.shape[0] != len(strategies):
        raise ValueError("outcome matrix rows do not match the strategies")
    r = regret(x, spec.direction)
    sat = satisficing_share(outcomes, specs)
    pct = np.percentile(x, list(percentiles), axis=1)
    rq = np.percentile(r, regret_q, axis=1)
    best = (r == 0).mean(axis=1)
    out = []
    for i, name in enumerate(strategies):
        out.append(
            StrategyScore(
                strategy=name,
                outcome=outcome,
                mean=float(x[i].mean()),
                percentiles={f"p{p:g}": float(pct[j, i]) for j, p in enumerate(percentiles)},
                max_regret=float(r[i].max()),
                regret_percentile=float(rq[i]),
                mean_regret=float(r[i].mean()),
                satisficing=float(sat[i]),
                best_share=float(best[i]),
            )
        )
    return out


_CRITERIA = {
    "max_regret": (lambda s: s.max_regret, False),
    "regret_percentile": (lambda s: s.regret_percentile, False),
    "mean_regret": (lambda s: s.mean_regret, False),
    "mean": (lambda s: s.mean, True),
    "satisficing": (lambda s: s.satisficing, True),
}


def rank(
    scores: Sequence[StrategyScore], by: str = "max_regret", *, maximize: bool = True
) -> list[StrategyScore]:
    """Order strategies from most to least robust.

    Parameters
    ----------
    scores
        The metrics of each strategy.
    by
        ``max_regret`` (minimax regret, default), ``regret_percentile``,
        ``mean_regret``, ``mean`` (expected value) or ``satisficing``.  Ties are broken
        by mean regret, then by name.
    maximize
        For ``by="mean"``: whether the outcome is maximised.

    Returns
    -------
    list of StrategyScore
        Best first.
    """
    if by not in _CRITERIA:
        raise InputError(
            f"unknown ranking criterion {by!r}",
            field="rank_by",
            fix=f"use one of {', '.join(_CRITERIA)}.",
        )
    key, higher_better = _CRITERIA[by]
    if by == "mean" and not maximize:
        higher_better = False
    sign = -1.0 if higher_better else 1.0
    return sorted(scores, key=lambda s: (sign * key(s), s.mean_regret, s.strategy))
