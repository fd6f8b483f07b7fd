"""KTAB's Spatial Model of Politics as a detente forecast model (registry name ``smp``).

``forecast(scenario, "smp", VotingRule="Cubic")`` runs :func:`~detente.bargaining.smp.run_smp`
on the scenario and returns a :class:`~detente.bargaining.Forecast`:

* **Scales.**  Positions are mapped to [0, 1] per issue, ``(x - min) / (max - min)``,
  and back on output; saliences are divided by the scenario's ``salience_max``.  For a
  KTAB file (0-100 scales) this is exactly KTAB's division by 100, and the trajectory is
  KTAB's ``Pos_Coord`` (its [0, 1] value times 100).
* **Parameters** by their KTAB names (the nine enums, matched case-insensitively), plus
  ``ktab_compat`` and the stopping rule's constants.  A KTAB XML scenario's
  ``<ModelParameters>`` (``scenario.models["smp"]``) and ``<IdealAdjustment>``
  (``scenario.accommodation``, passed as the ``IdealAdjustment`` parameter) are used.
* **Outcome**: the expected position after the last turn, each distinct final position
  weighted by its probability of winning the final state's election (each actor voting
  with its own utilities, KTAB's "winning probabilities").
* **Events**: one row per challenge and one per entry of every actor's bargain queue,
  with its election probability and whether it was chosen (see
  :func:`detente.bargaining.smp.explain.explain_actor`).  A challenge row carries the
  challenger's expected utility change (``gain``), its estimate that it wins
  (``p_win``) and the target's expected utility change from the same challenge as the
  challenger estimates it (``target_gain``): the two axes of KTAB's quadrant map.
* **Salience budget**: SMP reads an actor's saliences as shares of its attention,
  summing to at most the scale's top (KTAB rejects more).  When some actor's saliences
  add up to more, every actor's are divided by the largest total, so that relative
  intensities between actors and issues are kept (with a note).
* **Missing stances**: an actor without a stance on an issue gets salience 0 there (it
  does not care) and, so that others can judge its position vector, the
  capability-times-salience weighted mean of the stances on that issue; its trajectory
  on the issue is NaN.
* **Seeds**: only ``StateTransitions=Stochastic`` draws random numbers; the same seed
  gives the same history bit for bit.  Without a seed a stochastic run uses the
  scenario's own seed (KTAB XML ``<prngSeed>``, passed as the ``prngSeed`` parameter)
  when it has one, else fresh entropy (and says so in the notes).
* **Where KTAB itself gives no single answer** the notes say so: ``BigRAdjust=Full``
  (KTAB's ``smpc`` stops with an error before the first turn), ``VotingRule=ASymProsp``
  (KTAB's history depends on the order its threads fill the bargain queues) and, when
  the turns are recorded, an exact tie between the best entries of an actor's queue
  under deterministic transitions (KTAB takes whichever its threads queued first;
  detente takes the first of its own fixed order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    Forecast,
    ModelSpec,
    ParamSpec,
    SeedLike,
    register,
)
from detente.bargaining.smp.engine import SMPRun, TurnRecord, run_smp
from detente.bargaining.smp.params import (
    ENUM_PARAMS,
    BigRAdjust,
    SMPParams,
    StateTransitions,
    VotingRule,
)
from detente.bargaining.smp.state import make_state
from detente.errors import InputError, Problem
from detente.scenario.arrays import ScenarioArrays

__all__ = [
    "NAME",
    "PARAMS",
    "SPEC",
    "accommodation_matrix",
    "format_accommodation",
    "ktab_caveats",
    "run_arrays",
]

NAME = "smp"
FloatArray = NDArray[np.float64]

_ENUM_DOCS = {
    "VictoryProbModel": "how coalition strength becomes a probability of victory",
    "PCEModel": "probabilistic Condorcet election model",
    "StateTransitions": "take each queue's most probable bargain, or draw one",
    "VotingRule": "how utility differences become votes in coalitions and bargains",
    "BigRAdjust": "how much actors adjust their estimate of another's risk attitude",
    "BigRRange": "range of the risk attitudes inferred from win probabilities",
    "ThirdPartyCommit": "how far third parties share the fate of the side they join",
    "InterVecBrgn": "how two positions are interpolated into a bargain",
    "BargnModel": "whose interpolation forms the bargains",
}

PARAMS: tuple[ParamSpec, ...] = (
    *(
        ParamSpec(
            name,
            str,
            str(getattr(SMPParams(), name).value),
            _ENUM_DOCS[name],
            choices=tuple(str(m.value) for m in cls),
        )
        for name, cls in ENUM_PARAMS.items()
    ),
    ParamSpec(
        "ktab_compat",
        bool,
        True,
        "reproduce KTAB exactly, including its two bargain bugs (false: corrected)",
    ),
    ParamSpec("max_turns", int, 100, "stop after this many turns (KTAB: 100)", minimum=1),
    ParamSpec("min_turns", int, 2, "apply the quiet test from this turn on (KTAB: 2)", minimum=1),
    ParamSpec(
        "min_delta_ratio",
        float,
        0.02,
        "quiet when a turn moves less than this fraction of the first (KTAB: 0.02)",
        minimum=0.0,
    ),
    ParamSpec(
        "IdealAdjustment",
        str,
        "",
        "ideal adjustment pairs 'actor>towards=rate,...' over the identity (empty: identity)",
    ),
    ParamSpec(
        "prngSeed",
        str,
        "",
        "seed of stochastic transitions when none is given (KTAB XML <prngSeed>; "
        "an unsigned 64-bit integer, kept as text so no digit is lost)",
    ),
)


def format_accommodation(pairs: Any) -> str:
    """Encode accommodation pairs as the ``IdealAdjustment`` parameter string.

    Parameters
    ----------
    pairs
        Objects with ``actor``, ``towards`` and ``adjust`` (``scenario.accommodation``),
        or ``None``.

    Returns
    -------
    ``"Bob>Alice=0.07,Bob>Bob=0.75"`` (empty for ``None``).
    """
    if not pairs:
        return ""
    return ",".join(f"{p.actor}>{p.towards}={float(p.adjust)!r}" for p in pairs)


def accommodation_matrix(text: str, actor_ids: tuple[str, ...]) -> FloatArray | None:
    """Decode the ``IdealAdjustment`` parameter into a matrix (KTAB: identity + pairs).

    Parameters
    ----------
    text
        ``"actor>towards=rate,..."``; empty means the identity.
    actor_ids
        The scenario's actors, in order.

    Returns
    -------
    ``(n, n)`` matrix, or ``None`` for the identity.

    Raises
    ------
    InputError
        For a malformed pair, an unknown actor or a rate that is not a number.
    """
    text = text.strip()
    if not text:
        return None
    idx = {a: i for i, a in enumerate(actor_ids)}
    mat = np.eye(len(actor_ids))
    problems: list[Problem] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        left, sep, value = item.rpartition("=")
        actor, arrow, towards = left.partition(">")
        if not sep or not arrow:
            problems.append(
                Problem(
                    f"ideal adjustment pair {item!r} is not 'actor>towards=rate'",
                    field="smp.IdealAdjustment",
                    fix="write pairs like Bob>Alice=0.07, separated by commas.",
                )
            )
            continue
        actor, towards = actor.strip(), towards.strip()
        unknown = [a for a in (actor, towards) if a not in idx]
        if unknown:
            problems.append(
                Problem(
                    f"ideal adjustment pair {item!r} names unknown actor(s) {unknown}",
                    field="smp.IdealAdjustment",
                    fix=f"use actor ids of the scenario: {', '.join(actor_ids)}.",
                )
            )
            continue
        try:
            rate = float(value)
        except ValueError:
            problems.append(
                Problem(
                    f"ideal adjustment rate {value!r} is not a number",
                    field="smp.IdealAdjustment",
                    fix="give a rate between 0 and 1.",
                )
            )
            continue
        mat[idx[actor], idx[towards]] = rate
    if problems:
        raise InputError(problems)
    return mat


def _seed_or_default(seed: SeedLike, values: dict[str, Any]) -> SeedLike:
    text = str(values.get("prngSeed") or "").strip()
    if seed is not None or not text:
        return seed
    if not text.isdigit() or int(text) >= 2**64:
        raise InputError(
            f"prngSeed {text!r} is not an unsigned 64-bit integer",
            field="smp.prngSeed",
            fix="give a whole number between 0 and 18446744073709551615.",
        )
    return int(text)


def _params_of(values: dict[str, Any]) -> SMPParams:
    keys = [*ENUM_PARAMS, "ktab_compat", "max_turns", "min_turns", "min_delta_ratio"]
    return SMPParams.from_mapping({k: values[k] for k in keys if k in values})


def _unit_inputs(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    has_stance: NDArray[np.bool_],
    lower: FloatArray,
    upper: FloatArray,
    salience_max: float,
    actor_ids: tuple[str, ...],
) -> tuple[FloatArray, FloatArray, FloatArray, list[str]]:
    notes: list[str] = []
    span = upper - lower
    pos = (np.where(has_stance, positions, lower) - lower) / span
    sal = np.where(has_stance, saliences, 0.0) / salience_max
    cap = np.asarray(capabilities, dtype=np.float64).copy()
    problems: list[Problem] = []
    bad_pos = has_stance & ~((pos >= 0.0) & (pos <= 1.0))
    for i, k in np.argwhere(bad_pos):
        problems.append(
            Problem(
                f"position of {actor_ids[i]!r} on issue {k} is outside the issue's scale",
                field="positions",
            )
        )
    zero = np.nonzero(sal.sum(axis=1) <= 0)[0]
    for i in zero:
        problems.append(
            Problem(
                f"actor {actor_ids[i]!r} has zero salience on every issue; SMP needs "
                "every actor to care about something",
                field="saliences",
                fix="give the actor a positive salience on at least one issue, or remove it.",
            )
        )
    if problems:
        raise InputError(problems)
    if np.any(cap <= 0):
        names = [actor_ids[i] for i in np.nonzero(cap <= 0)[0]]
        notes.append(
            f"capability of {names} is zero; KTAB needs positive voting weights, so 1e-10 is used"
        )
        cap = np.where(cap > 0, cap, 1e-10)
    totals = sal.sum(axis=1)
    top = float(totals.max())
    if top > 1.0 + 1e-12:
        names = [actor_ids[i] for i in np.nonzero(totals > 1.0 + 1e-12)[0]]
        notes.append(
            f"saliences of {names} add up to more than the salience scale's top; SMP "
            "reads salience as a share of attention (KTAB: at most 100 in total), so "
            f"every actor's saliences were divided by {top:.4g} (the largest total, in "
            "multiples of the scale's top), "
            "which keeps their proportions"
        )
        sal = sal / top
    missing = ~has_stance
    if np.any(missing):
        w = cap[:, None] * sal
        wsum = w.sum(axis=0)
        fill = np.where(wsum > 0, (w * pos).sum(axis=0) / np.where(wsum > 0, wsum, 1.0), 0.5)
        pos = np.where(missing, fill[None, :], pos)
        notes.append(
            "actors without a stance on an issue take no part in it (salience 0); their "
            "position there is set to the weighted mean of the stances, for others to judge"
        )
    return pos, sal, cap, notes


def run_arrays(
    arrays: ScenarioArrays,
    values: dict[str, Any],
    seed: SeedLike,
    *,
    record_turns: bool = True,
    params: SMPParams | None = None,
) -> tuple[SMPRun, list[str], FloatArray]:
    """Run the SMP on a scenario's arrays with resolved parameter ``values``.

    Parameters
    ----------
    arrays
        The scenario's numeric view.
    values
        Parameters by name (as resolved by the registry).
    seed
        Seed for stochastic transitions.
    record_turns
        Keep per-turn records (needed for events and ``--explain``).
    params
        ``values`` already parsed into :class:`SMPParams` (a batch parses them once
        rather than once per replicate); parsed from ``values`` when ``None``.

    Returns
    -------
    run, notes, outcome
        The run, remarks for the user, and the expected final position per issue on
        [0, 1] (see the module docstring).

    Raises
    ------
    InputError
        If a stance gives its own capability (KTAB's SMP has one per actor).
    """
    refuse_stance_capabilities(arrays.stance_capabilities, arrays.actor_ids, arrays.issue_ids)
    prm = _params_of(values) if params is None else params
    pos, sal, cap, notes = _unit_inputs(
        arrays.positions,
        arrays.saliences,
        arrays.capabilities,
        np.asarray(arrays.has_stance, dtype=bool),
        np.asarray(arrays.lower, dtype=np.float64),
        np.asarray(arrays.upper, dtype=np.float64),
        float(arrays.salience_max),
        tuple(arrays.actor_ids),
    )
    acc = accommodation_matrix(str(values.get("IdealAdjustment") or ""), tuple(arrays.actor_ids))
    use_seed = _seed_or_default(seed, values)
    if use_seed is None and prm.StateTransitions is StateTransitions.STOCHASTIC:
        notes.append("stochastic transitions without a seed: the run is not reproducible")
    run = run_smp(
        pos,
        sal,
        cap,
        accommodation=acc,
        params=prm,
        seed=use_seed,
        record_turns=record_turns,
        record_win_prob=True,
    )
    notes.extend(run.notes)
    notes.extend(ktab_caveats(run))
    if not run.converged:
        notes.append(f"stopped at max_turns={prm.max_turns} before the moves became quiet")
    return run, notes, _expected_outcome(run, sal, cap)


def ktab_caveats(run: SMPRun) -> list[str]:
    """Notes on where KTAB's ``smpc`` itself gives no single answer for this run.

    Parameters
    ----------
    run
        A finished run (its records, when kept, are searched for exact ties).

    Returns
    -------
    One sentence per caveat: ``BigRAdjust=Full`` (KTAB stops with an error before the
    first turn: ``SMPState::setAllAUtil`` rejects utility estimates equal to the actors'
    own), ``VotingRule=ASymProsp`` (KTAB's queue order, hence its history, depends on
    thread timing) and, under deterministic transitions, the first turn where an
    actor's most probable queue entries tie exactly (KTAB takes whichever its threads
    queued first).
    """
    prm = run.params
    out: list[str] = []
    if prm.BigRAdjust is BigRAdjust.FULL:
        out.append(
            "BigRAdjust=Full: KTAB's smpc stops with an error before the first turn "
            "(its check that each actor's estimates differ from the true utilities "
            "fails by construction); detente runs the model as specified"
        )
    if prm.VotingRule is VotingRule.ASYM_PROSP:
        out.append(
            "VotingRule=ASymProsp: coalitions depend on the order of each bargain queue, "
            "which in KTAB's smpc depends on thread timing, so KTAB's runs of the same "
            "input differ from one another; detente uses one fixed order (status quo, "
            "then bargains by challenger)"
        )
    if prm.StateTransitions is StateTransitions.DETERMINISTIC:
        for rec in run.records:
            tied = [
                k
                for k, (q, p) in enumerate(zip(rec.choice.queues, rec.choice.probs, strict=True))
                if _tie_matters(k, q, p, rec, run.positions[rec.turn - 1])
            ]
            if tied:
                out.append(
                    f"turn {rec.turn}: the best entries of the bargain queue of actor(s) "
                    f"{', '.join(str(k) for k in tied)} tie exactly; detente takes the "
                    "first in its fixed order, KTAB whichever its threads queued first"
                )
                break
    return out


def _tie_matters(
    k: int, queue: NDArray[np.intp], probs: FloatArray, rec: TurnRecord, pos: FloatArray
) -> bool:
    """True when k's most probable queue entries tie and would put k in different places."""
    if probs.size < 2:
        return False
    a = np.abs(probs)
    best = np.nonzero(a == np.max(a))[0]
    if best.size < 2:
        return False
    b = rec.bargains
    landing = [
        pos[k]
        if queue[e] == 0
        else (b.pos_init if b.init[queue[e] - 1] == k else b.pos_rcvr)[queue[e] - 1]
        for e in best
    ]
    # bargains mirrored between the same two actors can differ in the last bit only
    return any(float(np.max(np.abs(landing[0] - x))) > 1e-9 for x in landing[1:])


def _expected_outcome(run: SMPRun, sal: FloatArray, cap: FloatArray) -> FloatArray:
    final = run.positions[-1]
    st = make_state(final, run.ideals[-1], sal, cap, run.params)
    p, uniq, _ = st.outcome_distribution(cap, run.params)
    return np.asarray(p @ final[uniq])


_EVENT_COLUMNS = (
    "turn",
    "actor",
    "target",
    "kind",
    "bargain",
    "initiator",
    "gain",
    "p_win",
    "target_gain",
    "probability",
    "chosen",
    "position",
)


def _events(run: SMPRun, arrays: ScenarioArrays) -> pd.DataFrame:
    """One row per challenge and per queue entry (built column-wise, no row loop)."""
    names = np.array([*arrays.actor_ids, ""], dtype=object)  # index -1 -> ""
    span = np.asarray(arrays.upper) - np.asarray(arrays.lower)
    low = np.asarray(arrays.lower)
    n = len(arrays.actor_ids)
    cols: dict[str, list[Any]] = {c: [] for c in _EVENT_COLUMNS}
    actors = np.arange(n)
    for rec in run.records:
        b = rec.bargains
        has = rec.target >= 0
        first = np.searchsorted(b.init, actors)  # the challenger's (first) bargain
        cols["turn"].append(np.full(n, rec.turn))
        cols["actor"].append(names[actors])
        cols["target"].append(names[rec.target])
        cols["kind"].append(np.where(has, "challenge", "no_challenge").astype(object))
        cols["bargain"].append(np.where(has, first, -1))
        cols["initiator"].append(names[actors])
        cols["gain"].append(rec.gain)
        cols["p_win"].append(rec.p_win)
        cols["target_gain"].append(rec.target_gain)
        cols["probability"].append(np.full(n, np.nan))
        cols["chosen"].append(np.zeros(n, dtype=bool))
        cols["position"].append(np.full(n, None, dtype=object))

        sizes = np.array([q.size for q in rec.choice.queues])
        owner = np.repeat(actors, sizes)
        bi = np.concatenate(rec.choice.queues) - 1
        entry = np.arange(bi.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        sq = bi < 0
        bb = np.where(sq, 0, bi)
        ini = np.where(sq, -1, b.init[bb] if b.size else -1)
        rcv = np.where(sq, -1, b.rcvr[bb] if b.size else -1)
        mine = ini == owner
        other = np.where(sq, -1, np.where(mine, rcv, ini))
        if b.size:
            land = np.where(
                sq[:, None],
                run.positions[rec.turn - 1][owner],
                np.where(mine[:, None], b.pos_init[bb], b.pos_rcvr[bb]),
            )
            kinds = np.array(["bargain:" + k for k in b.kind], dtype=object)[bb]
        else:
            land = run.positions[rec.turn - 1][owner]
            kinds = np.full(bi.size, "", dtype=object)
        m = bi.size
        cols["turn"].append(np.full(m, rec.turn))
        cols["actor"].append(names[owner])
        cols["target"].append(names[other])
        cols["kind"].append(np.where(sq, "status_quo", kinds).astype(object))
        cols["bargain"].append(bi)
        cols["initiator"].append(names[ini])
        cols["gain"].append(np.full(m, np.nan))
        cols["p_win"].append(np.full(m, np.nan))
        cols["target_gain"].append(np.full(m, np.nan))
        cols["probability"].append(np.concatenate(rec.choice.probs))
        cols["chosen"].append(entry == rec.choice.chosen[owner])
        # an object column of per-entry lists (the trailing None keeps numpy from
        # building a 2-D array)
        cols["position"].append(np.array([*(land * span + low).tolist(), None], dtype=object)[:-1])
    if not run.records:
        return pd.DataFrame({c: [] for c in _EVENT_COLUMNS})
    return pd.DataFrame({c: np.concatenate(v) for c, v in cols.items()})


def _to_scale(x: FloatArray, arrays: ScenarioArrays) -> FloatArray:
    return np.asarray(x) * (np.asarray(arrays.upper) - np.asarray(arrays.lower)) + np.asarray(
        arrays.lower
    )


def _point(arrays: ScenarioArrays, values: dict[str, Any], seed: SeedLike) -> Forecast:
    run, notes, unit_outcome = run_arrays(arrays, values, seed)
    has = np.asarray(arrays.has_stance, dtype=bool)
    outcome = _to_scale(unit_outcome, arrays)
    traj = np.where(has[None], _to_scale(run.positions, arrays), np.nan)
    ideals = np.where(has[None], _to_scale(run.ideals, arrays), np.nan)
    return Forecast(
        model=NAME,
        scenario_id="arrays",
        actor_ids=tuple(arrays.actor_ids),
        issue_ids=tuple(arrays.issue_ids),
        outcome=outcome,
        trajectory=traj,
        rounds=run.turns,
        converged=run.converged,
        stop_reason=(
            f"quiet: the last turn moved less than {run.params.min_delta_ratio:g} of the first"
            if run.converged
            else f"max_turns ({run.params.max_turns}) reached"
        ),
        events=_events(run, arrays),
        notes=tuple(dict.fromkeys(notes)),
        diagnostics={
            "ideals": ideals,
            "risk": run.risk,
            "win_prob": run.win_prob,
            "ktab_codes": run.params.ktab_codes(),
        },
    )


def refuse_stance_capabilities(
    own: FloatArray | None, actor_ids: tuple[str, ...], issue_ids: tuple[str, ...]
) -> None:
    """Refuse per-issue capabilities: KTAB's SMP gives each actor one capability.

    Raises
    ------
    InputError
        Naming the first stance that gives its own capability.
    """
    if own is None or not np.isfinite(own).any():
        return
    a, j = (int(v[0]) for v in np.nonzero(np.isfinite(own)))
    raise InputError(
        f"the SMP model takes one capability per actor, but the stance of {actor_ids[a]!r} "
        f"on {issue_ids[j]!r} gives its own capability ({own[a, j]:g}); KTAB's SMP, which "
        "this model reproduces, has no per-issue power",
        field=f"stances ({actor_ids[a]}, {issue_ids[j]}).capability",
        fix="remove the stance capabilities (the actor's capability is then used on every "
        "issue), or use a model that takes per-issue power: mean, median, nbs, eum or "
        "exchange.",
    )


def _batch(inputs: BatchInputs, values: dict[str, Any], seed: SeedLike) -> BatchForecast:
    refuse_stance_capabilities(inputs.stance_capabilities, inputs.actor_ids, inputs.issue_ids)
    r, n, k = inputs.positions.shape
    prm = _params_of(values)
    stochastic = prm.StateTransitions is StateTransitions.STOCHASTIC
    seeds: list[SeedLike] = [None] * r
    batch_notes: list[str] = []
    if stochastic:
        # one independent child stream per replicate, all derived from the one seed
        base = _seed_or_default(seed, values)
        root = base if isinstance(base, np.random.Generator) else np.random.default_rng(base)
        seeds = list(root.spawn(r))
        if base is None:
            batch_notes.append("stochastic transitions without a seed: not reproducible")
    outcome = np.empty((r, k))
    finals = np.empty((r, n, k))
    rounds = np.empty(r, dtype=np.int64)
    conv = np.empty(r, dtype=bool)
    trajs: list[FloatArray] = []
    notes: list[str] = []
    for rep in range(r):
        arr = inputs.replicate(rep)
        run, run_notes, unit_outcome = run_arrays(
            arr, values, seeds[rep], record_turns=False, params=prm
        )
        notes.extend(run_notes)
        outcome[rep] = _to_scale(unit_outcome, arr)
        traj = np.where(inputs.has_stance[None], _to_scale(run.positions, arr), np.nan)
        trajs.append(traj)
        finals[rep] = traj[-1]
        rounds[rep] = run.turns
        conv[rep] = run.converged
    t_max = max(t.shape[0] for t in trajs)
    padded = np.stack(
        [np.concatenate([t, np.repeat(t[-1:], t_max - t.shape[0], 0)]) for t in trajs]
    )
    counts: dict[str, int] = {}
    for note in notes:
        counts[note] = counts.get(note, 0) + 1
    return BatchForecast(
        model=NAME,
        actor_ids=inputs.actor_ids,
        issue_ids=inputs.issue_ids,
        outcome=outcome,
        rounds=rounds,
        converged=conv,
        trajectory=padded,
        final_positions=finals,
        notes=(
            *batch_notes,
            *(f"{c} of {r} replicates: {note}" for note, c in counts.items()),
            "trajectories of replicates that stopped early repeat their last state",
        ),
    )


def _scenario_params(scenario: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    text = format_accommodation(getattr(scenario, "accommodation", None))
    if text:
        out["IdealAdjustment"] = text
    if getattr(scenario, "seed", None) is not None:
        out["prngSeed"] = str(int(scenario.seed))
    return out


def _peak_bytes(n: int, k: int, r: int, params: Mapping[str, Any]) -> float:
    """Peak memory estimate (bytes) of a run, from above (see ModelSpec.peak_bytes).

    The kernel holds every actor's utility of every pair's outcome, ``(n, n, n)``, the
    challenge values ``(n, 2n)`` and, per turn, the positions and the bargains
    (``2n`` per turn, each with ``k`` coordinates).  A batch runs its replicates one
    after another but keeps every replicate's trajectory.
    """
    t = int(params.get("max_turns", 100)) + 1
    core = 8.0 * n**3 + 8.0 * 8 * n * n + 8.0 * t * n * (8 * k + 24)
    if r == 0:
        return 1.2 * core + 8.0 * t * n * (k + 40) + 2**20
    return 1.2 * core + 8.0 * r * t * n * k * 2 + 2**20


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Spatial Model of Politics (KTAB)",
        point_fn=_point,
        batch_fn=_batch,
        peak_bytes=_peak_bytes,
        params=PARAMS,
        citation="KTAB Spatial Model of Politics (B. Wise et al., KAPSARC), "
        "https://github.com/KAPSARC/KTAB; reproduced from lsyaseen/KTAB commit 3b5b063.",
        stochastic=True,
        scenario_params=_scenario_params,
    )
)
