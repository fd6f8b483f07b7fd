"""Where detente's data lives: the shipped Parquet and the user's local store.

* Shipped data: ``detente/data/datasets/*.parquet`` inside the installed package
  (read-only; built by ``tools/build_data.py`` from ``data/raw`` in the repository).
* The user's store: data the user imports (SIPRI), under the platform's user data
  directory (:func:`platformdirs.user_data_dir`), e.g. ``~/.local/share/detente`` on
  Linux.  The environment variable ``DETENTE_DATA_DIR`` overrides it (tests use a
  temporary directory).  Nothing is ever written inside the installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["DATA_DIR_ENV", "SHIPPED_DIR", "repo_raw_dir", "user_data_dir"]

#: Environment variable that overrides the user data directory.
DATA_DIR_ENV = "DETENTE_DATA_DIR"

#: The folder of shipped Parquet files inside the package.
SHIPPED_DIR = Path(__file__).resolve().parent / "datasets"


def user_data_dir() -> Path:
    """The user's data directory (``$DETENTE_DATA_DIR`` or the platform default).

    The directory is not created here; importers create it when they write.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("detente", appauthor=False))


def repo_raw_dir() -> Path | None:
    """``data/raw`` of a source checkout, if detente runs from one (else ``None``)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "raw"
        if candidate.is_dir() and (parent / "pyproject.toml").is_file():
            return candidate
    return None
