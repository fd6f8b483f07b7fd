r"""Voting rules of KTAB: how a difference in utility becomes a weighted vote.

An actor with voting weight :math:`w` and utilities :math:`u_a, u_b` for options *a*
and *b* casts the vote :math:`v(a{:}b) = w\, f(u_a - u_b)`; a positive vote supports
*a* over *b* (``Model::vote``).  With :math:`\Delta = u_a - u_b` and the binary
response :math:`\beta = \mathrm{clip}(\Delta / 10^{-8}, -1, 1)`:

=============  ===========================================================
``Binary``     :math:`f = \beta`
``PropBin``    :math:`f = 0.8\,\Delta + 0.2\,\beta`
``Prop``       :math:`f = \Delta` (default)
``PropCbc``    :math:`f = 0.5\,\Delta + 0.5\,\Delta^3`
``Cubic``      :math:`f = \Delta^3`
``ASymProsp``  :math:`f = \Delta` for losses, :math:`\tfrac23 \Delta` for gains
=============  ===========================================================

Source: KTAB ``KTAB/kmodel/libsrc/kmodel.cpp`` (``Model::vote``), commit 3b5b063.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.bargaining.smp.params import VotingRule

__all__ = ["vote"]

FloatArray = NDArray[np.float64]

_S_TOL = 1e-8
_RBP = 0.2
_RPC = 0.5


def vote(rule: VotingRule, w: ArrayLike, u_a: ArrayLike, u_b: ArrayLike) -> FloatArray:
    """Votes of weight ``w`` for option a over option b (broadcasting).

    Parameters
    ----------
    rule
        The voting rule.
    w
        Positive voting weights.
    u_a, u_b
        Utilities of the two options to the voters.

    Returns
    -------
    The votes, positive for a, negative for b, with the broadcast shape.
    """
    w_arr = np.asarray(w, dtype=np.float64)
    du = np.asarray(u_a, dtype=np.float64) - np.asarray(u_b, dtype=np.float64)
    if rule is VotingRule.PROP:
        return np.asarray(w_arr * du)
    if rule is VotingRule.CUBIC:
        return np.asarray(w_arr * (du * du * du))
    if rule is VotingRule.PROP_CBC:
        return np.asarray(w_arr * ((1 - _RPC) * du + _RPC * (du * du * du)))
    if rule is VotingRule.ASYM_PROSP:
        return np.asarray(
            np.where(du < 0.0, w_arr * du, np.where(du > 0.0, (2.0 * w_arr * du) / 3.0, 0.0))
        )
    r_bin = np.clip(du / _S_TOL, -1.0, 1.0)
    if rule is VotingRule.BINARY:
        return np.asarray(w_arr * r_bin)
    return np.asarray(w_arr * ((1 - _RBP) * du + _RBP * r_bin))
