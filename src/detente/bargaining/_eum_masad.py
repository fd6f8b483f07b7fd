"""Vectorised core of the expected-utility model as coded by David Masad (the ``masad`` variant).

Same array conventions as :mod:`detente.bargaining._eum_scholz`.  The equations and the
differences from the Scholz code are documented in :mod:`detente.bargaining.eum`; the
operations follow the reference program's floating-point order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining._eum_scholz import (
    BAD_UTILITY,
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    EQUAL_DANGER,
    NO_WEIGHT,
    NONE,
    RUNNING,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

_TRIPLE_BUDGET = 4_000_000


@dataclass(frozen=True)
class MasadOptions:
    """Formula choices of the Masad variant."""

    q: float = 1.0
    t: float = 1.0


@dataclass
class MasadRound:
    """One round of the Masad variant for a batch of rows."""

    x_new: FloatArray  # (B, n)
    r: FloatArray  # (B, n) risk exponents of the round
    eu: FloatArray  # (B, n, n) EU[i, j]: i's expected utility of challenging j
    sent: BoolArray  # (B, n, n) i sent a challenge (offer) to j
    chosen: IntArray  # (B, n) sender of the offer each actor considered, -1 if none
    kind: IntArray  # (B, n) how the chosen offer was resolved (NONE if no move rule hit)
    status: IntArray  # (B,) RUNNING, or why the round could not be completed


def _chunks(b: int, n: int) -> list[slice]:
    size = max(1, _TRIPLE_BUDGET // max(1, n**3))
    return [slice(i, min(b, i + size)) for i in range(0, b, size)]


def vote(
    x: FloatArray, c: FloatArray, s: FloatArray, active: BoolArray, dx: FloatArray
) -> FloatArray:
    """Masad's ``Model.vote``: the first position of the largest pairwise contest.

    ``V[j, k] = sum_i c_i s_i (|x_i - x_k| - |x_i - x_j|) / dx``; the result is ``x_j``
    of the first pair ``(j, k)`` (in actor order) with the largest ``V``.
    """
    bsz, n = x.shape
    out = np.empty(bsz)
    w = c * s
    for sl in _chunks(bsz, n):
        xs = x[sl]
        dist = np.abs(xs[:, :, None] - xs[:, None, :])  # [b, i, m] = |x_i - x_m|
        # terms[b, i, j, k] = w_i * ((|x_i - x_k| - |x_i - x_j|) / dx)
        terms = w[sl][:, :, None, None] * (
            (dist[:, :, None, :] - dist[:, :, :, None]) / dx[sl][:, None, None, None]
        )
        v = terms.sum(axis=1)
        both = active[sl][:, :, None] & active[sl][:, None, :]
        v = np.where(both, v, -np.inf).reshape(len(xs), -1)
        best = np.argmax(v, axis=1) // n
        out[sl] = np.take_along_axis(xs, best[:, None], axis=1)[:, 0]
    return out


def find_mean(x: FloatArray, c: FloatArray, s: FloatArray, active: BoolArray) -> FloatArray:
    """``sum s c x / sum s c`` over the active actors (NaN when no weight)."""
    sc = np.where(active, s * c, 0.0)
    t = np.where(active, sc * x, 0.0)
    tt = np.ascontiguousarray(t.T).sum(axis=0)
    ww = np.ascontiguousarray(sc.T).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return tt / ww


def _probabilities(
    x: FloatArray, c: FloatArray, s: FloatArray, active: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """``P[b, i, j] = max(sum_a c s d, 0) / sum_a c s |d|``, ``d = |x_a - x_j| - |x_a - x_i|``."""
    bsz, n = x.shape
    p = np.zeros((bsz, n, n))
    ok = np.ones(bsz, dtype=bool)
    w = np.where(active, c * s, 0.0)
    for sl in _chunks(bsz, n):
        xs = x[sl]
        dist = np.abs(xs[:, :, None] - xs[:, None, :])  # [b, a, m]
        d = dist[:, :, None, :] - dist[:, :, :, None]  # [b, a, i, j]
        wa = w[sl][:, :, None, None]
        top = (wa * d).sum(axis=1)
        bottom = (wa * np.abs(d)).sum(axis=1)
        pair = active[sl][:, :, None] & active[sl][:, None, :]
        pair &= xs[:, :, None] != xs[:, None, :]
        ok[sl] = ~((bottom == 0) & pair).any(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.maximum(top, 0.0) / bottom
        p[sl] = np.where(pair, val, 0.0)
    return p, ok


def _expected_utilities(
    x: FloatArray,
    s: FloatArray,
    r: FloatArray,
    active: BoolArray,
    dx: FloatArray,
    mu: FloatArray,
    p: FloatArray,
    opts: MasadOptions,
) -> tuple[FloatArray, BoolArray]:
    """``EU[b, i, j]`` and whether every utility is real (no negative base ** non-integer)."""
    diff = x[:, :, None] - x[:, None, :]
    dd = dx[:, None, None]
    rr = r[:, :, None]
    base_s = 0.5 - 0.5 * np.abs(diff / dd)
    base_f = 0.5 + 0.5 * np.abs(diff / dd)
    spread = (np.abs(x - mu[:, None])[:, :, None] + np.abs(diff)) / dd
    base_b = 0.5 - 0.25 * spread
    base_w = 0.5 + 0.25 * spread
    integral = (rr == np.round(rr)) | np.zeros_like(diff, dtype=bool)
    pair = active[:, :, None] & active[:, None, :] & ~np.eye(x.shape[1], dtype=bool)[None]
    real = ~(pair & ~integral & ((base_s < 0) | (base_b < 0)))
    with np.errstate(invalid="ignore"):
        us = 2 - 4 * base_s**rr
        uf = 2 - 4 * base_f**rr
        ub = 2 - 4 * base_b**rr
        uw = 2 - 4 * base_w**rr
    usq = 2 - 4 * 0.5**rr
    q, t = opts.q, opts.t
    st = s[:, None, :]
    eu = st * (p * us + (1 - p) * uf) + (1 - st) * us
    eu = eu - (q * usq - (1 - q) * (t * ub + (1 - t) * uw))
    return np.where(pair, eu, 0.0), real.all(axis=(1, 2))


def run_round(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    active: BoolArray,
    dx: FloatArray,
    opts: MasadOptions,
) -> MasadRound:
    """One call of Masad's ``Model.run_model`` on every row."""
    bsz, n = x.shape
    status = np.full(bsz, RUNNING, dtype=np.int64)
    ones = np.ones_like(x)
    mu = vote(x, c, s, active, dx)
    p, ok = _probabilities(x, c, s, active)
    status[~ok] = NO_WEIGHT
    eu1, _ = _expected_utilities(x, s, ones, active, dx, mu, p, opts)
    # Security of actor i: sum over the other actors j of EU[j, i] (j challenging i).
    security = np.ascontiguousarray(eu1).sum(axis=1)
    hi = np.where(active, security, -np.inf).max(axis=1)
    lo = np.where(active, security, np.inf).min(axis=1)
    span = hi - lo
    status[(status == RUNNING) & ~(span > 0)] = EQUAL_DANGER
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = (2 * security - hi[:, None] - lo[:, None]) / span[:, None]
        r = (1 - big_r / 3) / (1 + big_r / 3)
    r = np.where(active & (status == RUNNING)[:, None], r, 1.0)
    mu2 = find_mean(x, c, s, active)
    eu, real = _expected_utilities(x, s, r, active, dx, mu2, p, opts)
    status[(status == RUNNING) & ~real] = BAD_UTILITY
    # Challenges: i sends an offer (its position, its EU) to j when EU[i, j] > 0.
    sent = eu > 0
    offer_eu = np.where(sent, eu, -np.inf)  # [b, sender i, target j]
    best = offer_eu.max(axis=1)  # per target j
    top = sent & (offer_eu == best[:, None, :])
    gap = np.abs(x[:, None, :] - x[:, :, None])  # [b, i, j] = |x_j - x_i|
    pick = np.argmin(np.where(top, gap, np.inf), axis=1)  # sender index per target
    has = sent.any(axis=1)
    chosen = np.where(has, pick, -1)
    idx = np.maximum(chosen, 0)
    uj = best  # the chosen offer's EU, per target
    ui = np.take_along_axis(eu, idx[:, :, None], axis=2)[:, :, 0]  # EU[target, sender]
    x_off = np.take_along_axis(x, idx, axis=1)
    lose = has & (ui > 0) & (ui < uj)
    comp = has & ~lose & (ui < 0) & (np.abs(ui) < uj)
    capit = has & ~lose & ~comp & (ui < 0) & (np.abs(ui) > uj)
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_x = x + (x_off - x) * np.abs(ui / uj)
    x_new = np.where(lose | capit, x_off, np.where(comp, comp_x, x))
    kind = np.full((bsz, n), NONE, dtype=np.int64)
    kind[lose] = CONFRONTATION
    kind[comp] = COMPROMISE
    kind[capit] = CAPITULATION
    stopped = status != RUNNING
    x_new = np.where(stopped[:, None], x, x_new)
    return MasadRound(
        x_new=x_new,
        r=r,
        eu=eu,
        sent=sent & ~stopped[:, None, None],
        chosen=chosen,
        kind=np.where(stopped[:, None], NONE, kind),
        status=status,
    )
