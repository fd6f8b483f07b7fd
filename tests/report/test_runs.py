"""`detente runs list` and `detente runs compare`."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from detente.report import compare_runs, list_runs
from report_helpers import small_scenario


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("runs")
    a = small_scenario(base / "a.toml", position_b=60)
    b = small_scenario(base / "b.toml", position_b=75)
    opts = ["--draws", "0", "--scenarios", "200", "-q"]
    assert main(["analyze", str(a), "-o", str(base / "A"), "--seed", "1", *opts]) == 0
    assert main(["analyze", str(b), "-o", str(base / "B"), "--seed", "2", *opts]) == 0
    return base / "A", base / "B"


def test_list_runs(two_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    df = list_runs(list(two_runs))
    assert list(df["scenario"]) == ["small", "small"]
    assert list(df["seed"]) == [1, 2]
    assert df["hash"].nunique() == 2
    assert main(["runs", "list", *map(str, two_runs)]) == 0
    out = capsys.readouterr().out
    assert "small" in out and df["hash"].iloc[0] in out


def test_compare_runs_stance_by_stance(two_runs: tuple[Path, Path]) -> None:
    cmp = compare_runs(*two_runs)
    assert not cmp.same_inputs
    changed = cmp.inputs[cmp.inputs["what"] == "stance changed"]
    assert changed[["actor", "issue", "field", "before", "after"]].values.tolist() == [
        ["B", "first", "position", 60.0, 75.0]
    ]
    assert dict(zip(cmp.settings["field"], cmp.settings["after"], strict=True))["seed"] == 2
    # a different seed samples other futures: the strategy metrics move
    assert len(cmp.strategy) and cmp.strategy["change"].abs().max() > 0


def test_compare_cli(two_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "compare", *map(str, two_runs)]) == 0
    out = capsys.readouterr().out
    assert "position" in out and "60" in out and "75" in out
    assert "strategy metrics that moved" in out


def test_runs_on_a_folder_without_store_exits_2(tmp_path: Path) -> None:
    assert main(["runs", "list", str(tmp_path)]) == 2
    assert main(["runs", "compare", str(tmp_path), str(tmp_path)]) == 2
