"""Compiled kernel of the expected-utility model's ``scholz`` variant (numba).

The numpy core (:mod:`detente.bargaining._eum_scholz`) builds ``(B, n, n, n)`` arrays of
voter-by-pair terms; at 10,000 replicates of 30 actors that is 2.7e8 elements per
probability table, twice a round, more than numpy can stream in the time budget.  This
kernel computes the same equations row by row (rows in parallel), each round in the
actors' sorted order (index ``p`` is the ``p``-th actor from the left):

* everything that depends on positions only is computed once per distinct position:
  actors often land on each other's positions (after the first round of a random
  30-actor issue about 21 distinct positions remain), so the gaps and their logs, the
  probability tables (``k x k`` for ``k`` distinct positions), each voter's terms
  (``m x k``) and each actor's utilities (``m x k``) shrink accordingly; sums over
  actors become sums over positions weighted by how many actors sit there;
* the probability tables in O(n^2): with voters sorted by position, the voters who
  prefer ``x_a`` to ``x_b`` are those on ``x_a``'s side of the midpoint, so each sum over
  voters is a difference of prefix sums over the sorted voters, and the midpoint's place
  among the voters moves monotonically as ``b`` moves right (the all-triples
  denominator is twice the sum of the numerators; probabilities are the numerators
  times its reciprocal);
* powers ``b^r`` as ``exp(r log b)``: the three logarithms of every pair (of the gap
  ``g``, of ``1/2 - g/2`` and of ``1/2 + g/2``) are taken once a round and shared by every
  power taken of them.  exp and log are short polynomial kernels: range reduction on the
  binary exponent, then a degree-11 polynomial in the reduced argument for exp and a
  degree-7 polynomial in ``s = f^2``, ``f = (m - 1)/(m + 1)``, for log.  Their
  coefficients are Chebyshev interpolants computed at 50 digits by
  ``tools/eum_kernel_polynomials.py`` (interpolation error 3e-18 and 1e-18 relative).
  Each is a single loop over two halves of the array at once (two independent
  dependency chains per step) with free bit casts, which the compiler vectorises.  exp
  is within 1 ulp of numpy's; log is within 1 ulp where ``|log x| >= 0.5`` and within
  2.3e-16 absolute below, which is the accuracy ``exp(r log b)`` needs
  (``tests/bargaining/test_eum_kernel.py``);
* arrays are flat and indexed with unsigned integers, so that numba emits no
  negative-index wraparound in the inner loops (a third of the run time otherwise);
  the small helpers are inlined by numba (``inline="always"``), which saves compiling
  each on its own on first use.

Per round it agrees with the numpy core to about 1e-12 relative; over many rounds of a
chaotic trajectory the gap can grow (see docs/models/eum.md).  It covers ``Q = 1`` (the
reference configuration); other ``Q`` use the numpy core.

The median-voter forecast is computed here as the lower weighted median; rows where
the weights split exactly in half are flagged so the caller can apply the reference
tie rule.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import numpy as np
from llvmlite import ir
from numba import get_num_threads, njit, types
from numba.extending import intrinsic

from detente.bargaining._eum_scholz import (
    EQUAL_DANGER,
    FIXED_POINT,
    MAX_ROUNDS,
    NO_WEIGHT,
)
from detente.bargaining.median import TIE_TOLERANCE

_U = np.uint64  # index type: see the module docstring

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LOG2E = 1.4426950408889634
_SQRT2 = 1.4142135623730951
_ROUND = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer
_ROUND_BITS = 0x4338000000000000
_TWO52_BIAS = 4503599627371519.0  # 2**52 + 1023

#: exp(f) on |f| <= ln(2)/2, coefficients of f**0 ... f**11
EXP_POLY = (
    1.0,
    1.0,
    0.5000000000000019,
    0.1666666666666668,
    0.0416666666664881,
    0.008333333333319601,
    0.0013888888952314775,
    0.00019841269890047113,
    2.4801485482328494e-05,
    2.755724091857897e-06,
    2.763263963904103e-07,
    2.5110037605963777e-08,
)
#: atanh(sqrt(s)) / sqrt(s) on 0 <= s <= ((sqrt(2) - 1) / (sqrt(2) + 1))**2, s**0 ... s**7
LOG_POLY = (
    1.0,
    0.33333333333333826,
    0.1999999999965117,
    0.1428571438032084,
    0.11111098528363024,
    0.09091815840114664,
    0.07656264074182095,
    0.07404855180327638,
)
_E0, _E1, _E2, _E3, _E4, _E5, _E6, _E7, _E8, _E9, _E10, _E11 = EXP_POLY
_L0, _L1, _L2, _L3, _L4, _L5, _L6, _L7 = LOG_POLY

# rank of an offer's kind in the choice between offers (higher wins); int32, since
# AVX2 has no 64-bit integer multiply or select worth vectorising
_RANK_CONFRONTATION = np.int32(3)
_RANK_COMPROMISE = np.int32(2)
_RANK_CAPITULATION = np.int32(1)
_RANK_NONE = np.int32(0)


def _bits_typer(typingctx, x):  # type: ignore[no-untyped-def]
    """The IEEE-754 bits of a float64 as an int64 (a free bit cast the compiler vectorises)."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


def _float_typer(typingctx, b):  # type: ignore[no-untyped-def]
    """The float64 whose IEEE-754 bits are the int64 ``b``."""
    if b != types.int64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


_bits: Any = intrinsic(_bits_typer)
_float: Any = intrinsic(_float_typer)


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _exp(y):  # type: ignore[no-untyped-def]
    """``exp(y)``; ``y < -708`` gives 0."""
    yc = min(y, 709.0)  # below -708 the result is replaced by 0 (last line)
    t = yc * _LOG2E + _ROUND
    k = t - _ROUND
    f = (yc - k * _LN2_HI) - k * _LN2_LO
    p = _E11
    p = p * f + _E10
    p = p * f + _E9
    p = p * f + _E8
    p = p * f + _E7
    p = p * f + _E6
    p = p * f + _E5
    p = p * f + _E4
    p = p * f + _E3
    p = p * f + _E2
    p = p * f + _E1
    p = p * f + _E0
    v = _float(_bits(p) + ((_bits(t) - _ROUND_BITS) << 52))
    return 0.0 if y < -708.0 else v


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _log(x):  # type: ignore[no-untyped-def]
    """``log(x)`` for normal ``x >= 0``; 0 gives -inf."""
    b = _bits(x)
    m = _float((b & 0xFFFFFFFFFFFFF) | 0x3FF0000000000000)
    e = _float((b >> 52) | 0x4330000000000000)
    big = 1.0 if m > _SQRT2 else 0.0
    m = m * (1.0 - 0.5 * big)
    e = e - _TWO52_BIAS + big
    f = (m - 1.0) / (m + 1.0)
    s = f * f
    p = _L7
    p = p * s + _L6
    p = p * s + _L5
    p = p * s + _L4
    p = p * s + _L3
    p = p * s + _L2
    p = p * s + _L1
    p = p * s + _L0
    v = e * _LN2_HI + (e * _LN2_LO + 2.0 * f * p)
    return -np.inf if x <= 0.0 else v


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def vexp(y, out, count):  # type: ignore[no-untyped-def]
    """``out[:count] = exp(y[:count])`` (1-D, contiguous); ``y < -708`` gives 0."""
    h = count // 2
    for i in range(h):  # two independent halves per step
        out[i] = _exp(y[i])
        out[i + h] = _exp(y[i + h])
    for i in range(2 * h, count):
        out[i] = _exp(y[i])


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def vlog(x, out):  # type: ignore[no-untyped-def]
    """``out = log(x)`` elementwise for normal ``x >= 0`` (1-D, contiguous); 0 gives -inf."""
    count = x.shape[0]
    h = count // 2
    for i in range(h):  # two independent halves per step
        out[i] = _log(x[i])
        out[i + h] = _log(x[i + h])
    for i in range(2 * h, count):
        out[i] = _log(x[i])


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _pair_logs(xs, m, rho, G, base, plog, Lg, Ls, Lf):  # type: ignore[no-untyped-def]
    """Gaps ``G[p, q] = |x_p - x_q| / rho`` and the logs of the three bases of every pair.

    ``xs[:m]`` are distinct positions, sorted (the kernel passes the ``k`` distinct
    positions of a round).  ``Lg``, ``Ls`` and ``Lf`` receive ``log g``,
    ``log(1/2 - g/2)`` and ``log(1/2 + g/2)`` as full ``m x m`` matrices (diagonals
    ``-inf``, ``log 1/2``, ``log 1/2``); each log is taken once per pair ``p < q``
    (packed in ``base``).
    """
    npair = m * (m - 1) // 2
    log_half = np.log(0.5)
    off = 0
    for p in range(m):
        xp = xs[_U(p)]
        for i in range(m - p - 1):
            g = (xs[_U(p + 1 + i)] - xp) / rho
            G[_U(p * m + p + 1 + i)] = g
            half = 0.5 * g
            base[_U(off + i)] = g
            base[_U(npair + off + i)] = 0.5 - half
            base[_U(2 * npair + off + i)] = 0.5 + half
        off += m - p - 1
    vlog(base, plog)
    off = 0
    for p in range(m):
        G[_U(p * m + p)] = 0.0
        Lg[_U(p * m + p)] = -np.inf
        Ls[_U(p * m + p)] = log_half
        Lf[_U(p * m + p)] = log_half
        for i in range(m - p - 1):
            Lg[_U(p * m + p + 1 + i)] = plog[_U(off + i)]
            Ls[_U(p * m + p + 1 + i)] = plog[_U(npair + off + i)]
            Lf[_U(p * m + p + 1 + i)] = plog[_U(2 * npair + off + i)]
        off += m - p - 1
    for p in range(1, m):
        xp = xs[_U(p)]
        for q in range(p):
            G[_U(p * m + q)] = (xp - xs[_U(q)]) / rho  # the same value as G[q, p]
        for q in range(p):
            Lg[_U(p * m + q)] = Lg[_U(q * m + p)]
            Ls[_U(p * m + q)] = Ls[_U(q * m + p)]
            Lf[_U(p * m + q)] = Lf[_U(q * m + p)]


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _table(xs, ws, u, cnt, ends, D, cum, N, NT, lo_tab, le_tab, reuse, all_triples):  # type: ignore[no-untyped-def]
    """Probability numerators ``N[i, j]`` between positions (and ``NT = N`` transposed); the scale.

    ``u`` holds the ``k`` distinct positions (sorted), ``cnt`` how many actors sit on each
    and ``ends[i]`` how many sit on ``u[0..i]``; ``xs`` the ``m`` voters' positions
    (sorted, ``xs[m] = inf``), ``ws`` their weights and ``D[t, j]`` (``m x k``) voter
    ``t``'s distance term to ``u[j]``.  ``N[i, j]`` is the sum over the voters closer to
    ``u[i]`` than to ``u[j]`` of ``w_t (D[t, j] - D[t, i])``, floored at 0.  For ``u[i]``
    left of ``u[j]`` those voters are the ``lo`` leftmost (strictly left of the
    midpoint), and the voters closer to ``u[j]`` are those from ``le`` on (strictly right
    of it), so each sum is a difference of the prefix sums ``cum`` (``(m + 1) x k``).
    ``lo``/``le`` depend on positions only: a second call in the same round passes
    ``reuse``.  With ``probability="pair"`` ``N`` is normalised pair by pair and the
    scale is 1; with ``all_triples`` the scale is the reciprocal of the all-triples
    denominator over actors (0 if that is 0): probabilities are ``N * scale``.
    """
    m = ws.shape[0]
    k = u.shape[0]
    for j in range(k):
        cum[_U(j)] = 0.0
    for t in range(m):
        wt = ws[_U(t)]
        for j in range(k):
            cum[_U((t + 1) * k + j)] = cum[_U(t * k + j)] + wt * D[_U(t * k + j)]
    last = m * k
    total0 = 0.0
    total1 = 0.0
    for i in range(k):
        ui = u[_U(i)]
        lo = ends[_U(i)]  # the voters on u[0..i] are left of every midpoint to u[i]'s right
        le = lo
        N[_U(i * k + i)] = 0.0
        NT[_U(i * k + i)] = 0.0
        c_im = cum[_U(last + i)]
        ci = cnt[_U(i)]
        for j in range(i + 1, k):
            uj = u[_U(j)]
            if reuse:
                lo = lo_tab[_U(i * k + j)]
                le = le_tab[_U(i * k + j)]
            else:
                mid = 0.5 * (ui + uj)
                lo += xs[_U(lo)] < mid  # the usual step, without a branch
                while xs[_U(lo)] < mid:
                    lo += 1
                le = max(le, lo)
                while xs[_U(le)] <= mid:
                    le += 1
                lo_tab[_U(i * k + j)] = lo
                le_tab[_U(i * k + j)] = le
            v_ab = cum[_U(lo * k + j)] - cum[_U(lo * k + i)]
            v_ba = (c_im - cum[_U(le * k + i)]) - (cum[_U(last + j)] - cum[_U(le * k + j)])
            v_ab = v_ab if v_ab > 0.0 else 0.0
            v_ba = v_ba if v_ba > 0.0 else 0.0
            if not all_triples:
                den = v_ab + v_ba
                if den > 0.0:
                    v_ab = v_ab / den
                    v_ba = v_ba / den
            pairs = ci * cnt[_U(j)]  # actor pairs between the two positions
            total0 += pairs * v_ab
            total1 += pairs * v_ba
            N[_U(i * k + j)] = v_ab
            N[_U(j * k + i)] = v_ba
            NT[_U(j * k + i)] = v_ab
            NT[_U(i * k + j)] = v_ba
    if not all_triples:
        return 1.0
    total = 2.0 * (total0 + total1)
    return 1.0 / total if total > 0.0 else 0.0


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _danger(G, NT, cnt, ss, dmap, scale, m, k, term, danger):  # type: ignore[no-untyped-def]
    """Each actor's danger ``D_p``: the sum over the others ``j`` of ``EU_p(j -> p)``.

    With every ``r = 1``; summed over positions ``g`` (``cnt[g]`` actors each;
    ``NT[i, g] * scale`` is ``P[g, i]``; actors on ``p``'s own position add exactly 0).
    Four partial sums, in a fixed order, so the result is deterministic.
    """
    for p in range(m):
        sp = ss[_U(p)]
        i = dmap[_U(p)]
        for g in range(k):
            half = 0.5 * G[_U(i * k + g)]
            us = 2 - 4 * (0.5 - half)
            uf = 2 - 4 * (0.5 + half)
            pj = NT[_U(i * k + g)] * scale
            term[_U(g)] = cnt[_U(g)] * (sp * (pj * us + (1 - pj) * uf) + (1 - sp) * us)
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        g = 0
        while g + 4 <= k:
            a0 += term[_U(g)]
            a1 += term[_U(g + 1)]
            a2 += term[_U(g + 2)]
            a3 += term[_U(g + 3)]
            g += 4
        while g < k:
            a0 += term[_U(g)]
            g += 1
        danger[_U(p)] = (a0 + a1) + (a2 + a3)


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _ranks(eu_ij, eu_ji, xs, xp, capitulation_paper, rank, m):  # type: ignore[no-untyped-def]
    """Rank of the offer between actor ``p`` (at ``xp``) and each ``j``; the highest rank.

    Confrontation (3) if ``E_j > E_i > 0``; compromise (2) if ``E_j > 0 > E_i`` and
    ``E_j > |E_i|``; capitulation (1, paper rule) if ``E_j < |E_i|``; else 0, and 0 for
    actors at ``xp`` (``E_i = eu_ij[j]``, ``E_j = eu_ji[j]``).
    """
    top = _RANK_NONE
    for j in range(m):
        e_ij = eu_ij[_U(j)]
        e_ji = eu_ji[_U(j)]
        a_ij = abs(e_ij)
        conf = (e_ji > e_ij) & (e_ij > 0.0)
        zone = (e_ji > 0.0) & (e_ij < 0.0)
        comp = zone & (e_ji > a_ij)
        capit = zone & capitulation_paper & (e_ji < a_ij)
        kind = _RANK_CAPITULATION if capit else _RANK_NONE  # selects, not branches
        kind = _RANK_COMPROMISE if comp else kind
        kind = _RANK_CONFRONTATION if conf else kind
        kind = kind if xs[_U(j)] != xp else _RANK_NONE
        rank[_U(j)] = kind
        top = max(top, kind)
    return top


@njit(cache=True, inline="always", error_model="numpy", fastmath={"contract"})
def _best(eu_ij, eu_ji, rank, top, xs, xp, order, compromise_weighted, m):  # type: ignore[no-untyped-def]
    """The position actor ``p`` takes: among the offers of rank ``top``, the smallest key.

    The key is the distance moved (or, for compromises under ``weighted_position``, the
    weighted position); ties go to the actor first in input order (``order`` maps sorted
    places to input indices), as when the offers are scanned in input order.
    """
    best_key = np.inf
    best_id = m
    best_pos = xp
    for j in range(m):
        if rank[_U(j)] != top:
            continue
        xj = xs[_U(j)]
        if top == _RANK_COMPROMISE:
            e_ij = eu_ij[_U(j)]
            e_ji = eu_ji[_U(j)]
            pos = xp + (xj - xp) * abs(e_ij / e_ji)
            if compromise_weighted:
                key = (abs(e_ij) * xp + abs(e_ji) * xj) / (abs(e_ij) + abs(e_ji))
            else:
                key = abs(xp - pos)
        else:
            pos = xj
            key = abs(xp - pos)
        oid = order[_U(j)]
        if key < best_key or (key == best_key and oid < best_id):
            best_key = key
            best_id = oid
            best_pos = pos
    return best_pos


@njit(cache=True, error_model="numpy")
def _stable_order(x, order):  # type: ignore[no-untyped-def]
    """``order[:] = argsort(x)``, stable (ties keep index order), by insertion sort.

    The same permutation as ``np.argsort(x, kind="mergesort")``; for the few dozen
    actors of an issue it is as fast, and far quicker to compile.
    """
    m = x.shape[0]
    for i in range(m):
        j = i
        while j > 0 and x[order[j - 1]] > x[i]:
            order[j] = order[j - 1]
            j -= 1
        order[j] = i


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _median(x, w, order):  # type: ignore[no-untyped-def]
    """Lower weighted median of ``x`` and whether the weights split exactly in half there.

    ``order`` is the stable sorting order of ``x`` (:func:`_stable_order`).
    """
    m = x.shape[0]
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


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def _run_row(  # type: ignore[no-untyped-def]
    row,
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
    """One row (one replicate of one issue): the rounds of the model, written in place."""
    n = x0.shape[1]
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
        return
    order = np.empty(m, dtype=np.int64)
    _stable_order(x, order)  # kept in step with x: the median and next round use it
    med[0, row], tie[0, row] = _median(x, w, order)
    lo = np.inf
    hi = -np.inf
    for q in range(m):
        lo = min(lo, x[q])
        hi = max(hi, x[q])
    if m <= 1 or not hi > lo:
        stop[row] = FIXED_POINT
        rounds[row] = 0
        return
    # the round's state in sorted order; the distinct positions u (k of them); flat work
    # arrays: m x k (voters x positions) and k x k (positions x positions), k <= m
    mm = m * m
    npair = m * (m - 1) // 2
    xs = np.empty(m + 1)  # xs[m] = inf ends the midpoint searches
    ws = np.empty(m)
    ss = np.empty(m)
    ub = np.empty(m)
    cntb = np.empty(m)
    endsb = np.empty(m, dtype=np.int64)
    dmap = np.empty(m, dtype=np.int64)
    G = np.empty(mm)
    Lg = np.empty(mm)
    Ls = np.empty(mm)
    Lf = np.empty(mm)
    D = np.empty(mm)
    cum = np.empty(mm + m)
    N = np.empty(mm)
    NT = np.empty(mm)
    lo_tab = np.zeros(mm, dtype=np.int64)
    le_tab = np.zeros(mm, dtype=np.int64)
    baseb = np.empty(3 * npair)
    plogb = np.empty(3 * npair)
    ybuf = np.empty(2 * mm)
    ebuf = np.empty(2 * mm)
    term = np.empty(m)
    danger = np.empty(m)
    r = np.empty(m)
    xn = np.empty(m)
    eu_ij = np.empty(m)
    eu_ji = np.empty(m)
    t1 = np.empty(m)
    usg = np.empty(m)
    eji = np.empty(m)
    rank = np.empty(m, dtype=np.int32)
    code = MAX_ROUNDS
    done = 0
    for t in range(1, max_rounds + 1):
        k = 0
        for p in range(m):
            o = order[p]
            xs[p] = x[o]
            ws[p] = w[o]
            ss[p] = sv[o]
            if p == 0 or xs[p] != xs[p - 1]:
                ub[k] = xs[p]
                cntb[k] = 0.0
                k += 1
            cntb[k - 1] += 1.0
            dmap[p] = k - 1
            endsb[k - 1] = p + 1
        xs[m] = np.inf
        u = ub[:k]
        cnt = cntb[:k]
        ends = endsb[:k]
        mk = m * k
        kpair = k * (k - 1) // 2
        _pair_logs(u, k, rho, G, baseb[: 3 * kpair], plogb[: 3 * kpair], Lg, Ls, Lf)
        # 1. risk exponents, every r = 1 (so voter t's term to u[j] is G[u(t), u[j]])
        for v in range(m):
            dv = dmap[_U(v)]
            for j in range(k):
                D[_U(v * k + j)] = G[_U(dv * k + j)]
        scale = _table(xs, ws, u, cnt, ends, D, cum, N, NT, lo_tab, le_tab, False, all_triples)
        _danger(G, NT, cnt, ss, dmap, scale, m, k, term, danger)
        dmax = -np.inf
        dmin = np.inf
        for p in range(m):
            dmax = max(dmax, danger[p])
            dmin = min(dmin, danger[p])
        span = dmax - dmin
        if not span > 0:
            code = EQUAL_DANGER
            break
        for p in range(m):
            big_r = (2 * danger[p] - dmax - dmin) / span
            r[p] = (1 - big_r / 3.0) / (1 + big_r / 3.0)
        # 2. the probabilities again with voter t's term G ** r_t
        for v in range(m):
            rv = r[_U(v)]
            dv = dmap[_U(v)]
            for j in range(k):
                ybuf[_U(v * k + j)] = rv * Lg[_U(dv * k + j)]
        vexp(ybuf, D, mk)
        for v in range(m):
            if r[v] == 1.0:
                dv = dmap[_U(v)]
                for j in range(k):
                    D[_U(v * k + j)] = G[_U(dv * k + j)]
        scale = _table(xs, ws, u, cnt, ends, D, cum, N, NT, lo_tab, le_tab, True, all_triples)
        # 3. offers: each actor's utilities of success (1/2 - g/2)**r_p and failure
        for p in range(m):
            rp = r[_U(p)]
            dv = dmap[_U(p)]
            for j in range(k):
                ybuf[_U(p * k + j)] = rp * Ls[_U(dv * k + j)]
                ybuf[_U(mk + p * k + j)] = rp * Lf[_U(dv * k + j)]
        vexp(ybuf, ebuf, 2 * mk)
        moved = False
        for p in range(m):
            xp = xs[_U(p)]
            sp = ss[_U(p)]
            i = dmap[_U(p)]
            usq = 2 - 4 * ebuf[_U(p * k + i)]  # own position: 0.5 ** r_p
            for g in range(k):  # per position: what does not depend on the actor there
                us = 2 - 4 * ebuf[_U(p * k + g)]
                uf = 2 - 4 * ebuf[_U(mk + p * k + g)]
                pig = N[_U(i * k + g)] * scale
                pgi = NT[_U(i * k + g)] * scale
                t1[_U(g)] = pig * us + (1 - pig) * uf
                usg[_U(g)] = us
                eji[_U(g)] = (sp * (pgi * us + (1 - pgi) * uf) + (1 - sp) * us) - usq
            for j in range(m):
                g = dmap[_U(j)]
                sj = ss[_U(j)]
                eu_ij[_U(j)] = (sj * t1[_U(g)] + (1 - sj) * usg[_U(g)]) - usq
                eu_ji[_U(j)] = eji[_U(g)]
            best = _ranks(eu_ij, eu_ji, xs, xp, capitulation_paper, rank, m)
            pos = xp
            if best > 0:
                pos = _best(eu_ij, eu_ji, rank, best, xs, xp, order, compromise_weighted, m)
            xn[p] = pos
            if pos != xp:
                moved = True
        for p in range(m):
            o = order[p]
            x[o] = xn[p]
            risk[t - 1, row, ids[o]] = r[p]
        for i in range(n):
            traj[t, row, i] = traj[t - 1, row, i]
        for q in range(m):
            traj[t, row, ids[q]] = x[q]
        top = 0.0
        for q in range(m):
            top += w[q] * x[q]
        avg[t, row] = top / wsum
        _stable_order(x, order)
        med[t, row], tie[t, row] = _median(x, w, order)
        done = t
        if not moved:
            code = FIXED_POINT
            break
    rounds[row] = done
    stop[row] = code


@njit(nogil=True, cache=True, error_model="numpy", fastmath={"contract"})
def _run_rows(start, end, args):  # type: ignore[no-untyped-def]
    """Rows ``start`` to ``end - 1``, without the GIL (so threads run them in parallel).

    A row that stops early keeps its last state (positions, median, mean, tie flag) in
    the later rounds; its risk exponents stay NaN there.
    """
    max_rounds, traj, rounds = args[5], args[9], args[14]
    med, tie, avg = args[11], args[12], args[13]
    for row in range(start, end):
        _run_row(row, *args)
        done = rounds[row]
        for t in range(done + 1, max_rounds + 1):
            for i in range(traj.shape[2]):
                traj[t, row, i] = traj[done, row, i]
            med[t, row] = med[done, row]
            tie[t, row] = tie[done, row]
            avg[t, row] = avg[done, row]
    return 0


def run_scholz(*args: Any) -> None:
    """Run every row; outputs are written into the preallocated arrays.

    ``args`` are :func:`_run_row`'s after ``row``: ``x0, c, s, active, rho, max_rounds,
    all_triples, capitulation_paper, compromise_weighted`` and the outputs ``traj, risk,
    med, tie, avg, rounds, stop``.  Rows are independent, so they are split into chunks
    run on ``numba.get_num_threads()`` threads (``NUMBA_NUM_THREADS``); the result does
    not depend on the number of threads.  (Plain threads over a GIL-free loop compile in
    a third of the time a ``prange`` loop takes, and run as fast.)
    """
    nrow = int(args[0].shape[0])
    threads = min(get_num_threads(), max(1, nrow // 32))
    if threads <= 1:
        _run_rows(0, nrow, args)
        return
    bounds = np.linspace(0, nrow, 8 * threads + 1).astype(np.int64)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="detente-eum") as pool:
        jobs = [
            pool.submit(_run_rows, int(lo), int(hi), args) for lo, hi in pairwise(bounds) if hi > lo
        ]
        for job in jobs:
            job.result()
