r"""Coalition strength and victory probability (KTAB ``Model::coalitions`` and ``vProb``).

**Coalitions.**  Over options *a*, *b* voted on by actors *k* with votes
:math:`v_k(a{:}b)` (see :mod:`~detente.bargaining.smp.voting`), the coalition for *a*
against *b* is the sum of the votes for *a*:

.. math::  C(a, b) = 10^{-8} + \sum_k \max(v_k(a{:}b), 0), \qquad C(a, a) = 10^{-8}.

KTAB scans only pairs with :math:`a > b` and fills :math:`C(b, a)` with the votes
*against*, :math:`10^{-8} + \sum_k \max(-v_k(a{:}b), 0)`.  For every rule but
``ASymProsp`` that is the same as scanning :math:`(b, a)`; for ``ASymProsp`` (whose gains
count 2/3) it favours the option with the lower index, and we keep that.

**Victory probability** :math:`P(a > b) = x_a / (x_a + x_b)` with
:math:`x = C^\gamma`, :math:`\gamma` = 1 (``Linear``), 2 (``Square``), 4 (``Quartic``) or
8 (``Octic``).  ``Binary``: a 10% advantage wins outright (:math:`x = 1` against
:math:`10^{-6}`); below that the probability is interpolated linearly,
:math:`P = (2.1\,r - 1)/0.1` with :math:`r = C_{ab}/(C_{ab}+C_{ba})`.  The diagonal is 1/2.

Source: KTAB ``KTAB/kmodel/libsrc/kmodel.cpp``, commit 3b5b063.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.bargaining.smp.params import VictoryProbModel, VotingRule
from detente.bargaining.smp.voting import vote

__all__ = ["MIN_COALITION", "coalitions", "victory_prob"]

FloatArray = NDArray[np.float64]

#: KTAB's ``minC``: every coalition starts with this strength.
MIN_COALITION = 1e-8

#: Largest number of float64 vote entries built at once (memory bound for big n).
_CHUNK_ELEMENTS = 4_000_000


def coalitions(rule: VotingRule, w: FloatArray, u: FloatArray) -> FloatArray:
    """Coalition strengths ``C[..., a, b]`` from voters' utilities for options.

    Parameters
    ----------
    rule
        The voting rule.
    w
        ``(n_voters,)`` voting weights (KTAB: capabilities).
    u
        ``(..., n_voters, n_options)`` utility of each option to each voter; leading
        axes are independent problems (e.g. replicates).

    Returns
    -------
    ``(..., n_options, n_options)``, with KTAB's lower-left scan (see module doc).
    """
    u = np.asarray(u, dtype=np.float64)
    nv, m = u.shape[-2], u.shape[-1]
    lead = u.shape[:-2]
    # For every rule but ASymProsp a vote for b over a is exactly minus the vote for a
    # over b, so the votes against a (KTAB's upper triangle) are the votes for b.
    symmetric = rule is not VotingRule.ASYM_PROSP
    pos = np.empty((*lead, m, m))
    neg = pos if symmetric else np.empty((*lead, m, m))
    rows = max(1, _CHUNK_ELEMENTS // max(1, nv * m * max(1, int(np.prod(lead)))))
    wv = w[:, None, None]
    for a0 in range(0, m, rows):
        a1 = min(m, a0 + rows)
        # votes[..., k, a, b] for a in the block, every b
        v = vote(rule, wv, u[..., :, a0:a1, None], u[..., :, None, :])
        if not symmetric:
            neg[..., a0:a1, :] = seq_sum(np.maximum(-v, 0.0), -3, MIN_COALITION, overwrite=True)
        pos[..., a0:a1, :] = seq_sum(np.maximum(v, 0.0, out=v), -3, MIN_COALITION, overwrite=True)
    if symmetric:
        c = pos
    else:
        lower = np.tri(m, m, -1, dtype=bool)
        c = np.where(lower, pos, np.swapaxes(neg, -1, -2))
    idx = np.arange(m)
    c[..., idx, idx] = MIN_COALITION
    return c


def _strength(vpm: VictoryProbModel, s: FloatArray) -> FloatArray:
    if vpm is VictoryProbModel.LINEAR:
        return s
    if vpm is VictoryProbModel.SQUARE:
        return s * s
    q = s * s * s * s
    if vpm is VictoryProbModel.QUARTIC:
        return q
    return q * q


def victory_prob(vpm: VictoryProbModel, c: FloatArray) -> FloatArray:
    """Probability ``P[..., a, b]`` that option a beats option b.

    Parameters
    ----------
    vpm
        The victory probability model.
    c
        ``(..., m, m)`` coalition strengths.

    Returns
    -------
    ``(..., m, m)`` with ``P[a, b] + P[b, a] = 1`` and 1/2 on the diagonal; each pair is
    computed from the lower-left entry, as in KTAB.
    """
    s1 = c
    s2 = np.swapaxes(c, -1, -2)
    if vpm is VictoryProbModel.BINARY:
        thresh = 1.10
        min_x = 1e-6
        with np.errstate(invalid="ignore", divide="ignore"):
            r12 = s1 / (s1 + s2)
            p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        win = s1 >= thresh * s2
        lose = (~win) & (s2 >= thresh * s1)
        x1 = np.where(win, 1.0, np.where(lose, min_x, p12))
        x2 = np.where(win, min_x, np.where(lose, 1.0, 1 - p12))
    else:
        x1 = _strength(vpm, s1)
        x2 = _strength(vpm, s2)
    tot = x1 + x2
    p1 = x1 / tot
    p2 = x2 / tot
    m = c.shape[-1]
    lower = np.tri(m, m, -1, dtype=bool)
    p = np.where(lower, p1, np.swapaxes(p2, -1, -2))
    idx = np.arange(m)
    p[..., idx, idx] = 0.5
    return np.asarray(p, dtype=np.float64)
