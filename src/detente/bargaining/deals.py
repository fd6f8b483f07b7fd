r"""The deal finder: which exchanges of concessions pay for both sides.

Built on the exchange model (:mod:`detente.bargaining.exchange`, Stokman & Van Oosten
1994, as decide computes it).  A *deal* is an exchange the model executes in its first
round, the classic one-shot exchange-model forecast: actor ``a`` moves its voting
position on issue ``q`` towards actor ``b``'s, and ``b`` moves on issue ``p`` towards
``a``'s.  All positions are rescaled to 0-100 and saliences to 0-1, as the model does.

Forecast and shifts
    The forecast of issue ``d`` is the capability x salience weighted mean of the voting
    positions, :math:`O_d = \sum_i c_{id} s_{id} x_{id} / \sum_i c_{id} s_{id}`, so a
    move :math:`\Delta x_{ad}` shifts it by
    :math:`\Delta O_d = \Delta x_{ad}\, c_{ad} s_{ad} / \sum_i c_{id} s_{id}` whatever
    the others do.  A deal's shifts of its two issues are reported on each issue's own
    scale; the *package* is all the round's deals executed, in order, and its shift of
    each issue is the sum of its deals' shifts (the round's voting positions).

Gains
    An actor's utility is the salience-weighted closeness of the forecasts to its
    position at the start of the round, :math:`u_i = -\sum_d s_{id} |\hat x_{id} - O_d|`
    (0-100 scale, saliences 0-1).  A deal's gain for a side is the change in its
    utility when the deal's two moves are made to the forecasts as they stand when
    the deal is executed,

    .. math:: g_a = \sum_{d \in \{p, q\}} s_{ad}\,\bigl(|\hat x_{ad} - O_d|
              - |\hat x_{ad} - O_d - \Delta O_d|\bigr),

    which for an exchange of the equal-gain model equals the model's own gain for both
    sides: :math:`s_{ap}\Delta O_p - s_{aq}\Delta O_q` (the outcome of the supply issue
    moves away from ``a``, that of the demand issue towards it).  A deal is *mutually
    beneficial* when both gains are positive.  An actor's gain from the package is
    :math:`u_i` after minus before; a side's gain (``--between``) is the sum of its
    members' gains, every member counted whether or not it trades.

Sides
    :func:`find_deals` with ``sides`` restricts the search itself to exchanges with one
    actor on each side (the kernel's pair mask), so the package is what the two sides
    can agree among themselves while everyone else's stance still counts in the
    forecasts.

Robust deals
    :func:`robust_deals` re-runs the (restricted) search on every draw of the
    scenario's stated input uncertainty (:func:`detente.bargaining.sample_inputs`).  In
    each draw a deal is identified by its actors and the issue each of them moves on;
    it *holds* when the model offers that exchange at the start of the round and it is
    mutually beneficial there (its gains computed as above, on the draw's positions and
    saliences, with the forecasts at the start of the round).  Reported per deal: the
    share of draws in which it holds, the share in which the model also executes it,
    and the 5th, 50th and 95th percentiles of each side's gain over the draws in which
    it holds; a deal that holds in fewer than half of the draws holds at the point
    estimate only and is flagged ``point_only``.  The package: the share of draws in
    which every side (or, without sides, every actor that trades in the point package)
    gains from that draw's package, the percentiles of each side's gain over all draws,
    and the mean share of the point package's deals that the draw's package executes.

Rival bids
    :func:`rival_bids`: for each deal and each of its two actors (the *partner*), the
    best competing offer a third actor makes that partner at the start of the round on
    the same issues (the partner moving on the same issue and getting a move on the
    other; e.g. Russia offering Türkiye what Europe offers, from the unrestricted
    search).  Offers are compared as the model first calculates them, before any
    exchange is executed: the partner's gain from the rival's offer minus its gain from
    the deal's offer is the *margin*; a positive margin means the rival outbids the
    deal.  With sides, rivals are the actors outside the deal's other side.

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
object-oriented model of policy networks. In B. Bueno de Mesquita & F. N. Stokman
(eds), *European Community Decision Making*, 105-127. Yale University Press.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining.base import BatchInputs, SeedLike
from detente.errors import InputError
from detente.scenario.arrays import ScenarioArrays
from detente.scenario.model import Scenario

__all__ = [
    "DEAL_COLUMNS",
    "QUANTILES",
    "RIVAL_COLUMNS",
    "ROBUST_COLUMNS",
    "DealSet",
    "Robustness",
    "Sides",
    "find_deals",
    "pair_mask",
    "resolve_sides",
    "rival_bids",
    "robust_deals",
    "scenario_sides",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: The percentiles of gains reported over draws.
QUANTILES = (0.05, 0.5, 0.95)
#: A deal holding in fewer than this share of the draws is flagged ``point_only``.
MIN_SHARE = 0.5
#: Gains at or below this (utility points) count as no gain (float noise).
GAIN_EPS = 1e-12

#: Columns of :attr:`DealSet.deals`.
DEAL_COLUMNS = (
    "deal",
    "a_actor",
    "a_issue",
    "a_from",
    "a_to",
    "a_shift",
    "a_gain",
    "b_actor",
    "b_issue",
    "b_from",
    "b_to",
    "b_shift",
    "b_gain",
    "mutual",
)
_Q_NAMES = tuple(f"p{round(q * 100):02d}" for q in QUANTILES)
#: Columns of :attr:`Robustness.deals`.
ROBUST_COLUMNS = (
    "deal",
    "holds",
    "executed",
    *(f"a_gain_{q}" for q in _Q_NAMES),
    *(f"b_gain_{q}" for q in _Q_NAMES),
    "point_only",
)
#: Columns of :func:`rival_bids`.
RIVAL_COLUMNS = (
    "deal",
    "partner",
    "partner_issue",
    "partner_gets",
    "offer_gain",
    "rival",
    "rival_from",
    "rival_to",
    "partner_from",
    "partner_to",
    "rival_gain",
    "margin",
    "outbid",
)


# -- sides ------------------------------------------------------------------------------


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


# -- gains --------------------------------------------------------------------------------


def _gain(x: Any, s: Any, o0: Any, o1: Any) -> Any:
    """Utility change ``s (|x - o0| - |x - o1|)`` (0 where the actor has no stance)."""
    g = s * (np.abs(x - o0) - np.abs(x - o1))
    return np.where(np.isfinite(g), g, 0.0)


def _lin(x: Any, s: Any, o0: Any, shift: Any) -> Any:
    """The exchange model's gain from a shift: ``s * shift`` towards the actor's side.

    The actor's side of the forecast ``o0`` is as the model forms its groups (an actor
    at the forecast counts as left of it); 0 where the actor has no stance.
    """
    g = s * shift * np.where(x > o0, 1.0, -1.0)
    return np.where(np.isfinite(g), g, 0.0)


@dataclass(frozen=True)
class _Inputs:
    """The round's inputs on the model's internal scale (0-100, saliences 0-1)."""

    x: FloatArray  # (n, k), NaN where no stance
    s: FloatArray  # (n, k)
    c: FloatArray  # (n, k)
    denom: FloatArray  # (k,)
    step: FloatArray  # (k,)


def _inputs_of(prob: Any) -> _Inputs:
    w = np.where(prob.has, prob.s * prob.c, 0.0)
    return _Inputs(x=prob.x, s=prob.s, c=prob.c, denom=w.sum(axis=0), step=prob.step)


def _shift(inp: _Inputs, actor: Any, issue: Any, move: Any) -> Any:
    """Shift of issue ``issue``'s forecast (0-100) when ``actor`` moves by ``move``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = move * inp.s[actor, issue] * inp.c[actor, issue] / inp.denom[issue]
    return np.where(np.isfinite(out), out, 0.0)


# -- the point search -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DealSet:
    """The deals of one search and their package.

    Attributes
    ----------
    actor_ids, issue_ids
        Axis labels.
    sides
        The two sides of a restricted search, or ``None``.
    deals
        One row per deal, in the order the model executes them (:data:`DEAL_COLUMNS`):
        ``a_actor`` moves on ``a_issue`` from ``a_from`` to ``a_to`` (the issue's own
        scale), shifting its forecast by ``a_shift``; ``b_`` likewise; ``a_gain`` and
        ``b_gain`` are the two sides' gains (utility points: forecast shifts on 0-100
        times saliences on 0-1), computed from the moves; ``mutual``: both are
        positive (always so under the equal-gain rule; decide's random exchange rates
        can execute an exchange whose moves leave one side worse off).  With sides,
        ``a_actor`` is on the first side.
    package
        One row per issue: ``issue``, ``outcome_before``, ``outcome_after``, ``shift``
        (own scale) and ``deals`` (how many deals move it).
    gains
        One row per actor: ``actor``, ``side`` (the side's name, "" if on neither or
        without sides), ``party`` (it trades in the package) and ``gain`` (its gain
        from the package).
    offers
        Every mutually beneficial exchange the unrestricted search offers at the start
        of the round, as first calculated: ``i_actor, i_issue, j_actor, j_issue,
        i_from, i_to, j_from, j_to`` (own scale), ``i_gain, j_gain``; the basis of the
        rival bids.
    params
        The exchange model's parameters used.
    arithmetic
        ``"decimal"`` when the deals were redone in decide's own arithmetic because
        the float engine met a near-tie there (the unrestricted equal-gain search, as
        the model does), else ``"float"``.
    knife_edges
        Near-ties the float engine met in the search (decide's 28-digit Decimal could
        order them differently).
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    sides: Sides | None
    deals: pd.DataFrame
    package: pd.DataFrame
    gains: pd.DataFrame
    offers: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    arithmetic: str = "float"
    knife_edges: int = 0
    _problem: Any = None
    _keys: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _flip: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    @property
    def side_gains(self) -> pd.DataFrame:
        """The package's gain for each side: ``side, members, gain``.

        With sides, the two named sides (the sum of their members' gains); without,
        every actor that trades in the package is its own side.
        """
        g = self.gains
        if self.sides is not None:
            rows = [
                {
                    "side": name,
                    "members": list(members),
                    "gain": float(g.loc[g["actor"].isin(members), "gain"].sum()),
                }
                for name, members in zip(self.sides.names, self.sides.members, strict=True)
            ]
        else:
            parties = g[g["party"]]
            rows = [
                {"side": a, "members": [a], "gain": float(v)}
                for a, v in zip(parties["actor"], parties["gain"], strict=True)
            ]
        return pd.DataFrame(rows, columns=["side", "members", "gain"])

    @property
    def mutually_beneficial(self) -> bool:
        """Every side gains from the package (``False`` for an empty package)."""
        sg = self.side_gains
        return bool(len(self.deals) > 0 and len(sg) > 0 and (sg["gain"] > GAIN_EPS).all())


def _params(params: Mapping[str, Any]) -> tuple[float, str]:
    rex = params.get("variant", "equal_gain") == "random_rate"
    p = float(params.get("p", 0.5)) if rex else 0.0
    return p, str(params.get("rules", "decide"))


def _key(n: int, k: int, i: Any, q: Any, j: Any, p: Any) -> Any:
    """One integer per exchange: actor ``i`` supplies ``q``, ``j`` supplies ``p``."""
    return ((np.asarray(i) * k + q) * n + j) * k + p


def find_deals(
    scenario: Scenario | ScenarioArrays,
    *,
    sides: Sides | None = None,
    seed: SeedLike = None,
    **params: Any,
) -> DealSet:
    """The deals the exchange model finds in its first round, and their package.

    Parameters
    ----------
    scenario
        A scenario (data capabilities are resolved) or its arrays.
    sides
        Restrict the search to exchanges with one actor on each side
        (:func:`resolve_sides`); ``None``: every pair of actors.
    seed
        Seed of the random exchange rates (``variant="random_rate"``).
    **params
        The exchange model's parameters (``variant``, ``p``, ``rules``).

    Returns
    -------
    DealSet
    """
    from detente.bargaining.api import scenario_arrays
    from detente.bargaining.exchange import exchange_round
    from detente.bargaining.exchange.engine import problem_from_arrays

    arrays = scenario_arrays(scenario)
    prob = problem_from_arrays(arrays)
    n, k = prob.n_actors, prob.n_issues
    pairs = pair_mask(prob.actor_ids, sides)
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seed_r, seed_o = gen.spawn(2)
    kw: dict[str, Any] = {key: params[key] for key in ("variant", "p", "rules") if key in params}
    found = exchange_round(arrays, 1, seed=seed_r, pairs=pairs, **kw)
    everyone = found if pairs is None else exchange_round(arrays, 1, seed=seed_o, **kw)
    inp = _inputs_of(prob)
    a_idx = {a: t for t, a in enumerate(prob.actor_ids)}
    i_idx = {d: t for t, d in enumerate(prob.issue_ids)}
    ex, arithmetic, edges = _executed(prob, found.executed, pairs, kw)
    ai = ex["i_actor"].map(a_idx).to_numpy(dtype=np.int64)
    aq = ex["i_supply_issue"].map(i_idx).to_numpy(dtype=np.int64)
    bj = ex["j_actor"].map(a_idx).to_numpy(dtype=np.int64)
    bp = ex["j_supply_issue"].map(i_idx).to_numpy(dtype=np.int64)
    keys = _key(n, k, ai, aq, bj, bp).astype(np.int64)
    move_a = (ex["i_voting"] - ex["i_start"]).to_numpy(dtype=np.float64)
    move_b = (ex["j_voting"] - ex["j_start"]).to_numpy(dtype=np.float64)
    sh_a = _shift(inp, ai, aq, move_a)
    sh_b = _shift(inp, bj, bp, move_b)
    d = len(ex)
    shifts = np.zeros((d, k))
    np.add.at(shifts, (np.arange(d), aq), sh_a)
    np.add.at(shifts, (np.arange(d), bp), sh_b)
    o_start = _forecast(inp, prob)

    def side_gain(act: Any) -> FloatArray:
        g = _lin(inp.x[act, aq], inp.s[act, aq], o_start[aq], sh_a)
        return np.asarray(g + _lin(inp.x[act, bp], inp.s[act, bp], o_start[bp], sh_b))

    gain_i, gain_j = side_gain(ai), side_gain(bj)
    table = pd.DataFrame(
        {
            "deal": np.arange(1, d + 1, dtype=np.int64),
            "a_actor": ex["i_actor"].astype(str).to_numpy(),
            "a_issue": ex["i_supply_issue"].astype(str).to_numpy(),
            "a_from": _own(prob, ex["i_start"], aq),
            "a_to": _own(prob, ex["i_voting"], aq),
            "a_shift": sh_a / prob.step[aq],
            "a_gain": gain_i,
            "b_actor": ex["j_actor"].astype(str).to_numpy(),
            "b_issue": ex["j_supply_issue"].astype(str).to_numpy(),
            "b_from": _own(prob, ex["j_start"], bp),
            "b_to": _own(prob, ex["j_voting"], bp),
            "b_shift": sh_b / prob.step[bp],
            "b_gain": gain_j,
            "mutual": (gain_i > GAIN_EPS) & (gain_j > GAIN_EPS),
        },
        columns=list(DEAL_COLUMNS),
    )
    flip = np.zeros(d, dtype=np.bool_)
    if sides is not None and d:
        flip = np.array([sides.side_of(a) == 1 for a in table["a_actor"]], dtype=np.bool_)
        table = _orient(table, flip)

    # the package: every deal executed (the round's voting positions)
    o_after = o_start + shifts.sum(axis=0)
    moved = np.zeros(k, dtype=np.int64)
    np.add.at(moved, aq, 1)
    np.add.at(moved, bp, 1)
    package = pd.DataFrame(
        {
            "issue": list(prob.issue_ids),
            "outcome_before": prob.to_own(o_start),
            "outcome_after": prob.to_own(o_after),
            "shift": shifts.sum(axis=0) / prob.step,
            "deals": moved,
        }
    )
    per_actor = _gain(inp.x, inp.s, o_start[None, :], o_after[None, :]).sum(axis=1)
    parties = set(table["a_actor"]) | set(table["b_actor"])
    gains = pd.DataFrame(
        {
            "actor": list(prob.actor_ids),
            "side": [
                sides.names[sides.side_of(a)] if sides is not None and sides.side_of(a) >= 0 else ""
                for a in prob.actor_ids
            ],
            "party": [a in parties for a in prob.actor_ids],
            "gain": per_actor,
        }
    )
    return DealSet(
        actor_ids=prob.actor_ids,
        issue_ids=prob.issue_ids,
        sides=sides,
        deals=table,
        package=package,
        gains=gains,
        offers=_offers(everyone.candidates, prob, inp, o_start, a_idx, i_idx),
        params=dict(kw),
        arithmetic=arithmetic,
        knife_edges=edges,
        _problem=prob,
        _keys=keys,
        _flip=flip,
    )


def _own(prob: Any, values: Any, issues: Any) -> FloatArray:
    """Values on 0-100 of the given issues back on their own scales."""
    v = np.asarray(values, dtype=np.float64)
    return np.asarray(v / prob.step[issues] + prob.lower[issues])


def _forecast(inp: _Inputs, prob: Any) -> FloatArray:
    """Each issue's forecast at the start of the round (0-100)."""
    w = np.where(prob.has, inp.s * inp.c, 0.0)
    num = (np.where(prob.has, inp.x, 0.0) * w).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / inp.denom
    return np.asarray(np.where(inp.denom > 0, out, 0.0))


def _executed(
    prob: Any, executed: pd.DataFrame, pairs: BoolArray | None, kw: Mapping[str, Any]
) -> tuple[pd.DataFrame, str, int]:
    """The round's executed exchanges, in decide's arithmetic where it matters.

    The float engine's exchanges, unless it met a near-tie in an unrestricted
    equal-gain search: then the round is redone in decide's Decimal arithmetic
    (:func:`~detente.bargaining.exchange.run_exchange`, ``arithmetic="auto"``), so the
    deals are decide's.  decide's engine has no pair mask and random rates draw from
    another stream, so a restricted or REX search stays in float (with its count of
    near-ties).
    """
    from detente.bargaining.exchange import run_exchange
    from detente.bargaining.exchange.engine import _kernel_run

    p, rules = _params(kw)
    buf, _, _ = _kernel_run(prob, 1, p, rules, 0, record=False, pair_ok=pairs)
    edges = int(buf["edge"][0])
    if edges == 0 or pairs is not None or p > 0:
        return executed, "float", edges
    run = run_exchange(prob, rounds=1, rules=rules, arithmetic="auto")
    return run.exchanges, run.arithmetic, edges


def _orient(table: pd.DataFrame, flip: BoolArray) -> pd.DataFrame:
    """Swap the ``a_`` and ``b_`` columns of the rows in ``flip``."""
    out = table.copy()
    names = [c[2:] for c in DEAL_COLUMNS if c.startswith("a_")]  # "mutual" is symmetric
    for name in names:
        a, b = table[f"a_{name}"].to_numpy(), table[f"b_{name}"].to_numpy()
        out[f"a_{name}"] = np.where(flip, b, a)
        out[f"b_{name}"] = np.where(flip, a, b)
    return out


def _offers(
    cands: pd.DataFrame,
    prob: Any,
    inp: _Inputs,
    o_start: FloatArray,
    a_idx: dict[str, int],
    i_idx: dict[str, int],
) -> pd.DataFrame:
    """The valid candidates as first calculated, with each side's gain."""
    c = cands[cands["valid"]].reset_index(drop=True)
    i = c["i_actor"].map(a_idx).to_numpy(dtype=np.int64)
    q = c["i_supply_issue"].map(i_idx).to_numpy(dtype=np.int64)
    j = c["j_actor"].map(a_idx).to_numpy(dtype=np.int64)
    p = c["j_supply_issue"].map(i_idx).to_numpy(dtype=np.int64)
    sh_i = _shift(inp, i, q, (c["i_to_100"] - c["i_from_100"]).to_numpy(dtype=np.float64))
    sh_j = _shift(inp, j, p, (c["j_to_100"] - c["j_from_100"]).to_numpy(dtype=np.float64))
    oq, op = o_start[q], o_start[p]

    def g(act: Any) -> FloatArray:
        return np.asarray(
            _lin(inp.x[act, q], inp.s[act, q], oq, sh_i)
            + _lin(inp.x[act, p], inp.s[act, p], op, sh_j)
        )

    return pd.DataFrame(
        {
            "i_actor": c["i_actor"].astype(str).to_numpy(),
            "i_issue": c["i_supply_issue"].astype(str).to_numpy(),
            "j_actor": c["j_actor"].astype(str).to_numpy(),
            "j_issue": c["j_supply_issue"].astype(str).to_numpy(),
            "i_from": c["i_from"].to_numpy(dtype=np.float64),
            "i_to": c["i_to"].to_numpy(dtype=np.float64),
            "j_from": c["j_from"].to_numpy(dtype=np.float64),
            "j_to": c["j_to"].to_numpy(dtype=np.float64),
            "i_gain": g(i),
            "j_gain": g(j),
        }
    )


# -- rival bids ---------------------------------------------------------------------------


def rival_bids(found: DealSet) -> pd.DataFrame:
    """The best competing offer a third actor makes each deal's partners.

    For every deal and each of its two actors (the *partner*): among the offers of the
    unrestricted first round (:attr:`DealSet.offers`) in which the partner moves on the
    same issue as in the deal and gets a move on the deal's other issue, from an actor
    other than the two (with sides: outside the deal's other side), the one with the
    largest gain for the partner.

    Returns
    -------
    pandas.DataFrame
        :data:`RIVAL_COLUMNS`, two rows per deal (partner ``a`` first): ``offer_gain``
        the partner's gain from the deal as first offered (NaN if the unrestricted
        search does not offer it), ``rival`` ("" if no third actor makes such an offer),
        the rival's move on ``partner_gets`` (``rival_from`` -> ``rival_to``), the
        partner's move in the rival's offer, ``rival_gain``, ``margin = rival_gain -
        offer_gain`` and ``outbid`` (margin > 0).
    """
    offers = found.offers
    # each offer seen from each of its two actors
    cols = ["partner", "partner_issue", "partner_gets", "other", "p_from", "p_to", "o_from"]
    cols += ["o_to", "p_gain"]
    views = []
    for me, you in (("i", "j"), ("j", "i")):
        views.append(
            pd.DataFrame(
                {
                    "partner": offers[f"{me}_actor"],
                    "partner_issue": offers[f"{me}_issue"],
                    "partner_gets": offers[f"{you}_issue"],
                    "other": offers[f"{you}_actor"],
                    "p_from": offers[f"{me}_from"],
                    "p_to": offers[f"{me}_to"],
                    "o_from": offers[f"{you}_from"],
                    "o_to": offers[f"{you}_to"],
                    "p_gain": offers[f"{me}_gain"],
                },
                columns=cols,
            )
        )
    seen = pd.concat(views, ignore_index=True)
    deals = found.deals
    want = []
    for me, you in (("a", "b"), ("b", "a")):
        want.append(
            pd.DataFrame(
                {
                    "deal": deals["deal"],
                    "role": 0 if me == "a" else 1,
                    "partner": deals[f"{me}_actor"],
                    "partner_issue": deals[f"{me}_issue"],
                    "partner_gets": deals[f"{you}_issue"],
                    "dealer": deals[f"{you}_actor"],
                }
            )
        )
    asked = pd.concat(want, ignore_index=True)
    if asked.empty:
        return pd.DataFrame({c: [] for c in RIVAL_COLUMNS})
    keys = ["partner", "partner_issue", "partner_gets"]
    merged = asked.merge(seen, on=keys, how="left")
    own = merged["other"] == merged["dealer"]
    offer_gain = merged[own].set_index(["deal", "role"])["p_gain"]
    excluded = merged["other"].isna() | own | (merged["other"] == merged["partner"])
    if found.sides is not None:
        side_of = {a: n for n, m in enumerate(found.sides.members) for a in m}
        dealer_side = merged["dealer"].map(side_of)
        other_side = merged["other"].map(side_of)
        excluded |= dealer_side.notna() & (other_side == dealer_side)
    rivals = merged[~excluded]
    if len(rivals):
        rivals = rivals.loc[rivals.groupby(["deal", "role"])["p_gain"].idxmax()]
    best = rivals
    best = best.set_index(["deal", "role"])
    out = asked.set_index(["deal", "role"])
    out["offer_gain"] = offer_gain.reindex(out.index)
    for src, dst in (
        ("other", "rival"),
        ("o_from", "rival_from"),
        ("o_to", "rival_to"),
        ("p_from", "partner_from"),
        ("p_to", "partner_to"),
        ("p_gain", "rival_gain"),
    ):
        out[dst] = best[src].reindex(out.index)
    out["rival"] = out["rival"].fillna("").astype(str)
    out["margin"] = out["rival_gain"] - out["offer_gain"]
    out["outbid"] = (out["margin"] > GAIN_EPS).fillna(False).astype(bool)
    out = out.reset_index().sort_values(["deal", "role"], kind="stable").reset_index(drop=True)
    return out[list(RIVAL_COLUMNS)]


# -- robust deals -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Robustness:
    """How the deals and the package fare over draws of the inputs.

    Attributes
    ----------
    n_draws
        Number of draws.
    deals
        One row per deal (:data:`ROBUST_COLUMNS`): ``holds`` (share of draws in which
        the model offers the same exchange and it is mutually beneficial),
        ``executed`` (share in which the model also executes it), the percentiles of
        each side's gain over the draws in which it holds, and ``point_only`` (holds in
        fewer than half of the draws).
    package
        One row per side (as :attr:`DealSet.side_gains`): ``side``, ``gain`` (point),
        ``gain_p05``, ``gain_p50``, ``gain_p95`` (over all draws) and ``gains``
        (share of draws in which the side gains from the draw's package).
    package_holds
        Share of draws in which every side gains from the draw's package.
    overlap
        Mean share, over draws, of the point package's deals that the draw's package
        executes.
    knife_edges
        Draws in which the float engine met a near-tie.
    """

    n_draws: int
    deals: pd.DataFrame
    package: pd.DataFrame
    package_holds: float
    overlap: float
    knife_edges: int = 0


def robust_deals(
    found: DealSet, inputs: BatchInputs, *, seed: SeedLike = None, workers: int = 2
) -> Robustness:
    """Re-run the search of :func:`find_deals` on every draw of ``inputs``.

    Parameters
    ----------
    found
        The point search (its sides and parameters are used again).
    inputs
        Draws of the scenario's inputs (:func:`detente.bargaining.sample_inputs`),
        with the same actors and issues.
    seed
        Seed of the random exchange rates (``variant="random_rate"`` only).
    workers
        Threads running the compiled engine (the result does not depend on it).

    Returns
    -------
    Robustness
    """
    from detente.bargaining.exchange import _kernel as K
    from detente.bargaining.exchange.engine import _kernel_run

    prob = found._problem
    if tuple(inputs.actor_ids) != prob.actor_ids or tuple(inputs.issue_ids) != prob.issue_ids:
        raise InputError(
            "the draws are of other actors or issues than the deals",
            field="inputs",
            fix="draw the inputs of the same scenario (sample_inputs(scenario, ...)).",
        )
    r_n = inputs.n_replicates
    n, k = prob.n_actors, prob.n_issues
    p, rules = _params(found.params)
    pairs = pair_mask(prob.actor_ids, found.sides)
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seeds = gen.integers(0, 2**63, size=r_n).tolist() if p > 0 else [0] * r_n
    has = np.asarray(inputs.has_stance, dtype=bool)
    smax = float(inputs.salience_max)
    caps = inputs.capability_matrix()
    keys = found._keys
    d_n = len(keys)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    # each deal's actors and issues: i supplies q, j supplies p
    i_a, i_q = keys // (k * n * k), (keys // (n * k)) % k
    j_a, j_p = (keys // k) % n, keys % k
    # per draw and deal: offered and mutually beneficial, executed, each side's gain
    holds = np.zeros((r_n, d_n), dtype=np.bool_)
    done = np.zeros((r_n, d_n), dtype=np.bool_)
    g_i = np.full((r_n, d_n), np.nan)
    g_j = np.full((r_n, d_n), np.nan)
    per_actor = np.zeros((r_n, n))  # each actor's gain from the draw's package
    edges = np.zeros(r_n, dtype=np.bool_)

    def work(lo: int, hi: int) -> None:
        for r in range(lo, hi):
            own = np.where(has, inputs.positions[r], np.nan)
            raw = np.where(has, inputs.saliences[r], 0.0)
            x, s = (own - prob.lower) * prob.step, raw / smax
            c = np.where(has, caps[r], 0.0)
            pr = dataclasses.replace(prob, x=x, s=s, c=c, own=own, raw_s=raw, salience_max=smax)
            buf, m, _ = _kernel_run(
                pr, 1, p, rules, int(seeds[r]), record=False, cand_round=1, pair_ok=pairs
            )
            edges[r] = buf["edge"][0] > 0
            o0, o1 = buf["nbs0"][0], buf["nbs1"][0]
            per_actor[r] = _gain(x, s, o0[None, :], o1[None, :]).sum(axis=1)
            if not d_n or not m:
                continue
            ix = buf["cand_i"][:m]
            key = _key(n, k, ix[:, 0, 0], ix[:, 0, 1], ix[:, 1, 0], ix[:, 1, 1])
            at = np.minimum(np.searchsorted(sorted_keys, key), d_n - 1)
            e = np.flatnonzero(sorted_keys[at] == key)
            if not e.size:
                continue
            dd = order[at[e]]
            cf = buf["cand_f"][e]
            w = s * c
            denom = w.sum(axis=0)
            ia, iq, ja, jp = i_a[dd], i_q[dd], j_a[dd], j_p[dd]
            with np.errstate(divide="ignore", invalid="ignore"):
                sh_i = (cf[:, 0, K.F_Y] - cf[:, 0, K.F_POS]) * w[ia, iq] / denom[iq]
                sh_j = (cf[:, 1, K.F_Y] - cf[:, 1, K.F_POS]) * w[ja, jp] / denom[jp]
            gi = _lin(x[ia, iq], s[ia, iq], o0[iq], sh_i) + _lin(x[ia, jp], s[ia, jp], o0[jp], sh_j)
            gj = _lin(x[ja, iq], s[ja, iq], o0[iq], sh_i) + _lin(x[ja, jp], s[ja, jp], o0[jp], sh_j)
            g_i[r, dd], g_j[r, dd] = gi, gj
            holds[r, dd] = (buf["cand_v"][e] == 1) & (gi > GAIN_EPS) & (gj > GAIN_EPS)
            done[r, dd] = buf["cand_seq"][e] > 0

    # the compiled engine releases the GIL: draws in chunks on threads (each writes
    # its own rows), the same numbers as one thread
    if r_n >= 64 and workers > 1:
        cuts = np.linspace(0, r_n, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: work(*ab), pairwise(cuts)))
    else:
        work(0, r_n)
    flip = found._flip[None, :]
    g_a = np.where(flip, g_j, g_i)
    g_b = np.where(flip, g_i, g_j)
    cols: dict[str, Any] = {
        "deal": found.deals["deal"].to_numpy(),
        "holds": holds.mean(axis=0) if r_n else np.full(d_n, np.nan),
        "executed": (done & holds).mean(axis=0) if r_n else np.full(d_n, np.nan),
    }
    for tag, gg in (("a", g_a), ("b", g_b)):
        masked = np.where(holds, gg, np.nan)
        qs = _nanquantiles(masked)
        for t, name in enumerate(_Q_NAMES):
            cols[f"{tag}_gain_{name}"] = qs[t]
    cols["point_only"] = cols["holds"] < MIN_SHARE
    deals = pd.DataFrame(cols, columns=list(ROBUST_COLUMNS))

    # the package of each draw, judged by the point package's sides
    sg = found.side_gains
    idx = {a: t for t, a in enumerate(prob.actor_ids)}
    side_draws = (
        np.stack(
            [per_actor[:, [idx[a] for a in members]].sum(axis=1) for members in sg["members"]],
            axis=1,
        )
        if len(sg)
        else np.zeros((r_n, 0))
    )
    q = _nanquantiles(side_draws) if len(sg) else np.zeros((len(QUANTILES), 0))
    package = pd.DataFrame(
        {
            "side": sg["side"].to_numpy(),
            "gain": sg["gain"].to_numpy(dtype=np.float64),
            **{f"gain_{name}": q[t] for t, name in enumerate(_Q_NAMES)},
            "gains": (side_draws > GAIN_EPS).mean(axis=0) if r_n else np.full(len(sg), np.nan),
        }
    )
    every = (side_draws > GAIN_EPS).all(axis=1) & (len(sg) > 0)
    return Robustness(
        n_draws=r_n,
        deals=deals,
        package=package,
        package_holds=float(every.mean()) if r_n else float("nan"),
        overlap=float(done.mean()) if r_n and d_n else float("nan"),
        knife_edges=int(edges.sum()),
    )


def _nanquantiles(values: FloatArray) -> FloatArray:
    """:data:`QUANTILES` of each column over the finite rows (NaN for none)."""
    out = np.full((len(QUANTILES), values.shape[1]), np.nan)
    ok = np.isfinite(values).any(axis=0)
    if ok.any():
        with np.errstate(all="ignore"):
            out[:, ok] = np.nanquantile(values[:, ok], QUANTILES, axis=0)
    return out
