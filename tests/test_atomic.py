"""Atomic writes keep the previous file when writing fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente._atomic import atomic_path, atomic_write_json, atomic_write_text


def test_text_and_json_are_written(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    atomic_write_text(f, "one\r\ntwo")
    assert f.read_bytes() == b"one\r\ntwo"
    j = tmp_path / "a.json"
    atomic_write_json(j, {"x": "é"})
    assert j.read_text(encoding="utf-8") == '{\n  "x": "é"\n}\n'


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    f = tmp_path / "kept.txt"
    f.write_text("old")

    def crash() -> None:
        with atomic_path(f) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        crash()
    assert f.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt"]
