"""Global sensitivity analysis: Sobol indices through SALib.

Sobol (2001) variance decomposition: the first-order index ``S1_i`` is the share of
the outcome's variance explained by input ``i`` alone, the total index ``ST_i`` the
share involving ``i`` in any interaction.  Points come from Saltelli's scheme
(SALib ``sample.sobol``'s design, a scrambled Sobol sequence giving base matrices ``A``
and ``B`` and, per input, ``AB_i`` = ``A`` with column ``i`` from ``B``); indices and
bootstrap confidence intervals from SALib ``analyze.sobol`` (Saltelli et al. 2010
estimators, Jansen for the total index).

Stochastic models
-----------------
The model's own random events are an input that is not sampled.  So that they do not
bias the estimators, row ``j`` of ``A`` and of every ``AB_i`` share one noise stream
and row ``j`` of ``B`` has another: ``f(A)`` and ``f(AB_i)`` then differ only in
``x_i`` (the total-effect estimator sees no noise), and ``f(B)`` shares only ``x_i``
with ``f(AB_i)`` (the first-order estimator is unbiased).  The noise then counts as
one more input: the indices of the sampled inputs need not sum to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.explore.evaluate import noise_generator
from detente.explore.model import Model
from detente.explore.parameters import Strategy

__all__ = ["SobolIndices", "sobol_indices", "sobol_unit_sample"]

FloatArray = npt.NDArray[np.float64]


@dataclass
class SobolIndices:
    """Sobol indices of one outcome.

    Attributes
    ----------
    names
        Input names.
    S1, S1_conf, ST, ST_conf
        First-order and total indices and the half-widths of their confidence intervals.
    """

    outcome: str
    names: list[str]
    S1: FloatArray
    S1_conf: FloatArray
    ST: FloatArray
    ST_conf: FloatArray
    n_base: int
    n_evaluations: int

    def top(self, k: int = 10) -> list[dict[str, Any]]:
        """The ``k`` inputs with the largest total index."""
        order = np.argsort(-np.nan_to_num(self.ST, nan=-np.inf), kind="stable")[:k]
        return [
            {
                "input": self.names[i],
                "S1": float(self.S1[i]),
                "S1_conf": float(self.S1_conf[i]),
                "ST": float(self.ST[i]),
                "ST_conf": float(self.ST_conf[i]),
            }
            for i in order
        ]

    def to_dict(self, k: int | None = None) -> dict[str, Any]:
        """JSON-ready summary (all inputs, ordered by total index)."""
        return {
            "outcome": self.outcome,
            "n_base": self.n_base,
            "n_evaluations": self.n_evaluations,
            "indices": self.top(k or len(self.names)),
        }


def sobol_unit_sample(d: int, n_base: int, seed: int) -> FloatArray:
    """Saltelli's unit-hypercube sample, shape ``(n_base * (d + 2), d)``.

    SALib's ``sample.sobol`` (first order) row for row: base matrices ``A`` and ``B``
    are the two halves of a scrambled ``2d``-dimensional Sobol sequence
    (:class:`scipy.stats.qmc.Sobol` seeded with ``seed``, as SALib seeds it), and for
    each base point ``j`` the rows are ``A_j, AB_1j, ..., AB_dj, B_j``.  Built with
    array operations rather than SALib's loop over rows and columns; a test checks the
    two are equal bit for bit.
    """
    from scipy.stats import qmc

    base = qmc.Sobol(2 * d, scramble=True, seed=seed).random(n_base)
    a, b = base[:, :d], base[:, d:]
    out = np.repeat(a[:, None, :], d + 2, axis=1)
    cols = np.arange(d)
    out[:, 1 + cols, cols] = b
    out[:, d + 1, :] = b
    return np.asarray(out.reshape(n_base * (d + 2), d), dtype=np.float64)


def sobol_indices(
    model: Model,
    strategy: Strategy,
    outcomes: Sequence[str],
    *,
    n_base: int = 1024,
    seed: int = 0,
    conf_level: float = 0.95,
    num_resamples: int = 100,
) -> dict[str, SobolIndices]:
    """Sobol indices of ``outcomes`` under ``strategy`` over the model's uncertainties.

    Parameters
    ----------
    model
        The vectorised model.
    strategy
        The strategy held fixed.
    outcomes
        Outcome names to analyse.
    n_base
        Base sample size ``N`` (a power of two); the model runs ``N * (d + 2)`` times.
    seed
        Seed of the Saltelli sample, the noise streams and the bootstrap.
    conf_level, num_resamples
        Bootstrap confidence level and number of resamples.

    Returns
    -------
    dict
        Outcome name -> :class:`SobolIndices`.
    """
    from SALib.analyze import sobol as sobol_analyze

    if n_base < 2 or n_base & (n_base - 1):
        raise InputError(
            f"the Sobol base sample size must be a power of two, not {n_base}",
            field="sobol",
            fix="use e.g. 512, 1024 or 4096.",
        )
    for o in outcomes:
        model.outcome(o)
    uncs = [u for u in model.uncertainties if u.bounds[0] != u.bounds[1]]
    fixed = [u for u in model.uncertainties if u.bounds[0] == u.bounds[1]]
    d = len(uncs)
    if d == 0:
        raise InputError("no uncertainty varies; Sobol indices need at least one")
    unit = sobol_unit_sample(d, n_base, seed).reshape(n_base, d + 2, d)
    levers = model.lever_values(strategy)
    blocks: list[dict[str, FloatArray]] = []
    for b in range(d + 2):
        u = unit[:, b, :]
        inputs: dict[str, Any] = {p.name: p.ppf(u[:, j]) for j, p in enumerate(uncs)}
        inputs.update({p.name: p.ppf(np.full(n_base, 0.5)) for p in fixed})
        inputs.update({k: np.full(n_base, float(v)) for k, v in model.constants.items()})
        inputs.update({k: np.full(n_base, v) for k, v in levers.items()})
        # A and AB_i share noise stream 0, B has stream 1 (see the module docstring)
        rng = noise_generator(seed, 1 if b == d + 1 else 0)
        out = model.function(inputs, rng)
        blocks.append({o: np.asarray(out[o], dtype=np.float64) for o in outcomes})
    names = [u.name for u in uncs]
    problem = {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}
    result: dict[str, SobolIndices] = {}
    for o in outcomes:
        y = np.stack([blk[o] for blk in blocks], axis=1).reshape(-1)
        if not np.isfinite(y).all():
            raise ValueError(f"outcome {o!r} has non-finite values; Sobol indices need finite ones")
        if float(np.var(y)) == 0.0:
            zeros = np.zeros(d)
            result[o] = SobolIndices(o, names, zeros, zeros, zeros, zeros, n_base, y.size)
            continue
        si = sobol_analyze.analyze(
            problem,
            y,
            calc_second_order=False,
            conf_level=conf_level,
            num_resamples=num_resamples,
            seed=seed,
        )
        result[o] = SobolIndices(
            outcome=o,
            names=list(names),
            S1=np.asarray(si["S1"], dtype=np.float64),
            S1_conf=np.asarray(si["S1_conf"], dtype=np.float64),
            ST=np.asarray(si["ST"], dtype=np.float64),
            ST_conf=np.asarray(si["ST_conf"], dtype=np.float64),
            n_base=n_base,
            n_evaluations=int(y.size),
        )
    return result
