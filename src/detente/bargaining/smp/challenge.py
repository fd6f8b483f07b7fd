r"""Challenges: the expected gain of one actor challenging another, with third parties.

Actor *h* estimates what actor *k* gains if actor *i* challenges actor *j*
(``SMPState::probEduChlg``).  All utilities are *h*'s estimates
:math:`U_{ab} = U^h_{ab}` (see :mod:`~detente.bargaining.smp.utility`); the voting
weight of an actor is capability times total salience, :math:`w_a = c_a \sum_d s_{ad}`.

**Principals.**  *i* votes :math:`v_i = v(w_i; U_{ii}, U_{ij})` and *j* votes
:math:`v_j = v(w_j; U_{ji}, U_{jj})`; the coalitions start as
:math:`C_{ij} = 10^{-10} + v_i^+ + v_j^+` and :math:`C_{ji} = 10^{-10} + v_i^- + v_j^-`
(:math:`x^+ = \max(x, 0)`, :math:`x^- = \max(-x, 0)`).

**Third parties** *n* (each considered against the principals only,
``Actor::vProbLittle`` and ``Actor::thirdPartyVoteSU``).  *n* first leans by
:math:`v = v(w_n; U_{ni}, U_{nj})`, which gives the little contest's odds
:math:`\pi = (C_{ij} + v^+) / (C_{ij} + v^+ + C_{ji} + v^-)`.  It then compares joining
*i* with joining *j*, valuing each outcome as a sum of three position utilities
(*n*'s own position counts as kept when *n* is on the winning side, depending on
``ThirdPartyCommit``):

============  =================  =================  =================  =================
commitment    *in* beat *j*      *j* beat *in*      *i* beat *jn*      *jn* beat *i*
============  =================  =================  =================  =================
NoCommit      2U_ni + U_nn       2U_nj + U_nn       2U_ni + U_nn       2U_nj + U_nn
SemiCommit    2U_ni + U_nn       3U_nj              3U_ni              2U_nj + U_nn
FullCommit    3U_ni              3U_nj              3U_ni              3U_nj
============  =================  =================  =================  =================

and votes :math:`v_n = v(w_n; \pi A + (1-\pi) B, \pi C + (1-\pi) D)` with A..D the four
columns.  The full coalitions add the third-party votes:
:math:`C_{ij} \mathrel{+}= v_n^+`, :math:`C_{ji} \mathrel{+}= v_n^-`.

**Expected gain.**  :math:`P_{ij} = C_{ij} / (C_{ij} + C_{ji})` (always linear, whatever
``VictoryProbModel``).  If *i* wins, *j* adopts *i*'s position; if *j* wins, *i* adopts
*j*'s.  *j* contests with probability equal to its total salience :math:`s_j`:

.. math::

   E_{chlg} = (1 - s_j)\, 2U_{ki} + s_j (P_{ij}\, 2U_{ki} + P_{ji}\, 2U_{kj}),
   \qquad \Delta E = E_{chlg} - (U_{ki} + U_{kj}).

Each actor *i* challenges the *j* with the largest :math:`\Delta E` by its own
estimate (*h* = *k* = *i*), if that gain exceeds :math:`10^{-5}`
(``SMPState::bestChallenge``; ties go to the lowest *j*).

**Quadrant map.**  KTAB's GUI (SMPQ ``quadmap.cpp``) plots, for a challenge *i* -> *j*,
the target's expected change :math:`\Delta E` (*k* = *j*) against the challenger's
(*k* = *i*), by default both as the challenger estimates them (*h* = *i*).  With
:math:`D = U_{jj} - U_{ji}` (what *j* loses by adopting *i*'s position, in *i*'s
estimate) the target's change is

.. math::

   \Delta E_j = D\,[\,s_j (P_{ji} - P_{ij}) - (1 - s_j)\,],

negative unless *j* cares enough and is likely enough to win; :func:`target_gains`
computes it for each actor's chosen challenge.

Source: KTAB ``examples/smp/libsrc/smpbcn.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp``,
commit 3b5b063.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.bargaining.smp.params import ThirdPartyCommit, VotingRule
from detente.bargaining.smp.voting import vote

__all__ = [
    "MIN_SIG_EDU",
    "best_challenges",
    "challenge_estimates",
    "own_challenges",
    "target_gains",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_MIN_CLTN = 1e-10
#: KTAB's smallest expected gain worth a challenge.
MIN_SIG_EDU = 1e-5
_CHUNK_ELEMENTS = 1_000_000
_BLOCK_ELEMENTS = 64_000


def challenge_estimates(
    au: FloatArray,
    weight: FloatArray,
    sal_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    h: IntArray,
    k: IntArray,
    i: IntArray,
    j: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """h's estimate of P(i beats j) and of k's expected gain from i challenging j.

    Parameters
    ----------
    au
        ``(n, n, n)`` utility estimates ``au[h, a, b]``.
    weight
        ``(n,)`` voting weights: capability times total salience.
    sal_total
        ``(n,)`` total saliences (the chance that a challenged actor contests).
    rule
        The coalition voting rule.
    commit
        Third-party commitment.
    h, k, i, j
        ``(M,)`` index arrays, one challenge per entry (``i != j``).

    Returns
    -------
    p_win, gain
        ``(M,)`` each: ``P[i > j]`` and the expected change in k's utility.
    """
    h = np.asarray(h, dtype=np.intp)
    k = np.asarray(k, dtype=np.intp)
    i = np.asarray(i, dtype=np.intp)
    j = np.asarray(j, dtype=np.intp)
    n = au.shape[0]
    m_total = h.size
    p_out = np.empty(m_total)
    g_out = np.empty(m_total)
    step = max(1, _CHUNK_ELEMENTS // max(n, 1))
    for a in range(0, m_total, step):
        b = min(m_total, a + step)
        p_out[a:b], g_out[a:b] = _estimates(
            au, weight, sal_total, rule, commit, h[a:b], k[a:b], i[a:b], j[a:b]
        )
    return p_out, g_out


def _estimates(
    au: FloatArray,
    weight: FloatArray,
    sal_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    h: IntArray,
    k: IntArray,
    i: IntArray,
    j: IntArray,
) -> tuple[FloatArray, FloatArray]:
    n = au.shape[0]
    u_ii = au[h, i, i]
    u_ij = au[h, i, j]
    u_ji = au[h, j, i]
    u_jj = au[h, j, j]
    u_ki = au[h, k, i]
    u_kj = au[h, k, j]
    eu_sq = u_ki + u_kj
    u_vict = u_ki + u_ki
    u_lose = u_kj + u_kj

    v_i = vote(rule, weight[i], u_ii, u_ij)
    v_j = vote(rule, weight[j], u_ji, u_jj)
    c_ij0 = (_MIN_CLTN + np.maximum(v_i, 0.0)) + np.maximum(v_j, 0.0)
    c_ji0 = (_MIN_CLTN + np.maximum(-v_i, 0.0)) + np.maximum(-v_j, 0.0)

    nn = np.arange(n)[None, :]
    hh = h[:, None]
    u_ni = au[hh, nn, i[:, None]]
    u_nj = au[hh, nn, j[:, None]]
    u_nn = au[hh, nn, nn]
    w_n = weight[None, :]
    lean = vote(rule, w_n, u_ni, u_nj)
    c_i = c_ij0[:, None]
    c_j = c_ji0[:, None]
    cni = np.where(lean > 0, c_i + lean, c_i)
    cnj = np.where(lean < 0, c_j - lean, c_j)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    if commit is ThirdPartyCommit.FULL_COMMIT:
        three_i = u_ni + u_ni + u_ni
        three_j = u_nj + u_nj + u_nj
        a_ikj, a_jik, a_ijk, a_jki = three_i, three_j, three_i, three_j
    elif commit is ThirdPartyCommit.SEMI_COMMIT:
        a_ikj = u_ni + u_ni + u_nn
        a_jik = u_nj + u_nj + u_nj
        a_ijk = u_ni + u_ni + u_ni
        a_jki = u_nj + u_nj + u_nn
    else:
        a_ikj = u_ni + u_ni + u_nn
        a_jik = u_nj + u_nj + u_nn
        a_ijk = a_ikj
        a_jki = a_jik
    u_join_i = pin * a_ikj + pjn * a_jik
    u_join_j = pin * a_ijk + pjn * a_jki
    v_n = vote(rule, w_n, u_join_i, u_join_j)
    principal = (nn == i[:, None]) | (nn == j[:, None])
    v_n = np.where(principal, 0.0, v_n)
    c_ij = seq_sum(np.maximum(v_n, 0.0), axis=1, initial=c_ij0, overwrite=True)
    c_ji = seq_sum(np.maximum(-v_n, 0.0), axis=1, initial=c_ji0, overwrite=True)
    tot = c_ij + c_ji
    p_ij = c_ij / tot
    p_ji = c_ji / tot
    s_j = sal_total[j]
    eu_contest = p_ij * u_vict + p_ji * u_lose
    eu_chlg = (1 - s_j) * u_vict + s_j * eu_contest
    return p_ij, eu_chlg - eu_sq


def own_challenges(
    au: FloatArray,
    weight: FloatArray,
    sal_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[FloatArray, FloatArray]:
    """Every actor's own estimates (h = k = i) of challenging every other actor j.

    The same numbers as :func:`challenge_estimates` with ``h = k = i``, computed on
    contiguous blocks of challengers instead of gathered entries, which is several
    times faster.

    Parameters
    ----------
    au
        ``(n, n, n)`` utility estimates.
    weight
        ``(n,)`` capability times total salience.
    sal_total
        ``(n,)`` total saliences.
    rule, commit
        Coalition voting rule and third-party commitment.

    Returns
    -------
    p_win, gain
        ``(n, n)`` each, indexed ``[i, j]``; the diagonal is NaN.
    """
    n = au.shape[0]
    p_out = np.full((n, n), np.nan)
    g_out = np.full((n, n), np.nan)
    block = max(1, _BLOCK_ELEMENTS // max(1, n * n))
    idx = np.arange(n)
    w_n = weight[:, None, None]  # third parties lead: arrays are (n, b, j)
    for i0 in range(0, n, block):
        i1 = min(n, i0 + block)
        ii = np.arange(i0, i1)
        rows = np.arange(i1 - i0)
        a = au[i0:i1]  # a[b, x, y]: challenger i's estimates (h = k = i)
        u_ii = a[rows, ii, ii][:, None]  # (b, 1)
        u_ij = a[rows, ii, :]  # (b, j)
        u_ji = a[rows, :, ii]  # (b, j)
        u_jj = np.diagonal(a, axis1=1, axis2=2)  # (b, j)
        v_i = vote(rule, weight[ii][:, None], u_ii, u_ij)
        v_j = vote(rule, weight[None, :], u_ji, u_jj)
        c_ij0 = (_MIN_CLTN + np.maximum(v_i, 0.0)) + np.maximum(v_j, 0.0)
        c_ji0 = (_MIN_CLTN + np.maximum(-v_i, 0.0)) + np.maximum(-v_j, 0.0)
        u_ni = u_ji.T[:, :, None]  # (n, b, 1)
        u_nn = u_jj.T[:, :, None]  # (n, b, 1)
        u_nj = np.ascontiguousarray(np.swapaxes(a, 0, 1))  # (n, b, j)
        lean = vote(rule, w_n, u_ni, u_nj)
        cni = c_ij0[None] + np.maximum(lean, 0.0)
        cnj = c_ji0[None] - np.minimum(lean, 0.0, out=lean)
        pin = np.divide(cni, np.add(cni, cnj, out=cnj), out=cni)
        pjn = 1.0 - pin
        two_j = u_nj + u_nj
        if commit is ThirdPartyCommit.FULL_COMMIT:
            a_ikj = u_ni + u_ni + u_ni
            a_jik = two_j + u_nj
            a_ijk, a_jki = a_ikj, a_jik
        elif commit is ThirdPartyCommit.SEMI_COMMIT:
            a_ikj = u_ni + u_ni + u_nn
            a_jik = two_j + u_nj
            a_ijk = u_ni + u_ni + u_ni
            a_jki = np.add(two_j, u_nn, out=two_j)
        else:
            a_ikj = u_ni + u_ni + u_nn
            a_jik = np.add(two_j, u_nn, out=two_j)
            a_ijk, a_jki = a_ikj, a_jik
        join_i = pin * a_ikj
        join_i += pjn * a_jik
        join_j = np.multiply(pin, a_ijk, out=pin)
        join_j += np.multiply(pjn, a_jki, out=pjn)
        v_n = vote(rule, w_n, join_i, join_j)
        v_n[ii, rows, :] = 0.0  # third party n == challenger i
        v_n[idx, :, idx] = 0.0  # third party n == target j
        c_ij = seq_sum(np.maximum(v_n, 0.0, out=join_i), axis=0, initial=c_ij0, overwrite=True)
        c_ji = -seq_sum(np.minimum(v_n, 0.0, out=v_n), axis=0, initial=-c_ji0, overwrite=True)
        tot = c_ij + c_ji
        p_ij = c_ij / tot
        p_ji = c_ji / tot
        u_vict = u_ii + u_ii
        u_lose = u_ij + u_ij
        s_j = sal_total[None, :]
        eu_chlg = (1 - s_j) * u_vict + s_j * (p_ij * u_vict + p_ji * u_lose)
        p_out[i0:i1] = p_ij
        g_out[i0:i1] = eu_chlg - (u_ii + u_ij)
    p_out[idx, idx] = np.nan
    g_out[idx, idx] = np.nan
    return p_out, g_out


def best_challenges(
    au: FloatArray,
    weight: FloatArray,
    sal_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Each actor's best challenge, by its own estimates (``SMPState::bestChallenge``).

    Parameters
    ----------
    au
        ``(n, n, n)`` utility estimates.
    weight
        ``(n,)`` capability times total salience.
    sal_total
        ``(n,)`` total saliences.
    rule, commit
        Coalition voting rule and third-party commitment.

    Returns
    -------
    target, gain, p_win, all_gain, all_p
        ``target[i]`` is the actor i challenges, or -1 when no challenge gains more
        than :data:`MIN_SIG_EDU`; ``gain[i]`` and ``p_win[i]`` its expected gain and
        i's estimate that it wins (NaN without a target); ``all_gain[i, j]`` and
        ``all_p[i, j]`` the same for every j (NaN on the diagonal).
    """
    n = au.shape[0]
    all_p, all_gain = own_challenges(au, weight, sal_total, rule, commit)
    cand = np.where(all_gain > MIN_SIG_EDU, all_gain, -np.inf)
    target = np.argmax(cand, axis=1).astype(np.intp)
    has = np.isfinite(cand[np.arange(n), target])
    target = np.where(has, target, -1)
    rows = np.arange(n)
    gain = np.where(has, all_gain[rows, np.maximum(target, 0)], np.nan)
    p_win = np.where(has, all_p[rows, np.maximum(target, 0)], np.nan)
    return target, gain, p_win, all_gain, all_p


def target_gains(
    au: FloatArray,
    weight: FloatArray,
    sal_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    target: IntArray,
) -> FloatArray:
    """Each challenge's expected change in the target's utility, as the challenger sees it.

    KTAB's quadrant-map horizontal axis (SMPQ ``quadmap.cpp``, "E[dU] to Receiver",
    initiator's perspective): :func:`challenge_estimates` with ``h = i``, ``k = j`` for
    every challenge ``i -> target[i]``, all challenges in one vectorised call.

    Parameters
    ----------
    au
        ``(n, n, n)`` utility estimates.
    weight
        ``(n,)`` capability times total salience.
    sal_total
        ``(n,)`` total saliences.
    rule, commit
        Coalition voting rule and third-party commitment.
    target
        ``(n,)`` whom each actor challenges (-1: nobody).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` the target's expected utility change (NaN where ``target`` is -1).
    """
    target = np.asarray(target, dtype=np.intp)
    out = np.full(target.shape[0], np.nan)
    init = np.nonzero(target >= 0)[0].astype(np.intp)
    if init.size:
        rcvr = target[init]
        _, out[init] = challenge_estimates(
            au, weight, sal_total, rule, commit, init, rcvr, init, rcvr
        )
    return out
