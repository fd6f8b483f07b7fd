"""Helpers shared by the models: weights, degenerate-input notes, point-from-batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.base import BatchForecast, BatchInputs, Forecast, ParamSpec, SeedLike
from detente.scenario.arrays import ScenarioArrays

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

WEIGHT_SCHEMES = ("capability_salience", "salience", "capability", "equal")


def weights_param(default: str, doc: str) -> ParamSpec:
    """The ``weights`` parameter shared by the closed-form models."""
    return ParamSpec("weights", str, default, doc, choices=WEIGHT_SCHEMES)


def actor_weights(inputs: BatchInputs, scheme: str) -> FloatArray:
    """``(R, n, k)`` non-negative weights of each actor on each issue, 0 without stance.

    Parameters
    ----------
    inputs
        The batched scenario.
    scheme
        ``capability_salience`` (c·s), ``salience`` (s), ``capability`` (c) or
        ``equal`` (1).  Saliences are used as fractions of ``salience_max``; a
        stance's own capability replaces its actor's on that issue.
    """
    has = inputs.has_stance[None, :, :]
    sal = np.where(has, inputs.saliences / inputs.salience_max, 0.0)
    cap = inputs.capability_matrix()
    if scheme == "capability_salience":
        w = cap * sal
    elif scheme == "salience":
        w = np.broadcast_to(sal, inputs.positions.shape)
    elif scheme == "capability":
        w = np.broadcast_to(cap, inputs.positions.shape)
    elif scheme == "equal":
        w = np.ones(inputs.positions.shape)
    else:  # pragma: no cover - the parameter schema rejects other values
        raise ValueError(scheme)
    return np.where(has, w, 0.0)


def degenerate_notes(
    inputs: BatchInputs, weights: FloatArray, model: str
) -> tuple[tuple[str, ...], BoolArray]:
    """Notes about degenerate issues in replicate 0, and a ``(R, k)`` no-weight mask.

    Returns
    -------
    notes
        Remarks for a point forecast (single actor, no weight, all positions equal).
    no_weight
        True where an issue has no positive weight (the model cannot forecast it).
    """
    no_weight: BoolArray = np.asarray(~(weights > 0).any(axis=1), dtype=bool)
    notes: list[str] = []
    n_stance = inputs.has_stance.sum(axis=0)
    for j, issue in enumerate(inputs.issue_ids):
        if n_stance[j] == 0:
            notes.append(f"issue {issue!r}: no actor has a stance; no forecast.")
            continue
        if n_stance[j] == 1:
            actor = inputs.actor_ids[int(np.argmax(inputs.has_stance[:, j]))]
            notes.append(
                f"issue {issue!r}: a single actor ({actor}) has a stance; the forecast "
                "is its own position (trivial)."
            )
        if no_weight[0, j]:
            notes.append(
                f"issue {issue!r}: every actor's {model} weight is zero (capabilities or "
                "saliences all zero); no forecast."
            )
            continue
        pos = inputs.positions[0, inputs.has_stance[:, j], j]
        if n_stance[j] > 1 and np.all(pos == pos[0]):
            notes.append(
                f"issue {issue!r}: every actor holds the same position ({pos[0]:g}); "
                "the forecast is that position (trivial)."
            )
    return tuple(notes), no_weight


def point_from_batch(
    batch_fn: Callable[[BatchInputs, dict[str, Any], SeedLike], BatchForecast],
    name: str,
    notes_fn: Callable[[BatchInputs, dict[str, Any]], tuple[str, ...]],
) -> Callable[[ScenarioArrays, dict[str, Any], SeedLike], Forecast]:
    """Build a closed-form model's point function from its batch function."""

    def point(arrays: ScenarioArrays, params: dict[str, Any], seed: SeedLike) -> Forecast:
        inputs = BatchInputs.from_arrays(arrays)
        res = batch_fn(inputs, params, seed)
        return Forecast(
            model=name,
            scenario_id="",
            actor_ids=inputs.actor_ids,
            issue_ids=inputs.issue_ids,
            outcome=res.outcome[0].copy(),
            params=dict(params),
            notes=notes_fn(inputs, params) + res.notes,
        )

    return point


def closed_form_batch(
    name: str, inputs: BatchInputs, outcome: FloatArray, params: dict[str, Any]
) -> BatchForecast:
    """Wrap a closed-form outcome ``(R, k)`` as a :class:`BatchForecast`."""
    r = outcome.shape[0]
    return BatchForecast(
        model=name,
        actor_ids=inputs.actor_ids,
        issue_ids=inputs.issue_ids,
        outcome=outcome,
        rounds=np.zeros(r, dtype=np.int64),
        converged=np.ones(r, dtype=bool),
        params=dict(params),
    )
