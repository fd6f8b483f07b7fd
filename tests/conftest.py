"""Fixtures shared by every test module (helpers live in ``tests/support.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import REPO, shared_path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``shared`` folder beside the checkout (skips, or fails in CI, if absent)."""
    return shared_path()


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    """The repository root."""
    return REPO
