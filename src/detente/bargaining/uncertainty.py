"""Sample a scenario's inputs from the uncertainties it declares.

A scenario may state how sure it is of each number (:class:`detente.scenario.Uncertainty`):

* ``Stance.uncertainty`` -- of an actor's position on an issue;
* ``Stance.salience_uncertainty`` -- of the salience;
* ``Actor.capability_uncertainty`` -- of the capability.

Each becomes one *uncertain input* (EMA Workbench vocabulary: an uncertainty) with a
distribution from :mod:`detente.explore.parameters`:

================================  ===============================================
stated                            distribution
================================  ===============================================
``{ sd = s }`` (default)          normal(point, s) truncated to the allowed range
``{ sd = s, distribution =        normal(point, s), then clipped to the allowed
"normal" }``                      range (the tails pile up at its ends)
``[low, high]`` (default)         uniform on [low, high]
``[low, high]`` + ``"triangular"``  triangular on [low, high], mode at the point
================================  ===============================================

The allowed range is the issue's scale for a position, ``[0, salience_max]`` for a
salience and ``[0, inf)`` for a capability.  A standard deviation of 0, or a range of
zero width, is no uncertainty: that input stays at its point value.

Sampling
--------
:func:`sample_inputs` draws ``n`` points of the unit hypercube (one dimension per
uncertain input) with :func:`detente.explore.sampling.sample_chunk` -- a Latin hypercube
(default), a scrambled Sobol sequence or plain Monte Carlo, in chunks of
:data:`CHUNK_SIZE` points seeded from the master seed -- and maps each column through
its input's inverse CDF.  The same seed gives the same draws bit for bit.  Inputs
without uncertainty keep their point values, so a scenario that states no uncertainty
gives ``n`` copies of its point inputs, and every model's forecast on each draw equals
its point forecast exactly.

``width`` multiplies every standard deviation and every range's distance from the point
value (``width=0``: no uncertainty, ``width=2``: twice as wide), to ask how much the
forecast depends on how sure the inputs are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.api import scenario_arrays
from detente.bargaining.base import BatchInputs, SeedLike
from detente.errors import InputError
from detente.limits import check_memory
from detente.scenario.arrays import ScenarioArrays
from detente.scenario.model import Scenario, Uncertainty

if TYPE_CHECKING:
    from detente.explore.parameters import Parameter

__all__ = [
    "CHUNK_SIZE",
    "InputKind",
    "UncertainInput",
    "batch_from_values",
    "master_seed",
    "resolved",
    "sample_inputs",
    "sample_values",
    "uncertain_inputs",
]

FloatArray = NDArray[np.float64]
InputKind = Literal["position", "salience", "capability"]

#: Points per sampling chunk (as :class:`detente.explore.ExperimentDesign`'s default):
#: a Latin hypercube is stratified within each chunk.
CHUNK_SIZE = 65_536


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain number of a scenario and its distribution.

    Attributes
    ----------
    kind
        ``position``, ``salience`` or ``capability``.
    actor, issue
        Whose number it is (``issue`` is ``None`` for a capability).
    actor_index, issue_index
        Indices into the scenario's arrays (``issue_index`` is -1 for a capability).
    point
        The point value stated in the scenario.
    lower, upper
        The allowed range: draws are truncated or clipped to it.
    parameter
        The distribution (:mod:`detente.explore.parameters`), on the input's own units.
    stated
        The uncertainty as stated in the scenario, in words.
    """

    kind: InputKind
    actor: str
    issue: str | None
    actor_index: int
    issue_index: int
    point: float
    lower: float
    upper: float
    parameter: Parameter
    stated: str

    @property
    def name(self) -> str:
        """A readable unique label, e.g. ``position TUR/troops`` or ``capability TUR``."""
        where = self.actor if self.issue is None else f"{self.actor}/{self.issue}"
        return f"{self.kind} {where}"

    @property
    def varies(self) -> bool:
        """False when the distribution is a single point."""
        lo, hi = self.parameter.bounds
        return hi > lo

    def values(self, u: FloatArray) -> FloatArray:
        """Values at unit-interval points ``u``, clipped to the allowed range."""
        x = np.asarray(self.parameter.ppf(np.asarray(u, dtype=np.float64)), dtype=np.float64)
        return np.clip(x, self.lower, self.upper)


def _describe(unc: Uncertainty) -> str:
    if unc.sd is not None:
        return f"sd {unc.sd:g} ({unc.distribution})"
    return f"range [{unc.low:g}, {unc.high:g}] ({unc.distribution})"


def _parameter(
    name: str,
    unc: Uncertainty,
    point: float,
    lower: float,
    upper: float,
    width: float,
    where: str,
) -> Parameter:
    """The distribution of one input (a :class:`Constant` when it does not vary)."""
    from detente.explore.parameters import Constant, Normal, Triangular, Uniform

    if unc.sd is not None:
        sd = unc.sd * width
        if sd <= 0:
            return Constant(name, point)
        if unc.distribution == "normal":
            return Normal(name, mean=point, sd=sd)
        hi = None if math.isinf(upper) else upper
        return Normal(name, mean=point, sd=sd, low=lower, high=hi)
    assert unc.low is not None and unc.high is not None
    if unc.low < lower - 1e-9 * max(1.0, abs(lower)) or unc.high > upper + 1e-9 * max(
        1.0, abs(upper)
    ):
        top = "inf" if math.isinf(upper) else f"{upper:g}"
        raise InputError(
            f"uncertainty range [{unc.low:g}, {unc.high:g}] leaves the allowed range "
            f"[{lower:g}, {top}]",
            field=where,
            fix=f"keep the range within [{lower:g}, {top}].",
        )
    lo = point - width * (point - unc.low)
    hi = point + width * (unc.high - point)
    if unc.distribution == "triangular":
        if not unc.low <= point <= unc.high:
            raise InputError(
                f"a triangular range [{unc.low:g}, {unc.high:g}] needs the point value "
                f"({point:g}) inside it, as its mode",
                field=where,
                fix="widen the range to include the point value, or use a uniform range.",
            )
        if hi <= lo:
            return Constant(name, point)
        return Triangular(name, low=lo, mode=point, high=hi)
    if hi <= lo:
        return Constant(name, lo)
    return Uniform(name, low=lo, high=hi)


def uncertain_inputs(
    scenario: Scenario, *, width: float = 1.0, arrays: ScenarioArrays | None = None
) -> list[UncertainInput]:
    """Every uncertain number the scenario states, with its distribution.

    Parameters
    ----------
    scenario
        The scenario (data capabilities are resolved to find capability point values).
    width
        Multiplier of every standard deviation and range (see the module docstring).
    arrays
        The scenario's arrays, if already built.

    Returns
    -------
    list of UncertainInput
        Capabilities first (actor order), then stances (file order: position, then
        salience).  Inputs whose distribution is a point are included; see
        :attr:`UncertainInput.varies`.

    Raises
    ------
    InputError
        For a negative or non-finite ``width``, a salience or capability range that
        leaves its allowed range, or a triangular range without the point value in it.
    """
    if not (math.isfinite(width) and width >= 0):
        raise InputError(
            f"the uncertainty width must be a finite number >= 0, not {width!r}",
            field="width",
            fix="use 1 for the stated uncertainties, 0 for none, 2 for twice as wide.",
        )
    arr = scenario_arrays(scenario) if arrays is None else arrays
    a_idx = {a: n for n, a in enumerate(arr.actor_ids)}
    i_idx = {i: n for n, i in enumerate(arr.issue_ids)}
    out: list[UncertainInput] = []
    for n, actor in enumerate(scenario.actors):
        unc = actor.capability_uncertainty
        if unc is None:
            continue
        point = float(arr.capabilities[a_idx[actor.id]])
        where = f"actors[{n}].capability_uncertainty"
        name = f"capability {actor.id}"
        param = _parameter(name, unc, point, 0.0, math.inf, width, where)
        out.append(
            UncertainInput(
                "capability",
                actor.id,
                None,
                a_idx[actor.id],
                -1,
                point,
                0.0,
                math.inf,
                param,
                _describe(unc),
            )
        )
    smax = float(arr.salience_max)
    for n, st in enumerate(scenario.stances):
        a, j = a_idx[st.actor], i_idx[st.issue]
        lo, hi = float(arr.lower[j]), float(arr.upper[j])
        for kind, unc, point, lower, upper, fld in (
            ("position", st.uncertainty, st.position, lo, hi, "uncertainty"),
            ("salience", st.salience_uncertainty, st.salience, 0.0, smax, "salience_uncertainty"),
        ):
            if unc is None:
                continue
            name = f"{kind} {st.actor}/{st.issue}"
            param = _parameter(name, unc, float(point), lower, upper, width, f"stances[{n}].{fld}")
            out.append(
                UncertainInput(
                    kind,  # type: ignore[arg-type]
                    st.actor,
                    st.issue,
                    a,
                    j,
                    float(point),
                    lower,
                    upper,
                    param,
                    _describe(unc),
                )
            )
    return out


def resolved(scenario: Scenario) -> Scenario:
    """The scenario with data-reference capabilities resolved (itself if none are).

    Batched work on one scenario resolves once, rather than in every model call.
    """
    if not scenario.unresolved_actors:
        return scenario
    from detente.data import resolve_capabilities

    out = resolve_capabilities(scenario)
    assert isinstance(out, Scenario)
    return out


def master_seed(seed: SeedLike) -> int:
    """A non-negative integer master seed from a seed, a generator or ``None``.

    An integer is used as it is; a generator gives one draw (so the same generator
    state gives the same master seed); ``None`` takes fresh entropy from the OS.

    Raises
    ------
    InputError
        For a negative integer seed.
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if seed is None:
        return int(np.random.SeedSequence().entropy) % 2**63  # type: ignore[arg-type]
    if isinstance(seed, bool) or int(seed) < 0:
        raise InputError(
            f"the seed must be a non-negative integer, not {seed!r}",
            field="seed",
            fix="use e.g. --seed 1.",
        )
    return int(seed)


def sample_values(
    inputs: Sequence[UncertainInput],
    n: int,
    seed: SeedLike = None,
    *,
    method: str = "lhs",
) -> FloatArray:
    """``(n, d)`` draws of the varying inputs (columns in the order of ``inputs``).

    Parameters
    ----------
    inputs
        The uncertain inputs; those that do not vary get their point value.
    n
        Number of draws.
    seed
        Master seed (or generator; ``None``: fresh entropy).
    method
        ``lhs`` (Latin hypercube, default), ``sobol`` or ``mc`` (Monte Carlo).

    Returns
    -------
    numpy.ndarray
        Values on each input's own units.
    """
    from detente.explore.sampling import Sampler, sample_chunk

    sampler = Sampler.parse(method)
    if isinstance(n, bool) or int(n) < 1:
        raise InputError(
            f"the number of draws must be at least 1, not {n!r}",
            field="draws",
            fix="ask for 1 or more draws, e.g. --draws 1000.",
        )
    n = int(n)
    master = master_seed(seed)
    varying = [k for k, u in enumerate(inputs) if u.varies]
    out = np.empty((n, len(inputs)))
    for k, u in enumerate(inputs):
        if not u.varies:
            out[:, k] = u.values(np.full(1, 0.5))[0]
    if varying:
        for c, start in enumerate(range(0, n, CHUNK_SIZE)):
            stop = min(start + CHUNK_SIZE, n)
            unit = sample_chunk(sampler, len(varying), start, stop, master, c)
            for col, k in enumerate(varying):
                out[start:stop, k] = inputs[k].values(unit[:, col])
    return out


def batch_from_values(
    arrays: ScenarioArrays, inputs: Sequence[UncertainInput], values: FloatArray
) -> BatchInputs:
    """Batched inputs: the point arrays with the uncertain numbers set to ``values``.

    Parameters
    ----------
    arrays
        The scenario's point arrays.
    inputs
        The uncertain inputs (``d`` of them).
    values
        ``(R, d)`` values, one column per input.

    Returns
    -------
    BatchInputs
        ``R`` replicates.
    """
    vals = np.asarray(values, dtype=np.float64)
    r = int(vals.shape[0])
    n, k = arrays.positions.shape
    pos = np.broadcast_to(arrays.positions, (r, n, k)).copy()
    sal = np.broadcast_to(arrays.saliences, (r, n, k)).copy()
    cap = np.broadcast_to(arrays.capabilities, (r, n)).copy()
    for col, u in enumerate(inputs):
        if u.kind == "capability":
            cap[:, u.actor_index] = vals[:, col]
        elif u.kind == "position":
            pos[:, u.actor_index, u.issue_index] = vals[:, col]
        else:
            sal[:, u.actor_index, u.issue_index] = vals[:, col]
    return BatchInputs.from_arrays(arrays, positions=pos, saliences=sal, capabilities=cap)


def sample_inputs(
    scenario: Scenario,
    n: int,
    seed: SeedLike = None,
    *,
    method: str = "lhs",
    width: float = 1.0,
) -> BatchInputs:
    """``n`` draws of a scenario's inputs from the uncertainties it states.

    Parameters
    ----------
    scenario
        The scenario (data capabilities are resolved).
    n
        Number of draws ``R``.
    seed
        Master seed or generator; the same seed gives the same draws bit for bit.
        ``None`` takes fresh entropy (not reproducible).
    method
        ``lhs`` (default), ``sobol`` or ``mc``.
    width
        Multiplier of every stated standard deviation and range (1: as stated).

    Returns
    -------
    BatchInputs
        ``(R, n, k)`` positions and saliences and ``(R, n)`` capabilities; numbers
        without an uncertainty keep their point values in every draw.

    Raises
    ------
    InputError
        For ``n < 1``, an unknown method, a bad width or an impossible range.

    Examples
    --------
    >>> from detente.scenario import load_scenario                  # doctest: +SKIP
    >>> draws = sample_inputs(load_scenario("examples/europe_turkey.toml"), 1000, seed=1)
    >>> forecast_batch(scenario, "mean", draws).outcome.shape       # (1000, 6)
    """
    arrays = scenario_arrays(scenario)
    inputs = [u for u in uncertain_inputs(scenario, width=width, arrays=arrays) if u.varies]
    if isinstance(n, int) and not isinstance(n, bool) and n > 0:
        # the draws: positions, saliences, presence (R, n, k) and capabilities, with
        # the sampler's unit values and temporaries
        na, k = arrays.n_actors, arrays.n_issues
        check_memory(
            8.0 * n * (4 * na * k + 2 * na + 3 * len(inputs)) + 2**20,
            what="drawing the inputs",
            size=f"{n:,} draws of {na:,} actors x {k:,} issues",
            fix="use fewer draws (--draws).",
            field="--draws",
        )
    if not inputs:
        # validate n and the method even when nothing varies
        sample_values([], n, 0, method=method)
        return BatchInputs.from_arrays(arrays, replicates=int(n))
    values = sample_values(inputs, n, seed, method=method)
    return batch_from_values(arrays, inputs, values)
