"""Refusing foreign output folders, and atomic writes that survive a killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detente.cli import main
from detente.report import read_run
from report_helpers import small_scenario


def _run(path: Path, out: Path, *extra: str) -> int:
    return main(
        ["analyze", str(path), "-o", str(out), "--draws", "0", "--scenarios", "200", "-q", *extra]
    )


def test_same_scenario_may_rerun_other_scenario_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = small_scenario(tmp_path / "a.toml", scenario_id="alpha", partnership=False)
    b = small_scenario(tmp_path / "b.toml", scenario_id="beta", partnership=False)
    out = tmp_path / "out"
    assert _run(a, out) == 0
    assert _run(a, out) == 0  # its own folder: allowed
    capsys.readouterr()
    assert _run(b, out) == 2
    err = capsys.readouterr().err
    assert "another scenario" in err and "'alpha'" in err and "--force" in err
    assert read_run(out).scenario_id == "alpha"
    assert _run(b, out, "--force") == 0
    assert read_run(out).scenario_id == "beta"


def test_folder_with_foreign_report_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = small_scenario(tmp_path / "a.toml", partnership=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("someone else's report")
    assert _run(a, out) == 2
    assert "no run store" in capsys.readouterr().err
    assert (out / "report.html").read_text() == "someone else's report"
    (tmp_path / "file").write_text("x")
    assert _run(a, tmp_path / "file") == 2


def test_bad_options_and_files_exit_2(tmp_path: Path) -> None:
    a = small_scenario(tmp_path / "a.toml", partnership=False)
    assert main(["analyze", str(a), "-o", str(tmp_path / "o"), "--draws", "-1", "-q"]) == 2
    assert main(["analyze", str(tmp_path / "missing.toml"), "-o", str(tmp_path / "o"), "-q"]) == 2
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("stage", ["forecasts", "swap"])
def test_killed_run_leaves_the_earlier_report_intact(tmp_path: Path, stage: str) -> None:
    path = small_scenario(tmp_path / "s.toml", partnership=False)
    out = tmp_path / "out"
    assert _run(path, out) == 0
    before = {n: (out / n).read_bytes() for n in ("report.html", "summary.md", "results.duckdb")}
    # a second run of the edited scenario, killed while it sleeps in a stage
    small_scenario(tmp_path / "s.toml", partnership=False, position_b=75)
    env = dict(os.environ, DETENTE_REPORT_PAUSE=f"{stage}:60")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "detente"),
            "analyze",
            str(path),
            "-o",
            str(out),
            "--draws",
            "0",
            "--scenarios",
            "0",
            "-q",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        deadline = time.monotonic() + 60
        while "paused" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        assert f"paused at {stage}" in line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = {n: (out / n).read_bytes() for n in before}
    assert after == before
    leftovers = [p for p in tmp_path.iterdir() if ".detente-tmp-" in p.name]
    assert len(leftovers) == (1 if stage == "swap" else 0)
    # the next run cleans up after the dead one and writes the new report
    assert _run(path, out) == 0
    assert not [p for p in tmp_path.iterdir() if ".detente-tmp-" in p.name]
    assert (out / "report.html").read_bytes() != before["report.html"]


def _whole_run(out: Path) -> str:
    """The run id of the run in ``out``; fails if its files are not that one run."""
    import hashlib
    import json

    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    assert read_run(out).run_id == manifest["run_id"]
    return str(manifest["run_id"])


def test_a_folder_holding_other_files_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = small_scenario(tmp_path / "a.toml", partnership=False)
    out = tmp_path / "out"
    assert _run(a, out) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "results.duckdb",
        "run.json",
        "summary.md",
    ]
    first = _whole_run(out)
    (out / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert _run(a, out, "--force") == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "folder of its own" in err
    assert (out / "notes.txt").read_text() == "mine" and _whole_run(out) == first


def test_runs_killed_at_any_moment_leave_one_whole_run(tmp_path: Path) -> None:
    """Kill the second run at moments spread over its life: the folder is always one run."""
    path = small_scenario(tmp_path / "s.toml", partnership=False)
    out = tmp_path / "out"
    assert _run(path, out) == 0
    ids = {_whole_run(out)}
    cmd = [str(Path(sys.executable).parent / "detente"), "analyze", str(path), "-o", str(out)]
    cmd += ["--draws", "0", "--scenarios", "0", "-q"]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    full = time.monotonic() - t0
    ids.add(_whole_run(out))
    for frac in (0.6, 0.85, 0.95):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * frac)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        run_id = _whole_run(out)  # the earlier run or the new one, never a mix
        ids.add(run_id)
    assert len(ids) >= 2
