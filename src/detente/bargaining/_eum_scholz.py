"""Vectorised core of the expected-utility model, Scholz et al. (2011) as coded by jmckib.

Arrays are ``(B, n)`` (B = replicates × issues, n = actors) and ``(B, n, n[, n])`` for
actor pairs and triples; ``active`` masks the actors taking part in each row.  All the
equations are documented in :mod:`detente.bargaining.eum`; this module only computes
them, in the same floating-point order as the reference program where that is cheap
(sums over actors run sequentially over a non-innermost axis, like Python's ``sum``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: Offer kinds, as stored in the ``kind`` arrays.
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}

#: Stop codes of a row.
RUNNING, FIXED_POINT, MAX_ROUNDS, EQUAL_DANGER, NO_WEIGHT, BAD_UTILITY = 0, 1, 2, 3, 4, 5

#: Rows per chunk for the n**3 arrays (bounded memory).
_TRIPLE_BUDGET = 4_000_000


@dataclass(frozen=True)
class ScholzOptions:
    """Formula choices of the Scholz variant (see :mod:`detente.bargaining.eum`)."""

    q: float = 1.0
    t: float = 1.0
    probability: str = "all_triples"
    capitulation: str = "never"
    compromise_choice: str = "weighted_position"


@dataclass
class RoundRecord:
    """What happened in one round of one batch (point-form details for events)."""

    kind: IntArray  # (B, n, n) offer kind received by i from j
    offer: FloatArray  # (B, n, n) offered position
    eu_ij: FloatArray  # (B, n, n) i's expected utility of challenging j
    eu_ji: FloatArray  # (B, n, n) i's estimate of j's expected utility of challenging i
    chosen: IntArray  # (B, n) index of the accepted offer's proposer, -1 if none


def _chunks(b: int, n: int) -> list[slice]:
    size = max(1, _TRIPLE_BUDGET // max(1, n**3))
    return [slice(i, min(b, i + size)) for i in range(0, b, size)]


def probabilities(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    rho: FloatArray,
    active: BoolArray,
    denominator: str,
) -> FloatArray:
    """``P[b, a, c]``: probability that position ``x_a`` prevails over ``x_c``.

    ``P = sum_k max(0, w_k (D_kc - D_ka)) / den`` with ``D_ka = (|x_k - x_a| / rho)^r_k``
    and ``den`` the sum of ``|w_k (D_kc - D_ka)|`` over all triples (``all_triples``,
    the reference code) or over voters only (``pair``).  Zero where ``x_a == x_c``.
    """
    bsz, n = x.shape
    out = np.empty((bsz, n, n))
    for sl in _chunks(bsz, n):
        xs, ws, rs, rh = x[sl], w[sl], r[sl], rho[sl]
        dist = np.abs(xs[:, :, None] - xs[:, None, :]) / rh[:, None, None]
        dpow = dist ** rs[:, :, None]  # D[b, k, a]
        # compare[b, k, a, c] = w_k * (D[k, c] - D[k, a])
        cmp = ws[:, :, None, None] * (dpow[:, :, None, :] - dpow[:, :, :, None])
        act = active[sl]
        cmp *= (act[:, :, None] & act[:, None, :])[:, None, :, :]  # positions of actors only
        num = np.maximum(cmp, 0.0).sum(axis=1)
        if denominator == "all_triples":
            den = np.abs(cmp).sum(axis=(1, 2, 3))[:, None, None]
        else:
            den = np.abs(cmp).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = num / den
        same = xs[:, :, None] == xs[:, None, :]
        out[sl] = np.where(same, 0.0, p)
    both = active[:, :, None] & active[:, None, :]
    return np.where(both, out, 0.0)


def expected_utility(
    p: FloatArray,
    s_target: FloatArray,
    us: FloatArray,
    uf: FloatArray,
    usq: FloatArray,
    q: float,
    qt: FloatArray | None,
) -> FloatArray:
    """``s_j (P Us + (1 - P) Uf) + (1 - s_j) Us - Q Usq [- (1 - Q) (T Ub + (1 - T) Uw)]``."""
    eu = (s_target * (p * us + (1 - p) * uf) + (1 - s_target) * us) - q * usq
    if qt is not None:
        eu = eu - qt
    return eu


def _basic_utilities(
    x: FloatArray, rho: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Distances and ``Us, Uf`` (perspective i = row, risk ``r_i``) and ``Usq``."""
    gap = np.abs(x[:, :, None] - x[:, None, :])
    half = 0.5 * gap / rho[:, None, None]
    rr = r[:, :, None]
    with np.errstate(invalid="ignore"):  # pairs with a non-participant are masked later
        us = 2 - 4 * (0.5 - half) ** rr
        uf = 2 - 4 * (0.5 + half) ** rr
    usq = 2 - 4 * (0.5**r)
    return gap, us, uf, usq


def _qt_term(
    x: FloatArray,
    rho: FloatArray,
    r: FloatArray,
    mu: FloatArray,
    opts: ScholzOptions,
    *,
    challenger_is_row: bool,
) -> FloatArray | None:
    """``(1 - Q) (T Ub + (1 - T) Uw)`` (perspective = row), or None when ``Q == 1``.

    ``Ub, Uw = 2 - 4 (0.5 -/+ 0.25 (|x_c - mu| + |x_i - x_j|) / rho)^r_i`` where ``x_c``
    is the challenger's position and ``mu`` the current median-voter forecast.
    """
    if opts.q == 1.0:
        return None
    gap = np.abs(x[:, :, None] - x[:, None, :])
    dev = np.abs(x - mu[:, None])
    to_mu = dev[:, :, None] if challenger_is_row else dev[:, None, :]
    quarter = 0.25 * (to_mu + gap) / rho[:, None, None]
    rr = r[:, :, None]
    with np.errstate(invalid="ignore"):
        ub = 2 - 4 * (0.5 - quarter) ** rr
        uw = 2 - 4 * (0.5 + quarter) ** rr
    return (1 - opts.q) * (opts.t * ub + (1 - opts.t) * uw)


def risk_exponents(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    active: BoolArray,
    rho: FloatArray,
    mu: FloatArray,
    opts: ScholzOptions,
) -> tuple[FloatArray, BoolArray]:
    """Risk exponents from each actor's danger level, computed with every ``r = 1``.

    ``danger_i = sum_{j != i} EU_i(j challenges i)``;
    ``R_i = (2 danger_i - max - min) / (max - min)``; ``r_i = (1 - R_i/3) / (1 + R_i/3)``.

    Returns
    -------
    r
        ``(B, n)`` risk exponents (1 where undefined).
    ok
        ``(B,)`` False where every actor is equally endangered (max == min).
    """
    ones = np.ones_like(x)
    w = c * s
    p = probabilities(x, w, ones, rho, active, opts.probability)
    _, us, uf, usq = _basic_utilities(x, rho, ones)
    qt = _qt_term(x, rho, ones, mu, opts, challenger_is_row=False)
    # EU_i(j -> i): perspective i (row), challenger j (column), target i.
    eu = expected_utility(p.transpose(0, 2, 1), s[:, :, None], us, uf, usq[:, :, None], opts.q, qt)
    n = x.shape[1]
    others = active[:, None, :] & ~np.eye(n, dtype=bool)[None]
    terms = np.ascontiguousarray(np.where(others, eu, 0.0).transpose(0, 2, 1))
    danger = terms.sum(axis=1)  # sequential over j, like Python's sum
    hi = np.where(active, danger, -np.inf).max(axis=1)
    lo = np.where(active, danger, np.inf).min(axis=1)
    span = hi - lo
    ok = span > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = (2 * danger - hi[:, None] - lo[:, None]) / span[:, None]
        r = (1 - big_r / 3.0) / (1 + big_r / 3.0)
    r = np.where(ok[:, None] & active, r, 1.0)
    return r, ok


def offers(
    x: FloatArray,
    c: FloatArray,
    s: FloatArray,
    r: FloatArray,
    active: BoolArray,
    rho: FloatArray,
    mu: FloatArray,
    opts: ScholzOptions,
) -> RoundRecord:
    """Every offer each actor receives and the one it accepts (Scholz's ``best_offer``)."""
    bsz, n = x.shape
    w = c * s
    p = probabilities(x, w, r, rho, active, opts.probability)
    _, us, uf, usq = _basic_utilities(x, rho, r)
    qt_ij = _qt_term(x, rho, r, mu, opts, challenger_is_row=True)
    qt_ji = _qt_term(x, rho, r, mu, opts, challenger_is_row=False)
    usq3 = usq[:, :, None]
    eu_ij = expected_utility(p, s[:, None, :], us, uf, usq3, opts.q, qt_ij)
    eu_ji = expected_utility(p.transpose(0, 2, 1), s[:, :, None], us, uf, usq3, opts.q, qt_ji)
    xi = x[:, :, None]
    xj = x[:, None, :]
    valid = active[:, :, None] & active[:, None, :] & (xi != xj)
    confront = valid & (eu_ji > eu_ij) & (eu_ij > 0)
    lower_half = valid & (eu_ji > 0) & (eu_ij < 0)
    compromise = lower_half & (eu_ji > np.abs(eu_ij)) & ~confront
    if opts.capitulation == "never":
        # The reference code tests eu_ji < abs(eu_ji), which is never true.
        capitulate = lower_half & (eu_ji < np.abs(eu_ji))
    else:
        capitulate = lower_half & (eu_ji < np.abs(eu_ij))
    capitulate &= ~(confront | compromise)
    with np.errstate(invalid="ignore", divide="ignore"):
        concession = (xj - xi) * np.abs(eu_ij / eu_ji)
        comp_pos = xi + concession
    kind = np.full((bsz, n, n), NONE, dtype=np.int64)
    kind[capitulate] = CAPITULATION
    kind[compromise] = COMPROMISE
    kind[confront] = CONFRONTATION
    offer = np.where(kind == COMPROMISE, comp_pos, np.broadcast_to(xj, (bsz, n, n)))
    move = np.abs(xi - offer)
    if opts.compromise_choice == "weighted_position":
        with np.errstate(invalid="ignore", divide="ignore"):
            comp_key = (np.abs(eu_ij) * xi + np.abs(eu_ji) * xj) / (np.abs(eu_ij) + np.abs(eu_ji))
    else:
        comp_key = move
    chosen = np.full((bsz, n), -1, dtype=np.int64)
    for code, key in ((CAPITULATION, move), (COMPROMISE, comp_key), (CONFRONTATION, move)):
        has = kind == code
        pick = np.argmin(np.where(has, key, np.inf), axis=2)
        chosen = np.where(has.any(axis=2), pick, chosen)
    return RoundRecord(kind=kind, offer=offer, eu_ij=eu_ij, eu_ji=eu_ji, chosen=chosen)


def apply_offers(x: FloatArray, rec: RoundRecord) -> FloatArray:
    """Positions after every actor takes the offer it chose (all at once)."""
    idx = np.maximum(rec.chosen, 0)[:, :, None]
    new = np.take_along_axis(rec.offer, idx, axis=2)[:, :, 0]
    return np.where(rec.chosen >= 0, new, x)
