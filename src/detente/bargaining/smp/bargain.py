r"""Bargains: how a challenge is turned into a proposed pair of new positions.

When actor *i* challenges *j*, the two positions are interpolated dimension by
dimension (``SMPActor::interpolateBrgn``), weighting each side by its salience on the
dimension and its probability of winning.  With positions :math:`t_i, t_j`,
saliences :math:`s_i, s_j` and win probabilities :math:`p_i, p_j = 1 - p_i`:

**S1P1 / S2P2** (``interpBrgnSnPm`` with exponents n = m = 1 or 2; S2P2 is KTAB's
default because it best approximates the Nash bargaining solution):

.. math::

   w_i = s_i^n p_i^m,\quad w_j = s_j^n p_j^m,

   b_i = r_4\Big(\frac{(w_i + \epsilon) t_i + w_j t_j}{w_i + \epsilon + w_j}\Big),\quad
   b_j = r_4\Big(\frac{w_i t_i + (w_j + \epsilon) t_j}{w_i + \epsilon + w_j}\Big)

with :math:`\epsilon = 10^{-6}` (so each side keeps its own position when neither
cares) and :math:`r_4` rounding to 4 decimals on [0, 1] (half up).

**S2PMax** (``interpBrgnS2PMax``): the weaker side concedes in proportion to the
probability gap, :math:`\delta_i = \max(0, p_j - p_i)`,

.. math::

   b_i = t_i + \frac{\delta_i s_j^2}{\delta_i s_j^2 + \epsilon + (1 - \delta_i) s_i^2}(t_j - t_i)

and symmetrically for *j*.

**Bargaining models** (``SMPBargnModel``; *i*'s win probability :math:`p_{iij}` is *i*'s
own estimate, :math:`p_{jij}` is *j*'s estimate):

* ``InitOnlyInterp`` (default): one bargain, interpolated with :math:`p_{iij}`;
* ``InitRcvrInterp``: two bargains, one with :math:`p_{iij}` and one with :math:`p_{jij}`;
* ``PWCompInterp``: one bargain, the average of those two weighted by
  :math:`w_i = c_i \sum_d s_{id}` and :math:`w_j = c_j \sum_d s_{jd}`.

Each bargain is put on the queues of both *i* and *j*.

**KTAB bugs kept under** ``ktab_compat=True`` (``smpbcn.cpp``, ``SMPState::doBCN``);
both only matter for ``InitRcvrInterp`` and ``PWCompInterp``:

1. *j*'s win estimate is read as ``get<1>(probEduChlg(j, i, i, j))``, which is the
   expected *gain* to *i* as estimated by *j*, not the probability (``get<0>``) that the
   comment next to it describes.  The corrected mode uses the probability.
2. *j*'s weight in ``PWCompInterp`` is ``brgnJIJ->actInit->sCap * sum(actRcvr->vSal)``:
   the *initiator's* capability times *j*'s salience, because both interpolated bargains
   have *i* as their initiator.  The corrected mode uses *j*'s capability.

Source: KTAB ``examples/smp/libsrc/smp.cpp`` and ``smpbcn.cpp``, commit 3b5b063.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp.params import BargnModel, InterVecBrgn

__all__ = ["Bargains", "interpolate", "propose"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_MIN_W = 1e-6


def _round4(x: FloatArray) -> FloatArray:
    # KTAB: (int)(0.5 + x * 10000) / 10000, truncating toward zero
    return np.asarray(np.trunc(0.5 + x * 10000.0) / 10000.0)


def interpolate(
    ivb: InterVecBrgn,
    t_i: FloatArray,
    s_i: FloatArray,
    p_i: FloatArray,
    t_j: FloatArray,
    s_j: FloatArray,
    p_j: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Interpolate bargains between positions ``t_i`` and ``t_j`` (broadcasting).

    Parameters
    ----------
    ivb
        The interpolation rule.
    t_i, t_j
        ``(..., d)`` positions.
    s_i, s_j
        ``(..., d)`` saliences.
    p_i, p_j
        ``(..., 1)`` win probabilities of each side.

    Returns
    -------
    b_i, b_j
        ``(..., d)`` the positions proposed to i and to j.
    """
    if ivb is InterVecBrgn.S2PMAX:
        d_i = np.where(p_j > p_i, p_j - p_i, 0.0)
        d_j = np.where(p_i > p_j, p_i - p_j, 0.0)
        s_i2 = s_i * s_i
        s_j2 = s_j * s_j
        dik = (d_i * s_j2) / ((d_i * s_j2) + _MIN_W + ((1 - d_i) * s_i2))
        djk = (d_j * s_i2) / ((d_j * s_i2) + _MIN_W + ((1 - d_j) * s_j2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    if ivb is InterVecBrgn.S1P1:
        w_i = s_i * p_i
        w_j = s_j * p_j
    else:
        w_i = (s_i * s_i) * (p_i * p_i)
        w_j = (s_j * s_j) * (p_j * p_j)
    den = w_i + _MIN_W + w_j
    b_i = _round4(((w_i + _MIN_W) * t_i + w_j * t_j) / den)
    b_j = _round4((w_i * t_i + (_MIN_W + w_j) * t_j) / den)
    return b_i, b_j


@dataclass(frozen=True)
class Bargains:
    """The bargains proposed in one turn.

    Attributes
    ----------
    init, rcvr
        ``(B,)`` initiator and receiver of each bargain.
    pos_init, pos_rcvr
        ``(B, d)`` the positions the bargain gives them.
    kind
        ``(B,)`` ``"init"`` (i's interpolation), ``"rcvr"`` (j's) or ``"compromise"``.
    """

    init: IntArray
    rcvr: IntArray
    pos_init: FloatArray
    pos_rcvr: FloatArray
    kind: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of bargains."""
        return int(self.init.size)


def propose(
    model: BargnModel,
    ivb: InterVecBrgn,
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    sal_total: FloatArray,
    init: IntArray,
    rcvr: IntArray,
    p_init: FloatArray,
    p_rcvr_view: FloatArray | None,
    *,
    ktab_compat: bool = True,
) -> Bargains:
    """The bargains arising from this turn's challenges.

    Parameters
    ----------
    model
        The bargaining model.
    ivb
        The interpolation rule.
    positions, saliences
        ``(n, d)`` current positions and saliences.
    capabilities, sal_total
        ``(n,)`` capabilities and total saliences.
    init, rcvr
        ``(C,)`` challengers and their targets, in the challengers' order.
    p_init
        ``(C,)`` the challenger's estimate that it wins.
    p_rcvr_view
        ``(C,)`` the value the target's interpolation uses in place of the
        challenger's win probability (KTAB's ``pjiJ``; see the module docstring);
        needed for ``InitRcvrInterp`` and ``PWCompInterp``.
    ktab_compat
        Keep KTAB's weight for the target in ``PWCompInterp``.

    Returns
    -------
    Bargains
        One bargain per challenge (two for ``InitRcvrInterp``: the challenger's,
        then the target's), in challenger order.
    """
    t_i = positions[init]
    t_j = positions[rcvr]
    s_i = saliences[init]
    s_j = saliences[rcvr]
    pi = p_init[:, None]
    b_ii, b_ij = interpolate(ivb, t_i, s_i, pi, t_j, s_j, 1 - pi)
    if model is BargnModel.INIT_ONLY_INTERP:
        return Bargains(init, rcvr, b_ii, b_ij, ("init",) * init.size)
    if p_rcvr_view is None:
        raise ValueError(f"{model.value} needs the target's estimate (p_rcvr_view)")
    pj = p_rcvr_view[:, None]
    c_ii, c_ij = interpolate(ivb, t_i, s_i, pj, t_j, s_j, 1 - pj)
    if model is BargnModel.INIT_RCVR_INTERP:
        c = init.size
        order = np.empty(2 * c, dtype=np.intp)
        order[0::2] = np.arange(c)
        order[1::2] = np.arange(c) + c
        all_init = np.concatenate([init, init])[order]
        all_rcvr = np.concatenate([rcvr, rcvr])[order]
        pos_i = np.concatenate([b_ii, c_ii])[order]
        pos_j = np.concatenate([b_ij, c_ij])[order]
        kinds = tuple(("init", "rcvr")[int(o >= c)] for o in order)
        return Bargains(all_init, all_rcvr, pos_i, pos_j, kinds)
    w_i = (capabilities[init] * sal_total[init])[:, None]
    cap_j = capabilities[init] if ktab_compat else capabilities[rcvr]
    w_j = (cap_j * sal_total[rcvr])[:, None]
    pos_i = (w_i * b_ii + w_j * c_ii) / (w_i + w_j)
    pos_j = (w_i * b_ij + w_j * c_ij) / (w_i + w_j)
    return Bargains(init, rcvr, pos_i, pos_j, ("compromise",) * init.size)
