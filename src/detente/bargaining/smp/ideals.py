r"""Ideal adjustment: how actors' ideal points move towards the positions they see.

KTAB separates an actor's *position* (what it advocates, which moves by bargaining)
from its *ideal* (what it judges positions against).  After each turn the ideals move
towards the new positions through the accommodation matrix :math:`A`
(``SMPState::newIdeals``):

.. math::

   \hat x_i^{t+1} = \sum_j A_{ij}\, x_j^{t+1} + \Big(1 - \sum_j A_{ij}\Big)\, \hat x_i^{t}

with :math:`0 \le A_{ij} \le 1` and :math:`\sum_j A_{ij} \le 1`.  The identity matrix (the
default, and the only choice for KTAB's CSV input) makes the ideal follow the position
exactly: KTAB's original "cynical" model.  KTAB's XML ``<IdealAdjustment>`` starts from
the identity and overwrites the listed pairs ``(adjustingIdeal, referencePos)``.

Source: KTAB ``examples/smp/libsrc/smp.cpp`` and ``smpread.cpp``, commit 3b5b063.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.smp._numeric import seq_sum
from detente.errors import InputError, Problem

__all__ = ["accommodation_problems", "adjust_ideals", "is_identity"]

FloatArray = NDArray[np.float64]

_TOL = 1e-10


def is_identity(a: FloatArray) -> bool:
    """True when ``a`` is the identity matrix to within KTAB's tolerance (1e-10).

    Parameters
    ----------
    a
        ``(n, n)`` accommodation matrix.

    Returns
    -------
    bool
    """
    return bool(np.linalg.norm(a - np.eye(a.shape[0])) < _TOL)


def accommodation_problems(
    a: FloatArray, actor_ids: tuple[str, ...] | None = None
) -> list[Problem]:
    """Every way ``a`` breaks KTAB's rules (entries in [0, 1], rows summing to at most 1).

    Parameters
    ----------
    a
        ``(n, n)`` accommodation matrix.
    actor_ids
        Names used in the messages.

    Returns
    -------
    list of Problem (empty when ``a`` is valid).
    """
    n = a.shape[0]
    names = actor_ids or tuple(str(i) for i in range(n))
    out: list[Problem] = []
    if a.shape != (n, n):
        return [
            Problem(
                f"accommodation matrix has shape {a.shape}, not ({n}, {n})", field="accommodation"
            )
        ]
    bad = np.argwhere(~((a >= 0.0) & (a <= 1.0)))
    for i, j in bad:
        out.append(
            Problem(
                f"ideal adjustment of {names[i]!r} towards {names[j]!r} is {a[i, j]:g}, "
                "outside [0, 1]",
                field="accommodation",
                fix="use a rate between 0 (ignore) and 1 (adopt the position).",
            )
        )
    if not out:
        sums = np.cumsum(a, axis=1)
        for i in np.nonzero(np.any(sums > 1.0 + _TOL, axis=1))[0]:
            out.append(
                Problem(
                    f"ideal adjustment rates of {names[i]!r} sum to {sums[i, -1]:g}, above 1",
                    field="accommodation",
                    fix="KTAB starts from the identity matrix, so an actor that adjusts "
                    "towards others must also lower its own rate (adjustingIdeal = "
                    "referencePos) so that its rates sum to at most 1.",
                )
            )
    return out


def adjust_ideals(ideals: FloatArray, positions: FloatArray, a: FloatArray | None) -> FloatArray:
    """New ideals after a turn.

    Parameters
    ----------
    ideals
        ``(n, d)`` ideals before the turn.
    positions
        ``(n, d)`` positions after the turn.
    a
        ``(n, n)`` accommodation matrix; ``None`` means the identity.

    Returns
    -------
    ``(n, d)`` new ideals.

    Raises
    ------
    InputError
        If ``a`` breaks KTAB's rules.
    """
    if a is None or is_identity(a):
        return positions.copy()
    problems = accommodation_problems(a)
    if problems:
        raise InputError(problems)
    si = np.minimum(seq_sum(a, axis=1), 1.0)
    lag = 1.0 - si
    pulled = seq_sum(a[:, :, None] * positions[None, :, :], axis=1)
    return np.asarray(pulled + lag[:, None] * ideals)
