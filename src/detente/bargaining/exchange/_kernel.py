# mypy: disable-error-code="no-untyped-def"
"""The exchange model's compiled engine: float, exact at every knife-edge (numba).

One round (decide's order, :mod:`._exact` has the same model in plain Python):

1. the outcome of each issue, ``O_d = sum(x s c) / sum(s c)``; each actor's side of it;
2. for every issue pair ``p < q`` and every pair of actors in opposite groups (A-D,
   B-C), a candidate exchange, calculated (equal gain, the outcome cap, validity);
3. repeatedly: take the valid candidate of highest gain, execute it, recalculate the
   candidates that share an actor and supply issue with it (their position moved) or an
   actor and demand issue (the outcome they see moved); until none is valid;
4. voting positions, the outcome on them, and each moved actor's next start position.

Speed.  The candidate search runs over issue pairs and actor pairs in compiled loops; an
executed exchange touches only the candidates found through two index lists (by actor
and supply issue, by actor and demand issue); each candidate keeps the updates it sees
as a correction to the issue's weighted sum, so an outcome is O(1), not O(n); the best
candidate comes from a tournament tree over the gains of the valid candidates.

Exactness (equal gain).  The float engine computes decide's formulas in decide's order.
Each decision decide takes (the cap of a move at the partner's distance, the outcome
cap, the validity bounds, the minimum gain, the update rule, an actor's side of the
outcome, the roles by salience ratio, the order of gains) is compared with a bound on
the float error of its operands.  Within the bound (a *knife-edge*) the float engine
stops and the decision is *settled* in decide's own arithmetic: 28-digit decimals
(:mod:`._dec`) computed from a *shadow state* that holds, in decide's arithmetic, every
round's start positions and the voting position of every executed exchange.  The shadow
is advanced only when a knife-edge needs it, by replaying the executed exchanges with
decide's formulas in its order of operations (the branches each took are recorded).
Ties of equal gain that decide's arithmetic leaves exactly equal are broken as decide's
stable sort breaks them: by the order the list had at the last sort where the gains
differed, found from each candidate's recent gains.  A knife-edge that cannot be settled
this way (a tie whose earlier gains are only known in float, a move history whose float
sum lies at decide's bound of 100) is counted as a *fallback*; ``run_exchange`` then
redoes the run in Python's Decimal (:mod:`._exact`).

REX (``p > 0``) runs in float only, with its own random stream (splitmix64 seeded per
replicate), so batches split over threads give the same numbers as one thread.

Compilation (the first call on a fresh installation compiles all of this; numba caches
it).  numba compiles each function called from compiled code as a module of its own,
with everything it calls linked in and compiled again, so: one entry point,
:func:`_drive`, for a run and a batch, with the round written out in it; the arrays
allocated in numpy (:func:`_alloc`); inner functions without Python/C wrappers
(:func:`_jit`); no Python literal passed to a compiled function (numba would compile a
specialisation for it: constants are numpy scalars, ``_S0``, ``_R2``...); the decimal
arithmetic and the knife-edge paths marked ``noinline`` (compiled once per module, not at
every call) and ``optsize``; the hot float helpers ``forceinline`` (LLVM's inliner, not
numba's, which is slow to compile).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.bargaining.exchange import _dec as D
from detente.bargaining.exchange._dec import FW_LONG, SW_LONG, _jit, njit

# integer fields of a candidate side (IX)
_ACT, _SUP, _DEM = 0, 1, 2
# float fields of a candidate side (F)
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
    F_MERR,
    F_RI,
    F_MM,
    F_ME0,
    F_G0E,
) = range(22)
N_FIELDS = 22
# integer flags of a candidate side (HI)
H_N, H_TOP, H_PEX, H_TEX, H_CLEAN = 0, 1, 2, 3, 4

#: record columns of an executed exchange (per side)
REC_SIDE = ("start", "move", "voting", "target", "eu", "nbs0", "nbs1")

#: counters in ``edge``: knife-edges decided in float, settled exactly, fallbacks,
#: knife-edges met, shadow replays
#: ``E_FB_TIE``/``E_FB_SUM``: fallbacks at a tie / at a moves' sum; then ``N_KINDS``
#: counters of the knife-edges met by kind (``K_*``)
E_FLOAT, E_SETTLED, E_FALLBACK, E_MET, E_REPLAY, E_FB_TIE, E_FB_SUM = 0, 1, 2, 3, 4, 5, 6
N_EDGE = 7

_SW = 0.4
_FW = 0.1
_EPS = 1e-10
#: error bound of a float position that is not exact (0-100 scale)
PERR = 1e-11
#: relative error bound of a chain of float operations
REL = 1e-13
#: depth of each candidate's gain history (ties)
HIST = 8
#: kinds of knife-edge (bits): the cap at the partner's distance, a move at 100 or at
#: decide's minimum 1e-10, an end position at 0 or 100, the moves' sum at 100, the
#: minimum gain, the outcome cap, an actor's side of the outcome, the roles by salience
#: ratio, the update rule, equal gains at the top
K_CAP, K_MOVE, K_END, K_SUM, K_GAIN, K_NBS, K_SIDE, K_RATIO, K_RULE, K_TIE = (
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
)  # fmt: skip
N_KINDS = 10
#: side indexes and a false flag as numpy scalars: a Python literal passed to a compiled
#: function makes numba compile a copy of it for that literal
_S0, _S1 = np.int64(0), np.int64(1)
_NO = np.bool_(False)
_R0, _R1, _R2, _R3, _R4 = (np.int64(i) for i in range(5))


@_jit(forceinline=True)
def _kinds(edge, near):
    """Count a knife-edge (``near``: its ``K_*`` bits)."""
    edge[E_MET] += 1
    for b in range(N_KINDS):
        if near & (1 << b):
            edge[N_EDGE + b] += 1


@_jit(forceinline=True)
def _splitmix(state):
    """Next uniform double in [0, 1) from a splitmix64 stream kept in ``state[0]``."""
    z = state[0] + np.uint64(0x9E3779B97F4A7C15)
    state[0] = z
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@_jit(forceinline=True)
def _sub_exact(a, b):
    """``a - b`` and whether the float subtraction was exact (TwoSum)."""
    s = a - b
    bb = s - a
    err = (a - (s - bb)) + (-b - bb)
    return s, err == 0.0


# -- float calculation --------------------------------------------------------------------


@_jit(forceinline=True)
def _fnbs(e, side, newpos, IX, UV, UT, SER, CORR, RS, XW):
    """Outcome of the side's supply issue with the candidate's updates and the side's
    actor at ``newpos`` (decide's ``adjusted_nbs``), O(1).  ``RS`` rows: the issues'
    weighted sums of start positions, their absolute sums, ``sum(s c)`` and its inverse;
    ``XW``: start positions, ``s c``, its inverse."""
    j = IX[e, side, _SUP]
    a = IX[e, side, _ACT]
    tot = RS[0, j] + CORR[e, side]
    if UT[e, side, a] == SER[e]:
        tot -= (UV[e, side, a] - XW[0, a, j]) * XW[1, a, j]
    tot += (newpos - XW[0, a, j]) * XW[1, a, j]
    return tot * RS[3, j]


@_jit(forceinline=True)
def _fshift(e, side, xpos, target, stale, IX, UV, UT, SER, CORR, RS, XW):
    """decide's ``adjusted_nbs_by_position``: the move of the side's actor that puts the
    outcome at ``target`` (``stale``: its own update, if any, stands in for ``xpos``)."""
    j = IX[e, side, _SUP]
    a = IX[e, side, _ACT]
    tot = RS[0, j] + CORR[e, side]
    if UT[e, side, a] == SER[e]:
        if not stale:
            tot += (xpos - UV[e, side, a]) * XW[1, a, j]
    else:
        tot += (xpos - XW[0, a, j]) * XW[1, a, j]
    return (target * RS[2, j] - tot) * XW[2, a, j]


@_jit(forceinline=True)
def _fvalid(e, side, move, merr, isdist, F, HI, chk):
    """decide's ``is_move_valid`` on the side's current move: (1, 0 or -1, knife-edge
    kinds met: ``K_MOVE``, ``K_END``, ``K_SUM``).

    ``isdist``: the move is the whole distance to the partner's position, so its end is
    that position; decide's sum ``x + (t - x)`` is then exactly ``t`` when one of them is
    0 or both are multiples of 1e-26 (numbers of 10 or more with 28 digits, or exact
    inputs)."""
    near = 0
    am = abs(move)
    if chk and merr > 0.0 and (abs(am - 100.0) <= merr or abs(am - _EPS) <= merr):
        near |= K_MOVE
    if am > 100.0 or am <= _EPS:
        return 0, near
    pos = F[e, side, F_POS]
    tgt = F[e, side, F_TARGET]
    pex = HI[e, side, H_PEX] == 1
    tex = HI[e, side, H_TEX] == 1
    if isdist and (
        tgt == 0.0 or pos == 0.0 or ((pex or pos >= 10.000000001) and (tex or tgt >= 10.000000001))
    ):
        # decide's x + (t - x) is exactly t (a position that is 0 in float is 0)
        end = tgt
        if chk and not tex and abs(tgt - 100.0) <= PERR:
            near |= K_END
    else:
        end = pos + move
        eerr = (0.0 if pex else PERR) + merr
        if eerr > 0.0:
            eerr += 4e-16 * abs(end)
        if chk and eerr > 0.0 and (abs(end) <= eerr or abs(end - 100.0) <= eerr):
            near |= K_END
    if end < 0.0 or end > 100.0:
        return 0, near
    lo = move
    hi = move
    if HI[e, side, H_N] > 0:
        total = F[e, side, F_CSUM] + move
        if chk and abs(total - 100.0) <= 1e-9:
            near |= K_SUM
        if total > 100.0:
            return 0, near
        lo = min(lo, F[e, side, F_CMIN])
        hi = max(hi, F[e, side, F_CMAX])
    if (lo < 0.0 and hi < 0.0) or (lo > 0.0 and hi > 0.0):
        return 1, near
    return -1, near


@_jit(forceinline=True)
def _both(b1, b2):
    """Python's ``b1 and b2`` on decide's three-valued validity (1, 0, -1 = None)."""
    if b1 == 1:
        return b2
    return b1


@_jit(forceinline=True)
def _fcheck_nbs(e, a, b, F, HI, IX, G, UV, UT, SER, CORR, RS, XW, stale, chk):
    """decide's ``check_nbs`` for side ``a``; returns (triggered, knife-edge kinds, gain
    error)."""
    sup = IX[e, a, _SUP]
    act = IX[e, a, _ACT]
    n0 = _fnbs(e, a, F[e, a, F_POS], IX, UV, UT, SER, CORR, RS, XW)
    n1 = _fnbs(e, a, F[e, a, F_Y], IX, UV, UT, SER, CORR, RS, XW)
    F[e, a, F_NBS0] = n0
    F[e, a, F_NBS1] = n1
    xt = F[e, a, F_TARGET]
    near = 0
    if chk:
        nerr = PERR + REL * (RS[1, sup] + abs(CORR[e, a])) * RS[3, sup]
        terr = 0.0 if HI[e, a, H_TEX] else PERR
        yerr = F[e, a, F_MERR] * XW[1, act, sup] * RS[3, sup]
        if abs(xt - n0) <= nerr + terr or abs(xt - n1) <= nerr + terr + yerr:
            near = K_NBS
    d0 = xt - n0
    d1 = xt - n1
    if d0 >= 0.0 and d1 >= 0.0:
        return False, near, 0.0
    if d0 <= 0.0 and d1 <= 0.0:
        return False, near, 0.0
    delta = abs(_fshift(e, a, F[e, a, F_POS], xt, stale, IX, UV, UT, SER, CORR, RS, XW))
    derr = 4.0 * (PERR * RS[2, sup] + REL * (abs(xt) * RS[2, sup] + RS[1, sup])) * XW[2, act, sup]
    r_a = delta * F[e, a, F_SSUP] * F[e, a, F_CSUP] * RS[3, sup]
    r_b = F[e, a, F_RI] * r_a
    bsup = IX[e, b, _SUP]
    bact = IX[e, b, _ACT]
    mb = abs(r_b * RS[2, bsup] * XW[2, bact, bsup])
    ma = delta
    rel = REL + (derr / delta if delta > 0.0 else 1.0)
    if F[e, b, F_POS] > F[e, b, F_TARGET]:
        mb = -mb
    if F[e, a, F_POS] > F[e, a, F_TARGET]:
        ma = -ma
    F[e, b, F_MOVE] = mb
    F[e, a, F_MOVE] = ma
    F[e, b, F_TOP] = mb
    F[e, a, F_TOP] = ma
    F[e, a, F_MERR] = derr
    F[e, b, F_MERR] = rel * abs(mb)
    F[e, b, F_Y] = F[e, b, F_POS] + mb
    F[e, a, F_Y] = F[e, a, F_POS] + ma
    t1 = r_b * F[e, b, F_SSUP]
    t2 = r_a * F[e, b, F_SDEM]
    G[e] = abs(t1 - t2)
    F[e, a, F_NBS1] = _fnbs(e, a, F[e, a, F_Y], IX, UV, UT, SER, CORR, RS, XW)
    return True, near, rel * (abs(t1) + abs(t2))


@_jit(forceinline=True)
def _fcalc(e, IX, HI, F, G, GERR, V, BITS, UV, UT, SER, CORR, RS, XW, stale, p, fix, rng, chk):
    """decide's ``EqualGainExchange.calculate`` in float (side 0 supplies q, side 1 p).

    Returns the kinds of knife-edge met (``K_*`` bits; ``chk`` only), 0 for none."""
    near = 0
    qi = IX[e, 0, _SUP]
    pj = IX[e, 1, _SUP]
    ai = IX[e, 0, _ACT]
    aj = IX[e, 1, _ACT]
    pI = F[e, 0, F_POS]
    pJ = F[e, 1, F_POS]
    tI = F[e, 0, F_TARGET]
    tJ = F[e, 1, F_TARGET]
    # a distance is exact when both positions are and their float difference is
    erI = 2.0 * PERR
    if HI[e, 0, H_PEX] and HI[e, 0, H_TEX]:
        sdI, exI = _sub_exact(tI, pI)
        if exI:
            erI = 0.0
    erJ = 2.0 * PERR
    if HI[e, 1, H_PEX] and HI[e, 1, H_TEX]:
        sdJ, exJ = _sub_exact(tJ, pJ)
        if exJ:
            erJ = 0.0
    dI = abs(tI - pI)
    dJ = abs(tJ - pJ)
    sIs = F[e, 0, F_SSUP]
    sId = F[e, 0, F_SDEM]
    dp = dJ * F[e, 1, F_SSUP] * F[e, 1, F_CSUP] * RS[3, pj]
    dq = F[e, 1, F_RI] * dp
    mI = dq * RS[2, qi] * XW[2, ai, qi]
    mJ = dJ
    rg = REL + (erJ / dJ if dJ > 0.0 else 0.0)
    merrI = rg * mI
    merrJ = erJ
    if chk and abs(mI - dI) <= merrI + erI + REL * dI:
        near |= K_CAP
    capped = mI > dI
    if capped:
        dq = dI * sIs * F[e, 0, F_CSUP] * RS[3, qi]
        dp = F[e, 0, F_RI] * dq
        mI = dI
        mJ = dp * RS[2, pj] * XW[2, aj, pj]
        merrI = erI
        rg = REL + (erI / dI if dI > 0.0 else 0.0)
        merrJ = rg * mJ
    if pI > tI:
        mI = -mI
    if pJ > tJ:
        mJ = -mJ
    F[e, 0, F_MOVE] = mI
    F[e, 1, F_MOVE] = mJ
    F[e, 0, F_TOP] = mI
    F[e, 1, F_TOP] = mJ
    HI[e, 0, H_TOP] = 1
    HI[e, 1, H_TOP] = 1
    F[e, 0, F_MERR] = merrI
    F[e, 1, F_MERR] = merrJ
    F[e, 0, F_Y] = pI + mI
    F[e, 1, F_Y] = pJ + mJ
    F[e, 0, F_YEQ] = F[e, 0, F_Y]
    F[e, 1, F_YEQ] = F[e, 1, F_Y]
    t1 = dq * sIs
    t2 = dp * sId
    gain = abs(t1 - t2)
    gerr = rg * (abs(t1) + abs(t2))
    G[e] = gain
    bits = 1 if capped else 0
    v0, n0 = _fvalid(e, _S0, mI, merrI, capped, F, HI, chk)
    v1, n1 = _fvalid(e, _S1, mJ, merrJ, not capped, F, HI, chk)
    valid = _both(v0, v1)
    near |= n0 | (n1 if v0 == 1 else 0)
    if chk and abs(gain - _EPS) <= gerr:
        near |= K_GAIN
    if gain < _EPS:
        valid = 0
    # the equal-gain step, kept for a recalculation that changes only the outcome cap
    F[e, 0, F_MM] = mI
    F[e, 1, F_MM] = mJ
    F[e, 0, F_ME0] = merrI
    F[e, 1, F_ME0] = merrJ
    F[e, 0, F_G0E] = gerr
    HI[e, 0, H_CLEAN] = 1 if near == 0 else 0
    HI[e, 1, H_CLEAN] = bits
    if valid != 1:
        V[e] = valid
        GERR[e] = gerr
        BITS[e] = bits
        F[e, 0, F_EU] = gain
        F[e, 1, F_EU] = gain
        return near
    trig0, nn, ge = _fcheck_nbs(e, _S0, _S1, F, HI, IX, G, UV, UT, SER, CORR, RS, XW, stale, chk)
    near |= nn
    if trig0:
        bits |= 2
        gerr = ge
    trig1, nn, ge = _fcheck_nbs(e, _S1, _S0, F, HI, IX, G, UV, UT, SER, CORR, RS, XW, stale, chk)
    near |= nn
    if trig1:
        bits |= 4
        gerr = ge
    if trig0 or trig1:
        # decide checks validity again; the moves are unchanged unless an outcome cap hit
        v0, n0 = _fvalid(e, _S0, F[e, 0, F_MOVE], F[e, 0, F_MERR], _NO, F, HI, chk)
        v1, n1 = _fvalid(e, _S1, F[e, 1, F_MOVE], F[e, 1, F_MERR], _NO, F, HI, chk)
        V[e] = _both(v0, v1)
        near |= n0 | (n1 if v0 == 1 else 0)
    else:
        V[e] = valid
    GERR[e] = gerr
    BITS[e] = bits
    # decide records each side's gain before the outcome cap (``eu``), as here
    F[e, 0, F_EU] = gain
    F[e, 1, F_EU] = gain
    if p > 0.0:
        _randomize(e, IX, HI, F, G, V, UV, UT, SER, CORR, RS, XW, stale, p, fix, rng)
    return near


@_jit(forceinline=True)
def _frecheck(e, IX, HI, F, G, GERR, V, BITS, UV, UT, SER, CORR, RS, XW, stale, chk):
    """:func:`_fcalc` when only the outcomes the candidate sees moved (an update on a
    demand issue; equal gain): its positions, and so its equal-gain step, are those of
    its last calculation, which met no knife-edge; decide's outcome caps are checked
    again.  Returns the kinds of knife-edge met."""
    near = 0
    for side in range(2):
        m = F[e, side, F_MM]
        F[e, side, F_MOVE] = m
        F[e, side, F_TOP] = m
        F[e, side, F_MERR] = F[e, side, F_ME0]
        F[e, side, F_Y] = F[e, side, F_POS] + m
        F[e, side, F_YEQ] = F[e, side, F_Y]
        HI[e, side, H_TOP] = 1
    G[e] = F[e, 0, F_EU]
    gerr = F[e, 0, F_G0E]
    bits = HI[e, 1, H_CLEAN]
    trig0, nn, ge = _fcheck_nbs(e, _S0, _S1, F, HI, IX, G, UV, UT, SER, CORR, RS, XW, stale, chk)
    near |= nn
    if trig0:
        bits |= 2
        gerr = ge
    trig1, nn, ge = _fcheck_nbs(e, _S1, _S0, F, HI, IX, G, UV, UT, SER, CORR, RS, XW, stale, chk)
    near |= nn
    if trig1:
        bits |= 4
        gerr = ge
    if trig0 or trig1:
        v0, n0 = _fvalid(e, _S0, F[e, 0, F_MOVE], F[e, 0, F_MERR], _NO, F, HI, chk)
        v1, n1 = _fvalid(e, _S1, F[e, 1, F_MOVE], F[e, 1, F_MERR], _NO, F, HI, chk)
        V[e] = _both(v0, v1)
        near |= n0 | (n1 if v0 == 1 else 0)
    else:
        V[e] = 1
    GERR[e] = gerr
    BITS[e] = bits
    return near


# -- REX (float only) ---------------------------------------------------------------------


@_jit()
def _randomize(e, IX, HI, F, G, V, UV, UT, SER, CORR, RS, XW, stale, p, fix, rng):
    """REX (Dijkstra et al. 2018) as decide computes it; see :mod:`._exact`."""
    D.noinline()
    u = _splitmix(rng)
    v = _splitmix(rng)
    z = _splitmix(rng)
    _max_utility(e, IX, F, UV, UT, SER, CORR, RS, XW)
    if u < 0.5:
        a, b = 0, 1
    else:
        a, b = 1, 0
    _rex_gain(e, a, b, v, z, IX, HI, F, G, V, UV, UT, SER, CORR, RS, XW, stale, p, fix)


@_jit()
def _max_utility(e, IX, F, UV, UT, SER, CORR, RS, XW):
    """decide's ``calculate_maximum_utility``: each side's largest attainable gain."""
    D.noinline()
    # decide compares a side's position on its demand issue with its voting position
    # on its supply issue (two different issues); kept as it is
    opt_i = F[e, 1, F_TARGET] == F[e, 0, F_Y]
    opt_j = F[e, 0, F_TARGET] == F[e, 1, F_Y]
    pos_i = F[e, 0, F_Y] if opt_i else F[e, 0, F_TARGET]
    pos_j = F[e, 1, F_Y] if opt_j else F[e, 1, F_TARGET]
    ni = _fnbs(e, _S0, pos_i, IX, UV, UT, SER, CORR, RS, XW)
    nj = _fnbs(e, _S1, pos_j, IX, UV, UT, SER, CORR, RS, XW)
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


@_jit()
def _rex_gain(e, a, b, v, z, IX, HI, F, G, V, UV, UT, SER, CORR, RS, XW, stale, p, fix):
    """decide's ``randomized_gain`` for side ``a`` (partner ``b``); see :mod:`._exact`."""
    D.noinline()
    eu = G[e]
    eui = eu + p * z * (F[e, a, F_EUMAX] - eu) if v < 0.5 else eu - p * z * eu
    asup = IX[e, a, _SUP]
    bsup = IX[e, b, _SUP]
    aact = IX[e, a, _ACT]
    bact = IX[e, b, _ACT]
    move_i = abs(F[e, a, F_POS] - F[e, a, F_TARGET])
    r_q = (move_i * F[e, a, F_SSUP] * F[e, a, F_CSUP]) * RS[3, asup]
    r_p = (eui + r_q * F[e, a, F_SSUP]) / F[e, a, F_SDEM]
    move_j = r_p * RS[2, bsup] * XW[2, bact, bsup]
    euj = abs(r_p * F[e, b, F_SSUP] - r_q * F[e, b, F_SDEM])
    dist_j = abs(F[e, b, F_POS] - F[e, b, F_TARGET])
    if abs(move_j) > dist_j:
        r_p = (dist_j * F[e, b, F_SSUP] * F[e, b, F_CSUP]) * RS[3, bsup]
        r_q = abs((eui - r_p * F[e, a, F_SDEM]) / F[e, a, F_SSUP])
        move_j = dist_j
        move_i = r_q * RS[2, asup] * XW[2, aact, asup]
        if abs(move_i) < abs(F[e, a, F_POS] - F[e, a, F_TARGET]):
            euj = abs(r_p * F[e, b, F_SSUP] - r_q * F[e, b, F_SDEM])
    else:
        mia = -move_i if F[e, a, F_POS] > F[e, a, F_TARGET] else move_i
        nadj = _fnbs(e, a, F[e, a, F_POS] + mia, IX, UV, UT, SER, CORR, RS, XW)
        xt = F[e, a, F_TARGET]
        n0 = F[e, a, F_NBS0]
        if not ((xt >= n0 and xt >= nadj) or (xt <= n0 and xt <= nadj)):
            delta = abs(_fshift(e, a, F[e, a, F_POS], xt, stale, IX, UV, UT, SER, CORR, RS, XW))
            r_q = (delta * F[e, a, F_SSUP] * F[e, a, F_CSUP]) * RS[3, asup]
            r_p = (eui + r_q * F[e, a, F_SSUP]) / F[e, a, F_SDEM]
            move_j = r_p * RS[2, bsup] * XW[2, bact, bsup]
            euj = abs(r_p * F[e, b, F_SSUP] - r_q * F[e, b, F_SDEM])
            # decide keeps the signed move and flips it again below: the wrong way
            if not fix:
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
    va, _ = _fvalid(e, a, mi, 0.0, _NO, F, HI, _NO)
    vb, _ = _fvalid(e, b, mj, 0.0, _NO, F, HI, _NO)
    V[e] = _both(va, vb)
    for side in range(2):
        F[e, side, F_NBS0] = _fnbs(e, side, F[e, side, F_POS], IX, UV, UT, SER, CORR, RS, XW)
        F[e, side, F_NBS1] = _fnbs(e, side, F[e, side, F_Y], IX, UV, UT, SER, CORR, RS, XW)


# -- exact calculation (decide's arithmetic) ----------------------------------------------


@_jit(forceinline=True)
def _ld(A, i, j):
    """Row ``A[i, j]`` of a decimal array as a tuple."""
    return (A[i, j, 0], A[i, j, 1], A[i, j, 2], A[i, j, 3], A[i, j, 4], A[i, j, 5])


@_jit(forceinline=True)
def _ld1(A, i):
    return (A[i, 0], A[i, 1], A[i, 2], A[i, 3], A[i, 4], A[i, 5])


@_jit(forceinline=True)
def _st(A, i, j, d):
    for t in range(6):
        A[i, j, t] = d[t]


@_jit(forceinline=True)
def _st1(A, i, d):
    for t in range(6):
        A[i, t] = d[t]


@_jit(forceinline=True)
def _src_val(src, Xe, a, j, LY):
    """The exact position a source names: -1 = the round's start, else executed
    exchange ``src >> 1``, side ``src & 1``."""
    if src < 0:
        return _ld(Xe, a, j)
    return _ld(LY, src >> 1, src & 1)


@_jit()
def _enum(j, actor, newpos, own_upd, usrc, ui, us, Xe, Se, Ce, LY, order, nord, w):
    """decide's sum ``sum(x * s * c)`` over issue ``j`` in its order, with the updates
    ``usrc[ui, us]`` (per actor, -1 = none) and ``actor`` at ``newpos`` (``own_upd``:
    its own update, if any, overrides ``newpos``)."""
    D.optsize()
    D.noinline()
    num = D.ZERO
    for t in range(nord[j]):
        a = order[j, t]
        src = usrc[ui, us, a]
        if a == actor and not (own_upd and src >= 0):
            xv = newpos
        elif src >= 0:
            xv = _ld(LY, src >> 1, src & 1)
        else:
            xv = _ld(Xe, a, j)
        num = D.add(num, D.mul(D.mul(xv, _ld(Se, a, j), w), _ld(Ce, a, j), w), w)
    return num


@_jit()
def _fest(j, actor, newpos, usrc, ui, us, xf, wf, denomf, LY, order, nord):
    """A float estimate of decide's ``adjusted_nbs`` (its error is far below 1e-9)."""
    D.optsize()
    D.noinline()
    if denomf[j] == 0.0:
        return 0.0
    num = 0.0
    for t in range(nord[j]):
        a = order[j, t]
        src = usrc[ui, us, a]
        if a == actor:
            xv = newpos
        elif src >= 0:
            xv = D.to_float(_ld(LY, src >> 1, src & 1))
        else:
            xv = xf[a, j]
        num += xv * wf[a, j]
    return num / denomf[j]


@_jit()
def _eadj_cmp(
    j, actor, newpos, target, usrc, ui, us, Xe, Se, Ce, De, LY, order, nord, xf, wf, denomf, w
):
    """Sign of ``target - adjusted_nbs(actor at newpos)`` in decide's arithmetic (the
    outcome is computed exactly only when a float estimate cannot tell)."""
    D.optsize()
    D.noinline()
    est = _fest(j, actor, D.to_float(newpos), usrc, ui, us, xf, wf, denomf, LY, order, nord)
    diff = D.to_float(target) - est
    if abs(diff) > 1e-8:
        return 1 if diff > 0.0 else -1
    dj = _ld1(De, j)
    if D.is_zero(dj):
        nb = D.ZERO
    else:
        num = _enum(j, actor, newpos, np.bool_(False), usrc, ui, us, Xe, Se, Ce, LY, order, nord, w)
        nb = D.div(num, dj, w)
    return D.cmp(target, nb)


@_jit()
def _evalid(move, pos, side, hn, hsum, hlo, hhi, hx, hxn, use_hx, w):
    """decide's ``is_move_valid`` in its arithmetic: (1, 0 or -1, fell back).

    The side's earlier moves are float aggregates (``hn``... ``hhi``) or, with
    ``use_hx``, exact (``hx[side, :hxn[side]]``); a float sum within 1e-9 of decide's
    bound 100 cannot be decided (fell back)."""
    D.optsize()
    D.noinline()
    am = D.dabs(move)
    if D.cmp(am, _HUNDRED) > 0 or D.cmp(am, _EPS_CUT) <= 0:
        return 0, False
    end = D.add(pos, move, w)
    if D.sign(end) < 0 or D.cmp(end, _HUNDRED) > 0:
        return 0, False
    if use_hx:
        tot = D.ZERO
        neg_ = D.sign(move) < 0
        pos_ = D.sign(move) > 0
        for h in range(hxn[side]):
            hv = _ld(hx, side, h)
            tot = D.add(tot, hv, w)
            neg_ = neg_ and D.sign(hv) < 0
            pos_ = pos_ and D.sign(hv) > 0
        tot = D.add(tot, move, w)
        if D.cmp(tot, _HUNDRED) > 0:
            return 0, False
        return (1 if (neg_ or pos_) else -1), False
    mf = D.to_float(move)
    fb = False
    lo = mf
    hi = mf
    if hn > 0:
        tot = hsum + mf
        if abs(tot - 100.0) <= 1e-9:
            fb = True
        if tot > 100.0:
            return 0, fb
        lo = min(lo, hlo)
        hi = max(hi, hhi)
    if (lo < 0.0 and hi < 0.0) or (lo > 0.0 and hi > 0.0):
        return 1, fb
    return -1, fb


# constants as tuples of numpy integers (Python ints would be typed as literals, and
# each literal tuple would compile its own copy of the functions it is passed to)
_HUNDRED = tuple(np.int64(v) for v in (0, -25, 0, 0, 0, 1000000))
_EPS_CUT = tuple(np.int64(v) for v in D.EPS_CUT[:6])


@_jit()
def _eratio(a, b, ja, jb, Se, RT, RTOK, w):
    """decide's ``by_exchange_ratio`` factor for actor ``a`` supplying ``ja`` to ``b``
    (who supplies ``jb``): ``(s_a,ja + s_b,ja) / (s_a,jb + s_b,jb)``, cached when the
    cache has room (``RTOK`` not empty)."""
    D.noinline()
    use = RTOK.shape[0] > 1
    if use and RTOK[a, b, ja, jb]:
        return (
            RT[a, b, ja, jb, 0], RT[a, b, ja, jb, 1], RT[a, b, ja, jb, 2],
            RT[a, b, ja, jb, 3], RT[a, b, ja, jb, 4], RT[a, b, ja, jb, 5],
        )  # fmt: skip
    v = D.div(D.add(_ld(Se, a, ja), _ld(Se, b, ja), w), D.add(_ld(Se, a, jb), _ld(Se, b, jb), w), w)
    if use:
        for t in range(6):
            RT[a, b, ja, jb, t] = v[t]
        RTOK[a, b, ja, jb] = True
    return v


@_jit()
def _ecalc(
    act, sup, dem, pe, te, usrc, ui, hn, hsum, hlo, hhi, hx, hxn, use_hx, bits_in, stale,
    Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, w, oe, of, RT, RTOK,
):  # fmt: skip
    """decide's ``calculate`` for one candidate in decide's arithmetic.

    ``pe``/``te`` ``(2, 6)``: each side's position and target; ``usrc[ui]`` ``(2, n)``:
    each side's updates (sources, -1 none); ``hn``... ``hhi``: each side's earlier moves
    (float aggregates), or ``hx``/``hxn`` with ``use_hx`` (exact); ``bits_in`` >= 0 replays
    an executed exchange with the branches it took (bit 1/2: the outcome cap on side 0/1;
    validity and gain are skipped).
    Writes ``oe`` ``(5, 6)``: y0, y1, move0, move1, gain; ``of`` ``(2, 6)``: per side
    move, y, gain, nbs0, nbs1, gain before the outcome cap as floats.  Returns (valid,
    bits, fell back).
    """
    D.optsize()
    D.noinline()
    pos0 = _ld1(pe, _R0)
    pos1 = _ld1(pe, _R1)
    t0 = _ld1(te, _R0)
    t1 = _ld1(te, _R1)
    a0, a1 = act[0], act[1]
    q, p = sup[0], sup[1]
    sIs = _ld(Se, a0, q)
    sId = _ld(Se, a0, dem[0])
    sJs = _ld(Se, a1, p)
    DI = _ld1(De, q)
    DJ = _ld1(De, p)
    dI = D.dabs(D.sub(t0, pos0, w))
    dJ = D.dabs(D.sub(t1, pos1, w))
    dp = D.div(D.mul(D.mul(dJ, sJs, w), _ld(Ce, a1, p), w), DJ, w)
    dq = D.mul(_eratio(a1, a0, p, q, Se, RT, RTOK, w), dp, w)
    mI = D.div(D.mul(dq, DI, w), _ld(CSe, a0, q), w)
    mJ = dJ
    bits = 0
    if D.cmp(D.dabs(mI), dI) > 0:
        bits = 1
        dq = D.div(D.mul(D.mul(dI, sIs, w), _ld(Ce, a0, q), w), DI, w)
        dp = D.mul(_eratio(a0, a1, q, p, Se, RT, RTOK, w), dq, w)
        mI = dI
        mJ = D.div(D.mul(dp, DJ, w), _ld(CSe, a1, p), w)
    if D.cmp(pos0, t0) > 0:
        mI = D.neg(mI)
    if D.cmp(pos1, t1) > 0:
        mJ = D.neg(mJ)
    y0 = D.add(pos0, mI, w)
    y1 = D.add(pos1, mJ, w)
    gain = D.ZERO
    eu = 0.0
    if bits_in < 0:
        gain = D.dabs(D.sub(D.mul(dq, sIs, w), D.mul(dp, sId, w), w))
        eu = D.to_float(gain)
    fb = False
    valid = 1
    if bits_in < 0:
        s0 = np.int64(0)
        s1 = np.int64(1)
        v0, f0 = _evalid(mI, pos0, s0, hn[0], hsum[0], hlo[0], hhi[0], hx, hxn, use_hx, w)
        v1, f1 = _evalid(mJ, pos1, s1, hn[1], hsum[1], hlo[1], hhi[1], hx, hxn, use_hx, w)
        valid = _both(v0, v1)
        fb = f0 or (v0 == 1 and f1)
        if D.cmp(gain, _EPS_CUT) <= 0:
            valid = 0
    _st1(oe, _R0, y0)
    _st1(oe, _R1, y1)
    _st1(oe, _R2, mI)
    _st1(oe, _R3, mJ)
    if valid == 1:
        for a in range(2):
            b = 1 - a
            j = sup[a]
            pa = _ld1(pe, a)
            ta = _ld1(te, a)
            if bits_in < 0:
                ya = _ld1(oe, a)
                c0 = _eadj_cmp(
                    j, act[a], pa, ta, usrc, ui, a, Xe, Se, Ce, De, LY, order, nord, xf, wf,
                    denomf, w,
                )  # fmt: skip
                c1 = _eadj_cmp(
                    j, act[a], ya, ta, usrc, ui, a, Xe, Se, Ce, De, LY, order, nord, xf, wf,
                    denomf, w,
                )  # fmt: skip
                if (c0 >= 0 and c1 >= 0) or (c0 <= 0 and c1 <= 0):
                    continue
            elif not (bits_in >> (1 + a)) & 1:
                continue
            bits |= 2 << a
            num = _enum(j, act[a], pa, stale, usrc, ui, a, Xe, Se, Ce, LY, order, nord, w)
            dj = _ld1(De, j)
            left = D.sub(D.mul(ta, dj, w), num, w)
            delta = D.dabs(D.div(left, _ld(CSe, act[a], j), w))
            ssa = _ld(Se, act[a], j)
            r_a = D.div(D.mul(D.mul(delta, ssa, w), _ld(Ce, act[a], j), w), dj, w)
            bj = sup[b]
            ssb = _ld(Se, act[b], bj)
            sdb = _ld(Se, act[b], dem[b])
            r_b = D.mul(_eratio(act[a], act[b], j, bj, Se, RT, RTOK, w), r_a, w)
            mb = D.dabs(D.div(D.mul(r_b, _ld1(De, bj), w), _ld(CSe, act[b], bj), w))
            ma = delta
            pb = _ld1(pe, b)
            if D.cmp(pb, _ld1(te, b)) > 0:
                mb = D.neg(mb)
            if D.cmp(pa, ta) > 0:
                ma = D.neg(ma)
            _st1(oe, 2 + a, ma)
            _st1(oe, 2 + b, mb)
            _st1(oe, b, D.add(pb, mb, w))
            _st1(oe, a, D.add(pa, ma, w))
            if bits_in < 0:
                gain = D.dabs(D.sub(D.mul(r_b, ssb, w), D.mul(r_a, sdb, w), w))
        if bits_in < 0:
            m0 = _ld1(oe, _R2)
            m1 = _ld1(oe, _R3)
            s0 = np.int64(0)
            s1 = np.int64(1)
            v0, f0 = _evalid(m0, pos0, s0, hn[0], hsum[0], hlo[0], hhi[0], hx, hxn, use_hx, w)
            v1, f1 = _evalid(m1, pos1, s1, hn[1], hsum[1], hlo[1], hhi[1], hx, hxn, use_hx, w)
            valid = _both(v0, v1)
            fb = fb or f0 or (v0 == 1 and f1)
    _st1(oe, _R4, gain)
    if bits_in < 0:
        for a in range(2):
            j = sup[a]
            yf = D.to_float(_ld1(oe, a))
            of[a, 0] = D.to_float(_ld1(oe, 2 + a))
            of[a, 1] = yf
            pf = D.to_float(_ld1(pe, a))
            of[a, 3] = _fest(j, act[a], pf, usrc, ui, a, xf, wf, denomf, LY, order, nord)
            of[a, 4] = _fest(j, act[a], yf, usrc, ui, a, xf, wf, denomf, LY, order, nord)
        gf = D.to_float(gain)
        of[0, 2] = gf
        of[1, 2] = gf
        of[0, 5] = eu
        of[1, 5] = eu
    return valid, bits, fb


# -- decide's inputs in its arithmetic ----------------------------------------------------


@_jit()
def prep_exact(
    cown, csal, ccap, clo, chi, csmax, has, order, nord, X0e, Se, Ce, CSe, Ae, Pe, De, w, neg_fw
):
    """decide's numbers from the shortest text of each float input (``c*`` code points,
    see :func:`._dec.parse`), rescaled to 0-100 as decide does.  Returns False when a
    text is not a number."""
    D.optsize()
    D.noinline()
    n, k = has.shape
    one = D.from_int(np.int64(1), w)
    hundred = D.from_int(np.int64(100), w)
    ok, smax = D.parse(csmax, w)
    if not ok:
        return False
    div_s = D.cmp(smax, one) != 0
    for t in range(10):
        neg_fw[t] = FW_LONG[t]
    neg_fw[0] = 1
    for j in range(k):
        ok1, lo = D.parse(clo[j], w)
        ok2, hi = D.parse(chi[j], w)
        if not (ok1 and ok2):
            return False
        step = D.div(hundred, D.sub(hi, lo, w), w)
        for a in range(n):
            if not has[a, j]:
                continue
            oka, own = D.parse(cown[a, j], w)
            okb, sal = D.parse(csal[a, j], w)
            okc, cap = D.parse(ccap[a, j], w)
            if not (oka and okb and okc):
                return False
            if div_s:
                sal = D.div(sal, smax, w)
            _st(X0e, a, j, D.mul(D.sub(own, lo, w), step, w))
            _st(Se, a, j, sal)
            _st(Ce, a, j, cap)
            _st(CSe, a, j, D.mul(cap, sal, w))
            aa = D.mul_long(D.sub(one, sal, w), SW_LONG, w)
            _st(Ae, a, j, aa)
            _st(Pe, a, j, D.add_long(D.sub(one, aa, w), neg_fw, w))
        tot = D.ZERO
        for t in range(nord[j]):
            a = order[j, t]
            tot = D.add(tot, D.mul(_ld(Se, a, j), _ld(Ce, a, j), w), w)
        _st1(De, j, tot)
    return True


# -- the shadow state ---------------------------------------------------------------------


@_jit()
def _activate(
    SY, cown, csal, ccap, clo, chi, csmax, has, order, nord, X0e, Se, Ce, CSe, Ae, Pe, De, Xe,
    w, neg_fw,
):  # fmt: skip
    """Read decide's numbers on the first knife-edge; False if they cannot be read."""
    D.optsize()
    D.noinline()
    if SY[2] == 0:
        ok = prep_exact(
            cown, csal, ccap, clo, chi, csmax, has, order, nord, X0e, Se, Ce, CSe, Ae, Pe, De, w,
            neg_fw,
        )  # fmt: skip
        for a in range(X0e.shape[0]):
            for j in range(X0e.shape[1]):
                for t in range(6):
                    Xe[a, j, t] = X0e[a, j, t]
        SY[2] = 1
        SY[3] = 1 if ok else 0
    return SY[3] == 1


@_jit(inline="always")
def _replay(L, LG_I, LG_B, LG_U, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf, denomf, stale, ws):
    """Advance the shadow by executed exchange ``L``: its voting positions in decide's
    arithmetic, from its recorded sources and branches."""
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    for side in range(2):
        a = LG_I[L, side, 0]
        j = LG_I[L, side, 1]
        act[side] = a
        sup[side] = j
        dem[side] = LG_I[L, side, 2]
        _st1(pe, side, _src_val(LG_I[L, side, 3], Xe, a, j, LY))
    for side in range(2):
        _st1(te, side, _ld(Xe, act[1 - side], sup[side]))
    _ecalc(
        act, sup, dem, pe, te, LG_U, L, hn, hsum, hlo, hhi, hx, hxn, np.bool_(False), LG_B[L],
        stale,
        Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, w, oe, of, RT, RTOK,
    )  # fmt: skip
    for side in range(2):
        for t in range(6):
            LY[L, side, t] = oe[side, t]


@_jit()
def _sync(L_to, r_to, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY, Xe, Xn, Se, Ce, CSe, Ae, Pe, De,
          order, nord, xf, wf, denomf, stale, ws, edge):  # fmt: skip
    """Replay executed exchanges ``< L_to`` and advance the round starts to ``r_to``."""
    D.optsize()
    D.noinline()
    w = ws[0]
    while True:
        L = SY[0]
        r = SY[1]
        if L_to > L and LG_R[L] == r:
            _replay(L, LG_I, LG_B, LG_U, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf, denomf,
                    stale, ws)  # fmt: skip
            edge[E_REPLAY] += 1
            SY[0] = L + 1
            continue
        if r < r_to:
            # decide's next start: (1 - s) 0.4 y + 0.1 y + (1 - (1 - s) 0.4 - 0.1) x, for
            # each executed exchange in order (the last one of an actor-issue stands)
            for a in range(Xe.shape[0]):
                for j in range(Xe.shape[1]):
                    for t in range(6):
                        Xn[a, j, t] = Xe[a, j, t]
            for L2 in range(R_OFF[r], R_OFF[r + 1]):
                for side in range(2):
                    a = LG_I[L2, side, 0]
                    j = LG_I[L2, side, 1]
                    y = _ld(LY, L2, side)
                    v = D.add(
                        D.add(D.mul(_ld(Ae, a, j), y, w), D.mul_long(y, FW_LONG, w), w),
                        D.mul(_ld(Pe, a, j), _ld(Xe, a, j), w),
                        w,
                    )
                    _st(Xn, a, j, v)
            for a in range(Xe.shape[0]):
                for j in range(Xe.shape[1]):
                    for t in range(6):
                        Xe[a, j, t] = Xn[a, j, t]
            SY[1] = r + 1
            continue
        break


@_jit()
def _gather(e, IX, HI, F, UT, US, SER, cur_src, Xe, LY, ws):
    """A live candidate's exact state (positions, targets, updates, earlier moves)."""
    D.optsize()
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    n = UT.shape[2]
    for side in range(2):
        a = IX[e, side, _ACT]
        j = IX[e, side, _SUP]
        act[side] = a
        sup[side] = j
        dem[side] = IX[e, side, _DEM]
        _st1(pe, side, _src_val(cur_src[a, j], Xe, a, j, LY))
        hn[side] = HI[e, side, H_N]
        hsum[side] = F[e, side, F_CSUM]
        hlo[side] = F[e, side, F_CMIN]
        hhi[side] = F[e, side, F_CMAX]
    for side in range(2):
        _st1(te, side, _ld(Xe, act[1 - side], sup[side]))
    for side in range(2):
        for t in range(n):
            usrc[0, side, t] = US[e, side, t] if UT[e, side, t] == SER[e] else -1


@_jit()
def _touch(e, IX, LG_I, L):
    """Whether executed exchange ``L`` made decide recalculate candidate ``e``: it moved
    a side's actor on that side's supply issue, or a side's actor's demand issue."""
    for side in range(2):
        for o in range(2):
            if IX[e, side, _ACT] == LG_I[L, o, 0] and IX[e, side, _SUP] == LG_I[L, o, 1]:
                return True
    for d in range(2):
        da = LG_I[L, d, 0]
        dd = LG_I[L, d, 2]
        if (da == IX[e, 1, _ACT] and dd == IX[e, 1, _DEM]) or (
            da == IX[e, 0, _ACT] and dd == IX[e, 0, _DEM]
        ):
            return True
    return False


@_jit()
def _state_at(e, L0, t, want_hist, IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf,
              denomf, stale, ws):  # fmt: skip
    """Candidate ``e``'s state in decide's arithmetic after the round's first ``t``
    executed exchanges (log entries ``L0 ...``): the sources of its positions
    (``possrc``) and updates (``usrc[1]``), rebuilt from the log as decide's
    ``recalculate`` builds them; with ``want_hist`` also each side's earlier moves
    (``hx``/``hxn``, exact).  Returns False if a history overflows its space."""
    D.optsize()
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    n = usrc.shape[2]
    possrc[0] = -1
    possrc[1] = -1
    for side in range(2):
        hxn[side] = 0
        for a in range(n):
            usrc[1, side, a] = -1
    fresh = False  # the calculation of the current state is in oe2
    for L in range(L0, L0 + t):
        if not _touch(e, IX, LG_I, L):
            continue
        hit0 = False
        hit1 = False
        for side in range(2):
            for o in range(2):
                if IX[e, side, _ACT] == LG_I[L, o, 0] and IX[e, side, _SUP] == LG_I[L, o, 1]:
                    if side == 0:
                        hit0 = True
                    else:
                        hit1 = True
        if want_hist and (hit0 or hit1):
            if not fresh:
                _ecalc_state(e, IX, Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf,
                             stale, ws, oe2, of2)  # fmt: skip
            for side in range(2):
                if (hit0 and side == 0) or (hit1 and side == 1):
                    if hxn[side] >= hx.shape[1]:
                        return False
                    for q in range(6):
                        hx[side, hxn[side], q] = oe2[2 + side, q]
                    hxn[side] += 1
        fresh = False
        for side in range(2):
            for o in range(2):
                if IX[e, side, _ACT] == LG_I[L, o, 0] and IX[e, side, _SUP] == LG_I[L, o, 1]:
                    possrc[side] = 2 * L + o
        for mover in range(2):
            d = 1 - mover
            da = LG_I[L, d, 0]
            dd = LG_I[L, d, 2]
            if not (
                (da == IX[e, 1, _ACT] and dd == IX[e, 1, _DEM])
                or (da == IX[e, 0, _ACT] and dd == IX[e, 0, _DEM])
            ):
                continue
            slot = 0 if dd == IX[e, 0, _SUP] else 1
            ma = LG_I[L, mover, 0]
            ysrc = 2 * L + mover
            old = usrc[1, slot, ma]
            if old >= 0:
                ov = _ld(LY, old >> 1, old & 1)
                yv = _ld(LY, L, mover)
                below = D.cmp(_ld(Xe, ma, dd), ov) <= 0
                keep = D.cmp(ov, yv) < 0 if below else D.cmp(ov, yv) > 0
                if not keep:
                    usrc[1, slot, ma] = ysrc
            else:
                usrc[1, slot, ma] = ysrc
    return True


@_jit(inline="always")
def _ecalc_state(e, IX, Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, stale, ws, o_e,
                 o_f):  # fmt: skip
    """decide's calculation of ``e`` in the state :func:`_state_at` left (history-less
    validity: the candidate was valid then, or it would not be alive now)."""
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    for side in range(2):
        a = IX[e, side, _ACT]
        j = IX[e, side, _SUP]
        act[side] = a
        sup[side] = j
        dem[side] = IX[e, side, _DEM]
        _st1(pe, side, _src_val(possrc[side], Xe, a, j, LY))
        hn[side] = 0
    for side in range(2):
        _st1(te, side, _ld(Xe, act[1 - side], sup[side]))
    return _ecalc(
        act, sup, dem, pe, te, usrc, np.int64(1), hn, hsum, hlo, hhi, hx, hxn, np.bool_(False),
        np.int64(-1), stale,
        Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, w, o_e, o_f, RT, RTOK,
    )  # fmt: skip


@_jit()
def _settle(e, nd, L0, IX, HI, F, G, GERR, V, BITS, GE, GEOK, UT, US, SER, cur_src, Xe, Se, Ce,
            CSe, De, LY, LG_I, order, nord, xf, wf, denomf, stale, ws, edge):  # fmt: skip
    """Redo candidate ``e``'s current calculation in decide's arithmetic (``nd``
    exchanges of the round executed, from log entry ``L0``)."""
    D.optsize()
    D.noinline()
    _gather(e, IX, HI, F, UT, US, SER, cur_src, Xe, LY, ws)
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    ui = np.int64(0)
    all_bits = np.int64(-1)
    no = np.bool_(False)
    yes = np.bool_(True)
    valid, bits, fb = _ecalc(
        act, sup, dem, pe, te, usrc, ui, hn, hsum, hlo, hhi, hx, hxn, no, all_bits, stale,
        Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, w, oe, of, RT, RTOK,
    )  # fmt: skip
    if fb:
        # the float sum of the earlier moves is at decide's bound: rebuild them exactly
        ok = _state_at(e, L0, nd, yes, IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf,
                       wf, denomf, stale, ws)  # fmt: skip
        if ok:
            _gather(e, IX, HI, F, UT, US, SER, cur_src, Xe, LY, ws)
            valid, bits, fb = _ecalc(
                act, sup, dem, pe, te, usrc, ui, hn, hsum, hlo, hhi, hx, hxn, yes, all_bits, stale,
                Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, w, oe, of, RT, RTOK,
            )  # fmt: skip
        else:
            edge[E_FALLBACK] += 1
            edge[E_FB_SUM] += 1
    for side in range(2):
        F[e, side, F_MOVE] = of[side, 0]
        F[e, side, F_TOP] = of[side, 0]
        F[e, side, F_Y] = of[side, 1]
        F[e, side, F_YEQ] = of[side, 1]
        F[e, side, F_EU] = of[side, 5]
        F[e, side, F_NBS0] = of[side, 3]
        F[e, side, F_NBS1] = of[side, 4]
        F[e, side, F_MERR] = 1e-15 * abs(of[side, 0])
    G[e] = of[0, 2]
    GERR[e] = 1e-15 * of[0, 2]
    V[e] = valid
    BITS[e] = bits
    HI[e, 0, H_CLEAN] = 0
    for t in range(6):
        GE[e, t] = oe[4, t]
    GEOK[e] = True
    edge[E_SETTLED] += 1


@_jit(inline="always")
def _gain_at(e, t, L0, IX, EVT, EVG, EVGE, EVOK, EVN, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord,
             xf, wf, denomf, stale, ws, gout):  # fmt: skip
    """Candidate ``e``'s gain after the round's first ``t`` executed exchanges: from its
    recent calculations if recorded (returns 2 exact, 1 float in ``gout[0]`` row 0), else
    rebuilt in decide's arithmetic (returns 2)."""
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    cnt = EVN[e]
    lo = max(0, cnt - HIST)
    for i in range(cnt - 1, lo - 1, -1):
        h = i % HIST
        if EVT[e, h] <= t:
            for q in range(6):
                gout[1, q] = EVGE[e, h, q]
            gout[0, 0] = 0
            if EVOK[e, h]:
                return 2, EVG[e, h]
            return 1, EVG[e, h]
    _state_at(e, L0, t, np.bool_(False), IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf,
              denomf,
              stale, ws)  # fmt: skip
    _ecalc_state(e, IX, Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, stale, ws, oe2, of2)
    for q in range(6):
        gout[1, q] = oe2[4, q]
    return 2, D.to_float(_ld1(oe2, _R4))


@_jit(inline="always")
def _exact_gain_at(e, t, L0, IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf, denomf,
                   stale, ws, gout):  # fmt: skip
    """Candidate ``e``'s gain after the round's first ``t`` executed exchanges, rebuilt in
    decide's arithmetic, into ``gout[1]``."""
    D.noinline()
    (
        w,
        act,
        sup,
        dem,
        pe,
        te,
        hn,
        hsum,
        hlo,
        hhi,
        oe,
        of,
        usrc,
        possrc,
        hx,
        hxn,
        oe2,
        of2,
        RT,
        RTOK,
    ) = ws
    _state_at(e, L0, t, np.bool_(False), IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf,
              denomf,
              stale, ws)  # fmt: skip
    _ecalc_state(e, IX, Xe, Se, Ce, CSe, De, LY, order, nord, xf, wf, denomf, stale, ws, oe2, of2)
    for q in range(6):
        gout[1, q] = oe2[4, q]


@_jit(forceinline=True)
def _tset(T, P, e, val):
    """Set candidate ``e``'s leaf of the tournament tree and update its ancestors."""
    i = P + e
    T[i] = val
    i >>= 1
    while i >= 1:
        v = max(T[2 * i], T[2 * i + 1])
        if T[i] == v:
            break
        T[i] = v
        i >>= 1


@_jit(forceinline=True)
def _event(e, t, G, EVT, EVG, EVOK, EVN):
    h = EVN[e] % HIST
    EVT[e, h] = t
    EVG[e, h] = G[e]
    EVOK[e, h] = False
    EVN[e] += 1


@_jit(forceinline=True)
def _event_exact(e, G, GE, EVG, EVGE, EVOK, EVN):
    h = (EVN[e] - 1) % HIST
    EVG[e, h] = G[e]
    for t in range(6):
        EVGE[e, h, t] = GE[e, t]
    EVOK[e, h] = True


@_jit()
def _first_in_list(A, Bc, nd, L0, EVT, EVG, EVGE, EVOK, EVN, IX, LG_I, LY, Xe, Se, Ce, CSe, De,
                   order, nord, xf, wf, denomf, stale, ws, ga, gb):  # fmt: skip
    """Of two candidates whose gains are exactly equal now (``nd`` exchanges executed),
    the one decide's stable sort puts first.

    decide sorts its list by gain before each pick, so two equal gains keep the order
    of the previous sort, which put the higher gain of that moment first.  Going back
    through the executions that touched either candidate, the first earlier moment
    where their gains differ decides (compared in float when far apart, else in
    decide's arithmetic, rebuilt from the log); equal all the way, the one created first
    comes first."""
    D.optsize()
    D.noinline()
    tau = nd
    while True:
        # the latest execution (1-based) at or before tau that touched A or B
        t = tau
        while t >= 1 and not (_touch(A, IX, LG_I, L0 + t - 1) or _touch(Bc, IX, LG_I, L0 + t - 1)):
            t -= 1
        if t < 1:
            return A if Bc > A else Bc
        # the sort before execution t saw the state after t - 1 executions
        ka, fa = _gain_at(A, t - 1, L0, IX, EVT, EVG, EVGE, EVOK, EVN, LG_I, LY, Xe, Se, Ce, CSe,
                          De, order, nord, xf, wf, denomf, stale, ws, ga)  # fmt: skip
        kb, fb = _gain_at(Bc, t - 1, L0, IX, EVT, EVG, EVGE, EVOK, EVN, LG_I, LY, Xe, Se, Ce,
                          CSe, De, order, nord, xf, wf, denomf, stale, ws, gb)  # fmt: skip
        if ka == 2 and kb == 2:
            c = D.cmp(_ld1(ga, _R1), _ld1(gb, _R1))
        elif abs(fa - fb) > 1e-12 * max(fa, fb):
            c = 1 if fa > fb else -1
        else:
            _exact_gain_at(A, t - 1, L0, IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf,
                           denomf, stale, ws, ga)  # fmt: skip
            _exact_gain_at(Bc, t - 1, L0, IX, LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, xf, wf,
                           denomf, stale, ws, gb)  # fmt: skip
            c = D.cmp(_ld1(ga, _R1), _ld1(gb, _R1))
        if c != 0:
            return A if c > 0 else Bc
        tau = t - 1


def _grow(A: np.ndarray, need: int) -> np.ndarray:
    """``A`` with room for at least ``need`` rows (doubling; new rows zero)."""
    if need <= A.shape[0]:
        return A
    B = np.zeros((max(need, 2 * A.shape[0]), *A.shape[1:]), dtype=A.dtype)
    B[: A.shape[0]] = A
    return B


def _alloc(
    n: int, k: int, rounds: int, cap: int, lcap: int, settle_on: bool, cc: int, rec_rows: int
) -> tuple[Any, ...]:
    """Every array one run needs, as the tuples :func:`_round` takes (allocated here in
    numpy: allocation in compiled code would need numba's reference counting and a
    compilation of its own)."""
    i64, f64, b1 = np.int64, np.float64, np.bool_
    RS = np.zeros((4, k))
    XW = np.zeros((3, n, k))
    pmax = 1
    while pmax < cap:
        pmax *= 2
    CA = (
        np.zeros((cap, 2, 3), dtype=i64),  # IX
        np.zeros((cap, 2, 5), dtype=i64),  # HI
        np.zeros((cap, 2, N_FIELDS)),  # F
        np.zeros(cap),  # G
        np.zeros(cap),  # GERR
        np.zeros(cap, dtype=i64),  # V
        np.zeros(cap, dtype=i64),  # BITS
        np.zeros((cap, 2, n)),  # UV
        np.zeros((cap, 2, n), dtype=i64),  # US
        np.zeros((cap, 2, n), dtype=i64),  # UT
        np.zeros(cap, dtype=i64),  # SER
        np.zeros((cap, 2)),  # CORR
        np.zeros((cap, 6), dtype=i64),  # GE
        np.zeros(cap, dtype=b1),  # GEOK
        np.zeros((cap, HIST), dtype=i64),  # EVT
        np.zeros((cap, HIST)),  # EVG
        np.zeros((cap, HIST, 6), dtype=i64),  # EVGE
        np.zeros((cap, HIST), dtype=b1),  # EVOK
        np.zeros(cap, dtype=i64),  # EVN
        np.full(2 * pmax, -1.0),  # T
        np.zeros(256, dtype=i64),  # tstack
        np.full(cap, -1, dtype=i64),  # stamp
        np.zeros(cap, dtype=i64),  # nearl
    )
    nkeys = n * k
    RO = (
        RS,
        XW,
        XW[0],  # x
        XW[1],  # wf
        RS[2],  # denom
        RS[0],  # S
        RS[1],  # Sabs
        np.zeros((n, k), dtype=b1),  # xex
        np.zeros((n, k), dtype=b1),  # left
        np.zeros(n, dtype=i64),  # grp
        np.full((n, k), -1, dtype=i64),  # cur_src
        np.zeros(nkeys + 1, dtype=i64),  # s_start
        np.zeros(nkeys + 1, dtype=i64),  # d_start
        np.zeros(2 * cap, dtype=i64),  # s_list
        np.zeros(2 * cap, dtype=i64),  # d_list
        np.zeros(nkeys, dtype=i64),  # fill
    )
    # executed exchanges (the log), across rounds
    LG = (
        np.zeros(lcap, dtype=i64),  # LG_R
        np.zeros(lcap, dtype=i64),  # LG_E
        np.zeros((lcap, 2, 4), dtype=i64),  # LG_I
        np.zeros(lcap, dtype=i64),  # LG_B
        np.zeros((lcap, 2, n), dtype=i64),  # LG_U
        np.zeros((lcap, 15)),  # LG_F
        np.zeros((lcap, 2, 6), dtype=i64),  # LY
        np.zeros(rounds + 1, dtype=i64),  # R_OFF
    )
    # decide's exchange-ratio factors, cached by actors and issues (when small enough)
    if settle_on and n * n * k * k <= 250_000:
        RT = np.zeros((n, n, k, k, 6), dtype=i64)
        RTOK = np.zeros((n, n, k, k), dtype=b1)
    else:
        RT = np.zeros((1, 1, 1, 1, 6), dtype=i64)
        RTOK = np.zeros((1, 1, 1, 1), dtype=b1)
    wsp = D.scratch()
    ws = (
        wsp,
        np.zeros(2, dtype=i64),  # act
        np.zeros(2, dtype=i64),  # sup
        np.zeros(2, dtype=i64),  # dem
        np.zeros((2, 6), dtype=i64),  # pe
        np.zeros((2, 6), dtype=i64),  # te
        np.zeros(2, dtype=i64),  # hn
        np.zeros(2),  # hsum
        np.zeros(2),  # hlo
        np.zeros(2),  # hhi
        np.zeros((5, 6), dtype=i64),  # oe
        np.zeros((2, 6)),  # of
        np.full((2, 2, n), -1, dtype=i64),  # usrc
        np.full(2, -1, dtype=i64),  # possrc
        np.zeros((2, 64, 6), dtype=i64),  # hx
        np.zeros(2, dtype=i64),  # hxn
        np.zeros((5, 6), dtype=i64),  # oe2
        np.zeros((2, 6)),  # of2
        RT,
        RTOK,
    )
    # decide's arithmetic: inputs, shadow, workspace
    EX = (
        *(np.zeros((n, k, 6), dtype=i64) for _ in range(6)),  # X0e Se Ce CSe Ae Pe
        np.zeros((k, 6), dtype=i64),  # De
        np.zeros((n, k, 6), dtype=i64),  # Xe
        np.zeros((n, k, 6), dtype=i64),  # Xn
        np.zeros(4, dtype=i64),  # SY: next log entry to replay, its round, read, readable
        np.full((1, 1, n), -1, dtype=i64),  # noupd
        wsp,
        ws,
        np.zeros((2, 6), dtype=i64),  # ga
        np.zeros((2, 6), dtype=i64),  # gb
        np.zeros(10, dtype=i64),  # negfw
    )
    # the candidates of one round (for the deal finder) and the records
    CD = (
        np.zeros((cc, 2, 3), dtype=i64),
        np.zeros((cc, 2, N_FIELDS), dtype=f64),
        np.zeros(cc),
        np.zeros(cc, dtype=i64),
        np.zeros(cc, dtype=i64),
    )
    RC = (np.zeros((rec_rows, 6), dtype=i64), np.zeros((rec_rows, 15)))
    return CA, RO, LG, EX, CD, RC


@_jit()
def _load(x0, s, c, order, nord, RO):
    """A replicate's inputs into the round state (positions, ``s c`` and sums)."""
    RS, XW = RO[0], RO[1]
    n, k = x0.shape
    for a in range(n):
        for j in range(k):
            XW[0, a, j] = x0[a, j]
            XW[1, a, j] = s[a, j] * c[a, j]
            XW[2, a, j] = 1.0 / XW[1, a, j] if XW[1, a, j] != 0.0 else 0.0
    for j in range(k):
        tot = 0.0
        for t in range(nord[j]):
            tot += XW[1, order[j, t], j]
        RS[2, j] = tot
        RS[3, j] = 1.0 / tot if tot != 0.0 else 0.0


@_jit()
def _reset_exact(EX):
    """The shadow state back to a fresh run's (a batch reuses one set of arrays)."""
    X0e, Se, Ce, CSe, Ae, Pe, De, Xe, Xn, SY, noupd, wsp, ws, ga, gb, negfw = EX
    for A in (X0e, Se, Ce, CSe, Ae, Pe, Xe, Xn):
        for a in range(A.shape[0]):
            for j in range(A.shape[1]):
                for t in range(6):
                    A[a, j, t] = 0
    for j in range(De.shape[0]):
        for t in range(6):
            De[j, t] = 0
    for t in range(SY.shape[0]):
        SY[t] = 0
    RTOK = ws[19]
    for a in range(RTOK.shape[0]):
        for b in range(RTOK.shape[1]):
            for i in range(RTOK.shape[2]):
                for j in range(RTOK.shape[3]):
                    RTOK[a, b, i, j] = False


#: the driver's state between calls (``st``): replicate, round, executed exchanges so far,
#: records, candidates' serial number, candidates recorded, knife-edges still settled
ST_REP, ST_ROUND, ST_LOG, ST_REC, ST_SERIAL, ST_CAND, ST_EXACT = range(7)


@njit(cache=True, nogil=True, _nrt=False)
def _drive(st, X0, S_, C_, ACT, seeds, rounds, cap, settle_on, IN0, CA, RO, LG, EX, OU, RES):
    """Run the rounds of replicates ``X0[r]``, ``S_[r]``, ``C_[r]``, ``ACT[r]`` from the
    state in ``st`` (see ``ST_*``) until every replicate is done (returns True), or until
    a round needs more room in the log or the records than they have (returns False: the
    caller grows them and calls again).

    ``IN0``: the inputs every replicate shares (the round's ``IN`` without ``s``, ``c``,
    ``active``; decide's inputs as texts and the exact positions ``XEX`` with a first axis
    of length 1, shared, or ``R``, one per replicate); ``RES``: ``outcome`` ``(R, k)``,
    ``final`` ``(R, n, k)``, ``edges`` ``(R,)`` (knife-edges not settled) and ``met``
    ``(R,)`` (knife-edges met) after each replicate's last round.  The one compiled
    entry point of the engine, for one run and for a batch alike; each pass of its loop
    is one round (no allocation, so no reference counting).  The round is written out
    here, not called: a function of its own would be compiled, with everything it calls,
    a second time.
    """
    (order, nord, stale, p, fix_sign, rng, CWo, CWs, CWc, CWl, CWh, CWm, pair_ok,
     cand_round, record, chk, XEX) = IN0  # fmt: skip
    outcome, final, edges, met = RES
    n, k = X0.shape[1], X0.shape[2]
    R = X0.shape[0]
    while st[ST_REP] < R:
        r_ = st[ST_REP]
        r = st[ST_ROUND]
        if r >= rounds:
            # the replicate's results (none without a round)
            for j in range(k if rounds > 0 else 0):
                outcome[r_, j] = OU[3][rounds - 1, j]
                for a in range(n):
                    final[r_, a, j] = OU[1][rounds - 1, a, j]
            edges[r_] = OU[5][E_FLOAT] + OU[5][E_FALLBACK] if settle_on else OU[5][E_MET]
            met[r_] = OU[5][E_MET]
            st[ST_REP] = r_ + 1
            st[ST_ROUND] = 0
            continue
        # decide's inputs (shortest texts) and exact positions: one set, or one per replicate
        ri = r_ if CWo.shape[0] > 1 else 0
        if r == 0:
            _load(X0[r_], S_[r_], C_[r_], order, nord, RO)
            xex0 = RO[7]
            for a in range(n):
                for j in range(k):
                    xex0[a, j] = XEX[ri, a, j]
            if settle_on:
                _reset_exact(EX)
            rng[0] = seeds[r_]
            for t in range(OU[5].shape[0]):
                OU[5][t] = 0
            st[ST_LOG] = 0
            st[ST_REC] = 0
            st[ST_CAND] = 0
            st[ST_EXACT] = 1 if settle_on else 0
        if st[ST_LOG] + cap > LG[0].shape[0] or (record and st[ST_REC] + cap > OU[11].shape[0]):
            return False
        n_log = st[ST_LOG]
        n_rec = st[ST_REC]
        serial = st[ST_SERIAL]
        n_cand = st[ST_CAND]
        exact_ok = st[ST_EXACT] == 1
        IN = (
            S_[r_], C_[r_], ACT[r_], order, nord, stale, p, fix_sign, rng, CWo[ri], CWs[ri],
            CWc[ri], CWl[ri], CWh[ri], CWm[ri], pair_ok, cand_round, record, chk,
        )  # fmt: skip
        (
            IX,
            HI,
            F,
            G,
            GERR,
            V,
            BITS,
            UV,
            US,
            UT,
            SER,
            CORR,
            GE,
            GEOK,
            EVT,
            EVG,
            EVGE,
            EVOK,
            EVN,
            T,
            tstack,
            stamp,
            nearl,
        ) = CA
        (
            RS,
            XW,
            x,
            wf,
            denom,
            S,
            Sabs,
            xex,
            left,
            grp,
            cur_src,
            s_start,
            d_start,
            s_list,
            d_list,
            fill,
        ) = RO
        LG_R, LG_E, LG_I, LG_B, LG_U, LG_F, LY, R_OFF = LG
        X0e, Se, Ce, CSe, Ae, Pe, De, Xe, Xn, SY, noupd, wsp, ws, ga, gb, negfw = EX
        (
            s,
            c,
            active,
            order,
            nord,
            stale,
            p,
            fix_sign,
            rng,
            cown,
            csal,
            ccap,
            clo,
            chi,
            csmax,
            pair_ok,
            cand_round,
            record,
            chk,
        ) = IN
        (
            start_out,
            voting_out,
            nbs_start_out,
            nbs_voting_out,
            n_exec,
            edge,
            cand_i,
            cand_f,
            cand_g,
            cand_v,
            cand_seq,
            rec_i,
            rec_f,
        ) = OU
        nkeys = n * k
        R_OFF[r] = n_log
        nd = np.int64(0)
        for a in range(n):
            for j in range(k):
                start_out[r, a, j] = x[a, j]
                cur_src[a, j] = -1
        for j in range(k):
            tot = 0.0
            tabs = 0.0
            for t in range(nord[j]):
                a = order[j, t]
                tot += x[a, j] * wf[a, j]
                tabs += abs(x[a, j] * wf[a, j])
            S[j] = tot
            Sabs[j] = tabs
            nb = tot / denom[j] if denom[j] != 0.0 else 0.0
            nbs_start_out[r, j] = nb
            nerr = PERR + REL * tabs / denom[j] if denom[j] != 0.0 else PERR
            for a in range(n):
                if not active[a, j]:
                    continue
                left[a, j] = x[a, j] <= nb
                if chk and abs(x[a, j] - nb) <= nerr + (0.0 if xex[a, j] else PERR):
                    _kinds(edge, np.int64(K_SIDE))
                    if exact_ok:
                        exact_ok = _activate(
                            SY, cown, csal, ccap, clo, chi, csmax, active, order, nord, X0e, Se, Ce,
                            CSe, Ae, Pe, De, Xe, wsp, negfw,
                        )  # fmt: skip
                    if exact_ok:
                        _sync(n_log, r, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY, Xe, Xn, Se,
                              Ce, CSe, Ae, Pe, De, order, nord, x, wf, denom, stale, ws,
                              edge)  # fmt: skip
                        dj = _ld1(De, j)
                        num = _enum(j, np.int64(-1), D.ZERO, np.bool_(False), noupd, np.int64(0),
                                    np.int64(0), Xe, Se, Ce, LY,
                                    order, nord, wsp)  # fmt: skip
                        nbe = D.div(num, dj, wsp) if not D.is_zero(dj) else D.ZERO
                        left[a, j] = D.cmp(_ld(Xe, a, j), nbe) <= 0
                        edge[E_SETTLED] += 1
                    else:
                        edge[E_FLOAT] += 1
        # the candidates, in decide's order
        m: Any = np.int64(0)
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
                            swap = ra < rb
                            if chk and abs(ra - rb) <= 1e-14 * max(ra, rb):
                                _kinds(edge, np.int64(K_RATIO))
                                if exact_ok:
                                    exact_ok = _activate(
                                        SY, cown, csal, ccap, clo, chi, csmax, active, order, nord,
                                        X0e, Se, Ce,
                                        CSe, Ae, Pe, De, Xe, wsp, negfw,
                                    )  # fmt: skip
                                if exact_ok:
                                    rae = D.div(_ld(Se, a, p_), _ld(Se, a, q_), wsp)
                                    rbe = D.div(_ld(Se, b, p_), _ld(Se, b, q_), wsp)
                                    swap = D.cmp(rae, rbe) < 0
                                    edge[E_SETTLED] += 1
                                else:
                                    edge[E_FLOAT] += 1
                            if swap:
                                a, b = b, a
                            e = m
                            m += 1
                            serial += 1
                            SER[e] = serial
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
                                F[e, side, F_CSUM] = 0.0
                                HI[e, side, H_N] = 0
                                HI[e, side, H_TOP] = 0
                                HI[e, side, H_PEX] = 1 if xex[act, sup] else 0
                                HI[e, side, H_TEX] = 1 if xex[partner, sup] else 0
                                CORR[e, side] = 0.0
                            GEOK[e] = False
                            EVN[e] = 0
                            F[e, 0, F_RI] = (F[e, 0, F_SSUP] + F[e, 1, F_SDEM]) / (
                                F[e, 0, F_SDEM] + F[e, 1, F_SSUP]
                            )
                            F[e, 1, F_RI] = (F[e, 1, F_SSUP] + F[e, 0, F_SDEM]) / (
                                F[e, 1, F_SDEM] + F[e, 0, F_SSUP]
                            )
                            near = _fcalc(
                                e, IX, HI, F, G, GERR, V, BITS, UV, UT, SER, CORR, RS, XW,
                                stale, p, fix_sign, rng, chk,
                            )  # fmt: skip
                            _event(e, nd, G, EVT, EVG, EVOK, EVN)
                            if near:
                                _kinds(edge, near)
                                if exact_ok:
                                    exact_ok = _activate(
                                        SY, cown, csal, ccap, clo, chi, csmax, active, order, nord,
                                        X0e, Se, Ce,
                                        CSe, Ae, Pe, De, Xe, wsp, negfw,
                                    )  # fmt: skip
                                if exact_ok:
                                    _sync(n_log, r, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY,
                                          Xe, Xn, Se, Ce, CSe, Ae, Pe, De, order, nord, x,
                                          wf, denom, stale, ws, edge)  # fmt: skip
                                    _settle(e, nd, R_OFF[r], IX, HI, F, G, GERR, V, BITS, GE, GEOK,
                                            UT, US,
                                            SER, cur_src, Xe, Se, Ce, CSe, De, LY, LG_I, order,
                                            nord, x, wf, denom, stale, ws, edge)  # fmt: skip
                                    _event_exact(e, G, GE, EVG, EVGE, EVOK, EVN)
                                else:
                                    edge[E_FLOAT] += 1
        record_cands = cand_round == r + 1
        if record_cands:
            n_cand = m
            for e in range(m):
                cand_seq[e] = 0
                cand_g[e] = G[e]
                cand_v[e] = V[e]
                for side in range(2):
                    for f in range(3):
                        cand_i[e, side, f] = IX[e, side, f]
                    for f in range(N_FIELDS):
                        cand_f[e, side, f] = F[e, side, f]
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
        # a tournament tree over the candidates: each node holds the highest gain of the
        # valid candidates below it (-1: none)
        P = 1
        while m > P:
            P *= 2
        for e in range(m):
            stamp[e] = -1
        for i in range(P):
            T[P + i] = G[i] if (i < m and V[i] == 1) else -1.0
        for i in range(P - 1, 0, -1):
            T[i] = max(T[2 * i], T[2 * i + 1])
        gerr_max = 0.0
        for e in range(m):
            gerr_max = max(gerr_max, GERR[e])
        nd = np.int64(0)
        while True:
            if T[1] < 0.0:
                break
            # the valid candidate of highest gain (the first of equal floats)
            i = 1
            while i < P:
                i = 2 * i if T[2 * i] >= T[2 * i + 1] else 2 * i + 1
            best = i - P
            bg = G[best]
            if p > 0.0:
                # REX: decide's coin between the first two of equal gains (its CLI's default)
                other = -1
                tstack[0] = 1
                sp = 1
                while sp > 0 and other < 0:
                    sp -= 1
                    node = tstack[sp]
                    if T[node] < bg:
                        continue
                    if node >= P:
                        if node - P != best:
                            other = node - P
                        continue
                    tstack[sp] = 2 * node + 1
                    tstack[sp + 1] = 2 * node
                    sp += 2
                if other >= 0 and _splitmix(rng) >= 0.5:
                    best = other
            if chk:
                # knife-edge: other gains within the float error of the best
                thr = bg - (GERR[best] + gerr_max + 1e-13 * bg)
                nn = 0
                sp = 0
                tstack[0] = 1
                sp = 1
                while sp > 0:
                    sp -= 1
                    node = tstack[sp]
                    if T[node] < thr:
                        continue
                    if node >= P:
                        e = node - P
                        if e == best or bg - G[e] <= GERR[e] + GERR[best] + 1e-13 * bg:
                            nearl[nn] = e
                            nn += 1
                        continue
                    tstack[sp] = 2 * node + 1
                    tstack[sp + 1] = 2 * node
                    sp += 2
                if nn > 1:
                    _kinds(edge, np.int64(K_TIE))
                    if exact_ok:
                        exact_ok = _activate(
                            SY, cown, csal, ccap, clo, chi, csmax, active, order, nord, X0e, Se, Ce,
                            CSe, Ae, Pe, De, Xe, wsp, negfw,
                        )  # fmt: skip
                    if exact_ok:
                        _sync(n_log, r, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY, Xe, Xn, Se,
                              Ce, CSe, Ae, Pe, De, order, nord, x, wf, denom, stale, ws,
                              edge)  # fmt: skip
                        bexact: Any = np.int64(-1)
                        changed = False
                        for u in range(nn):
                            e = nearl[u]
                            if not GEOK[e]:
                                _settle(e, nd, R_OFF[r], IX, HI, F, G, GERR, V, BITS, GE, GEOK,
                                        UT, US, SER, cur_src, Xe, Se, Ce, CSe, De, LY, LG_I,
                                        order, nord, x, wf, denom, stale, ws,
                                        edge)  # fmt: skip
                                _event_exact(e, G, GE, EVG, EVGE, EVOK, EVN)
                                _tset(T, P, e, G[e] if V[e] == 1 else -1.0)
                            if V[e] != 1:
                                changed = True
                                continue
                            if bexact < 0:
                                bexact = e
                                continue
                            cmpv = D.cmp(_ld1(GE, e), _ld1(GE, bexact))
                            if cmpv > 0:
                                bexact = e
                            elif cmpv == 0:
                                bexact = _first_in_list(
                                    bexact, e, nd, R_OFF[r], EVT, EVG, EVGE, EVOK, EVN, IX,
                                    LG_I, LY, Xe, Se, Ce, CSe, De, order, nord, x, wf, denom,
                                    stale, ws, ga, gb,
                                )  # fmt: skip
                        if changed or bexact < 0:
                            # a settled gain turned invalid: look again
                            continue
                        best = bexact
                    else:
                        edge[E_FLOAT] += 1
            # execute
            V[best] = 0
            _tset(T, P, best, -1.0)
            nd += 1
            if record_cands:
                cand_seq[best] = nd
            LX = n_log
            n_log += 1
            LG_R[LX] = r
            LG_E[LX] = best
            LG_B[LX] = BITS[best]
            for side in range(2):
                a = IX[best, side, _ACT]
                j = IX[best, side, _SUP]
                LG_I[LX, side, 0] = a
                LG_I[LX, side, 1] = j
                LG_I[LX, side, 2] = IX[best, side, _DEM]
                LG_I[LX, side, 3] = cur_src[a, j]
                for t in range(n):
                    LG_U[LX, side, t] = US[best, side, t] if UT[best, side, t] == SER[best] else -1
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
            for side in range(2):
                cur_src[IX[best, side, _ACT], IX[best, side, _SUP]] = 2 * LX + side
            # recalculate the candidates the exchange touches
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
                    for tt in range(lo_, hi_):
                        e = s_list[tt] if kind == 0 else d_list[tt]
                        if stamp[e] == nd or V[e] != 1:
                            continue
                        stamp[e] = nd
                        hit = False
                        for side in range(2):
                            for oo in range(2):
                                if (
                                    IX[e, side, _ACT] == IX[best, oo, _ACT]
                                    and IX[e, side, _SUP] == IX[best, oo, _SUP]
                                ):
                                    F[e, side, F_POS] = F[best, oo, F_Y]
                                    HI[e, side, H_PEX] = 0
                                    if HI[e, side, H_TOP]:
                                        top = F[e, side, F_TOP]
                                        if HI[e, side, H_N] == 0:
                                            F[e, side, F_CSUM] = top
                                            F[e, side, F_CMIN] = top
                                            F[e, side, F_CMAX] = top
                                        else:
                                            F[e, side, F_CSUM] += top
                                            F[e, side, F_CMIN] = min(F[e, side, F_CMIN], top)
                                            F[e, side, F_CMAX] = max(F[e, side, F_CMAX], top)
                                        HI[e, side, H_N] += 1
                                    hit = True
                                    break
                        poshit = hit
                        if hit:
                            HI[e, 0, H_TOP] = 0
                            HI[e, 1, H_TOP] = 0
                        for mover in range(2):
                            dm = 1 - mover
                            da = IX[best, dm, _ACT]
                            dd = IX[best, dm, _DEM]
                            if not (
                                (da == IX[e, 1, _ACT] and dd == IX[e, 1, _DEM])
                                or (da == IX[e, 0, _ACT] and dd == IX[e, 0, _DEM])
                            ):
                                continue
                            slot = 0 if dd == IX[e, 0, _SUP] else 1
                            ma = IX[best, mover, _ACT]
                            y = F[best, mover, F_Y]
                            ysrc = 2 * LX + mover
                            if UT[e, slot, ma] == SER[e]:
                                old = UV[e, slot, ma]
                                st0 = F[best, mover, F_START]
                                keep_old = old < y if st0 <= old else old > y
                                if chk and (abs(st0 - old) <= 2 * PERR or abs(old - y) <= 2 * PERR):
                                    _kinds(edge, np.int64(K_RULE))
                                    if exact_ok:
                                        exact_ok = _activate(
                                            SY, cown, csal, ccap, clo, chi, csmax, active, order,
                                            nord, X0e, Se, Ce,
                                            CSe, Ae, Pe, De, Xe, wsp, negfw,
                                        )  # fmt: skip
                                    if exact_ok:
                                        _sync(n_log, r, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY,
                                              Xe, Xn, Se, Ce, CSe, Ae, Pe, De, order, nord, x,
                                              wf, denom, stale, ws, edge)  # fmt: skip
                                        oe_ = _src_val(US[e, slot, ma], Xe, ma, dd, LY)
                                        ye_ = _ld(LY, LX, mover)
                                        se_ = _ld(Xe, ma, dd)
                                        if D.cmp(se_, oe_) <= 0:
                                            keep_old = D.cmp(oe_, ye_) < 0
                                        else:
                                            keep_old = D.cmp(oe_, ye_) > 0
                                        edge[E_SETTLED] += 1
                                    else:
                                        edge[E_FLOAT] += 1
                                if not keep_old:
                                    CORR[e, slot] += (y - old) * wf[ma, dd]
                                    UV[e, slot, ma] = y
                                    US[e, slot, ma] = ysrc
                            else:
                                UT[e, slot, ma] = SER[e]
                                UV[e, slot, ma] = y
                                US[e, slot, ma] = ysrc
                                CORR[e, slot] += (y - x[ma, dd]) * wf[ma, dd]
                            if not hit:
                                HI[e, 0, H_TOP] = 0
                                HI[e, 1, H_TOP] = 0
                                hit = True
                        if not hit:
                            continue
                        GEOK[e] = False
                        if poshit or p > 0.0 or HI[e, 0, H_CLEAN] == 0:
                            near = _fcalc(
                                e, IX, HI, F, G, GERR, V, BITS, UV, UT, SER, CORR, RS, XW, stale,
                                p, fix_sign, rng, chk,
                            )  # fmt: skip
                        else:
                            near = _frecheck(
                                e,
                                IX,
                                HI,
                                F,
                                G,
                                GERR,
                                V,
                                BITS,
                                UV,
                                UT,
                                SER,
                                CORR,
                                RS,
                                XW,
                                stale,
                                chk,
                            )
                        _event(e, nd, G, EVT, EVG, EVOK, EVN)
                        if near:
                            _kinds(edge, near)
                            if exact_ok:
                                exact_ok = _activate(
                                    SY, cown, csal, ccap, clo, chi, csmax, active, order, nord, X0e,
                                    Se, Ce,
                                    CSe, Ae, Pe, De, Xe, wsp, negfw,
                                )  # fmt: skip
                            if exact_ok:
                                _sync(n_log, r, SY, R_OFF, LG_R, LG_I, LG_B, LG_U, LY, Xe, Xn,
                                      Se, Ce, CSe, Ae, Pe, De, order, nord, x, wf, denom,
                                      stale, ws, edge)  # fmt: skip
                                _settle(e, nd, R_OFF[r], IX, HI, F, G, GERR, V, BITS, GE, GEOK,
                                        UT, US, SER, cur_src, Xe, Se, Ce, CSe, De, LY, LG_I,
                                        order, nord, x, wf, denom, stale, ws,
                                        edge)  # fmt: skip
                                _event_exact(e, G, GE, EVG, EVGE, EVOK, EVN)
                            else:
                                edge[E_FLOAT] += 1
                        gerr_max = max(gerr_max, GERR[e])
                        _tset(T, P, e, G[e] if V[e] == 1 else -1.0)
        n_exec[r] = nd
        R_OFF[r + 1] = n_log
        for a in range(n):
            for j in range(k):
                voting_out[r, a, j] = x[a, j]
        for L in range(R_OFF[r], n_log):
            e = LG_E[L]
            for side in range(2):
                voting_out[r, IX[e, side, _ACT], IX[e, side, _SUP]] = F[e, side, F_Y]
        for j in range(k):
            tot = 0.0
            for t in range(nord[j]):
                a = order[j, t]
                tot += voting_out[r, a, j] * wf[a, j]
            nbs_voting_out[r, j] = tot / denom[j] if denom[j] != 0.0 else 0.0
        for L in range(R_OFF[r], n_log):
            e = LG_E[L]
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
                xex[act, sup] = False
        st[ST_LOG] = n_log
        st[ST_REC] = n_rec
        st[ST_SERIAL] = serial
        st[ST_CAND] = n_cand
        st[ST_EXACT] = 1 if exact_ok else 0
        st[ST_ROUND] = r + 1
    return True


def _cap(n: int, k: int) -> int:
    """Room for one round's candidates (and so for its executed exchanges)."""
    return (k * (k - 1) // 2) * ((n * n) // 4 + 1) + 1


def run(
    x0, s, c, active, order, nord, rounds, stale, p, fix_sign, rng,
    exact_on, xex0, cown, csal, ccap, clo, chi, csmax, pair_ok, cand_round, record,
    start_out, voting_out, nbs_start_out, nbs_voting_out, n_exec, edge,
):  # fmt: skip
    """Run ``rounds`` rounds of the model from positions ``x0`` (0-100).

    ``exact_on``: settle knife-edges in decide's arithmetic (equal gain only), from the
    inputs' shortest texts ``cown``... ``csmax`` (code points, see :func:`prep_exact`);
    ``xex0``: the positions whose float is exactly decide's number.  ``pair_ok``
    ``(n, n)``: the pairs of actors that may exchange.  Fills the positions and outcomes
    of each round and ``edge`` (counters ``E_*``).

    Returns
    -------
    n_cand, cand_i, cand_f, cand_g, cand_v, cand_seq, rec_i, rec_f
        The candidates of round ``cand_round`` (as first calculated; ``cand_seq`` their
        execution order) and one record per executed exchange (``record``).
    """
    n, k = x0.shape
    chk = p == 0.0
    settle_on = bool(chk and exact_on)
    cap = _cap(n, k)
    # room for two rounds' candidates: what growing round by round comes to after the
    # second round, so that a run seldom returns to grow them
    lcap = max(16, 4 * n * k, 2 * cap)
    CA, RO, LG, EX, CD, RC = _alloc(
        n, k, rounds, cap, lcap, settle_on, cap if cand_round > 0 else 1, lcap if record else 1
    )
    x0, s, c, active, pair_ok = (np.ascontiguousarray(a) for a in (x0, s, c, active, pair_ok))
    cand_i, cand_f, cand_g, cand_v, cand_seq = CD
    rec_i, rec_f = RC
    # decide's inputs and the exact positions, for one replicate
    cw = (np.ascontiguousarray(a, dtype=np.uint32)[None] for a in (cown, csal, ccap, clo, chi))
    xex = np.ascontiguousarray(xex0, dtype=np.bool_)[None]
    IN0 = (
        order, nord, bool(stale), float(p), bool(fix_sign), rng, *cw,
        np.ascontiguousarray(csmax, dtype=np.uint32)[None], pair_ok, np.int64(cand_round),
        bool(record), bool(chk), xex,
    )  # fmt: skip
    RES = (
        np.zeros((1, k)),
        np.zeros((1, n, k)),
        np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )
    st = np.zeros(7, dtype=np.int64)
    while True:
        OU = (
            start_out, voting_out, nbs_start_out, nbs_voting_out, n_exec, edge, cand_i,
            cand_f, cand_g, cand_v, cand_seq, rec_i, rec_f,
        )  # fmt: skip
        done = _drive(
            st, x0[None], s[None], c[None], active[None], rng[:1].copy(), rounds, cap,
            settle_on, IN0, CA, RO, LG, EX, OU, RES,
        )  # fmt: skip
        if done:
            break
        # room for the next round's executed exchanges (at most its candidates)
        need = int(st[ST_LOG]) + cap
        LG = (*(_grow(A, need) for A in LG[:7]), LG[7])
        if record:
            need = int(st[ST_REC]) + cap
            rec_i, rec_f = _grow(rec_i, need), _grow(rec_f, need)
    n_rec = int(st[ST_REC])
    return int(st[ST_CAND]), cand_i, cand_f, cand_g, cand_v, cand_seq, rec_i[:n_rec], rec_f[:n_rec]


def run_many(
    X0, S_, C_, ACT, order, nord, rounds, stale, p, fix_sign, seeds, pair_ok, outcome, final,
    edges, exact=None, met=None,
):  # fmt: skip
    """:func:`run` over replicates ``X0[r]``, ``S_[r]``, ``C_[r]`` (positions on 0-100,
    saliences on 0-1, per-issue powers; ``ACT[r]`` the actor-issues that may exchange),
    reusing one set of arrays, in one compiled call.  Fills ``outcome`` ``(R, k)`` (after
    the last round), ``final`` ``(R, n, k)`` (last voting positions) and ``edges``
    ``(R,)`` (knife-edges met, decided in float; with ``exact``, those not settled) and
    ``met`` ``(R,)`` if given (knife-edges met).

    ``exact``: each replicate's ``(xex0, cown, csal, ccap, clo, chi, csmax)`` of
    :func:`run` stacked on a first axis of length ``R``: knife-edges are settled in
    decide's arithmetic (``p`` 0 only), as :func:`run` settles them."""
    R, n, k = X0.shape
    chk = p == 0.0
    settle_on = bool(chk and exact is not None)
    cap = _cap(n, k)
    CA, RO, LG, EX, CD, RC = _alloc(n, k, rounds, cap, rounds * cap + 1, settle_on, 1, 1)
    OU = (
        np.zeros((rounds, n, k)), np.zeros((rounds, n, k)), np.zeros((rounds, k)),
        np.zeros((rounds, k)), np.zeros(rounds, dtype=np.int64),
        np.zeros(N_EDGE + N_KINDS, dtype=np.int64), *CD, *RC,
    )  # fmt: skip
    if settle_on:
        xex = np.ascontiguousarray(exact[0], dtype=np.bool_)
        cw = tuple(np.ascontiguousarray(a, dtype=np.uint32) for a in exact[1:])
    else:
        e4 = np.zeros((1, 1, 1, 32), dtype=np.uint32)
        e3 = np.zeros((1, 1, 32), dtype=np.uint32)
        xex = np.zeros((1, n, k), dtype=np.bool_)
        cw = (e4, e4, e4, e3, e3, np.zeros((1, 32), dtype=np.uint32))
    IN0 = (
        order, nord, bool(stale), float(p), bool(fix_sign), np.zeros(1, dtype=np.uint64), *cw,
        pair_ok, np.int64(0), False, bool(chk), xex,
    )  # fmt: skip
    st = np.zeros(7, dtype=np.int64)
    seeds = np.ascontiguousarray(seeds, dtype=np.uint64)
    X0, S_, C_, ACT, pair_ok = (np.ascontiguousarray(a) for a in (X0, S_, C_, ACT, pair_ok))
    met = np.zeros(R, dtype=np.int64) if met is None else met
    _drive(st, X0, S_, C_, ACT, seeds, rounds, cap, settle_on, IN0, CA, RO, LG, EX, OU,
           (outcome, final, edges, met))  # fmt: skip
