"""Robust deals: the search re-run over draws of the stated input uncertainty."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from detente.bargaining.base import BatchInputs, SeedLike
from detente.bargaining.deals._common import (
    _Q_NAMES,
    GAIN_EPS,
    MIN_SHARE,
    QUANTILES,
    ROBUST_COLUMNS,
    FloatArray,
    _gain,
    _key,
    _lin,
    _params,
)
from detente.bargaining.deals.search import DealSet
from detente.bargaining.deals.sides import pair_mask
from detente.errors import InputError

__all__ = ["Robustness", "robust_deals"]

#: Draws per chunk of work (a thread takes one chunk at a time; progress is told per chunk).
_CHUNK = 256


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
        Draws with a near-tie decided in float (not settled in decide's arithmetic:
        random exchange rates, or a near-tie the compiled engine could not settle).
    """

    n_draws: int
    deals: pd.DataFrame
    package: pd.DataFrame
    package_holds: float
    overlap: float
    knife_edges: int = 0


def robust_deals(
    found: DealSet,
    inputs: BatchInputs,
    *,
    seed: SeedLike = None,
    workers: int = 2,
    on_draws: Callable[[int, int], None] | None = None,
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
    on_draws
        Called as ``on_draws(done, total)`` after each chunk of draws (for progress
        bars), from the calling thread.

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
            args = (pr, 1, p, rules, int(seeds[r]))
            buf, m, _ = _kernel_run(*args, record=False, cand_round=1, pair_ok=pairs, exact=False)
            if p == 0 and buf["edge"][K.E_MET]:
                # a knife-edge: run again with it settled in decide's arithmetic
                buf, m, _ = _kernel_run(*args, record=False, cand_round=1, pair_ok=pairs)
            edges[r] = buf["edge"][K.E_FLOAT] + buf["edge"][K.E_FALLBACK] > 0
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
    chunks = list(pairwise(np.linspace(0, r_n, max(1, -(-r_n // _CHUNK)) + 1).astype(int)))
    tell = on_draws or (lambda _done, _total: None)

    def chunk(ab: tuple[Any, Any]) -> int:
        work(int(ab[0]), int(ab[1]))
        return int(ab[1])

    if r_n >= 64 and workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            for hi in pool.map(chunk, chunks):  # in order, as each is done
                tell(hi, r_n)
    else:
        for ab in chunks:
            tell(chunk(ab), r_n)
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
