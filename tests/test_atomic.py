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


# -- publishing a folder as a whole -------------------------------------------------


def _run_folder(base: Path, name: str, tag: str) -> Path:
    """A staged run: two files that name their run."""
    folder = base / name
    folder.mkdir()
    (folder / "a.txt").write_text(f"a of {tag}")
    (folder / "b.txt").write_text(f"b of {tag}")
    return folder


def _tag(folder: Path) -> str:
    """The run a folder holds, or fail if its files belong to different runs."""
    a = (folder / "a.txt").read_text().removeprefix("a of ")
    b = (folder / "b.txt").read_text().removeprefix("b of ")
    assert a == b, f"a mixed run: {a} beside {b}"
    return a


RUN = ("a.txt", "b.txt")


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "fallback"])
def test_publish_creates_then_replaces_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    from detente import _atomic

    if not exchange:
        monkeypatch.setattr(_atomic, "_exchange", lambda a, b: False)
    dest = tmp_path / "out"
    with _atomic.staged_folder(dest) as staged:
        (staged / "a.txt").write_text("a of one")
        (staged / "b.txt").write_text("b of one")
        _atomic.publish_folder(staged, dest, replaceable=RUN)
    assert _tag(dest) == "one"
    with _atomic.staged_folder(dest) as staged:
        (staged / "a.txt").write_text("a of two")
        (staged / "b.txt").write_text("b of two")
        _atomic.publish_folder(staged, dest, replaceable=RUN)
    assert _tag(dest) == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_a_failed_run_leaves_the_earlier_folder_and_no_leftovers(tmp_path: Path) -> None:
    from detente import _atomic

    dest = tmp_path / "out"
    _atomic.publish_folder(_run_folder(tmp_path, "s1", "one"), dest, replaceable=RUN)

    def crash() -> None:
        with _atomic.staged_folder(dest) as staged:
            (staged / "a.txt").write_text("a of two")
            raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        crash()
    assert _tag(dest) == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_with_foreign_entries_is_never_replaced(tmp_path: Path) -> None:
    from detente import _atomic

    dest = tmp_path / "out"
    _atomic.publish_folder(_run_folder(tmp_path, "s1", "one"), dest, replaceable=RUN)
    (dest / "notes.txt").write_text("mine")
    staged = _run_folder(tmp_path, "s2", "two")
    with pytest.raises(_atomic.ForeignEntriesError) as info:
        _atomic.publish_folder(staged, dest, replaceable=RUN)
    assert info.value.names == ["notes.txt"]
    assert _tag(dest) == "one" and (dest / "notes.txt").read_text() == "mine"


def test_a_symlinked_folder_is_published_where_it_points(tmp_path: Path) -> None:
    from detente import _atomic

    real = tmp_path / "real"
    _atomic.publish_folder(_run_folder(tmp_path, "s1", "one"), real, replaceable=RUN)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with _atomic.staged_folder(link) as staged:
        (staged / "a.txt").write_text("a of two")
        (staged / "b.txt").write_text("b of two")
        _atomic.publish_folder(staged, link, replaceable=RUN)
    assert link.is_symlink() and _tag(real) == "two"


_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from detente import _atomic

_atomic._exchange = lambda a, b: False
renames = []
real_rename = os.rename

def rename(a, b):
    renames.append((a, b))
    real_rename(a, b)
    if len(renames) == 1:  # the old run is set aside; die before the new one moves in
        os.kill(os.getpid(), signal.SIGKILL)

os.rename = rename
staged = Path(sys.argv[1])
_atomic.publish_folder(staged, Path(sys.argv[2]), replaceable=("a.txt", "b.txt"))
"""


def test_a_process_killed_between_two_renames_leaves_a_whole_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    from detente import _atomic

    dest = tmp_path / "out"
    _atomic.publish_folder(_run_folder(tmp_path, "s1", "one"), dest, replaceable=RUN)
    staged = _run_folder(tmp_path, ".out.detente-tmp-999999999-x", "two")
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_BETWEEN_RENAMES, str(staged), str(dest)], check=False
    )
    assert proc.returncode == -9
    assert not dest.exists()  # the window the fallback leaves open...
    assert _atomic.recover_folder(dest)  # ...is closed by the next reader or writer
    assert _tag(dest) == "one"
    _atomic.clean_stale(dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the dead run is gone


def test_concurrent_publishers_leave_one_whole_run(tmp_path: Path) -> None:
    import threading

    from detente import _atomic

    dest = tmp_path / "out"
    errors: list[BaseException] = []

    def publish(tag: str) -> None:
        try:
            for k in range(20):
                with _atomic.staged_folder(dest) as staged:
                    (staged / "a.txt").write_text(f"a of {tag}{k}")
                    (staged / "b.txt").write_text(f"b of {tag}{k}")
                    _atomic.publish_folder(staged, dest, replaceable=RUN)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=publish, args=(t,)) for t in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _tag(dest) in {f"{t}19" for t in "xyz"}
