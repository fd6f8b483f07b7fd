"""The candidate exchanges of a round, for the deal finder (float kernel).

:func:`exchange_round` lists every candidate exchange of one round as the model first
calculates it (who supplies which issue, the moves, each side's gain, the supply
issue's outcome before and after the move), the exchanges the model executes in order
(with the values they have when executed), and the resulting package (each issue's
outcome before and after the round).  :func:`exchange_round_batch` does the same for
every replicate of :class:`~detente.bargaining.base.BatchInputs` draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from detente.bargaining.base import BatchInputs
from detente.bargaining.exchange import _kernel as K
from detente.bargaining.exchange._problem import Problem, make_problem
from detente.bargaining.exchange.engine import (
    _frame_from_records,
    _kernel_run,
    _seed64,
    problem_from_arrays,
)
from detente.scenario.arrays import ScenarioArrays


@dataclass(frozen=True, eq=False)
class ExchangeRound:
    """The exchanges of one round.

    Attributes
    ----------
    round
        The round (1 = the classic one-shot exchange-model forecast).
    candidates
        One row per candidate exchange, as first calculated: ``i_actor``,
        ``i_supply_issue``, ``i_demand_issue``, ``i_from``/``i_to`` (its move on its
        supply issue, own scale), ``i_from_100``/``i_to_100`` (0-100), ``i_gain``,
        ``i_outcome_before``/``i_outcome_after`` (its supply issue's outcome, own
        scale), the same for ``j_``, the equal ``gain``, ``valid`` (mutually
        beneficial and feasible) and ``executed`` (execution order, 0 if not).
    executed
        The executed exchanges in order, with the values they had when executed
        (decide's ``exchanges.csv`` columns, 0-100) plus ``i_from``/``i_to``/
        ``j_from``/``j_to`` on the issues' own scales.
    package
        One row per issue: ``outcome_before``, ``outcome_after`` (own scale) and
        ``shift``.
    """

    round: int
    candidates: pd.DataFrame
    executed: pd.DataFrame
    package: pd.DataFrame


def _candidate_frame(prob: Problem, buf: dict[str, Any], n_cand: int) -> pd.DataFrame:
    ci = buf["cand_i"][:n_cand]
    cf = buf["cand_f"][:n_cand]
    ids = np.asarray(prob.actor_ids, dtype=object)
    iss = np.asarray(prob.issue_ids, dtype=object)
    step = prob.step
    cols: dict[str, Any] = {}
    for side, tag in ((0, "i"), (1, "j")):
        sup = ci[:, side, 1]
        lo = prob.lower[sup]
        st = step[sup]
        cols[f"{tag}_actor"] = ids[ci[:, side, 0]]
        cols[f"{tag}_supply_issue"] = iss[sup]
        cols[f"{tag}_demand_issue"] = iss[ci[:, side, 2]]
        cols[f"{tag}_from"] = cf[:, side, K.F_POS] / st + lo
        cols[f"{tag}_to"] = cf[:, side, K.F_Y] / st + lo
        cols[f"{tag}_from_100"] = cf[:, side, K.F_POS]
        cols[f"{tag}_to_100"] = cf[:, side, K.F_Y]
        cols[f"{tag}_gain"] = cf[:, side, K.F_EU]
        cols[f"{tag}_outcome_before"] = cf[:, side, K.F_NBS0] / st + lo
        cols[f"{tag}_outcome_after"] = cf[:, side, K.F_NBS1] / st + lo
    cols["gain"] = buf["cand_g"][:n_cand]
    cols["valid"] = buf["cand_v"][:n_cand] == 1
    cols["executed"] = buf["cand_seq"][:n_cand]
    return pd.DataFrame(cols)


def _round_of(
    prob: Problem, round: int, values: dict[str, Any], seed: Any, pairs: Any = None
) -> ExchangeRound:
    rex = values.get("variant", "equal_gain") == "random_rate"
    p = float(values.get("p", 0.5)) if rex else 0.0
    rules = values.get("rules", "decide")
    buf, n_cand, n_rec = _kernel_run(
        prob,
        round,
        p,
        rules,
        _seed64(seed) if rex else 0,
        record=True,
        cand_round=round,
        pair_ok=pairs,
    )
    cands = _candidate_frame(prob, buf, n_cand)
    ex = _frame_from_records(prob, buf["rec_i"][:n_rec], buf["rec_f"][:n_rec])
    ex = ex[ex["round"] == round].reset_index(drop=True)
    idx = {iid: j for j, iid in enumerate(prob.issue_ids)}
    for tag in ("i", "j"):
        j = ex[f"{tag}_supply_issue"].map(idx).to_numpy(dtype=int)
        ex[f"{tag}_from"] = ex[f"{tag}_start"] / prob.step[j] + prob.lower[j]
        ex[f"{tag}_to"] = ex[f"{tag}_voting"] / prob.step[j] + prob.lower[j]
    before = prob.to_own(buf["nbs0"][round - 1])
    after = prob.to_own(buf["nbs1"][round - 1])
    package = pd.DataFrame(
        {
            "issue": list(prob.issue_ids),
            "outcome_before": before,
            "outcome_after": after,
            "shift": after - before,
        }
    )
    return ExchangeRound(round=round, candidates=cands, executed=ex, package=package)


def exchange_round(
    arrays: ScenarioArrays | Any,
    round: int = 1,
    *,
    seed: Any = None,
    pairs: Any = None,
    **params: Any,
) -> ExchangeRound:
    """The candidate and executed exchanges of one round, and the package.

    Parameters
    ----------
    arrays
        A scenario (data capabilities are resolved) or its arrays.
    round
        Which round (1 = from the input positions).
    seed
        Seed for REX draws (``variant="random_rate"``).
    pairs
        ``(n, n)`` bool, symmetric: only the pairs of actors marked True may exchange
        (the deal finder's ``--between``); ``None``: every pair, as the model does.
    **params
        The exchange model's parameters (``variant``, ``p``, ``rules``).

    Returns
    -------
    ExchangeRound
    """
    from detente.bargaining.api import scenario_arrays

    if round < 1:
        raise ValueError("round must be 1 or more")
    prob = problem_from_arrays(scenario_arrays(arrays))
    if pairs is not None:
        pairs = np.ascontiguousarray(pairs, dtype=np.bool_)
        if pairs.shape != (prob.n_actors, prob.n_actors):
            raise ValueError(f"pairs must have shape {(prob.n_actors,) * 2}, not {pairs.shape}")
    return _round_of(prob, round, params, seed, pairs)


def exchange_round_batch(
    inputs: BatchInputs, round: int = 1, *, seed: Any = None, **params: Any
) -> pd.DataFrame:
    """:func:`exchange_round`'s candidates for every replicate of ``inputs``.

    Returns
    -------
    pandas.DataFrame
        The candidate columns of :class:`ExchangeRound` plus ``draw`` (replicate index),
        ``outcome_shift_<issue>`` is left out; the package of each draw is in the
        ``package_<issue>`` columns (outcome after the round minus before).
    """
    caps = inputs.capability_matrix()
    rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
    frames = []
    for r in range(inputs.n_replicates):
        prob = make_problem(
            inputs.actor_ids,
            inputs.issue_ids,
            inputs.positions[r],
            inputs.saliences[r],
            caps[r],
            inputs.has_stance,
            inputs.lower,
            inputs.upper,
            inputs.salience_max,
            inputs.stance_index,
        )
        res = _round_of(prob, round, params, rng)
        df = res.candidates
        df.insert(0, "draw", r)
        for iid, shift in zip(res.package["issue"], res.package["shift"], strict=True):
            df[f"package_{iid}"] = shift
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
