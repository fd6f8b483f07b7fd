"""Models and experiment designs.

A :class:`Model` is a vectorised function ``f(inputs, rng) -> outcomes``: ``inputs``
maps every uncertainty, lever and constant to an array with one value per experiment
(categorical values arrive as integer codes), ``rng`` is a
:class:`numpy.random.Generator` for the model's own random events, and the result maps
every outcome name to an array of the same length.

A stochastic model must draw its random numbers in an order and a shape that do not
depend on the lever values.  The engine then gives every strategy the same generator
state for the same block of scenarios, so all strategies face the same futures
(common random numbers), and differences between strategies are not sampling noise.

A model function may also offer the strategies of a factorial design in one call, to
draw the random events once and not once per strategy: a method
``evaluate_strategies(inputs, levers, rng)``, where ``inputs`` maps the uncertainties
and constants to arrays of length ``N``, ``levers`` is a list with one mapping (lever
name -> value) per strategy, and the result maps every outcome to an array of shape
``(S, N)`` whose row ``s`` equals ``function({**inputs, **levers[s]}, rng')`` for a
generator ``rng'`` in ``rng``'s state.  The engine uses it when present.

An :class:`ExperimentDesign` says how many scenarios to sample, how, with which seed,
which strategies to try and how to combine them with the scenarios:

* ``factorial`` (default) -- every strategy in every scenario;
* ``zip`` -- scenario ``i`` with strategy ``i`` (one experiment per scenario, as the
  EMA Workbench's ``combine="sample"``), for sampled policies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.explore.parameters import (
    Categorical,
    Outcome,
    Parameter,
    Strategy,
    check_names,
)
from detente.explore.sampling import Sampler

__all__ = ["Combine", "ExperimentDesign", "Model", "ModelFunction"]

ModelFunction = Callable[
    [Mapping[str, npt.NDArray[Any]], np.random.Generator], Mapping[str, npt.NDArray[Any]]
]


class Combine(StrEnum):
    """How strategies are combined with scenarios."""

    FACTORIAL = "factorial"
    ZIP = "zip"


@dataclass(frozen=True)
class Model:
    """A vectorised model with its uncertainties, levers and outcomes.

    Parameters
    ----------
    name
        Display name.
    function
        ``f(inputs, rng) -> outcomes`` (see the module docstring).  It must be picklable
        (a module-level function or an instance of a module-level class) to run on Dask.
    uncertainties
        The sampled inputs.
    levers
        The strategy parameters; a strategy gives each a value (or keeps its default).
    outcomes
        The outputs to keep.
    constants
        Inputs held fixed (name -> value), passed as arrays like the others.
    """

    name: str
    function: ModelFunction
    uncertainties: tuple[Parameter, ...]
    levers: tuple[Parameter, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    constants: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [p.name for p in (*self.uncertainties, *self.levers)] + list(self.constants)
        seen: set[str] = set()
        for n in names:
            if n in seen:
                raise InputError(
                    f"input {n!r} is defined twice (as uncertainty, lever or constant)",
                    field=n,
                    fix="give each input one role.",
                )
            seen.add(n)
        if not self.outcomes:
            raise InputError("the model has no outcomes", fix="declare at least one outcome.")

    @property
    def uncertainty_names(self) -> list[str]:
        """Uncertainty names in order."""
        return [u.name for u in self.uncertainties]

    @property
    def lever_names(self) -> list[str]:
        """Lever names in order."""
        return [lever.name for lever in self.levers]

    @property
    def outcome_names(self) -> list[str]:
        """Outcome names in order."""
        return [o.name for o in self.outcomes]

    def outcome(self, name: str) -> Outcome:
        """The outcome called ``name``."""
        for o in self.outcomes:
            if o.name == name:
                return o
        check_names([name], self.outcome_names, what="outcome")
        raise AssertionError  # pragma: no cover

    def lever_values(self, strategy: Strategy) -> dict[str, float]:
        """Every lever's value under ``strategy`` (codes for categorical levers).

        Raises
        ------
        InputError
            For a lever the model does not have, or an unknown category.
        """
        check_names(strategy.levers, self.lever_names, what="lever")
        out: dict[str, float] = {}
        for lever in self.levers:
            if lever.name in strategy.levers:
                value = strategy.levers[lever.name]
                if isinstance(lever, Categorical):
                    out[lever.name] = (
                        float(value)
                        if isinstance(value, int | np.integer) and not isinstance(value, bool)
                        else float(lever.code(value))
                    )
                else:
                    if isinstance(value, bool) or not isinstance(value, int | float):
                        raise InputError(
                            f"strategy {strategy.name!r}: lever {lever.name!r} must be a "
                            f"number, not {value!r}",
                            field=lever.name,
                            fix="give a number.",
                        )
                    lo, hi = lever.bounds
                    if not lo <= float(value) <= hi:
                        raise InputError(
                            f"strategy {strategy.name!r}: lever {lever.name!r} = {value:g} "
                            f"is outside its range [{lo:g}, {hi:g}]",
                            field=lever.name,
                            fix="choose a value in the range, or widen the lever's range.",
                        )
                    out[lever.name] = float(value)
            else:
                out[lever.name] = float(lever.default)
        return out


@dataclass(frozen=True)
class ExperimentDesign:
    """What to run: scenarios, strategies, sampler, seed and chunking.

    Parameters
    ----------
    n_scenarios
        Number of sampled futures.
    strategies
        The strategies to evaluate.
    sampler
        ``lhs``, ``sobol`` or ``mc``.
    seed
        Master seed; chunk seeds derive from it (:func:`detente.explore.sampling.chunk_seed`).
    chunk_size
        Scenarios per chunk.  The chunking is part of the design (LHS strata and model
        noise streams are per chunk); the spread of chunks over workers is not.
    combine
        ``factorial`` or ``zip``.
    """

    n_scenarios: int
    strategies: tuple[Strategy, ...]
    sampler: Sampler = Sampler.LHS
    seed: int = 0
    chunk_size: int = 65_536
    combine: Combine = Combine.FACTORIAL

    def __post_init__(self) -> None:
        object.__setattr__(self, "sampler", Sampler.parse(self.sampler))
        try:
            object.__setattr__(self, "combine", Combine(self.combine))
        except ValueError:
            raise InputError(
                f"unknown combination rule {self.combine!r}", fix="use factorial or zip."
            ) from None
        object.__setattr__(self, "strategies", tuple(self.strategies))
        if self.n_scenarios < 1:
            raise InputError(
                f"the number of scenarios must be at least 1, not {self.n_scenarios}",
                field="scenarios",
                fix="ask for 1 or more scenarios.",
            )
        if self.chunk_size < 1:
            raise InputError(f"chunk size must be positive, not {self.chunk_size}")
        if not self.strategies:
            raise InputError("no strategies to evaluate", fix="give at least one strategy.")
        if self.seed < 0:
            raise InputError(
                f"the seed must be a non-negative integer, not {self.seed}",
                field="seed",
                fix="use e.g. --seed 1.",
            )
        names = [s.name for s in self.strategies]
        if len(set(names)) != len(names):
            raise InputError("two strategies have the same name", fix="rename one of them.")
        if self.combine is Combine.ZIP and len(self.strategies) != self.n_scenarios:
            raise InputError(
                f"combine='zip' pairs scenario i with strategy i, so it needs as many "
                f"strategies ({len(self.strategies)}) as scenarios ({self.n_scenarios})",
                fix="use combine='factorial', or give one strategy per scenario.",
            )

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return -(-self.n_scenarios // self.chunk_size)

    @property
    def n_experiments(self) -> int:
        """Number of model evaluations."""
        if self.combine is Combine.ZIP:
            return self.n_scenarios
        return self.n_scenarios * len(self.strategies)

    def chunk_bounds(self, k: int) -> tuple[int, int]:
        """First scenario of chunk ``k`` and one past its last."""
        start = k * self.chunk_size
        return start, min(start + self.chunk_size, self.n_scenarios)

    @property
    def strategy_names(self) -> list[str]:
        """Strategy names in order."""
        return [s.name for s in self.strategies]


def strategies_from(
    names: Sequence[str], levers: Mapping[str, Mapping[str, Any]]
) -> tuple[Strategy, ...]:
    """Build strategies from names and per-name lever values."""
    return tuple(Strategy(n, dict(levers.get(n, {}))) for n in names)
