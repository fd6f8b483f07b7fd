"""The two sides of a restricted search: actor ids or the scenario's actor groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.bargaining.deals._common import BoolArray
from detente.errors import InputError
from detente.scenario.model import Scenario

__all__ = ["Sides", "pair_mask", "resolve_sides", "scenario_sides"]


@dataclass(frozen=True)
class Sides:
    """Two disjoint sets of actors, each under the name the user gave it."""

    names: tuple[str, str]
    members: tuple[tuple[str, ...], tuple[str, ...]]

    def side_of(self, actor: str) -> int:
        """0 or 1 for a member of a side, -1 for an actor on neither."""
        for n, members in enumerate(self.members):
            if actor in members:
                return n
        return -1


def _one_side(scenario: Scenario, name: str, where: str) -> tuple[str, tuple[str, ...]]:
    text = name.strip()
    ids = list(scenario.actor_ids)
    groups: dict[str, list[str]] = {}
    for actor in scenario.actors:
        if actor.group:
            groups.setdefault(actor.group, []).append(actor.id)
    as_actor = text if text in ids else None
    as_group = text if text in groups else None
    if as_actor is None and as_group is None:
        folded = [i for i in ids if i.casefold() == text.casefold()]
        folded_g = [g for g in groups if g.casefold() == text.casefold()]
        if len(folded) + len(folded_g) == 1:
            as_actor = folded[0] if folded else None
            as_group = folded_g[0] if folded_g else None
    if as_actor is not None and as_group is not None and groups[as_group] != [as_actor]:
        raise InputError(
            f"{name!r} is both an actor id and a group of other actors",
            field=where,
            fix=f"rename the actor or the group in the scenario so that {name!r} names one side.",
        )
    if as_group is not None:
        return as_group, tuple(groups[as_group])
    if as_actor is not None:
        return as_actor, (as_actor,)
    from rapidfuzz import process

    choices = ids + sorted(groups)
    close = [m[0] for m in process.extract(text, choices, limit=3)] if text else []
    known = ", ".join(sorted(groups)) or "none"
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise InputError(
        f"no actor or group {name!r} in the scenario",
        field=where,
        fix=f"{hint}Give an actor id or a group (groups: {known}).",
    )


def resolve_sides(scenario: Scenario, a: str, b: str, *, where: str = "--between") -> Sides:
    """The two sides of ``--between A B``: actor ids or the scenario's actor groups.

    A name matches an actor id or a group exactly, else case-insensitively when that
    is unambiguous.

    Parameters
    ----------
    scenario
        The scenario.
    a, b
        The two names.
    where
        The option or field named in error messages.

    Raises
    ------
    InputError
        For an unknown name (with the closest ids and groups suggested), or sides
        that share an actor.
    """
    name_a, mem_a = _one_side(scenario, a, where)
    name_b, mem_b = _one_side(scenario, b, where)
    common = sorted(set(mem_a) & set(mem_b))
    if common:
        raise InputError(
            f"the two sides {name_a!r} and {name_b!r} share {', '.join(common)}",
            field=where,
            fix="give two sides with no actor in common, e.g. a group and an actor outside it.",
        )
    return Sides(names=(name_a, name_b), members=(mem_a, mem_b))


def scenario_sides(scenario: Scenario) -> Sides | None:
    """The two sides named by the scenario's ``[deals]`` table (``None`` without one).

    Raises
    ------
    InputError
        For a ``[deals]`` table with other keys than ``between``, a ``between`` that is
        not two names, or names that :func:`resolve_sides` refuses; located by field
        (``deals.between``).
    """
    table = scenario.deals
    if not table:
        return None
    for key in table:
        if key != "between":
            raise InputError(
                f"unknown field {key!r} in the [deals] table",
                field=f"deals.{key}",
                fix='the [deals] table takes between = ["A", "B"] (two actor ids or groups).',
            )
    between = table.get("between")
    if (
        not isinstance(between, list | tuple)
        or len(between) != 2
        or not all(isinstance(x, str) and x.strip() for x in between)
    ):
        raise InputError(
            f"between must name two sides, not {between!r}",
            field="deals.between",
            fix='write between = ["Europe", "TUR"]: two actor ids or groups of actors.',
        )
    return resolve_sides(scenario, between[0], between[1], where="deals.between")


def pair_mask(actor_ids: Sequence[str], sides: Sides | None) -> BoolArray | None:
    """``(n, n)`` True for the pairs that may exchange: one actor on each side."""
    if sides is None:
        return None
    side = np.array([sides.side_of(a) for a in actor_ids])
    mask = (side[:, None] >= 0) & (side[None, :] >= 0) & (side[:, None] != side[None, :])
    return np.ascontiguousarray(mask)
