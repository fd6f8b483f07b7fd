r"""Bargain queues and the choice among them (``SMPState::updateBestBrgnPositions``).

Every actor *k* has a queue: the status quo (nobody moves) and every bargain it is
party to, as challenger or as target.  Each actor *a* values the state a bargain
would produce by the mean utility of all positions in it, by its own estimates:

.. math::

   V_a(\text{SQ}) = \frac1n \sum_m U^a_{am}, \qquad
   V_a(b) = \frac1n \Big( u_a(b^{\text{init}}) + u_a(b^{\text{rcvr}})
            + \sum_{m \ne \text{init}, \text{rcvr}} U^a_{am} \Big)

where :math:`u_a(x)` is *a*'s utility of position *x* with its own risk attitude.
All actors then vote over *k*'s queue with their capabilities as weights and the
coalition voting rule, and a probabilistic Condorcet election gives each bargain a
probability (``Model::scalarPCE``).  With ``StateTransitions=Deterministic`` *k* takes
the most probable bargain (the first, on a tie); with ``Stochastic`` it draws one with
those probabilities.  *k* then moves to its side of the chosen bargain.

Queue order: the status quo, then *k*'s bargains in the order of their challengers.
KTAB's order depends on thread timing.  It matters for exact ties, for which draw maps
to which bargain (not for the distribution) and, because its votes are asymmetric and
pairs are scanned in one order, for ``VotingRule=ASymProsp``: there KTAB's own runs of
one input differ from one another (see ``docs/models/smp.md``).

Source: KTAB ``examples/smp/libsrc/smpbcn.cpp``, commit 3b5b063.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.bargaining.smp.bargain import Bargains
from detente.bargaining.smp.params import SMPParams, StateTransitions
from detente.bargaining.smp.pce import prob_ce
from detente.bargaining.smp.utility import bs_util, weighted_distance
from detente.bargaining.smp.victory import coalitions

__all__ = [
    "QueueChoice",
    "bargain_values",
    "build_queues",
    "choose",
    "pick",
    "queue_probabilities",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_CHUNK_ELEMENTS = 2_000_000


def bargain_values(
    au: FloatArray,
    ideals: FloatArray,
    saliences: FloatArray,
    risk: FloatArray,
    bargains: Bargains,
) -> FloatArray:
    """``V[a, 0]`` = value of the status quo, ``V[a, 1 + b]`` = value of bargain b, to a.

    Parameters
    ----------
    au
        ``(n, n, n)`` utility estimates (``au[a, a, m]`` is a's own view).
    ideals, saliences
        ``(n, d)``.
    risk
        ``(n,)`` each actor's own risk attitude.
    bargains
        The turn's bargains.

    Returns
    -------
    ``(n, 1 + B)`` values.
    """
    n = au.shape[0]
    idx = np.arange(n)
    own = np.ascontiguousarray(au[idx, idx, :])  # own[a, m] = U^a_{am}
    nb = bargains.size
    out = np.empty((n, 1 + nb))
    out[:, 0] = seq_sum(own, axis=1) / n
    if nb == 0:
        return out
    r = risk[:, None]
    u_init = bs_util(weighted_distance(ideals, bargains.pos_init, saliences), r)
    u_rcvr = bs_util(weighted_distance(ideals, bargains.pos_rcvr, saliences), r)
    step = max(1, _CHUNK_ELEMENTS // (n * n))
    m_idx = np.arange(n)[None, :]
    for b0 in range(0, nb, step):
        b1 = min(nb, b0 + step)
        ini = bargains.init[b0:b1, None]
        rcv = bargains.rcvr[b0:b1, None]
        keep = (m_idx != ini) & (m_idx != rcv)  # (b, m)
        terms = np.where(keep[None, :, :], own[:, None, :], 0.0)  # (a, b, m)
        start = u_init[:, b0:b1] + u_rcvr[:, b0:b1]
        out[:, 1 + b0 : 1 + b1] = seq_sum(terms, axis=2, initial=start, overwrite=True) / n
    return out


def build_queues(n: int, bargains: Bargains) -> list[IntArray]:
    """Each actor's queue as column indices into :func:`bargain_values` (0 = status quo).

    Parameters
    ----------
    n
        Number of actors.
    bargains
        The turn's bargains.

    Returns
    -------
    ``n`` arrays: ``[0, 1 + b, ...]`` for every bargain b with k as initiator or receiver.
    """
    cols = np.arange(bargains.size)
    out = []
    for k in range(n):
        mine = cols[(bargains.init == k) | (bargains.rcvr == k)]
        out.append(np.concatenate([[0], 1 + mine]).astype(np.intp))
    return out


@dataclass(frozen=True)
class QueueChoice:
    """What each actor chose from its queue.

    Attributes
    ----------
    queues
        Per actor, the queue as columns of the value matrix (0 = status quo).
    probs
        Per actor, the probability of each queue entry.
    chosen
        ``(n,)`` position in the queue of the chosen entry.
    bargain
        ``(n,)`` the chosen bargain's index, or -1 for the status quo.
    markov_iterations
        The largest number of Markov iterations used by an election.
    """

    queues: list[IntArray]
    probs: list[FloatArray]
    chosen: IntArray
    bargain: IntArray
    markov_iterations: int


def queue_probabilities(
    values: FloatArray,
    queues: list[IntArray],
    capabilities: FloatArray,
    params: SMPParams,
) -> tuple[list[FloatArray], int]:
    """Each actor's election over its queue.

    Parameters
    ----------
    values
        ``(n, 1 + B)`` from :func:`bargain_values`.
    queues
        From :func:`build_queues`.
    capabilities
        ``(n,)`` voting weights.
    params
        Voting rule, victory and election models.

    Returns
    -------
    probs, markov_iterations
        Per actor, the probability of each entry of its queue; and the largest number
        of Markov iterations used.  Queues of equal length are elected together.
    """
    n = len(queues)
    probs: list[FloatArray] = [np.ones(1)] * n
    max_it = 0
    sizes = np.array([q.size for q in queues])
    for size in np.unique(sizes):
        if size == 1:
            continue
        members = np.nonzero(sizes == size)[0]
        u = np.stack([values[:, queues[m]] for m in members])  # (g, n, size)
        c = coalitions(params.VotingRule, capabilities, u)
        p, _, it = prob_ce(params.PCEModel, params.VictoryProbModel, c)
        max_it = max(max_it, it)
        for g, m in enumerate(members):
            probs[m] = p[g]
    return probs, max_it


def pick(
    probs: list[FloatArray],
    transitions: StateTransitions,
    rng: np.random.Generator | None,
) -> IntArray:
    """Pick one entry of each queue.

    Parameters
    ----------
    probs
        Per actor, the election probabilities of its queue.
    transitions
        ``Deterministic``: the most probable entry (the first on a tie, as KTAB's
        ``ndxMaxAbs``).  ``Stochastic``: one uniform draw per actor, in actor order, and
        the first entry whose cumulative probability reaches it (``PRNG::probSel``).
    rng
        Required for ``Stochastic``.

    Returns
    -------
    ``(n,)`` the chosen position in each queue.
    """
    n = len(probs)
    chosen = np.zeros(n, dtype=np.intp)
    if transitions is StateTransitions.STOCHASTIC:
        if rng is None:
            raise ValueError("StateTransitions=Stochastic needs a random generator")
        draws = rng.random(n)
        for k in range(n):
            hit = np.nonzero(draws[k] <= np.cumsum(probs[k]))[0]
            chosen[k] = hit[0] if hit.size else probs[k].size - 1
    else:
        for k in range(n):
            chosen[k] = np.argmax(np.abs(probs[k]))
    return chosen


def choose(
    values: FloatArray,
    queues: list[IntArray],
    capabilities: FloatArray,
    params: SMPParams,
    rng: np.random.Generator | None,
) -> QueueChoice:
    """Run each actor's election over its queue and pick a bargain.

    Parameters
    ----------
    values
        ``(n, 1 + B)`` from :func:`bargain_values`.
    queues
        From :func:`build_queues`.
    capabilities
        ``(n,)`` voting weights.
    params
        Model parameters (voting rule, victory and election models, transitions).
    rng
        Needed for ``StateTransitions=Stochastic``.

    Returns
    -------
    QueueChoice
    """
    probs, max_it = queue_probabilities(values, queues, capabilities, params)
    chosen = pick(probs, params.StateTransitions, rng)
    bargain = np.array([int(q[c]) - 1 for q, c in zip(queues, chosen, strict=True)], dtype=np.intp)
    return QueueChoice(queues, probs, chosen, bargain, max_it)
