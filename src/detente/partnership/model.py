r"""A dynamic model of a security partnership under an outside option.

A bloc that seeks security (Europe) and a partner (Türkiye) play a repeated game in
yearly steps :math:`t = 0, \dots, T-1`; a rival bidder (Russia) tempts the partner and
an outside guarantor (the United States) may withdraw.  Everything is vectorised over
experiments: every state variable is an array of shape ``(N,)``, and the only loop is
over years.  See ``docs/models/partnership.md`` for the reasoning and the sources:
Morrow (1991) on the autonomy-security trade-off, Snyder (1984) on abandonment and
entrapment, Leeds (2003) on alliance reliability, and the folk-theorem condition for
cooperation in a repeated game with an outside option.

Each year, in order:

1. **Events** (five uniforms per experiment and year, drawn whatever the strategy):
   Russian escalation (threat :math:`\theta \mathrel{+}= e`), US drawdown
   (:math:`U \mathrel{*}= 1 - d`), a special Russian offer, a Turkish domestic crisis
   (trust and lock-in lose shares :math:`c_\tau, c_L`), an entrapment episode (Europe
   pays :math:`k_E \sigma`, trust loses :math:`c_E`) while the partnership is active.
2. **Europe's gross need** :math:`g_t = \theta_t - K_t - U_t` (threat minus own
   capacity minus US commitment).
3. **Mode**: a transactional deal (or the transactional phase of *hedged*) ends for
   good once :math:`g_t < \bar g`; *hedged* switches to integration once trust
   :math:`\tau_t \ge \bar\tau`; integration pays its upfront package :math:`A` in the
   year it starts.
4. **Concessions**: the yearly payment :math:`P_m` of mode :math:`m` split over the
   channels (investment/trade, refugees, PKK/YPG stance, accession) by the mode's mix
   :math:`\mu_m`: :math:`f_{c,t} = \mu_{m,c} (P_m + A\,[\text{start}])`.
5. **Türkiye's decision** (grim trigger; defecting forfeits the partnership for good).
   Its yearly partnership value over the non-aligned baseline (normalised to 0) is
   :math:`w_t = b + \beta \max(\theta_t - 1, 0) + \sum_c v_c f_{c,t}` (and
   :math:`w^{rec}_t`, the same without the upfront package).  With the shadow of the
   future :math:`x_t = \min(\delta_T \tau_t \kappa_m, 0.99)` -- patience times the
   credibility of Europe's promises, :math:`\kappa = 1` under integration and the
   renewal probability :math:`\rho` for a transactional deal -- the discounted value
   of staying beyond this year is :math:`W_t = w^{rec}_t x_t / (1 - x_t)`.  Türkiye
   stays iff

   .. math:: O_t \le L_t + w_t + W_t,

   where :math:`O_t = o_0 + o\,[\text{offer}]` is Russia's offer and :math:`L_t` the
   exit cost (lock-in): the one-shot temptation must not exceed the exit cost plus
   what staying is worth.  Because :math:`w, W \ge 0`, staying is weakly more likely
   with a higher :math:`\delta_T`, :math:`\tau`, :math:`L` and weakly less likely with
   a higher :math:`O`.
6. **Contribution**: while active, Türkiye's force :math:`F = r K_0` offsets the threat
   at scope :math:`s_t = \sigma_m (1 - \omega + \omega \tau_t)`; unmet need
   :math:`n_t = \max(g_t - F s_t, 0)`.
7. **Payoffs**: Europe :math:`-\delta_E^t (\lambda n_t + \sum_c f_{c,t} + \text{entrapment})`;
   Türkiye :math:`\delta_T^t w_t` while staying, :math:`\delta_T^t (O_t - L_t)` in the
   year it defects.
8. **Growth**: trust :math:`\tau \mathrel{+}= \gamma (1 - \tau)(1 + \eta (f_{pkk} + f_{acc}))`,
   lock-in :math:`L \mathrel{+}= \ell (f_{econ} + f_{acc})` (only while active), own
   capacity :math:`K \mathrel{*}= 1 + r_K + \iota s_t`, threat
   :math:`\theta \mathrel{*}= 1 + g_\theta`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.partnership.parameters import CHANNELS, LEVERS, UNCERTAINTIES

__all__ = ["PartnershipModel", "nominal_inputs", "simulate"]

FloatArray = npt.NDArray[np.float64]

NONE, TRANSACTIONAL, INTEGRATION, HEDGED = 0, 1, 2, 3


def nominal_inputs(
    n: int = 1, strategy: int = INTEGRATION, **overrides: float
) -> dict[str, FloatArray]:
    """Every input at its nominal value, as arrays of length ``n``.

    Parameters
    ----------
    n
        Number of experiments.
    strategy
        Strategy code (0 none, 1 transactional, 2 integration, 3 hedged).
    **overrides
        Inputs to set to other values.

    Returns
    -------
    dict
        Input name -> array of shape ``(n,)``.
    """
    out = {s.name: np.full(n, s.nominal) for s in (*UNCERTAINTIES, *LEVERS)}
    out["strategy"] = np.full(n, float(strategy))
    for k, v in overrides.items():
        if k not in out:
            raise KeyError(k)
        out[k] = np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)).copy()
    return out


def _mix(p: Mapping[str, Any], prefix: str, n: int) -> FloatArray:
    m = np.stack(
        [
            np.broadcast_to(np.asarray(p[f"{prefix}_mix_{c}"], dtype=np.float64), (n,))
            for c in CHANNELS
        ]
    )
    total = m.sum(axis=0)
    return np.asarray(m / np.where(total > 0, total, 1.0))


def simulate(
    p: Mapping[str, Any],
    rng: np.random.Generator,
    horizon: int = 15,
    *,
    record: bool = False,
) -> dict[str, FloatArray]:
    """Run the partnership model for every experiment.

    Parameters
    ----------
    p
        Input name -> array of shape ``(N,)`` (every uncertainty and lever; the
        ``strategy`` lever as codes 0-3).
    rng
        Generator for the events; five uniforms per experiment and year are drawn in
        the same order whatever the strategy (common random numbers).
    horizon
        Number of years.
    record
        Also return yearly trajectories (``trust``, ``lockin``, ``need``, ``active``,
        ``threat`` and the cumulative concessions ``concessions_<channel>``), each of
        shape ``(horizon, N)``.

    Returns
    -------
    dict
        The outcomes (``europe_payoff``, ``turkey_payoff``, ``breakdown``,
        ``breakdown_year``, ``unmet_need``, ``europe_cost``, ``alignment``), and the
        trajectories when ``record`` is set.
    """
    s = np.asarray(p["strategy"]).astype(np.int64)
    n = s.shape[0]

    def g(name: str) -> FloatArray:
        return np.broadcast_to(np.asarray(p[name], dtype=np.float64), (n,))

    threat_growth, esc_rate, esc_size = (
        g("threat_growth"),
        g("escalation_rate"),
        g("escalation_size"),
    )
    K = g("eu_capacity0").copy()
    U = g("us_commitment0").copy()
    dd_rate, dd_size = g("us_drawdown_rate"), g("us_drawdown_size")
    need_w, dE_f = g("eu_need_weight"), g("eu_discount")
    F = g("turkey_force_ratio") * K
    industry, dT_f = g("turkey_industry_boost"), g("turkey_discount")
    base, threat_val = g("turkey_base_value"), g("turkey_threat_value")
    v = np.stack([g("value_econ"), g("value_refugee"), g("value_pkk"), g("value_accession")])
    tau = g("trust0").copy()
    gamma, eta, omega = g("trust_growth"), g("trust_concession_effect"), g("trust_weight")
    L = g("lockin0").copy()
    lock_rate, renewal = g("lockin_rate"), g("transactional_renewal")
    o0, o_rate, o_size = g("russia_standing_offer"), g("russia_offer_rate"), g("russia_offer_size")
    c_rate, c_tau, c_L = g("crisis_rate"), g("crisis_trust_loss"), g("crisis_lockin_loss")
    e_rate, e_cost, e_tau = g("entrapment_rate"), g("entrapment_cost"), g("entrapment_trust_loss")
    p_tr, sc_tr, thr_tr = (
        g("transactional_payment"),
        g("transactional_scope"),
        g("transactional_need_threshold"),
    )
    up_in, p_in, sc_in = g("integration_upfront"), g("integration_payment"), g("integration_scope")
    hedge_thr = g("hedge_trust_threshold")
    mix_tr, mix_in = _mix(p, "transactional", n), _mix(p, "integration", n)
    # per-mode aggregates of the channel flows (mixes sum to one): Türkiye's value of a
    # year's payment, and the parts that build trust (PKK/YPG, accession) and lock-in
    # (investment/trade, accession)
    val_tr, val_in = p_tr * (v * mix_tr).sum(axis=0), p_in * (v * mix_in).sum(axis=0)
    val_up = up_in * (v * mix_in).sum(axis=0)
    trust_tr, trust_in = p_tr * (mix_tr[2] + mix_tr[3]), p_in * (mix_in[2] + mix_in[3])
    trust_up = up_in * (mix_in[2] + mix_in[3])
    lock_tr, lock_in = p_tr * (mix_tr[0] + mix_tr[3]), p_in * (mix_in[0] + mix_in[3])
    lock_up = up_in * (mix_in[0] + mix_in[3])
    cum_flow = np.zeros((len(CHANNELS), n)) if record else None

    hedged = s == HEDGED
    active = s != NONE
    integrated = s == INTEGRATION
    started = np.zeros(n, dtype=bool)
    threat = np.ones(n)
    breakdown_year = np.full(n, np.nan)
    broken = np.zeros(n, dtype=bool)
    eu_pay = np.zeros(n)
    tr_pay = np.zeros(n)
    need_cum = np.zeros(n)
    cost_cum = np.zeros(n)
    years_active = np.zeros(n)
    dE = np.ones(n)
    dT = np.ones(n)
    rec: dict[str, list[FloatArray]] = {
        k: []
        for k in (
            "trust",
            "lockin",
            "need",
            "active",
            "threat",
            *(f"concessions_{c}" for c in CHANNELS),
        )
    }

    for t in range(horizon):
        u = rng.random((5, n))
        # 1. events
        threat = threat + (u[0] < esc_rate) * esc_size
        U = U * (1.0 - (u[1] < dd_rate) * dd_size)
        offer = o0 + (u[2] < o_rate) * o_size
        crisis = u[3] < c_rate
        tau = tau * (1.0 - crisis * c_tau)
        L = L * (1.0 - crisis * c_L)
        ent = (u[4] < e_rate) & active
        tau = tau * (1.0 - ent * e_tau)
        # 2. gross need
        gross = threat - K - U
        # 3. mode
        ending = active & ~integrated & (gross < thr_tr)
        active = active & ~ending
        switch = active & hedged & ~integrated & (tau >= hedge_thr)
        integrated = integrated | switch
        start = active & integrated & ~started
        started = started | start
        imode = active & integrated
        tmode = active & ~integrated
        # 4. concessions: the mode's yearly payment, plus the upfront package
        tot = np.where(imode, p_in, np.where(tmode, p_tr, 0.0)) + start * up_in
        trust_flow = np.where(imode, trust_in, np.where(tmode, trust_tr, 0.0)) + start * trust_up
        lock_flow = np.where(imode, lock_in, np.where(tmode, lock_tr, 0.0)) + start * lock_up
        # 5. Türkiye's decision
        w_rec = base + threat_val * np.maximum(threat - 1.0, 0.0)
        w_rec = w_rec + np.where(imode, val_in, np.where(tmode, val_tr, 0.0))
        w_now = w_rec + start * val_up
        x = np.minimum(dT_f * tau * np.where(imode, 1.0, renewal), 0.99)
        cont = w_rec * x / (1.0 - x)
        defect = active & (offer > L + w_now + cont)
        stay = active & ~defect
        tr_pay += dT * np.where(stay, w_now, np.where(defect, offer - L, 0.0))
        broken |= defect
        breakdown_year[defect] = t + 1
        active = stay
        if cum_flow is not None:
            amount = np.where(imode, p_in, np.where(tmode, p_tr, 0.0)) * active
            cum_flow += np.where(imode, mix_in, mix_tr) * amount + mix_in * (up_in * start * active)
        imode &= stay
        # 6. contribution and need
        scope = np.where(imode, sc_in, sc_tr) * (1.0 - omega + omega * tau) * active
        need = np.maximum(gross - F * scope, 0.0)
        # 7. payoffs
        paid = tot * active
        cost = paid + ent * active * e_cost * np.where(imode, 1.0, sc_tr)
        eu_pay -= dE * (need_w * need + cost)
        need_cum += need
        cost_cum += cost
        years_active += active
        # 8. growth
        tau = np.minimum(tau + active * gamma * (1.0 - tau) * (1.0 + eta * trust_flow), 1.0)
        L = L + active * lock_rate * lock_flow
        if record:
            rec["trust"].append(tau.copy())
            rec["lockin"].append(L.copy())
            rec["need"].append(need)
            rec["active"].append(active.astype(np.float64))
            rec["threat"].append(threat.copy())
            assert cum_flow is not None
            for c, name in enumerate(CHANNELS):
                rec[f"concessions_{name}"].append(cum_flow[c].copy())
        K = K * (1.0 + g("rearm_rate") + industry * scope)
        threat = threat * (1.0 + threat_growth)
        dE = dE * dE_f
        dT = dT * dT_f

    out = {
        "europe_payoff": eu_pay,
        "turkey_payoff": tr_pay,
        "breakdown": broken.astype(np.float64),
        "breakdown_year": breakdown_year,
        "unmet_need": need_cum,
        "europe_cost": cost_cum,
        "alignment": years_active / horizon,
    }
    if record:
        out.update({k: np.stack(val) for k, val in rec.items()})
    return out


@dataclass(frozen=True)
class PartnershipModel:
    """The partnership model as an engine model function (picklable for Dask).

    Evaluated by the compiled kernel (:mod:`detente.partnership.kernel`), which gives
    :func:`simulate`'s outcomes bit for bit.

    Parameters
    ----------
    horizon
        Number of yearly steps.
    """

    horizon: int = 15

    def __call__(
        self, inputs: Mapping[str, Any], rng: np.random.Generator
    ) -> dict[str, FloatArray]:
        """Evaluate :func:`simulate` (see there) on experiments with their own levers."""
        from detente.partnership.kernel import run_paired

        return run_paired(inputs, rng, self.horizon)

    def evaluate_strategies(
        self,
        inputs: Mapping[str, Any],
        levers: Sequence[Mapping[str, float]],
        rng: np.random.Generator,
    ) -> dict[str, FloatArray]:
        """Every strategy in every scenario on one draw of the events.

        The engine's strategy-batch protocol (:mod:`detente.explore.model`): row ``s``
        of each returned ``(S, N)`` array equals ``self({**inputs, **levers[s]}, rng)``
        for a generator in ``rng``'s state.
        """
        from detente.partnership.kernel import run_strategies

        return run_strategies(inputs, levers, rng, self.horizon)
