"""Running the exchange model: arithmetic choice, results, candidate tables.

:func:`run_exchange` runs one problem.  ``arithmetic="auto"`` (the default) runs the
compiled engine (:mod:`._kernel`), which settles every knife-edge (a decision within the
float error of its operands) in decide's 28-digit decimal arithmetic, so its decisions
are decide's; only when a knife-edge cannot be settled that way (a *fallback*, counted)
is the run redone in Python's Decimal (:mod:`._exact`).  ``"float"`` takes every
decision in float (and counts the knife-edges it met); ``"decimal"`` runs the Python
reference engine.  :func:`run_batch` runs ``R`` replicates (threads).
:func:`exchange_round` and :func:`exchange_round_batch` (:mod:`.deals`) give the
candidate exchanges of a round for the deal finder.
"""

from __future__ import annotations

import random as _random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining.exchange import _kernel as K
from detente.bargaining.exchange._exact import executed_rows, run_exact
from detente.bargaining.exchange._problem import Problem, make_problem
from detente.scenario.arrays import ScenarioArrays

FloatArray = NDArray[np.float64]

SIDE_COLUMNS = ("actor", "supply_issue", "start", "move", "voting", "target", "eu", "nbs0", "nbs1")
EXCHANGE_COLUMNS = (
    "round",
    "seq",
    "gain",
    *(f"i_{c}" for c in SIDE_COLUMNS),
    *(f"j_{c}" for c in SIDE_COLUMNS),
)
POSITION_COLUMNS = ("model", "round", "actor", "issue", "start", "voting")
#: the model's variants: REX, and the two sets of rules of the equal-gain model under
#: the names the issue uses (``decide`` = ``equal_gain`` with decide's rules)
VARIANTS = ("equal_gain", "random_rate", "decide", "corrected")


def resolve_variant(variant: str, rules: str = "decide") -> tuple[str, str]:
    """``(variant, rules)`` with the aliases resolved.

    ``variant="decide"`` is the equal-gain model with decide's rules (the default,
    reproducing decide's deviations from the papers); ``variant="corrected"`` is the
    equal-gain model with the corrected rules (:data:`rules` ``"corrected"``).
    """
    if variant == "decide":
        return "equal_gain", "decide"
    if variant == "corrected":
        return "equal_gain", "corrected"
    if variant not in ("equal_gain", "random_rate"):
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    if rules not in ("decide", "corrected"):
        raise ValueError(f"unknown rules {rules!r}; choose decide or corrected")
    return variant, rules


def problem_from_arrays(arrays: ScenarioArrays) -> Problem:
    """The exchange model's inputs from a scenario's arrays (per-issue capabilities)."""
    return make_problem(
        tuple(arrays.actor_ids),
        tuple(arrays.issue_ids),
        arrays.positions,
        arrays.saliences,
        arrays.capability_matrix(),
        arrays.has_stance,
        arrays.lower,
        arrays.upper,
        arrays.salience_max,
        arrays.stance_index,
    )


@dataclass(frozen=True, eq=False)
class ExchangeRun:
    """One run of the exchange model.

    Attributes
    ----------
    problem
        The inputs (internal 0-100 scale).
    start, voting
        ``(rounds, n, k)`` positions at the start of each round and the voting positions
        at its end, on 0-100 (NaN where no stance).
    nbs_start, nbs_voting
        ``(rounds, k)`` the predicted outcome (capability x salience weighted mean) on
        the start and on the voting positions, on 0-100.
    arithmetic
        ``"float"``, ``"settled"`` (float, every knife-edge settled in decide's
        arithmetic) or ``"decimal"`` (Python's Decimal throughout).
    knife_edges
        Knife-edges met (decisions within the float error of their operands).
    settled
        Of them, settled in decide's arithmetic.
    fallbacks
        Knife-edges that could not be settled (the run was then redone in Decimal).
    exchanges
        The executed exchanges in order, in the columns of decide's ``exchanges.csv``
        (positions on 0-100; actors and issues by id).
    """

    problem: Problem
    start: FloatArray
    voting: FloatArray
    nbs_start: FloatArray
    nbs_voting: FloatArray
    arithmetic: str
    knife_edges: int
    settled: int = 0
    fallbacks: int = 0
    _records: Any = field(default=None, repr=False)

    @cached_property
    def exchanges(self) -> pd.DataFrame:
        """The executed exchanges (decide's ``exchanges.csv`` columns, 0-100)."""
        rec = self._records
        if isinstance(rec, pd.DataFrame):
            return rec
        return _frame_from_records(self.problem, rec[0], rec[1])

    @property
    def rounds(self) -> int:
        """Number of rounds run."""
        return int(self.start.shape[0])

    @property
    def outcome(self) -> FloatArray:
        """``(k,)`` predicted outcome after the last round, on each issue's own scale."""
        return self.problem.to_own(self.nbs_voting[-1])

    def positions_frame(self, model: str = "exchange") -> pd.DataFrame:
        """Start and voting positions by round on each issue's own scale.

        Columns ``model, round, actor, issue, start, voting`` (decide's
        ``positions.csv``); rows where an actor has no stance are left out.
        """
        prob = self.problem
        r, n, k = self.start.shape
        rr, aa, jj = np.meshgrid(np.arange(r), np.arange(n), np.arange(k), indexing="ij")
        keep = np.broadcast_to(prob.has[None], (r, n, k)).reshape(-1)
        start = prob.to_own(self.start).reshape(-1)
        voting = prob.to_own(self.voting).reshape(-1)
        return pd.DataFrame(
            {
                "model": model,
                "round": rr.reshape(-1)[keep] + 1,
                "actor": np.asarray(prob.actor_ids, dtype=object)[aa.reshape(-1)[keep]],
                "issue": np.asarray(prob.issue_ids, dtype=object)[jj.reshape(-1)[keep]],
                "start": start[keep],
                "voting": voting[keep],
            }
        )


def _codes(values: Any) -> NDArray[np.uint32]:
    """The shortest text of each float as code points (``_dec.parse``'s input)."""
    arr = np.asarray(values, dtype=np.float64)
    flat = np.ascontiguousarray(arr.reshape(-1)).astype("U32")
    return flat.view(np.uint32).reshape(*arr.shape, 32)


def _exact_inputs(prob: Problem) -> tuple[Any, ...]:
    """The inputs the kernel reads decide's numbers from, and which float positions are
    exactly decide's numbers (dyadic positions on a 0-100 scale with a dyadic lower
    bound)."""
    cached = prob.__dict__.get("_exact_inputs")
    if cached is not None:
        return cached
    has = prob.has
    own = np.where(has, prob.own, 0.0)
    raw = prob.raw_s if prob.raw_s.size else prob.s
    sal = np.where(has, raw, 0.0)
    cap = np.where(has, prob.c, 0.0)
    lo, hi = prob.lower, prob.upper
    with np.errstate(invalid="ignore"):
        dyadic = (np.mod(own * 1024.0, 1.0) == 0.0) & (np.mod(lo * 1024.0, 1.0) == 0.0)[None]
    xex = has & dyadic & ((hi - lo) == 100.0)[None]
    out = (
        np.ascontiguousarray(xex),
        _codes(own),
        _codes(sal),
        _codes(cap),
        _codes(lo),
        _codes(hi),
        _codes(prob.salience_max),
    )
    prob.__dict__["_exact_inputs"] = out
    return out


def _kernel_run(
    prob: Problem,
    rounds: int,
    p: float,
    rules: str,
    seed64: int,
    *,
    record: bool = True,
    cand_round: int = 0,
    pair_ok: NDArray[np.bool_] | None = None,
    exact: bool = True,
) -> tuple[dict[str, Any], int, int]:
    """One run of the compiled engine; ``exact`` settles knife-edges (equal gain).

    Returns the kernel's arrays (``start``, ``voting``, ``nbs0``, ``nbs1``, ``n_exec``,
    ``rec_i``/``rec_f`` records, ``cand_*`` the candidates of round ``cand_round``,
    ``edge`` the counters ``K.E_*``), the number of candidates and of records.
    """
    n, k = prob.x.shape
    pairs = np.ones((n, n), dtype=np.bool_) if pair_ok is None else pair_ok
    x0 = np.where(prob.has, prob.x, 0.0)
    nord = (prob.sum_order >= 0).sum(axis=1).astype(np.int64)
    rng = np.array([seed64], dtype=np.uint64)
    settle = exact and p == 0.0
    if settle:
        xex, cown, csal, ccap, clo, chi, csmax = _exact_inputs(prob)
    else:
        xex = np.zeros((n, k), dtype=np.bool_)
        cown = csal = ccap = np.zeros((n, k, 32), dtype=np.uint32)
        clo = chi = np.zeros((k, 32), dtype=np.uint32)
        csmax = np.zeros(32, dtype=np.uint32)
    buf: dict[str, Any] = {
        "start": np.zeros((rounds, n, k)),
        "voting": np.zeros((rounds, n, k)),
        "nbs0": np.zeros((rounds, k)),
        "nbs1": np.zeros((rounds, k)),
        "n_exec": np.zeros(rounds, dtype=np.int64),
        "edge": np.zeros(K.N_EDGE + K.N_KINDS, dtype=np.int64),
    }
    c = np.where(prob.has, prob.c, 0.0)
    s = np.where(prob.has, prob.s, 0.0)
    n_cand, ci, cf, cg, cv, cseq, rec_i, rec_f = K.run(
        x0,
        s,
        c,
        prob.active,
        prob.sum_order,
        nord,
        rounds,
        rules == "decide",
        float(p),
        rules != "decide",
        rng,
        settle,
        xex,
        cown,
        csal,
        ccap,
        clo,
        chi,
        csmax,
        pairs,
        cand_round,
        record,
        buf["start"],
        buf["voting"],
        buf["nbs0"],
        buf["nbs1"],
        buf["n_exec"],
        buf["edge"],
    )
    buf.update(cand_i=ci, cand_f=cf, cand_g=cg, cand_v=cv, cand_seq=cseq, rec_i=rec_i, rec_f=rec_f)
    return buf, int(n_cand), int(rec_i.shape[0])


def _frame_from_records(prob: Problem, rec_i: Any, rec_f: Any) -> pd.DataFrame:
    ids = np.asarray(prob.actor_ids, dtype=object)
    iss = np.asarray(prob.issue_ids, dtype=object)
    cols: dict[str, Any] = {"round": rec_i[:, 0], "seq": rec_i[:, 1], "gain": rec_f[:, 0]}
    for side, tag in ((0, "i"), (1, "j")):
        cols[f"{tag}_actor"] = ids[rec_i[:, 2 + 2 * side]]
        cols[f"{tag}_supply_issue"] = iss[rec_i[:, 3 + 2 * side]]
        o = 1 + 7 * side
        for f, name in enumerate(K.REC_SIDE):
            cols[f"{tag}_{name}"] = rec_f[:, o + f]
    return pd.DataFrame(cols, columns=list(EXCHANGE_COLUMNS))


def _python_rng(seed: Any) -> _random.Random:
    if isinstance(seed, np.random.Generator):
        return _random.Random(int(seed.integers(0, 2**63)))
    return _random.Random(seed)


def _seed64(seed: Any) -> int:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    return int(np.random.default_rng(seed).integers(0, 2**63))


def run_exchange(
    problem: Problem,
    *,
    rounds: int = 10,
    variant: str = "equal_gain",
    p: float = 0.5,
    ties: str = "first",
    rules: str = "decide",
    arithmetic: str = "auto",
    seed: Any = None,
) -> ExchangeRun:
    """Run the exchange model on one problem.

    Parameters
    ----------
    problem
        The inputs (:func:`problem_from_arrays`).
    rounds
        Number of rounds (decide's default 10).
    variant
        ``"equal_gain"`` (Stokman & Van Oosten) or ``"random_rate"`` (REX with ``p``);
        ``"decide"`` (= equal gain with decide's rules) and ``"corrected"`` (= equal
        gain with the corrected rules) are aliases.
    p
        REX's randomisation in [0, 1] (``random_rate`` only).
    ties
        ``"first"``: the first of equal gains in decide's list (``ALLOW_RANDOM =
        False``); ``"random"``: decide's coin, drawn from Python's Mersenne Twister
        seeded with ``seed`` (decide's draws when seeded alike).
    rules
        ``"decide"`` (its code, quirks included) or ``"corrected"`` (no wrong-way REX
        move, no stale own position in the outcome cap).
    arithmetic
        ``"auto"``: the compiled engine with every knife-edge settled in decide's
        arithmetic (redone in Decimal only after a fallback); ``"float"``: every
        decision in float; ``"decimal"``: Python's Decimal throughout.
    seed
        Seed for REX draws and random ties.

    Returns
    -------
    ExchangeRun
    """
    variant, rules = resolve_variant(variant, rules)
    rex = variant == "random_rate" and p > 0
    pp = float(p) if rex else 0.0
    exact = arithmetic == "decimal" or ties == "random" or (rex and arithmetic == "auto")
    edges = settled = fallbacks = 0
    if not exact:
        buf, _, _ = _kernel_run(
            problem,
            rounds,
            pp,
            rules,
            _seed64(seed) if rex else 0,
            exact=arithmetic == "auto",
        )
        edge = buf["edge"]
        edges = int(edge[K.E_MET])
        settled = int(edge[K.E_SETTLED])
        fallbacks = int(edge[K.E_FALLBACK])
        if fallbacks == 0 or arithmetic == "float":
            mask = problem.has[None]
            return ExchangeRun(
                problem=problem,
                start=np.where(mask, buf["start"], np.nan),
                voting=np.where(mask, buf["voting"], np.nan),
                nbs_start=buf["nbs0"],
                nbs_voting=buf["nbs1"],
                arithmetic="settled" if settled else "float",
                knife_edges=edges,
                settled=settled,
                fallbacks=fallbacks,
                _records=(buf["rec_i"], buf["rec_f"]),
            )
    rng = _python_rng(seed) if (rex or ties == "random") else None
    res = run_exact(problem, rounds, arithmetic="decimal", p=pp, rng=rng, rules=rules)
    n, k = problem.x.shape
    start = np.full((rounds, n, k), np.nan)
    voting = np.full((rounds, n, k), np.nan)
    for r, rd in enumerate(res):
        for a in range(n):
            for j in range(k):
                if problem.has[a, j]:
                    start[r, a, j] = float(rd.start[a][j])
                    voting[r, a, j] = float(rd.voting[a][j])
    nbs0 = np.array([[float(v) for v in rd.nbs_start] for rd in res]).reshape(rounds, k)
    nbs1 = np.array([[float(v) for v in rd.nbs_voting] for rd in res]).reshape(rounds, k)
    rows = executed_rows(res)
    ids, iss = problem.actor_ids, problem.issue_ids
    table = pd.DataFrame(
        [
            {
                c: (
                    ids[row[c]]
                    if c.endswith("_actor")
                    else iss[row[c]]
                    if c.endswith("_supply_issue")
                    else row[c]
                    if c in ("round", "seq")
                    else float(row[c])
                )
                for c in EXCHANGE_COLUMNS
            }
            for row in rows
        ],
        columns=list(EXCHANGE_COLUMNS),
    )
    return ExchangeRun(
        problem,
        start,
        voting,
        nbs0,
        nbs1,
        "decimal",
        edges,
        settled,
        fallbacks,
        _records=table,
    )


def run_batch(
    problems: list[Problem],
    *,
    rounds: int = 10,
    variant: str = "equal_gain",
    p: float = 0.5,
    rules: str = "decide",
    seed: Any = None,
    workers: int = 2,
    exact: bool = False,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Run many problems of one shape in the compiled engine (threads).

    In float (the default; knife-edges are counted, not settled), or with ``exact`` every
    replicate as :func:`run_exchange` runs it (knife-edges settled in decide's
    arithmetic; equal gain only; slower).

    Returns
    -------
    outcome, final, knife_edges
        ``(R, k)`` outcomes on 0-100 after the last round, ``(R, n, k)`` last voting
        positions on 0-100, and ``(R,)`` knife-edges met (``exact``: not settled).
    """
    variant, rules = resolve_variant(variant, rules)
    r = len(problems)
    n, k = problems[0].x.shape if r else (0, 0)
    if not exact:
        x = np.stack([np.where(pr.has, pr.x, 0.0) for pr in problems]) if r else np.zeros((0, n, k))
        s = np.stack([np.where(pr.has, pr.s, 0.0) for pr in problems]) if r else x.copy()
        c = np.stack([np.where(pr.has, pr.c, 0.0) for pr in problems]) if r else x.copy()
        template = problems[0] if r else None
        return _run_many(x, s, c, template, rounds, variant, p, rules, seed, workers)
    rex = variant == "random_rate" and p > 0
    order = problems[0].sum_order if r else np.zeros((0, 0), dtype=np.int64)
    if not rex and r and all(np.array_equal(pr.sum_order, order) for pr in problems):
        return _run_many_exact(problems, rounds, rules, workers)
    pp = float(p) if rex else 0.0
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seeds = gen.integers(0, 2**63, size=r).tolist() if rex else [0] * r
    outcome = np.zeros((r, k))
    final = np.zeros((r, n, k))
    edges = np.zeros(r, dtype=np.int64)

    def work(lo: int, hi: int) -> None:
        for t in range(lo, hi):
            buf, _, _ = _kernel_run(problems[t], rounds, pp, rules, seeds[t], record=False)
            outcome[t] = buf["nbs1"][-1]
            final[t] = buf["voting"][-1]
            edges[t] = buf["edge"][K.E_FLOAT] + buf["edge"][K.E_FALLBACK]

    _threads(r, workers, work)
    return outcome, final, edges


def _run_many_exact(
    problems: list[Problem], rounds: int, rules: str, workers: int
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """:func:`run_settled` over problems of one shape (and one summation order)."""
    has = np.stack([pr.has for pr in problems])
    raw = np.stack([pr.raw_s if pr.raw_s.size else pr.s for pr in problems])
    outcome, final, edges, _ = run_settled(
        np.stack([pr.own for pr in problems]),
        raw,
        np.stack([pr.s for pr in problems]),
        np.stack([pr.c for pr in problems]),
        has,
        np.stack([pr.lower for pr in problems]),
        np.stack([pr.upper for pr in problems]),
        np.array([pr.salience_max for pr in problems], dtype=np.float64),
        problems[0].sum_order,
        rounds,
        rules,
        workers,
    )
    return outcome, final, edges


def run_settled(
    own: FloatArray,
    raw_s: FloatArray,
    s: FloatArray,
    c: FloatArray,
    has: NDArray[np.bool_],
    lower: FloatArray,
    upper: FloatArray,
    salience_max: FloatArray,
    order: NDArray[np.int64],
    rounds: int,
    rules: str,
    workers: int = 2,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64], NDArray[np.int64]]:
    """Equal gain over ``R`` replicates of one shape, knife-edges settled in decide's
    arithmetic as :func:`run_exchange` settles them, in one compiled call per thread.

    ``own`` ``(R, n, k)`` positions on the issues' own scales, ``raw_s`` saliences on
    0..``salience_max``, ``s`` on 0-1, ``c`` powers (the :class:`Problem` fields, stacked);
    ``has`` ``(R, n, k)``; ``lower``/``upper`` ``(R, k)``; ``salience_max`` ``(R,)``;
    ``order`` ``(k, n)`` decide's summation order (every replicate's).

    Returns
    -------
    outcome, final, edges, met
        ``(R, k)`` outcomes on 0-100 after the last round, ``(R, n, k)`` last voting
        positions on 0-100, ``(R,)`` knife-edges not settled and ``(R,)`` met.
    """
    r, n, k = has.shape
    lo, hi = lower, upper
    x0 = np.where(has, (own - lo[:, None]) * (100.0 / (hi - lo))[:, None], 0.0)
    s = np.where(has, s, 0.0)
    c = np.where(has, c, 0.0)
    active = np.ascontiguousarray(has & (s > 0) & (c > 0))
    own = np.where(has, own, 0.0)
    sal = np.where(has, raw_s, 0.0)
    with np.errstate(invalid="ignore"):
        dyadic = (np.mod(own * 1024.0, 1.0) == 0.0) & (np.mod(lo * 1024.0, 1.0) == 0.0)[:, None]
    xex = has & dyadic & ((hi - lo) == 100.0)[:, None]
    exact = (xex, _codes(own), _codes(sal), _codes(c), _codes(lo), _codes(hi), _codes(salience_max))
    nord = (order >= 0).sum(axis=1).astype(np.int64)
    pairs = np.ones((n, n), dtype=np.bool_)
    outcome = np.zeros((r, k))
    final = np.zeros((r, n, k))
    edges = np.zeros(r, dtype=np.int64)
    met = np.zeros(r, dtype=np.int64)

    def work(lo_: int, hi_: int) -> None:
        K.run_many(
            x0[lo_:hi_],
            s[lo_:hi_],
            c[lo_:hi_],
            active[lo_:hi_],
            order,
            nord,
            rounds,
            rules == "decide",
            0.0,
            rules != "decide",
            np.zeros(hi_ - lo_, dtype=np.uint64),
            pairs,
            outcome[lo_:hi_],
            final[lo_:hi_],
            edges[lo_:hi_],
            exact=tuple(a[lo_:hi_] for a in exact),
            met=met[lo_:hi_],
        )

    _threads(r, workers, work)
    return outcome, final, edges, met


def _threads(r: int, workers: int, work: Any) -> None:
    if r >= 64 and workers > 1:
        cuts = np.linspace(0, r, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: work(*ab), pairwise(cuts)))
    else:
        work(0, r)


def _run_many(
    x: FloatArray,
    s: FloatArray,
    c: FloatArray,
    template: Problem | None,
    rounds: int,
    variant: str,
    p: float,
    rules: str,
    seed: Any,
    workers: int,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Replicates ``(R, n, k)`` of one problem's shape (0-100 positions, 0-1 saliences,
    powers; 0 where no stance) in float, in chunks on threads."""
    r, n, k = x.shape
    outcome = np.zeros((r, k))
    final = np.zeros((r, n, k))
    edges = np.zeros(r, dtype=np.int64)
    if r == 0 or template is None:
        return outcome, final, edges
    rex = variant == "random_rate" and p > 0
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seeds = np.asarray(gen.integers(0, 2**63, size=r) if rex else np.zeros(r), dtype=np.uint64)
    active = np.ascontiguousarray(template.has[None] & (s > 0) & (c > 0))
    nord = (template.sum_order >= 0).sum(axis=1).astype(np.int64)
    pairs = np.ones((n, n), dtype=np.bool_)
    x, s, c = (np.ascontiguousarray(a, dtype=np.float64) for a in (x, s, c))

    def work(lo: int, hi: int) -> None:
        K.run_many(
            x[lo:hi],
            s[lo:hi],
            c[lo:hi],
            active[lo:hi],
            template.sum_order,
            nord,
            rounds,
            rules == "decide",
            float(p) if rex else 0.0,
            rules != "decide",
            seeds[lo:hi],
            pairs,
            outcome[lo:hi],
            final[lo:hi],
            edges[lo:hi],
        )

    _threads(r, workers, work)
    return outcome, final, edges
