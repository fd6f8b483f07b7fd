"""``VotingRule=ASymProsp``: KTAB's result depends on its queue order, detente's does not.

ASymProsp votes are not antisymmetric (a gain counts 2/3 of an equal loss), and KTAB
scans every pair of options in one order only, so the coalitions over an actor's
bargain queue depend on the order of the queue.  KTAB fills the queues from parallel
threads (``SMPState::doBCN``), so that order changes from run to run, and so does the
history: the same ``smpc`` command on ``dummyData_3Dim`` gave 5 different histories in
8 runs.  detente always uses one order (the status quo, then the bargains by
challenger).

``ktab_replay/`` holds such KTAB runs together with the queue orders KTAB used (parsed
from its log).  Given KTAB's order, detente's step-by-step engine reproduces every
run, every turn, to the last bit: the voting rule itself is KTAB's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import detente.bargaining.smp.engine as engine
from detente.bargaining import forecast
from detente.bargaining.smp.bargain import Bargains
from detente.scenario.io import load_scenario
from ktab_runs import run_numpy_engine
from support import shared_path

REPLAY = Path(__file__).resolve().parent / "ktab_replay"
TOL = 1e-6


def _runs() -> list[object]:
    out = []
    for folder in sorted(REPLAY.iterdir()):
        for run in sorted(folder.glob("run*")):
            out.append(pytest.param(run, id=f"{folder.name}/{run.name}"))
    return out


def _positions(path: Path, actors: list[str]) -> np.ndarray:
    df = pd.read_csv(path)
    out = np.full((int(df["turn"].max()) + 1, len(actors), int(df["dimension"].max()) + 1), np.nan)
    idx = {a: i for i, a in enumerate(actors)}
    out[df["turn"], df["actor"].map(idx), df["dimension"]] = df["position"]
    return out


def _run(folder: Path) -> tuple[np.ndarray, list[str]]:
    run, arr = run_numpy_engine(folder / "input.xml")
    return run.positions * 100.0, list(arr.actor_ids)


def test_replays_were_found() -> None:
    assert len(_runs()) >= 3


@pytest.mark.parametrize("run_dir", _runs())
def test_ktab_history_follows_from_its_queue_order(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = json.loads((run_dir / "queues.json").read_text())
    turn = iter(orders)
    canonical = engine.build_queues

    def ktab_order(n: int, bargains: Bargains) -> list[np.ndarray]:
        order = next(turn)
        column = {
            (int(i), int(j)): 1 + b
            for b, (i, j) in enumerate(zip(bargains.init, bargains.rcvr, strict=True))
        }
        queues = [
            np.array(
                [0 if i == j else column[(i, j)] for i, j in order.get(str(k), [[k, k]])],
                dtype=np.intp,
            )
            for k in range(n)
        ]
        # the same bargains as detente's own queues, only in KTAB's order
        for mine, theirs in zip(canonical(n, bargains), queues, strict=True):
            assert sorted(mine.tolist()) == sorted(theirs.tolist())
        return queues

    monkeypatch.setattr(engine, "build_queues", ktab_order)
    ours, actors = _run(run_dir.parent)
    ref = _positions(run_dir / "positions.csv", actors)
    assert ours.shape == ref.shape
    assert np.max(np.abs(ours - ref)) <= TOL


def test_ktab_histories_differ_between_runs_of_one_command() -> None:
    folder = REPLAY / "dummyData_3Dim__vr_ASymProsp"
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["model_parameters"]["VotingRule"] == "ASymProsp"
    ours, names = _run(folder)
    a = _positions(folder / "run1" / "positions.csv", names)
    b = _positions(folder / "run2" / "positions.csv", names)
    assert a.shape != b.shape
    # without KTAB's queue order detente gives its own, fixed, history
    assert np.array_equal(ours, _run(folder)[0])


def _notes(scenario: Path, **params: str) -> list[str]:
    return list(forecast(load_scenario(scenario), "smp", **params).notes)


def test_notes_say_where_ktab_gives_no_single_answer() -> None:
    base = Path(__file__).resolve().parent / "ktab_extra" / "dummyData_3Dim__vr_Binary"
    plain = _notes(base / "input.xml")
    assert not any("KTAB" in n for n in plain)
    asym = _notes(base / "input.xml", VotingRule="ASymProsp")
    assert any(n.startswith("VotingRule=ASymProsp") for n in asym)
    # KTAB's smpc stops with an error before the first turn; detente runs it and says so
    full = _notes(base / "input.xml", BigRAdjust="Full")
    assert any(n.startswith("BigRAdjust=Full") for n in full)


def test_an_exact_tie_in_a_queue_is_reported() -> None:
    """SOE-Pol-Comp with Binary votes and victory: two bargains tie for actor 5 in turn 9.

    KTAB gave two different histories from turn 9 on in 18 runs of this input (13 the
    one detente gives, 5 the other), according to which bargain its threads queued first.
    """
    scenario = shared_path("reference", "ktab", "SOE-Pol-Comp") / "input.csv"
    tie = _notes(scenario, VotingRule="Binary", VictoryProbModel="Binary")
    assert any(n.startswith("turn 9: the best entries") and "actor(s) 5 " in n for n in tie)
    assert not any("tie exactly" in n for n in _notes(scenario, VotingRule="Binary"))
