"""Compiled kernel of the expected-utility model's ``scholz`` variant (numba).

The numpy core (:mod:`detente.bargaining._eum_scholz`) builds ``(B, n, n, n)`` arrays of
voter-by-pair terms; at 10,000 replicates of 30 actors that is 2.7e8 elements per
probability table, twice a round, which numpy cannot stream fast enough.  This kernel
computes exactly the same equations row by row (rows in parallel), with the sums over
voters in the same sequential order, so that it agrees with the numpy core to rounding
(the only reordered sum is the all-triples denominator).  It covers ``Q = 1`` (the
reference configuration); other ``Q`` use the numpy core.

The median-voter forecast is computed here as the lower weighted median; rows where
the weights split exactly in half are flagged so the caller can apply the reference
tie rule.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from detente.bargaining._eum_scholz import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    EQUAL_DANGER,
    FIXED_POINT,
    MAX_ROUNDS,
    NO_WEIGHT,
    NONE,
)
from detente.bargaining.median import TIE_TOLERANCE


@njit(cache=True)
def _probabilities(x, order, w, r, rho, logd, all_triples, dpow, cum, num):  # type: ignore[no-untyped-def]
    """Probability table ``P[a, b]`` in O(m^2) (see the module docstring)."""
    m = x.shape[0]
    for k in range(m):
        rk = r[k]
        if rk == 1.0:
            for a in range(m):
                dpow[k, a] = abs(x[k] - x[a]) / rho
        else:
            for a in range(m):
                dpow[k, a] = math.exp(rk * logd[k, a])
    # cum[t, a] = sum of w_k D[k, a] over the t leftmost voters
    for a in range(m):
        cum[0, a] = 0.0
    for t in range(m):
        k = order[t]
        wk = w[k]
        for a in range(m):
            cum[t + 1, a] = cum[t, a] + wk * dpow[k, a]
    # num[a, b] = sum over the voters closer to x_a than to x_b of w_k (D[k, b] - D[k, a])
    for p in range(m):
        a = order[p]
        num[a, a] = 0.0
        lo = 0  # voters strictly left of the midpoint
        le = 0  # voters left of or at the midpoint
        for q in range(p + 1, m):
            b = order[q]
            if x[a] == x[b]:
                num[a, b] = 0.0
                num[b, a] = 0.0
                continue
            mid = 0.5 * (x[a] + x[b])
            while lo < m and x[order[lo]] < mid:
                lo += 1
            if le < lo:
                le = lo
            while le < m and x[order[le]] <= mid:
                le += 1
            v_ab = cum[lo, b] - cum[lo, a]
            v_ba = (cum[m, a] - cum[le, a]) - (cum[m, b] - cum[le, b])
            num[a, b] = v_ab if v_ab > 0.0 else 0.0
            num[b, a] = v_ba if v_ba > 0.0 else 0.0
    if all_triples:
        total = 0.0
        for a in range(m):
            for b in range(m):
                total += num[a, b]
        total *= 2.0
        for a in range(m):
            for b in range(m):
                num[a, b] = num[a, b] / total if total > 0.0 else 0.0
    else:
        for a in range(m):
            for b in range(a + 1, m):
                den = num[a, b] + num[b, a]
                if den > 0.0:
                    num[a, b] = num[a, b] / den
                    num[b, a] = num[b, a] / den
    return num


@njit(cache=True)
def _median(x, w):  # type: ignore[no-untyped-def]
    m = x.shape[0]
    order = np.argsort(x, kind="mergesort")
    total = 0.0
    for i in range(m):
        total += w[i]
    half = 0.5 * total
    tol = TIE_TOLERANCE * total
    cum = 0.0
    for pos in range(m):
        i = order[pos]
        if w[i] <= 0.0:
            continue
        cum += w[i]
        if cum >= half - tol:
            tie = abs(cum - half) <= tol
            if tie:
                # a tie matters only if a later, different position carries weight
                later = False
                for q in range(pos + 1, m):
                    j = order[q]
                    if w[j] > 0.0 and x[j] != x[i]:
                        later = True
                        break
                tie = later
            return x[i], tie
    return np.nan, False


@njit(parallel=True, cache=True)
def run_scholz(  # type: ignore[no-untyped-def]
    x0,
    c,
    s,
    active,
    rho_in,
    max_rounds,
    all_triples,
    capitulation_paper,
    compromise_weighted,
    traj,
    risk,
    med,
    tie,
    avg,
    rounds,
    stop,
):
    """Run every row; outputs are written into the preallocated arrays."""
    nrow, n = x0.shape
    for row in prange(nrow):
        m = 0
        for i in range(n):
            if active[row, i]:
                m += 1
        ids = np.empty(m, dtype=np.int64)
        q = 0
        for i in range(n):
            if active[row, i]:
                ids[q] = i
                q += 1
        x = np.empty(m)
        w = np.empty(m)
        sv = np.empty(m)
        for q in range(m):
            x[q] = x0[row, ids[q]]
            w[q] = c[row, ids[q]] * s[row, ids[q]]
            sv[q] = s[row, ids[q]]
        rho = rho_in[row]
        for i in range(n):
            traj[0, row, i] = x0[row, i] if active[row, i] else 0.0
        wsum = 0.0
        top = 0.0
        for q in range(m):
            wsum += w[q]
            top += w[q] * x[q]
        avg[0, row] = top / wsum if wsum > 0 else np.nan
        if wsum <= 0.0:
            med[0, row] = np.nan
            stop[row] = NO_WEIGHT
            rounds[row] = 0
            continue
        med[0, row], tie[0, row] = _median(x, w)
        lo = np.inf
        hi = -np.inf
        for q in range(m):
            lo = min(lo, x[q])
            hi = max(hi, x[q])
        if m <= 1 or not hi > lo:
            stop[row] = FIXED_POINT
            rounds[row] = 0
            continue
        dpow = np.empty((m, m))
        num = np.empty((m, m))
        cum = np.empty((m + 1, m))
        logd = np.empty((m, m))
        log_s = np.empty((m, m))
        log_f = np.empty((m, m))
        ones = np.ones(m)
        r = np.empty(m)
        danger = np.empty(m)
        xn = np.empty(m)
        code = MAX_ROUNDS
        done = 0
        for t in range(1, max_rounds + 1):
            order = np.argsort(x, kind="mergesort")
            for i in range(m):
                for j in range(i, m):
                    gap = abs(x[i] - x[j])
                    half = 0.5 * gap / rho
                    ld = math.log(gap / rho) if gap > 0 else -np.inf
                    ls = math.log(0.5 - half) if half < 0.5 else -np.inf
                    lf = math.log(0.5 + half)
                    logd[i, j] = ld
                    logd[j, i] = ld
                    log_s[i, j] = ls
                    log_s[j, i] = ls
                    log_f[i, j] = lf
                    log_f[j, i] = lf
            # 1. risk exponents, every r = 1
            p = _probabilities(x, order, w, ones, rho, logd, all_triples, dpow, cum, num)
            for i in range(m):
                tot = 0.0
                for j in range(m):
                    if j == i:
                        continue
                    half = 0.5 * abs(x[i] - x[j]) / rho
                    us = 2 - 4 * (0.5 - half)
                    uf = 2 - 4 * (0.5 + half)
                    pj = p[j, i]
                    tot += (sv[i] * (pj * us + (1 - pj) * uf) + (1 - sv[i]) * us) - 0.0
                danger[i] = tot
            dmax = -np.inf
            dmin = np.inf
            for i in range(m):
                dmax = max(dmax, danger[i])
                dmin = min(dmin, danger[i])
            span = dmax - dmin
            if not span > 0:
                code = EQUAL_DANGER
                break
            for i in range(m):
                big_r = (2 * danger[i] - dmax - dmin) / span
                r[i] = (1 - big_r / 3.0) / (1 + big_r / 3.0)
            # 2. offers with the new exponents
            p = _probabilities(x, order, w, r, rho, logd, all_triples, dpow, cum, num)
            moved = False
            for i in range(m):
                ri = r[i]
                usq = 2 - 4 * (0.5**ri)
                best_kind = NONE
                best_key = np.inf
                best_pos = x[i]
                for j in range(m):
                    if x[j] == x[i]:
                        continue
                    us = 2 - 4 * math.exp(ri * log_s[i, j])
                    uf = 2 - 4 * math.exp(ri * log_f[i, j])
                    pij = p[i, j]
                    pji = p[j, i]
                    eu_ij = (sv[j] * (pij * us + (1 - pij) * uf) + (1 - sv[j]) * us) - usq
                    eu_ji = (sv[i] * (pji * us + (1 - pji) * uf) + (1 - sv[i]) * us) - usq
                    kind = NONE
                    if eu_ji > eu_ij and eu_ij > 0:
                        kind = CONFRONTATION
                    elif eu_ji > 0 and eu_ij < 0:
                        if eu_ji > abs(eu_ij):
                            kind = COMPROMISE
                        elif capitulation_paper and eu_ji < abs(eu_ij):
                            kind = CAPITULATION
                    if kind == NONE:
                        continue
                    if kind == COMPROMISE:
                        pos = x[i] + (x[j] - x[i]) * abs(eu_ij / eu_ji)
                        if compromise_weighted:
                            key = (abs(eu_ij) * x[i] + abs(eu_ji) * x[j]) / (
                                abs(eu_ij) + abs(eu_ji)
                            )
                        else:
                            key = abs(x[i] - pos)
                    else:
                        pos = x[j]
                        key = abs(x[i] - pos)
                    # precedence: confrontation > compromise > capitulation; first on ties
                    rank = 3 if kind == CONFRONTATION else (2 if kind == COMPROMISE else 1)
                    best_rank = (
                        3
                        if best_kind == CONFRONTATION
                        else (2 if best_kind == COMPROMISE else (1 if best_kind else 0))
                    )
                    if rank > best_rank or (rank == best_rank and key < best_key):
                        best_kind = kind
                        best_key = key
                        best_pos = pos
                xn[i] = best_pos
                if best_pos != x[i]:
                    moved = True
            for i in range(m):
                x[i] = xn[i]
                risk[t - 1, row, ids[i]] = r[i]
            for i in range(n):
                traj[t, row, i] = traj[t - 1, row, i]
            for q in range(m):
                traj[t, row, ids[q]] = x[q]
            top = 0.0
            for q in range(m):
                top += w[q] * x[q]
            avg[t, row] = top / wsum
            med[t, row], tie[t, row] = _median(x, w)
            done = t
            if not moved:
                code = FIXED_POINT
                break
        rounds[row] = done
        stop[row] = code
    return 0


def warm_up() -> None:
    """Compile the kernel (cached on disk after the first call)."""
    x = np.array([[0.0, 1.0, 2.0]])
    c = np.ones((1, 3))
    act = np.ones((1, 3), dtype=np.bool_)
    traj = np.zeros((2, 1, 3))
    run_scholz(
        x,
        c,
        c,
        act,
        np.array([2.0]),
        1,
        True,
        False,
        True,
        traj,
        np.zeros((1, 1, 3)),
        np.zeros((2, 1)),
        np.zeros((2, 1), dtype=np.bool_),
        np.zeros((2, 1)),
        np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )
