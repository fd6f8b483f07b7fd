r"""The asymmetric Nash bargaining solution, with the status quo as disagreement point.

Utility function
----------------
Actor :math:`i` with ideal point :math:`x_i` values an outcome :math:`x` of an issue by
the quadratic loss

.. math:: u_i(x) = -s_i\,(x - x_i)^2 ,

(salience :math:`s_i` scales the loss; it cancels out of the solution below).  The
disagreement point is the issue's status quo :math:`d`: without agreement, :math:`d`
stays.  Actor :math:`i`'s gain from an agreement :math:`x` is

.. math:: g_i(x) = u_i(x) - u_i(d) = s_i\,(x - d)\,(2x_i - d - x).

Solution
--------
The asymmetric (generalised) Nash bargaining solution maximises the weighted product of
gains over the agreements every actor accepts (:math:`g_i \ge 0`):

.. math:: x^* = \arg\max_{x:\ g_i(x) \ge 0\ \forall i} \prod_i g_i(x)^{w_i},

with bargaining power :math:`w_i` = capability (default; ``weights`` also offers
capability × salience and equal powers).  Actors with zero power or zero salience
neither pull nor veto.

On one dimension the accepted set is :math:`\{d\}` unless every actor's ideal lies
strictly on the same side of :math:`d`: an actor at or beyond the status quo loses from
any move.  So :math:`x^* = d` whenever the status quo lies within the actors' positions
(the gridlock result).  When every ideal lies above :math:`d` (below is symmetric), put
:math:`y = x - d` and :math:`a_i = 2(x_i - d) > 0`; the log of the product is strictly
concave on :math:`0 < y < \min_i a_i` and its maximiser is the unique root of

.. math:: \frac{W}{y} = \sum_i \frac{w_i}{a_i - y}, \qquad W = \sum_i w_i .

The root is found to machine precision by Newton's method safeguarded by bisection
(vectorised over replicates and issues), so the solution is exact up to rounding.  It
always lies between the smallest and the largest ideal point.  With a single actor it is
that actor's ideal; an issue without a status quo has no solution (NaN, with a note).

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.

Harsanyi, J. C. & Selten, R. (1972). A generalized Nash
solution for two-person bargaining games with incomplete information. *Management
Science*, 18(5), 80-106 (the asymmetric solution).

Achen, C. H. (2006). Evaluating political decision-making models. In Thomson et al.
(eds), *The European Union Decides*, 264-298 (the bargaining models of EU decisions).
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
    ParamSpec,
    SeedLike,
    closed_form_bytes,
    register,
)

__all__ = ["SPEC", "nash_bargaining"]

NAME = "nbs"


def nash_bargaining(
    positions: NDArray[np.float64],
    weights: NDArray[np.float64],
    status_quo: NDArray[np.float64],
    *,
    max_iter: int = 200,
) -> NDArray[np.float64]:
    """Asymmetric Nash bargaining solution with quadratic utilities, per issue.

    Parameters
    ----------
    positions
        ``(..., n, k)`` ideal points (NaN allowed where the weight is zero).
    weights
        ``(..., n, k)`` bargaining powers, non-negative.
    status_quo
        ``(k,)`` or ``(..., k)`` disagreement points.
    max_iter
        Cap on safeguarded-Newton iterations (convergence takes far fewer).

    Returns
    -------
    numpy.ndarray
        ``(..., k)`` solutions; NaN where the status quo is NaN or no weight is positive.
    """
    w = np.where(weights > 0, weights, 0.0)
    act = w > 0
    d = np.broadcast_to(status_quo, positions.shape[:-2] + positions.shape[-1:])
    x = np.where(act, positions, 0.0)
    dx = x - d[..., None, :]
    all_above = np.where(act, dx > 0, True).all(axis=-2)
    all_below = np.where(act, dx < 0, True).all(axis=-2)
    total = w.sum(axis=-2)
    moves = (all_above | all_below) & (total > 0) & np.isfinite(d)
    sign = np.where(all_below, -1.0, 1.0)
    y = np.zeros(moves.shape)
    sel = np.nonzero(moves)
    if sel[0].size:
        y[sel] = _root(
            np.moveaxis(np.where(act, 2.0 * dx * sign[..., None, :], np.inf), -2, -1)[sel],
            np.moveaxis(w, -2, -1)[sel],
            max_iter,
        )
    out = np.where(moves, d + sign * y, d)
    return np.where((total > 0) & np.isfinite(d), out, np.nan)


def _root(a: NDArray[np.float64], w: NDArray[np.float64], max_iter: int) -> NDArray[np.float64]:
    """Root of ``W / y = sum_i w_i / (a_i - y)`` on ``(0, min a)`` for each row of ``a``.

    Newton's method on the pole-free form
    ``q(y) = W (m - y) - y sum_i w_i (m - y) / (a_i - y)`` (``m = min a``), which has the
    same root, is positive at 0 and negative at ``m``; steps that leave the bracket are
    replaced by bisection.
    """
    w = np.where(np.isfinite(a), w, 0.0)
    a = np.where(np.isfinite(a), a, 0.0)
    m = np.where(w > 0, a, np.inf).min(axis=-1)
    total = w.sum(axis=-1)
    lo = 0.5 * m  # h(m/2) >= 0 because every a_i >= m
    hi = m.copy()
    y = 0.75 * m
    tol = 4 * np.finfo(np.float64).eps * m
    live = np.ones(m.shape, dtype=bool)
    for _ in range(max_iter):
        gap = a - y[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(w > 0, (m[:, None] - y[:, None]) / gap, 0.0)
            slope = np.where(w > 0, (m[:, None] - a) / gap**2, 0.0)
        wr = (w * ratio).sum(axis=-1)
        q = total * (m - y) - y * wr
        dq = -total - wr - y * (w * slope).sum(axis=-1)
        lo = np.where(q > 0, y, lo)
        hi = np.where(q < 0, y, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = y - q / dq
        inside = (step >= lo) & (step <= hi)
        y_new = np.where(q == 0, y, np.where(inside, step, 0.5 * (lo + hi)))
        y_new = np.where(live, y_new, y)
        live &= np.abs(y_new - y) > tol
        y = y_new
        if not live.any():
            break
    return y


def _weights(inputs: BatchInputs, params: dict[str, Any]) -> NDArray[np.float64]:
    return actor_weights(inputs, params["weights"]) * (inputs.saliences > 0)


def _batch(inputs: BatchInputs, params: dict[str, Any], seed: SeedLike) -> BatchForecast:
    out = nash_bargaining(inputs.positions, _weights(inputs, params), inputs.status_quo)
    return closed_form_batch(NAME, inputs, out, params)


def _notes(inputs: BatchInputs, params: dict[str, Any]) -> tuple[str, ...]:
    notes = list(degenerate_notes(inputs, _weights(inputs, params), NAME)[0])
    for j, issue in enumerate(inputs.issue_ids):
        if np.isnan(inputs.status_quo[j]):
            notes.append(
                f"issue {issue!r} has no status quo; the Nash bargaining solution needs "
                "one as the disagreement point (no forecast)."
            )
    return tuple(notes)


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Nash bargaining",
        point_fn=point_from_batch(_batch, NAME, _notes),
        batch_fn=_batch,
        peak_bytes=closed_form_bytes,
        params=(
            weights_param(
                "capability",
                "bargaining powers (exponents of the Nash product): capability "
                "(default), capability_salience, salience or equal",
            ),
            ParamSpec(
                "utility",
                str,
                "quadratic",
                "actors' utility: quadratic loss -s(x - x_i)^2 around the ideal point",
                choices=("quadratic",),
            ),
        ),
        citation="Nash (1950), Econometrica 18(2); asymmetric form: Harsanyi & Selten "
        "(1972), Management Science 18(5); Achen (2006) in The European Union Decides.",
    )
)
