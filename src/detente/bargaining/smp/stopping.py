r"""KTAB's stopping rule (``smpStopFn`` with the constants of ``SMPModel::configExec``).

With :math:`D(s, s') = \sum_i \lVert x_i - x'_i \rVert` the summed Euclidean movement of
the actors between two states (positions on [0, 1]), the run stops after turn *t* when

.. math::

   t \ge t_{max} \quad\text{or}\quad
   \Big(t \ge t_{min} \;\text{and}\; \frac{D(s_{t-1}, s_t)}{D(s_0, s_1) + \delta} < \rho\Big)

with KTAB's :math:`t_{min} = 2`, :math:`t_{max} = 100`, :math:`\rho = 0.02` (a step
a fiftieth of the first is insignificant) and :math:`\delta = 10^{-4}` (guards 0/0).

Source: KTAB ``examples/smp/libsrc/smp.cpp``, commit 3b5b063.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.bargaining.smp.params import SMPParams

__all__ = ["should_stop", "state_distance"]

FloatArray = NDArray[np.float64]


def state_distance(a: FloatArray, b: FloatArray) -> float:
    """Summed Euclidean distance between the actors' positions in two states.

    Parameters
    ----------
    a, b
        ``(n, d)`` positions.

    Returns
    -------
    float
    """
    diff = a - b
    per_actor = np.sqrt(seq_sum(diff * diff, axis=1))
    return float(seq_sum(per_actor, axis=0))


def should_stop(history: list[FloatArray], params: SMPParams) -> tuple[bool, str, float]:
    """Apply the stopping rule after the last state of ``history``.

    Parameters
    ----------
    history
        Positions of states 0..t (t >= 1).
    params
        Supplies the turn limits, ratio and guard.

    Returns
    -------
    stop, reason, ratio
        ``reason`` is ``"quiet"`` or ``"max_turns"`` when stopping, else ``""``;
        ``ratio`` is the last step's size relative to the first.
    """
    t = len(history) - 1
    d01 = state_distance(history[0], history[1]) + params.min_sig_delta
    ratio = state_distance(history[t], history[t - 1]) / d01
    if t >= params.min_turns and ratio < params.min_delta_ratio:
        return True, "quiet", ratio
    if t >= params.max_turns:
        return True, "max_turns", ratio
    return False, "", ratio
