"""Atomic writes: a crash mid-write never leaves a half-written result behind.

Everything detente writes for a user goes through here.

* One file (:func:`atomic_path`, :func:`atomic_write_text`, :func:`atomic_write_json`):
  the content is written to a temporary file in the destination's own folder (so the
  final rename stays on one file system), flushed to disk, and moved into place with
  :func:`os.replace`.  On any error the temporary file is removed and the previous
  file, if any, is untouched.
* A folder of results that belong together (a report with its store, an experiment
  table with its summary: :func:`staged_folder`, :func:`publish_folder`): the new run
  is written into a hidden folder beside the destination and then swapped with the
  destination in one step, so a reader finds either the earlier run whole or the new
  one whole, never a mix.  On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``
  call; elsewhere the old folder is first renamed aside and put back by
  :func:`recover_folder` if the process dies before the new one is in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "ForeignEntriesError",
    "atomic_path",
    "atomic_write_json",
    "atomic_write_text",
    "clean_stale",
    "foreign_entries",
    "publish_folder",
    "recover_folder",
    "staged_folder",
]

#: Marks of detente's hidden folders beside a destination ``D``:
#: ``.D.detente-tmp-<pid>-<random>`` (a run being written) and
#: ``.D.detente-old-<pid>-<random>`` (an earlier run set aside during a swap).
TMP_MARK = ".detente-tmp-"
OLD_MARK = ".detente-old-"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    Parameters
    ----------
    path
        The destination.
    mode
        Permissions of the final file (temporary files are created private).

    Yields
    ------
    pathlib.Path
        Where to write.  If the block raises, the temporary file is deleted and
        ``path`` is left as it was.
    """
    dest = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (newlines written as given)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_json(path: str | os.PathLike[str], data: Any, **dump_options: Any) -> None:
    """Write ``data`` as JSON (indented, UTF-8, final newline) to ``path`` atomically.

    ``dump_options`` are passed to :func:`json.dumps` (e.g. ``default=``,
    ``allow_nan=False``); ``indent`` defaults to 2 and ``ensure_ascii`` to False.
    """
    dump_options.setdefault("indent", 2)
    dump_options.setdefault("ensure_ascii", False)
    atomic_write_text(path, json.dumps(data, **dump_options) + "\n")


class ForeignEntriesError(OSError):
    """The destination folder holds entries that are not part of a run."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.names = names
        super().__init__(f"{folder} holds entries that are not part of a run: {', '.join(names)}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def _hidden(dest: Path, mark: str) -> list[tuple[Path, int | None]]:
    """Hidden siblings ``.<dest.name><mark><pid>-…`` of ``dest`` with their pid."""
    prefix = f".{dest.name}{mark}"
    parent = dest.parent
    if not parent.is_dir():
        return []
    out: list[tuple[Path, int | None]] = []
    for p in parent.iterdir():
        if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink():
            pid_text = p.name[len(prefix) :].split("-", 1)[0]
            out.append((p, int(pid_text) if pid_text.isdigit() else None))
    return out


def _destination(dest: str | os.PathLike[str]) -> Path:
    """The folder a run is published as: absolute, a symlinked folder resolved."""
    path = Path(os.path.abspath(dest))
    return path.resolve() if path.is_symlink() else path


def recover_folder(dest: str | os.PathLike[str]) -> bool:
    """Put back an earlier run that a dead process had set aside mid-swap.

    Only the fallback swap (where ``renameat2`` is missing) can leave the destination
    missing with its earlier content renamed aside; this renames the newest such
    folder of a dead process back.  Safe to call at any time.

    Returns
    -------
    bool
        Whether a folder was put back.
    """
    path = _destination(dest)
    if path.exists() or path.is_symlink():
        return False
    aside = [p for p, pid in _hidden(path, OLD_MARK) if pid is None or not _pid_alive(pid)]
    if not aside:
        return False
    newest = max(aside, key=lambda p: p.stat().st_mtime)
    try:
        os.rename(newest, path)
    except OSError:
        return False
    return True


def clean_stale(dest: str | os.PathLike[str]) -> None:
    """Remove hidden folders beside ``dest`` left by runs whose process has died."""
    path = _destination(dest)
    recover_folder(path)
    for mark in (TMP_MARK, OLD_MARK):
        for p, pid in _hidden(path, mark):
            if pid is not None and not _pid_alive(pid):
                shutil.rmtree(p, ignore_errors=True)


def foreign_entries(folder: str | os.PathLike[str], allowed: Collection[str]) -> list[str]:
    """Names in ``folder`` that are not in ``allowed`` (sorted; [] if it is missing)."""
    path = Path(folder)
    if not path.is_dir():
        return []
    return sorted(name for name in os.listdir(path) if name not in allowed)


@contextlib.contextmanager
def staged_folder(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a new, empty hidden folder beside ``dest`` to write a run into.

    The folder is removed when the block ends, unless it was published with
    :func:`publish_folder` inside the block.  Hidden folders of dead processes
    beside ``dest`` are removed first.
    """
    path = _destination(dest)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    staged = Path(tempfile.mkdtemp(prefix=f".{path.name}{TMP_MARK}{os.getpid()}-", dir=path.parent))
    try:
        yield staged
    finally:
        shutil.rmtree(staged, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def publish_folder(
    staged: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    replaceable: Collection[str],
) -> None:
    """Make ``staged`` the folder ``dest``, replacing an earlier run as a whole.

    Parameters
    ----------
    staged
        A complete run, written into a folder from :func:`staged_folder`.
    dest
        The run's folder (created if missing; a symlink to a folder is followed).
    replaceable
        The names an earlier run in ``dest`` may hold.  A folder holding anything
        else is never replaced, since replacing it would delete those entries.

    Raises
    ------
    ForeignEntriesError
        If ``dest`` holds entries outside ``replaceable``.
    OSError
        If the file system refuses the renames.
    """
    src = Path(staged)
    path = _destination(dest)
    os.chmod(src, path.stat().st_mode & 0o7777 if path.is_dir() else _default_mode())
    recover_folder(path)
    if not path.exists():
        try:
            os.rename(src, path)  # atomic; also replaces an empty folder made meanwhile
            return
        except OSError as err:
            if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "the output path is not a folder", str(path))
    foreign = foreign_entries(path, replaceable)
    if foreign:
        raise ForeignEntriesError(path, foreign)
    if _exchange(src, path):
        shutil.rmtree(src, ignore_errors=True)  # now the earlier run
        return
    aside = path.parent / f".{path.name}{OLD_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(path, aside)
    try:
        os.rename(src, path)
    except BaseException:
        os.rename(aside, path)
        raise
    shutil.rmtree(aside, ignore_errors=True)
