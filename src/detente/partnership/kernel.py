"""The partnership model compiled with numba: whole tiles of experiments per instruction.

:func:`detente.partnership.model.simulate` states the model as numpy array operations
over experiments, one year at a time: about a hundred whole-array operations a year,
each reading and writing arrays of the chunk's length.  This module runs the *same*
operations, in the same order, on tiles of :data:`TILE` experiments that stay in the
processor's cache: the year loop reads and writes one small work array at constant
row offsets and has no branches (choices are selects), so the compiler vectorises it
(four experiments per AVX2 instruction) and a year costs a few nanoseconds per
experiment.

Bit-for-bit identity with :func:`~detente.partnership.model.simulate` is a tested
property, not an approximation: every expression is written in numpy's evaluation
order, a boolean times a float is written as ``1.0``/``0.0`` times the float,
``numpy.minimum``/``numpy.maximum`` are emulated with their NaN and tie rules, no
fast-math flag (and so no fused multiply-add or reassociation) is allowed -- SIMD lanes
round exactly as scalar code does -- and the random events are the same uniforms:
``rng.random((years, 5, n))`` draws exactly the numbers of ``years`` successive
``rng.random((5, n))`` calls.

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

from detente.partnership.parameters import CHANNELS, LEVERS, UNCERTAINTIES

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

#: Experiments advanced together through a year: the compiler turns the loop over them
#: into SIMD instructions (4 doubles at a time with AVX2).
TILE = 64

# Rows of the tile's work array (each row holds TILE values, one per experiment).  All
# the year loop touches is this one array, at constant row offsets, so the compiler
# can prove its iterations independent and vectorise it.
# -- state (carried through the years)
_K, _US, _TAU, _LK, _THREAT, _ACT, _INTEG, _STARTED = 0, 1, 2, 3, 4, 5, 6, 7
_BROKEN, _BY, _EUPAY, _TRPAY, _NEEDC, _COSTC, _YACT, _DE, _DT = 8, 9, 10, 11, 12, 13, 14, 15, 16
# -- uncertainties used in the year loop, copied from the kernel's matrix (_UNC_ROWS)
_ESC_RATE, _ESC_SIZE, _DD_RATE, _DD_SIZE, _O0, _O_RATE, _O_SIZE = 17, 18, 19, 20, 21, 22, 23
_C_RATE, _C_TAU, _C_L, _E_RATE, _E_TAU, _BASE, _THREAT_VAL = 24, 25, 26, 27, 28, 29, 30
_DT_F, _RENEWAL, _OMEGA, _NEED_W, _E_COST, _GAMMA, _ETA = 31, 32, 33, 34, 35, 36, 37
_LOCK_RATE, _REARM, _INDUSTRY, _GROWTH, _DE_F = 38, 39, 40, 41, 42
# -- per (strategy, experiment): concession aggregates, Türkiye's force, levers
_VAL_TR, _VAL_IN, _VAL_UP, _TRUST_TR, _TRUST_IN, _TRUST_UP = 43, 44, 45, 46, 47, 48
_LOCK_TR, _LOCK_IN, _LOCK_UP, _FORCE, _HEDGED = 49, 50, 51, 52, 53
_P_TR, _SC_TR, _THR_TR, _UP_IN, _P_IN, _SC_IN, _HEDGE_THR = 54, 55, 56, 57, 58, 59, 60
# -- the year's five uniforms
_U = 61
_N_ROWS = 66
# source row in KERNEL_UNCERTAINTIES of each copied uncertainty row (_ESC_RATE ... _DE_F)
_UNC_ROWS: tuple[int, ...] = tuple(
    KERNEL_UNCERTAINTIES.index(name)
    for name in (
        "escalation_rate",
        "escalation_size",
        "us_drawdown_rate",
        "us_drawdown_size",
        "russia_standing_offer",
        "russia_offer_rate",
        "russia_offer_size",
        "crisis_rate",
        "crisis_trust_loss",
        "crisis_lockin_loss",
        "entrapment_rate",
        "entrapment_trust_loss",
        "turkey_base_value",
        "turkey_threat_value",
        "turkey_discount",
        "transactional_renewal",
        "trust_weight",
        "eu_need_weight",
        "entrapment_cost",
        "trust_growth",
        "trust_concession_effect",
        "lockin_rate",
        "rearm_rate",
        "turkey_industry_boost",
        "threat_growth",
        "eu_discount",
    )
)
assert len(_UNC_ROWS) == _DE_F - _ESC_RATE + 1
# uncertainties read when a tile is loaded
_I_VALUE = KERNEL_UNCERTAINTIES.index("value_econ")  # value_econ .. value_accession
_I_CAPACITY = KERNEL_UNCERTAINTIES.index("eu_capacity0")
_I_RATIO = KERNEL_UNCERTAINTIES.index("turkey_force_ratio")
_I_US = KERNEL_UNCERTAINTIES.index("us_commitment0")
_I_TRUST = KERNEL_UNCERTAINTIES.index("trust0")
_I_LOCKIN = KERNEL_UNCERTAINTIES.index("lockin0")
assert KERNEL_UNCERTAINTIES[_I_VALUE : _I_VALUE + 4] == tuple(f"value_{c}" for c in CHANNELS)


@njit(cache=True, nogil=True, error_model="numpy")
def _load_uncertainties(w: Any, unc: Any, i0: int, m: int) -> None:  # pragma: no cover
    for r in range(len(_UNC_ROWS)):
        src = _UNC_ROWS[r]
        for j in range(m):
            w[(_ESC_RATE + r) * TILE + j] = unc[src, i0 + j]


@njit(cache=True, nogil=True, error_model="numpy")
def _load_strategy(  # pragma: no cover - compiled
    w: Any,
    unc: Any,
    lev: Any,
    state: Any,
    so: int,
    i0: int,
    m: int,
    paired: bool,
    carry_in: bool,
) -> None:
    """Levers, concession aggregates and state of strategy row ``so`` on one tile."""
    for j in range(m):
        i = i0 + j
        row = i if paired else so
        v0 = unc[_I_VALUE, i]
        v1 = unc[_I_VALUE + 1, i]
        v2 = unc[_I_VALUE + 2, i]
        v3 = unc[_I_VALUE + 3, i]
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
        w[_VAL_TR * TILE + j] = p_tr * (v0 * mt0 + v1 * mt1 + v2 * mt2 + v3 * mt3)
        w[_VAL_IN * TILE + j] = p_in * vm_in
        w[_VAL_UP * TILE + j] = up_in * vm_in
        w[_TRUST_TR * TILE + j] = p_tr * (mt2 + mt3)
        w[_TRUST_IN * TILE + j] = p_in * (mi2 + mi3)
        w[_TRUST_UP * TILE + j] = up_in * (mi2 + mi3)
        w[_LOCK_TR * TILE + j] = p_tr * (mt0 + mt3)
        w[_LOCK_IN * TILE + j] = p_in * (mi0 + mi3)
        w[_LOCK_UP * TILE + j] = up_in * (mi0 + mi3)
        w[_FORCE * TILE + j] = unc[_I_RATIO, i] * unc[_I_CAPACITY, i]
        s = int(lev[row, 0])
        w[_HEDGED * TILE + j] = 1.0 if s == 3 else 0.0
        w[_P_TR * TILE + j] = p_tr
        w[_SC_TR * TILE + j] = lev[row, 2]
        w[_THR_TR * TILE + j] = lev[row, 3]
        w[_UP_IN * TILE + j] = up_in
        w[_P_IN * TILE + j] = p_in
        w[_SC_IN * TILE + j] = lev[row, 10]
        w[_HEDGE_THR * TILE + j] = lev[row, 15]
        if carry_in:
            for k in range(_N_STATE):
                w[k * TILE + j] = state[so, k, i]
        else:
            w[_K * TILE + j] = unc[_I_CAPACITY, i]
            w[_US * TILE + j] = unc[_I_US, i]
            w[_TAU * TILE + j] = unc[_I_TRUST, i]
            w[_LK * TILE + j] = unc[_I_LOCKIN, i]
            w[_THREAT * TILE + j] = 1.0
            w[_ACT * TILE + j] = 1.0 if s != 0 else 0.0
            w[_INTEG * TILE + j] = 1.0 if s == 2 else 0.0
            w[_STARTED * TILE + j] = 0.0
            w[_BROKEN * TILE + j] = 0.0
            w[_BY * TILE + j] = np.nan
            w[_EUPAY * TILE + j] = 0.0
            w[_TRPAY * TILE + j] = 0.0
            w[_NEEDC * TILE + j] = 0.0
            w[_COSTC * TILE + j] = 0.0
            w[_YACT * TILE + j] = 0.0
            w[_DE * TILE + j] = 1.0
            w[_DT * TILE + j] = 1.0


@njit(cache=True, nogil=True, error_model="numpy")
def _advance(w: Any, u: Any, i0: int, m: int, t0: int) -> None:  # pragma: no cover - compiled
    """Advance the tile in ``w`` through the years of the block ``u``.

    Every expression follows :func:`detente.partnership.model.simulate`'s evaluation
    order; a boolean times a float is written as ``1.0``/``0.0`` times the float, and
    ``numpy.minimum``/``numpy.maximum`` as comparisons with their NaN and tie rules
    (``a < b or a != a`` selects ``a``), written with ``|`` and ``&`` so that the loop
    has no branches.
    """
    for y in range(u.shape[0]):
        year = float(t0 + y + 1)
        for e in range(5):
            for j in range(m):
                w[(_U + e) * TILE + j] = u[y, e, i0 + j]
        for j in range(m):
            active = w[_ACT * TILE + j] != 0.0
            integrated = w[_INTEG * TILE + j] != 0.0
            started = w[_STARTED * TILE + j] != 0.0
            # 1. events
            esc = 1.0 if w[_U * TILE + j] < w[_ESC_RATE * TILE + j] else 0.0
            threat = w[_THREAT * TILE + j] + esc * w[_ESC_SIZE * TILE + j]
            dd = 1.0 if w[(_U + 1) * TILE + j] < w[_DD_RATE * TILE + j] else 0.0
            us = w[_US * TILE + j] * (1.0 - dd * w[_DD_SIZE * TILE + j])
            special = 1.0 if w[(_U + 2) * TILE + j] < w[_O_RATE * TILE + j] else 0.0
            offer = w[_O0 * TILE + j] + special * w[_O_SIZE * TILE + j]
            cr = 1.0 if w[(_U + 3) * TILE + j] < w[_C_RATE * TILE + j] else 0.0
            tau = w[_TAU * TILE + j] * (1.0 - cr * w[_C_TAU * TILE + j])
            lk = w[_LK * TILE + j] * (1.0 - cr * w[_C_L * TILE + j])
            ent = (w[(_U + 4) * TILE + j] < w[_E_RATE * TILE + j]) & active
            tau = tau * (1.0 - (1.0 if ent else 0.0) * w[_E_TAU * TILE + j])
            # 2. gross need
            k_cap = w[_K * TILE + j]
            gross = threat - k_cap - us
            # 3. mode
            ending = active & (not integrated) & (gross < w[_THR_TR * TILE + j])
            active = active & (not ending)
            hedged = w[_HEDGED * TILE + j] != 0.0
            switch = active & hedged & (not integrated) & (tau >= w[_HEDGE_THR * TILE + j])
            integrated = integrated | switch
            start = active & integrated & (not started)
            started = started | start
            imode = active & integrated
            tmode = active & (not integrated)
            sv = 1.0 if start else 0.0
            # 4. concessions
            p_in = w[_P_IN * TILE + j]
            p_tr = w[_P_TR * TILE + j]
            tot = (p_in if imode else (p_tr if tmode else 0.0)) + sv * w[_UP_IN * TILE + j]
            f_in = w[_TRUST_IN * TILE + j]
            f_tr = w[_TRUST_TR * TILE + j]
            trust_flow = (f_in if imode else (f_tr if tmode else 0.0)) + sv * w[
                _TRUST_UP * TILE + j
            ]
            f_in = w[_LOCK_IN * TILE + j]
            f_tr = w[_LOCK_TR * TILE + j]
            lock_flow = (f_in if imode else (f_tr if tmode else 0.0)) + sv * w[_LOCK_UP * TILE + j]
            # 5. Türkiye's decision
            tm1 = threat - 1.0
            pos = tm1 if ((tm1 > 0.0) | (tm1 != tm1)) else 0.0
            w_rec = w[_BASE * TILE + j] + w[_THREAT_VAL * TILE + j] * pos
            f_in = w[_VAL_IN * TILE + j]
            f_tr = w[_VAL_TR * TILE + j]
            w_rec = w_rec + (f_in if imode else (f_tr if tmode else 0.0))
            w_now = w_rec + sv * w[_VAL_UP * TILE + j]
            renewal = w[_RENEWAL * TILE + j]
            x = w[_DT_F * TILE + j] * tau * (1.0 if imode else renewal)
            x = x if ((x < 0.99) | (x != x)) else 0.99
            cont = w_rec * x / (1.0 - x)
            defect = active & (offer > lk + w_now + cont)
            stay = active & (not defect)
            dt = w[_DT * TILE + j]
            gain = w_now if stay else (offer - lk if defect else 0.0)
            w[_TRPAY * TILE + j] = w[_TRPAY * TILE + j] + dt * gain
            broken = w[_BROKEN * TILE + j]
            by = w[_BY * TILE + j]
            w[_BROKEN * TILE + j] = 1.0 if defect else broken
            w[_BY * TILE + j] = year if defect else by
            active = stay
            act = 1.0 if active else 0.0
            imode = imode & stay
            # 6. contribution and need
            omega = w[_OMEGA * TILE + j]
            sc_in = w[_SC_IN * TILE + j]
            sc_tr = w[_SC_TR * TILE + j]
            scope = (sc_in if imode else sc_tr) * (1.0 - omega + omega * tau) * act
            need = gross - w[_FORCE * TILE + j] * scope
            need = need if ((need > 0.0) | (need != need)) else 0.0
            # 7. payoffs
            paid = tot * act
            hit = 1.0 if (ent & active) else 0.0
            cost = paid + hit * w[_E_COST * TILE + j] * (1.0 if imode else sc_tr)
            de = w[_DE * TILE + j]
            w[_EUPAY * TILE + j] = w[_EUPAY * TILE + j] - de * (w[_NEED_W * TILE + j] * need + cost)
            w[_NEEDC * TILE + j] = w[_NEEDC * TILE + j] + need
            w[_COSTC * TILE + j] = w[_COSTC * TILE + j] + cost
            w[_YACT * TILE + j] = w[_YACT * TILE + j] + act
            # 8. growth
            grow = (
                act * w[_GAMMA * TILE + j] * (1.0 - tau) * (1.0 + w[_ETA * TILE + j] * trust_flow)
            )
            tau = tau + grow
            w[_TAU * TILE + j] = tau if ((tau < 1.0) | (tau != tau)) else 1.0
            w[_LK * TILE + j] = lk + act * w[_LOCK_RATE * TILE + j] * lock_flow
            boost = w[_INDUSTRY * TILE + j] * scope
            w[_K * TILE + j] = k_cap * (1.0 + w[_REARM * TILE + j] + boost)
            w[_THREAT * TILE + j] = threat * (1.0 + w[_GROWTH * TILE + j])
            w[_US * TILE + j] = us
            w[_ACT * TILE + j] = act
            w[_INTEG * TILE + j] = 1.0 if integrated else 0.0
            w[_STARTED * TILE + j] = 1.0 if started else 0.0
            w[_DE * TILE + j] = de * w[_DE_F * TILE + j]
            w[_DT * TILE + j] = dt * w[_DT_F * TILE + j]


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
    """Advance every (strategy, experiment) through the years ``t0 .. t0 + len(u) - 1``.

    ``unc`` (35, n): uncertainties in :data:`KERNEL_UNCERTAINTIES` order.  ``lev``
    (S, 16): one row of lever values per strategy in :data:`KERNEL_LEVERS` order
    (``paired``: one row per experiment, ``S == n``).  ``u`` (years, 5, n): the block's
    uniforms.  ``out`` (7, S', n), ``S' = 1`` when ``paired`` else ``S``.  The state
    starts from the inputs (year 0), or from ``state`` (S', 17, n) when ``carry_in``;
    it is saved to ``state`` when ``carry_out``.  Experiments go in tiles of
    :data:`TILE`; each tile's uncertainties are copied once and serve every strategy.
    """
    n = unc.shape[1]
    n_rows = 1 if paired else lev.shape[0]
    w = np.empty(_N_ROWS * TILE)
    for i0 in range(0, n, TILE):
        m = min(TILE, n - i0)
        _load_uncertainties(w, unc, i0, m)
        for so in range(n_rows):
            _load_strategy(w, unc, lev, state, so, i0, m, paired, carry_in)
            _advance(w, u, i0, m, t0)
            for j in range(m):
                i = i0 + j
                if carry_out:
                    for k in range(_N_STATE):
                        state[so, k, i] = w[k * TILE + j]
                out[0, so, i] = w[_EUPAY * TILE + j]
                out[1, so, i] = w[_TRPAY * TILE + j]
                out[2, so, i] = w[_BROKEN * TILE + j]
                out[3, so, i] = w[_BY * TILE + j]
                out[4, so, i] = w[_NEEDC * TILE + j]
                out[5, so, i] = w[_COSTC * TILE + j]
                out[6, so, i] = w[_YACT * TILE + j] / horizon


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
