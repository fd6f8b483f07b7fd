"""The commands of the uncertainty engine: forecast --draws, sweep, sensitivity, backtest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from detente.cli import main
from support import REPO, shared_path

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


def test_forecast_draws_intervals_and_thresholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "f.json"
    args = ["forecast", str(EXAMPLE), "-m", "mean,smp", "--draws", "300", "--seed", "5"]
    args += ["--threshold", "troops=60", "--threshold", "arms<=30", "--json", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "95% interval" in text and "P(troops >= 60)" in text and "P(arms <= 30)" in text
    assert "above the status quo (0)" in text
    doc = json.loads(out.read_text())
    d = doc["draws"]
    assert (d["n"], d["seed"], d["sampler"]) == (300, 5, "lhs")
    troops = d["models"]["smp"]["troops"]
    lo50, hi50 = troops["intervals"]["50"]
    lo95, hi95 = troops["intervals"]["95"]
    assert lo95 <= lo50 <= troops["median"] <= hi50 <= hi95 and troops["n"] == 300
    th = d["thresholds"][0]
    assert th["label"] == "P(troops >= 60)" and 0 <= th["probability"]["mean"] <= 1
    # same seed, same numbers
    again = tmp_path / "g.json"
    assert main([*args[:-1], str(again)]) == 0
    assert json.loads(again.read_text())["draws"]["models"] == d["models"]


@pytest.mark.parametrize(
    ("extra", "msg"),
    [
        (["--threshold", "troops=60"], "needs --draws"),
        (["--draws", "10", "--threshold", "trops=60"], "unknown issue"),
        (["--draws", "10", "--threshold", "troops=160"], "outside the scale"),
        (["--draws", "10", "--threshold", "troops"], "ISSUE=VALUE"),
        (["--draws", "10", "--sampler", "grid"], "--sampler: unknown sampler"),
        (["--draws", "-3"], "--draws"),
        (["--draws", "10", "--workers", "-1"], "--workers"),
    ],
)
def test_forecast_draws_bad_arguments(
    extra: list[str], msg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", str(EXAMPLE), "-m", "mean", *extra]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_sweep_table_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "s.csv"
    args = ["sweep", str(EXAMPLE), "--actor", "TUR", "--field", "salience", "--issue", "troops"]
    args += ["--range", "0:100:5", "-m", "mean,eum", "--csv", str(csv)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Sweep of TUR's salience on troops" in text and "Expected utility" in text
    frame = pd.read_csv(csv)
    assert list(frame.columns) == ["value", "model", "issue", "forecast"]
    assert len(frame) == 21 * 2 * 6 and frame["value"].nunique() == 21
    assert main(args) == 2  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "msg"),
    [
        (["--actor", "TUX", "--field", "salience", "--issue", "troops"], "unknown actor"),
        (["--actor", "TUR", "--field", "mood", "--issue", "troops"], "--field"),
        (["--actor", "TUR", "--field", "salience", "--issue", "trops"], "unknown issue"),
        (["--actor", "TUR", "--field", "position"], "needs the issue"),
    ],
)
def test_sweep_bad_arguments(
    extra: list[str], msg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(EXAMPLE), *extra, "--range", "0:100:10"]) == 2
    assert msg in capsys.readouterr().err


@pytest.mark.parametrize("rng", ["0:100:0", "100:0:5", "zero:ten", "0:100:5:1"])
def test_sweep_bad_range(rng: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", str(EXAMPLE), "--actor", "TUR", "--field", "position", "--issue", "troops"]
    assert main([*args, "--range", rng]) == 2
    err = capsys.readouterr().err
    assert "--range" in err and rng in err  # shown as written (no emoji codes)


def test_sensitivity_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    js = tmp_path / "s.json"
    args = ["sensitivity", str(EXAMPLE), "--samples", "16", "-m", "mean", "--top", "2"]
    assert main([*args, "--json", str(js)]) == 0
    assert "Sobol indices" in capsys.readouterr().out
    doc = json.loads(js.read_text())
    assert doc["n_base"] == 16 and len(doc["inputs"]) == 66
    assert len(doc["indices"]) == 6 * 66  # every issue x every input
    assert main([*args, "--samples", "100"]) == 2
    assert "power of two" in capsys.readouterr().err


def test_backtest_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev = shared_path("data", "deu3", "deu3_dev.csv")
    js = tmp_path / "b.json"
    assert main(["backtest", "--cv", "5", str(dev), "--json", str(js)]) == 0
    text = capsys.readouterr().out
    assert "mean_capability_salience" in text and "23.20" in text and "coverage" in text
    doc = json.loads(js.read_text())
    assert doc["n_issues"] == 245 and round(doc["models"]["mean_salience"]["mae"], 2) == 23.91
    for bad, msg in (
        (["--cv", "5"], "needs the file"),
        ([str(dev)], "needs --cv"),
        (["--train", str(dev)], "--test"),
        (["--cv", "5", str(dev), "--train", str(dev)], "not both"),
        (["--train", str(EXAMPLE), "--test", str(dev)], "DEU"),
        (["--cv", "5", str(dev), "--json", str(js)], "already exists"),
    ):
        assert main(["backtest", *bad]) == 2, bad
        assert msg in capsys.readouterr().err
