"""One-at-a-time sweeps: move one input across a range, keep the rest, forecast each value.

``sweep(scenario, actor="TUR", field="salience", issue="troops", values=...)`` builds
one replicate per value -- the scenario's point inputs with that one number replaced --
and runs each model once on all of them (one vectorised
:func:`~detente.bargaining.forecast_batch` call per model, not one call per value).
The result is a tidy table: one row per value, model and issue.

A position sweep must stay on the issue's scale, a salience sweep on
``[0, salience_max]``; a capability must be zero or positive (a capability is the
actor's on every issue, so the issue is optional for it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining.api import forecast_batch, scenario_arrays
from detente.bargaining.base import BatchInputs, SeedLike, get_model
from detente.bargaining.uncertainty import resolved
from detente.errors import InputError
from detente.scenario.model import Scenario

__all__ = ["FIELDS", "MAX_VALUES", "parse_range", "sweep"]

FloatArray = NDArray[np.float64]
Field = Literal["position", "salience", "capability"]

#: The numbers a sweep can move.
FIELDS: tuple[str, ...] = ("position", "salience", "capability")

#: At most this many values in one sweep.
MAX_VALUES = 100_000

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"


def parse_range(text: str) -> FloatArray:
    """Values of ``START:STOP:STEP`` (both ends included), or a list ``A,B,C``.

    ``START:STOP`` without a step gives 11 evenly spaced values.  The last value is
    ``STOP`` when ``STOP - START`` is a whole number of steps (within rounding);
    otherwise the last value below ``STOP``.

    Raises
    ------
    InputError
        For text that is neither form, a step that is not positive, ``START`` above
        ``STOP`` or more than :data:`MAX_VALUES` values.
    """
    raw = text.strip()

    def bad(msg: str) -> InputError:
        return InputError(
            f"--range {text!r}: {msg}",
            field="--range",
            fix="write START:STOP:STEP, e.g. 0:100:5 (both ends included), or a list "
            "such as 10,20,50.",
        )

    if "," in raw:
        parts = [p.strip() for p in raw.split(",")]
        if not all(re.fullmatch(_NUMBER, p) for p in parts):
            raise bad("every item of a list must be a number")
        vals = np.array([float(p) for p in parts])
    else:
        parts = [p.strip() for p in raw.split(":")]
        if len(parts) not in (2, 3) or not all(re.fullmatch(_NUMBER, p) for p in parts):
            raise bad("not of the form START:STOP:STEP")
        start, stop = float(parts[0]), float(parts[1])
        ends = [start, stop] + ([float(parts[2])] if len(parts) == 3 else [])
        if not all(math.isfinite(x) for x in ends) or not math.isfinite(stop - start):
            raise bad("START, STOP and STEP must be finite numbers")
        if start > stop:
            raise bad(f"START ({start:g}) is above STOP ({stop:g})")
        if len(parts) == 3:
            step = float(parts[2])
            if not step > 0:
                raise bad(f"the step must be positive, not {step:g}")
            span = (stop - start) / step
            if not span < MAX_VALUES:
                raise bad(f"more than {MAX_VALUES:,} values; at most {MAX_VALUES:,} are allowed")
            count = math.floor(span + 1e-9) + 1
            if count > MAX_VALUES:
                raise bad(f"{count:,} values; at most {MAX_VALUES:,} are allowed")
            vals = start + step * np.arange(count)
            vals[-1] = min(vals[-1], stop)
        else:
            vals = np.linspace(start, stop, 11) if stop > start else np.array([start])
    if not np.all(np.isfinite(vals)):
        raise bad("values must be finite numbers")
    if vals.size > MAX_VALUES:
        raise bad(f"{vals.size:,} values; at most {MAX_VALUES:,} are allowed")
    return vals.astype(np.float64)


def _check(
    scenario: Scenario, actor: str, fld: str, issue: str | None, values: FloatArray
) -> tuple[int, int | None]:
    from detente.explore.parameters import suggest

    if fld not in FIELDS:
        hint = suggest(fld, FIELDS)
        raise InputError(
            f"--field {fld!r} is not one of {', '.join(FIELDS)}" + (f" ({hint})" if hint else ""),
            field="--field",
            fix="use position, salience or capability.",
        )
    if actor not in scenario.actor_ids:
        hint = suggest(actor, scenario.actor_ids)
        raise InputError(
            f"unknown actor {actor!r}" + (f" ({hint})" if hint else ""),
            field="--actor",
            fix=f"use one of {', '.join(scenario.actor_ids)}.",
        )
    if issue is not None and issue not in scenario.issue_ids:
        hint = suggest(issue, scenario.issue_ids)
        raise InputError(
            f"unknown issue {issue!r}" + (f" ({hint})" if hint else ""),
            field="--issue",
            fix=f"use one of {', '.join(scenario.issue_ids)}.",
        )
    a = scenario.actor_ids.index(actor)
    if fld == "capability":
        if np.any(values < 0):
            raise InputError(
                f"capability values must be zero or positive (got {values.min():g})",
                field="--range",
                fix="sweep capabilities over values >= 0.",
            )
        return a, None if issue is None else scenario.issue_ids.index(issue)
    if issue is None:
        raise InputError(
            f"a {fld} sweep needs the issue",
            field="--issue",
            fix=f"add --issue, one of {', '.join(scenario.issue_ids)}.",
        )
    if scenario.stance(actor, issue) is None:
        raise InputError(
            f"actor {actor!r} has no stance on issue {issue!r}, so it has no {fld} to sweep",
            field="--actor",
            fix="choose an actor that takes part in the issue, or add its stance.",
        )
    iss = scenario.issue(issue)
    lo, hi = (iss.scale.min, iss.scale.max) if fld == "position" else (0.0, scenario.salience_max)
    if values.min() < lo - 1e-9 * (hi - lo) or values.max() > hi + 1e-9 * (hi - lo):
        raise InputError(
            f"{fld} values {values.min():g}..{values.max():g} leave the range "
            f"{lo:g}-{hi:g} of issue {issue!r}",
            field="--range",
            fix=f"sweep within {lo:g}:{hi:g}.",
        )
    return a, scenario.issue_ids.index(issue)


def sweep(
    scenario: Scenario,
    *,
    actor: str,
    field: str,
    values: Sequence[float] | FloatArray,
    issue: str | None = None,
    models: Sequence[str] = ("mean", "median", "nbs", "eum", "smp"),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Forecast each model at each value of one input, everything else at its point value.

    Parameters
    ----------
    scenario
        The scenario.
    actor
        Whose number moves.
    field
        ``position``, ``salience`` or ``capability``.
    values
        The values to try.
    issue
        The issue (needed for a position or a salience).
    models
        Registered model names.
    params
        Model name -> parameters.
    seed
        Seed for stochastic models.

    Returns
    -------
    pandas.DataFrame
        Columns ``value, model, issue, forecast``: one row per value, model and issue
        (values in the order given, then models, then issues).

    Raises
    ------
    InputError
        For an unknown actor, issue, field or model, an actor without a stance on the
        issue, or values off the allowed range.
    """
    vals = np.asarray(values, dtype=np.float64).reshape(-1)
    if vals.size == 0 or not np.all(np.isfinite(vals)):
        raise InputError(
            "a sweep needs one or more finite values", field="--range", fix="e.g. 0:100:5."
        )
    a, j = _check(scenario, actor, field, issue, vals)
    scenario = resolved(scenario)
    arrays = scenario_arrays(scenario)
    r = vals.size
    n, k = arrays.positions.shape
    pos = np.broadcast_to(arrays.positions, (r, n, k)).copy()
    sal = np.broadcast_to(arrays.saliences, (r, n, k)).copy()
    cap = np.broadcast_to(arrays.capabilities, (r, n)).copy()
    if field == "capability":
        cap[:, a] = vals
    elif field == "position":
        assert j is not None
        pos[:, a, j] = vals
    else:
        assert j is not None
        sal[:, a, j] = vals
    inputs = BatchInputs.from_arrays(arrays, positions=pos, saliences=sal, capabilities=cap)
    names = [get_model(m).name for m in models]
    prm = {get_model(key).name: dict(v) for key, v in (params or {}).items()}
    issues = np.asarray(arrays.issue_ids, dtype=object)
    frames = []
    for rank, m in enumerate(names):
        out = forecast_batch(scenario, m, inputs, seed=seed, **prm.get(m, {})).outcome
        frames.append(
            pd.DataFrame(
                {
                    "value": np.repeat(vals, k),
                    "model": m,
                    "issue": np.tile(issues, r),
                    "forecast": np.asarray(out, dtype=np.float64).reshape(-1),
                    "_row": np.arange(r * k) // k,
                    "_model": rank,
                    "_issue": np.arange(r * k) % k,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["_row", "_model", "_issue"], kind="stable")
    return frame[["value", "model", "issue", "forecast"]].reset_index(drop=True)
