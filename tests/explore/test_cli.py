"""`detente explore`: outputs, overwrite protection and exit codes."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from detente.cli import main


def test_explore_writes_outputs_and_refuses_overwrite(repo_dir, tmp_path, capsys) -> None:
    scen = repo_dir / "tests" / "partnership" / "data" / "scenario.toml"
    out = tmp_path / "run"
    args = ["explore", str(scen), "--scenarios", "2000", "--sobol", "256", "--out", str(out), "-q"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Strategy ranking" in text and "PRIM" in text and "Sobol" in text
    table = pq.read_table(out / "experiments.parquet")
    assert table.num_rows == 2000 * 4
    summary = json.loads((out / "summary.json").read_text())
    assert summary["recommended"] == summary["ranking"][0]
    assert {m["strategy"] for m in summary["metrics"]} == {
        "none",
        "transactional",
        "integration",
        "hedged",
    }
    assert summary["sobol"]
    before = (out / "summary.json").read_text()
    assert main(args) == 2  # refuses to overwrite
    assert "--force" in capsys.readouterr().err
    assert (out / "summary.json").read_text() == before
    assert main([*args, "--force", "--seed", "3"]) == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 3
    assert sorted(p.name for p in out.iterdir()) == ["experiments.parquet", "summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left behind
    # a run replaces its folder as a whole, so a folder with other files is never used
    (out / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert main([*args, "--force"]) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "folder of its own" in err
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "summary.json").read_text())["seed"] == 3


def test_explore_bad_inputs_exit_2(repo_dir, tmp_path, capsys) -> None:
    base = (repo_dir / "tests" / "partnership" / "data" / "base.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(base + "[partnership.uncertainties]\nrearm_rate = { low = 0.3, high = 0.1 }\n")
    assert main(["explore", str(bad), "--out", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "inverted" in err and "Traceback" not in err
    bad.write_text(base + "[partnership.uncertainties]\nrearm_rat = [0, 1]\n")
    assert main(["explore", str(bad), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert "rearm_rate" in capsys.readouterr().err
    # the rest of the scenario is validated too, with its line
    bad.write_text(base.replace("position = 80", 'position = "high"') + "[partnership]\n")
    assert main(["explore", str(bad), "--out", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    line = base.splitlines().index("position = 80") + 1
    assert f"bad.toml:{line}" in err and "Traceback" not in err
    ok = tmp_path / "ok.toml"
    ok.write_text(base + "[partnership]\n")
    assert main(["explore", str(ok), "--sampler", "latin", "--out", str(tmp_path / "o")]) == 2
    assert "--sampler: unknown sampler" in capsys.readouterr().err
    assert main(["explore", str(ok), "--scenarios", "0", "--out", str(tmp_path / "o")]) == 2
    assert main(["explore", str(tmp_path / "missing.toml")]) == 2
    assert not (tmp_path / "o" / "experiments.parquet").exists()
