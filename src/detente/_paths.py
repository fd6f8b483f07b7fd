"""Checks that an output path can be written, made before any work starts.

A path under a regular file, in a folder the user may not write to (or on a read-only
file system), or naming a folder or a device where a file is expected, is refused
with an :class:`~detente.errors.InputError` naming the path.  Permissions are probed
by creating (and removing) a temporary file, which works for root too, for whom
``os.access`` answers yes on a read-only file system.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from detente.errors import InputError

__all__ = ["check_writable_file", "check_writable_folder", "os_error_message"]


def os_error_message(err: OSError) -> str:
    """What an ``OSError`` means for a path a user gave, in words."""
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder",
        errno.ENOSPC: "the disk is full",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ELOOP: "too many symbolic links",
        errno.ENOENT: "no such file or folder",
    }
    if hasattr(errno, "EDQUOT"):
        reasons[errno.EDQUOT] = "the disk quota is exceeded"
    return reasons.get(err.errno or -1, err.strerror or str(err))


def _probe(folder: Path, shown: Path) -> None:
    """Create and remove a file in ``folder``; an InputError naming ``shown`` if we cannot."""
    try:
        fd, name = tempfile.mkstemp(prefix=".detente-probe-", dir=folder)
    except OSError as err:
        raise InputError(
            f"cannot write in the folder {folder}: {os_error_message(err)}",
            file=shown,
            fix="choose a folder you may write to.",
        ) from None
    os.close(fd)
    Path(name).unlink(missing_ok=True)


def _nearest_existing(path: Path) -> Path:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def check_writable_file(path: Path) -> None:
    """Refuse a file output that cannot be written (before any work).

    Raises
    ------
    InputError
        If ``path`` is a folder or a device, lies under a regular file, or its folder
        is missing or not writable.
    """
    if path.is_dir():
        raise InputError(
            "the output path is a directory", file=path, fix="give a file name for the output."
        )
    if path.exists() and not path.is_file():
        raise InputError(
            "the output path exists and is not a regular file (a device, a pipe or a socket)",
            file=path,
            fix="give the name of a regular file.",
        )
    parent = path.parent
    existing = _nearest_existing(parent)
    if existing.exists() and not existing.is_dir():
        raise InputError(
            f"the output path lies under {existing}, which is a file, not a folder",
            file=path,
            fix="choose a path inside a folder.",
        )
    if not parent.is_dir():
        raise InputError(
            f"the output folder {parent} does not exist",
            file=path,
            fix="create the folder first, or choose another path.",
        )
    _probe(parent, path)


def check_writable_folder(path: Path) -> None:
    """Refuse an output folder that cannot be created or written (before any work).

    Raises
    ------
    InputError
        If ``path`` is a file, lies under a regular file, or the folder (or the
        nearest existing folder above it) is not writable.
    """
    if path.exists() and not path.is_dir():
        raise InputError(
            "the output path exists and is not a folder",
            file=path,
            fix="give a folder for the outputs (it is created if missing).",
        )
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise InputError(
            f"the output folder lies under {existing}, which is a file, not a folder",
            file=path,
            fix="choose a folder path that does not go through a file.",
        )
    _probe(existing, path)
    # results are written beside the folder first, then moved into place
    above = _nearest_existing(path.absolute().parent)
    if above != existing and above.is_dir():
        _probe(above, path)
