"""Run a KTAB input file through detente's step-by-step SMP engine (importable as ``ktab_runs``)."""

from __future__ import annotations

from pathlib import Path

from detente.bargaining import scenario_arrays
from detente.bargaining.smp import SMPParams, run_smp
from detente.bargaining.smp.engine import SMPRun
from detente.bargaining.smp.model import accommodation_matrix, format_accommodation
from detente.scenario import ScenarioArrays
from detente.scenario.io import load_scenario


def run_numpy_engine(path: Path) -> tuple[SMPRun, ScenarioArrays]:
    """SMP run of the KTAB file ``path`` (numpy backend, its own parameters) and its arrays.

    Positions of the run are on the 0-1 scale (multiply by 100 for KTAB's).
    """
    scen = load_scenario(path)
    arr = scenario_arrays(scen)
    prm = SMPParams.from_mapping(scen.models.get("smp", {}))
    acc = accommodation_matrix(format_accommodation(scen.accommodation), arr.actor_ids)
    run = run_smp(
        (arr.positions - arr.lower) / (arr.upper - arr.lower),
        arr.saliences / arr.salience_max,
        arr.capabilities,
        accommodation=acc,
        params=prm,
        backend="numpy",
        record_win_prob=False,
    )
    return run, arr
