r"""One state of the SMP: positions, ideals, risk attitudes and utility estimates.

Setting up a state (``SMPState::setAllAUtil``):

1. distances :math:`d_{ij}` from each ideal to each position;
2. risk-neutral utilities :math:`1 - d_{ij}`, an election among all *n* positions with
   capabilities as voting weights (coalition voting rule, victory and election models);
3. risk attitudes :math:`R_i` from those win probabilities;
4. every actor's estimates :math:`U^h_{ij}` with the adjusted risk attitudes.

The state's *outcome distribution* (``SMPState::pDist``) is an election over the
distinct positions (positions closer than :math:`10^{-3}` on [0, 1] count as one,
``SMPState::equivNdx``), with each actor voting by its own utilities (``persp=-1``,
KTAB's log "winning probabilities") or by one actor's estimates (``persp=h``, KTAB's
``PosProb`` table).

Source: KTAB ``examples/smp/libsrc/smp.cpp``, ``KTAB/kmodel/libsrc/kstate.cpp``,
commit 3b5b063.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.bargaining.smp.params import SMPParams
from detente.bargaining.smp.pce import prob_ce, scalar_pce
from detente.bargaining.smp.utility import (
    bs_util,
    risk_from_prob,
    utility_estimates,
    weighted_distance,
)
from detente.bargaining.smp.victory import coalitions

__all__ = ["POS_TOL", "SMPState", "make_state", "unique_positions"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Positions closer than this (Euclidean, on [0, 1]) are the same position.
POS_TOL = 1e-3


@dataclass(frozen=True)
class SMPState:
    """A state and everything derived from it.

    Attributes
    ----------
    positions, ideals
        ``(n, d)`` on [0, 1].
    distance
        ``(n, n)`` ``d[i, j]`` from i's ideal to j's position.
    risk
        ``(n,)`` risk attitudes R.
    prob_rn
        ``(n,)`` risk-neutral win probabilities the risk attitudes came from.
    au
        ``(n, n, n)`` ``au[h, i, j]``: h's estimate of the utility to i of j's position.
    degenerate
        True when every position had the same win probability (risk set to 0).
    markov_iterations
        Iterations of the Markov election that set the risk attitudes (0 if Conditional).
    """

    positions: FloatArray
    ideals: FloatArray
    distance: FloatArray
    risk: FloatArray
    prob_rn: FloatArray
    au: FloatArray
    degenerate: bool
    markov_iterations: int

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return int(self.positions.shape[0])

    def own_utilities(self) -> FloatArray:
        """``(n, n)`` ``u[i, j] = au[i, i, j]``: each actor's own utility of each position."""
        idx = np.arange(self.n_actors)
        return np.asarray(self.au[idx, idx, :])

    def outcome_distribution(
        self, capabilities: FloatArray, params: SMPParams, persp: int = -1
    ) -> tuple[FloatArray, IntArray, IntArray]:
        """Probability that each distinct position wins (``SMPState::pDist``).

        Parameters
        ----------
        capabilities
            ``(n,)`` voting weights.
        params
            Voting rule, victory and election models.
        persp
            -1: each actor votes with its own utilities; ``h``: with h's estimates.

        Returns
        -------
        p_unique, unique, actor_prob_index
            ``p_unique[u]`` for the distinct positions held first by actors
            ``unique[u]``; ``actor_prob_index[i]`` is the entry of ``p_unique`` that
            KTAB reports for actor i (``State::posProb``).
        """
        u = self.own_utilities() if persp < 0 else self.au[persp]
        uniq, _, report = unique_positions(self.positions)
        p, _ = scalar_pce(
            capabilities,
            np.ascontiguousarray(u[:, uniq]),
            params.VotingRule,
            params.VictoryProbModel,
            params.PCEModel,
        )
        return p, uniq, report


def unique_positions(positions: FloatArray) -> tuple[IntArray, IntArray, IntArray]:
    """KTAB's distinct positions (``KBase::ueIndices`` with ``equivNdx``).

    Parameters
    ----------
    positions
        ``(n, d)``.

    Returns
    -------
    unique, equiv, report
        ``unique``: actors whose position is the first of its kind; ``equiv[i]``: the
        first entry of ``unique`` equivalent to i's position; ``report[i]``: the *last*
        such entry, which is what KTAB reports as i's win probability.
    """
    n = positions.shape[0]
    diff = positions[:, None, :] - positions[None, :, :]
    close = np.sqrt(seq_sum(diff * diff, axis=2)) < POS_TOL
    uniq: list[int] = []
    equiv = np.empty(n, dtype=np.intp)
    for i in range(n):
        hits = np.nonzero(close[i, uniq])[0] if uniq else np.empty(0, dtype=np.intp)
        if hits.size:
            equiv[i] = hits[0]
        else:
            uniq.append(i)
            equiv[i] = len(uniq) - 1
    u_arr = np.array(uniq, dtype=np.intp)
    rows = close[:, u_arr]
    report = (u_arr.size - 1 - np.argmax(rows[:, ::-1], axis=1)).astype(np.intp)
    return u_arr, equiv, report


def make_state(
    positions: FloatArray,
    ideals: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    params: SMPParams,
) -> SMPState:
    """Set up a state: distances, risk attitudes and utility estimates.

    Parameters
    ----------
    positions, ideals, saliences
        ``(n, d)`` on [0, 1].
    capabilities
        ``(n,)`` positive.
    params
        Model parameters.

    Returns
    -------
    SMPState
    """
    dist = weighted_distance(ideals, positions, saliences)
    rn_util = bs_util(dist, 0.0)
    c = coalitions(params.VotingRule, capabilities, rn_util)
    p, _, it = prob_ce(params.PCEModel, params.VictoryProbModel, c)
    risk, degenerate = risk_from_prob(p, params.BigRRange)
    au = utility_estimates(dist, risk, params.BigRAdjust)
    return SMPState(positions, ideals, dist, risk, p, au, degenerate, it)
