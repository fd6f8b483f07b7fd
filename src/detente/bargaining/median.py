r"""The weighted-median model.

Each issue's outcome is the position that no weighted majority prefers to move away
from: the weighted median :math:`m` of the actors' positions, i.e. the point where the
weight of the actors strictly on either side is at most half the total,

.. math:: \sum_{i: x_i < m} w_i \le \tfrac{W}{2}, \qquad
          \sum_{i: x_i > m} w_i \le \tfrac{W}{2}, \qquad W = \sum_i w_i.

With single-peaked preferences on one dimension this is the Condorcet winner under
weighted majority voting (Black 1948), and it minimises :math:`\sum_i w_i |x_i - m|`.
The default weights are capability × salience (salience as a fraction), as in the
"median voter" forecasts of Bueno de Mesquita's expected-utility model.  When the
weights split exactly in half between two positions every point between them is a
median; the model returns the midpoint of that interval.

References
----------
Black, D. (1948). On the rationale of group decision-making. *Journal of Political
Economy*, 56(1), 23-34.

Thomson, R., Stokman, F. N., Achen, C. H., & König, T. (Eds.) (2006). *The European
Union Decides*. Cambridge University Press.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining._common import (
    actor_weights,
    closed_form_batch,
    degenerate_notes,
    point_from_batch,
    weights_param,
)
from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    ModelSpec,
    SeedLike,
    closed_form_bytes,
    register,
)

__all__ = ["SPEC", "median_parts", "weighted_median"]

NAME = "median"

#: Relative tolerance under which a cumulative weight counts as exactly half.
TIE_TOLERANCE = 1e-12


def median_parts(
    positions: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
    """Lower and upper ends of the weighted-median interval, tie flags and total weights.

    Parameters
    ----------
    positions, weights
        Arrays of the same shape ``(..., n, k)``; weights non-negative.

    Returns
    -------
    lower, upper
        ``(..., k)`` ends of the median interval (equal unless ``tie``).
    tie
        ``(..., k)`` True where the weights split exactly in half (within
        :data:`TIE_TOLERANCE`), so that several positions are medians.
    total
        ``(..., k)`` total weight.
    """
    w = np.where(weights > 0, weights, 0.0)
    x = np.where(w > 0, positions, np.inf)
    order = np.argsort(x, axis=-2, kind="stable")
    xs = np.take_along_axis(x, order, axis=-2)
    ws = np.take_along_axis(w, order, axis=-2)
    cum = np.cumsum(ws, axis=-2)
    total = cum[..., -1:, :]
    half = 0.5 * total
    tol = TIE_TOLERANCE * total
    n = x.shape[-2]
    lower = np.minimum((cum < half - tol).sum(axis=-2, keepdims=True), n - 1)
    upper = np.minimum((cum <= half + tol).sum(axis=-2, keepdims=True), n - 1)
    x_lo = np.take_along_axis(xs, lower, axis=-2)[..., 0, :]
    x_hi = np.take_along_axis(xs, upper, axis=-2)[..., 0, :]
    tie = np.abs(np.take_along_axis(cum, lower, axis=-2) - half)[..., 0, :] <= tol[..., 0, :]
    tie &= np.isfinite(x_hi) & (x_hi != x_lo)
    return x_lo, np.where(tie, x_hi, x_lo), tie, total[..., 0, :]


def weighted_median(
    positions: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted median over the actor axis (axis -2) of ``(..., n, k)`` arrays.

    Actors with zero weight are ignored (their positions may be NaN).  When the
    weights split exactly in half, the midpoint of the median interval is returned.
    An issue whose weights sum to zero gives NaN.

    Parameters
    ----------
    positions, weights
        Arrays of the same shape ``(..., n, k)``; weights non-negative.

    Returns
    -------
    numpy.ndarray
        ``(..., k)`` weighted medians.
    """
    lo, hi, _, total = median_parts(positions, weights)
    with np.errstate(invalid="ignore"):
        out = 0.5 * (lo + hi)
    return np.where(total > 0, out, np.nan)


def _batch(inputs: BatchInputs, params: dict[str, Any], seed: SeedLike) -> BatchForecast:
    w = actor_weights(inputs, params["weights"])
    return closed_form_batch(NAME, inputs, weighted_median(inputs.positions, w), params)


def _notes(inputs: BatchInputs, params: dict[str, Any]) -> tuple[str, ...]:
    return degenerate_notes(inputs, actor_weights(inputs, params["weights"]), NAME)[0]


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Weighted median",
        point_fn=point_from_batch(_batch, NAME, _notes),
        batch_fn=_batch,
        peak_bytes=closed_form_bytes,
        params=(
            weights_param(
                "capability_salience",
                "actor weights: capability x salience (default), salience, capability or equal",
            ),
        ),
        citation="Black (1948), J. Political Economy 56(1); Thomson et al. (2006), "
        "The European Union Decides, CUP.",
    )
)
