"""Fixtures for the data tests: an empty user store by default, or one with SIPRI imported.

Every test runs with ``DETENTE_DATA_DIR`` pointing to a temporary folder, so no test
reads or writes the real user data directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.data import import_sipri_arms, import_sipri_milex, reset_store
from detente.data.paths import DATA_DIR_ENV
from support import shared_path


@pytest.fixture(autouse=True)
def empty_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh, empty user data directory for every test."""
    path = tmp_path_factory.mktemp("user_data")
    monkeypatch.setenv(DATA_DIR_ENV, str(path))
    reset_store()
    yield path
    reset_store()


@pytest.fixture(scope="session")
def sipri_milex_xlsx() -> Path:
    return shared_path("data", "sipri_milex", "SIPRI-Milex-data-1949-2024_2.xlsx")


@pytest.fixture(scope="session")
def sipri_register_csv() -> Path:
    return shared_path("data", "sipri_arms_transfers", "trade-register.csv")


@pytest.fixture(scope="session")
def _imported_dir(
    tmp_path_factory: pytest.TempPathFactory, sipri_milex_xlsx: Path, sipri_register_csv: Path
) -> Path:
    path = tmp_path_factory.mktemp("user_data_imported")
    mp = pytest.MonkeyPatch()
    mp.setenv(DATA_DIR_ENV, str(path))
    try:
        import_sipri_milex(sipri_milex_xlsx)
        import_sipri_arms(sipri_register_csv)
    finally:
        mp.undo()
        reset_store()
    return path


@pytest.fixture
def imported_store(_imported_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user data directory holding SIPRI imports of the shared copies."""
    monkeypatch.setenv(DATA_DIR_ENV, str(_imported_dir))
    reset_store()
    return _imported_dir
