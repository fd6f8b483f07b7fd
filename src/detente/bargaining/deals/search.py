"""The point search: the first round's deals, their package and the offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.bargaining.base import SeedLike
from detente.bargaining.deals._common import (
    DEAL_COLUMNS,
    GAIN_EPS,
    BoolArray,
    FloatArray,
    IntArray,
    _gain,
    _Inputs,
    _inputs_of,
    _key,
    _lin,
    _params,
    _shift,
)
from detente.bargaining.deals.sides import Sides, pair_mask
from detente.scenario.arrays import ScenarioArrays
from detente.scenario.model import Scenario

__all__ = ["DealSet", "find_deals"]


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
        ``"settled"``: the compiled engine met near-ties and settled them in decide's
        28-digit arithmetic; ``"decimal"``: the round was redone in Python's Decimal (a
        near-tie the compiled engine could not settle, unrestricted search);
        ``"float"``: no near-tie, or one decided in float (a restricted search or random
        exchange rates).
    knife_edges
        Near-ties the compiled engine met in the search.
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

    The compiled engine settles the knife-edges it meets (decisions within the float
    error of their operands) in decide's 28-digit arithmetic under the equal-gain rule,
    so its exchanges are decide's: ``"settled"`` when it settled any, ``"float"`` when it
    met none.  Where it cannot settle one (a *fallback*), an unrestricted search is
    redone in Python's Decimal (:func:`~detente.bargaining.exchange.run_exchange`,
    ``"decimal"``); decide's engine has no pair mask, so a restricted search then keeps
    the compiled engine's float decision (``"float"``), as do random exchange rates.

    Returns
    -------
    executed, arithmetic, knife_edges
        The exchanges (decide's ``exchanges.csv`` columns), the arithmetic, and the
        knife-edges met.
    """
    from detente.bargaining.exchange import _kernel as K
    from detente.bargaining.exchange import run_exchange
    from detente.bargaining.exchange.engine import _kernel_run

    p, rules = _params(kw)
    buf, _, _ = _kernel_run(prob, 1, p, rules, 0, record=False, pair_ok=pairs)
    edge = buf["edge"]
    met, settled, fallbacks = int(edge[K.E_MET]), int(edge[K.E_SETTLED]), int(edge[K.E_FALLBACK])
    if p > 0:
        return executed, "float", met
    if fallbacks == 0:
        return executed, "settled" if settled else "float", met
    if pairs is not None:
        return executed, "float", met
    run = run_exchange(prob, rounds=1, rules=rules, arithmetic="auto")
    return run.exchanges, run.arithmetic, met


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
