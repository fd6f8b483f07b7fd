"""Summation and product in KTAB's loop order.

KTAB accumulates sums and products with plain left-to-right loops.  numpy's reductions
may reorder the terms (pairwise summation, SIMD lanes), which changes the last bits of
the result.  Those bits rarely matter, but when two options are exactly tied by
symmetry they decide which one wins.  These helpers reproduce KTAB's order exactly:
``np.cumsum`` and ``np.cumprod`` are defined as sequential accumulations.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["seq_prod", "seq_sum"]

FloatArray = NDArray[np.float64]

#: Above this many sums, accumulate slice by slice; below, use ``np.cumsum``.
_SLICE_MIN = 64


def seq_sum(
    x: FloatArray,
    axis: int = -1,
    initial: float | FloatArray = 0.0,
    *,
    overwrite: bool = False,
) -> FloatArray:
    """``((initial + x[0]) + x[1]) + ...`` along ``axis``, strictly left to right.

    Parameters
    ----------
    x
        The terms.
    axis
        The axis summed over.
    initial
        The starting value of the accumulator (a scalar, or an array broadcast against
        the result).
    overwrite
        Allow ``x`` to be used as scratch space (saves a copy of a big array).

    Returns
    -------
    The sums, with ``axis`` removed.
    """
    a = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    init = np.asarray(initial, dtype=np.float64)
    if a.shape[0] == 0:
        return np.array(np.broadcast_to(init, a.shape[1:]))
    if int(np.prod(a.shape[1:])) >= _SLICE_MIN:
        # accumulate slice by slice: each element is added left to right
        out = np.array(init + a[0], dtype=np.float64)
        for k in range(1, a.shape[0]):
            out += a[k]
        return out
    if not overwrite:
        a = a.copy()
    if init.ndim or float(init) != 0.0:
        a[0] = init + a[0]
    np.cumsum(a, axis=0, out=a)
    return np.asarray(a[-1])


def seq_prod(x: FloatArray, axis: int = -1, initial: float = 1.0) -> FloatArray:
    """``((initial * x[0]) * x[1]) * ...`` along ``axis``, strictly left to right.

    Parameters
    ----------
    x
        The factors.
    axis
        The axis multiplied over.
    initial
        The starting value.

    Returns
    -------
    The products, with ``axis`` removed.
    """
    a = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0).copy()
    if a.shape[0] == 0:
        return np.full(a.shape[1:], initial)
    if initial != 1.0:
        a[0] = initial * a[0]
    np.cumprod(a, axis=0, out=a)
    return np.asarray(a[-1])
