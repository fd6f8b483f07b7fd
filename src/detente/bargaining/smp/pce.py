r"""Probabilistic Condorcet elections: the probability that each option wins.

Given the victory probabilities :math:`P_{ab} = P(a > b)` among *m* options (see
:mod:`~detente.bargaining.smp.victory`), KTAB offers three models (``Model::probCE2``):

**Conditional** (default, ``Model::condPCE``).  Option *a* wins if it beats every
option (the diagonal contributes 1/2 to each), conditioned on some option doing so:

.. math::  p_a \propto \prod_b P_{ab}.

**MarkovUniform** (``Model::markovUniformPCE``).  A Markov chain over the current
favourite: each option challenges it with equal probability and replaces it with
probability :math:`P_{ab}`.  KTAB iterates
:math:`q_a = \frac1m \sum_b P_{ab}(p_a + p_b)`, :math:`p \leftarrow (p + q)/2` from the
uniform distribution until :math:`\max_a |q_a - p_a| \le 10^{-6}`.

**MarkovIncentive** (``Model::markovIncentivePCE``; Wise, "Markov voting with
incentives in KTAB", ``KTAB/kmodel/doc/markov-incentives.tex``).  Challenges are not
uniform: the incentive of *a* to challenge *b* is :math:`n_{ab} = C_{ab} P_{ab}` (plus
:math:`10^{-10}` on the diagonal), so *a* challenges favourite *b* with probability
:math:`\pi_{ab} = n_{ab} / \sum_c n_{cb}`.  With :math:`t_{ab} = p_a \pi_{ba}`, KTAB
iterates :math:`q_a = \sum_b P_{ab} (t_{ab} + t_{ba})`, :math:`p \leftarrow (p+q)/2` until
:math:`\max_a |q_a - p_a| \le 10^{-8}`.

KTAB stops with an error when a Markov iteration needs 1000 steps or more; here the
iteration continues to convergence and the count is reported so the caller can note it.

Source: KTAB ``KTAB/kmodel/libsrc/kmodel.cpp``, commit 3b5b063.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_prod, seq_sum
from detente.bargaining.smp.params import PCEModel, VictoryProbModel, VotingRule
from detente.bargaining.smp.victory import coalitions, victory_prob

__all__ = [
    "KTAB_MARKOV_MAX_ITER",
    "conditional_pce",
    "markov_incentive_pce",
    "markov_uniform_pce",
    "prob_ce",
    "scalar_pce",
]

FloatArray = NDArray[np.float64]

#: KTAB aborts a run when a Markov election needs this many iterations.
KTAB_MARKOV_MAX_ITER = 1000
_HARD_CAP = 100_000


def conditional_pce(pv: FloatArray) -> FloatArray:
    """Conditional PCE: ``p[a]`` proportional to the product of row a of ``pv``.

    Parameters
    ----------
    pv
        ``(..., m, m)`` victory probabilities (leading axes are independent elections).

    Returns
    -------
    ``(..., m)`` probabilities summing to 1.
    """
    p = seq_prod(pv, axis=-1)
    return np.asarray(p / seq_sum(p, axis=-1)[..., None])


def _row_sums(x: FloatArray) -> FloatArray:
    # sum over the last axis, left to right (cumsum is a sequential accumulation)
    return np.asarray(np.cumsum(x, axis=-1)[..., -1])


def markov_uniform_pce(pv: FloatArray) -> tuple[FloatArray, int]:
    """Markov PCE with uniform challenges.

    Parameters
    ----------
    pv
        ``(..., m, m)`` victory probabilities (leading axes are independent elections,
        each iterated until it converges on its own).

    Returns
    -------
    p, iterations
        ``(..., m)`` probabilities and the largest number of iterations taken.
    """
    m = pv.shape[-1]
    p = np.full(pv.shape[:-1], 1.0 / m)
    return _iterate(p, lambda p_: _row_sums(pv * (p_[..., :, None] + p_[..., None, :])) / m, 1e-6)


def markov_incentive_pce(c: FloatArray, vpm: VictoryProbModel) -> tuple[FloatArray, int]:
    """Markov PCE with challenges in proportion to the incentive to challenge.

    Parameters
    ----------
    c
        ``(..., m, m)`` coalition strengths (leading axes are independent elections).
    vpm
        Victory probability model.

    Returns
    -------
    p, iterations
        ``(..., m)`` probabilities and the largest number of iterations taken.
    """
    m = c.shape[-1]
    pv = victory_prob(vpm, c)
    inct = c * pv
    idx = np.arange(m)
    inct[..., idx, idx] = inct[..., idx, idx] + 1e-10
    col = np.cumsum(inct, axis=-2)[..., -1, :]
    chlg_t = np.ascontiguousarray(np.swapaxes(inct / col[..., None, :], -1, -2))

    def update(p_: FloatArray) -> FloatArray:
        ct = p_[..., :, None] * chlg_t
        return _row_sums(pv * (ct + np.swapaxes(ct, -1, -2)))

    p = np.full(c.shape[:-1], 1.0 / m)
    return _iterate(p, update, 1e-8)


def _iterate(
    p: FloatArray, update: Callable[[FloatArray], FloatArray], tol: float
) -> tuple[FloatArray, int]:
    # KTAB: while (tol < change) { q = update(p); change = max|q - p|; p = (p + q) / 2; }
    # Each election stops on its own; the others keep iterating.
    active = np.ones(p.shape[:-1], dtype=bool)
    it = 0
    while np.any(active) and it < _HARD_CAP:
        q = update(p)
        change = np.max(np.abs(q - p), axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= change > tol
        it += 1
    return p, it


def prob_ce(
    pcem: PCEModel, vpm: VictoryProbModel, c: FloatArray
) -> tuple[FloatArray, FloatArray, int]:
    """Outcome probabilities from coalition strengths (``Model::probCE2``).

    Parameters
    ----------
    pcem
        The election model.
    vpm
        The victory probability model.
    c
        ``(..., m, m)`` coalition strengths (leading axes are independent elections).

    Returns
    -------
    p, pv, iterations
        ``(..., m)`` outcome probabilities, ``(..., m, m)`` victory probabilities, and
        the largest number of Markov iterations (0 for ``Conditional``).
    """
    pv = victory_prob(vpm, c)
    if pcem is PCEModel.CONDITIONAL:
        return conditional_pce(pv), pv, 0
    if pcem is PCEModel.MARKOV_INCENTIVE:
        p, it = markov_incentive_pce(c, vpm)
        return p, pv, it
    p, it = markov_uniform_pce(pv)
    return p, pv, it


def scalar_pce(
    w: FloatArray,
    u: FloatArray,
    rule: VotingRule,
    vpm: VictoryProbModel,
    pcem: PCEModel,
) -> tuple[FloatArray, int]:
    """Probability that each option wins when actors of weight ``w`` vote on them.

    This is KTAB's ``Model::scalarPCE``: coalitions from votes, victory
    probabilities, then a probabilistic Condorcet election.

    Parameters
    ----------
    w
        ``(n,)`` voting weights.
    u
        ``(n, m)`` utility of each option to each voter.
    rule, vpm, pcem
        Voting rule, victory probability model and election model.

    Returns
    -------
    p, iterations
        ``(m,)`` probabilities and the Markov iterations used.
    """
    c = coalitions(rule, w, u)
    p, _, it = prob_ce(pcem, vpm, c)
    return p, it
