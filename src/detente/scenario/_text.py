"""Reading and writing text files safely: encodings, clear errors, atomic writes."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from detente._atomic import atomic_write_text
from detente.errors import InputError

__all__ = ["DecodedText", "atomic_write_text", "check_path", "read_text"]


@dataclass(frozen=True)
class DecodedText:
    """A decoded input file.

    Attributes
    ----------
    text
        The content, with any byte-order mark removed and newlines as in the file.
    encoding
        The encoding used (``utf-8``, ``utf-16``, ``cp1252`` or ``latin-1``).
    bom
        True if the file started with a byte-order mark.
    """

    text: str
    encoding: str
    bom: bool

    @property
    def was_utf8(self) -> bool:
        """True when the file was UTF-8 (the native encoding of every format)."""
        return self.encoding == "utf-8"


def check_path(path: Path) -> None:
    """Raise a clear :class:`InputError` if ``path`` is missing or a directory."""
    if not path.exists():
        hint = ""
        parent = path.parent if str(path.parent) else Path(".")
        if parent.is_dir():
            close = sorted(p.name for p in parent.iterdir() if p.suffix == path.suffix)[:5]
            if close:
                hint = f" Files with that extension here: {', '.join(close)}."
        raise InputError(
            "file not found",
            file=path,
            fix=f"check the path and spelling.{hint}",
        )
    if path.is_dir():
        raise InputError(
            "this is a directory, not a scenario file",
            file=path,
            fix="give the path of a file (.toml, KTAB .csv or .xml, or a DEU table).",
        )


def _bomless_utf16(raw: bytes) -> str | None:
    """Text of a UTF-16 file saved without a byte-order mark, else ``None``.

    Such files (some Windows tools write them) have a zero byte beside every ASCII
    character: on the odd positions for little-endian, the even ones for big-endian.
    """
    if len(raw) < 4 or len(raw) % 2:
        return None
    even, odd = raw[0::2], raw[1::2]
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and b"\x00" not in other:
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def read_text(path: str | os.PathLike[str], *, legacy_encodings: bool = True) -> DecodedText:
    """Read a text file, detecting its encoding.

    UTF-8 (with or without BOM) and UTF-16 (with a BOM, or without one when the zero
    bytes give it away) are read as such.  Files that
    are not valid UTF-8 are read as Windows-1252 (a superset of the printable part of
    Latin-1, which old KTAB files use) when ``legacy_encodings`` is true; otherwise an
    :class:`InputError` tells the user how to convert the file.

    Parameters
    ----------
    path
        The file.
    legacy_encodings
        Accept non-UTF-8 files by decoding them as Windows-1252/Latin-1.

    Returns
    -------
    DecodedText

    Raises
    ------
    InputError
        Missing file, a directory, a binary file, or (without ``legacy_encodings``) a
        file that is not UTF-8.
    """
    p = Path(path)
    check_path(p)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise InputError(
            f"cannot read the file: {err.strerror}", file=p, fix="check its permissions."
        ) from None
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(enc), enc, True)
            except UnicodeDecodeError:
                break
    if b"\x00" in raw:
        utf16 = _bomless_utf16(raw)
        if utf16 is not None:
            return DecodedText(utf16, "utf-16", False)
        raise InputError(
            "this is a binary file, not a text scenario",
            file=p,
            fix="give a .toml, KTAB .csv/.xml or DEU table; spreadsheets must be saved as CSV.",
        )
    has_bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8) :] if has_bom else raw
    try:
        return DecodedText(body.decode("utf-8"), "utf-8", has_bom)
    except UnicodeDecodeError as err:
        line = body[: err.start].count(b"\n") + 1
        if not legacy_encodings:
            raise InputError(
                f"the file is not valid UTF-8 (byte 0x{body[err.start]:02x})",
                file=p,
                line=line,
                fix=f"re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8 {p.name} > fixed`.",
            ) from None
    try:
        return DecodedText(body.decode("cp1252"), "cp1252", False)
    except UnicodeDecodeError:
        return DecodedText(body.decode("latin-1"), "latin-1", False)
