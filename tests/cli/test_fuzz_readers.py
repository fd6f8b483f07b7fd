"""Fuzz every scenario reader through the CLI: exit 0, or exit 2 naming the file.

Valid files of each format (those in the repository, and the flagship example written
in the format) are mutated by Hypothesis: bytes flipped, the file cut short, lines
doubled or lost, numbers made huge, tiny, NaN or infinite, names made blank or full of
markup, the text re-encoded (UTF-16/32, Latin-1, byte-order marks), nesting made deep,
NUL and control bytes inserted.  Each result is run through ``detente.cli.main``
in-process (``validate``, then ``convert``), and must keep the contract: exit 0, or
exit 2 with the file named in the message; never a traceback, an exit 1 or a hang.

Adding a reader is one line in :data:`READERS`.  By default the examples are fixed
(derandomized) and few, so the whole module runs in about 30 s; set
``DETENTE_FUZZ_EXAMPLES=2000`` for a long, randomized run.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cli import main
from support import REPO

#: format -> (suffix of its files, globs of valid files in the repository).  The
#: flagship example, written in the format, is added for every format detente writes.
READERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "toml": (".toml", ("examples/*.toml", "tests/partnership/data/*.toml")),
    "ktab-csv": (".csv", ()),
    "ktab-xml": (".xml", ("tests/bargaining/smp/ktab_replay/*/input.xml",)),
    "deu": (".tsv", ()),
    "decide": (".csv", ("tests/bargaining/exchange/decide_random/r1[13]/r1[13].csv",)),
}

EXAMPLE = REPO / "examples" / "europe_turkey.toml"

_LONG = int(os.environ.get("DETENTE_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(
    max_examples=_LONG or 12,
    derandomize=not _LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Seconds one CLI run may take before it counts as a hang.
HANG = 60


@functools.cache
def seeds(fmt: str) -> tuple[bytes, ...]:
    """The valid files a format's mutations start from."""
    _, globs = READERS[fmt]
    files = [p.read_bytes() for g in globs for p in sorted(REPO.glob(g))]
    from detente.data import resolve_capabilities
    from detente.scenario import dumps, load_scenario
    from detente.scenario.io import Format

    if fmt in {f.value for f in Format}:
        s = resolve_capabilities(load_scenario(EXAMPLE))
        k = len(s.issues)  # KTAB allows saliences summing to 100 per actor
        s = s.model_copy(
            update={
                "stances": [t.model_copy(update={"salience": t.salience / k}) for t in s.stances]
            }
        )
        files.append(dumps(s, fmt).encode())
    assert files, f"no valid {fmt} file to fuzz"
    return tuple(files)


ODD_NUMBERS = [b"1e400", b"-1e400", b"nan", b"inf", b"-inf", b"NaN", b"-1", b"-0", b"0",
               b"1e-400", b"9" * 26, b"1e308", b"0x10", b"1_000", b""]  # fmt: skip
ODD_TEXT = [b"", b" ", b"\t", b"[/x]", b"[bold]", b"<script>", b"&amp;", b"\x00", b"\x1b[2J",
            b"\xff\xfe", b"\xef\xbb\xbf", b'"', b"'", b",", b";", b"\n", b"\r", b"\\"]  # fmt: skip
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "latin-1", "cp1252",
             "utf-8-sig", "euc-jp"]  # fmt: skip
_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_NAME = re.compile(rb'"([A-Za-z][\w ]*)"|>([A-Za-z][\w ]*)<|^([A-Za-z][\w ]*),', re.M)


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> bytes:
    """A valid file of ``fmt`` after one to four careless or hostile edits."""
    data = draw(st.sampled_from(seeds(fmt)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 9))
        lines = data.split(b"\n")
        if op == 0 and data:  # flip a byte
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
        elif op == 1:  # cut short
            data = data[: draw(st.integers(0, len(data)))]
        elif op == 2:  # a line doubled
            i = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join([*lines[: i + 1], *lines[i:]])
        elif op == 3 and len(lines) > 1:  # a line lost
            i = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[:i] + lines[i + 1 :])
        elif op == 4:  # an odd number
            spots = list(_NUMBER.finditer(data))
            if spots:
                m = draw(st.sampled_from(spots))
                data = data[: m.start()] + draw(st.sampled_from(ODD_NUMBERS)) + data[m.end() :]
        elif op == 5:  # an odd name
            spots = list(_NAME.finditer(data))
            if spots:
                m = draw(st.sampled_from(spots))
                g = next(k for k in (1, 2, 3) if m.group(k) is not None)
                odd = draw(st.sampled_from(ODD_TEXT))
                data = data[: m.start(g)] + odd + data[m.end(g) :]
        elif op == 6:  # another encoding
            text = data.decode("utf-8", errors="replace")
            data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        elif op == 7:  # deep nesting
            k = draw(st.sampled_from([40, 500, 5000]))
            i = draw(st.integers(0, len(lines)))
            deep = (
                b"<a>" * k + b"</a>" * k
                if fmt == "ktab-xml"
                else b"x = " + b"[" * k + b"]" * k
                if fmt == "toml"
                else b"[" * k
            )
            data = b"\n".join([*lines[:i], deep, *lines[i:]])
        elif op == 8:  # stray bytes
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from(ODD_TEXT)) + data[i:]
        else:  # a line repeated many times (a paste gone wrong)
            i = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join([*lines[:i], *([lines[i]] * 2000), *lines[i + 1 :]])
    return data


@contextlib.contextmanager
def _no_hang(seconds: int) -> Iterator[None]:
    def stop(_sig: int, _frame: object) -> None:
        raise TimeoutError(f"the CLI ran for more than {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with _no_hang(HANG), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


def _check(argv: list[str], f: Path) -> int:
    code, text = _run(argv)
    assert "Traceback" not in text, (argv, text)
    assert "internal error" not in text, (argv, text)
    assert code in (0, 2), (argv, code, text)
    if code == 2:
        flat = " ".join(text.split())
        assert f.name in flat, (argv, flat)
        assert "Fix:" in flat or "Usage:" in flat, (argv, flat)
    return code


@pytest.mark.parametrize("fmt", list(READERS))
def test_every_reader_survives_mutated_files(fmt: str) -> None:
    suffix = READERS[fmt][0]

    @FUZZ
    @given(data=mutated(fmt))
    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / f"fuzzed{suffix}"
            f.write_bytes(data)
            fmt_opt = ["--format", fmt] if suffix == ".tsv" else []
            code = _check(["validate", str(f), *fmt_opt], f)
            out = Path(tmp) / "out.toml"
            conv = _check(["convert", str(f), "--to", "toml", "-o", str(out), *fmt_opt], f)
            if code == 0 and conv == 0:
                # what convert wrote reads back
                assert _check(["validate", str(out)], out) == 0

    run()


def test_the_seed_files_are_valid() -> None:
    # a fuzz test whose seeds are refused would test the error paths only
    for fmt, (suffix, _) in READERS.items():
        for n, data in enumerate(seeds(fmt)):
            with tempfile.TemporaryDirectory() as tmp:
                f = Path(tmp) / f"seed{n}{suffix}"
                f.write_bytes(data)
                fmt_opt = ["--format", fmt] if suffix == ".tsv" else []
                code, text = _run(["validate", str(f), *fmt_opt])
                assert code == 0, (fmt, n, text)
