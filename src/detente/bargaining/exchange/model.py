"""The exchange model in detente's model registry (name ``exchange``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    Forecast,
    ModelSpec,
    ParamSpec,
    SeedLike,
    register,
)
from detente.bargaining.exchange._problem import Problem, make_problem
from detente.bargaining.exchange.engine import (
    VARIANTS,
    ExchangeRun,
    _run_many,
    problem_from_arrays,
    resolve_variant,
    run_batch,
    run_exchange,
    run_settled,
)
from detente.scenario.arrays import ScenarioArrays

NAME = "exchange"

PARAMS = (
    ParamSpec(
        "variant",
        str,
        "equal_gain",
        "equal_gain (Stokman & Van Oosten 1994) or random_rate (REX, Dijkstra et al. 2018, "
        "with p); decide (= equal_gain with decide's rules) and corrected (= equal_gain with "
        "the corrected rules) are aliases",
        choices=VARIANTS,
    ),
    ParamSpec(
        "p",
        float,
        0.5,
        "REX randomisation of the exchange rate (random_rate only)",
        minimum=0,
        maximum=1,
    ),
    ParamSpec("rounds", int, 10, "number of rounds (decide's default 10)", minimum=1, maximum=1000),
    ParamSpec(
        "ties",
        str,
        "first",
        "equal gains: first in decide's list (deterministic) or random (decide's coin, seeded)",
        choices=("first", "random"),
    ),
    ParamSpec(
        "rules",
        str,
        "decide",
        "decide (its code, quirks included) or corrected (no wrong-way REX move, no stale cap)",
        choices=("decide", "corrected"),
    ),
    ParamSpec(
        "arithmetic",
        str,
        "auto",
        "auto (compiled; every knife-edge settled in decide's 28-digit arithmetic), float "
        "(every decision in float) or decimal (Python's Decimal throughout, slow)",
        choices=("auto", "float", "decimal"),
    ),
)


def _run_kwargs(values: dict[str, Any]) -> dict[str, Any]:
    variant, rules = resolve_variant(values["variant"], values["rules"])
    return {
        "rounds": int(values["rounds"]),
        "variant": variant,
        "p": float(values["p"]),
        "ties": values["ties"],
        "rules": rules,
    }


def _notes(run: ExchangeRun) -> tuple[str, ...]:
    prob = run.problem
    notes = []
    for j, issue in enumerate(prob.issue_ids):
        if not prob.has[:, j].any():
            notes.append(f"issue {issue!r}: no actor has a stance; no forecast.")
        elif not (prob.s[:, j] * prob.c[:, j] > 0).any():
            notes.append(
                f"issue {issue!r}: every actor's salience x capability is zero; no forecast."
            )
    inactive = prob.has & ~prob.active
    if inactive.any():
        notes.append(
            f"{int(inactive.sum())} actor-issue(s) with zero salience or capability take no part "
            "in exchanges (decide stops with a division by zero on them)."
        )
    if run.fallbacks and run.arithmetic == "decimal":
        notes.append(
            f"{run.fallbacks} knife-edge(s) could not be settled in the compiled engine; the "
            "run was redone in Python's Decimal (decide's arithmetic)."
        )
    elif run.arithmetic == "settled":
        notes.append(
            f"{run.settled} knife-edge(s) (decisions within the float error of their "
            "operands) settled in decide's 28-digit arithmetic."
        )
    elif run.knife_edges and run.arithmetic == "float":
        notes.append(
            f"{run.knife_edges} knife-edge(s) decided in float; decide's arithmetic may "
            "differ there (arithmetic=auto settles them as decide does)."
        )
    return tuple(notes)


def _degenerate(prob_has: Any, s: Any, c: Any) -> Any:
    return ~((s * c > 0) & prob_has).any(axis=-2)


def _point(arrays: ScenarioArrays, values: dict[str, Any], seed: SeedLike) -> Forecast:
    prob = problem_from_arrays(arrays)
    run = run_exchange(prob, **_run_kwargs(values), arithmetic=values["arithmetic"], seed=seed)
    outcome = run.outcome
    outcome = np.where(_degenerate(prob.has, prob.s, prob.c), np.nan, outcome)
    own_start = prob.to_own(run.start)
    own_voting = prob.to_own(run.voting)
    initial = np.where(prob.has, prob.own, np.nan)
    traj = np.concatenate([initial[None], own_voting], axis=0)
    return Forecast(
        model=NAME,
        scenario_id="arrays",
        actor_ids=prob.actor_ids,
        issue_ids=prob.issue_ids,
        outcome=outcome,
        trajectory=traj,
        rounds=run.rounds,
        converged=True,
        stop_reason=f"{run.rounds} rounds of exchanges (the model runs a fixed number)",
        events=run.exchanges,
        notes=_notes(run),
        diagnostics={
            "start": own_start,
            "voting": own_voting,
            "nbs_start": prob.to_own(run.nbs_start),
            "nbs_voting": prob.to_own(run.nbs_voting),
            "arithmetic": run.arithmetic,
            "knife_edges": run.knife_edges,
            "settled": run.settled,
            "fallbacks": run.fallbacks,
            "positions": run.positions_frame(NAME),
        },
    )


def _settled(
    inputs: BatchInputs, caps: Any, template: Problem, kw: dict[str, Any]
) -> tuple[Any, Any, Any, Any]:
    """Every replicate as :func:`make_problem` and a point run take it (equal gain,
    knife-edges settled in decide's arithmetic), in one compiled call per thread: float
    alone can take another path at a knife-edge, and the paths part by whole points
    after ten rounds."""
    has = inputs.has_stance
    r = inputs.n_replicates
    smax = float(inputs.salience_max)
    raw = np.where(has[None], np.asarray(inputs.saliences, dtype=np.float64), 0.0)
    lo = np.broadcast_to(np.asarray(inputs.lower, dtype=np.float64), (r, len(inputs.issue_ids)))
    hi = np.broadcast_to(np.asarray(inputs.upper, dtype=np.float64), lo.shape)
    return run_settled(
        np.where(has[None], np.asarray(inputs.positions, dtype=np.float64), np.nan),
        raw,
        raw / smax if smax != 1.0 else raw,
        np.where(has[None], np.asarray(caps, dtype=np.float64), 0.0),
        np.broadcast_to(has, raw.shape),
        lo,
        hi,
        np.full(r, smax),
        template.sum_order,
        kw["rounds"],
        kw["rules"],
    )


def _batch(inputs: BatchInputs, values: dict[str, Any], seed: SeedLike) -> BatchForecast:
    caps = inputs.capability_matrix()
    kw = _run_kwargs(values)
    kw.pop("ties")
    has = inputs.has_stance
    template = make_problem(
        inputs.actor_ids,
        inputs.issue_ids,
        inputs.positions[0],
        inputs.saliences[0],
        caps[0],
        has,
        inputs.lower,
        inputs.upper,
        inputs.salience_max,
        inputs.stance_index,
    )

    def problem(r: int) -> Problem:
        return make_problem(
            inputs.actor_ids,
            inputs.issue_ids,
            inputs.positions[r],
            inputs.saliences[r],
            caps[r],
            has,
            inputs.lower,
            inputs.upper,
            inputs.salience_max,
            inputs.stance_index,
        )

    arithmetic = values["arithmetic"]
    rex = kw["variant"] == "random_rate" and float(kw["p"]) > 0
    settled = 0
    if arithmetic == "decimal" and rex:
        # every replicate as a point run (random exchange rates run in float)
        problems = [problem(r) for r in range(inputs.n_replicates)]
        outcome, final, edges = run_batch(problems, **kw, seed=seed, exact=True)
    elif arithmetic in ("decimal", "auto") and not rex:
        # every replicate as a point run: knife-edges settled in decide's arithmetic (a
        # replicate that meets none runs as in float, so none is run twice)
        outcome, final, edges, met = _settled(inputs, caps, template, kw)
        if arithmetic == "auto":
            settled = int((met > 0).sum())
    else:
        step = 100.0 / (inputs.upper - inputs.lower)
        x = np.where(has[None], (inputs.positions - inputs.lower) * step, 0.0)
        sal = np.where(has[None], inputs.saliences / inputs.salience_max, 0.0)
        cap = np.where(has[None], caps, 0.0)
        variant, rules = kw["variant"], kw["rules"]
        outcome, final, edges = _run_many(
            x, sal, cap, template, kw["rounds"], variant, kw["p"], rules, seed, workers=2
        )
    step = 100.0 / (inputs.upper - inputs.lower)
    own_out = outcome / step + inputs.lower
    sal = inputs.saliences / inputs.salience_max
    degenerate = _degenerate(inputs.has_stance[None], sal, caps)
    own_out = np.where(degenerate, np.nan, own_out)
    own_final = np.where(inputs.has_stance[None], final / step + inputs.lower, np.nan)
    notes = []
    if settled:
        notes.append(
            f"{settled} of {len(edges)} replicates met a knife-edge (a decision within the "
            "float error of its operands) and were run with it settled in decide's "
            "arithmetic."
        )
    if edges.any():
        if arithmetic == "float":
            how = "was decided in float (arithmetic=auto settles them, slower)"
        elif rex:
            how = "was decided in float (random exchange rates run in float)"
        else:
            how = "could not be settled"
        notes.append(
            f"{int((edges > 0).sum())} of {len(edges)} replicates met a knife-edge (a decision "
            f"within the float error of its operands) that {how}."
        )
    r = inputs.n_replicates
    return BatchForecast(
        model=NAME,
        actor_ids=inputs.actor_ids,
        issue_ids=inputs.issue_ids,
        outcome=own_out,
        rounds=np.full(r, int(values["rounds"]), dtype=np.int64),
        converged=np.ones(r, dtype=bool),
        params=dict(values),
        final_positions=own_final,
        notes=tuple(notes),
    )


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Exchange model",
        point_fn=_point,
        batch_fn=_batch,
        params=PARAMS,
        citation="Stokman & Van Oosten (1994) in Bueno de Mesquita & Stokman (eds), European "
        "Community Decision Making, Yale UP; REX: Dijkstra, Van Assen, Stokman & Draaijer "
        "(2018); reference implementation decide (Draaijer) 2025.3.1.",
        stochastic=True,
    )
)
