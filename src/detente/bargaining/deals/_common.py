"""Shared pieces of the deal finder: column names, the model's gains, the exchange key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: The percentiles of gains reported over draws.
QUANTILES = (0.05, 0.5, 0.95)
#: A deal holding in fewer than this share of the draws is flagged ``point_only``.
MIN_SHARE = 0.5
#: Gains at or below this (utility points) count as no gain (float noise).
GAIN_EPS = 1e-12

#: Columns of :attr:`DealSet.deals`.
DEAL_COLUMNS = (
    "deal",
    "a_actor",
    "a_issue",
    "a_from",
    "a_to",
    "a_shift",
    "a_gain",
    "b_actor",
    "b_issue",
    "b_from",
    "b_to",
    "b_shift",
    "b_gain",
    "mutual",
)
_Q_NAMES = tuple(f"p{round(q * 100):02d}" for q in QUANTILES)
#: Columns of :attr:`Robustness.deals`.
ROBUST_COLUMNS = (
    "deal",
    "holds",
    "executed",
    *(f"a_gain_{q}" for q in _Q_NAMES),
    *(f"b_gain_{q}" for q in _Q_NAMES),
    "point_only",
)
#: Columns of :func:`rival_bids`.
RIVAL_COLUMNS = (
    "deal",
    "partner",
    "partner_issue",
    "partner_gets",
    "offer_gain",
    "rival",
    "rival_from",
    "rival_to",
    "partner_from",
    "partner_to",
    "rival_gain",
    "margin",
    "outbid",
)


def _gain(x: Any, s: Any, o0: Any, o1: Any) -> Any:
    """Utility change ``s (|x - o0| - |x - o1|)`` (0 where the actor has no stance)."""
    g = s * (np.abs(x - o0) - np.abs(x - o1))
    return np.where(np.isfinite(g), g, 0.0)


def _lin(x: Any, s: Any, o0: Any, shift: Any) -> Any:
    """The exchange model's gain from a shift: ``s * shift`` towards the actor's side.

    The actor's side of the forecast ``o0`` is as the model forms its groups (an actor
    at the forecast counts as left of it); 0 where the actor has no stance.
    """
    g = s * shift * np.where(x > o0, 1.0, -1.0)
    return np.where(np.isfinite(g), g, 0.0)


@dataclass(frozen=True)
class _Inputs:
    """The round's inputs on the model's internal scale (0-100, saliences 0-1)."""

    x: FloatArray  # (n, k), NaN where no stance
    s: FloatArray  # (n, k)
    c: FloatArray  # (n, k)
    denom: FloatArray  # (k,)
    step: FloatArray  # (k,)


def _inputs_of(prob: Any) -> _Inputs:
    w = np.where(prob.has, prob.s * prob.c, 0.0)
    return _Inputs(x=prob.x, s=prob.s, c=prob.c, denom=w.sum(axis=0), step=prob.step)


def _shift(inp: _Inputs, actor: Any, issue: Any, move: Any) -> Any:
    """Shift of issue ``issue``'s forecast (0-100) when ``actor`` moves by ``move``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = move * inp.s[actor, issue] * inp.c[actor, issue] / inp.denom[issue]
    return np.where(np.isfinite(out), out, 0.0)


def _params(params: Mapping[str, Any]) -> tuple[float, str]:
    """REX's ``p`` (0 for the equal-gain rule) and the rules, from the parameters."""
    rex = params.get("variant", "equal_gain") == "random_rate"
    p = float(params.get("p", 0.5)) if rex else 0.0
    return p, str(params.get("rules", "decide"))


def _key(n: int, k: int, i: Any, q: Any, j: Any, p: Any) -> Any:
    """One integer per exchange: actor ``i`` supplies ``q``, ``j`` supplies ``p``."""
    return ((np.asarray(i) * k + q) * n + j) * k + p
