"""``detente forecast --model smp``: parameters, trajectory file and --explain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detente.cli import main
from support import shared_path


def test_param_and_trajectory_reproduce_the_ktab_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ktab = shared_path("reference", "ktab")
    out = tmp_path / "traj.csv"
    code = main(
        [
            "forecast",
            str(ktab / "dummyData_3Dim" / "input.csv"),
            "--model",
            "smp",
            "--param",
            "VotingRule=Cubic",
            "--trajectory",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    ours = pd.read_csv(out)
    ref = pd.read_csv(ktab / "dummyData_3Dim__vr_Cubic" / "positions.csv")
    assert list(ours.columns) == ["model", "turn", "actor", "dimension", "position"]
    assert (ours["model"] == "smp").all()
    assert ours[["turn", "actor", "dimension"]].equals(ref[["turn", "actor", "dimension"]])
    assert np.max(np.abs(ours["position"].to_numpy() - ref["position"].to_numpy())) <= 1e-6
    assert "12 rounds" in capsys.readouterr().out


def test_explain_prints_every_turn(capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_path("reference", "ktab", "smpExample__stm_Deterministic", "input.xml")
    assert main(["forecast", str(path), "--model", "smp", "--explain", "Bob"]) == 0
    out = capsys.readouterr().out
    assert "Bob in the Spatial Model of Politics (13 turns" in out
    assert "Turn 13:" in out and "Turn 14:" not in out
    assert "challenged Carol" in out


def test_bad_parameter_value_is_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = shared_path("reference", "ktab", "dummyData_3Dim", "input.csv")
    code = main(["forecast", str(path), "--model", "smp", "--param", "VotingRule=Cubec"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Cubic" in err and "Traceback" not in err
