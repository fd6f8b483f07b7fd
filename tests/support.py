"""Helpers shared by test modules (importable as ``support``; see pytest ``pythonpath``).

``../shared`` (beside the checkout) holds third-party reference material that tests
compare against.  :func:`shared_path` skips a test with a clear message when the
folder is absent, unless ``DETENTE_REQUIRE_SHARED=1`` (set by ``.ci/run``), in which
case a missing folder is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
#: Screenshots and logs of the browser tests.
ARTIFACTS = REPO / "test-artifacts"
#: Debian's chromium and the flags the browser tests launch it with.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


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


def ensure_chromium() -> None:
    """Install Debian's chromium with apt where it is absent (``playwright install``
    cannot download browsers here); skip the test where that is impossible."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("chromium is absent and cannot be installed here (no apt-get or not root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    done = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0 or not CHROMIUM.exists():
        pytest.skip(f"chromium could not be installed with apt: {done.stderr[-500:]}")


def chromium() -> Iterator[Any]:
    """A Playwright browser on Debian's chromium (for a module-scoped fixture)."""
    ensure_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
