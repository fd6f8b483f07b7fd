r"""The SMP turn loop: challenge, bargain, choose, adjust ideals, until quiet.

One turn of KTAB's BCN (bargain, compromise, negotiate; ``SMPState::stepBCN``):

1. every actor picks its best challenge (:mod:`~detente.bargaining.smp.challenge`);
2. each challenge becomes a bargain (:mod:`~detente.bargaining.smp.bargain`), put on
   the queues of both parties;
3. every actor's queue is put to an election and the actor moves to its side of the
   chosen bargain, or stays (:mod:`~detente.bargaining.smp.queue`);
4. ideals move towards the new positions (:mod:`~detente.bargaining.smp.ideals`);
5. the new state's risk attitudes and utility estimates are set
   (:mod:`~detente.bargaining.smp.state`), and the stopping rule is applied
   (:mod:`~detente.bargaining.smp.stopping`).

This module works on plain arrays (positions and saliences on [0, 1]); the adapter to
detente scenarios and the forecast interface is :mod:`detente.bargaining.smp.model`.

Reference: KTAB, the Spatial Model of Politics of KAPSARC's open-source toolkit
(B. Wise, Lu, Islam et al.; https://github.com/KAPSARC/KTAB), reproduced from commit
3b5b063 of lsyaseen/KTAB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.bargaining.smp.bargain import Bargains, propose
from detente.bargaining.smp.challenge import best_challenges, challenge_estimates, target_gains
from detente.bargaining.smp.ideals import accommodation_problems, adjust_ideals, is_identity
from detente.bargaining.smp.params import BargnModel, SMPParams, StateTransitions
from detente.bargaining.smp.pce import KTAB_MARKOV_MAX_ITER
from detente.bargaining.smp.queue import (
    QueueChoice,
    bargain_values,
    build_queues,
    pick,
    queue_probabilities,
)
from detente.bargaining.smp.state import SMPState, make_state
from detente.bargaining.smp.stopping import should_stop
from detente.errors import InputError, Problem

__all__ = ["SMPRun", "TurnOptions", "TurnRecord", "run_smp", "turn_options"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class TurnRecord:
    """What happened in one turn (from state ``turn - 1`` to state ``turn``).

    Attributes
    ----------
    turn
        1-based turn number.
    target
        ``(n,)`` whom each actor challenged (-1: nobody worth it).
    gain, p_win
        ``(n,)`` the challenger's expected gain and its estimate that it wins.
    target_gain
        ``(n,)`` the expected change in the target's utility from the same challenge,
        as the challenger estimates it (KTAB's quadrant map; NaN without a target).
    bargains
        The bargains proposed.
    choice
        Each actor's queue, election probabilities and choice.
    moved
        ``(n,)`` True where the actor's position changed.
    ratio
        Movement this turn relative to the first turn (the stopping statistic).
    """

    turn: int
    target: IntArray
    gain: FloatArray
    p_win: FloatArray
    target_gain: FloatArray
    bargains: Bargains
    choice: QueueChoice
    moved: NDArray[np.bool_]
    ratio: float


@dataclass(frozen=True)
class SMPRun:
    """A complete SMP run.

    Attributes
    ----------
    positions, ideals
        ``(T + 1, n, d)`` on [0, 1]; index 0 is the initial state.
    risk
        ``(T + 1, n)`` risk attitudes of each state.
    win_prob
        ``(T + 1, n)`` probability that each actor's position wins, by each actor's
        own utilities (KTAB's log block "winning probabilities"); empty when not
        recorded.
    turns
        T, the number of turns taken.
    converged
        True when the run stopped because it became quiet, False at ``max_turns``.
    stop_reason
        ``"quiet"`` or ``"max_turns"``.
    records
        One :class:`TurnRecord` per turn (empty unless requested).
    params
        The parameters used.
    seed
        The seed of a stochastic run, if one was given as an integer.
    notes
        Degenerate situations met on the way.
    """

    positions: FloatArray
    ideals: FloatArray
    risk: FloatArray
    win_prob: FloatArray
    turns: int
    converged: bool
    stop_reason: str
    params: SMPParams
    records: tuple[TurnRecord, ...] = ()
    seed: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _check_inputs(
    pos: FloatArray, sal: FloatArray, cap: FloatArray, acc: FloatArray | None
) -> list[Problem]:
    out: list[Problem] = []
    n, d = pos.shape
    if n < 2:
        out.append(Problem("SMP needs at least two actors", field="positions"))
    if d < 1:
        out.append(Problem("SMP needs at least one dimension", field="positions"))
    if sal.shape != (n, d):
        out.append(Problem(f"saliences have shape {sal.shape}, not {(n, d)}", field="saliences"))
    if cap.shape != (n,):
        out.append(
            Problem(f"capabilities have shape {cap.shape}, not {(n,)}", field="capabilities")
        )
    if out:
        return out
    if not np.all(np.isfinite(pos)) or np.any(pos < 0) or np.any(pos > 1):
        out.append(Problem("positions must be finite and on [0, 1]", field="positions"))
    if not np.all(np.isfinite(sal)) or np.any(sal < 0) or np.any(sal > 1):
        out.append(Problem("saliences must be finite and on [0, 1]", field="saliences"))
    elif np.any(sal.sum(axis=1) <= 0):
        bad = np.nonzero(sal.sum(axis=1) <= 0)[0].tolist()
        out.append(
            Problem(
                f"actors {bad} have zero salience on every dimension",
                field="saliences",
                fix="give every actor a positive salience on at least one issue.",
            )
        )
    if not np.all(np.isfinite(cap)) or np.any(cap <= 0):
        out.append(Problem("capabilities must be finite and positive", field="capabilities"))
    if acc is not None:
        if acc.shape != (n, n):
            out.append(
                Problem(f"accommodation has shape {acc.shape}, not {(n, n)}", field="accommodation")
            )
        else:
            out.extend(accommodation_problems(acc))
    return out


def run_smp(
    positions: ArrayLike,
    saliences: ArrayLike,
    capabilities: ArrayLike,
    *,
    accommodation: ArrayLike | None = None,
    params: SMPParams | None = None,
    seed: int | np.random.Generator | None = None,
    record_turns: bool = False,
    record_win_prob: bool = True,
    backend: str = "auto",
) -> SMPRun:
    """Run KTAB's Spatial Model of Politics to its stopping rule.

    Parameters
    ----------
    positions
        ``(n, d)`` initial positions on [0, 1] (KTAB: the 0-100 inputs / 100).
    saliences
        ``(n, d)`` saliences on [0, 1], each actor's summing to at most 1.
    capabilities
        ``(n,)`` positive capabilities.
    accommodation
        ``(n, n)`` ideal-adjustment matrix; ``None`` is the identity (ideals follow
        positions).
    params
        Model parameters; KTAB's defaults when ``None``.
    seed
        Seed or generator for ``StateTransitions=Stochastic`` (ignored otherwise); the
        same seed gives the same history bit for bit.
    record_turns
        Keep a :class:`TurnRecord` per turn (challenges, bargains, elections), as
        ``--explain`` needs.
    record_win_prob
        Compute each state's winning probabilities (one more election per state; the
        compiled backend always computes them).
    backend
        ``"numba"``: the compiled run loop (:mod:`~detente.bargaining.smp._kernel`);
        ``"numpy"``: the step-by-step vectorised modules; ``"auto"`` (default): numba
        when it is installed.  Both give the same numbers bit for bit.

    Returns
    -------
    SMPRun

    Raises
    ------
    InputError
        If the arrays are malformed or break KTAB's rules.
    """
    prm = params or SMPParams()
    pos = np.array(positions, dtype=np.float64)
    sal = np.array(saliences, dtype=np.float64)
    cap = np.array(capabilities, dtype=np.float64)
    acc = None if accommodation is None else np.array(accommodation, dtype=np.float64)
    if pos.ndim != 2:
        raise InputError("positions must be a 2-D array (actors x dimensions)", field="positions")
    problems = _check_inputs(pos, sal, cap, acc)
    if problems:
        raise InputError(problems)

    stochastic = prm.StateTransitions is StateTransitions.STOCHASTIC
    rng = np.random.default_rng(seed) if stochastic else None
    seed_int = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    if backend not in {"auto", "numba", "numpy"}:
        raise InputError(
            f"unknown backend {backend!r}", field="backend", fix="use auto, numba or numpy."
        )
    if backend != "numpy" and _kernel_available(backend == "numba"):
        return _run_compiled(pos, sal, cap, acc, prm, rng, seed_int, record_turns)

    notes: list[str] = []
    pos_hist: list[FloatArray] = []
    ideal_hist: list[FloatArray] = []
    risk_hist: list[FloatArray] = []
    win_hist: list[FloatArray] = []
    records: list[TurnRecord] = []

    def keep(st: SMPState) -> None:
        t = len(pos_hist)
        pos_hist.append(st.positions)
        ideal_hist.append(st.ideals)
        risk_hist.append(st.risk)
        if record_win_prob:
            p, _, report = st.outcome_distribution(cap, prm)
            win_hist.append(p[report])
        if st.degenerate:
            notes.append(
                f"state {t}: every position had the same win probability, so risk "
                "attitudes are undefined (KTAB divides 0 by 0); all actors taken as risk neutral"
            )
        if st.markov_iterations >= KTAB_MARKOV_MAX_ITER:
            notes.append(
                f"state {t}: the Markov election for risk attitudes needed "
                f"{st.markov_iterations} iterations; KTAB would have stopped with an error"
            )

    state = make_state(pos, pos.copy(), sal, cap, prm)
    keep(state)
    stop_reason = ""
    while True:
        turn = len(pos_hist)
        opts = turn_options(state, sal, cap, prm)
        if record_turns:
            sal_total = _total_salience(sal)
            t_gain = target_gains(
                state.au,
                sal_total * cap,
                sal_total,
                prm.VotingRule,
                prm.ThirdPartyCommit,
                opts.target,
            )
        chosen = pick(opts.probs, prm.StateTransitions, rng)
        new_pos = opts.apply(chosen)
        new_ideals = adjust_ideals(state.ideals, new_pos, acc)
        state = make_state(new_pos, new_ideals, sal, cap, prm)
        keep(state)
        stop, reason, ratio = should_stop(pos_hist, prm)
        if record_turns:
            bargain = np.array(
                [int(q[c]) - 1 for q, c in zip(opts.queues, chosen, strict=True)], dtype=np.intp
            )
            records.append(
                TurnRecord(
                    turn,
                    opts.target,
                    opts.gain,
                    opts.p_win,
                    t_gain,
                    opts.bargains,
                    QueueChoice(opts.queues, opts.probs, chosen, bargain, opts.markov_iterations),
                    np.any(new_pos != pos_hist[-2], axis=1),
                    ratio,
                )
            )
        if opts.markov_iterations >= KTAB_MARKOV_MAX_ITER:
            notes.append(
                f"turn {turn}: a Markov election needed {opts.markov_iterations} "
                "iterations; KTAB would have stopped with an error here"
            )
        if stop:
            stop_reason = reason
            break

    n = pos.shape[0]
    return SMPRun(
        positions=np.stack(pos_hist),
        ideals=np.stack(ideal_hist),
        risk=np.stack(risk_hist),
        win_prob=np.stack(win_hist) if record_win_prob else np.empty((0, n)),
        turns=len(pos_hist) - 1,
        converged=stop_reason == "quiet",
        stop_reason=stop_reason,
        params=prm,
        records=tuple(records),
        seed=seed_int,
        notes=tuple(dict.fromkeys(notes)),
    )


@dataclass(frozen=True)
class TurnOptions:
    """Everything decided in a turn before the bargains are picked.

    Attributes
    ----------
    target, gain, p_win
        ``(n,)`` each actor's best challenge (-1: none), its expected gain and the
        challenger's estimate that it wins.
    bargains
        The bargains proposed.
    queues, probs
        Per actor, its queue (columns of the value matrix, 0 = status quo) and the
        election probability of each entry.
    markov_iterations
        The largest number of Markov iterations in the queue elections.
    positions
        ``(n, d)`` positions before the turn.
    """

    target: IntArray
    gain: FloatArray
    p_win: FloatArray
    bargains: Bargains
    queues: list[IntArray]
    probs: list[FloatArray]
    markov_iterations: int
    positions: FloatArray

    def entry_positions(self, k: int) -> FloatArray:
        """``(len(queue), d)``: where actor k ends up for each entry of its queue."""
        out = np.empty((self.queues[k].size, self.positions.shape[1]))
        for e, col in enumerate(self.queues[k]):
            out[e] = self._landing(k, int(col) - 1)
        return out

    def _landing(self, k: int, b: int) -> FloatArray:
        if b < 0:
            return self.positions[k]
        if self.bargains.init[b] == k:
            return self.bargains.pos_init[b]
        return self.bargains.pos_rcvr[b]

    def apply(self, chosen: IntArray) -> FloatArray:
        """``(n, d)`` positions after every actor takes its chosen queue entry."""
        new_pos = self.positions.copy()
        for k in range(new_pos.shape[0]):
            new_pos[k] = self._landing(k, int(self.queues[k][chosen[k]]) - 1)
        return new_pos


def turn_options(
    state: SMPState,
    saliences: FloatArray,
    capabilities: FloatArray,
    params: SMPParams,
) -> TurnOptions:
    """Challenges, bargains and queue elections of one turn from ``state``.

    Parameters
    ----------
    state
        The current state (see :func:`~detente.bargaining.smp.state.make_state`).
    saliences
        ``(n, d)`` on [0, 1].
    capabilities
        ``(n,)``.
    params
        Model parameters.

    Returns
    -------
    TurnOptions
    """
    sal = np.asarray(saliences, dtype=np.float64)
    cap = np.asarray(capabilities, dtype=np.float64)
    sal_total = _total_salience(sal)
    weight = sal_total * cap
    target, gain, p_win, _, _ = best_challenges(
        state.au, weight, sal_total, params.VotingRule, params.ThirdPartyCommit
    )
    init = np.nonzero(target >= 0)[0].astype(np.intp)
    rcvr = target[init].astype(np.intp)
    p_rcvr_view = None if params.BargnModel is BargnModel.INIT_ONLY_INTERP else np.empty(0)
    if params.BargnModel is not BargnModel.INIT_ONLY_INTERP and init.size:
        # j's estimate (h = j) of i's challenge (k = i): KTAB's Vjij
        pj, gj = challenge_estimates(
            state.au,
            weight,
            sal_total,
            params.VotingRule,
            params.ThirdPartyCommit,
            rcvr,
            init,
            init,
            rcvr,
        )
        p_rcvr_view = gj if params.ktab_compat else pj
    bargains = propose(
        params.BargnModel,
        params.InterVecBrgn,
        state.positions,
        sal,
        cap,
        sal_total,
        init,
        rcvr,
        p_win[init],
        p_rcvr_view,
        ktab_compat=params.ktab_compat,
    )
    values = bargain_values(state.au, state.ideals, sal, state.risk, bargains)
    queues = build_queues(state.n_actors, bargains)
    probs, max_it = queue_probabilities(values, queues, cap, params)
    return TurnOptions(target, gain, p_win, bargains, queues, probs, max_it, state.positions)


def _total_salience(sal: FloatArray) -> FloatArray:
    # KTAB's sum(vSal): dimensions added left to right
    out = np.zeros(sal.shape[0])
    for k in range(sal.shape[1]):
        out = out + sal[:, k]
    return out


_KIND = ("init", "rcvr", "compromise")


def _kernel_available(required: bool) -> bool:
    try:
        import detente.bargaining.smp._kernel  # noqa: F401
    except ImportError:
        if required:
            raise
        return False
    return True


def _run_compiled(
    pos: FloatArray,
    sal: FloatArray,
    cap: FloatArray,
    acc: FloatArray | None,
    prm: SMPParams,
    rng: np.random.Generator | None,
    seed_int: int | None,
    record_turns: bool,
) -> SMPRun:
    from detente.bargaining.smp._kernel import run_kernel

    n = pos.shape[0]
    identity = acc is None or is_identity(acc)
    # the numpy engine draws n uniforms per turn; drawing them all at once gives the
    # same numbers in the same order
    draws = rng.random((prm.max_turns, n)) if rng is not None else np.zeros((prm.max_turns, n))
    out = run_kernel(
        pos,
        sal,
        cap,
        np.eye(n) if acc is None else acc,
        identity,
        np.array(prm.ktab_codes(), dtype=np.int64),
        prm.ktab_compat,
        prm.min_turns,
        prm.max_turns,
        prm.min_delta_ratio,
        prm.min_sig_delta,
        draws,
        record_turns,
    )
    (pos_h, idl_h, risk_h, win_h, degen, state_it, turn_it, turns, stop_code) = out[:9]
    (r_target, r_gain, r_pwin, r_nb, r_binit, r_brcvr, r_bkind, r_bpi, r_bpr) = out[9:18]
    (r_qoff, r_qcol, r_qprob, r_chosen, r_tgain) = out[18:23]
    notes: list[str] = []
    for t in range(turns + 1):
        if degen[t]:
            notes.append(
                f"state {t}: every position had the same win probability, so risk "
                "attitudes are undefined (KTAB divides 0 by 0); all actors taken as risk neutral"
            )
        if state_it[t] >= KTAB_MARKOV_MAX_ITER:
            notes.append(
                f"state {t}: the Markov election for risk attitudes needed "
                f"{state_it[t]} iterations; KTAB would have stopped with an error"
            )
        if t and turn_it[t] >= KTAB_MARKOV_MAX_ITER:
            notes.append(
                f"turn {t}: a Markov election needed {turn_it[t]} "
                "iterations; KTAB would have stopped with an error here"
            )
    records: list[TurnRecord] = []
    if record_turns:
        for t in range(turns):
            nb = int(r_nb[t])
            bargains = Bargains(
                r_binit[t, :nb].astype(np.intp),
                r_brcvr[t, :nb].astype(np.intp),
                r_bpi[t, :nb].copy(),
                r_bpr[t, :nb].copy(),
                tuple(_KIND[int(k)] for k in r_bkind[t, :nb]),
            )
            queues = [r_qcol[t, r_qoff[t, k] : r_qoff[t, k + 1]].astype(np.intp) for k in range(n)]
            probs = [r_qprob[t, r_qoff[t, k] : r_qoff[t, k + 1]].copy() for k in range(n)]
            chosen = r_chosen[t].astype(np.intp)
            bargain = np.array(
                [int(q[c]) - 1 for q, c in zip(queues, chosen, strict=True)], dtype=np.intp
            )
            step = np.sqrt(((pos_h[t + 1] - pos_h[t]) ** 2).sum(axis=1)).sum()
            first = np.sqrt(((pos_h[1] - pos_h[0]) ** 2).sum(axis=1)).sum() + prm.min_sig_delta
            records.append(
                TurnRecord(
                    t + 1,
                    r_target[t].astype(np.intp),
                    r_gain[t].copy(),
                    r_pwin[t].copy(),
                    r_tgain[t].copy(),
                    bargains,
                    QueueChoice(queues, probs, chosen, bargain, int(turn_it[t + 1])),
                    np.any(pos_h[t + 1] != pos_h[t], axis=1),
                    float(step / first),
                )
            )
    stop_reason = "quiet" if stop_code == 1 else "max_turns"
    return SMPRun(
        positions=pos_h,
        ideals=idl_h,
        risk=risk_h,
        win_prob=win_h,
        turns=int(turns),
        converged=stop_code == 1,
        stop_reason=stop_reason,
        params=prm,
        records=tuple(records),
        seed=seed_int,
        notes=tuple(dict.fromkeys(notes)),
    )
