r"""Bueno de Mesquita's expected-utility model, as specified by Scholz, Calbert & Smith (2011).

Each issue is a line; actor :math:`i` has a position :math:`x_i`, a capability
:math:`c_i` and a salience :math:`s_i \in [0, 1]` (the scenario's salience divided by
its top).  :math:`\rho` is the position range (by default the spread of the initial
positions on the issue).  Each round:

1. **Risk exponents.**  With every :math:`r = 1`, actor :math:`i`'s danger is the sum
   over the others of their expected utility of challenging :math:`i`,
   :math:`D_i = \sum_{j \ne i} EU_i(j \to i)`.  Then
   :math:`R_i = (2 D_i - D_{max} - D_{min}) / (D_{max} - D_{min})` and
   :math:`r_i = (1 - R_i/3) / (1 + R_i/3)` (in :math:`[1/2, 2]`).
2. **Utilities** (seen by actor :math:`p`, with its :math:`r_p`):
   :math:`U^s_{ij} = 2 - 4 (0.5 - 0.5 |x_i - x_j| / \rho)^{r_p}`,
   :math:`U^f_{ij} = 2 - 4 (0.5 + 0.5 |x_i - x_j| / \rho)^{r_p}`,
   :math:`U^{sq} = 2 - 4 \cdot 0.5^{r_p}`, and when :math:`Q < 1`,
   :math:`U^{b,w}_{ij} = 2 - 4 (0.5 \mp 0.25 (|x_i - \mu| + |x_i - x_j|) / \rho)^{r_p}`
   around the current median forecast :math:`\mu`.
3. **Probability of success** of position :math:`x_a` against :math:`x_b`: each voter
   :math:`k` backs the position it prefers with
   :math:`v_k(a, b) = c_k s_k [(|x_k - x_b| / \rho)^{r_k} - (|x_k - x_a| / \rho)^{r_k}]`
   and :math:`P_{ab} = \sum_k \max(0, v_k(a, b)) / \text{den}`.  The reference code
   divides by the sum of :math:`|v_k(a', b')|` over **all** voter and position triples
   (``probability="all_triples"``, the default, which makes :math:`P` small); the
   alternative ``"pair"`` divides by :math:`\sum_k |v_k(a, b)|`, so that
   :math:`P_{ab} + P_{ba} = 1`.
4. **Expected utility** of :math:`i` challenging :math:`j`:
   :math:`EU_i(i \to j) = s_j [P_{ij} U^s + (1 - P_{ij}) U^f] + (1 - s_j) U^s
   - Q U^{sq} - (1 - Q)[T U^b + (1 - T) U^w]`.
5. **Offers.**  Actor :math:`i` looks at every :math:`j` with another position, with
   :math:`e_{ij} = EU_i(i \to j)` and :math:`e_{ji} = EU_i(j \to i)`:
   *confrontation* if :math:`e_{ji} > e_{ij} > 0` (i gives in: it moves to
   :math:`x_j`); *compromise* if :math:`e_{ji} > 0 > e_{ij}` and
   :math:`e_{ji} > |e_{ij}|` (it moves to :math:`x_i + (x_j - x_i) |e_{ij} / e_{ji}|`);
   *capitulation* if :math:`e_{ji} > 0 > e_{ij}` and :math:`e_{ji} < |e_{ij}|` (moves
   to :math:`x_j`).  It takes a confrontation if it has one (the one needing the
   smallest move), else a compromise, else a capitulation; all actors move at once.
6. **Forecasts**: the median-voter position (the position that beats every other in
   pairwise votes weighted by :math:`c_k s_k`, i.e. the weighted median) and the mean
   :math:`\sum c s x / \sum c s`.

The model stops at a fixed point (a round in which nobody moves; later rounds would
repeat it) or after ``max_rounds``; the forecast is the last round's median (or mean,
``outcome="mean"``).

Reference-code choices kept by default (``variant="scholz"``), each a named parameter:

* ``capitulation="never"``: the reference code tests ``e_ji < |e_ji|``, which is never
  true, so nobody capitulates; ``"paper"`` uses the test above.
* ``compromise_choice="weighted_position"``: among compromises, the code picks the one
  minimising :math:`(|e_{ij}| x_i + |e_{ji}| x_j) / (|e_{ij}| + |e_{ji}|)`, not the
  smallest move (``"least_move"``, as the paper says).
* ``probability="all_triples"`` (see 3).  ``Q = 1``, so ``T`` plays no part.
* The median over the *set* of positions: with an exact tie the first position of
  Python's set iteration wins, as in the original; ties are resolved that way here too.

``variant="masad"`` reproduces David Masad's replication (``GroupDecisionModel.py``):
the probability is :math:`\max(0, \sum_k c_k s_k d_k) / \sum_k c_k s_k |d_k|` with
linear :math:`d_k = |x_k - x_b| - |x_k - x_a|`; utilities use
:math:`|x_i - x_j| / \rho` inside the power and :math:`\mu` = the vote winner, then the
mean; each actor *sends* its position as a challenge to every actor it expects to gain
from challenging (:math:`EU > 0`); each actor considers the challenge with the largest
EU (closest position on ties) and loses a confrontation, compromises or capitulates by
comparing it with its own EU of challenging the sender; the :math:`(1 - Q)` term enters
with a plus sign, as in that code.  Its median is the first position of the largest
pairwise vote margin.  When every actor is equally secure the risk exponents are
undefined (the original raises ``ZeroDivisionError``); the model then stops cleanly
and says so.

References
----------
Scholz, J. B., Calbert, G. J., & Smith, G. A. (2011). Unravelling Bueno De Mesquita's
group decision model. *Journal of Theoretical Politics*, 23(4), 510-531.

Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
B. Bueno de Mesquita & F. N. Stokman (Eds.), *European Community Decision Making*.
Yale University Press.

Reference implementations reproduced: jmckib/bdm-scholz-expected-utility-model (commit
55f63e9) and dmasad/BDM_DecisionModel_Replication (commit aa3899a).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.bargaining import _eum_masad as masad
from detente.bargaining import _eum_scholz as scholz
from detente.bargaining._eum_scholz import (
    BAD_UTILITY,
    EQUAL_DANGER,
    FIXED_POINT,
    KIND_NAMES,
    MAX_ROUNDS,
    NO_WEIGHT,
    RUNNING,
)
from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    Forecast,
    ModelSpec,
    ParamSpec,
    SeedLike,
    register,
)
from detente.bargaining.median import median_parts
from detente.errors import InputError
from detente.scenario.arrays import ScenarioArrays
from detente.scenario.model import Actor, Issue, Scale, Scenario, Stance

__all__ = ["SPEC", "EumRun", "explain", "read_bdm_csv", "run_eum"]

NAME = "eum"

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

STOP_TEXT = {
    FIXED_POINT: "stable: no actor moved in the last round",
    MAX_ROUNDS: "reached max_rounds with actors still moving",
    EQUAL_DANGER: "every actor is equally endangered, so the risk exponents are undefined "
    "(the reference programs raise ZeroDivisionError here); stopped before this round",
    NO_WEIGHT: "no actor has positive capability x salience; no forecast",
    BAD_UTILITY: "a utility is undefined (negative base to a fractional power: positions "
    "lie further apart than position_range); stopped before this round",
}

PARAMS = (
    ParamSpec(
        "variant",
        str,
        "scholz",
        "which replication: scholz (Scholz et al. 2011 as coded by jmckib) or masad "
        "(David Masad's code)",
        choices=("scholz", "masad"),
    ),
    ParamSpec("max_rounds", int, 10, "rounds to run at most", minimum=0, maximum=10_000),
    ParamSpec(
        "Q",
        float,
        1.0,
        "probability that the status quo holds without a challenge",
        minimum=0.0,
        maximum=1.0,
    ),
    ParamSpec(
        "T",
        float,
        1.0,
        "probability that an unchallenged change is for the better (used when Q < 1)",
        minimum=0.0,
        maximum=1.0,
    ),
    ParamSpec(
        "position_range",
        float,
        None,
        "the distance that normalises utilities; auto = max - min of the initial "
        "positions on each issue",
        minimum=1e-300,
        nullable=True,
    ),
    ParamSpec(
        "probability",
        str,
        "all_triples",
        "denominator of the probability of success (scholz variant): all_triples "
        "(reference code) or pair (P_ab + P_ba = 1)",
        choices=("all_triples", "pair"),
    ),
    ParamSpec(
        "capitulation",
        str,
        "never",
        "capitulation test (scholz variant): never (the reference code's test is never "
        "true) or paper",
        choices=("never", "paper"),
    ),
    ParamSpec(
        "compromise_choice",
        str,
        "weighted_position",
        "which compromise an actor takes (scholz variant): weighted_position (reference "
        "code) or least_move (the paper)",
        choices=("weighted_position", "least_move"),
    ),
    ParamSpec(
        "outcome",
        str,
        "median",
        "the forecast reported: median (median-voter position) or mean",
        choices=("median", "mean"),
    ),
    ParamSpec(
        "backend",
        str,
        "auto",
        "computation: numpy (vectorised arrays), numba (compiled kernel; scholz variant "
        "with Q = 1) or auto (numba for batches when it applies)",
        choices=("auto", "numpy", "numba"),
    ),
    ParamSpec(
        "keep_trajectory",
        bool,
        False,
        "batch form: keep every round's positions (R, T+1, n, k)",
    ),
)


# -- the run -------------------------------------------------------------------------------


@dataclass
class EumRun:
    """Everything one batch run of the model produced (rows = replicate x issue).

    Attributes
    ----------
    trajectory
        ``(T+1, B, n)`` positions by round (rows that stopped keep their last positions).
    risk
        ``(T, B, n)`` risk exponents used in each round (NaN after a row stopped).
    median, mean
        ``(T+1, B)`` median-voter and mean forecasts by round.
    rounds
        ``(B,)`` rounds completed.
    stop
        ``(B,)`` stop codes (see :data:`STOP_TEXT`).
    records
        Per-round details for events (point form only): ``(round, rows, record)``.
    """

    trajectory: FloatArray
    risk: FloatArray
    median: FloatArray
    mean: FloatArray
    rounds: IntArray
    stop: IntArray
    records: list[tuple[int, IntArray, Any]] = field(default_factory=list)


def _scholz_median_exact(x: FloatArray, w: FloatArray, rho: float) -> float:
    """The reference code's ``median_position`` (pairwise votes over a set), for ties."""
    xs = [float(v) for v in x]
    ws = [float(v) for v in w]
    positions = list(set(xs))
    median = positions[0]
    for pos in positions[1:]:
        votes = 0.0
        for xa, wa in zip(xs, ws, strict=True):
            votes += wa * ((abs(xa - median) / rho) ** 1.0 - (abs(xa - pos) / rho) ** 1.0)
        if votes > 0:
            median = pos
    return median


def median_voter(
    x: FloatArray, w: FloatArray, active: BoolArray, rho: FloatArray, variant: str
) -> FloatArray:
    """Median-voter forecast of each row (``(B,)``), as the chosen variant computes it."""
    if variant == "masad":
        c = np.where(active, w, 0.0)
        return masad.vote(x, c, np.ones_like(x), active, rho)
    ww = np.where(active, w, 0.0)
    lo, _, tie, total = median_parts(x[:, :, None], ww[:, :, None])
    out = lo[:, 0].copy()
    for b in np.nonzero(tie[:, 0] & (total[:, 0] > 0))[0]:
        act = active[b]
        out[b] = _scholz_median_exact(x[b, act], ww[b, act], float(rho[b]))
    return out


def mean_forecast(x: FloatArray, w: FloatArray, active: BoolArray) -> FloatArray:
    """``sum c s x / sum c s`` of each row, summed in actor order."""
    ww = np.where(active, w, 0.0)
    top = np.ascontiguousarray(np.where(active, ww * x, 0.0).T).sum(axis=0)
    bottom = np.ascontiguousarray(ww.T).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / bottom, np.nan)


def _numba_available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _use_numba(params: dict[str, Any]) -> bool:
    backend = params.get("backend", "auto")
    fits = params["variant"] == "scholz" and float(params["Q"]) == 1.0
    if backend == "numba":
        if not fits:
            raise InputError(
                "backend=numba covers the scholz variant with Q = 1",
                field="eum.backend",
                fix="use backend=numpy (or auto) for this configuration.",
            )
        if not _numba_available():
            raise InputError(
                "backend=numba needs the numba package",
                field="eum.backend",
                fix="pip install numba, or use backend=numpy.",
            )
        return True
    return backend == "auto" and fits and _numba_available()


def _run_numba(
    x0: FloatArray, c: FloatArray, s: FloatArray, active: BoolArray, params: dict[str, Any]
) -> EumRun:
    from detente.bargaining import _eum_numba

    bsz, n = x0.shape
    act = np.ascontiguousarray(active, dtype=np.bool_)
    x = np.ascontiguousarray(np.where(act, x0, 0.0), dtype=np.float64)
    cc = np.ascontiguousarray(np.where(act, c, 0.0), dtype=np.float64)
    ss = np.ascontiguousarray(np.where(act, s, 0.0), dtype=np.float64)
    if params["position_range"] is None:
        rho = _spread(x, act)
        rho = np.where(np.isfinite(rho), rho, 0.0)
    else:
        rho = np.full(bsz, float(params["position_range"]))
    t_max = int(params["max_rounds"])
    traj = np.zeros((t_max + 1, bsz, n))
    risk = np.full((t_max, bsz, n), np.nan)
    med = np.full((t_max + 1, bsz), np.nan)
    tie = np.zeros((t_max + 1, bsz), dtype=np.bool_)
    avg = np.full((t_max + 1, bsz), np.nan)
    rounds = np.zeros(bsz, dtype=np.int64)
    stop = np.zeros(bsz, dtype=np.int64)
    _eum_numba.run_scholz(
        x, cc, ss, act, np.ascontiguousarray(rho), t_max,
        params["probability"] == "all_triples", params["capitulation"] == "paper",
        params["compromise_choice"] == "weighted_position",
        traj, risk, med, tie, avg, rounds, stop,
    )  # fmt: skip
    # (rows that stopped early already hold their last state in later rounds)
    w = cc * ss
    for t, b in zip(*np.nonzero(tie), strict=True):
        a = act[b]
        med[t, b] = _scholz_median_exact(traj[t, b, a], w[b, a], float(rho[b]))
    return EumRun(trajectory=traj, risk=risk, median=med, mean=avg, rounds=rounds, stop=stop)


def _replay_offers(
    run: EumRun,
    x0: FloatArray,
    c: FloatArray,
    s: FloatArray,
    active: BoolArray,
    params: dict[str, Any],
) -> list[tuple[int, IntArray, Any]]:
    """Offer records of a compiled run, recomputed round by round from its positions.

    The kernel keeps no per-pair details; events and explanations are rebuilt with the
    numpy core from each round's starting positions and risk exponents.
    """
    opts = scholz.ScholzOptions(
        q=float(params["Q"]),
        t=float(params["T"]),
        probability=params["probability"],
        capitulation=params["capitulation"],
        compromise_choice=params["compromise_choice"],
    )
    cc = np.where(active, c, 0.0)
    ss = np.where(active, s, 0.0)
    xs0 = np.where(active, x0, 0.0)
    if params["position_range"] is None:
        rho = _spread(xs0, active)
    else:
        rho = np.full(x0.shape[0], float(params["position_range"]))
    out = []
    for t in range(1, int(run.rounds.max(initial=0)) + 1):
        idx = np.nonzero(run.rounds >= t)[0]
        xs = np.where(active[idx], run.trajectory[t - 1, idx], 0.0)
        r = np.where(active[idx], run.risk[t - 1, idx], 1.0)
        rec = scholz.offers(
            xs, cc[idx], ss[idx], r, active[idx], rho[idx], run.median[t - 1, idx], opts
        )
        out.append((t, idx, (rec, np.ones(idx.size, dtype=bool))))
    return out


def _spread(x: FloatArray, active: BoolArray) -> FloatArray:
    """Max - min of each row's active positions (-inf for a row with none)."""
    return np.where(active, x, -np.inf).max(axis=1) - np.where(active, x, np.inf).min(axis=1)


def _check_position_range(x0: FloatArray, active: BoolArray, given: float | None) -> None:
    """A given ``position_range`` must cover every issue's spread of initial positions.

    Beyond it ``1/2 - d / (2 range)`` turns negative and the utilities (its fractional
    powers) are undefined.
    """
    if given is None:
        return
    spread = _spread(x0, active)
    spread = np.where(np.isfinite(spread), spread, 0.0)
    widest = float(spread.max(initial=0.0))
    if widest > float(given) * (1.0 + 1e-12):
        raise InputError(
            f"position_range {float(given):g} is smaller than the spread of the initial "
            f"positions on an issue ({widest:g}); utilities are undefined beyond it",
            field="eum.position_range",
            fix=f"leave position_range unset (auto: each issue's spread) or give at least "
            f"{widest:g}.",
        )


def run_eum(
    x0: FloatArray,
    c: FloatArray,
    s: FloatArray,
    active: BoolArray,
    params: dict[str, Any],
    *,
    record: bool = False,
) -> EumRun:
    """Run the model on a batch of rows (each row = one issue of one replicate).

    Parameters
    ----------
    x0
        ``(B, n)`` initial positions (anything where not ``active``).
    c, s
        ``(B, n)`` capabilities and saliences (fractions in [0, 1]).
    active
        ``(B, n)`` actors taking part in each row.
    params
        Validated model parameters (see :data:`PARAMS`).
    record
        Keep every round's offers (for events and explanations).

    Returns
    -------
    EumRun
    """
    _check_position_range(x0, active, params["position_range"])
    if _use_numba(params):
        run = _run_numba(x0, c, s, active, params)
        if record:
            run.records = _replay_offers(run, x0, c, s, active, params)
        return run
    bsz, n = x0.shape
    x = np.where(active, x0, 0.0).astype(np.float64)
    c = np.where(active, c, 0.0).astype(np.float64)
    s = np.where(active, s, 0.0).astype(np.float64)
    w = c * s
    big = np.where(active, x, -np.inf).max(axis=1)
    small = np.where(active, x, np.inf).min(axis=1)
    if params["position_range"] is None:
        rho = big - small
    else:
        rho = np.full(bsz, float(params["position_range"]))
    variant = params["variant"]
    t_max = int(params["max_rounds"])
    traj = np.empty((t_max + 1, bsz, n))
    risk = np.full((t_max, bsz, n), np.nan)
    med = np.empty((t_max + 1, bsz))
    avg = np.empty((t_max + 1, bsz))
    traj[0] = x
    n_active = active.sum(axis=1)
    rounds = np.zeros(bsz, dtype=np.int64)
    stop = np.full(bsz, RUNNING, dtype=np.int64)
    no_weight = ~(w > 0).any(axis=1)
    stop[no_weight] = NO_WEIGHT
    trivial = ((n_active <= 1) | ~(big > small)) & ~no_weight
    stop[trivial] = FIXED_POINT
    safe_rho = np.where(rho > 0, rho, 1.0)
    med[0] = np.where(no_weight, np.nan, median_voter(x, w, active, safe_rho, variant))
    avg[0] = mean_forecast(x, w, active)
    opts_s = scholz.ScholzOptions(
        q=float(params["Q"]),
        t=float(params["T"]),
        probability=params["probability"],
        capitulation=params["capitulation"],
        compromise_choice=params["compromise_choice"],
    )
    opts_m = masad.MasadOptions(q=float(params["Q"]), t=float(params["T"]))
    records: list[tuple[int, IntArray, Any]] = []
    for t in range(1, t_max + 1):
        idx = np.nonzero(stop == RUNNING)[0]
        traj[t] = traj[t - 1]
        med[t] = med[t - 1]
        avg[t] = avg[t - 1]
        if idx.size == 0:
            continue
        xs, cs, ss, act, rh = x[idx], c[idx], s[idx], active[idx], rho[idx]
        rec: masad.MasadRound | scholz.RoundRecord
        if variant == "masad":
            mr = masad.run_round(xs, cs, ss, act, rh, opts_m)
            ok = mr.status == RUNNING
            stop[idx[~ok]] = mr.status[~ok]
            x_new, r_used, rec = mr.x_new, mr.r, mr
        else:
            mu = med[t - 1, idx]
            r_used, ok = scholz.risk_exponents(xs, cs, ss, act, rh, mu, opts_s)
            srec = scholz.offers(xs, cs, ss, r_used, act, rh, mu, opts_s)
            x_new = scholz.apply_offers(xs, srec)
            stop[idx[~ok]] = EQUAL_DANGER
            x_new = np.where(ok[:, None], x_new, xs)
            rec = srec
        if not np.isfinite(np.where(act, x_new, 0.0)).all():
            bad = ~np.isfinite(np.where(act, x_new, 0.0)).all(axis=1)
            stop[idx[bad & ok]] = BAD_UTILITY
            ok = ok & ~bad
            x_new = np.where(ok[:, None], x_new, xs)
        done = idx[ok]
        risk[t - 1, done] = np.where(act[ok], r_used[ok], np.nan)
        moved = (np.where(act, x_new, 0.0) != np.where(act, xs, 0.0)).any(axis=1)
        x[done] = x_new[ok]
        rounds[done] = t
        stop[done[~moved[ok]]] = FIXED_POINT
        traj[t, done] = x_new[ok]
        if done.size:
            med[t, done] = median_voter(x[done], w[done], active[done], rho[done], variant)
            avg[t, done] = mean_forecast(x[done], w[done], active[done])
        if record:
            records.append((t, idx, (rec, ok)))
    stop[stop == RUNNING] = MAX_ROUNDS
    return EumRun(
        trajectory=traj,
        risk=risk,
        median=med,
        mean=avg,
        rounds=rounds,
        stop=stop,
        records=records,
    )


# -- scenario <-> rows ----------------------------------------------------------------------


def _rows(inputs: BatchInputs) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Flatten ``(R, n, k)`` inputs into ``(R*k, n)`` rows (row = replicate r, issue j)."""
    r, n, k = inputs.positions.shape
    x = inputs.positions.transpose(0, 2, 1).reshape(r * k, n)
    s = (inputs.saliences / inputs.salience_max).transpose(0, 2, 1).reshape(r * k, n)
    c = inputs.capability_matrix().transpose(0, 2, 1).reshape(r * k, n)
    active = np.broadcast_to(inputs.has_stance.T[None], (r, k, n)).reshape(r * k, n)
    return x, c, s, active & np.isfinite(x)


def _outcome(run: EumRun, params: dict[str, Any]) -> FloatArray:
    last = run.rounds
    series = run.mean if params["outcome"] == "mean" else run.median
    return series[last, np.arange(series.shape[1])]


def _batch(inputs: BatchInputs, params: dict[str, Any], seed: SeedLike) -> BatchForecast:
    r, n, k = inputs.positions.shape
    x, c, s, active = _rows(inputs)
    run = run_eum(x, c, s, active, params)
    outcome = _outcome(run, params).reshape(r, k)
    rounds = run.rounds.reshape(r, k).max(axis=1)
    stops = run.stop.reshape(r, k)
    converged = (stops == FIXED_POINT).all(axis=1)
    final = run.trajectory[run.rounds, np.arange(r * k)]
    final = np.where(active, final, np.nan).reshape(r, k, n).transpose(0, 2, 1)
    traj = None
    if params["keep_trajectory"]:
        tr = np.where(active[None], run.trajectory, np.nan)
        traj = tr.reshape(-1, r, k, n).transpose(1, 0, 3, 2)
    notes = []
    for code, text in STOP_TEXT.items():
        count = int((stops == code).sum())
        if count and code != FIXED_POINT:
            notes.append(f"{count} of {r * k} replicate-issues: {text}.")
    return BatchForecast(
        model=NAME,
        actor_ids=inputs.actor_ids,
        issue_ids=inputs.issue_ids,
        outcome=outcome,
        rounds=rounds.astype(np.int64),
        converged=converged,
        params=dict(params),
        trajectory=traj,
        final_positions=final,
        notes=tuple(notes),
    )


def _events(run: EumRun, inputs: BatchInputs, active: BoolArray, variant: str) -> pd.DataFrame:
    """One row per challenge and per offer, for a single replicate (row = issue)."""
    ids = np.asarray(inputs.actor_ids, dtype=object)
    issues = np.asarray(inputs.issue_ids, dtype=object)
    frames = []
    for t, idx, (rec, ok) in run.records:
        if variant == "masad":
            eu, sent = rec.eu, rec.sent
            b, i, j = np.nonzero(sent & ok[:, None, None])
            frames.append(
                pd.DataFrame(
                    {
                        "turn": t,
                        "actor": ids[i],
                        "target": ids[j],
                        "kind": "challenge",
                        "dimension": idx[b],
                        "issue": issues[idx[b]],
                        "position": run.trajectory[t - 1, idx[b], i],
                        "eu_actor": eu[b, i, j],
                        "eu_target": eu[b, j, i],
                        "accepted": False,
                    }
                )
            )
            b, i = np.nonzero((rec.chosen >= 0) & ok[:, None])
            j = rec.chosen[b, i]
            kind = np.array(["no move", *KIND_NAMES.values()], dtype=object)[rec.kind[b, i]]
            frames.append(
                pd.DataFrame(
                    {
                        "turn": t,
                        "actor": ids[i],
                        "target": ids[j],
                        "kind": kind,
                        "dimension": idx[b],
                        "issue": issues[idx[b]],
                        "position": run.trajectory[t - 1, idx[b], j],
                        "eu_actor": eu[b, i, j],
                        "eu_target": eu[b, j, i],
                        "accepted": rec.kind[b, i] > 0,
                    }
                )
            )
            continue
        srec = rec
        act = active[idx]
        pairs = act[:, :, None] & act[:, None, :] & ~np.eye(act.shape[1], dtype=bool)[None]
        b, i, j = np.nonzero((srec.eu_ij > 0) & pairs & ok[:, None, None])
        xv = run.trajectory[t - 1]
        frames.append(
            pd.DataFrame(
                {
                    "turn": t,
                    "actor": ids[i],
                    "target": ids[j],
                    "kind": "challenge",
                    "dimension": idx[b],
                    "issue": issues[idx[b]],
                    "position": xv[idx[b], j],
                    "eu_actor": srec.eu_ij[b, i, j],
                    "eu_target": srec.eu_ji[b, i, j],
                    "accepted": False,
                }
            )
        )
        b, i, j = np.nonzero((srec.kind > 0) & ok[:, None, None])
        kind = np.array(["", *KIND_NAMES.values()], dtype=object)[srec.kind[b, i, j]]
        frames.append(
            pd.DataFrame(
                {
                    "turn": t,
                    "actor": ids[i],
                    "target": ids[j],
                    "kind": kind,
                    "dimension": idx[b],
                    "issue": issues[idx[b]],
                    "position": srec.offer[b, i, j],
                    "eu_actor": srec.eu_ij[b, i, j],
                    "eu_target": srec.eu_ji[b, i, j],
                    "accepted": srec.chosen[b, i] == j,
                }
            )
        )
    cols = [
        "turn",
        "actor",
        "target",
        "kind",
        "dimension",
        "issue",
        "position",
        "eu_actor",
        "eu_target",
        "accepted",
    ]
    if not frames:
        return pd.DataFrame({col: [] for col in cols})
    out = pd.concat(frames, ignore_index=True)[cols]
    rank = {a: n for n, a in enumerate(inputs.actor_ids)}
    out["_rank"] = out["actor"].map(rank)
    out = out.sort_values(["turn", "dimension", "_rank"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def _point(arrays: ScenarioArrays, params: dict[str, Any], seed: SeedLike) -> Forecast:
    inputs = BatchInputs.from_arrays(arrays)
    x, c, s, active = _rows(inputs)
    run = run_eum(x, c, s, active, params, record=True)
    t_end = int(run.rounds.max()) if run.rounds.size else 0
    traj = np.where(active[None], run.trajectory[: t_end + 1], np.nan).transpose(0, 2, 1)
    outcome = _outcome(run, params)
    notes: list[str] = []
    reasons: list[str] = []
    for j, issue in enumerate(arrays.issue_ids):
        code = int(run.stop[j])
        act = active[j]
        if act.sum() == 0:
            notes.append(f"issue {issue!r}: no actor has a stance; no forecast.")
            continue
        if act.sum() == 1:
            notes.append(
                f"issue {issue!r}: a single actor has a stance; the forecast is its own "
                "position (trivial)."
            )
        elif run.rounds[j] == 0 and code == FIXED_POINT:
            notes.append(
                f"issue {issue!r}: every actor holds the same position; the forecast is "
                "that position (trivial)."
            )
        if code == MAX_ROUNDS:
            notes.append(
                f"issue {issue!r}: did not converge within {params['max_rounds']} rounds "
                "(actors still moving); the forecast is the last round's "
                f"{params['outcome']}."
            )
        elif code in (EQUAL_DANGER, NO_WEIGHT, BAD_UTILITY):
            notes.append(f"issue {issue!r}: {STOP_TEXT[code]} (after {run.rounds[j]} rounds).")
        reasons.append(f"{issue}: {STOP_TEXT[code]} after {run.rounds[j]} rounds")
    stops = run.stop
    diagnostics = {
        "median_by_round": run.median[: t_end + 1],
        "mean_by_round": run.mean[: t_end + 1],
        "risk_by_round": np.where(active[None], run.risk[:t_end], np.nan).transpose(0, 2, 1),
        "rounds_by_issue": run.rounds.copy(),
        "stop_by_issue": tuple(STOP_TEXT[int(cde)] for cde in stops),
    }
    return Forecast(
        model=NAME,
        scenario_id="",
        actor_ids=arrays.actor_ids,
        issue_ids=arrays.issue_ids,
        outcome=outcome,
        trajectory=traj,
        rounds=t_end,
        converged=bool((stops == FIXED_POINT).all()),
        stop_reason="; ".join(reasons),
        events=_events(run, inputs, active, params["variant"]),
        params=dict(params),
        notes=tuple(notes),
        diagnostics=diagnostics,
    )


# -- explanations ---------------------------------------------------------------------------


def explain(result: Forecast, actor: str) -> list[str]:
    """Round-by-round account of one actor's part in an expected-utility forecast.

    For each round and issue: whom the actor challenged (its expected utility of
    challenging them is positive), the offers it received (confrontation, compromise,
    capitulation) and made, which one it took, and how its position changed.

    Parameters
    ----------
    result
        A forecast of the ``eum`` model (with events).
    actor
        An actor id.

    Returns
    -------
    list of str
        Lines of text.

    Raises
    ------
    InputError
        If the actor is unknown or the forecast has no events.
    """
    if actor not in result.actor_ids:
        import difflib

        close = difflib.get_close_matches(actor, list(result.actor_ids), n=2)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        raise InputError(
            f"unknown actor {actor!r}{hint}",
            field="--explain",
            fix=f"use one of {', '.join(result.actor_ids)}.",
        )
    if result.events is None or result.trajectory is None:
        raise InputError(
            f"model {result.model!r} has no rounds to explain",
            field="--explain",
            fix="use --model eum.",
        )
    a = result.actor_ids.index(actor)
    ev = result.events
    lines: list[str] = []
    traj = result.trajectory
    masad_variant = result.params.get("variant") == "masad"
    for t in range(1, result.rounds + 1):
        for j, issue in enumerate(result.issue_ids):
            before, after = traj[t - 1, a, j], traj[t, a, j]
            if np.isnan(before):
                continue
            here = ev[(ev.turn == t) & (ev.dimension == j)]
            head = f"round {t}, {issue}: at {before:.6g}"
            mine = here[(here.actor == actor) & (here.kind == "challenge")]
            chal = ", ".join(
                f"{r.target} (expected gain {r.eu_actor:+.3g})" for r in mine.itertuples()
            )
            lines.append(f"{head}; challenges {chal or 'nobody'}")
            got = here[(here.actor == actor) & (here.kind != "challenge")]
            made = here[(here.target == actor) & (here.kind != "challenge")]
            for r in got.itertuples():
                tag = "took" if r.accepted else "declined"
                if masad_variant:
                    lines.append(
                        f"  considered {r.target}'s challenge (its expected gain "
                        f"{r.eu_target:+.3g}, own expected gain from challenging it "
                        f"{r.eu_actor:+.3g}): {r.kind}"
                    )
                else:
                    lines.append(
                        f"  offer from {r.target}: {r.kind} -> {r.position:.6g} "
                        f"(expected gain: own {r.eu_actor:+.3g}, {r.target}'s "
                        f"{r.eu_target:+.3g}) [{tag}]"
                    )
            for r in made.itertuples():
                lines.append(
                    f"  offer to {r.actor}: {r.kind}"
                    + (f" -> {r.position:.6g}" if not masad_variant else "")
                    + (" [taken]" if r.accepted else " [not taken]")
                )
            if after != before:
                taken = got[got.accepted]
                why = (
                    f"{taken.iloc[0].kind} with {taken.iloc[0].target}"
                    if len(taken)
                    else "an offer"
                )
                lines.append(f"  moved {before:.6g} -> {after:.6g}: {why}")
            elif len(got):
                lines.append(
                    f"  did not move: declined all {len(got)} offer(s) received"
                    if not got.accepted.any()
                    else "  did not move: the offer it took leaves it where it was"
                )
            else:
                lines.append("  did not move: received no offer")
    if not lines:
        lines.append(f"{actor} took part in no round.")
    return lines


# -- the reference programs' CSV format ------------------------------------------------------


def read_bdm_csv(
    path: str | Path,
    *,
    salience_max: float | None = None,
    issue_id: str = "issue",
) -> Scenario:
    """Read the ``Actor,Capability,Position,Salience`` CSV of the BDM replications.

    The one-issue files of jmckib/bdm-scholz-expected-utility-model and
    dmasad/BDM_DecisionModel_Replication (any line endings).  Masad's files use
    ``Stakeholder,Resources,Position,Salience``; both headers are accepted.

    Parameters
    ----------
    path
        The CSV file.
    salience_max
        The top of the salience scale; by default 1 if every salience is at most 1,
        else 100.
    issue_id
        Id of the single issue.

    Returns
    -------
    Scenario
        One issue whose scale spans the positions.

    Raises
    ------
    InputError
        If the file is missing, has other columns, or holds a non-number.
    """
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror}", file=p) from None
    if not rows:
        raise InputError("the file is empty", file=p, fix="give a header and one row per actor.")
    head = [h.strip().lower() for h in rows[0]]
    alias = {"stakeholder": "actor", "resources": "capability"}
    head = [alias.get(h, h) for h in head]
    need = ["actor", "capability", "position", "salience"]
    if sorted(head) != sorted(need):
        raise InputError(
            f"the header is {rows[0]}, not Actor,Capability,Position,Salience",
            file=p,
            line=1,
            fix="use the columns Actor,Capability,Position,Salience.",
        )
    col = {h: n for n, h in enumerate(head)}
    names: list[str] = []
    vals: list[tuple[float, float, float]] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            cap, pos, sal = (float(row[col[h]]) for h in ("capability", "position", "salience"))
        except (ValueError, IndexError):
            raise InputError(
                f"row {row} does not hold numbers in Capability, Position and Salience",
                file=p,
                line=lineno,
                fix="write plain numbers.",
            ) from None
        names.append(row[col["actor"]].strip())
        vals.append((cap, pos, sal))
    if not vals:
        raise InputError("the file has no actors", file=p, fix="add one row per actor.")
    positions = [v[1] for v in vals]
    lo, hi = min(positions), max(positions)
    if hi <= lo:
        hi = lo + 1.0
    top = salience_max
    if top is None:
        top = 1.0 if max(v[2] for v in vals) <= 1.0 else 100.0
    try:
        return Scenario(
            id=p.stem,
            actors=[
                Actor(id=nm, capability=v[0], kind="group")
                for nm, v in zip(names, vals, strict=True)
            ],
            issues=[Issue(id=issue_id, scale=Scale(min=lo, max=hi))],
            stances=[
                Stance(actor=nm, issue=issue_id, position=v[1], salience=v[2])
                for nm, v in zip(names, vals, strict=True)
            ],
            salience_max=top,
        )
    except ValueError as err:
        raise InputError(f"the actors do not form a valid scenario: {err}", file=p) from None


def _peak_bytes(n: int, k: int, r: int, params: Mapping[str, Any]) -> float:
    """Peak memory estimate (bytes) of a run, from above (see ModelSpec.peak_bytes).

    A point forecast records every round's pairwise offers: about 40 floats per pair
    of actors, issue (plus one) and round.  A batch keeps each row's trajectory and
    risks, and each thread works on one row's pairwise matrices at a time.
    """
    t = int(params.get("max_rounds", 10)) + 1
    if r == 0:
        return 8.0 * n * n * (k + 1) * t * 40 + 2**20
    rows = r * k
    threads = min(os.cpu_count() or 1, rows)
    return 8.0 * (2 * t * rows * n + 8 * r * n * k) + 8.0 * 16 * n * n * threads + 2**20


SPEC = register(
    ModelSpec(
        name=NAME,
        label="Expected utility (BdM)",
        point_fn=_point,
        batch_fn=_batch,
        peak_bytes=_peak_bytes,
        params=PARAMS,
        citation="Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510-531; "
        "Bueno de Mesquita (1994).",
    )
)
