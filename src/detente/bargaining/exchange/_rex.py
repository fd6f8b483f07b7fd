"""Randomized exchange rates (REX; Dijkstra, Van Assen, Stokman & Draaijer 2018), as decide
computes them, for the reference engine (:mod:`._exact`).

After the equal-gain exchange is found, three uniform draws ``u, v, z`` pick which side
draws its gain (``u < 0.5``: side I) and whether it wins (``v < 0.5``: its gain rises
towards its maximum, ``eu + p z (eu_max - eu)``) or loses (``eu - p z eu``); the partner's
move follows from the exchange rate, capped at the distance between the partners and
at the demander's position for the outcome.  decide's order of draws and operations is
kept, so with Python's Mersenne Twister seeded as decide's CLI seeds it the draws match
decide's one for one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.bargaining.exchange._exact import Engine, Exchange, RoundState, Side


def _ratio(delta: Any, side: Side, st: RoundState) -> Any:
    return (delta * side.s_sup * side.c_sup) / st.denom[side.supply]


def _eu(side: Side, dr: Any, sr: Any) -> Any:
    return abs(dr * side.s_sup - sr * side.s_dem)


def max_utility(eng: Engine, st: RoundState, e: Exchange) -> None:
    """decide's ``calculate_maximum_utility``: each side's largest attainable gain."""
    I, J = e.I, e.J  # noqa: E741
    # decide compares a side's position on its demand issue with its voting position on
    # its supply issue (two different issues); kept as it is
    i_opt = J.target == I.y
    j_opt = I.target == J.y
    upd_i = e.updates.get(I.supply, {})
    upd_j = e.updates.get(J.supply, {})
    ni = st.adjusted_nbs(I.supply, upd_i, I.actor, I.y if i_opt else I.target)
    nj = st.adjusted_nbs(J.supply, upd_j, J.actor, J.y if j_opt else J.target)
    di = abs(I.nbs0 - ni)
    dj = abs(J.nbs0 - nj)
    loss1 = dj * J.s_sup
    gain2 = dj * I.s_dem
    loss2 = di * I.s_sup
    gain1 = di * J.s_dem
    util_i = gain1 - loss1
    util_j = gain2 - loss2
    over = None
    if i_opt and util_i > 0:
        over = gain2 - (loss1 / J.s_dem) * I.s_sup
    if j_opt and util_j > 0:
        over = gain1 - (loss2 / I.s_dem) * J.s_sup
    if gain2 > gain1:
        act, opp, gain, loss = J, I, gain1, loss2
    else:
        act, opp, gain, loss = I, J, gain2, loss1
    share = act.s_sup / (act.s_sup + opp.s_dem)
    d_u1 = loss / (share * opp.s_dem)
    d_u2 = gain / (share * act.s_sup)
    if over:
        opp.eu_max = over
    else:
        opp.eu_max = share * opp.s_dem * d_u2 - loss
    act.eu_max = gain - (share * act.s_sup * d_u1)


def randomize(eng: Engine, st: RoundState, e: Exchange) -> None:
    """The REX step of decide's ``calculate`` (draws, maximum utility, randomized gain)."""
    assert eng.rng is not None, "REX needs a random generator"
    u = eng.rng.uniform(0, 1)
    v = eng.rng.uniform(0, 1)
    zf = eng.rng.uniform(0, 1)
    # decide takes z as the exact Decimal of the float draw
    z: Any = Decimal(zf) if isinstance(eng.num.zero, Decimal) else zf
    e.z = z
    e.u, e.v = u, v
    max_utility(eng, st, e)
    if u < 0.5:
        _randomized_gain(eng, st, e, e.I, e.J, v, z)
    else:
        _randomized_gain(eng, st, e, e.J, e.I, v, z)


def _randomized_gain(
    eng: Engine, st: RoundState, e: Exchange, a: Side, b: Side, v: float, z: Any
) -> None:
    """decide's ``randomized_gain`` for side ``a`` (partner ``b``)."""
    from detente.bargaining.exchange._exact import _both, _move_valid

    p = eng.p
    eu = e.gain
    eui = eu + p * z * (a.eu_max - eu) if v < 0.5 else eu - p * z * eu
    move_i = abs(a.pos - a.target)
    r_q = _ratio(move_i, a, st)
    r_p = (eui + r_q * a.s_sup) / a.s_dem
    move_j = (r_p * st.denom[b.supply]) / (b.c_sup * b.s_sup)
    euj = abs(_eu(b, r_p, r_q))
    dist_j = abs(b.pos - b.target)
    if abs(move_j) > dist_j:
        r_p = _ratio(dist_j, b, st)
        r_q = abs((eui - r_p * a.s_dem) / a.s_sup)
        move_j = dist_j
        move_i = (r_q * st.denom[a.supply]) / (a.c_sup * a.s_sup)
        if abs(move_i) < abs(a.pos - a.target):
            euj = abs(_eu(b, r_p, r_q))
    else:
        move_i_a = -move_i if a.pos > a.target else move_i
        upd = e.updates.get(a.supply, {})
        nbs_adj = st.adjusted_nbs(a.supply, upd, a.actor, a.pos + move_i_a)
        xt = a.target
        if not ((xt >= a.nbs0 and xt >= nbs_adj) or (xt <= a.nbs0 and xt <= nbs_adj)):
            if eng.rules == "decide":
                delta = abs(st.shift_for(a.supply, upd, a.actor, a.pos, xt))
            else:
                own = {k: v_ for k, v_ in upd.items() if k != a.actor}
                delta = abs(st.shift_for(a.supply, own, a.actor, a.pos, xt))
            r_q = _ratio(delta, a, st)
            r_p = (eui + r_q * a.s_sup) / a.s_dem
            move_j = (r_p * st.denom[b.supply]) / (b.c_sup * b.s_sup)
            euj = abs(_eu(b, r_p, r_q))
            # decide keeps the signed move and flips it again below: the wrong way
            move_i = move_i_a if eng.rules == "decide" else move_i
    a.eu = eui
    b.eu = euj
    a.move = move_i
    b.move = move_j
    if a.pos > a.target:
        a.move = -a.move
    if b.pos > b.target:
        b.move = -b.move
    a.moves[-1] = a.move
    b.moves[-1] = b.move
    a.y = a.pos + a.move
    b.y = b.pos + b.move
    e.valid = _both(_move_valid(a, a.move, eng.num), _move_valid(b, b.move, eng.num))
    for sd in (a, b):
        upd = e.updates.get(sd.supply, {})
        sd.nbs0 = st.adjusted_nbs(sd.supply, upd, sd.actor, sd.pos)
        sd.nbs1 = st.adjusted_nbs(sd.supply, upd, sd.actor, sd.y)
