"""The forecast interface: results, batched inputs, parameter schemas and the model registry.

Every negotiation model in detente plugs in here.  A model is a :class:`ModelSpec`: a
name, a point function (one scenario -> :class:`Forecast`), a batch function (``R``
variants of one scenario -> :class:`BatchForecast`), a schema of its parameters
(:class:`ParamSpec`) and the citation of its source.  :func:`register` adds a model to
the registry; :func:`get_model` and :func:`list_models` read it.

Positions are on each issue's own scale in and out of every model
(``ScenarioArrays.lower`` / ``upper``); a model that works on [0, 1] internally converts
at its boundary.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.errors import InputError
from detente.scenario.arrays import ScenarioArrays

__all__ = [
    "BatchFn",
    "BatchForecast",
    "BatchInputs",
    "Forecast",
    "ModelSpec",
    "ParamSpec",
    "PointFn",
    "SeedLike",
    "check_model_memory",
    "closed_form_bytes",
    "get_model",
    "list_models",
    "register",
    "resolve_params",
    "seed_value",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: What every stochastic function accepts as a seed.
SeedLike = int | np.random.Generator | None

TRAJECTORY_COLUMNS = ("model", "turn", "actor", "dimension", "position")


def seed_value(seed: SeedLike) -> int | None:
    """The integer seed to record in a result (``None`` for a Generator or no seed)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return None
    return int(seed)


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forecast:
    """The forecast of one model on one scenario.

    Attributes
    ----------
    model
        Registry name of the model (``"eum"``, ``"mean"``...).
    scenario_id
        Id of the scenario forecast.
    actor_ids, issue_ids
        Labels of the actor and issue axes.
    outcome
        ``(k,)`` predicted outcome of each issue, on the issue's own scale; NaN where
        the model can give none (see ``notes``).
    trajectory
        ``(T+1, n, k)`` every actor's position at every turn (turn 0 = initial
        positions), on the issues' own scales, NaN where an actor has no stance;
        ``None`` for closed-form models.
    rounds
        Number of rounds (turns) run; 0 for closed-form models.
    converged
        True when the model reached its stopping rule (closed-form models: True).
    stop_reason
        Why the model stopped, in words.
    events
        One row per challenge, offer or bargain (iterative models), else ``None``.
    params
        Every parameter actually used, defaults included.
    seed
        The seed used, if any.
    notes
        Remarks a user must see: degenerate input, non-convergence...
    diagnostics
        Model-specific per-round details (e.g. the expected-utility model's risk
        exponents and median/mean forecasts by round).
    """

    model: str
    scenario_id: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    outcome: FloatArray
    trajectory: FloatArray | None = None
    rounds: int = 0
    converged: bool = True
    stop_reason: str = "closed-form solution"
    events: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    notes: tuple[str, ...] = ()
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def outcome_by_issue(self) -> dict[str, float]:
        """The outcome as ``{issue_id: value}``."""
        return {i: float(v) for i, v in zip(self.issue_ids, self.outcome, strict=True)}

    def to_trajectory_frame(self, initial: FloatArray | None = None) -> pd.DataFrame:
        """Tidy positions by turn: columns ``model,turn,actor,dimension,position``.

        ``dimension`` is the 0-based issue index.  Rows where an actor has no stance
        are left out.  A closed-form model (no trajectory) gives turn 0 only, from
        ``initial`` when given; without either the frame is empty.

        Parameters
        ----------
        initial
            ``(n, k)`` initial positions, used when the forecast has no trajectory.

        Returns
        -------
        pandas.DataFrame
        """
        traj = self.trajectory
        if traj is None:
            if initial is None:
                return pd.DataFrame({c: [] for c in TRAJECTORY_COLUMNS})
            traj = np.asarray(initial, dtype=np.float64)[None]
        t, n, k = traj.shape
        turn, actor, dim = np.meshgrid(np.arange(t), np.arange(n), np.arange(k), indexing="ij")
        flat = traj.reshape(-1)
        keep = ~np.isnan(flat)
        names = np.asarray(self.actor_ids, dtype=object)
        return pd.DataFrame(
            {
                "model": self.model,
                "turn": turn.reshape(-1)[keep],
                "actor": names[actor.reshape(-1)[keep]],
                "dimension": dim.reshape(-1)[keep],
                "position": flat[keep],
            }
        )


@dataclass(frozen=True, eq=False)
class BatchForecast:
    """Forecasts of one model on ``R`` variants (replicates) of one scenario.

    Attributes
    ----------
    model
        Registry name of the model.
    actor_ids, issue_ids
        Labels of the actor and issue axes.
    outcome
        ``(R, k)`` predicted outcomes.
    rounds
        ``(R,)`` rounds run in each replicate (0 for closed-form models).
    converged
        ``(R,)`` whether each replicate met its stopping rule.
    params
        Every parameter used.
    seed
        The seed used, if any.
    trajectory
        ``(R, T+1, n, k)`` positions by turn, when asked for.
    final_positions
        ``(R, n, k)`` positions after the last round (iterative models).
    notes
        Remarks that apply to the batch (counts of degenerate replicates...).
    """

    model: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    outcome: FloatArray
    rounds: IntArray
    converged: BoolArray
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    trajectory: FloatArray | None = None
    final_positions: FloatArray | None = None
    notes: tuple[str, ...] = ()

    @property
    def n_replicates(self) -> int:
        """Number of replicates ``R``."""
        return int(self.outcome.shape[0])


@dataclass(frozen=True, eq=False)
class BatchInputs:
    """``R`` variants of one scenario's numbers, as arrays (the Monte Carlo form).

    Attributes
    ----------
    positions
        ``(R, n, k)`` positions on each issue's own scale (NaN where no stance).
    saliences
        ``(R, n, k)`` saliences on 0..``salience_max`` (0 where no stance).
    capabilities
        ``(R, n)`` capabilities (non-negative).
    has_stance
        ``(n, k)`` True where the actor takes part in the issue.
    lower, upper
        ``(k,)`` scale bounds.
    status_quo
        ``(k,)`` status quo of each issue (NaN where none).
    salience_max
        Top of the salience scale.
    actor_ids, issue_ids
        Axis labels.
    stance_capabilities
        ``(n, k)`` a stance's own capability (decide's per-issue power) where it gives
        one, NaN elsewhere, or ``None``.  It is a fixed number: the actor's capability
        draws apply to the issues where the actor uses its own capability.
    stance_index
        ``(n, k)`` each stance's rank in its file (-1 where none), or ``None``.
    """

    positions: FloatArray
    saliences: FloatArray
    capabilities: FloatArray
    has_stance: BoolArray
    lower: FloatArray
    upper: FloatArray
    status_quo: FloatArray
    salience_max: float
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    stance_capabilities: FloatArray | None = None
    stance_index: IntArray | None = None

    def __post_init__(self) -> None:
        r, n, k = self.positions.shape
        problems = []
        if self.saliences.shape != (r, n, k):
            problems.append(f"saliences have shape {self.saliences.shape}, not {(r, n, k)}")
        if self.capabilities.shape != (r, n):
            problems.append(f"capabilities have shape {self.capabilities.shape}, not {(r, n)}")
        if self.has_stance.shape != (n, k):
            problems.append(f"has_stance has shape {self.has_stance.shape}, not {(n, k)}")
        for name in ("lower", "upper", "status_quo"):
            if getattr(self, name).shape != (k,):
                problems.append(f"{name} has shape {getattr(self, name).shape}, not {(k,)}")
        if len(self.actor_ids) != n or len(self.issue_ids) != k:
            problems.append("actor_ids/issue_ids do not match the array shapes")
        for name in ("stance_capabilities", "stance_index"):
            extra = getattr(self, name)
            if extra is not None and extra.shape != (n, k):
                problems.append(f"{name} has shape {extra.shape}, not {(n, k)}")
        if problems:
            raise InputError("; ".join(problems), field="BatchInputs")

    def capability_matrix(self) -> FloatArray:
        """``(R, n, k)`` each actor's capability on each issue in each replicate.

        The actor's (drawn) capability, replaced by a stance's own capability where it
        gives one.
        """
        base = np.broadcast_to(self.capabilities[:, :, None], self.positions.shape)
        if self.stance_capabilities is None:
            return base
        own = self.stance_capabilities[None]
        return np.where(np.isnan(own), base, own)

    @property
    def n_replicates(self) -> int:
        """Number of replicates ``R``."""
        return int(self.positions.shape[0])

    @property
    def n_actors(self) -> int:
        """Number of actors ``n``."""
        return int(self.positions.shape[1])

    @property
    def n_issues(self) -> int:
        """Number of issues ``k``."""
        return int(self.positions.shape[2])

    @property
    def span(self) -> FloatArray:
        """``upper - lower`` per issue."""
        return self.upper - self.lower

    @classmethod
    def from_arrays(
        cls,
        arrays: ScenarioArrays,
        *,
        positions: FloatArray | None = None,
        saliences: FloatArray | None = None,
        capabilities: FloatArray | None = None,
        replicates: int | None = None,
    ) -> BatchInputs:
        """Build batched inputs from a scenario's arrays and optional draws.

        Parameters
        ----------
        arrays
            The scenario's numeric view (point values).
        positions, saliences
            ``(R, n, k)`` draws; the point values are repeated when omitted.
        capabilities
            ``(R, n)`` draws; the point values are repeated when omitted.
        replicates
            ``R`` when no draws are given (default 1).

        Returns
        -------
        BatchInputs
        """
        given = [a for a in (positions, saliences, capabilities) if a is not None]
        r = int(given[0].shape[0]) if given else int(replicates or 1)
        n, k = arrays.positions.shape
        has = np.asarray(arrays.has_stance, dtype=bool)

        def _rep3(x: FloatArray | None, base: FloatArray) -> FloatArray:
            if x is None:
                return np.broadcast_to(base, (r, n, k)).copy()
            return np.asarray(x, dtype=np.float64)

        pos = _rep3(positions, arrays.positions)
        sal = _rep3(saliences, arrays.saliences)
        cap = (
            np.broadcast_to(arrays.capabilities, (r, n)).copy()
            if capabilities is None
            else np.asarray(capabilities, dtype=np.float64)
        )
        pos = np.where(has, pos, np.nan)
        sal = np.where(has, sal, 0.0)
        return cls(
            positions=pos,
            saliences=sal,
            capabilities=cap,
            has_stance=has,
            lower=np.asarray(arrays.lower, dtype=np.float64),
            upper=np.asarray(arrays.upper, dtype=np.float64),
            status_quo=np.asarray(arrays.status_quo, dtype=np.float64),
            salience_max=float(arrays.salience_max),
            actor_ids=tuple(arrays.actor_ids),
            issue_ids=tuple(arrays.issue_ids),
            stance_capabilities=arrays.stance_capabilities,
            stance_index=arrays.stance_index,
        )

    def replicate(self, index: int) -> ScenarioArrays:
        """Replicate ``index`` as a :class:`ScenarioArrays` (for the point form)."""
        return ScenarioArrays(
            actor_ids=self.actor_ids,
            issue_ids=self.issue_ids,
            positions=self.positions[index].copy(),
            saliences=self.saliences[index].copy(),
            capabilities=self.capabilities[index].copy(),
            lower=self.lower.copy(),
            upper=self.upper.copy(),
            status_quo=self.status_quo.copy(),
            has_stance=self.has_stance.copy(),
            salience_max=self.salience_max,
            stance_capabilities=self.stance_capabilities,
            stance_index=self.stance_index,
        )


# -- parameters --------------------------------------------------------------------------

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _exact_int(value: Any, approx: float) -> int:
    """An integer parameter without going through a float when it is written exactly."""
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return int(approx)


@dataclass(frozen=True)
class ParamSpec:
    """One model parameter: its name, type, default, allowed values and meaning.

    Attributes
    ----------
    name
        The key users write (``--param name=value``).
    kind
        ``float``, ``int``, ``bool`` or ``str``.
    default
        The default value (``None`` allowed when ``nullable``).
    doc
        One line saying what it does.
    choices
        Allowed values of a ``str`` parameter (matched case-insensitively).
    minimum, maximum
        Bounds of a numeric parameter (inclusive).
    nullable
        If true, ``None`` (written ``auto`` or ``none`` on the command line) is allowed.
    """

    name: str
    kind: type
    default: Any
    doc: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False

    def coerce(self, value: Any, *, model: str) -> Any:
        """Check ``value`` (a string from the CLI is parsed) and return it typed.

        Raises
        ------
        InputError
            If the value has the wrong type, is out of range or not an allowed choice.
        """
        where = f"{model}.{self.name}"

        def bad(msg: str, fix: str) -> InputError:
            return InputError(
                f"parameter {self.name!r} of model {model!r}: {msg}", field=where, fix=fix
            )

        if value is None or (
            self.nullable and isinstance(value, str) and value.strip().lower() in {"auto", "none"}
        ):
            if self.nullable:
                return None
            raise bad("a value is required", f"give a {self.kind.__name__}.")
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise bad(f"{value!r} is not true or false", "write true or false.")
        if self.kind in (int, float):
            if isinstance(value, bool):
                raise bad(f"{value!r} is not a number", f"give a {self.kind.__name__}.")
            try:
                num = float(value) if isinstance(value, str) else value
                num = float(num)
            except (TypeError, ValueError):
                raise bad(f"{value!r} is not a number", f"give a {self.kind.__name__}.") from None
            if not math.isfinite(num):
                raise bad(f"{value!r} is not a finite number", "give a finite number.")
            if self.kind is int:
                if num != int(num):
                    raise bad(f"{value!r} is not a whole number", "give an integer.")
                # exact for any size (float() would round 64-bit seeds)
                num = int(value) if isinstance(value, int) else _exact_int(value, num)
            lo, hi = self.minimum, self.maximum
            if (lo is not None and num < lo) or (hi is not None and num > hi):
                rng = (
                    f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
                )
                raise bad(f"{num:g} is outside {rng}", f"give a value in {rng}.")
            return num
        text = str(value).strip()
        if self.choices is not None:
            for c in self.choices:
                if c.lower() == text.lower():
                    return c
            close = difflib.get_close_matches(text, self.choices, n=2, cutoff=0.5)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            raise bad(
                f"{text!r} is not allowed{hint}",
                f"use one of {', '.join(self.choices)}.",
            )
        return text

    def describe(self) -> str:
        """One line for help texts: name, default, choices and meaning."""
        default = "auto" if self.default is None else str(self.default)
        extra = f" [{'|'.join(self.choices)}]" if self.choices else ""
        return f"{self.name}={default}{extra}: {self.doc}"


PointFn = Callable[[ScenarioArrays, dict[str, Any], SeedLike], Forecast]
BatchFn = Callable[[BatchInputs, dict[str, Any], SeedLike], BatchForecast]


@dataclass(frozen=True)
class ModelSpec:
    """A registered negotiation model.

    Attributes
    ----------
    name
        Registry and CLI name (``eum``, ``nbs``...).
    label
        Human-readable name for tables.
    point_fn
        ``(arrays, params, seed) -> Forecast`` on one scenario.
    batch_fn
        ``(inputs, params, seed) -> BatchForecast`` on ``R`` replicates.
    params
        The parameter schema.
    citation
        The source the model follows.
    stochastic
        True if the model draws random numbers (then the seed matters).
    scenario_params
        Optional ``scenario -> {param: value}``: parameter defaults a model takes from
        scenario fields other than ``scenario.models`` (SMP: the accommodation matrix);
        ``scenario.models[name]`` and explicit parameters override them.
    peak_bytes
        Optional ``(n_actors, n_issues, replicates, params) -> bytes``: an estimate
        (from above) of the model's peak memory, its largest arrays; ``replicates`` is
        0 for a point forecast (which records every turn).  :func:`check_model_memory`
        refuses a run whose estimate is over :func:`detente.limits.memory_limit`
        before it starts.
    """

    name: str
    label: str
    point_fn: PointFn
    batch_fn: BatchFn
    params: tuple[ParamSpec, ...] = ()
    citation: str = ""
    stochastic: bool = False
    scenario_params: Callable[[Any], Mapping[str, Any]] | None = None
    peak_bytes: Callable[[int, int, int, Mapping[str, Any]], float] | None = None

    def param(self, name: str) -> ParamSpec:
        """The spec of parameter ``name`` (``KeyError`` if unknown)."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def defaults(self) -> dict[str, Any]:
        """Every parameter's default value."""
        return {p.name: p.default for p in self.params}


_REGISTRY: dict[str, ModelSpec] = {}


def register(spec: ModelSpec, *, replace: bool = False) -> ModelSpec:
    """Add a model to the registry and return it.

    Raises
    ------
    ValueError
        If a model of that name exists and ``replace`` is false.
    """
    if spec.name in _REGISTRY and not replace and _REGISTRY[spec.name] is not spec:
        raise ValueError(f"a model named {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def list_models() -> list[str]:
    """Names of the registered models, in registration order."""
    return list(_REGISTRY)


def get_model(name: str) -> ModelSpec:
    """The registered model ``name`` (case-insensitive).

    Raises
    ------
    InputError
        If there is no such model; close matches are suggested.
    """
    key = name.strip().lower()
    if key in _REGISTRY:
        return _REGISTRY[key]
    close = difflib.get_close_matches(key, list(_REGISTRY), n=2, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    raise InputError(
        f"unknown model {name!r}{hint}",
        field="model",
        fix=f"use one of {', '.join(_REGISTRY)}.",
    )


def resolve_params(
    spec: ModelSpec,
    params: Mapping[str, Any] | None = None,
    *,
    scenario_defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate parameters against a model's schema and fill in the defaults.

    Scenario-level values (``scenario.models[name]``) override the defaults; explicit
    ``params`` override both.  Keys match case-insensitively; string values are
    coerced to the parameter's type.

    Raises
    ------
    InputError
        For an unknown parameter (with close matches suggested) or a bad value.
    """
    by_lower = {p.name.lower(): p for p in spec.params}
    out = spec.defaults
    problems: list[InputError] = []
    for source in (scenario_defaults or {}, params or {}):
        for key, value in source.items():
            p = by_lower.get(str(key).strip().lower())
            if p is None:
                close = difflib.get_close_matches(str(key), [q.name for q in spec.params], n=2)
                hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
                known = ", ".join(q.name for q in spec.params) or "none"
                problems.append(
                    InputError(
                        f"unknown parameter {key!r} for model {spec.name!r}{hint}",
                        field=f"{spec.name}.{key}",
                        fix=f"parameters of {spec.name}: {known}.",
                    )
                )
                continue
            try:
                out[p.name] = p.coerce(value, model=spec.name)
            except InputError as err:
                problems.append(err)
    if problems:
        raise InputError([q for err in problems for q in err.problems])
    return out


def closed_form_bytes(n: int, k: int, r: int, params: Mapping[str, Any]) -> float:
    """Peak memory of a closed-form model: a few dozen ``(R, n, k)`` arrays."""
    return 8.0 * max(r, 1) * n * k * 32 + 2**20


def check_model_memory(spec: ModelSpec, n: int, k: int, r: int, params: Mapping[str, Any]) -> None:
    """Refuse, before it starts, a run of ``spec`` too big for the memory limit.

    Parameters
    ----------
    spec
        The model.
    n, k
        Actors and issues.
    r
        Replicates of a batch run (0: a point forecast).
    params
        The model's resolved parameters (turn limits change the estimate).

    Raises
    ------
    InputError
        Naming the size, the estimate, the limit and what to do
        (:func:`detente.limits.check_memory`).
    """
    if spec.peak_bytes is None:
        return
    from detente.limits import check_memory

    size = f"{n:,} actors x {k:,} issues" + (f" x {r:,} draws" if r else "")
    fix = (
        "use fewer draws (--draws) or a smaller scenario"
        if r > 1
        else "use fewer actors (merge minor actors into groups), a lower turn or round "
        "limit if you raised it, or another model"
    )
    check_memory(
        spec.peak_bytes(n, k, r, params),
        what=f"the {spec.label} model",
        size=size,
        fix=fix + ".",
        field="--draws" if r > 1 else "actors",
    )


def ids_tuple(ids: Sequence[str]) -> tuple[str, ...]:
    """A tuple of ids (helper for models)."""
    return tuple(str(i) for i in ids)
