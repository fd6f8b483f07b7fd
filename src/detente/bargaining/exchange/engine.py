"""Running the exchange model: arithmetic choice, results, candidate tables.

:func:`run_exchange` runs one problem; ``arithmetic="auto"`` (the default) runs the
compiled float kernel and, when it met a knife-edge that decide's 28-digit Decimal could
settle differently (see :mod:`._kernel`), runs the model again in decide's own
arithmetic (:mod:`._exact`), so the result is decide's.  :func:`run_batch` runs ``R``
replicates in the float kernel only.  :func:`exchange_round` and :func:`exchange_round_batch`
give the candidate exchanges of a round for the deal finder.
"""

from __future__ import annotations

import random as _random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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

#: knife-edge tolerance of the float kernel (relative to the numbers compared).
TOL = 1e-9

SIDE_COLUMNS = ("actor", "supply_issue", "start", "move", "voting", "target", "eu", "nbs0", "nbs1")
EXCHANGE_COLUMNS = (
    "round",
    "seq",
    "gain",
    *(f"i_{c}" for c in SIDE_COLUMNS),
    *(f"j_{c}" for c in SIDE_COLUMNS),
)
POSITION_COLUMNS = ("model", "round", "actor", "issue", "start", "voting")


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
    exchanges
        The executed exchanges in order, in the columns of decide's ``exchanges.csv``
        (positions on 0-100; actors and issues by id).
    arithmetic
        ``"float"`` or ``"decimal"``: the arithmetic the result was computed in.
    knife_edges
        Knife-edges the float kernel met (0 for a Decimal-only run).
    """

    problem: Problem
    start: FloatArray
    voting: FloatArray
    nbs_start: FloatArray
    nbs_voting: FloatArray
    exchanges: pd.DataFrame
    arithmetic: str
    knife_edges: int

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


def _alloc(prob: Problem, rounds: int, record: bool) -> dict[str, Any]:
    n, k = prob.x.shape
    cap = (k * (k - 1) // 2) * ((n * n) // 4 + 1)
    return {
        "start": np.zeros((rounds, n, k)),
        "voting": np.zeros((rounds, n, k)),
        "nbs0": np.zeros((rounds, k)),
        "nbs1": np.zeros((rounds, k)),
        "n_exec": np.zeros(rounds, dtype=np.int64),
        "rec_i": np.zeros((rounds * cap if record else 1, 6), dtype=np.int64),
        "rec_f": np.zeros((rounds * cap if record else 1, 15)),
        "cand_i": np.zeros((max(cap, 1), 2, 3), dtype=np.int64),
        "cand_f": np.zeros((max(cap, 1), 2, K.N_FIELDS)),
        "cand_g": np.zeros(max(cap, 1)),
        "cand_v": np.zeros(max(cap, 1), dtype=np.int64),
        "cand_seq": np.zeros(max(cap, 1), dtype=np.int64),
        "edge": np.zeros(1, dtype=np.int64),
    }


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
) -> tuple[dict[str, Any], int, int]:
    buf = _alloc(prob, rounds, record)
    n = prob.n_actors
    pairs = np.ones((n, n), dtype=np.bool_) if pair_ok is None else pair_ok
    x0 = np.where(prob.has, prob.x, 0.0)
    nord = (prob.sum_order >= 0).sum(axis=1).astype(np.int64)
    rng = np.array([seed64], dtype=np.uint64)
    n_cand, n_rec = K.run(
        x0,
        prob.s,
        prob.c,
        prob.active,
        prob.sum_order,
        nord,
        rounds,
        TOL,
        rules == "decide",
        float(p),
        rules != "decide",
        rng,
        buf["start"],
        buf["voting"],
        buf["nbs0"],
        buf["nbs1"],
        buf["n_exec"],
        record,
        buf["rec_i"],
        buf["rec_f"],
        cand_round,
        buf["cand_i"],
        buf["cand_f"],
        buf["cand_g"],
        buf["cand_v"],
        buf["cand_seq"],
        buf["edge"],
        pairs,
    )
    return buf, int(n_cand), int(n_rec)


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
        ``"equal_gain"`` (Stokman & Van Oosten) or ``"random_rate"`` (REX with ``p``).
    p
        REX's randomisation in [0, 1] (``random_rate`` only).
    ties
        ``"first"``: the first of equal gains in decide's list (``ALLOW_RANDOM =
        False``); ``"random"``: decide's coin, drawn from Python's Mersenne Twister
        seeded with ``seed`` (decide's draws when seeded alike).
    rules
        ``"decide"`` (its code, quirks included) or ``"corrected"``.
    arithmetic
        ``"auto"``: float, redone in Decimal after a knife-edge; ``"float"``;
        ``"decimal"``.
    seed
        Seed for REX draws and random ties.

    Returns
    -------
    ExchangeRun
    """
    rex = variant == "random_rate" and p > 0
    pp = float(p) if rex else 0.0
    exact = arithmetic == "decimal" or ties == "random" or (rex and arithmetic == "auto")
    edges = 0
    if not exact:
        buf, _, n_rec = _kernel_run(problem, rounds, pp, rules, _seed64(seed) if rex else 0)
        edges = int(buf["edge"][0])
        if edges == 0 or arithmetic == "float":
            mask = problem.has[None]
            return ExchangeRun(
                problem=problem,
                start=np.where(mask, buf["start"], np.nan),
                voting=np.where(mask, buf["voting"], np.nan),
                nbs_start=buf["nbs0"],
                nbs_voting=buf["nbs1"],
                exchanges=_frame_from_records(problem, buf["rec_i"][:n_rec], buf["rec_f"][:n_rec]),
                arithmetic="float",
                knife_edges=edges,
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
    return ExchangeRun(problem, start, voting, nbs0, nbs1, table, "decimal", edges)


def run_batch(
    problems: list[Problem],
    *,
    rounds: int = 10,
    variant: str = "equal_gain",
    p: float = 0.5,
    rules: str = "decide",
    seed: Any = None,
    workers: int = 2,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Run many problems of one shape in the float kernel (threads, no Decimal pass).

    Returns
    -------
    outcome, final, knife_edges
        ``(R, k)`` outcomes on 0-100 after the last round, ``(R, n, k)`` last voting
        positions on 0-100, and ``(R,)`` knife-edge counts.
    """
    r = len(problems)
    rex = variant == "random_rate" and p > 0
    pp = float(p) if rex else 0.0
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seeds = gen.integers(0, 2**63, size=r).tolist() if rex else [0] * r
    n, k = problems[0].x.shape if r else (0, 0)
    outcome = np.zeros((r, k))
    final = np.zeros((r, n, k))
    edges = np.zeros(r, dtype=np.int64)

    def work(lo: int, hi: int) -> None:
        for t in range(lo, hi):
            buf, _, _ = _kernel_run(problems[t], rounds, pp, rules, seeds[t], record=False)
            outcome[t] = buf["nbs1"][-1]
            final[t] = buf["voting"][-1]
            edges[t] = buf["edge"][0]

    if r >= 64 and workers > 1:
        cuts = np.linspace(0, r, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: work(*ab), pairwise(cuts)))
    else:
        work(0, r)
    return outcome, final, edges
