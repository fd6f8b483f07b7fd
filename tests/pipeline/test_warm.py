"""Compiling ahead: a process that fills numba's cache while this one works."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from detente.pipeline import warm
from detente.scenario import Scenario


def test_the_warm_scenario_is_small_and_valid() -> None:
    s = warm.warm_scenario()
    assert isinstance(s, Scenario)
    assert len(s.actors) == 3 and len(s.issues) == 2 and len(s.stances) == 6


def test_a_model_without_kernels_counts_as_cached_and_starts_nothing() -> None:
    assert warm.is_cached("mean")
    with warm.compile_ahead(["mean", "median"]) as ahead:
        assert not ahead.started and ahead.models == ()
        assert ahead.wait()


def test_an_empty_numba_cache_is_seen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "empty")}
    code = "from detente.pipeline.warm import is_cached; print(is_cached('exchange'))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def _ahead_running(monkeypatch: pytest.MonkeyPatch, script: str) -> warm.CompileAhead:
    monkeypatch.setattr(warm, "is_cached", lambda name: False)
    monkeypatch.setattr(warm, "KERNELS", {"mean": "detente.bargaining.mean"})
    monkeypatch.setattr(warm, "_SCRIPT", script)
    return warm.compile_ahead(["mean", "nbs"])


def test_the_process_warms_the_cold_models(monkeypatch: pytest.MonkeyPatch) -> None:
    with _ahead_running(monkeypatch, warm._SCRIPT) as ahead:
        assert ahead.started and ahead.models == ("mean",)
        assert ahead.wait(timeout=300)


def test_a_failed_process_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    with _ahead_running(monkeypatch, "raise SystemExit(1)") as ahead:
        assert not ahead.wait(timeout=60)
    assert warm._main(["no_such_model"]) == 1


def test_leaving_the_block_stops_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    with _ahead_running(monkeypatch, "import time; time.sleep(120)") as ahead:
        proc = ahead._process
        assert proc is not None and proc.poll() is None
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 10:
        time.sleep(0.05)
    assert proc.poll() is not None
    with _ahead_running(monkeypatch, "import time; time.sleep(120)") as ahead:
        assert not ahead.wait(timeout=0.2)  # gives up, and stops it
        assert ahead._process is not None and ahead._process.poll() is not None
