"""The exchange model's inputs on its internal scale, in float and in decide's Decimal.

decide rescales every issue to 0-100 (``x' = (x - lower) * step`` with
``step = 100 / (upper - lower)``) and takes saliences on 0-1 and one power per actor and
issue.  :class:`Problem` holds those numbers as float arrays for the compiled engine;
:meth:`Problem.decimal` gives the same numbers as 28-digit ``Decimal`` built from the
shortest text of each float (``repr``), which is the text a decide input file holds, so
the exact engine starts from the very numbers decide starts from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: decide's arithmetic: Python's default decimal context (28 digits, half-even).
DECIDE_CONTEXT = Context(prec=28, traps=[InvalidOperation, DivisionByZero, Overflow])


def dec(x: float) -> Decimal:
    """The Decimal a decide input file would hold for the float ``x`` (its shortest text)."""
    return Decimal(repr(float(x)))


@dataclass(frozen=True)
class DecimalInputs:
    """A :class:`Problem`'s numbers as decide's Decimals (``None`` where no stance)."""

    x: list[list[Decimal | None]]
    s: list[list[Decimal | None]]
    c: list[list[Decimal | None]]
    step: list[Decimal]
    lower: list[Decimal]


@dataclass(frozen=True)
class Problem:
    """One exchange-model problem: ``n`` actors, ``k`` issues, on decide's internal scale.

    Attributes
    ----------
    actor_ids, issue_ids
        Axis labels (actor order = decide's ``#A`` order, issue order = ``#P`` order).
    x
        ``(n, k)`` positions on 0-100 (NaN where the actor has no stance).
    s
        ``(n, k)`` saliences on 0-1 (0 where no stance).
    c
        ``(n, k)`` power of each actor on each issue (0 where no stance).
    has
        ``(n, k)`` True where the actor has a stance (it counts in the outcome).
    sum_order
        ``(k, n)`` for each issue, the actors in the order decide sums over them (its
        ``#D`` row order), padded with -1.
    lower, upper
        ``(k,)`` each issue's own scale.
    own
        ``(n, k)`` positions on the issues' own scales, as given (for exact Decimals).
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    x: FloatArray
    s: FloatArray
    c: FloatArray
    has: BoolArray
    sum_order: IntArray
    lower: FloatArray
    upper: FloatArray
    own: FloatArray
    salience_max: float = 1.0
    raw_s: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issue_ids)

    @property
    def step(self) -> FloatArray:
        """``100 / (upper - lower)`` per issue (decide's ``step_size``)."""
        return 100.0 / (self.upper - self.lower)

    @property
    def active(self) -> BoolArray:
        """Actor-issues that can take part in an exchange (stance, salience and power > 0).

        decide divides by saliences and powers, so it stops with an error on a zero;
        here such an actor-issue only counts in the outcome (with weight 0).
        """
        return self.has & (self.s > 0) & (self.c > 0)

    def to_own(self, values: FloatArray) -> FloatArray:
        """Values on 0-100 (last axis = issue) back on each issue's own scale."""
        return np.asarray(values) / self.step + self.lower

    @cached_property
    def decimal(self) -> DecimalInputs:
        """The inputs as decide's Decimals, rescaled to 0-100 exactly as decide does."""
        with_ctx = DECIDE_CONTEXT
        n, k = self.x.shape
        lower = [dec(v) for v in self.lower]
        step = [
            with_ctx.divide(Decimal(100), dec(hi) - lo)
            for hi, lo in zip(self.upper, lower, strict=True)
        ]
        xs: list[list[Decimal | None]] = []
        ss: list[list[Decimal | None]] = []
        cs: list[list[Decimal | None]] = []
        smax = dec(self.salience_max)
        for a in range(n):
            rx: list[Decimal | None] = []
            rs: list[Decimal | None] = []
            rc: list[Decimal | None] = []
            for j in range(k):
                if not self.has[a, j]:
                    rx.append(None)
                    rs.append(None)
                    rc.append(None)
                    continue
                rx.append(
                    with_ctx.multiply(with_ctx.subtract(dec(self.own[a, j]), lower[j]), step[j])
                )
                sal = dec(self.raw_s[a, j]) if self.raw_s.size else dec(self.s[a, j])
                if self.raw_s.size and smax != 1:
                    sal = with_ctx.divide(sal, smax)
                rs.append(sal)
                rc.append(dec(self.c[a, j]))
            xs.append(rx)
            ss.append(rs)
            cs.append(rc)
        return DecimalInputs(x=xs, s=ss, c=cs, step=step, lower=lower)


def make_problem(
    actor_ids: tuple[str, ...],
    issue_ids: tuple[str, ...],
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    has_stance: BoolArray,
    lower: FloatArray,
    upper: FloatArray,
    salience_max: float,
    stance_index: IntArray | None = None,
) -> Problem:
    """Build a :class:`Problem` from detente's arrays (own scales, 0..salience_max).

    Parameters
    ----------
    actor_ids, issue_ids
        Axis labels.
    positions
        ``(n, k)`` positions on each issue's own scale (NaN where no stance).
    saliences
        ``(n, k)`` saliences on 0..``salience_max``.
    capabilities
        ``(n, k)`` power of each actor on each issue.
    has_stance
        ``(n, k)`` stance mask.
    lower, upper
        ``(k,)`` scales.
    salience_max
        Top of the salience scale (saliences are divided by it).
    stance_index
        ``(n, k)`` rank of each stance in the file (decide sums in that order); actor
        order when ``None``.

    Returns
    -------
    Problem
    """
    has = np.asarray(has_stance, dtype=bool)
    n, k = has.shape
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    step = 100.0 / (hi - lo)
    own = np.where(has, np.asarray(positions, dtype=np.float64), np.nan)
    x = np.where(has, (own - lo) * step, np.nan)
    raw = np.where(has, np.asarray(saliences, dtype=np.float64), 0.0)
    s = raw / salience_max if salience_max != 1.0 else raw.copy()
    c = np.where(has, np.asarray(capabilities, dtype=np.float64), 0.0)
    order = np.full((k, n), -1, dtype=np.int64)
    rank = (
        np.asarray(stance_index, dtype=np.float64)
        if stance_index is not None
        else np.broadcast_to(np.arange(n, dtype=np.float64)[:, None], (n, k))
    )
    for j in range(k):
        who = np.flatnonzero(has[:, j])
        who = who[np.argsort(rank[who, j], kind="stable")]
        order[j, : who.size] = who
    return Problem(
        actor_ids=tuple(actor_ids),
        issue_ids=tuple(issue_ids),
        x=x,
        s=s,
        c=c,
        has=has,
        sum_order=order,
        lower=lo,
        upper=hi,
        own=own,
        salience_max=float(salience_max),
        raw_s=raw,
    )
