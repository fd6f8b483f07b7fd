"""Uncertainties, levers, outcomes and strategies: the vocabulary of exploratory modelling.

The names follow the EMA Workbench (Kwakkel 2017, *Environmental Modelling & Software*
96: 239-250): an **uncertainty** is a model input whose value the analyst cannot know
(a future), a **lever** is an input the decision maker sets (a strategy's parameter),
an **outcome** is a model output that is to be maximised, minimised or only reported.

Every parameter maps a point of the unit interval to a value through its inverse
cumulative distribution function (:meth:`Parameter.ppf`), so one unit-hypercube sample
(Latin hypercube, Sobol or Monte Carlo) serves every distribution.
"""

from __future__ import annotations

import abc
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from detente.errors import InputError

__all__ = [
    "Categorical",
    "Constant",
    "Direction",
    "Integer",
    "Normal",
    "Outcome",
    "Parameter",
    "Strategy",
    "Triangular",
    "Uniform",
    "suggest",
]

FloatArray = npt.NDArray[np.float64]


def suggest(name: str, known: Iterable[str]) -> str:
    """A "did you mean" hint for an unknown ``name`` (empty when nothing is close).

    Parameters
    ----------
    name
        The unknown name.
    known
        The valid names.

    Returns
    -------
    str
        ``"did you mean 'x'?"`` or an empty string.
    """
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


def _finite(name: str, **values: float) -> None:
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(
                f"{key} of parameter {name!r} must be a number, not {value!r}",
                field=name,
                fix=f"write {key} as a number.",
            )
        if not math.isfinite(value):
            raise InputError(
                f"{key} of parameter {name!r} must be finite, not {value}",
                field=name,
                fix=f"give a finite {key}.",
            )


@dataclass(frozen=True)
class Parameter(abc.ABC):
    """Base class of every input: a name, a distribution and its documentation.

    Subclasses implement :meth:`ppf`, mapping points of ``[0, 1)`` to values.
    """

    name: str

    @property
    def kind(self) -> str:
        """The distribution's name."""
        return type(self).__name__.lower()

    @property
    def is_numeric(self) -> bool:
        """True unless the parameter takes categories."""
        return True

    @abc.abstractmethod
    def ppf(self, u: FloatArray) -> npt.NDArray[Any]:
        """Values at the unit-interval points ``u`` (the inverse CDF).

        Parameters
        ----------
        u
            Points of ``[0, 1)``, any shape.

        Returns
        -------
        numpy.ndarray
            Values of the same shape.
        """

    @property
    @abc.abstractmethod
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value the parameter can take."""

    @property
    def default(self) -> Any:
        """The value used when the parameter is not sampled (the median)."""
        return self.ppf(np.array([0.5]))[0].item()


@dataclass(frozen=True)
class Uniform(Parameter):
    """A real value drawn uniformly from ``[low, high]``."""

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        _finite(self.name, low=self.low, high=self.high)
        if self.low > self.high:
            raise InputError(
                f"range of {self.name!r} is inverted: low {self.low:g} > high {self.high:g}",
                field=self.name,
                fix="swap low and high.",
            )

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF of the uniform distribution (see :meth:`Parameter.ppf`)."""
        return self.low + (self.high - self.low) * np.asarray(u, dtype=np.float64)

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))


@dataclass(frozen=True)
class Triangular(Parameter):
    """A real value from the triangular distribution on ``[low, high]`` with ``mode``."""

    low: float = 0.0
    mode: float = 0.5
    high: float = 1.0

    def __post_init__(self) -> None:
        _finite(self.name, low=self.low, mode=self.mode, high=self.high)
        if self.low > self.high:
            raise InputError(
                f"range of {self.name!r} is inverted: low {self.low:g} > high {self.high:g}",
                field=self.name,
                fix="swap low and high.",
            )
        if not self.low <= self.mode <= self.high:
            raise InputError(
                f"mode {self.mode:g} of {self.name!r} lies outside its range "
                f"[{self.low:g}, {self.high:g}]",
                field=self.name,
                fix="put the mode between low and high.",
            )

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF of the triangular distribution (closed form)."""
        u = np.asarray(u, dtype=np.float64)
        a, c, b = float(self.low), float(self.mode), float(self.high)
        if b == a:
            return np.full(u.shape, a)
        fc = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < fc, left, right)

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))


@dataclass(frozen=True)
class Normal(Parameter):
    """A real value from a normal distribution, optionally truncated to ``[low, high]``."""

    mean: float = 0.0
    sd: float = 1.0
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        _finite(self.name, mean=self.mean, sd=self.sd)
        if self.sd <= 0:
            raise InputError(
                f"standard deviation of {self.name!r} must be positive, not {self.sd:g}",
                field=self.name,
                fix="give sd > 0 (or fix the parameter to a value).",
            )
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if self.low is not None:
            _finite(self.name, low=self.low)
        if self.high is not None:
            _finite(self.name, high=self.high)
        if lo >= hi:
            raise InputError(
                f"truncation range of {self.name!r} is empty: low {lo:g} >= high {hi:g}",
                field=self.name,
                fix="make low smaller than high.",
            )

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF of the (truncated) normal distribution."""
        u = np.asarray(u, dtype=np.float64)
        if self.low is None and self.high is None:
            return np.asarray(stats.norm.ppf(u, loc=self.mean, scale=self.sd), dtype=np.float64)
        a = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        b = np.inf if self.high is None else (self.high - self.mean) / self.sd
        out = stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
        return np.asarray(out, dtype=np.float64)

    @property
    def bounds(self) -> tuple[float, float]:
        """Truncation bounds, or mean ± 4 sd when untruncated."""
        lo = self.mean - 4 * self.sd if self.low is None else self.low
        hi = self.mean + 4 * self.sd if self.high is None else self.high
        return (float(lo), float(hi))


@dataclass(frozen=True)
class Integer(Parameter):
    """An integer drawn uniformly from ``low, low + 1, ..., high`` (both included)."""

    low: int = 0
    high: int = 1

    def __post_init__(self) -> None:
        _finite(self.name, low=self.low, high=self.high)
        if int(self.low) != self.low or int(self.high) != self.high:
            raise InputError(
                f"integer parameter {self.name!r} needs whole-number bounds, "
                f"not [{self.low}, {self.high}]",
                field=self.name,
                fix="round low and high to integers, or use a uniform distribution.",
            )
        if self.low > self.high:
            raise InputError(
                f"range of {self.name!r} is inverted: low {self.low} > high {self.high}",
                field=self.name,
                fix="swap low and high.",
            )

    def ppf(self, u: FloatArray) -> npt.NDArray[np.int64]:
        """Map ``u`` to equally likely integers."""
        u = np.asarray(u, dtype=np.float64)
        span = int(self.high) - int(self.low) + 1
        k = np.minimum(np.floor(u * span), span - 1).astype(np.int64)
        return int(self.low) + k

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))


@dataclass(frozen=True)
class Categorical(Parameter):
    """One of a list of categories, equally likely.  Values are category codes 0..k-1."""

    categories: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if len(self.categories) == 0:
            raise InputError(
                f"categorical parameter {self.name!r} has no categories",
                field=self.name,
                fix="list at least one category.",
            )
        if len(set(map(str, self.categories))) != len(self.categories):
            raise InputError(
                f"categorical parameter {self.name!r} lists a category twice",
                field=self.name,
                fix="list each category once.",
            )

    @property
    def is_numeric(self) -> bool:
        """False: the values are category codes."""
        return False

    def ppf(self, u: FloatArray) -> npt.NDArray[np.int64]:
        """Map ``u`` to category codes ``0..k-1`` (equally likely)."""
        u = np.asarray(u, dtype=np.float64)
        k = len(self.categories)
        return np.minimum(np.floor(u * k), k - 1).astype(np.int64)

    def code(self, category: Any) -> int:
        """The code of ``category``; raises :class:`InputError` if unknown."""
        names = [str(c) for c in self.categories]
        if str(category) not in names:
            hint = suggest(str(category), names)
            raise InputError(
                f"{category!r} is not a category of {self.name!r} ({', '.join(names)})",
                field=self.name,
                fix=hint or f"use one of {names}.",
            )
        return names.index(str(category))

    @property
    def bounds(self) -> tuple[float, float]:
        """``(0, k - 1)`` in codes."""
        return (0.0, float(len(self.categories) - 1))

    @property
    def default(self) -> Any:
        """The first category's code."""
        return 0


@dataclass(frozen=True)
class Constant(Parameter):
    """A parameter held at one value (not sampled)."""

    value: float = 0.0

    def __post_init__(self) -> None:
        _finite(self.name, value=self.value)

    def ppf(self, u: FloatArray) -> FloatArray:
        """The constant, broadcast to the shape of ``u``."""
        return np.full(np.shape(u), float(self.value))

    @property
    def bounds(self) -> tuple[float, float]:
        """``(value, value)``."""
        return (float(self.value), float(self.value))


class Direction(StrEnum):
    """What the decision maker wants of an outcome."""

    MAXIMIZE = "maximize"
    MINIMIZE = "minimize"
    INFO = "info"


@dataclass(frozen=True)
class Outcome:
    """A model output.

    Parameters
    ----------
    name
        Key in the model's returned dict.
    direction
        maximise, minimise or info (reported, not judged).
    threshold
        Satisficing threshold: a future is acceptable for this outcome when the value
        is at least (maximise) or at most (minimise) the threshold.
    description
        One line for tables and reports.
    """

    name: str
    direction: Direction = Direction.INFO
    threshold: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "direction", Direction(self.direction))
        except ValueError:
            raise InputError(
                f"outcome {self.name!r}: unknown direction {self.direction!r}",
                field=self.name,
                fix="use maximize, minimize or info.",
            ) from None

    @property
    def sign(self) -> float:
        """+1 for maximise, -1 for minimise (0 for info)."""
        if self.direction is Direction.MAXIMIZE:
            return 1.0
        if self.direction is Direction.MINIMIZE:
            return -1.0
        return 0.0

    def satisfied(self, values: FloatArray) -> npt.NDArray[np.bool_]:
        """Where ``values`` meet the threshold (all True when there is none)."""
        values = np.asarray(values)
        if self.threshold is None or self.direction is Direction.INFO:
            return np.ones(values.shape, dtype=bool)
        if self.direction is Direction.MAXIMIZE:
            return np.asarray(values >= self.threshold)
        return np.asarray(values <= self.threshold)


@dataclass(frozen=True)
class Strategy:
    """A named policy: one value for each lever.

    Parameters
    ----------
    name
        Display name, e.g. ``"integration"``.
    levers
        Lever name -> value.  Categorical levers take the category's code or name.
    """

    name: str
    levers: Mapping[str, Any] = field(default_factory=dict)


def check_names(
    given: Iterable[str], known: Sequence[str], *, what: str, file: str | None = None
) -> None:
    """Raise :class:`InputError` for every name in ``given`` that is not in ``known``.

    Parameters
    ----------
    given
        Names supplied by the user.
    known
        The valid names.
    what
        What the names are ("parameter", "lever", ...), for the message.
    file
        The input file, if any.
    """
    from detente.errors import Problem

    problems = []
    for name in given:
        if name not in known:
            hint = suggest(name, known)
            problems.append(
                Problem(
                    f"unknown {what} {name!r}",
                    file=file,
                    field=name,
                    fix=hint or f"known {what}s: {', '.join(known)}.",
                )
            )
    if problems:
        raise InputError(problems)
