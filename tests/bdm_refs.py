"""Loading the BDM reference runs (``../shared/reference/bdm_*``) for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detente.scenario import ScenarioArrays


def masad_arrays(folder: Path) -> tuple[ScenarioArrays, dict[str, Any]]:
    """The scaled inputs and parameters of a ``bdm_masad`` run, as arrays."""
    meta = json.loads((folder / "meta.json").read_text())
    rows = meta["scaled_inputs"]
    n = len(rows)
    x = np.array([[float(r["x"])] for r in rows])
    arrays = ScenarioArrays(
        actor_ids=tuple(r["actor"] for r in rows),
        issue_ids=("issue",),
        positions=x,
        saliences=np.array([[float(r["s"])] for r in rows]),
        capabilities=np.array([float(r["c"]) for r in rows]),
        lower=np.array([x.min()]),
        upper=np.array([x.max()]),
        status_quo=np.array([np.nan]),
        has_stance=np.ones((n, 1), dtype=bool),
        salience_max=1.0,
    )
    p = meta["parameters"]
    params = {
        "variant": "masad",
        "position_range": float(p["xmax"] - p["xmin"]),
        "Q": float(p["Q"]),
        "T": float(p["T"]),
    }
    return arrays, params


def reference(folder: Path, actors: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Positions ``(T+1, n)``, median and mean ``(T+1,)`` and risk ``(T, n)`` of a run."""
    pos = pd.read_csv(folder / "positions.csv")
    fc = pd.read_csv(folder / "forecasts.csv")
    risk = pd.read_csv(folder / "risk.csv")
    return {
        "positions": pos.pivot(index="round", columns="actor", values="position")[
            list(actors)
        ].to_numpy(),
        "median": fc["median_voter_forecast"].to_numpy(),
        "mean": fc["mean_forecast"].to_numpy(),
        "risk": risk.pivot(index="round", columns="actor", values="r")[list(actors)].to_numpy(),
    }


def pad(a: np.ndarray, length: int) -> np.ndarray:
    """Repeat the last entry of ``a`` (first axis) up to ``length`` (a fixed point repeats)."""
    if a.shape[0] >= length:
        return a[:length]
    return np.concatenate([a, np.repeat(a[-1:], length - a.shape[0], axis=0)])
