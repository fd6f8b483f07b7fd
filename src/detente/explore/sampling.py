"""Unit-hypercube samplers: Latin hypercube, Sobol and Monte Carlo.

Every sampler returns points of ``[0, 1)^d``; parameters map them to values with their
inverse CDF (:meth:`detente.explore.parameters.Parameter.ppf`).

Chunking and seeds
------------------
A design of ``n`` scenarios is produced in chunks of ``chunk_size`` scenarios.  The seed
of chunk ``k`` is ``numpy.random.SeedSequence(master).spawn(k + 1)[k]``'s state (computed
directly, without spawning ``k`` siblings), so chunk ``k`` is the same whichever process
draws it and however the chunks are spread over workers.

* ``mc`` -- independent uniforms from the chunk's generator.
* ``lhs`` -- a Latin hypercube (McKay, Beckman & Conover 1979) of the chunk's size,
  from :class:`scipy.stats.qmc.LatinHypercube` seeded by the chunk: every chunk is
  stratified on its own (a full design of 10 million points would not fit in memory).
* ``sobol`` -- one scrambled Sobol sequence (Owen scrambling) for the whole design,
  seeded by the master seed; chunk ``k`` fast-forwards to its first point, so the union
  of the chunks is exactly the sequence's first ``n`` points.
"""

from __future__ import annotations

import warnings
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.stats import qmc

from detente.errors import InputError

__all__ = ["Sampler", "chunk_seed", "sample_chunk"]

FloatArray = npt.NDArray[np.float64]


class Sampler(StrEnum):
    """The sampling methods."""

    LHS = "lhs"
    SOBOL = "sobol"
    MC = "mc"

    @classmethod
    def parse(cls, value: str | Sampler, *, field: str = "sampler") -> Sampler:
        """Parse a sampler name; an unknown one raises :class:`InputError` naming ``field``."""
        try:
            return cls(str(value).lower())
        except ValueError:
            raise InputError(
                f"unknown sampler {value!r}",
                field=field,
                fix="use one of lhs, sobol, mc.",
            ) from None


def chunk_seed(master: int, chunk: int) -> np.random.SeedSequence:
    """The seed sequence of chunk ``chunk`` under master seed ``master``.

    Equal to ``SeedSequence(master).spawn(chunk + 1)[chunk]``.

    Parameters
    ----------
    master
        The master seed (a non-negative integer).
    chunk
        The chunk index (0-based).

    Returns
    -------
    numpy.random.SeedSequence
        The chunk's own seed sequence.
    """
    return np.random.SeedSequence(entropy=master, spawn_key=(chunk,))


def sample_chunk(
    method: Sampler | str, d: int, start: int, stop: int, master: int, chunk: int
) -> FloatArray:
    """Points ``start..stop-1`` of a design of ``d`` dimensions, as chunk ``chunk``.

    Parameters
    ----------
    method
        ``lhs``, ``sobol`` or ``mc``.
    d
        Number of dimensions (uncertainties).
    start, stop
        The chunk's first point and one past its last.
    master
        The design's master seed.
    chunk
        The chunk index; its seed is :func:`chunk_seed` ``(master, chunk)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(stop - start, d)``, values in ``[0, 1)``.
    """
    method = Sampler.parse(method)
    n = stop - start
    if d == 0:
        return np.empty((n, 0))
    if method is Sampler.SOBOL:
        engine = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(master))
        if start:
            engine.fast_forward(start)
        with warnings.catch_warnings():
            # balance properties want powers of two; any n is still a valid QMC set
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(engine.random(n), dtype=np.float64)
    rng = np.random.default_rng(chunk_seed(master, chunk))
    if method is Sampler.LHS:
        return np.asarray(qmc.LatinHypercube(d, rng=rng).random(n), dtype=np.float64)
    return rng.random((n, d))
