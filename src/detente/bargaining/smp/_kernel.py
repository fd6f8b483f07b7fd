"""Compiled SMP run loop (numba): the numpy engine's equations, turn after turn.

The numpy modules (:mod:`~detente.bargaining.smp.state`, ``challenge``, ``bargain``,
``queue``, ``ideals``, ``stopping``) vectorise each step over actors; what remains is
Python overhead per step and per turn, which dominates small scenarios (a 13-actor run
spends ~90% of its time outside arithmetic).  This module runs the whole loop in one
compiled call.  It evaluates the same formulas with every sum in the same left-to-right
order, so its results are bit-for-bit those of the numpy engine (checked by the tests on
every KTAB reference and on random scenarios).

Enum arguments are KTAB's integer codes (``SMPParams.ktab_codes()``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# KTAB integer codes
_VR_BINARY, _VR_PROPBIN, _VR_PROP, _VR_PROPCBC, _VR_CUBIC, _VR_ASYM = 0, 1, 2, 3, 4, 5
_VPM_LINEAR, _VPM_SQUARE, _VPM_QUARTIC, _VPM_OCTIC, _VPM_BINARY = 0, 1, 2, 3, 4
_PCE_COND, _PCE_MI, _PCE_MU = 0, 1, 2
_RA_NONE, _RA_13, _RA_HALF, _RA_23, _RA_FULL = 0, 1, 2, 3, 4
_RR_MIN, _RR_MID, _RR_MAX = 0, 1, 2
_TPC_NO, _TPC_SEMI, _TPC_FULL = 0, 1, 2
_IVB_S1P1, _IVB_S2P2, _IVB_S2PMAX = 0, 1, 2
_BM_INIT, _BM_RCVR, _BM_PW = 0, 1, 2

_MIN_C = 1e-8
_MIN_CLTN = 1e-10
_MIN_SIG_EDU = 1e-5
_MIN_W = 1e-6
_POS_TOL = 1e-3
_HARD_CAP = 100_000


@njit(cache=True)
def _vote(vr, w, ua, ub):  # type: ignore[no-untyped-def]
    du = ua - ub
    if vr == _VR_PROP:
        return w * du
    if vr == _VR_CUBIC:
        return w * (du * du * du)
    if vr == _VR_PROPCBC:
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if vr == _VR_ASYM:
        if du < 0.0:
            return w * du
        if du > 0.0:
            return (2.0 * w * du) / 3.0
        return 0.0
    r_bin = du / 1e-8
    if r_bin > 1.0:
        r_bin = 1.0
    if r_bin < -1.0:
        r_bin = -1.0
    if vr == _VR_BINARY:
        return w * r_bin
    return w * ((1 - 0.2) * du + 0.2 * r_bin)


@njit(cache=True)
def _bs_util(d, r):  # type: ignore[no-untyped-def]
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@njit(cache=True)
def _wdist(ideal, pos, sal):  # type: ignore[no-untyped-def]
    num = 0.0
    den = 0.0
    for k in range(ideal.shape[0]):
        ds = (ideal[k] - pos[k]) * sal[k]
        num = num + ds * ds
        den = den + sal[k] * sal[k]
    return math.sqrt(num / den)


@njit(cache=True)
def _strength(vpm, s):  # type: ignore[no-untyped-def]
    if vpm == _VPM_LINEAR:
        return s
    if vpm == _VPM_SQUARE:
        return s * s
    q = s * s * s * s
    if vpm == _VPM_QUARTIC:
        return q
    return q * q


@njit(cache=True)
def _coalitions(vr, w, u, cols, c):  # type: ignore[no-untyped-def]
    """c[a, b] over the options ``cols`` (columns of u), voters = rows of u."""
    m = cols.shape[0]
    nv = u.shape[0]
    for a in range(m):
        c[a, a] = _MIN_C
        ca = cols[a]
        for b in range(a):
            cb = cols[b]
            pos = _MIN_C
            neg = _MIN_C
            for k in range(nv):
                v = _vote(vr, w[k], u[k, ca], u[k, cb])
                if v > 0.0:
                    pos = pos + v
                if -v > 0.0:
                    neg = neg + (-v)
            c[a, b] = pos
            c[b, a] = neg


@njit(cache=True)
def _victory(vpm, c, pv):  # type: ignore[no-untyped-def]
    m = c.shape[0]
    for a in range(m):
        pv[a, a] = 0.5
        for b in range(a):
            s1 = c[a, b]
            s2 = c[b, a]
            if vpm == _VPM_BINARY:
                if s1 >= 1.10 * s2:
                    x1, x2 = 1.0, 1e-6
                elif s2 >= 1.10 * s1:
                    x1, x2 = 1e-6, 1.0
                else:
                    r12 = s1 / (s1 + s2)
                    p12 = (r12 * (1.10 + 1.0) - 1.0) / (1.10 - 1.0)
                    x1, x2 = p12, 1 - p12
            else:
                x1 = _strength(vpm, s1)
                x2 = _strength(vpm, s2)
            tot = x1 + x2
            pv[a, b] = x1 / tot
            pv[b, a] = x2 / tot


@njit(cache=True)
def _pce(pcem, vpm, c, p):  # type: ignore[no-untyped-def]
    """Election over options with coalitions c; fills p, returns Markov iterations."""
    m = c.shape[0]
    pv = np.empty((m, m))
    _victory(vpm, c, pv)
    if pcem == _PCE_COND:
        tot = 0.0
        for a in range(m):
            x = pv[a, 0]
            for b in range(1, m):
                x = x * pv[a, b]
            p[a] = x
            tot = tot + x
        for a in range(m):
            p[a] = p[a] / tot
        return 0
    for a in range(m):
        p[a] = 1.0 / m
    q = np.empty(m)
    it = 0
    if pcem == _PCE_MU:
        change = 1.0
        while change > 1e-6 and it < _HARD_CAP:
            change = 0.0
            for a in range(m):
                s = 0.0
                for b in range(m):
                    s = s + pv[a, b] * (p[a] + p[b])
                q[a] = s / m
                d = abs(q[a] - p[a])
                if d > change:
                    change = d
            for a in range(m):
                p[a] = (p[a] + q[a]) / 2.0
            it += 1
        return it
    inct = np.empty((m, m))
    for a in range(m):
        for b in range(m):
            inct[a, b] = c[a, b] * pv[a, b]
        inct[a, a] = inct[a, a] + 1e-10
    col = np.empty(m)
    for b in range(m):
        s = inct[0, b]
        for a in range(1, m):
            s = s + inct[a, b]
        col[b] = s
    chlg_t = np.empty((m, m))  # chlg_t[a, b] = inct[b, a] / col[a]
    for a in range(m):
        for b in range(m):
            chlg_t[a, b] = inct[b, a] / col[a]
    ct = np.empty((m, m))
    change = 1.0
    while change > 1e-8 and it < _HARD_CAP:
        for a in range(m):
            for b in range(m):
                ct[a, b] = p[a] * chlg_t[a, b]
        change = 0.0
        for a in range(m):
            s = 0.0
            for b in range(m):
                s = s + pv[a, b] * (ct[a, b] + ct[b, a])
            q[a] = s
            d = abs(q[a] - p[a])
            if d > change:
                change = d
        for a in range(m):
            p[a] = (p[a] + q[a]) / 2.0
        it += 1
    return it


@njit(cache=True)
def _set_state(pos, ideal, sal, cap, vr, vpm, pcem, ra, rr, au, risk):  # type: ignore[no-untyped-def]
    """Distances, risk attitudes and utility estimates; returns (degenerate, iterations)."""
    n = pos.shape[0]
    dist = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            dist[i, j] = _wdist(ideal[i], pos[j], sal[i])
    rn = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            rn[i, j] = _bs_util(dist[i, j], 0.0)
    cols = np.empty(n, dtype=np.int64)
    for i in range(n):
        cols[i] = i
    c = np.empty((n, n))
    _coalitions(vr, cap, rn, cols, c)
    p = np.empty(n)
    it = _pce(pcem, vpm, c, p)
    p_min = p[0]
    p_max = p[0]
    for i in range(1, n):  # like p.min() and p.max(): a NaN propagates
        v = p[i]
        if v < p_min or v != v:
            p_min = v
        if v > p_max or v != v:
            p_max = v
    span = p_max - p_min
    degenerate = not span > 0
    for i in range(n):
        if degenerate:
            risk[i] = 0.0
        elif rr == _RR_MIN:
            risk[i] = (p[i] - p_min) / span
        elif rr == _RR_MID:
            risk[i] = (3 * p[i] - (p_max + 2 * p_min)) / (2 * span)
        else:
            risk[i] = (2 * p[i] - (p_max + p_min)) / span
    for h in range(n):
        rh = risk[h]
        for i in range(n):
            ri = risk[i]
            if ra == _RA_FULL:
                rhi = ri
            elif ra == _RA_23:
                rhi = (rh + 2.0 * ri) / 3.0
            elif ra == _RA_HALF:
                rhi = (rh + ri) / 2
            elif ra == _RA_13:
                rhi = (2.0 * rh + ri) / 3.0
            else:
                rhi = rh
            for j in range(n):
                au[h, i, j] = _bs_util(dist[i, j], rhi)
    return degenerate, it


@njit(cache=True)
def _estimate(au, weight, sal_total, vr, tpc, h, k, i, j):  # type: ignore[no-untyped-def]
    """h's estimate of P[i > j] and of k's gain from i challenging j."""
    n = au.shape[0]
    u_ii = au[h, i, i]
    u_ij = au[h, i, j]
    u_ji = au[h, j, i]
    u_jj = au[h, j, j]
    u_ki = au[h, k, i]
    u_kj = au[h, k, j]
    v_i = _vote(vr, weight[i], u_ii, u_ij)
    v_j = _vote(vr, weight[j], u_ji, u_jj)
    c_ij0 = (_MIN_CLTN + max(v_i, 0.0)) + max(v_j, 0.0)
    c_ji0 = (_MIN_CLTN + max(-v_i, 0.0)) + max(-v_j, 0.0)
    c_ij = c_ij0
    neg = -c_ji0
    for m in range(n):
        if m == i or m == j:  # noqa: SIM109  (numba)
            continue
        u_ni = au[h, m, i]
        u_nj = au[h, m, j]
        u_nn = au[h, m, m]
        w_n = weight[m]
        lean = _vote(vr, w_n, u_ni, u_nj)
        cni = c_ij0 + max(lean, 0.0)
        cnj = c_ji0 - min(lean, 0.0)
        pin = cni / (cni + cnj)
        pjn = 1.0 - pin
        two_i = u_ni + u_ni
        two_j = u_nj + u_nj
        if tpc == _TPC_FULL:
            a_ikj = two_i + u_ni
            a_jik = two_j + u_nj
            a_ijk = a_ikj
            a_jki = a_jik
        elif tpc == _TPC_SEMI:
            a_ikj = two_i + u_nn
            a_jik = two_j + u_nj
            a_ijk = two_i + u_ni
            a_jki = two_j + u_nn
        else:
            a_ikj = two_i + u_nn
            a_jik = two_j + u_nn
            a_ijk = a_ikj
            a_jki = a_jik
        join_i = pin * a_ikj + pjn * a_jik
        join_j = pin * a_ijk + pjn * a_jki
        v_n = _vote(vr, w_n, join_i, join_j)
        c_ij = c_ij + max(v_n, 0.0)
        neg = neg + min(v_n, 0.0)
    c_ji = -neg
    tot = c_ij + c_ji
    p_ij = c_ij / tot
    p_ji = c_ji / tot
    u_vict = u_ki + u_ki
    u_lose = u_kj + u_kj
    s_j = sal_total[j]
    eu = (1 - s_j) * u_vict + s_j * (p_ij * u_vict + p_ji * u_lose)
    return p_ij, eu - (u_ki + u_kj)


@njit(cache=True)
def _round4(x):  # type: ignore[no-untyped-def]
    return math.trunc(0.5 + x * 10000.0) / 10000.0


@njit(cache=True)
def _interp(ivb, t_i, s_i, p_i, t_j, s_j, p_j, b_i, b_j):  # type: ignore[no-untyped-def]
    for k in range(t_i.shape[0]):
        ti, tj, si, sj = t_i[k], t_j[k], s_i[k], s_j[k]
        if ivb == _IVB_S2PMAX:
            d_i = p_j - p_i if p_j > p_i else 0.0
            d_j = p_i - p_j if p_i > p_j else 0.0
            si2 = si * si
            sj2 = sj * sj
            dik = (d_i * sj2) / ((d_i * sj2) + _MIN_W + ((1 - d_i) * si2))
            djk = (d_j * si2) / ((d_j * si2) + _MIN_W + ((1 - d_j) * sj2))
            b_i[k] = ti + dik * (tj - ti)
            b_j[k] = tj + djk * (ti - tj)
        else:
            if ivb == _IVB_S1P1:
                wi = si * p_i
                wj = sj * p_j
            else:
                wi = (si * si) * (p_i * p_i)
                wj = (sj * sj) * (p_j * p_j)
            den = wi + _MIN_W + wj
            b_i[k] = _round4(((wi + _MIN_W) * ti + wj * tj) / den)
            b_j[k] = _round4((wi * ti + (_MIN_W + wj) * tj) / den)


@njit(cache=True)
def _copy1(src, dst):  # type: ignore[no-untyped-def]
    """``dst[:] = src`` for 1-D arrays of one length.

    An explicit loop: numba's slice assignment compiles a shape-mismatch error path with
    string formatting, which took several seconds of compilation for every use.
    """
    for k in range(src.shape[0]):
        dst[k] = src[k]


@njit(cache=True)
def _copy2(src, dst):  # type: ignore[no-untyped-def]
    """``dst[:, :] = src`` for 2-D arrays of one shape (see :func:`_copy1`)."""
    for i in range(src.shape[0]):
        for k in range(src.shape[1]):
            dst[i, k] = src[i, k]


@njit(cache=True)
def run_kernel(  # type: ignore[no-untyped-def]
    pos0,
    sal,
    cap,
    acc,
    identity,
    codes,
    compat,
    min_turns,
    max_turns,
    min_delta_ratio,
    min_sig_delta,
    draws,
    record,
):
    """The whole SMP run; see :func:`detente.bargaining.smp.engine.run_smp`.

    ``codes`` are KTAB's nine integer codes; ``draws`` is ``(max_turns, n)`` uniforms
    (used only with stochastic transitions).  Returns histories, records and flags.
    """
    vpm, pcem, stm, vr, ra, rr, tpc, ivb, bm = (
        codes[0],
        codes[1],
        codes[2],
        codes[3],
        codes[4],
        codes[5],
        codes[6],
        codes[7],
        codes[8],
    )
    n, d = pos0.shape
    nb_max = 2 * n
    pos_h = np.empty((max_turns + 1, n, d))
    idl_h = np.empty((max_turns + 1, n, d))
    risk_h = np.empty((max_turns + 1, n))
    win_h = np.empty((max_turns + 1, n))
    degen = np.zeros(max_turns + 1, dtype=np.bool_)
    state_it = np.zeros(max_turns + 1, dtype=np.int64)
    rt = max_turns if record else 1
    r_target = np.full((rt, n), -1, dtype=np.int64)
    r_gain = np.full((rt, n), np.nan)
    r_pwin = np.full((rt, n), np.nan)
    r_tgain = np.full((rt, n), np.nan)
    r_nb = np.zeros(rt, dtype=np.int64)
    r_binit = np.zeros((rt, nb_max), dtype=np.int64)
    r_brcvr = np.zeros((rt, nb_max), dtype=np.int64)
    r_bkind = np.zeros((rt, nb_max), dtype=np.int64)
    r_bpi = np.zeros((rt, nb_max, d))
    r_bpr = np.zeros((rt, nb_max, d))
    r_qoff = np.zeros((rt, n + 1), dtype=np.int64)
    r_qcol = np.zeros((rt, n + 2 * nb_max), dtype=np.int64)
    r_qprob = np.zeros((rt, n + 2 * nb_max))
    r_chosen = np.zeros((rt, n), dtype=np.int64)
    turn_it = np.zeros(max_turns + 1, dtype=np.int64)

    sal_total = np.zeros(n)
    for k in range(d):
        for i in range(n):
            sal_total[i] = sal_total[i] + sal[i, k]
    weight = np.empty(n)
    for i in range(n):
        weight[i] = sal_total[i] * cap[i]

    au = np.empty((n, n, n))
    risk = np.empty(n)
    pos = pos0.copy()
    ideal = pos0.copy()
    degen[0], state_it[0] = _set_state(pos, ideal, sal, cap, vr, vpm, pcem, ra, rr, au, risk)
    _copy2(pos, pos_h[0])
    _copy2(ideal, idl_h[0])
    _copy1(risk, risk_h[0])
    _win_prob(pos, au, cap, vr, vpm, pcem, win_h[0])

    gain_best = np.empty(n)
    target = np.empty(n, dtype=np.int64)
    p_win = np.empty(n)
    b_init = np.empty(nb_max, dtype=np.int64)
    b_rcvr = np.empty(nb_max, dtype=np.int64)
    b_kind = np.empty(nb_max, dtype=np.int64)
    b_pi = np.empty((nb_max, d))
    b_pr = np.empty((nb_max, d))
    tmp_i = np.empty(d)
    tmp_j = np.empty(d)
    tmp_i2 = np.empty(d)
    tmp_j2 = np.empty(d)
    values = np.empty((n, 1 + nb_max))
    new_pos = np.empty((n, d))
    d01 = 0.0
    turns = 0
    stop_code = 0  # 1 quiet, 2 max turns
    for t in range(1, max_turns + 1):
        # 1. challenges
        for i in range(n):
            target[i] = -1
            best = -1.0
            for j in range(n):
                if j == i:
                    continue
                p_ij, g = _estimate(au, weight, sal_total, vr, tpc, i, i, i, j)
                if g > _MIN_SIG_EDU and g > best:
                    best = g
                    target[i] = j
                    p_win[i] = p_ij
            gain_best[i] = best
            if target[i] < 0:
                p_win[i] = np.nan
            elif record:
                # the target's expected change, as i sees it (KTAB's quadrant map)
                r_tgain[t - 1, i] = _estimate(
                    au, weight, sal_total, vr, tpc, i, target[i], i, target[i]
                )[1]
        # 2. bargains
        nb = 0
        for i in range(n):
            j = target[i]
            if j < 0:
                continue
            _interp(ivb, pos[i], sal[i], p_win[i], pos[j], sal[j], 1 - p_win[i], tmp_i, tmp_j)
            if bm == _BM_INIT:
                b_init[nb], b_rcvr[nb], b_kind[nb] = i, j, 0
                _copy1(tmp_i, b_pi[nb])
                _copy1(tmp_j, b_pr[nb])
                nb += 1
                continue
            pj, gj = _estimate(au, weight, sal_total, vr, tpc, j, i, i, j)
            view = gj if compat else pj
            _interp(ivb, pos[i], sal[i], view, pos[j], sal[j], 1 - view, tmp_i2, tmp_j2)
            if bm == _BM_RCVR:
                b_init[nb], b_rcvr[nb], b_kind[nb] = i, j, 0
                _copy1(tmp_i, b_pi[nb])
                _copy1(tmp_j, b_pr[nb])
                b_init[nb + 1], b_rcvr[nb + 1], b_kind[nb + 1] = i, j, 1
                _copy1(tmp_i2, b_pi[nb + 1])
                _copy1(tmp_j2, b_pr[nb + 1])
                nb += 2
            else:
                w_i = cap[i] * sal_total[i]
                w_j = (cap[i] if compat else cap[j]) * sal_total[j]
                for k in range(d):
                    b_pi[nb, k] = (w_i * tmp_i[k] + w_j * tmp_i2[k]) / (w_i + w_j)
                    b_pr[nb, k] = (w_i * tmp_j[k] + w_j * tmp_j2[k]) / (w_i + w_j)
                b_init[nb], b_rcvr[nb], b_kind[nb] = i, j, 2
                nb += 1
        # 3. values of the status quo and of each bargain, to each actor
        for a in range(n):
            s = 0.0
            for m in range(n):
                s = s + au[a, a, m]
            values[a, 0] = s / n
            for b in range(nb):
                s = _bs_util(_wdist(ideal[a], b_pi[b], sal[a]), risk[a])
                s = s + _bs_util(_wdist(ideal[a], b_pr[b], sal[a]), risk[a])
                for m in range(n):
                    if m != b_init[b] and m != b_rcvr[b]:
                        s = s + au[a, a, m]
                values[a, 1 + b] = s / n
        # 4. queues, elections, choices
        off = 0
        max_it = 0
        for k in range(n):
            q = np.empty(1 + nb, dtype=np.int64)
            q[0] = 0
            m_q = 1
            for b in range(nb):
                if b_init[b] == k or b_rcvr[b] == k:
                    q[m_q] = 1 + b
                    m_q += 1
            probs = np.ones(m_q)
            if m_q > 1:
                c = np.empty((m_q, m_q))
                _coalitions(vr, cap, values, q[:m_q], c)
                it = _pce(pcem, vpm, c, probs)
                if it > max_it:
                    max_it = it
            if stm == 1:
                cum = 0.0
                pick = m_q - 1
                for e in range(m_q):
                    cum = cum + probs[e]
                    if draws[t - 1, k] <= cum:
                        pick = e
                        break
            else:
                pick = 0
                top = -1.0
                for e in range(m_q):
                    if abs(probs[e]) > top:
                        top = abs(probs[e])
                        pick = e
            col = q[pick]
            if col == 0:
                _copy1(pos[k], new_pos[k])
            elif b_init[col - 1] == k:
                _copy1(b_pi[col - 1], new_pos[k])
            else:
                _copy1(b_pr[col - 1], new_pos[k])
            if record:
                r_qoff[t - 1, k] = off
                for e in range(m_q):
                    r_qcol[t - 1, off + e] = q[e]
                    r_qprob[t - 1, off + e] = probs[e]
                off += m_q
                r_chosen[t - 1, k] = pick
        turn_it[t] = max_it
        if record:
            r_qoff[t - 1, n] = off
            _copy1(target, r_target[t - 1])
            r_nb[t - 1] = nb
            for i in range(n):
                if target[i] >= 0:
                    r_pwin[t - 1, i] = p_win[i]
                    r_gain[t - 1, i] = gain_best[i]
            for b in range(nb):
                r_binit[t - 1, b] = b_init[b]
                r_brcvr[t - 1, b] = b_rcvr[b]
                r_bkind[t - 1, b] = b_kind[b]
                _copy1(b_pi[b], r_bpi[t - 1, b])
                _copy1(b_pr[b], r_bpr[t - 1, b])
        # 5. ideals
        if identity:
            new_ideal = new_pos.copy()
        else:
            new_ideal = np.empty((n, d))
            for i in range(n):
                si = 0.0
                for j in range(n):
                    si = si + acc[i, j]
                if si > 1.0:
                    si = 1.0
                lag = 1.0 - si
                for k in range(d):
                    s = 0.0
                    for j in range(n):
                        s = s + acc[i, j] * new_pos[j, k]
                    new_ideal[i, k] = s + lag * ideal[i, k]
        pos = new_pos.copy()
        ideal = new_ideal
        degen[t], state_it[t] = _set_state(pos, ideal, sal, cap, vr, vpm, pcem, ra, rr, au, risk)
        _copy2(pos, pos_h[t])
        _copy2(ideal, idl_h[t])
        _copy1(risk, risk_h[t])
        _win_prob(pos, au, cap, vr, vpm, pcem, win_h[t])
        # 6. stopping rule
        turns = t
        step = _state_dist(pos_h[t], pos_h[t - 1])
        if t == 1:
            d01 = step + min_sig_delta
        ratio = step / d01
        if t >= min_turns and ratio < min_delta_ratio:
            stop_code = 1
            break
        if t >= max_turns:
            stop_code = 2
            break
    return (
        pos_h[: turns + 1].copy(),
        idl_h[: turns + 1].copy(),
        risk_h[: turns + 1].copy(),
        win_h[: turns + 1].copy(),
        degen[: turns + 1].copy(),
        state_it[: turns + 1].copy(),
        turn_it[: turns + 1].copy(),
        turns,
        stop_code,
        r_target,
        r_gain,
        r_pwin,
        r_nb,
        r_binit,
        r_brcvr,
        r_bkind,
        r_bpi,
        r_bpr,
        r_qoff,
        r_qcol,
        r_qprob,
        r_chosen,
        r_tgain,
    )


@njit(cache=True)
def _state_dist(a, b):  # type: ignore[no-untyped-def]
    tot = 0.0
    for i in range(a.shape[0]):
        s = 0.0
        for k in range(a.shape[1]):
            x = a[i, k] - b[i, k]
            s = s + x * x
        tot = tot + math.sqrt(s)
    return tot


@njit(cache=True)
def _win_prob(pos, au, cap, vr, vpm, pcem, out):  # type: ignore[no-untyped-def]
    """Each actor's reported win probability (``pDist(-1)`` and ``posProb``)."""
    n, d = pos.shape
    close = np.empty((n, n), dtype=np.bool_)
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                x = pos[i, k] - pos[j, k]
                s = s + x * x
            close[i, j] = math.sqrt(s) < _POS_TOL
    uniq = np.empty(n, dtype=np.int64)
    nu = 0
    for i in range(n):
        found = False
        for u in range(nu):
            if close[i, uniq[u]]:
                found = True
                break
        if not found:
            uniq[nu] = i
            nu += 1
    own = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            own[i, j] = au[i, i, j]
    c = np.empty((nu, nu))
    _coalitions(vr, cap, own, uniq[:nu], c)
    p = np.empty(nu)
    _pce(pcem, vpm, c, p)
    for i in range(n):
        last = 0
        for u in range(nu):
            if close[i, uniq[u]]:
                last = u
        out[i] = p[last]
