"""The exchange model computed step by step in decide's own arithmetic (reference engine).

This is a plain-Python implementation of the model as decide 2025.3.1 computes it, in
the same order of operations, so that with ``Decimal`` numbers (28 digits, half-even)
it reproduces decide's numbers to the last digit, knife-edge ties included.  It is the
reference the compiled float engine (:mod:`._kernel`) is checked against, the engine
behind ``arithmetic="decimal"``, and the source of the exact values the float engine
asks for when it meets a near-tie (:func:`settle`).  It is slow (pure Python, about
decide's speed divided by ten); the compiled engine is the fast path.

The equations are in the package docstring (:mod:`detente.bargaining.exchange`).  Names:
an exchange has two sides, ``I`` and ``J``; side ``I``'s actor supplies issue ``q`` (it
moves there) and demands ``p``; side ``J``'s actor supplies ``p`` and demands ``q``.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from itertools import combinations
from typing import Any

from detente.bargaining.exchange._problem import DECIDE_CONTEXT, Problem

Num = Any  # Decimal or float

#: decide's fixed numbers, as the Decimals of the floats decide writes them as.
SALIENCE_WEIGHT = 0.4
FIXED_WEIGHT = 0.1
MIN_MOVE = 1e-10
MIN_GAIN = 1e-10


@dataclass
class Side:
    """One actor's half of an exchange."""

    actor: int
    supply: int
    demand: int
    start: Num  # round-start position on the supply issue
    pos: Num  # current position on the supply issue (moves by earlier exchanges)
    target: Num  # the partner's round-start position on this side's supply issue
    s_sup: Num
    s_dem: Num
    c_sup: Num
    moves: list[Num] = field(default_factory=list)
    move: Num = 0
    y: Num = 0
    eu: Num = 0
    nbs0: Num = 0
    nbs1: Num = 0
    # REX records
    y_equal: Num = None
    eu_max: Num = None


@dataclass
class Exchange:
    """A candidate exchange and its state within a round."""

    index: int
    I: Side  # noqa: E741 - decide's name
    J: Side
    valid: bool | None = True
    gain: Num = 0
    updates: dict[int, dict[int, Num]] = field(default_factory=dict)
    u: float | None = None
    v: float | None = None
    z: Num = None

    def sides(self) -> tuple[Side, Side]:
        """``(I, J)``."""
        return self.I, self.J


@dataclass(frozen=True)
class Numbers:
    """The arithmetic an engine run uses: Decimal (decide's) or float."""

    conv: Callable[[float], Num]
    zero: Num
    one: Num
    sw: Num
    fw: Num
    eps_move: Num
    eps_gain: Num

    @staticmethod
    def decimal() -> Numbers:
        """decide's: 28-digit Decimal; its float constants taken exactly."""
        return Numbers(
            conv=lambda v: Decimal(repr(float(v))),
            zero=Decimal(0),
            one=Decimal(1),
            sw=Decimal(SALIENCE_WEIGHT),
            fw=Decimal(FIXED_WEIGHT),
            eps_move=Decimal(MIN_MOVE),
            eps_gain=Decimal(MIN_GAIN),
        )

    @staticmethod
    def float() -> Numbers:
        """IEEE double."""
        return Numbers(
            conv=float,
            zero=0.0,
            one=1.0,
            sw=SALIENCE_WEIGHT,
            fw=FIXED_WEIGHT,
            eps_move=MIN_MOVE,
            eps_gain=MIN_GAIN,
        )


class RoundState:
    """Everything a round of decide's loop reads: positions, saliences, powers, sums."""

    def __init__(
        self,
        problem: Problem,
        x: list[list[Num]],
        s: list[list[Num]],
        c: list[list[Num]],
        num: Numbers,
    ) -> None:
        self.problem = problem
        self.x = x
        self.s = s
        self.c = c
        self.num = num
        k = problem.n_issues
        self.order = [[int(a) for a in problem.sum_order[j] if a >= 0] for j in range(k)]
        self.denom = [self._denominator(j) for j in range(k)]

    def _denominator(self, j: int) -> Num:
        total: Num = 0
        for a in self.order[j]:
            total += self.s[a][j] * self.c[a][j]
        return total

    def nbs(self, j: int, positions: dict[int, Num] | None = None) -> Num:
        """Weighted mean sum(x*s*c)/sum(s*c) on issue ``j`` (decide's NBS/MDS)."""
        if self.denom[j] == 0:
            return self.num.zero
        numer: Num = 0
        for a in self.order[j]:
            xa = self.x[a][j] if positions is None or a not in positions else positions[a]
            numer += xa * self.s[a][j] * self.c[a][j]
        return numer / self.denom[j]

    def adjusted_nbs(self, j: int, updates: dict[int, Num], actor: int, new: Num) -> Num:
        """The outcome of issue ``j`` with the updates applied and ``actor`` at ``new``."""
        pos = dict(updates)
        pos[actor] = new
        return self.nbs(j, pos)

    def shift_for(
        self, j: int, updates: dict[int, Num], actor: int, x_pos: Num, target: Num
    ) -> Num:
        """decide's ``adjusted_nbs_by_position``: the move of ``actor`` that puts the
        outcome of issue ``j`` at ``target``.

        decide sets the actor at ``x_pos``, then applies the updates (which may hold the
        actor itself: the stale position), and sums over every actor including it.
        """
        pos = {actor: x_pos}
        pos.update(updates)
        numer: Num = 0
        for a in self.order[j]:
            xa = pos.get(a, self.x[a][j])
            numer += xa * self.s[a][j] * self.c[a][j]
        left = target * self.denom[j] - numer
        return left / (self.s[actor][j] * self.c[actor][j])


def _move_valid(side: Side, move: Num, num: Numbers) -> bool | None:
    """decide's ``is_move_valid``: False, True, or None (moves in both directions)."""
    if abs(move) > 100 or abs(move) <= num.eps_move:
        return False
    end = side.pos + move
    if end < 0 or end > 100:
        return False
    if sum(side.moves) > 100:
        return False
    lo, hi = min(side.moves), max(side.moves)
    if (lo < 0 and hi < 0) or (lo > 0 and hi > 0):
        return True
    return None


def _both(b1: bool | None, b2: bool | None) -> bool | None:
    """Python's ``b1 and b2`` on decide's three-valued validity."""
    return b2 if b1 else b1


def _eu(side: Side, demand_ratio: Num, supply_ratio: Num) -> Num:
    return abs(demand_ratio * side.s_sup - supply_ratio * side.s_dem)


class Engine:
    """decide's equal-gain exchange model (and REX), one scenario, generic arithmetic.

    Parameters
    ----------
    problem
        The inputs.
    num
        The arithmetic (:meth:`Numbers.decimal` reproduces decide).
    p
        REX's randomisation (0 = equal gain).
    rng
        A ``random.Random`` for ties and REX draws, used in decide's order; ``None``
        takes the first of equal gains (decide's ``ALLOW_RANDOM = False``).
    rules
        ``"decide"`` (decide's code) or ``"corrected"`` (the papers: no sign flip in
        REX's outcome cap, no stale own position in the cap).
    """

    def __init__(
        self,
        problem: Problem,
        num: Numbers,
        *,
        p: float = 0.0,
        rng: _random.Random | None = None,
        rules: str = "decide",
    ) -> None:
        self.problem = problem
        self.num = num
        self.p = num.conv(p) if p else None
        self.rng = rng
        self.rules = rules
        self.x: list[list[Any]]
        self.s: list[list[Any]]
        self.c: list[list[Any]]
        if num.zero.__class__ is Decimal:
            d = problem.decimal
            self.x = [list(r) for r in d.x]
            self.s = [list(r) for r in d.s]
            self.c = [list(r) for r in d.c]
        else:
            n, k = problem.x.shape
            self.x = [
                [float(problem.x[a, j]) if problem.has[a, j] else None for j in range(k)]
                for a in range(n)
            ]
            self.s = [
                [float(problem.s[a, j]) if problem.has[a, j] else None for j in range(k)]
                for a in range(n)
            ]
            self.c = [
                [float(problem.c[a, j]) if problem.has[a, j] else None for j in range(k)]
                for a in range(n)
            ]
        self.active = problem.active
        self.tie_count = 0
        self.records: list[dict[str, Any]] = []

    # -- one exchange -------------------------------------------------------------
    def _reverse_move(self, st: RoundState, side: Side, ratio: Num) -> Num:
        return (ratio * st.denom[side.supply]) / (side.c_sup * side.s_sup)

    @staticmethod
    def _by_ratio(sup: Side, opp: Side, ratio: Num) -> Num:
        """decide's ``by_exchange_ratio`` with ``sup`` as the supplying actor."""
        return ((sup.s_sup + opp.s_dem) / (sup.s_dem + opp.s_sup)) * ratio

    def _by_absolute_move(self, st: RoundState, sup: Side, opp: Side) -> Num:
        return (abs(sup.target - sup.pos) * sup.s_sup * sup.c_sup) / st.denom[sup.supply]

    def calculate(self, st: RoundState, e: Exchange) -> None:
        """decide's ``EqualGainExchange.calculate`` (and the REX step when ``p > 0``)."""
        num = self.num
        I, J = e.I, e.J  # noqa: E741
        dp = self._by_absolute_move(st, J, I)
        dq = self._by_ratio(J, I, dp)
        I.move = self._reverse_move(st, I, dq)
        J.move = abs(J.target - J.pos)
        if abs(I.move) > abs(I.target - I.pos):
            dq = self._by_absolute_move(st, I, J)
            dp = self._by_ratio(I, J, dq)
            I.move = abs(I.target - I.pos)
            J.move = self._reverse_move(st, J, dp)
        if I.pos > I.target:
            I.move = -I.move
        if J.pos > J.target:
            J.move = -J.move
        I.moves.append(I.move)
        J.moves.append(J.move)
        I.y = I.pos + I.move
        J.y = J.pos + J.move
        I.y_equal, J.y_equal = I.y, J.y
        eui = _eu(I, dq, dp)
        e.gain = abs(eui)
        I.eu = J.eu = e.gain
        e.valid = _both(_move_valid(I, I.move, num), _move_valid(J, J.move, num))
        if e.gain < num.eps_gain:
            e.valid = False
        if not e.valid:
            return
        self._check_nbs(st, e, I, J)
        self._check_nbs(st, e, J, I)
        e.valid = _both(_move_valid(I, I.move, num), _move_valid(J, J.move, num))
        if self.p is not None and self.p > 0:
            self._randomize(st, e)

    def _check_nbs(self, st: RoundState, e: Exchange, a: Side, b: Side) -> None:
        """decide's ``check_nbs`` for side ``a`` (its partner ``b`` demands its supply)."""
        upd = e.updates.get(a.supply, {})
        a.nbs0 = st.adjusted_nbs(a.supply, upd, a.actor, a.pos)
        a.nbs1 = st.adjusted_nbs(a.supply, upd, a.actor, a.y)
        x = a.target
        if (x - a.nbs0) >= 0 and (x - a.nbs1) >= 0:
            return
        if (x - a.nbs0) <= 0 and (x - a.nbs1) <= 0:
            return
        if self.rules == "decide":
            delta = abs(st.shift_for(a.supply, upd, a.actor, a.pos, x))
        else:
            own = {k: v for k, v in upd.items() if k != a.actor}
            delta = abs(st.shift_for(a.supply, own, a.actor, a.pos, x))
        r_a = (delta * a.s_sup * a.c_sup) / st.denom[a.supply]
        r_b = self._by_ratio(a, b, r_a)
        b.move = abs(self._reverse_move(st, b, r_b))
        a.move = delta
        if b.pos > b.target:
            b.move = -b.move
        if a.pos > a.target:
            a.move = -a.move
        b.moves[-1] = b.move
        a.moves[-1] = a.move
        b.y = b.pos + b.move
        a.y = a.pos + a.move
        e.gain = abs(_eu(b, r_b, r_a))
        a.nbs1 = st.adjusted_nbs(a.supply, upd, a.actor, a.y)

    # -- REX ----------------------------------------------------------------------
    def _randomize(self, st: RoundState, e: Exchange) -> None:
        randomize(self, st, e)

    # -- recalculation after an exchange is executed -------------------------------
    def recalculate(self, st: RoundState, e: Exchange, done: Exchange) -> None:
        """decide's ``AbstractExchange.recalculate``: ``done`` was just executed."""
        hit = False
        for mine in (e.I, e.J):
            for other in (done.I, done.J):
                if mine.actor == other.actor and mine.supply == other.supply:
                    mine.pos = other.y
                    mine.moves.append(other.moves[-1])
                    hit = True
                    break
        if hit:
            e.I.moves.pop()
            e.J.moves.pop()
        for mover, demander in ((done.I, done.J), (done.J, done.I)):
            # the demander of ``done`` shares actor and demand issue with a side of e
            if any(demander.actor == m.actor and demander.demand == m.demand for m in (e.J, e.I)):
                upd = e.updates.setdefault(demander.demand, {})
                if mover.actor in upd:
                    upd[mover.actor] = self._update_rule(mover, upd[mover.actor])
                else:
                    upd[mover.actor] = mover.y
                if not hit:
                    e.I.moves.pop()
                    e.J.moves.pop()
                    hit = True
        if hit:
            self.calculate(st, e)

    @staticmethod
    def _update_rule(mover: Side, old: Num) -> Num:
        """decide's ``update_updates``: which of two recorded positions to keep."""
        if mover.start <= old:
            return old if old < mover.y else mover.y
        return old if old > mover.y else mover.y

    # -- a round ----------------------------------------------------------------------
    def candidates(self, st: RoundState) -> list[Exchange]:
        """Every candidate exchange of a round, in decide's order, calculated."""
        prob = self.problem
        n, k = prob.n_actors, prob.n_issues
        nbs = [st.nbs(j) for j in range(k)]
        left = [
            [st.x[a][j] is not None and st.x[a][j] <= nbs[j] for j in range(k)] for a in range(n)
        ]
        out: list[Exchange] = []
        for p, q in combinations(range(k), 2):
            groups: list[list[int]] = [[], [], [], []]
            for a in range(n):
                if self.active[a, p] and self.active[a, q]:
                    groups[int(left[a][p]) | int(left[a][q]) * 2].append(a)
            for g1, g2 in ((0, 3), (1, 2)):
                for a in groups[g1]:
                    for b in groups[g2]:
                        e = self._new_exchange(st, len(out), a, b, p, q)
                        self.calculate(st, e)
                        out.append(e)
        return out

    def _side(self, st: RoundState, actor: int, supply: int, demand: int, partner: int) -> Side:
        x = st.x
        return Side(
            actor=actor,
            supply=supply,
            demand=demand,
            start=x[actor][supply],
            pos=x[actor][supply],
            target=x[partner][supply],
            s_sup=st.s[actor][supply],
            s_dem=st.s[actor][demand],
            c_sup=st.c[actor][supply],
        )

    def _new_exchange(self, st: RoundState, index: int, a: int, b: int, p: int, q: int) -> Exchange:
        s = st.s
        if (s[a][p] / s[a][q]) < (s[b][p] / s[b][q]):
            a, b = b, a
        side_i = self._side(st, a, q, p, b)
        side_j = self._side(st, b, p, q, a)
        return Exchange(index=index, I=side_i, J=side_j)

    def _pick(self, pool: list[Exchange]) -> Exchange:
        pool.sort(key=lambda e: e.gain, reverse=True)
        best = pool.pop(0)
        if self.rng is not None and pool:
            nxt = pool[0]
            if abs(best.gain - nxt.gain) < 1e-20:
                self.tie_count += 1
                if self.rng.random() >= 0.5:
                    pool.append(best)
                    best = pool.pop(0)
                else:
                    pool.append(nxt)
        return best

    def run_round(
        self, x: list[list[Num]]
    ) -> tuple[RoundState, list[Exchange], list[list[Num]], list[list[Num]]]:
        """One round from start positions ``x``.

        Returns
        -------
        state, executed, voting, next_start
            The round's state, the executed exchanges in order, the voting positions
            and the next round's start positions.
        """
        st = RoundState(self.problem, x, self.s, self.c, self.num)
        pool = self.candidates(st)
        done: list[Exchange] = []
        while pool:
            best = self._pick(pool)
            if not best.valid:
                continue
            self.records.append(snapshot(best))
            keep: list[Exchange] = []
            for e in pool:
                if e.valid:
                    self.recalculate(st, e, best)
                    if e.valid:
                        keep.append(e)
            pool[:] = keep
            done.append(best)
        voting = [list(r) for r in x]
        for e in done:
            for sd in e.sides():
                voting[sd.actor][sd.supply] = sd.y
        nxt = [list(r) for r in x]
        num = self.num
        for e in done:
            for sd in e.sides():
                sal = st.s[sd.actor][sd.supply]
                nxt[sd.actor][sd.supply] = (
                    (num.one - sal) * num.sw * sd.y
                    + num.fw * sd.y
                    + (num.one - (num.one - sal) * num.sw - num.fw) * sd.start
                )
        return st, done, voting, nxt


@dataclass
class ExactRound:
    """One round of an exact run (positions on 0-100)."""

    start: list[list[Num]]
    voting: list[list[Num]]
    nbs_start: list[Num]
    nbs_voting: list[Num]
    executed: list[Exchange]
    records: list[dict[str, Any]]


def run_exact(
    problem: Problem,
    rounds: int = 10,
    *,
    arithmetic: str = "decimal",
    p: float = 0.0,
    rng: _random.Random | None = None,
    rules: str = "decide",
) -> list[ExactRound]:
    """Run the model round by round in decide's arithmetic.

    Parameters
    ----------
    problem
        The inputs.
    rounds
        Number of rounds.
    arithmetic
        ``"decimal"`` (decide's 28-digit Decimal) or ``"float"``.
    p
        REX's randomisation; 0 for equal gain.
    rng
        Python ``random.Random`` consumed in decide's order (ties, REX draws); ``None``
        for the deterministic first-in-list rule.
    rules
        ``"decide"`` or ``"corrected"``.

    Returns
    -------
    list of ExactRound
    """
    num = Numbers.decimal() if arithmetic == "decimal" else Numbers.float()
    with localcontext(DECIDE_CONTEXT):
        eng = Engine(problem, num, p=p, rng=rng, rules=rules)
        x = [list(r) for r in eng.x]
        out: list[ExactRound] = []
        k = problem.n_issues
        for _ in range(rounds):
            eng.records = []
            st, done, voting, nxt = eng.run_round(x)
            vst = RoundState(problem, voting, eng.s, eng.c, num)
            out.append(
                ExactRound(
                    start=x,
                    voting=voting,
                    nbs_start=[st.nbs(j) for j in range(k)],
                    nbs_voting=[vst.nbs(j) for j in range(k)],
                    executed=done,
                    records=eng.records,
                )
            )
            x = nxt
    return out


def snapshot(e: Exchange) -> dict[str, Any]:
    """An executed exchange's numbers when it is picked (decide can change the object
    afterwards through a duplicate reference in its list, see the module docstring)."""
    row: dict[str, Any] = {"gain": e.gain, "u": e.u, "v": e.v, "z": e.z}
    for tag, sd in (("i", e.I), ("j", e.J)):
        row.update(
            {
                f"{tag}_actor": sd.actor,
                f"{tag}_supply_issue": sd.supply,
                f"{tag}_start": sd.pos,
                f"{tag}_move": sd.move,
                f"{tag}_voting": sd.y,
                f"{tag}_target": sd.target,
                f"{tag}_eu": sd.eu,
                f"{tag}_nbs0": sd.nbs0,
                f"{tag}_nbs1": sd.nbs1,
                f"{tag}_voting_equal_gain": sd.y_equal,
                f"{tag}_eu_max": sd.eu_max,
            }
        )
    return row


def executed_rows(rounds: Sequence[ExactRound]) -> list[dict[str, Any]]:
    """The executed exchanges as rows in the columns of decide's ``exchanges.csv``."""
    rows = []
    for r, rd in enumerate(rounds, 1):
        for seq, rec in enumerate(rd.records, 1):
            rows.append({"round": r, "seq": seq, **rec})
    return rows


# -- REX ------------------------------------------------------------------------
# Randomized exchange rates (REX; Dijkstra, Van Assen, Stokman & Draaijer 2018), as decide
# computes them, for this engine.
#
# After the equal-gain exchange is found, three uniform draws ``u, v, z`` pick which side
# draws its gain (``u < 0.5``: side I) and whether it wins (``v < 0.5``: its gain rises
# towards its maximum, ``eu + p z (eu_max - eu)``) or loses (``eu - p z eu``); the partner's
# move follows from the exchange rate, capped at the distance between the partners and
# at the demander's position for the outcome.  decide's order of draws and operations is
# kept, so with Python's Mersenne Twister seeded as decide's CLI seeds it the draws match
# decide's one for one.


def _ratio(delta: Any, side: Side, st: RoundState) -> Any:
    return (delta * side.s_sup * side.c_sup) / st.denom[side.supply]


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
