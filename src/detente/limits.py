"""Limits on the sizes detente accepts: counts given on the command line, and memory.

Two kinds of check, both made *before* any work starts, both raising
:class:`detente.errors.InputError` (exit code 2 in the CLI) with the size, the limit
and what to do:

* :func:`check_count` -- a count option (``--draws``, ``--scenarios``, ``--sobol``,
  ``--workers``, ``--seed``...) must lie in its documented range (:data:`COUNTS`).
* :func:`check_memory` -- a model's estimate of its peak memory (its largest arrays,
  see each model's ``peak_bytes``) must fit under :func:`memory_limit`: by default
  half of the machine's physical memory, or ``DETENTE_MEMORY_LIMIT_GB`` gigabytes
  (GiB) when that environment variable is set.  The estimate is arithmetic on the
  sizes (actors, issues, replicates), so the check costs nothing.

Every model calls :func:`check_memory` through :func:`detente.bargaining.forecast`
and :func:`detente.bargaining.forecast_batch`; a new model only states its
``peak_bytes`` (see :class:`detente.bargaining.base.ModelSpec`).  This module imports
only the standard library, so the CLI can use it before loading anything heavy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from detente.errors import InputError

__all__ = [
    "COUNTS",
    "MEMORY_LIMIT_ENV",
    "Count",
    "check_count",
    "check_memory",
    "format_bytes",
    "memory_limit",
]

#: The environment variable that sets the memory limit, in GiB.
MEMORY_LIMIT_ENV = "DETENTE_MEMORY_LIMIT_GB"

#: Share of physical memory a model may plan to use when no limit is set.
DEFAULT_MEMORY_SHARE = 0.5

_GIB = 2**30


@dataclass(frozen=True)
class Count:
    """The allowed range of a count option, and an example of a sensible value."""

    low: int
    high: int
    example: str


#: The range of every count option of the command line.  The upper ends are far above
#: any useful run (and below what would overflow a 64-bit integer or exhaust memory
#: before the memory check could say so).
COUNTS: dict[str, Count] = {
    "--draws": Count(0, 10_000_000, "--draws 10000"),
    "--scenarios": Count(1, 100_000_000, "--scenarios 100000"),
    "--sobol": Count(0, 2**20, "--sobol 1024 (a power of two; 0 skips)"),
    "--samples": Count(2, 2**20, "--samples 256 (a power of two)"),
    "--prim-points": Count(0, 10_000_000, "--prim-points 20000 (0 skips)"),
    "--workers": Count(0, 256, "--workers 2"),
    "--seed": Count(0, 2**63 - 1, "--seed 1"),
    "--cv": Count(2, 1_000, "--cv 5"),
    "--top": Count(1, 1_000_000, "--top 5"),
    "--year": Count(0, 9_999, "--year 2024"),
}


def check_count(
    name: str, value: int | None, *, low: int | None = None, power_of_two: bool = False
) -> None:
    """Refuse a count option outside its range in :data:`COUNTS`.

    Parameters
    ----------
    name
        The option, e.g. ``"--draws"``.
    value
        Its value (``None``: not given, nothing to check).
    low
        A lower end other than the usual one (``analyze --scenarios 0`` skips a step
        that ``explore`` must run).
    power_of_two
        Also require a power of two (``0`` is let through when the range allows it,
        as "skip this step").

    Raises
    ------
    InputError
        Naming the option, its range and an example.
    """
    if value is None:
        return
    spec = COUNTS[name]
    if low is not None:
        spec = Count(low, spec.high, spec.example)
    if not spec.low <= value <= spec.high:
        shown = f"{value:,}" if abs(value) < 10**30 else f"about 10^{len(str(abs(value))) - 1}"
        raise InputError(
            f"must be between {spec.low:,} and {spec.high:,}, not {shown}",
            field=name,
            fix=f"use e.g. {spec.example}.",
        )
    if power_of_two and value != 0 and (value < 2 or value & (value - 1)):
        lower = max(1 << (value.bit_length() - 1), 2)
        raise InputError(
            f"must be a power of two of at least 2, not {value:,}",
            field=name,
            fix=f"use {lower:,} or {lower * 2:,}." if lower < value else f"use {lower:,}.",
        )


def _physical_memory() -> int | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    if pages <= 0 or size <= 0:
        return None
    return int(pages) * int(size)


def memory_limit() -> int:
    """The memory a model may plan to use, in bytes.

    ``DETENTE_MEMORY_LIMIT_GB`` (GiB, a positive number) if set, else half of the
    machine's physical memory (8 GiB where that cannot be read).

    Raises
    ------
    InputError
        If the environment variable is set but is not a positive number.
    """
    raw = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if raw:
        try:
            gib = float(raw)
        except ValueError:
            gib = float("nan")
        if not (gib > 0 and gib < 2**30):
            raise InputError(
                f"{MEMORY_LIMIT_ENV}={raw!r} is not a positive number of GiB",
                field=MEMORY_LIMIT_ENV,
                fix="set it to e.g. 16 (GiB), or unset it to use half of the memory.",
            )
        return int(gib * _GIB)
    total = _physical_memory()
    return int(total * DEFAULT_MEMORY_SHARE) if total else 8 * _GIB


def format_bytes(n: float) -> str:
    """``n`` bytes as a short text: ``512 MiB``, ``7.6 GiB``, ``3.2 TiB``."""
    for unit, size in (("TiB", 2**40), ("GiB", _GIB), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{n:.0f} bytes"


def check_memory(need: float, *, what: str, size: str, fix: str, field: str | None = None) -> None:
    """Refuse a computation whose estimated peak memory is over :func:`memory_limit`.

    Parameters
    ----------
    need
        The estimated peak, in bytes (the computation's largest arrays).
    what
        What would run, e.g. ``"the SMP model"``.
    size
        The problem's size in words, e.g. ``"1,000 actors x 6 issues"``.
    fix
        What to do instead (fewer actors, fewer draws...); the way to raise the
        limit is added.
    field
        The option or field the size comes from (``--draws``, ``actors``).

    Raises
    ------
    InputError
        Naming the size, the estimate, the limit and the fix.
    """
    limit = memory_limit()
    if need <= limit:
        return
    raise InputError(
        f"{what} on {size} would need about {format_bytes(need)} of memory, over the "
        f"limit of {format_bytes(limit)}",
        field=field,
        fix=f"{fix} (The limit is half of this machine's memory unless "
        f"{MEMORY_LIMIT_ENV} sets it, in GiB; raise it only if the memory is there.)",
    )
