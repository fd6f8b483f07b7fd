"""Reading and writing text files safely: encodings, clear errors, atomic writes."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from detente._atomic import atomic_write_text
from detente.errors import InputError

__all__ = [
    "MAX_INPUT_MB",
    "DecodedText",
    "atomic_write_text",
    "check_path",
    "max_input_bytes",
    "read_bytes",
    "read_text",
    "read_xml_text",
    "utf8_declaration",
]

#: Largest scenario file read, in MiB (``DETENTE_MAX_INPUT_MB`` overrides it).  The
#: largest real inputs (DEU III, KTAB's 160-actor runs) are well under 1 MiB, and a
#: scenario of 10,000 actors on 6 issues in TOML is about 5 MiB; a 16 MiB TOML file
#: takes about 15 s to parse.
MAX_INPUT_MB = 16


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
    warnings: tuple[str, ...] = field(default=())

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
            "this is a directory, not a file",
            file=path,
            fix="give the path of a file (a scenario: .toml, KTAB .csv or .xml, or a DEU table).",
        )
    if not path.is_file():
        raise InputError(
            "this is not a regular file (a device, a pipe or a socket)",
            file=path,
            fix="save the scenario to a file and give its path.",
        )


def max_input_bytes() -> int:
    """The size limit of an input file: ``DETENTE_MAX_INPUT_MB`` MiB, else ``MAX_INPUT_MB``."""
    raw = os.environ.get("DETENTE_MAX_INPUT_MB", "").strip()
    try:
        mb = float(raw) if raw else float(MAX_INPUT_MB)
    except ValueError:
        mb = float(MAX_INPUT_MB)
    if not mb > 0 or mb != mb:
        mb = float(MAX_INPUT_MB)
    return int(min(mb, 2.0**40) * 2**20)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an input file, refusing what cannot be a scenario file.

    Raises
    ------
    InputError
        Missing, a directory or a device, unreadable, or over the size limit
        (:func:`max_input_bytes`).
    """
    p = Path(path)
    check_path(p)
    limit = max_input_bytes()
    try:
        size = p.stat().st_size
        if size > limit:
            raise InputError(
                f"the file is {size / 2**20:.1f} MiB, over detente's limit of "
                f"{limit / 2**20:g} MiB for an input file",
                file=p,
                fix="check that this is the scenario you meant; to read it anyway, raise "
                "the limit with the environment variable DETENTE_MAX_INPUT_MB.",
            )
        with p.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as err:
        raise InputError(
            f"cannot read the file: {err.strerror or err}", file=p, fix="check its permissions."
        ) from None
    if len(raw) > limit:  # grew while we read it
        raise InputError(
            f"the file is over detente's limit of {limit / 2**20:g} MiB for an input file",
            file=p,
            fix="raise the limit with the environment variable DETENTE_MAX_INPUT_MB.",
        )
    return raw


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

    UTF-8 (with or without BOM), UTF-32 with a BOM and UTF-16 (with a BOM, or
    without one when the zero bytes give it away) are read as such.  Files that
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
        Missing file, a directory, a binary file, a file over the size limit, or
        (without ``legacy_encodings``) a file that is not UTF-8.
    """
    p = Path(path)
    raw = read_bytes(p)
    for bom, enc in _WIDE_BOMS:
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
        text, enc = body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, enc = body.decode("latin-1"), "latin-1"
    return DecodedText(
        text, enc, False, (f"the file is not UTF-8; it was read as {enc} (check accented names)",)
    )


#: Byte-order marks of the wide encodings; UTF-32's first, as its little-endian mark
#: starts with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: The XML declaration: version, then optionally the encoding (spaces allowed around
#: ``=``, either quote), as the XML 1.0 grammar writes it.
_DECL = re.compile(
    r"""^<\?xml\s+version\s*=\s*(["'])[^"']*\1(?P<enc>\s+encoding\s*=\s*(?P<q>["'])"""
    r"""(?P<name>[^"']*)(?P=q))?"""
)

#: Signatures of an XML document without a byte-order mark (XML 1.0, appendix F).
_XML_SNIFF = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


def _family(encoding: str) -> str:
    """``utf-8``, ``utf-16``, ``utf-32`` or the codec's own name."""
    info = codecs.lookup(encoding)
    if not getattr(info, "_is_text_encoding", True):
        raise LookupError(f"{encoding} is not a text encoding")
    name = info.name
    for fam in ("utf-32", "utf-16", "utf-8"):
        if name.startswith(fam):
            return fam
    return name


def utf8_declaration(text: str) -> str:
    """``text`` with its XML declaration's encoding (if any) set to UTF-8.

    The parser is given the decoded text re-encoded as UTF-8, so the declaration must
    say so (``encoding = 'EUC-JP'``, spaces and all, becomes ``encoding="UTF-8"``).
    """
    m = _DECL.match(text)
    if m is None or m.group("enc") is None:
        return text
    return text[: m.start("enc")] + ' encoding="UTF-8"' + text[m.end("enc") :]


def _declared(head: str) -> str | None:
    m = _DECL.match(head)
    return None if m is None or m.group("name") is None else m.group("name").strip()


def read_xml_text(path: str | os.PathLike[str]) -> DecodedText:
    """Read an XML file in the encoding XML's rules give it (XML 1.0, appendix F).

    A byte-order mark decides (UTF-8, UTF-16 or UTF-32; a declaration that names
    another encoding is then ignored, with a warning).  Without one, the first bytes
    tell UTF-16 and UTF-32 apart from the 8-bit encodings, and for those the
    declaration's ``encoding`` is used (``EUC-JP``, ``ISO-8859-1``, ...; UTF-8 when
    there is none).  A file that declares UTF-8 (or nothing) but is not valid UTF-8
    is read as Windows-1252, as old KTAB files need, with a warning.

    Raises
    ------
    InputError
        An encoding Python does not know, or bytes that the declared encoding
        cannot decode (with the line).
    """
    p = Path(path)
    raw = read_bytes(p)
    warnings: list[str] = []
    encoding: str | None = None
    bom = False
    for mark, enc in ((codecs.BOM_UTF8, "utf-8"), *_WIDE_BOMS):
        if raw.startswith(mark):
            encoding, bom = enc, True
            break
    if encoding is None:
        for sig, enc in _XML_SNIFF:
            if raw.startswith(sig):
                encoding = enc
                break
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise InputError(
                f"the file is not valid {encoding.upper()} (byte {err.start}: {err.reason})",
                file=p,
                fix="re-save it as UTF-8 (is the file truncated?).",
            ) from None
        text = text.lstrip("\ufeff")
        name = _declared(text[:200])
        if name is not None:
            try:
                same = _family(name) == _family(encoding)
            except LookupError:
                same = False
            if not same:
                how = "its byte-order mark says" if bom else "its first bytes say"
                warnings.append(
                    f"the XML declaration says encoding={name!r}, but the file is "
                    f"{encoding.upper()} ({how} so); it was read as such"
                )
        shown = encoding.removesuffix("-le").removesuffix("-be")
        return DecodedText(text, shown, bom, tuple(warnings))
    name = _declared(raw[:200].decode("latin-1"))
    try:
        family = "utf-8" if name is None else _family(name)
    except LookupError:
        raise InputError(
            f"the XML declaration names the encoding {name!r}, which detente does not know",
            file=p,
            line=1,
            field="encoding",
            fix='save the file as UTF-8 with <?xml version="1.0" encoding="UTF-8"?>.',
        ) from None
    if family == "utf-8":
        return _decode_8bit(raw, p)
    if family in ("utf-16", "utf-32"):
        # a wide encoding declared on an 8-bit file: the bytes win, as with a BOM
        decoded = _decode_8bit(raw, p)
        note = (
            f"the XML declaration says encoding={name!r}, but the file is not "
            f"{family.upper()}; it was read as {decoded.encoding}"
        )
        return DecodedText(decoded.text, decoded.encoding, False, (note, *decoded.warnings))
    assert name is not None
    try:
        text = raw.decode(name)
    except (UnicodeDecodeError, UnicodeError) as err:
        raise InputError(
            f"the file is not valid {name}, the encoding its XML declaration names ({err})",
            file=p,
            line=raw[: getattr(err, "start", 0)].count(b"\n") + 1,
            field="encoding",
            fix="correct the declared encoding, or re-save the file as UTF-8.",
        ) from None
    return DecodedText(text, codecs.lookup(name).name, False)


def _decode_8bit(raw: bytes, p: Path) -> DecodedText:
    """UTF-8, else Windows-1252 (old KTAB files); refuses NUL bytes (binary files)."""
    if b"\x00" in raw:
        utf16 = _bomless_utf16(raw)  # e.g. starting with white space
        if utf16 is not None:
            return DecodedText(utf16, "utf-16", False)
        raise InputError(
            "this is a binary file, not a text scenario",
            file=p,
            fix="give a KTAB XML scenario saved as text (UTF-8).",
        )
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return DecodedText(body.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    try:
        text, enc = body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, enc = body.decode("latin-1"), "latin-1"
    return DecodedText(
        text, enc, False, (f"the file is not UTF-8; it was read as {enc} (check accented names)",)
    )
