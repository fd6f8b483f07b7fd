"""Numeric view of a scenario: the arrays every model computes on.

Models never walk the pydantic objects in their hot paths.  They take a
:class:`ScenarioArrays`, whose arrays are indexed ``[actor, issue]`` in file order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import Problem, ScenarioError
from detente.scenario.model import Scenario

__all__ = ["ScenarioArrays", "to_arrays"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ScenarioArrays:
    """Positions, saliences and capabilities of a scenario as arrays.

    Attributes
    ----------
    actor_ids, issue_ids
        Row and column labels, in file order.
    positions
        ``(n_actors, n_issues)`` positions on each issue's own scale; NaN where an
        actor has no stance.
    saliences
        ``(n_actors, n_issues)`` saliences on the scenario's salience scale
        (0..``salience_max``); 0 where an actor has no stance.
    capabilities
        ``(n_actors,)`` positive capabilities.
    lower, upper
        ``(n_issues,)`` scale bounds of each issue.
    status_quo
        ``(n_issues,)`` status quo of each issue, NaN where none is given.
    has_stance
        ``(n_actors, n_issues)`` True where the actor has a stance.
    salience_max
        The top of the salience scale.
    outcome
        ``(n_issues,)`` observed outcomes (back-tests), NaN where none.
    stance_capabilities
        ``(n_actors, n_issues)`` a stance's own capability where it gives one (decide's
        per-issue power), NaN elsewhere; ``None`` when no stance gives one.
    stance_index
        ``(n_actors, n_issues)`` the stance's rank in the file (-1 where none); decide
        sums over actors in this order.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: FloatArray
    saliences: FloatArray
    capabilities: FloatArray
    lower: FloatArray
    upper: FloatArray
    status_quo: FloatArray
    has_stance: BoolArray
    salience_max: float = 100.0
    outcome: FloatArray = field(default_factory=lambda: np.zeros(0))
    stance_capabilities: FloatArray | None = None
    stance_index: NDArray[np.int64] | None = None

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.issue_ids)

    @property
    def span(self) -> FloatArray:
        """``upper - lower`` for each issue."""
        return self.upper - self.lower

    def unit_positions(self) -> FloatArray:
        """Positions rescaled to [0, 1] on each issue (NaN kept)."""
        return (self.positions - self.lower) / self.span

    def from_unit(self, x: FloatArray) -> FloatArray:
        """Map values on [0, 1] back to each issue's own scale (last axis = issue)."""
        return np.asarray(x) * self.span + self.lower

    def capability_matrix(self) -> FloatArray:
        """``(n_actors, n_issues)`` each actor's capability on each issue.

        The actor's capability, replaced by a stance's own capability where it gives
        one.
        """
        base = np.broadcast_to(self.capabilities[:, None], self.positions.shape)
        if self.stance_capabilities is None:
            return base.copy()
        return np.where(np.isnan(self.stance_capabilities), base, self.stance_capabilities)

    def salience_fraction(self) -> FloatArray:
        """Saliences divided by ``salience_max`` (so in [0, 1])."""
        return self.saliences / self.salience_max


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """Build the numeric view of ``scenario``.

    Parameters
    ----------
    scenario
        A valid scenario whose capabilities are numbers or already resolved (see
        :func:`detente.data.resolve_capabilities`).

    Returns
    -------
    ScenarioArrays

    Raises
    ------
    ScenarioError
        If a capability is still an unresolved data reference.
    """
    unresolved = scenario.unresolved_actors
    if unresolved:
        row = {a: n for n, a in reversed(list(enumerate(scenario.actor_ids)))}
        raise ScenarioError(
            [
                Problem(
                    f"capability of actor {a!r} is a data reference that has not been resolved",
                    field=f"actors[{row[a]}].capability",
                    fix="resolve it with detente.data.resolve_capabilities(scenario), or "
                    "give a number.",
                )
                for a in unresolved
            ]
        )
    a_idx = {a: n for n, a in enumerate(scenario.actor_ids)}
    i_idx = {i: n for n, i in enumerate(scenario.issue_ids)}
    n, k = len(a_idx), len(i_idx)
    pos = np.full((n, k), np.nan)
    sal = np.zeros((n, k))
    has = np.zeros((n, k), dtype=bool)
    own = np.full((n, k), np.nan)
    rank = np.full((n, k), -1, dtype=np.int64)
    for t, st in enumerate(scenario.stances):
        r, c = a_idx[st.actor], i_idx[st.issue]
        pos[r, c] = st.position
        sal[r, c] = st.salience
        has[r, c] = True
        rank[r, c] = t
        if st.capability is not None:
            own[r, c] = st.capability
    caps = np.array([a.capability_value for a in scenario.actors], dtype=np.float64)
    lower = np.array([i.scale.min for i in scenario.issues], dtype=np.float64)
    upper = np.array([i.scale.max for i in scenario.issues], dtype=np.float64)
    sq = np.array(
        [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues],
        dtype=np.float64,
    )
    out = np.array(
        [np.nan if i.outcome is None else i.outcome for i in scenario.issues], dtype=np.float64
    )
    return ScenarioArrays(
        actor_ids=tuple(a_idx),
        issue_ids=tuple(i_idx),
        positions=pos,
        saliences=sal,
        capabilities=caps,
        lower=lower,
        upper=upper,
        status_quo=sq,
        has_stance=has,
        salience_max=scenario.salience_max,
        outcome=out,
        stance_capabilities=own if np.isfinite(own).any() else None,
        stance_index=rank,
    )
