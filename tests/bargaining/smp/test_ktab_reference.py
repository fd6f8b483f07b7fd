"""SMP against KTAB's own runs: every deterministic reference folder, turn by turn.

The folders are discovered, not listed: any folder of ``shared/reference/ktab`` in the
same format (``input.csv`` or ``input.xml``, ``positions.csv``, ``meta.json``) whose
parameters are deterministic is checked, so a hidden folder would be too.  So is every
folder of ``ktab_extra/`` beside this file: further ``smpc`` runs in the same format
(every value of every model parameter not covered by the shared runs, combinations of
them, and non-identity ideal adjustments; see ``docs/models/smp.md``).  Inputs are read
with detente's own KTAB readers, so the parameters come from the files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detente.bargaining import Forecast, forecast, scenario_arrays
from detente.bargaining.smp import SMPParams
from detente.bargaining.smp.model import accommodation_matrix, run_arrays
from detente.bargaining.smp.state import make_state
from detente.scenario.io import load_scenario
from ktab_runs import run_numpy_engine
from support import SHARED

KTAB = SHARED / "reference" / "ktab"
EXTRA = Path(__file__).resolve().parent / "ktab_extra"
TOL = 1e-6


def _input(folder: Path) -> Path:
    for name in ("input.xml", "input.csv"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(folder)


def _is_stochastic(folder: Path) -> bool:
    meta = json.loads((folder / "meta.json").read_text())
    params = meta.get("model_parameters") or {}
    return str(params.get("StateTransitions", "Deterministic")).lower() == "stochastic"


def _folders(root: Path, deterministic: bool) -> list[Path]:
    if not root.exists():
        return []
    out = []
    for f in sorted(root.iterdir()):
        if not (f / "positions.csv").exists() or not (f / "meta.json").exists():
            continue
        if _is_stochastic(f) != deterministic:
            out.append(f)
    return out


def _cases(folders: list[Path]) -> list[object]:
    return [pytest.param(f, id=f"{f.parent.name}/{f.name}") for f in folders]


SHARED_DETERMINISTIC = _folders(KTAB, True)
EXTRA_DETERMINISTIC = _folders(EXTRA, True)
DETERMINISTIC = SHARED_DETERMINISTIC + EXTRA_DETERMINISTIC


def _tidy(path: Path, value: str, actors: list[str]) -> np.ndarray:
    df = pd.read_csv(path)
    t = int(df["turn"].max()) + 1
    d = int(df["dimension"].max()) + 1
    out = np.full((t, len(actors), d), np.nan)
    idx = {a: i for i, a in enumerate(actors)}
    out[df["turn"].to_numpy(), df["actor"].map(idx).to_numpy(), df["dimension"].to_numpy()] = df[
        value
    ].to_numpy()
    return out


@pytest.fixture(scope="module")
def runs() -> dict[Path, Forecast]:
    return {}


def _forecast(folder: Path, cache: dict[Path, Forecast]) -> Forecast:
    if folder not in cache:
        cache[folder] = forecast(load_scenario(_input(folder)), "smp")
    return cache[folder]


def test_reference_folders_were_found() -> None:
    # the extra runs are part of the repository, so they must always be found
    assert len(EXTRA_DETERMINISTIC) >= 60
    if not KTAB.exists():
        pytest.skip("shared/reference/ktab not available")
    assert len(SHARED_DETERMINISTIC) >= 16


@pytest.mark.parametrize("folder", _cases(DETERMINISTIC))
def test_positions_match_ktab_every_turn(folder: Path, runs: dict[Path, Forecast]) -> None:
    name = folder.name
    meta = json.loads((folder / "meta.json").read_text())
    fc = _forecast(folder, runs)
    ref = _tidy(folder / "positions.csv", "position", list(fc.actor_ids))
    assert fc.rounds == ref.shape[0] - 1
    assert fc.rounds == meta.get("num_turns", fc.rounds)
    assert fc.trajectory is not None
    assert fc.trajectory.shape == ref.shape
    dev = np.max(np.abs(fc.trajectory - ref))
    assert dev <= TOL, f"{name}: max deviation {dev:g} on the 0-100 scale"
    # KTAB stops when quiet, or at 100 turns
    assert fc.converged == (fc.rounds < 100) or fc.rounds == 100


@pytest.mark.parametrize("folder", _cases(DETERMINISTIC))
def test_parameters_are_read_from_the_file(folder: Path, runs: dict[Path, Forecast]) -> None:
    """The nine model parameters detente used are the ones KTAB stored for the run."""
    meta = json.loads((folder / "meta.json").read_text())
    ktab = meta.get("model_parameters") or {}
    if not ktab:
        pytest.skip("no model_parameters in meta.json")
    fc = _forecast(folder, runs)
    assert {k: str(fc.params[k]) for k in ktab} == ktab


@pytest.mark.parametrize("folder", _cases(DETERMINISTIC))
def test_numpy_backend_matches_ktab_too(folder: Path) -> None:
    """The step-by-step numpy engine, not only the compiled loop, reproduces KTAB."""
    run, arr = run_numpy_engine(_input(folder))
    ref = _tidy(folder / "positions.csv", "position", list(arr.actor_ids))
    assert run.positions.shape == ref.shape
    assert np.max(np.abs(run.positions * 100.0 - ref)) <= TOL


@pytest.mark.parametrize("folder", _cases(DETERMINISTIC))
def test_trajectory_frame_matches_positions_csv(folder: Path, runs: dict[Path, Forecast]) -> None:
    fc = _forecast(folder, runs)
    ours = fc.to_trajectory_frame()
    ref = pd.read_csv(folder / "positions.csv")
    assert list(ours.columns) == ["model", "turn", "actor", "dimension", "position"]
    assert (ours["model"] == "smp").all()
    assert (
        ours[["turn", "actor", "dimension"]]
        .reset_index(drop=True)
        .equals(ref[["turn", "actor", "dimension"]])
    )
    assert np.max(np.abs(ours["position"].to_numpy() - ref["position"].to_numpy())) <= TOL


@pytest.mark.parametrize(
    "folder", _cases([f for f in DETERMINISTIC if (f / "ideals.csv").exists()])
)
def test_ideals_match(folder: Path, runs: dict[Path, Forecast]) -> None:
    fc = _forecast(folder, runs)
    ideals = _tidy(folder / "ideals.csv", "ideal", list(fc.actor_ids))
    assert fc.diagnostics["ideals"].shape == ideals.shape
    assert np.max(np.abs(fc.diagnostics["ideals"] - ideals)) <= TOL


@pytest.mark.parametrize(
    "folder", _cases([f for f in DETERMINISTIC if (f / "probabilities.csv").exists()])
)
def test_winning_probabilities_match(folder: Path, runs: dict[Path, Forecast]) -> None:
    fc = _forecast(folder, runs)
    actors = list(fc.actor_ids)
    probs = pd.read_csv(folder / "probabilities.csv")
    ref = np.full((fc.rounds + 1, len(actors)), np.nan)
    idx = {a: i for i, a in enumerate(actors)}
    ref[probs["turn"].to_numpy(), probs["actor"].map(idx).to_numpy()] = probs["probability"]
    # KTAB prints 4 decimals
    assert np.max(np.abs(fc.diagnostics["win_prob"] - ref)) <= 0.5e-4 + 1e-12


def _posprob_cases() -> list[object]:
    out = []
    for folder in DETERMINISTIC:
        if not (folder / "posprob.csv").exists():
            continue
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("num_actors", 99) <= 26:  # cheap enough: n elections per turn
            out.append(folder)
    return _cases(out)


@pytest.mark.parametrize("folder", _posprob_cases())
def test_each_estimators_position_probabilities(folder: Path) -> None:
    """KTAB's PosProb table: estimator h's probability that each position wins."""
    scen = load_scenario(_input(folder))
    fc = forecast(scen, "smp")
    actors = list(fc.actor_ids)
    pp = pd.read_csv(folder / "posprob.csv")
    n = len(actors)
    ref = np.full((fc.rounds + 1, n, n), np.nan)
    idx = {a: i for i, a in enumerate(actors)}
    ref[pp["turn"].to_numpy(), pp["estimator"].map(idx).to_numpy(), pp["actor"].map(idx)] = pp[
        "probability"
    ]
    prm = SMPParams.from_mapping({k: fc.params[k] for k in SMPParams().as_dict() if k in fc.params})
    arr = scenario_arrays(scen)
    sal = arr.saliences / arr.salience_max
    assert fc.trajectory is not None
    unit_traj = fc.trajectory / 100.0
    unit_ideals = fc.diagnostics["ideals"] / 100.0
    worst = 0.0
    for t in range(fc.rounds + 1):
        st = make_state(unit_traj[t], unit_ideals[t], sal, arr.capabilities, prm)
        for h in range(n):
            p, _, report = st.outcome_distribution(arr.capabilities, prm, persp=h)
            worst = max(worst, float(np.max(np.abs(p[report] - ref[t, h]))))
    assert worst <= 1e-9


def test_cli_style_parameter_override_reproduces_a_variant() -> None:
    """The CSV scenario with VotingRule=Cubic passed as a parameter is the XML variant."""
    base, variant = KTAB / "dummyData_3Dim", KTAB / "dummyData_3Dim__vr_Cubic"
    if not (base.exists() and variant.exists()):
        pytest.skip("reference folders not available")
    fc = forecast(load_scenario(base / "input.csv"), "smp", VotingRule="cubic")
    ref = _tidy(variant / "positions.csv", "position", list(fc.actor_ids))
    assert fc.trajectory is not None and fc.trajectory.shape == ref.shape
    assert np.max(np.abs(fc.trajectory - ref)) <= TOL
    assert fc.params["VotingRule"] == "Cubic"


def test_xml_ideal_adjustment_is_used() -> None:
    folder = KTAB / "smpExample__stm_Deterministic"
    if not folder.exists():
        pytest.skip("reference folder not available")
    scen = load_scenario(folder / "input.xml")
    fc = forecast(scen, "smp")
    assert "Bob>Alice=0.07" in fc.params["IdealAdjustment"]
    mat = accommodation_matrix(fc.params["IdealAdjustment"], fc.actor_ids)
    assert mat is not None and mat[1, 1] == 0.75 and mat[4, 4] == 1.0
    # without it the run is a different one
    plain = forecast(scen, "smp", IdealAdjustment="")
    assert plain.trajectory is not None and fc.trajectory is not None
    assert plain.rounds != fc.rounds or not np.allclose(plain.trajectory, fc.trajectory)


def test_run_arrays_outcome_is_probability_weighted_final_position() -> None:
    folder = KTAB / "dummyData_3Dim"
    if not folder.exists():
        pytest.skip("reference folder not available")
    from detente.bargaining.smp.model import PARAMS

    arr = scenario_arrays(load_scenario(folder / "input.csv"))
    values = {p.name: p.default for p in PARAMS}
    run, _, outcome = run_arrays(arr, values, None)
    final = run.positions[-1]
    assert np.all(outcome >= final.min(axis=0) - 1e-12)
    assert np.all(outcome <= final.max(axis=0) + 1e-12)
