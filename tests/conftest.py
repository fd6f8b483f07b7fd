"""Test configuration shared by every test module.

``../shared`` (beside the checkout) holds third-party reference material that tests
compare against.  Tests that need it use the ``shared_dir`` fixture: it skips with a
clear message when the folder is absent, unless ``DETENTE_REQUIRE_SHARED=1`` (set by
``.ci/run``), in which case a missing folder is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Path inside ``../shared``; skip (or fail under CI) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        msg = f"reference material not found: {path} (set DETENTE_SHARED to its folder)"
        if os.environ.get("DETENTE_REQUIRE_SHARED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``shared`` folder beside the checkout."""
    return shared_path()


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    """The repository root."""
    return REPO
