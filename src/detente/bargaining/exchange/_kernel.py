# mypy: disable-error-code="no-untyped-def"
"""Compiled float engine of the exchange model (numba).

The same model and order of operations as :mod:`._exact` (decide's), in IEEE doubles,
over flat arrays: the candidate exchanges of a round are built for every issue pair and
every pair of actors in opposite groups, each is calculated, and then the round runs
sequentially: take the valid exchange of highest gain, execute it, recalculate the
candidates it touches (found through index lists keyed by actor and issue, not by a scan
of all pairs), drop the invalid ones, repeat.

A side's history of moves (decide keeps a list, used only in the validity test) is kept
as the aggregate of its settled moves (sum, min, max) plus its last move, which is all
decide's pushes and pops ever reach.

Knife-edges: where decide's 28-digit Decimal could decide differently from a double,
the kernel counts a *knife-edge* and goes on with the float decision: two gains at the
top of the list within ``tol`` (relative), an outcome within ``tol`` of the demander's
position in the outcome cap, a move or end position within ``tol`` of a validity bound,
an actor within ``tol`` of the outcome when the groups are formed, and equal salience
ratios when the roles are assigned.  The caller redoes a run that met one in Decimal
(see :mod:`.engine`).

REX draws come from a splitmix64 stream seeded per replicate, so batches split over
threads give the same numbers as one thread.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# integer fields of a candidate side
_ACT, _SUP, _DEM = 0, 1, 2
# float fields of a candidate side
(
    F_START,
    F_POS,
    F_TARGET,
    F_SSUP,
    F_SDEM,
    F_CSUP,
    F_MOVE,
    F_Y,
    F_EU,
    F_NBS0,
    F_NBS1,
    F_CSUM,
    F_CMIN,
    F_CMAX,
    F_TOP,
    F_YEQ,
    F_EUMAX,
) = range(17)
N_FIELDS = 17
# flags
_HASTOP = 0
_NCOMMIT = 1

#: record columns of an executed exchange (per side: 9 numbers)
REC_SIDE = ("start", "move", "voting", "target", "eu", "nbs0", "nbs1")

_SW = 0.4
_FW = 0.1
_EPS_MOVE = 1e-10
_EPS_GAIN = 1e-10


@njit(cache=True, nogil=True)
def _splitmix(state: np.ndarray) -> float:
    """Next uniform double in [0, 1) from a splitmix64 stream kept in ``state[0]``."""
    z = state[0] + np.uint64(0x9E3779B97F4A7C15)
    state[0] = z
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def _near(a: float, b: float, tol: float) -> bool:
    d = abs(a - b)
    scale = max(1.0, abs(a), abs(b))
    return d <= tol * scale


@njit(cache=True, nogil=True)
def _adj_nbs(j, x, s, c, order, nord, denom, upd, uhas, actor, newpos):
    """Outcome of issue ``j`` with updates applied and ``actor`` at ``newpos``."""
    if denom[j] == 0.0:
        return 0.0
    num = 0.0
    for t in range(nord[j]):
        a = order[j, t]
        if a == actor:
            xa = newpos
        elif uhas[a]:
            xa = upd[a]
        else:
            xa = x[a, j]
        num += xa * s[a, j] * c[a, j]
    return num / denom[j]


@njit(cache=True, nogil=True)
def _shift_for(j, x, s, c, order, nord, denom, upd, uhas, actor, xpos, target, stale):
    """decide's ``adjusted_nbs_by_position`` (``stale``: updates may hold the actor)."""
    num = 0.0
    for t in range(nord[j]):
        a = order[j, t]
        if a == actor and not (stale and uhas[a]):
            xa = xpos
        elif uhas[a]:
            xa = upd[a]
        else:
            xa = x[a, j]
        num += xa * s[a, j] * c[a, j]
    left = target * denom[j] - num
    return left / (s[actor, j] * c[actor, j])


@njit(cache=True, nogil=True)
def _push(F, B, e, side, v):
    if B[e, side, _HASTOP]:
        top = F[e, side, F_TOP]
        if B[e, side, _NCOMMIT] == 0:
            F[e, side, F_CSUM] = top
            F[e, side, F_CMIN] = top
            F[e, side, F_CMAX] = top
        else:
            F[e, side, F_CSUM] += top
            F[e, side, F_CMIN] = min(F[e, side, F_CMIN], top)
            F[e, side, F_CMAX] = max(F[e, side, F_CMAX], top)
        B[e, side, _NCOMMIT] += 1
    F[e, side, F_TOP] = v
    B[e, side, _HASTOP] = 1


@njit(cache=True, nogil=True)
def _valid(F, B, e, side, tol, edge):
    """decide's ``is_move_valid`` on the side's last move: 1, 0, or -1 (None)."""
    move = F[e, side, F_MOVE]
    am = abs(move)
    if _near(am, 100.0, tol) or (am <= 1e-9 and am > 1e-11):
        edge[0] += 1
    if am > 100.0 or am <= _EPS_MOVE:
        return 0
    end = F[e, side, F_POS] + move
    if (end != 0.0 and abs(end) <= tol * 100.0) or (end != 100.0 and _near(end, 100.0, tol)):
        edge[0] += 1
    if end < 0.0 or end > 100.0:
        return 0
    top = F[e, side, F_TOP]
    total = top
    lo = top
    hi = top
    if B[e, side, _NCOMMIT] > 0:
        total += F[e, side, F_CSUM]
        lo = min(lo, F[e, side, F_CMIN])
        hi = max(hi, F[e, side, F_CMAX])
    if _near(total, 100.0, tol):
        edge[0] += 1
    if total > 100.0:
        return 0
    if (lo < 0.0 and hi < 0.0) or (lo > 0.0 and hi > 0.0):
        return 1
    return -1


@njit(cache=True, nogil=True)
def _both(b1, b2):
    if b1 == 1:
        return b2
    return b1


@njit(cache=True, nogil=True)
def _reverse(F, e, side, ratio, denom, sup):
    return (ratio * denom[sup]) / (F[e, side, F_CSUP] * F[e, side, F_SSUP])


@njit(cache=True, nogil=True)
def _by_ratio(F, e, sup, opp, ratio):
    return (
        (F[e, sup, F_SSUP] + F[e, opp, F_SDEM]) / (F[e, sup, F_SDEM] + F[e, opp, F_SSUP])
    ) * ratio


@njit(cache=True, nogil=True)
def _eu(F, e, side, dr, sr):
    return abs(dr * F[e, side, F_SSUP] - sr * F[e, side, F_SDEM])


@njit(cache=True, nogil=True)
def _check_nbs(F, IX, B, U, UH, G, e, a, b, x, s, c, order, nord, denom, tol, stale, edge):
    """decide's ``check_nbs`` for side ``a`` of candidate ``e``."""
    sup = IX[e, a, _SUP]
    act = IX[e, a, _ACT]
    upd = U[e, a]
    uh = UH[e, a]
    n0 = _adj_nbs(sup, x, s, c, order, nord, denom, upd, uh, act, F[e, a, F_POS])
    n1 = _adj_nbs(sup, x, s, c, order, nord, denom, upd, uh, act, F[e, a, F_Y])
    F[e, a, F_NBS0] = n0
    F[e, a, F_NBS1] = n1
    xt = F[e, a, F_TARGET]
    d0 = xt - n0
    d1 = xt - n1
    if (d0 != 0.0 and abs(d0) <= tol * 100.0) or (d1 != 0.0 and abs(d1) <= tol * 100.0):
        edge[0] += 1
    if d0 >= 0.0 and d1 >= 0.0:
        return
    if d0 <= 0.0 and d1 <= 0.0:
        return
    delta = abs(
        _shift_for(sup, x, s, c, order, nord, denom, upd, uh, act, F[e, a, F_POS], xt, stale)
    )
    r_a = (delta * F[e, a, F_SSUP] * F[e, a, F_CSUP]) / denom[sup]
    r_b = _by_ratio(F, e, a, b, r_a)
    bsup = IX[e, b, _SUP]
    mb = abs(_reverse(F, e, b, r_b, denom, bsup))
    ma = delta
    if F[e, b, F_POS] > F[e, b, F_TARGET]:
        mb = -mb
    if F[e, a, F_POS] > F[e, a, F_TARGET]:
        ma = -ma
    F[e, b, F_MOVE] = mb
    F[e, a, F_MOVE] = ma
    F[e, b, F_TOP] = mb
    F[e, a, F_TOP] = ma
    F[e, b, F_Y] = F[e, b, F_POS] + mb
    F[e, a, F_Y] = F[e, a, F_POS] + ma
    G[e] = abs(_eu(F, e, b, r_b, r_a))
    F[e, a, F_NBS1] = _adj_nbs(sup, x, s, c, order, nord, denom, upd, uh, act, F[e, a, F_Y])


@njit(cache=True, nogil=True)
def _calculate(
    F, IX, B, U, UH, G, V, e, x, s, c, order, nord, denom, tol, stale, p, fix_sign, rng, edge
):
    """decide's ``EqualGainExchange.calculate`` (side 0 supplies q, side 1 supplies p)."""
    qi = IX[e, 0, _SUP]
    pj = IX[e, 1, _SUP]
    # J moves fully to IX's position on p
    dp = (abs(F[e, 1, F_TARGET] - F[e, 1, F_POS]) * F[e, 1, F_SSUP] * F[e, 1, F_CSUP]) / denom[pj]
    dq = _by_ratio(F, e, 1, 0, dp)
    mi = _reverse(F, e, 0, dq, denom, qi)
    mj = abs(F[e, 1, F_TARGET] - F[e, 1, F_POS])
    dist_i = abs(F[e, 0, F_TARGET] - F[e, 0, F_POS])
    if _near(abs(mi), dist_i, tol) and abs(mi) != dist_i:
        edge[0] += 1
    if abs(mi) > dist_i:
        dq = (dist_i * F[e, 0, F_SSUP] * F[e, 0, F_CSUP]) / denom[qi]
        dp = _by_ratio(F, e, 0, 1, dq)
        mi = dist_i
        mj = _reverse(F, e, 1, dp, denom, pj)
    if F[e, 0, F_POS] > F[e, 0, F_TARGET]:
        mi = -mi
    if F[e, 1, F_POS] > F[e, 1, F_TARGET]:
        mj = -mj
    F[e, 0, F_MOVE] = mi
    F[e, 1, F_MOVE] = mj
    _push(F, B, e, 0, mi)
    _push(F, B, e, 1, mj)
    F[e, 0, F_Y] = F[e, 0, F_POS] + mi
    F[e, 1, F_Y] = F[e, 1, F_POS] + mj
    F[e, 0, F_YEQ] = F[e, 0, F_Y]
    F[e, 1, F_YEQ] = F[e, 1, F_Y]
    gain = abs(_eu(F, e, 0, dq, dp))
    G[e] = gain
    F[e, 0, F_EU] = gain
    F[e, 1, F_EU] = gain
    valid = _both(_valid(F, B, e, 0, tol, edge), _valid(F, B, e, 1, tol, edge))
    if gain < 1e-9 and gain > 1e-11:
        edge[0] += 1
    if gain < _EPS_GAIN:
        valid = 0
    if valid != 1:
        V[e] = valid
        return
    _check_nbs(F, IX, B, U, UH, G, e, 0, 1, x, s, c, order, nord, denom, tol, stale, edge)
    _check_nbs(F, IX, B, U, UH, G, e, 1, 0, x, s, c, order, nord, denom, tol, stale, edge)
    V[e] = _both(_valid(F, B, e, 0, tol, edge), _valid(F, B, e, 1, tol, edge))
    if p > 0.0:
        _randomize(
            F,
            IX,
            B,
            U,
            UH,
            G,
            V,
            e,
            x,
            s,
            c,
            order,
            nord,
            denom,
            tol,
            stale,
            p,
            fix_sign,
            rng,
            edge,
        )


@njit(cache=True, nogil=True)
def _randomize(
    F, IX, B, U, UH, G, V, e, x, s, c, order, nord, denom, tol, stale, p, fix_sign, rng, edge
):
    """REX (Dijkstra et al. 2018) as decide computes it; see :mod:`._rex`."""
    u = _splitmix(rng)
    v = _splitmix(rng)
    z = _splitmix(rng)
    _max_utility(F, IX, U, UH, e, x, s, c, order, nord, denom)
    if u < 0.5:
        a, b = 0, 1
    else:
        a, b = 1, 0
    _rex_gain(
        F,
        IX,
        B,
        U,
        UH,
        G,
        V,
        e,
        a,
        b,
        u,
        v,
        z,
        x,
        s,
        c,
        order,
        nord,
        denom,
        tol,
        stale,
        p,
        fix_sign,
        edge,
    )


@njit(cache=True, nogil=True)
def _max_utility(F, IX, U, UH, e, x, s, c, order, nord, denom):
    """decide's ``calculate_maximum_utility``: each side's largest attainable gain."""
    # decide compares a side's position on its demand issue with its voting position
    # on its supply issue (two different issues); kept as it is
    opt_i = F[e, 1, F_TARGET] == F[e, 0, F_Y]
    opt_j = F[e, 0, F_TARGET] == F[e, 1, F_Y]
    ni = _adj_nbs(
        IX[e, 0, _SUP],
        x,
        s,
        c,
        order,
        nord,
        denom,
        U[e, 0],
        UH[e, 0],
        IX[e, 0, _ACT],
        F[e, 0, F_Y] if opt_i else F[e, 0, F_TARGET],
    )
    nj = _adj_nbs(
        IX[e, 1, _SUP],
        x,
        s,
        c,
        order,
        nord,
        denom,
        U[e, 1],
        UH[e, 1],
        IX[e, 1, _ACT],
        F[e, 1, F_Y] if opt_j else F[e, 1, F_TARGET],
    )
    di = abs(F[e, 0, F_NBS0] - ni)
    dj = abs(F[e, 1, F_NBS0] - nj)
    loss1 = dj * F[e, 1, F_SSUP]
    gain2 = dj * F[e, 0, F_SDEM]
    loss2 = di * F[e, 0, F_SSUP]
    gain1 = di * F[e, 1, F_SDEM]
    over = 0.0
    if opt_i and gain1 - loss1 > 0.0:
        over = gain2 - (loss1 / F[e, 1, F_SDEM]) * F[e, 0, F_SSUP]
    if opt_j and gain2 - loss2 > 0.0:
        over = gain1 - (loss2 / F[e, 0, F_SDEM]) * F[e, 1, F_SSUP]
    if gain2 > gain1:
        act, opp, g, lo = 1, 0, gain1, loss2
    else:
        act, opp, g, lo = 0, 1, gain2, loss1
    sh = F[e, act, F_SSUP] / (F[e, act, F_SSUP] + F[e, opp, F_SDEM])
    d_u1 = lo / (sh * F[e, opp, F_SDEM])
    d_u2 = g / (sh * F[e, act, F_SSUP])
    if over != 0.0:
        F[e, opp, F_EUMAX] = over
    else:
        F[e, opp, F_EUMAX] = sh * F[e, opp, F_SDEM] * d_u2 - lo
    F[e, act, F_EUMAX] = g - (sh * F[e, act, F_SSUP] * d_u1)


@njit(cache=True, nogil=True)
def _rex_gain(
    F,
    IX,
    B,
    U,
    UH,
    G,
    V,
    e,
    a,
    b,
    u,
    v,
    z,
    x,
    s,
    c,
    order,
    nord,
    denom,
    tol,
    stale,
    p,
    fix_sign,
    edge,
):
    """decide's ``randomized_gain`` for side ``a`` (partner ``b``); see :mod:`._rex`."""
    eu = G[e]
    eui = eu + p * z * (F[e, a, F_EUMAX] - eu) if v < 0.5 else eu - p * z * eu
    asup = IX[e, a, _SUP]
    bsup = IX[e, b, _SUP]
    move_i = abs(F[e, a, F_POS] - F[e, a, F_TARGET])
    r_q = (move_i * F[e, a, F_SSUP] * F[e, a, F_CSUP]) / denom[asup]
    r_p = (eui + r_q * F[e, a, F_SSUP]) / F[e, a, F_SDEM]
    move_j = _reverse(F, e, b, r_p, denom, bsup)
    euj = abs(_eu(F, e, b, r_p, r_q))
    dist_j = abs(F[e, b, F_POS] - F[e, b, F_TARGET])
    if abs(move_j) > dist_j:
        r_p = (dist_j * F[e, b, F_SSUP] * F[e, b, F_CSUP]) / denom[bsup]
        r_q = abs((eui - r_p * F[e, a, F_SDEM]) / F[e, a, F_SSUP])
        move_j = dist_j
        move_i = _reverse(F, e, a, r_q, denom, asup)
        if abs(move_i) < abs(F[e, a, F_POS] - F[e, a, F_TARGET]):
            euj = abs(_eu(F, e, b, r_p, r_q))
    else:
        mia = -move_i if F[e, a, F_POS] > F[e, a, F_TARGET] else move_i
        nadj = _adj_nbs(
            asup,
            x,
            s,
            c,
            order,
            nord,
            denom,
            U[e, a],
            UH[e, a],
            IX[e, a, _ACT],
            F[e, a, F_POS] + mia,
        )
        xt = F[e, a, F_TARGET]
        n0 = F[e, a, F_NBS0]
        if not ((xt >= n0 and xt >= nadj) or (xt <= n0 and xt <= nadj)):
            delta = abs(
                _shift_for(
                    asup,
                    x,
                    s,
                    c,
                    order,
                    nord,
                    denom,
                    U[e, a],
                    UH[e, a],
                    IX[e, a, _ACT],
                    F[e, a, F_POS],
                    xt,
                    stale,
                )
            )
            r_q = (delta * F[e, a, F_SSUP] * F[e, a, F_CSUP]) / denom[asup]
            r_p = (eui + r_q * F[e, a, F_SSUP]) / F[e, a, F_SDEM]
            move_j = _reverse(F, e, b, r_p, denom, bsup)
            euj = abs(_eu(F, e, b, r_p, r_q))
            # decide keeps the signed move and flips it again below: the wrong way
            if not fix_sign:
                move_i = mia
    F[e, a, F_EU] = eui
    F[e, b, F_EU] = euj
    mi = -move_i if F[e, a, F_POS] > F[e, a, F_TARGET] else move_i
    mj = -move_j if F[e, b, F_POS] > F[e, b, F_TARGET] else move_j
    F[e, a, F_MOVE] = mi
    F[e, b, F_MOVE] = mj
    F[e, a, F_TOP] = mi
    F[e, b, F_TOP] = mj
    F[e, a, F_Y] = F[e, a, F_POS] + mi
    F[e, b, F_Y] = F[e, b, F_POS] + mj
    V[e] = _both(_valid(F, B, e, a, tol, edge), _valid(F, B, e, b, tol, edge))
    for side in range(2):
        sup = IX[e, side, _SUP]
        act = IX[e, side, _ACT]
        upd = U[e, side]
        uh = UH[e, side]
        F[e, side, F_NBS0] = _adj_nbs(
            sup, x, s, c, order, nord, denom, upd, uh, act, F[e, side, F_POS]
        )
        F[e, side, F_NBS1] = _adj_nbs(
            sup, x, s, c, order, nord, denom, upd, uh, act, F[e, side, F_Y]
        )


@njit(cache=True, nogil=True)
def _pop(B, e):
    B[e, 0, _HASTOP] = 0
    B[e, 1, _HASTOP] = 0


@njit(cache=True, nogil=True)
def _recalc(
    F, IX, B, U, UH, G, V, e, X, x, s, c, order, nord, denom, tol, stale, p, fix_sign, rng, edge
):
    """decide's ``recalculate``: candidate ``e`` after ``X`` was executed."""
    hit = False
    for side in range(2):
        for o in range(2):
            if IX[e, side, _ACT] == IX[X, o, _ACT] and IX[e, side, _SUP] == IX[X, o, _SUP]:
                F[e, side, F_POS] = F[X, o, F_Y]
                _push(F, B, e, side, F[X, o, F_TOP])
                hit = True
                break
    if hit:
        _pop(B, e)
    for mover in range(2):
        dem = 1 - mover
        da = IX[X, dem, _ACT]
        dd = IX[X, dem, _DEM]
        if (da == IX[e, 1, _ACT] and dd == IX[e, 1, _DEM]) or (
            da == IX[e, 0, _ACT] and dd == IX[e, 0, _DEM]
        ):
            slot = 0 if dd == IX[e, 0, _SUP] else 1
            ma = IX[X, mover, _ACT]
            y = F[X, mover, F_Y]
            if UH[e, slot, ma]:
                old = U[e, slot, ma]
                st = F[X, mover, F_START]
                if _near(st, old, tol) and st != old:
                    edge[0] += 1
                if st <= old:
                    U[e, slot, ma] = old if old < y else y
                else:
                    U[e, slot, ma] = old if old > y else y
            else:
                U[e, slot, ma] = y
                UH[e, slot, ma] = True
            if not hit:
                _pop(B, e)
                hit = True
    if hit:
        _calculate(
            F,
            IX,
            B,
            U,
            UH,
            G,
            V,
            e,
            x,
            s,
            c,
            order,
            nord,
            denom,
            tol,
            stale,
            p,
            fix_sign,
            rng,
            edge,
        )


@njit(cache=True, nogil=True)
def _nbs_plain(j, x, s, c, order, nord, denom):
    if denom[j] == 0.0:
        return 0.0
    num = 0.0
    for t in range(nord[j]):
        a = order[j, t]
        num += x[a, j] * s[a, j] * c[a, j]
    return num / denom[j]


@njit(cache=True, nogil=True)
def run(
    x0,
    s,
    c,
    active,
    order,
    nord,
    rounds,
    tol,
    stale,
    p,
    fix_sign,
    rng,
    start_out,
    voting_out,
    nbs_start_out,
    nbs_voting_out,
    n_exec,
    record,
    rec_i,
    rec_f,
    cand_round,
    cand_i,
    cand_f,
    cand_g,
    cand_v,
    cand_seq,
    edge,
    pair_ok,
):
    """Run ``rounds`` rounds of the model from positions ``x0`` (0-100).

    Fills ``start_out``/``voting_out`` ``(rounds, n, k)``, the outcomes before and after
    each round, the number of exchanges executed per round, and (``record``) one row per
    executed exchange.  With ``cand_round >= 1`` the candidates of that round, as first
    calculated, go to ``cand_i``/``cand_f`` and their execution order to ``cand_seq``.
    Returns the number of candidates recorded.  ``edge[0]`` counts knife-edges.
    ``pair_ok`` ``(n, n)``: only pairs of actors marked True may exchange (the deal
    finder's ``--between``; all True for the model itself).
    """
    n, k = x0.shape
    denom = np.zeros(k)
    for j in range(k):
        tot = 0.0
        for t in range(nord[j]):
            a = order[j, t]
            tot += s[a, j] * c[a, j]
        denom[j] = tot
    cap = (k * (k - 1) // 2) * ((n * n) // 4 + 1)
    F = np.zeros((cap, 2, N_FIELDS))
    IX = np.zeros((cap, 2, 3), dtype=np.int64)
    B = np.zeros((cap, 2, 2), dtype=np.int64)
    U = np.zeros((cap, 2, n))
    UH = np.zeros((cap, 2, n), dtype=np.bool_)
    G = np.zeros(cap)
    V = np.zeros(cap, dtype=np.int64)
    left = np.zeros((n, k), dtype=np.bool_)
    grp = np.zeros(n, dtype=np.int64)
    nkeys = n * k
    s_start = np.zeros(nkeys + 1, dtype=np.int64)
    d_start = np.zeros(nkeys + 1, dtype=np.int64)
    s_list = np.zeros(2 * cap, dtype=np.int64)
    d_list = np.zeros(2 * cap, dtype=np.int64)
    fill = np.zeros(nkeys, dtype=np.int64)
    stamp = np.zeros(cap, dtype=np.int64)
    done = np.zeros(cap, dtype=np.int64)
    x = x0.copy()
    n_rec = 0
    n_cand = 0
    for r in range(rounds):
        for a in range(n):
            for j in range(k):
                start_out[r, a, j] = x[a, j]
        for j in range(k):
            nb = _nbs_plain(j, x, s, c, order, nord, denom)
            nbs_start_out[r, j] = nb
            for a in range(n):
                if active[a, j]:
                    left[a, j] = x[a, j] <= nb
                    if x[a, j] != nb and abs(x[a, j] - nb) <= tol * 100.0:
                        edge[0] += 1
        m = 0
        for p_ in range(k):
            for q_ in range(p_ + 1, k):
                for a in range(n):
                    grp[a] = -1
                    if active[a, p_] and active[a, q_]:
                        grp[a] = (1 if left[a, p_] else 0) + (2 if left[a, q_] else 0)
                for pair in range(2):
                    g1 = 0 if pair == 0 else 1
                    g2 = 3 if pair == 0 else 2
                    for a0 in range(n):
                        if grp[a0] != g1:
                            continue
                        for b0 in range(n):
                            if grp[b0] != g2 or not pair_ok[a0, b0]:
                                continue
                            a = a0
                            b = b0
                            ra = s[a, p_] / s[a, q_]
                            rb = s[b, p_] / s[b, q_]
                            if ra != rb and _near(ra, rb, tol):
                                edge[0] += 1
                            if ra < rb:
                                a, b = b, a
                            e = m
                            m += 1
                            for side in range(2):
                                act = a if side == 0 else b
                                sup = q_ if side == 0 else p_
                                dm = p_ if side == 0 else q_
                                partner = b if side == 0 else a
                                IX[e, side, _ACT] = act
                                IX[e, side, _SUP] = sup
                                IX[e, side, _DEM] = dm
                                F[e, side, F_START] = x[act, sup]
                                F[e, side, F_POS] = x[act, sup]
                                F[e, side, F_TARGET] = x[partner, sup]
                                F[e, side, F_SSUP] = s[act, sup]
                                F[e, side, F_SDEM] = s[act, dm]
                                F[e, side, F_CSUP] = c[act, sup]
                                F[e, side, F_EUMAX] = np.nan
                                B[e, side, _HASTOP] = 0
                                B[e, side, _NCOMMIT] = 0
                                for t in range(n):
                                    UH[e, side, t] = False
                            _calculate(
                                F,
                                IX,
                                B,
                                U,
                                UH,
                                G,
                                V,
                                e,
                                x,
                                s,
                                c,
                                order,
                                nord,
                                denom,
                                tol,
                                stale,
                                p,
                                fix_sign,
                                rng,
                                edge,
                            )
        record_cands = cand_round == r + 1
        if record_cands:
            n_cand = m
            for e in range(m):
                cand_seq[e] = 0
                for side in range(2):
                    for f in range(3):
                        cand_i[e, side, f] = IX[e, side, f]
                    for f in range(N_FIELDS):
                        cand_f[e, side, f] = F[e, side, f]
                cand_g[e] = G[e]
                cand_v[e] = V[e]
        # index lists: candidates by (actor, supply issue) and (actor, demand issue)
        for t in range(nkeys + 1):
            s_start[t] = 0
            d_start[t] = 0
        for e in range(m):
            for side in range(2):
                s_start[IX[e, side, _ACT] * k + IX[e, side, _SUP] + 1] += 1
                d_start[IX[e, side, _ACT] * k + IX[e, side, _DEM] + 1] += 1
        for t in range(nkeys):
            s_start[t + 1] += s_start[t]
            d_start[t + 1] += d_start[t]
        for t in range(nkeys):
            fill[t] = s_start[t]
        for e in range(m):
            for side in range(2):
                key = IX[e, side, _ACT] * k + IX[e, side, _SUP]
                s_list[fill[key]] = e
                fill[key] += 1
        for t in range(nkeys):
            fill[t] = d_start[t]
        for e in range(m):
            for side in range(2):
                key = IX[e, side, _ACT] * k + IX[e, side, _DEM]
                d_list[fill[key]] = e
                fill[key] += 1
        for e in range(m):
            stamp[e] = -1
        nd = 0
        while True:
            best = -1
            bg = -1.0
            for e in range(m):
                if V[e] == 1 and G[e] > bg:
                    best = e
                    bg = G[e]
            if best < 0:
                break
            for e in range(m):
                if e != best and V[e] == 1 and _near(G[e], bg, tol):
                    edge[0] += 1
                    break
            V[best] = 0
            done[nd] = best
            nd += 1
            if record_cands:
                cand_seq[best] = nd
            if record:
                rec_i[n_rec, 0] = r + 1
                rec_i[n_rec, 1] = nd
                rec_f[n_rec, 0] = G[best]
                for side in range(2):
                    rec_i[n_rec, 2 + 2 * side] = IX[best, side, _ACT]
                    rec_i[n_rec, 3 + 2 * side] = IX[best, side, _SUP]
                    o = 1 + 7 * side
                    rec_f[n_rec, o] = F[best, side, F_POS]
                    rec_f[n_rec, o + 1] = F[best, side, F_MOVE]
                    rec_f[n_rec, o + 2] = F[best, side, F_Y]
                    rec_f[n_rec, o + 3] = F[best, side, F_TARGET]
                    rec_f[n_rec, o + 4] = F[best, side, F_EU]
                    rec_f[n_rec, o + 5] = F[best, side, F_NBS0]
                    rec_f[n_rec, o + 6] = F[best, side, F_NBS1]
                n_rec += 1
            for kind in range(2):
                for o in range(2):
                    if kind == 0:
                        key = IX[best, o, _ACT] * k + IX[best, o, _SUP]
                        lo_ = s_start[key]
                        hi_ = s_start[key + 1]
                    else:
                        key = IX[best, o, _ACT] * k + IX[best, o, _DEM]
                        lo_ = d_start[key]
                        hi_ = d_start[key + 1]
                    for t in range(lo_, hi_):
                        e = s_list[t] if kind == 0 else d_list[t]
                        if stamp[e] == nd or V[e] != 1:
                            continue
                        stamp[e] = nd
                        _recalc(
                            F,
                            IX,
                            B,
                            U,
                            UH,
                            G,
                            V,
                            e,
                            best,
                            x,
                            s,
                            c,
                            order,
                            nord,
                            denom,
                            tol,
                            stale,
                            p,
                            fix_sign,
                            rng,
                            edge,
                        )
                        if V[e] != 1:
                            V[e] = 0
        n_exec[r] = nd
        for a in range(n):
            for j in range(k):
                voting_out[r, a, j] = x[a, j]
        for t in range(nd):
            e = done[t]
            for side in range(2):
                voting_out[r, IX[e, side, _ACT], IX[e, side, _SUP]] = F[e, side, F_Y]
        for j in range(k):
            nbs_voting_out[r, j] = _nbs_plain(j, voting_out[r], s, c, order, nord, denom)
        for t in range(nd):
            e = done[t]
            for side in range(2):
                act = IX[e, side, _ACT]
                sup = IX[e, side, _SUP]
                sal = s[act, sup]
                y = F[e, side, F_Y]
                x[act, sup] = (
                    (1.0 - sal) * _SW * y
                    + _FW * y
                    + (1.0 - (1.0 - sal) * _SW - _FW) * F[e, side, F_START]
                )
    return n_cand, n_rec
