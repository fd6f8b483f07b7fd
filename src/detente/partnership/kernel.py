"""The partnership model compiled with numba: one pass per experiment, state in registers.

:func:`detente.partnership.model.simulate` states the model as numpy array operations
over experiments, one year at a time: about a hundred whole-array operations a year,
each reading and writing arrays of the chunk's length.  This module runs the *same*
operations, in the same order, on one experiment at a time (experiment-outer,
year-inner), so the state (threat, capacity, trust, lock-in, payoffs ...) stays in
registers and a year costs a few dozen floating-point operations.

Bit-for-bit identity with :func:`~detente.partnership.model.simulate` is a tested
property, not an approximation: every expression is written in numpy's evaluation
order, a boolean times a float is written as ``1.0``/``0.0`` times the float,
``numpy.minimum``/``numpy.maximum`` are emulated with their NaN and tie rules, no
fast-math flag (and so no fused multiply-add) is allowed, and the random events are
the same uniforms: ``rng.random((years, 5, n))`` draws exactly the numbers of ``years``
successive ``rng.random((5, n))`` calls.

Strategies share the futures (common random numbers), so :func:`run_strategies`
draws each year's uniforms once and evaluates every strategy on them: the engine's
``evaluate_strategies`` protocol (:mod:`detente.explore.model`).  Years are processed
in blocks whose uniforms take at most :data:`UNIFORMS_BUDGET` bytes, so memory does
not grow with the horizon; each thread keeps one such buffer and reuses it from chunk
to chunk (freshly mapped pages cost more kernel time than the draws).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from detente.partnership.parameters import LEVERS, UNCERTAINTIES

__all__ = [
    "KERNEL_LEVERS",
    "KERNEL_UNCERTAINTIES",
    "OUTCOME_ORDER",
    "UNIFORMS_BUDGET",
    "run_paired",
    "run_strategies",
]

FloatArray = npt.NDArray[np.float64]

#: Row order of the uncertainty matrix the kernel reads (the kernel indexes it by position).
KERNEL_UNCERTAINTIES: tuple[str, ...] = (
    "threat_growth",
    "escalation_rate",
    "escalation_size",
    "eu_capacity0",
    "rearm_rate",
    "us_commitment0",
    "us_drawdown_rate",
    "us_drawdown_size",
    "eu_need_weight",
    "eu_discount",
    "turkey_force_ratio",
    "turkey_industry_boost",
    "turkey_discount",
    "turkey_base_value",
    "turkey_threat_value",
    "value_econ",
    "value_refugee",
    "value_pkk",
    "value_accession",
    "trust0",
    "trust_growth",
    "trust_concession_effect",
    "trust_weight",
    "lockin0",
    "lockin_rate",
    "transactional_renewal",
    "russia_standing_offer",
    "russia_offer_rate",
    "russia_offer_size",
    "crisis_rate",
    "crisis_trust_loss",
    "crisis_lockin_loss",
    "entrapment_rate",
    "entrapment_cost",
    "entrapment_trust_loss",
)

#: Column order of the lever matrix: the strategy code, then every lever.
KERNEL_LEVERS: tuple[str, ...] = (
    "strategy",
    "transactional_payment",
    "transactional_scope",
    "transactional_need_threshold",
    "transactional_mix_econ",
    "transactional_mix_refugee",
    "transactional_mix_pkk",
    "transactional_mix_accession",
    "integration_upfront",
    "integration_payment",
    "integration_scope",
    "integration_mix_econ",
    "integration_mix_refugee",
    "integration_mix_pkk",
    "integration_mix_accession",
    "hedge_trust_threshold",
)

#: The outcomes, in the kernel's output order.
OUTCOME_ORDER: tuple[str, ...] = (
    "europe_payoff",
    "turkey_payoff",
    "breakdown",
    "breakdown_year",
    "unmet_need",
    "europe_cost",
    "alignment",
)

#: Bytes of uniforms held at once (one block of years); about 40 MB, i.e. 15 years of a
#: 65,536-scenario chunk.
UNIFORMS_BUDGET = 15 * 5 * 65_536 * 8

assert set(KERNEL_UNCERTAINTIES) == {s.name for s in UNCERTAINTIES}
assert set(KERNEL_LEVERS) == {"strategy", *(s.name for s in LEVERS)}

# state variables carried from one block of years to the next
_N_STATE = 17


@njit(cache=True, nogil=True, error_model="numpy")
def _min(a: float, b: float) -> float:  # pragma: no cover - compiled
    # numpy.minimum: NaN propagates, ties return the second argument
    return a if (a < b or a != a) else b


@njit(cache=True, nogil=True, error_model="numpy")
def _max(a: float, b: float) -> float:  # pragma: no cover - compiled
    # numpy.maximum: NaN propagates, ties return the second argument
    return a if (a > b or a != a) else b


@njit(cache=True, nogil=True, error_model="numpy")
def _years(  # pragma: no cover - compiled
    unc: Any,
    lev: Any,
    u: Any,
    t0: int,
    horizon: int,
    paired: bool,
    carry_in: bool,
    carry_out: bool,
    state: Any,
    out: Any,
) -> None:
    """Advance every experiment through the years ``t0 .. t0 + len(u) - 1``.

    ``unc`` (35, n): uncertainties in :data:`KERNEL_UNCERTAINTIES` order.  ``lev``
    (S, 16): one row of lever values per strategy (``paired``: one row per experiment,
    ``S == n``).  ``u`` (years, 5, n): the block's uniforms.  ``state`` (S', 17, n)
    and ``out`` (S', 7, n), ``S' = 1`` when ``paired`` else ``S``, ``state``
    initialised by :func:`_init`.  The strategies of one experiment advance together,
    year by year: their chains of dependent operations are independent, so the
    processor overlaps them.
    """
    n = unc.shape[1]
    n_years = u.shape[0]
    n_rows = 1 if paired else lev.shape[0]
    st = np.empty((n_rows, _N_STATE))
    dq = np.empty((n_rows, 9))
    for i in range(n):
        threat_growth = unc[0, i]
        esc_rate = unc[1, i]
        esc_size = unc[2, i]
        rearm = unc[4, i]
        dd_rate = unc[6, i]
        dd_size = unc[7, i]
        need_w = unc[8, i]
        de_f = unc[9, i]
        industry = unc[11, i]
        dt_f = unc[12, i]
        base = unc[13, i]
        threat_val = unc[14, i]
        v0 = unc[15, i]
        v1 = unc[16, i]
        v2 = unc[17, i]
        v3 = unc[18, i]
        gamma = unc[20, i]
        eta = unc[21, i]
        omega = unc[22, i]
        lock_rate = unc[24, i]
        renewal = unc[25, i]
        o0 = unc[26, i]
        o_rate = unc[27, i]
        o_size = unc[28, i]
        c_rate = unc[29, i]
        c_tau = unc[30, i]
        c_l = unc[31, i]
        e_rate = unc[32, i]
        e_cost = unc[33, i]
        e_tau = unc[34, i]
        f_force = unc[10, i] * unc[3, i]
        for so in range(n_rows):
            row = i if paired else so
            s = int(lev[row, 0])
            if carry_in:
                for k in range(_N_STATE):
                    st[so, k] = state[so, k, i]
            else:
                st[so, 0] = unc[3, i]
                st[so, 1] = unc[5, i]
                st[so, 2] = unc[19, i]
                st[so, 3] = unc[23, i]
                st[so, 4] = 1.0
                st[so, 5] = 1.0 if s != 0 else 0.0
                st[so, 6] = 1.0 if s == 2 else 0.0
                st[so, 7] = 0.0
                st[so, 8] = 0.0
                st[so, 9] = np.nan
                st[so, 10] = 0.0
                st[so, 11] = 0.0
                st[so, 12] = 0.0
                st[so, 13] = 0.0
                st[so, 14] = 0.0
                st[so, 15] = 1.0
                st[so, 16] = 1.0
            # concession mixes, normalised (numpy sums axis 0 in channel order)
            m0 = lev[row, 4]
            m1 = lev[row, 5]
            m2 = lev[row, 6]
            m3 = lev[row, 7]
            tot_m = m0 + m1 + m2 + m3
            d = tot_m if tot_m > 0 else 1.0
            mt0 = m0 / d
            mt1 = m1 / d
            mt2 = m2 / d
            mt3 = m3 / d
            m0 = lev[row, 11]
            m1 = lev[row, 12]
            m2 = lev[row, 13]
            m3 = lev[row, 14]
            tot_m = m0 + m1 + m2 + m3
            d = tot_m if tot_m > 0 else 1.0
            mi0 = m0 / d
            mi1 = m1 / d
            mi2 = m2 / d
            mi3 = m3 / d
            vm_in = v0 * mi0 + v1 * mi1 + v2 * mi2 + v3 * mi3
            p_tr = lev[row, 1]
            up_in = lev[row, 8]
            p_in = lev[row, 9]
            dq[so, 0] = p_tr * (v0 * mt0 + v1 * mt1 + v2 * mt2 + v3 * mt3)  # val_tr
            dq[so, 1] = p_in * vm_in  # val_in
            dq[so, 2] = up_in * vm_in  # val_up
            dq[so, 3] = p_tr * (mt2 + mt3)  # trust_tr
            dq[so, 4] = p_in * (mi2 + mi3)  # trust_in
            dq[so, 5] = up_in * (mi2 + mi3)  # trust_up
            dq[so, 6] = p_tr * (mt0 + mt3)  # lock_tr
            dq[so, 7] = p_in * (mi0 + mi3)  # lock_in
            dq[so, 8] = up_in * (mi0 + mi3)  # lock_up
        for y in range(n_years):
            u_esc = u[y, 0, i] < esc_rate
            u_dd = u[y, 1, i] < dd_rate
            u_offer = u[y, 2, i] < o_rate
            u_crisis = u[y, 3, i] < c_rate
            u_ent = u[y, 4, i] < e_rate
            for so in range(n_rows):
                row = i if paired else so
                s = int(lev[row, 0])
                p_tr = lev[row, 1]
                sc_tr = lev[row, 2]
                thr_tr = lev[row, 3]
                up_in = lev[row, 8]
                p_in = lev[row, 9]
                sc_in = lev[row, 10]
                hedge_thr = lev[row, 15]
                k_cap = st[so, 0]
                us = st[so, 1]
                tau = st[so, 2]
                lk = st[so, 3]
                threat = st[so, 4]
                active = st[so, 5] != 0.0
                integrated = st[so, 6] != 0.0
                started = st[so, 7] != 0.0
                # 1. events
                threat = threat + (1.0 if u_esc else 0.0) * esc_size
                us = us * (1.0 - (1.0 if u_dd else 0.0) * dd_size)
                offer = o0 + (1.0 if u_offer else 0.0) * o_size
                cr = 1.0 if u_crisis else 0.0
                tau = tau * (1.0 - cr * c_tau)
                lk = lk * (1.0 - cr * c_l)
                ent = u_ent and active
                tau = tau * (1.0 - (1.0 if ent else 0.0) * e_tau)
                # 2. gross need
                gross = threat - k_cap - us
                # 3. mode
                ending = active and not integrated and gross < thr_tr
                active = active and not ending
                switch = active and s == 3 and not integrated and tau >= hedge_thr
                integrated = integrated or switch
                start = active and integrated and not started
                started = started or start
                imode = active and integrated
                tmode = active and not integrated
                sv = 1.0 if start else 0.0
                # 4. concessions
                tot = (p_in if imode else (p_tr if tmode else 0.0)) + sv * up_in
                trust_flow = (dq[so, 4] if imode else (dq[so, 3] if tmode else 0.0)) + sv * dq[
                    so, 5
                ]
                lock_flow = (dq[so, 7] if imode else (dq[so, 6] if tmode else 0.0)) + sv * dq[so, 8]
                # 5. Türkiye's decision
                w_rec = base + threat_val * _max(threat - 1.0, 0.0)
                w_rec = w_rec + (dq[so, 1] if imode else (dq[so, 0] if tmode else 0.0))
                w_now = w_rec + sv * dq[so, 2]
                x = _min(dt_f * tau * (1.0 if imode else renewal), 0.99)
                cont = w_rec * x / (1.0 - x)
                defect = active and (offer > lk + w_now + cont)
                stay = active and not defect
                dt = st[so, 16]
                st[so, 11] = st[so, 11] + dt * (w_now if stay else (offer - lk if defect else 0.0))
                if defect:
                    st[so, 8] = 1.0
                    st[so, 9] = float(t0 + y + 1)
                active = stay
                act = 1.0 if active else 0.0
                imode = imode and stay
                # 6. contribution and need
                scope = (sc_in if imode else sc_tr) * (1.0 - omega + omega * tau) * act
                need = _max(gross - f_force * scope, 0.0)
                # 7. payoffs
                paid = tot * act
                cost = paid + (1.0 if (ent and active) else 0.0) * e_cost * (
                    1.0 if imode else sc_tr
                )
                de = st[so, 15]
                st[so, 10] = st[so, 10] - de * (need_w * need + cost)
                st[so, 12] = st[so, 12] + need
                st[so, 13] = st[so, 13] + cost
                st[so, 14] = st[so, 14] + act
                # 8. growth
                st[so, 2] = _min(tau + act * gamma * (1.0 - tau) * (1.0 + eta * trust_flow), 1.0)
                st[so, 3] = lk + act * lock_rate * lock_flow
                st[so, 0] = k_cap * (1.0 + rearm + industry * scope)
                st[so, 4] = threat * (1.0 + threat_growth)
                st[so, 1] = us
                st[so, 5] = act
                st[so, 6] = 1.0 if integrated else 0.0
                st[so, 7] = 1.0 if started else 0.0
                st[so, 15] = de * de_f
                st[so, 16] = dt * dt_f
        for so in range(n_rows):
            if carry_out:
                for k in range(_N_STATE):
                    state[so, k, i] = st[so, k]
            out[0, so, i] = st[so, 10]
            out[1, so, i] = st[so, 11]
            out[2, so, i] = st[so, 8]
            out[3, so, i] = st[so, 9]
            out[4, so, i] = st[so, 12]
            out[5, so, i] = st[so, 13]
            out[6, so, i] = st[so, 14] / horizon


def _matrix(p: Mapping[str, Any], names: Sequence[str], n: int) -> FloatArray:
    m = np.empty((len(names), n))
    for j, name in enumerate(names):
        m[j] = np.asarray(p[name], dtype=np.float64)
    return m


def _run(
    unc: FloatArray, lev: FloatArray, rng: np.random.Generator, horizon: int, paired: bool
) -> FloatArray:
    if horizon < 1:
        raise ValueError(f"the horizon must be at least one year, not {horizon}")
    n = unc.shape[1]
    s_out = 1 if paired else lev.shape[0]
    out = np.empty((len(OUTCOME_ORDER), s_out, n))
    if n == 0:
        return out
    block = max(1, min(horizon, UNIFORMS_BUDGET // (5 * 8 * n)))
    state = np.empty((s_out, _N_STATE, n) if block < horizon else (1, _N_STATE, 1))
    buffer = _uniforms_buffer(block * 5 * n)
    for t0 in range(0, horizon, block):
        years = min(block, horizon - t0)
        u = buffer[: years * 5 * n].reshape(years, 5, n)
        rng.random(out=u)
        _years(unc, lev, u, t0, horizon, paired, t0 > 0, t0 + years < horizon, state, out)
    return out


_local = threading.local()


def _uniforms_buffer(size: int) -> FloatArray:
    """This thread's buffer for the uniforms (reused: fresh pages cost kernel time)."""
    buf: FloatArray | None = getattr(_local, "uniforms", None)
    if buf is None or buf.shape[0] < size:
        buf = np.empty(size)
        _local.uniforms = buf
    return buf


def run_paired(
    p: Mapping[str, Any], rng: np.random.Generator, horizon: int = 15
) -> dict[str, FloatArray]:
    """The model on experiments that each carry their own levers (like ``simulate``).

    Parameters
    ----------
    p
        Input name -> array of shape ``(N,)`` or a scalar: every uncertainty and lever,
        and ``strategy`` as codes 0-3.
    rng
        Generator for the events (the same draws as :func:`simulate`).
    horizon
        Number of years.

    Returns
    -------
    dict
        Outcome name -> array of shape ``(N,)``, equal bit for bit to
        ``simulate(p, rng, horizon)``.
    """
    n = int(np.asarray(p["strategy"]).shape[0])
    unc = _matrix(p, KERNEL_UNCERTAINTIES, n)
    lev = np.ascontiguousarray(_matrix(p, KERNEL_LEVERS, n).T)
    out = _run(unc, lev, rng, horizon, paired=True)
    return {name: out[j, 0] for j, name in enumerate(OUTCOME_ORDER)}


def run_strategies(
    inputs: Mapping[str, Any],
    levers: Sequence[Mapping[str, float]],
    rng: np.random.Generator,
    horizon: int = 15,
) -> dict[str, FloatArray]:
    """Every strategy in every experiment, on one draw of the events.

    Parameters
    ----------
    inputs
        Uncertainty name -> array of shape ``(N,)`` (or a scalar).
    levers
        One mapping per strategy: lever name -> value, and ``strategy`` (code 0-3).
    rng
        Generator for the events; every strategy sees the draws a fresh generator in
        this state would give (common random numbers).
    horizon
        Number of years.

    Returns
    -------
    dict
        Outcome name -> array of shape ``(S, N)``; row ``s`` equals
        ``simulate({**inputs, **levers[s]}, copy_of_rng, horizon)`` bit for bit.
    """
    n = max(int(np.size(inputs[name])) for name in KERNEL_UNCERTAINTIES)
    unc = _matrix(inputs, KERNEL_UNCERTAINTIES, n)
    lev = np.array([[float(lv[name]) for name in KERNEL_LEVERS] for lv in levers], dtype=np.float64)
    out = _run(unc, lev.reshape(len(levers), len(KERNEL_LEVERS)), rng, horizon, paired=False)
    return {name: out[j] for j, name in enumerate(OUTCOME_ORDER)}
