"""Run models over Monte Carlo draws of the inputs, and summarise the forecasts.

:func:`forecast_draws` runs each chosen model on ``R`` draws of a scenario's inputs
(:class:`~detente.bargaining.BatchInputs`, e.g. from
:func:`~detente.bargaining.sample_inputs`).  The draws are cut into chunks of
``chunk_size`` replicates; each chunk is one vectorised
:func:`~detente.bargaining.forecast_batch` call per model.  Chunks run in this process
or, with ``workers > 1``, in a pool of worker processes.  A stochastic model's chunk
``c`` gets the generator of :func:`detente.explore.sampling.chunk_seed` ``(seed, c)``,
so the result depends on the seed and the chunk size but not on the number of workers:
one process and a pool give the same numbers bit for bit.  Deterministic models give,
replicate by replicate, exactly their point forecast on that draw.

:func:`summarize` turns the ``(R, k)`` forecasts of a model into the median and central
(equal-tailed) intervals per issue; :func:`exceedance` gives the probability that the
outcome lies on one side of a threshold, with the side stated (:class:`Threshold`).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.api import forecast_batch, scenario_arrays
from detente.bargaining.base import BatchInputs, SeedLike, get_model, resolve_params
from detente.bargaining.uncertainty import resolved as resolve_scenario
from detente.errors import EnvironmentFailure, InputError
from detente.limits import check_memory
from detente.scenario.model import Scenario

__all__ = [
    "DEFAULT_LEVELS",
    "DrawForecasts",
    "IssueSummary",
    "Threshold",
    "default_workers",
    "exceedance",
    "forecast_draws",
    "merge_notes",
    "parse_threshold",
    "summarize",
]

FloatArray = NDArray[np.float64]

#: Central interval levels reported by default.
DEFAULT_LEVELS = (0.5, 0.8, 0.95)

#: Replicates per chunk of :func:`forecast_draws`.
CHUNK_SIZE = 1024


@dataclass(frozen=True)
class DrawForecasts:
    """Forecasts of several models over the same ``R`` draws of the inputs.

    Attributes
    ----------
    outcomes
        Model name -> ``(R, k)`` forecasts (NaN where a model gives none).
    issue_ids
        Labels of the issue axis.
    seed
        The master seed of stochastic models' streams.
    chunk_size
        Replicates per chunk.
    notes
        Model name -> remarks aggregated over the chunks.
    """

    outcomes: dict[str, FloatArray]
    issue_ids: tuple[str, ...]
    seed: int
    chunk_size: int
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def n_draws(self) -> int:
        """Number of draws ``R``."""
        return int(next(iter(self.outcomes.values())).shape[0]) if self.outcomes else 0


def _chunk(inputs: BatchInputs, start: int, stop: int) -> BatchInputs:
    return BatchInputs(
        positions=inputs.positions[start:stop],
        saliences=inputs.saliences[start:stop],
        capabilities=inputs.capabilities[start:stop],
        has_stance=inputs.has_stance,
        lower=inputs.lower,
        upper=inputs.upper,
        status_quo=inputs.status_quo,
        salience_max=inputs.salience_max,
        actor_ids=inputs.actor_ids,
        issue_ids=inputs.issue_ids,
        stance_capabilities=inputs.stance_capabilities,
        stance_index=inputs.stance_index,
    )


def _chunk_generator(seed: int, chunk: int) -> np.random.Generator:
    from detente.explore.sampling import chunk_seed

    return np.random.default_rng(chunk_seed(seed, chunk))


def _run_chunk(
    scenario: Scenario,
    models: Sequence[str],
    params: Mapping[str, Mapping[str, Any]],
    inputs: BatchInputs,
    seed: int,
    chunk: int,
) -> tuple[dict[str, FloatArray], dict[str, tuple[str, ...]]]:
    """Every model on one chunk of draws: ``(outcomes, notes)`` by model."""
    out: dict[str, FloatArray] = {}
    notes: dict[str, tuple[str, ...]] = {}
    for m in models:
        spec = get_model(m)
        rng: SeedLike = _chunk_generator(seed, chunk) if spec.stochastic else seed
        res = forecast_batch(scenario, m, inputs, seed=rng, **dict(params.get(m, {})))
        out[m] = np.asarray(res.outcome, dtype=np.float64)
        notes[m] = res.notes
    return out, notes


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def forecast_draws(
    scenario: Scenario,
    models: Sequence[str],
    inputs: BatchInputs,
    *,
    seed: int = 0,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
) -> DrawForecasts:
    """Run each model on every draw, in chunks, in-process or in worker processes.

    Parameters
    ----------
    scenario
        The scenario (its ``models`` table gives parameter defaults).
    models
        Registered model names.
    inputs
        The ``R`` draws of the inputs.
    seed
        Master seed of stochastic models (chunk ``c`` uses ``chunk_seed(seed, c)``).
    params
        Model name -> parameters, as for :func:`~detente.bargaining.forecast`.
    workers
        Number of processes; 1 runs in this process.
    chunk_size
        Replicates per chunk (part of the result for stochastic models).

    Returns
    -------
    DrawForecasts

    Raises
    ------
    InputError
        For an unknown model or parameter, draws that do not fit the scenario, or a
        bad ``workers`` / ``chunk_size``.
    """
    if isinstance(workers, bool) or workers < 1:
        raise InputError(
            f"the number of workers must be at least 1, not {workers!r}",
            field="--workers",
            fix="use 1 to run in this process, or e.g. 2 to use two cores.",
        )
    if chunk_size < 1:
        raise InputError(f"chunk size must be at least 1, not {chunk_size}", field="chunk_size")
    if isinstance(seed, bool) or int(seed) < 0:
        raise InputError(
            f"the seed must be a non-negative integer, not {seed!r}",
            field="seed",
            fix="use e.g. --seed 1.",
        )
    names = [get_model(m).name for m in models]
    prm = {get_model(k).name: dict(v) for k, v in (params or {}).items()}
    # resolve data capabilities once (workers then need no data lookups)
    resolved = resolve_scenario(scenario)
    # fail early, in this process, on bad parameters or draws that do not fit
    arrays = scenario_arrays(resolved)
    if inputs.actor_ids != arrays.actor_ids or inputs.issue_ids != arrays.issue_ids:
        raise InputError(
            "the draws' actors or issues differ from the scenario's",
            field="draws",
            fix="draw them with sample_inputs(scenario, n, seed).",
        )
    r = inputs.n_replicates
    bounds = [(s, min(s + chunk_size, r)) for s in range(0, r, chunk_size)]
    # each worker holds one chunk of every model at a time: check before starting
    concurrent = 1 if workers == 1 else min(workers, len(bounds))
    for m in names:
        spec = get_model(m)
        values = resolve_params(spec, prm.get(m, {}))
        chunk = min(chunk_size, r)
        if spec.peak_bytes is not None:
            check_memory(
                spec.peak_bytes(arrays.n_actors, arrays.n_issues, chunk, values) * concurrent
                + 8.0 * r * arrays.n_issues * len(names),
                what=f"the {spec.label} model",
                size=f"{arrays.n_actors:,} actors x {arrays.n_issues:,} issues x {r:,} draws "
                f"({concurrent} process{'es' if concurrent > 1 else ''} of {chunk:,} draws)",
                fix="use fewer workers (--workers), fewer draws or a smaller scenario.",
                field="--draws",
            )
    results: list[tuple[dict[str, FloatArray], dict[str, tuple[str, ...]]]]
    if workers == 1 or len(bounds) == 1:
        results = [
            _run_chunk(resolved, names, prm, _chunk(inputs, a, b), int(seed), c)
            for c, (a, b) in enumerate(bounds)
        ]
    else:
        try:
            with ProcessPoolExecutor(
                max_workers=min(workers, len(bounds)), mp_context=_pool_context()
            ) as pool:
                futures = [
                    pool.submit(
                        _run_chunk, resolved, names, prm, _chunk(inputs, a, b), int(seed), c
                    )
                    for c, (a, b) in enumerate(bounds)
                ]
                results = [f.result() for f in futures]
        except BrokenProcessPool:
            raise EnvironmentFailure(
                "a worker process died while computing the draws (killed by the system, "
                "often for lack of memory)",
                fix="run again with fewer --workers (1 computes in this process) or fewer "
                "--draws, or free memory.",
            ) from None
    outcomes = {m: np.concatenate([res[0][m] for res in results]) for m in names}
    sizes = [b - a for a, b in bounds]
    notes = {m: merge_notes([res[1][m] for res in results], sizes) for m in names}
    return DrawForecasts(outcomes, tuple(arrays.issue_ids), int(seed), chunk_size, notes)


_COUNTED = re.compile(r"^(\d+) of (\d+) (.*)$", re.DOTALL)


def merge_notes(chunks: Sequence[Sequence[str]], sizes: Sequence[int]) -> tuple[str, ...]:
    """Merge the notes of several chunks: counts ``"a of b ..."`` are summed.

    Parameters
    ----------
    chunks
        Each chunk's notes.
    sizes
        Each chunk's number of replicates.  A counted note's ``b`` is proportional to
        its chunk's size (replicates, or replicates x issues), so chunks where the note
        is absent (count 0) add ``b`` in proportion to their size.

    Returns
    -------
    tuple of str
        Distinct notes in order of first appearance; a note of the form ``"3 of 1024
        replicates: ..."`` appears once, with the counts added over all chunks.
    """
    counts: dict[str, list[int]] = {}
    order: dict[str, None] = {}
    for notes, size in zip(chunks, sizes, strict=True):
        for note in notes:
            m = _COUNTED.match(note)
            if m is None:
                order.setdefault(note)
                continue
            key = m.group(3)
            order.setdefault("\0" + key)
            tally = counts.setdefault(key, [0, 0, 0])
            tally[0] += int(m.group(1))
            tally[1] += int(m.group(2))
            tally[2] += int(size)
    total = int(sum(sizes))
    out = []
    for key in order:
        if key.startswith("\0"):
            a, b, seen = counts[key[1:]]
            out.append(f"{a} of {b * total // seen} {key[1:]}")
        else:
            out.append(key)
    return tuple(out)


def default_workers() -> int:
    """Worker processes to use by default: the CPUs this process may run on (at most 8)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


# -- summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSummary:
    """The distribution of one model's forecast of one issue over the draws.

    Attributes
    ----------
    median
        The median forecast.
    intervals
        Level (e.g. 0.8) -> ``(low, high)``: the central interval holding that share of
        the draws (the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles).
    n
        Number of draws with a forecast (NaN draws are left out).
    """

    median: float
    intervals: dict[float, tuple[float, float]]
    n: int


def summarize(outcomes: FloatArray, levels: Sequence[float] = DEFAULT_LEVELS) -> list[IssueSummary]:
    """Median and central intervals of ``(R, k)`` forecasts, issue by issue.

    Parameters
    ----------
    outcomes
        ``(R, k)`` forecasts over ``R`` draws.
    levels
        Interval levels in (0, 1).

    Returns
    -------
    list of IssueSummary
        One per issue; NaN values where no draw has a forecast.
    """
    y = np.asarray(outcomes, dtype=np.float64)
    levels = [float(v) for v in levels]
    for lv in levels:
        if not 0 < lv < 1:
            raise InputError(f"interval level {lv:g} is not between 0 and 1", field="levels")
    # rounded so that e.g. an 80% interval uses exactly the 0.1 and 0.9 quantiles
    qs = [0.5] + [round(q, 12) for lv in levels for q in ((1 - lv) / 2, (1 + lv) / 2)]
    out = []
    for j in range(y.shape[1]):
        col = y[:, j][np.isfinite(y[:, j])]
        vals = np.quantile(col, qs) if col.size else np.full(len(qs), np.nan)
        intervals = {
            lv: (float(vals[1 + 2 * i]), float(vals[2 + 2 * i])) for i, lv in enumerate(levels)
        }
        out.append(IssueSummary(float(vals[0]), intervals, int(col.size)))
    return out


@dataclass(frozen=True)
class Threshold:
    """A user's threshold on one issue and the side whose probability is reported.

    Attributes
    ----------
    issue
        Issue id.
    value
        The threshold, on the issue's scale.
    side
        ``">="``: P(outcome >= value); ``"<="``: P(outcome <= value).
    why
        How the side was chosen, in words.
    """

    issue: str
    value: float
    side: Literal[">=", "<="]
    why: str

    @property
    def label(self) -> str:
        """E.g. ``P(troops >= 60)``."""
        return f"P({self.issue} {self.side} {self.value:g})"


def parse_threshold(text: str, scenario: Scenario) -> Threshold:
    """Parse ``ISSUE=VALUE``, ``ISSUE>=VALUE`` or ``ISSUE<=VALUE``.

    With ``=`` the side is "crossing from the status quo": P(outcome >= value) when the
    value is above the issue's status quo, P(outcome <= value) when below, and
    P(outcome >= value) (said so) when the issue has no status quo or the value equals it.

    Raises
    ------
    InputError
        For a malformed item, an unknown issue, or a value off the issue's scale.
    """
    raw = text.strip()
    side: str | None = None
    for op in (">=", "<="):
        if op in raw:
            issue, _, value = raw.partition(op)
            side = op
            break
    else:
        issue, sep, value = raw.partition("=")
        if not sep:
            raise InputError(
                f"--threshold {text!r} is not of the form ISSUE=VALUE",
                field="--threshold",
                fix="write e.g. --threshold troops=60 (or troops>=60, troops<=40).",
            )
    issue = issue.strip()
    if issue not in scenario.issue_ids:
        from detente.explore.parameters import suggest

        hint = suggest(issue, scenario.issue_ids)
        raise InputError(
            f"--threshold {text!r}: unknown issue {issue!r}" + (f" ({hint})" if hint else ""),
            field="--threshold",
            fix=f"use one of {', '.join(scenario.issue_ids)}.",
        )
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise InputError(
            f"--threshold {text!r}: {value.strip()!r} is not a number",
            field="--threshold",
            fix="write e.g. --threshold troops=60.",
        )
    iss = scenario.issue(issue)
    if not iss.scale.contains(x):
        raise InputError(
            f"--threshold {text!r}: {x:g} is outside the scale {iss.scale.min:g}-"
            f"{iss.scale.max:g} of issue {issue!r}",
            field="--threshold",
            fix=f"give a value between {iss.scale.min:g} and {iss.scale.max:g}.",
        )
    if side is not None:
        return Threshold(issue, x, ">=" if side == ">=" else "<=", "as written")
    sq = iss.status_quo
    if sq is None:
        return Threshold(issue, x, ">=", "no status quo: the upper side")
    if x > sq:
        return Threshold(issue, x, ">=", f"above the status quo ({sq:g})")
    if x < sq:
        return Threshold(issue, x, "<=", f"below the status quo ({sq:g})")
    return Threshold(issue, x, ">=", f"equal to the status quo ({sq:g}): the upper side")


def exceedance(values: FloatArray, threshold: Threshold) -> float:
    """Share of the draws on the threshold's side (NaN draws left out; NaN if none)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan
    hit = v >= threshold.value if threshold.side == ">=" else v <= threshold.value
    return float(np.mean(hit))
