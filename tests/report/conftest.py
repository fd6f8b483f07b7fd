"""Fixtures of the report tests: one small analysed scenario shared by a module."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.report import AnalyzeResult, analyze
from report_helpers import HOSTILE_LABEL, HOSTILE_NAME, small_scenario


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> AnalyzeResult:
    """A run of a small scenario whose names and labels are hostile HTML."""
    base = tmp_path_factory.mktemp("hostile")
    path = small_scenario(base / "hostile.toml", actor_name=HOSTILE_NAME, issue_label=HOSTILE_LABEL)
    return analyze(path, base / "out", draws=0, scenarios=300, seed=3)


@pytest.fixture(scope="session")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small benign scenario file."""
    return small_scenario(tmp_path_factory.mktemp("small") / "small.toml")
