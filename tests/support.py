"""Helpers shared by test modules (importable as ``support``; see pytest ``pythonpath``).

``../shared`` (beside the checkout) holds third-party reference material that tests
compare against.  :func:`shared_path` skips a test with a clear message when the
folder is absent, unless ``DETENTE_REQUIRE_SHARED=1`` (set by ``.ci/run``), in which
case a missing folder is a failure.
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


#: The end of a small deals scenario (after its actors A, B, C and issue ``p``): issue
#: ``q`` and the stances.  A (at 0) cares about ``p``, B (at 100) about ``q``, so the two
#: gain by trading; C sides with B on both.  Used by the deals tests of the CLI and the
#: report.
DEALS_STANCES = """[[issues]]
id = "q"

[[stances]]
actor = "A"
issue = "p"
position = 0
salience = 80
uncertainty = { sd = 5 }

[[stances]]
actor = "A"
issue = "q"
position = 0
salience = 20

[[stances]]
actor = "B"
issue = "p"
position = 100
salience = 20

[[stances]]
actor = "B"
issue = "q"
position = 100
salience = 80

[[stances]]
actor = "C"
issue = "p"
position = 100
salience = 30

[[stances]]
actor = "C"
issue = "q"
position = 100
salience = 70
"""
