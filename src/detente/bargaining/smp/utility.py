r"""Utilities and risk attitudes of KTAB's Spatial Model of Politics.

Positions, ideals and saliences are on [0, 1] (KTAB divides its 0-100 inputs by 100).

**Distance.**  Actor *i* judges a position *x* by the salience-weighted Euclidean
distance from its ideal :math:`\hat x_i`, normalised by its saliences
(``SMPModel::bvDiff``):

.. math::  d_i(x) = \sqrt{\frac{\sum_k s_{ik}^2 (\hat x_{ik} - x_k)^2}{\sum_k s_{ik}^2}}

**Utility** with risk attitude :math:`R \in [-1/2, 1]` (``SMPModel::bsUtil``):

.. math::  u(d, R) = (1 - d)(1 + d R) \quad (d \le 1), \qquad (1-d)(1+R) \quad (d > 1)

:math:`R = 0` is risk neutral (:math:`u = 1 - d`); :math:`R > 0` risk averse (concave).

**Risk attitudes from probabilities** (``Model::bigRfromProb``, Bueno de Mesquita's
idea that actors whose positions are likely to win are risk averse).  With
:math:`p_i` the probability that actor *i*'s position wins a probabilistic Condorcet
election among all positions under risk-neutral utilities:

* ``Min``:  :math:`R_i = (p_i - p_{min}) / (p_{max} - p_{min})` (range [0, 1]);
* ``Mid``:  :math:`R_i = (3 p_i - (p_{max} + 2 p_{min})) / (2 (p_{max} - p_{min}))`
  (range [-1/2, 1], KTAB's default);
* ``Max``:  :math:`R_i = (2 p_i - (p_{max} + p_{min})) / (p_{max} - p_{min})` (range [-1, 1]).

**Estimated risk attitudes** (``Model::estNRA``): actor *h* does not know *i*'s
:math:`R_i`; it anchors on its own and adjusts, :math:`R^h_i = (2R_h + R_i)/3` for
``OneThird`` (default), :math:`R_h` for ``None``, :math:`(R_h+R_i)/2` for ``Half``,
:math:`(R_h + 2R_i)/3` for ``TwoThirds`` and :math:`R_i` for ``Full``.  Then
:math:`U^h_{ij} = u(d_i(x_j), R^h_i)` is *h*'s estimate of the utility to *i* of *j*'s
position; the array ``aU[h, i, j]`` holds all of them.

Source: KTAB, ``examples/smp/libsrc/smp.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp``
(Wise, Lu, Islam et al., KAPSARC; commit 3b5b063).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp.params import BigRAdjust, BigRRange

__all__ = [
    "bs_util",
    "estimated_risk",
    "risk_from_prob",
    "utility_estimates",
    "weighted_distance",
]

FloatArray = NDArray[np.float64]


def weighted_distance(
    points: FloatArray, positions: FloatArray, saliences: FloatArray
) -> FloatArray:
    """Salience-weighted distance ``d[i, j]`` from ``points[i]`` to ``positions[j]``.

    Parameters
    ----------
    points
        ``(n, d)`` the judging actors' ideal points.
    positions
        ``(m, d)`` positions to judge.
    saliences
        ``(n, d)`` the judging actors' saliences (not all zero for any actor).

    Returns
    -------
    ``(n, m)`` distances; 0 means identical, 1 the far corner of the unit cube.
    """
    diff = points[:, None, :] - positions[None, :, :]
    ds = diff * saliences[:, None, :]
    num = _seq_sum_last(ds * ds)
    den = _seq_sum_last(saliences * saliences)
    return np.sqrt(num / den[:, None])


def _seq_sum_last(x: FloatArray) -> FloatArray:
    """Sum over the last axis strictly left to right (KTAB's loop order)."""
    out = np.zeros(x.shape[:-1])
    for k in range(x.shape[-1]):
        out = out + x[..., k]
    return out


def bs_util(d: FloatArray, r: FloatArray | float) -> FloatArray:
    """KTAB's scalar utility of a distance ``d`` for risk attitude ``r`` (broadcasting).

    Parameters
    ----------
    d
        Non-negative normalised distances.
    r
        Risk attitudes, broadcast against ``d``.

    Returns
    -------
    ``(1 - d) * (1 + d r)`` where ``d <= 1``, else ``(1 - d) * (1 + r)``.
    """
    d = np.asarray(d, dtype=np.float64)
    r_arr = np.asarray(r, dtype=np.float64)
    inner = np.where(d <= 1.0, 1.0 + d * r_arr, 1.0 + r_arr)
    return np.asarray((1.0 - d) * inner, dtype=np.float64)


def risk_from_prob(p: FloatArray, rng: BigRRange) -> tuple[FloatArray, bool]:
    """Risk attitudes from win probabilities (``Model::bigRfromProb``).

    Parameters
    ----------
    p
        ``(n,)`` probabilities (summing to 1).
    rng
        The target range.

    Returns
    -------
    r, degenerate
        ``(n,)`` risk attitudes, and ``True`` when every probability is equal, in
        which case KTAB divides 0 by 0; every actor is then taken as risk neutral.
    """
    p_min = float(np.min(p))
    p_max = float(np.max(p))
    span = p_max - p_min
    if not span > 0:
        return np.zeros_like(p), True
    if rng is BigRRange.MIN:
        r = (p - p_min) / span
    elif rng is BigRRange.MID:
        r = (3 * p - (p_max + 2 * p_min)) / (2 * span)
    else:
        r = (2 * p - (p_max + p_min)) / span
    return r, False


def estimated_risk(r: FloatArray, adjust: BigRAdjust) -> FloatArray:
    """``rh[h, i]``: actor h's estimate of actor i's risk attitude (``Model::estNRA``).

    Parameters
    ----------
    r
        ``(n,)`` risk attitudes.
    adjust
        The anchoring-and-adjustment rule.

    Returns
    -------
    ``(n, n)`` estimates; the diagonal is computed by the same formula, as in KTAB
    (so it can differ from ``r`` in the last bit).
    """
    rh = r[:, None]
    ri = r[None, :]
    if adjust is BigRAdjust.FULL:
        out = np.broadcast_to(ri, (r.size, r.size)).copy()
    elif adjust is BigRAdjust.TWO_THIRDS:
        out = (rh + 2.0 * ri) / 3.0
    elif adjust is BigRAdjust.HALF:
        out = (rh + ri) / 2
    elif adjust is BigRAdjust.ONE_THIRD:
        out = (2.0 * rh + ri) / 3.0
    else:
        out = np.broadcast_to(rh, (r.size, r.size)).copy()
    return np.asarray(out, dtype=np.float64)


def utility_estimates(dist: FloatArray, r: FloatArray, adjust: BigRAdjust) -> FloatArray:
    """``aU[h, i, j]``: h's estimate of the utility to i of j's position.

    Parameters
    ----------
    dist
        ``(n, n)`` distances ``d[i, j]`` from i's ideal to j's position.
    r
        ``(n,)`` risk attitudes.
    adjust
        The anchoring-and-adjustment rule.

    Returns
    -------
    ``(n, n, n)`` array indexed ``[h, i, j]``.
    """
    rhi = estimated_risk(r, adjust)
    if np.all(dist <= 1.0):
        # the usual case, without the branch: (1 - d) * (1 + d R)
        inner = dist[None, :, :] * rhi[:, :, None]
        inner += 1.0
        inner *= (1.0 - dist)[None, :, :]
        return inner
    return bs_util(dist[None, :, :], rhi[:, :, None])
