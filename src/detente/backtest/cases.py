"""Decisions with known outcomes, read from DEU-format tables, ready for back-testing.

A DEU table (Thomson et al. 2006; Arregui & Perarnaud 2022) has one row per
controversial issue of an EU legislative proposal: the actors' positions and
saliences, the reference point (``rp``) and the adopted outcome (``out``).  Each row
becomes one :class:`DecisionCase`.

Which actors take part
----------------------
As in the DEU baselines (and ``shared/data/deu3/PROVENANCE.md``), the models see the
actors with a position **and a salience above 0** on the issue.  A position with an
empty or zero salience carries no weight in any weighted model, and KTAB's SMP rejects
an actor with no salience at all; such positions are kept in
:attr:`DecisionCase.all_positions` (the Commission's and Parliament's positions are
ensemble features even when their salience is missing).

An issue on which fewer than two actors take a position is not a bargaining problem
(and not a valid scenario); :func:`load_cases` leaves it out and says so, instead of
failing the whole file.  Every other problem of a row (a value that is not a number or
lies off the 0-100 scale, a salience without a position...) is the user's to fix and
raises :class:`~detente.errors.InputError` with its line.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.errors import InputError
from detente.scenario import ScenarioArrays, load_scenarios, to_arrays
from detente.scenario.deu import DEU_ACTORS
from detente.scenario.io import Format

__all__ = ["DecisionCase", "SkippedIssue", "load_cases"]


@dataclass(frozen=True)
class DecisionCase:
    """One decided issue: the inputs the models see, the outcome and the metadata.

    Attributes
    ----------
    issue, proposal
        Issue code (``isnr``) and proposal code (``prnr``).
    arrays
        The issue as a one-issue scenario, restricted to the actors with a position
        and a positive salience, in the DEU codebook's actor order (whatever the
        file's column order).
    outcome
        The adopted outcome on the issue's scale (NaN when the file gives none).
    reference_point
        The reference point (status quo / reversion point), NaN when absent.
    procedure, voting_rule, instrument
        ``proc`` (COD, CNS...), ``counvte`` (QMV, Unan...) and ``type`` (Reg, Dir...)
        as written in the file ('' when absent).
    all_positions
        Every actor's position, salience or not (actor id -> position).
    lower, upper
        The issue's scale.
    """

    issue: str
    proposal: str
    arrays: ScenarioArrays
    outcome: float
    reference_point: float
    procedure: str
    voting_rule: str
    instrument: str
    all_positions: dict[str, float]
    lower: float
    upper: float

    @property
    def has_outcome(self) -> bool:
        """True when the outcome is known."""
        return math.isfinite(self.outcome)

    @property
    def n_actors(self) -> int:
        """Actors the models see."""
        return len(self.arrays.actor_ids)


@dataclass(frozen=True)
class SkippedIssue:
    """An issue of a DEU table left out of the back-test.

    Attributes
    ----------
    line
        Its line in the file (None if unknown).
    reason
        Why (e.g. a single actor takes a position).
    """

    line: int | None
    reason: str


def _too_few_actors(err: InputError) -> bool:
    """True if every problem of ``err`` is about the number of actors."""
    return all(p.field == "actors" for p in err.problems)


#: Canonical actor order: the DEU codebook's (Commission, Parliament, member states).
_RANK = {v[0]: k for k, v in enumerate(DEU_ACTORS.values())}


def _canonical(arr: ScenarioArrays) -> ScenarioArrays:
    """The actors in the DEU codebook's order (others after them, in file order).

    Sums over actors, and SMP's tie-breaks, follow the actor order; putting the actors in
    one order makes the back-test independent of the file's column order.
    """
    order = sorted(
        range(len(arr.actor_ids)), key=lambda i: (_RANK.get(arr.actor_ids[i], len(_RANK)), i)
    )
    if order == list(range(len(arr.actor_ids))):
        return arr
    return _actor_rows(arr, np.array(order, dtype=np.int64))


def _actor_rows(arr: ScenarioArrays, rows: np.ndarray) -> ScenarioArrays:
    """``arr`` with the actors ``rows`` (indices or a mask), every per-actor field."""
    keep = np.arange(len(arr.actor_ids))[rows]
    own = arr.stance_capabilities
    rank = arr.stance_index
    return dataclasses.replace(
        arr,
        actor_ids=tuple(arr.actor_ids[i] for i in keep),
        positions=arr.positions[keep].copy(),
        saliences=arr.saliences[keep].copy(),
        capabilities=arr.capabilities[keep].copy(),
        has_stance=arr.has_stance[keep].copy(),
        stance_capabilities=None if own is None else own[keep].copy(),
        stance_index=None if rank is None else rank[keep].copy(),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _held(arr: ScenarioArrays) -> dict[str, float]:
    """Actor id -> position on the (single) issue, for every actor with a stance."""
    return {
        a: float(arr.positions[i, 0])
        for i, a in enumerate(arr.actor_ids)
        if bool(arr.has_stance[i, 0])
    }


def load_cases(path: str | Path, skipped: list[SkippedIssue] | None = None) -> list[DecisionCase]:
    """Every issue of a DEU-format table as a :class:`DecisionCase`, in file order.

    Parameters
    ----------
    path
        A DEU-format table (TAB-separated, optional capability row on line 2).
    skipped
        If a list is given, the issues on which fewer than two actors take a position
        are appended to it and left out; otherwise such an issue raises.

    Returns
    -------
    list of DecisionCase
        Including issues without an outcome (see :attr:`DecisionCase.has_outcome`).

    Raises
    ------
    InputError
        If the file cannot be read as a DEU table (with the line and field of each
        problem).
    """
    p = Path(path)
    if not p.exists():
        raise InputError("the file does not exist", file=p, fix="check the path.")
    if p.is_dir():
        raise InputError("this is a folder, not a DEU table", file=p, fix="give a file.")
    errors: list[InputError] = []
    scenarios = load_scenarios(
        p, format=Format.DEU, group="issue", skipped=None if skipped is None else errors
    )
    for err in errors:
        if not _too_few_actors(err):
            raise err
        assert skipped is not None
        first = err.problems[0]
        none = "no actors" in first.message
        reason = "no actor takes a position" if none else "a single actor takes a position"
        skipped.append(SkippedIssue(first.line, reason))
    cases = []
    for s in scenarios:
        arr = _canonical(to_arrays(s))
        keep = (arr.has_stance[:, 0] & (arr.saliences[:, 0] > 0)).astype(bool)
        sub = _actor_rows(arr, keep)
        proposal = s.meta.get("proposal", {})
        issue = s.issues[0]
        cases.append(
            DecisionCase(
                issue=issue.id,
                proposal=_text(proposal.get("prnr")) or s.id,
                arrays=sub,
                outcome=math.nan if issue.outcome is None else float(issue.outcome),
                reference_point=math.nan if issue.status_quo is None else float(issue.status_quo),
                procedure=_text(proposal.get("proc")),
                voting_rule=_text(proposal.get("counvte")),
                instrument=_text(proposal.get("type")),
                all_positions=_held(arr),
                lower=float(issue.scale.min),
                upper=float(issue.scale.max),
            )
        )
    return cases


def outcomes(cases: list[DecisionCase]) -> np.ndarray:
    """``(N,)`` outcomes of the cases (NaN where unknown)."""
    return np.array([c.outcome for c in cases], dtype=np.float64)
