r"""The weighted-mean ("compromise") model.

Each issue's outcome is the weighted mean of the actors' positions,

.. math:: \hat{x} = \frac{\sum_i w_i x_i}{\sum_i w_i},

over the actors with a stance on the issue.  Three weightings are in use in the
literature and are offered by the ``weights`` parameter:

* ``capability_salience`` (default): :math:`w_i = c_i s_i`, capability times salience
  (salience as a fraction of the scale's top).  This is Achen's (2006) compromise model,
  the best-performing simple model in *The European Union Decides*.
* ``salience``: :math:`w_i = s_i`.
* ``equal``: :math:`w_i = 1` (the unweighted mean).
* ``capability``: :math:`w_i = c_i` (offered for completeness).

An issue on which every weight is zero has no forecast (NaN, with a note).

References
----------
Achen, C. H. (2006). Evaluating political decision-making models. In R. Thomson,
F. N. Stokman, C. H. Achen & T. König (Eds.), *The European Union Decides*
(pp. 264-298). Cambridge University Press.

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

__all__ = ["SPEC", "weighted_mean"]

NAME = "mean"


def weighted_mean(
    positions: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted mean over the actor axis (axis -2) of ``(..., n, k)`` arrays.

    Positions where the weight is zero are ignored (they may be NaN).  An issue whose
    weights sum to zero gives NaN.

    Parameters
    ----------
    positions, weights
        Arrays of the same shape ``(..., n, k)``; weights non-negative.

    Returns
    -------
    numpy.ndarray
        ``(..., k)`` weighted means.
    """
    x = np.where(weights > 0, positions, 0.0)
    total = weights.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (weights * x).sum(axis=-2) / total
    return np.where(total > 0, out, np.nan)


def _batch(inputs: BatchInputs, params: dict[str, Any], seed: SeedLike) -> BatchForecast:
    w = actor_weights(inputs, params["weights"])
    return closed_form_batch(NAME, inputs, weighted_mean(inputs.positions, w), params)


def _notes(inputs: BatchInputs, params: dict[str, Any]) -> tuple[str, ...]:
    return degenerate_notes(inputs, actor_weights(inputs, params["weights"]), NAME)[0]


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Weighted mean",
        point_fn=point_from_batch(_batch, NAME, _notes),
        batch_fn=_batch,
        peak_bytes=closed_form_bytes,
        params=(
            weights_param(
                "capability_salience",
                "actor weights: capability x salience (Achen's compromise model), "
                "salience, capability, or equal (unweighted mean)",
            ),
        ),
        citation="Achen (2006) in Thomson et al. (eds), The European Union Decides, CUP.",
    )
)
