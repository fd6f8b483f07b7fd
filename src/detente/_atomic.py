"""Atomic file writes: a crash mid-write never leaves a half-written result behind.

Everything detente writes for a user goes through here: the content is written to a
temporary file in the destination's own folder (so the final rename stays on one file
system), flushed to disk, and moved into place with :func:`os.replace`.  On any
error the temporary file is removed and the previous file, if any, is untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "atomic_write_json", "atomic_write_text"]


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
