"""Reading and writing scenario files in every supported format.

==============  =======================  ===========================================
format          extension                notes
==============  =======================  ===========================================
``toml``        ``.toml``                detente's native format (UTF-8)
``ktab-csv``    ``.csv``                 KTAB ``smpc --csv`` input
``ktab-xml``    ``.xml``                 KTAB ``smpc --xml`` input (smpSchema.xsd)
``deu``         ``.csv``/``.tsv``/``.tab``  DEU tables: one scenario per issue or proposal
``decide``      ``.csv``/``.txt``/any    decide's input (``#A``/``#P``/``#M``/``#D`` rows)
==============  =======================  ===========================================

A ``.csv`` or ``.txt`` file is decide's when its rows start with decide's keys, DEU
when its header has the DEU columns, else KTAB CSV.  KTAB and
DEU files that are not UTF-8 (old KTAB files are Latin-1) are decoded as
Windows-1252 and a warning is recorded in ``scenario.meta["warnings"]``; TOML must be
UTF-8, as the TOML standard requires.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from detente.errors import InputError, Problem
from detente.scenario._text import (
    DecodedText,
    atomic_write_text,
    check_path,
    read_text,
    read_xml_text,
)
from detente.scenario.decide_format import dumps_decide, loads_decide, looks_like_decide
from detente.scenario.deu import dumps_deu, loads_deu, looks_like_deu
from detente.scenario.ktab_csv import dumps_ktab_csv, loads_ktab_csv
from detente.scenario.ktab_xml import dumps_ktab_xml, loads_ktab_xml
from detente.scenario.model import Scenario
from detente.scenario.toml_format import dumps_toml, field_locator, loads_toml

__all__ = [
    "Format",
    "detect_format",
    "dumps",
    "left_out",
    "load_scenario",
    "load_scenarios",
    "locate_problems",
    "write_scenario",
    "write_scenarios",
]

PathLike = str | os.PathLike[str]


class Format(StrEnum):
    """Scenario file formats."""

    TOML = "toml"
    KTAB_CSV = "ktab-csv"
    KTAB_XML = "ktab-xml"
    DEU = "deu"
    DECIDE = "decide"


_EXT = {
    ".toml": Format.TOML,
    ".xml": Format.KTAB_XML,
    ".tsv": Format.DEU,
    ".tab": Format.DEU,
}


def _parse_format(fmt: str | Format) -> Format:
    try:
        return Format(str(fmt).lower())
    except ValueError:
        raise InputError(
            f"unknown format {fmt!r}",
            field="format",
            fix=f"use one of {', '.join(f.value for f in Format)}.",
        ) from None


def detect_format(path: PathLike, text: str | None = None) -> Format:
    """Guess a file's format from its extension and, for ``.csv``, its header.

    Raises
    ------
    InputError
        If the format cannot be told.
    """
    p = Path(path)
    if text is None:
        check_path(p)
    ext = p.suffix.lower()
    if ext in _EXT:
        return _EXT[ext]
    if ext in (".csv", ".txt") or text is not None:
        if text is None:
            text = read_text(p).text
        if looks_like_decide(text):
            return Format.DECIDE
        if looks_like_deu(text):
            return Format.DEU
        stripped = text.lstrip()
        if stripped.startswith("<"):
            return Format.KTAB_XML
        if stripped.startswith("[") or "\n[[actors]]" in text:
            return Format.TOML
        if ext in (".csv", ".txt"):
            return Format.KTAB_CSV
    raise InputError(
        f"cannot tell the format of a {ext + ' file' if ext else 'file without an extension'}",
        file=p,
        fix="use .toml, .csv (KTAB, DEU or decide), .xml (KTAB), or pass --format.",
    )


def _decode(p: Path, fmt: Format) -> tuple[DecodedText, list[str]]:
    if fmt is Format.KTAB_XML:
        # XML says its own encoding (BOM, first bytes, declaration)
        xml = read_xml_text(p)
        return xml, list(xml.warnings)
    decoded = read_text(p, legacy_encodings=fmt is not Format.TOML)
    warnings = []
    if not decoded.was_utf8 and decoded.encoding not in ("utf-16", "utf-32"):
        warnings.append(
            f"the file is not UTF-8; it was read as {decoded.encoding} (check accented names)"
        )
    return decoded, warnings


def _with_warnings(s: Scenario, warnings: list[str]) -> Scenario:
    if not warnings:
        return s
    meta = dict(s.meta)
    meta["warnings"] = [*meta.get("warnings", []), *warnings]
    return s.model_copy(update={"meta": meta})


def load_scenarios(
    path: PathLike,
    *,
    format: str | Format | None = None,
    group: Literal["issue", "proposal"] = "issue",
    skipped: list[InputError] | None = None,
) -> list[Scenario]:
    """Read every scenario in a file (DEU tables hold many; other formats one).

    Parameters
    ----------
    path
        The file.
    format
        Force a format instead of detecting it.
    group
        For DEU tables: one scenario per issue or per proposal.
    skipped
        For DEU tables: collect the errors of issues that are not valid scenarios
        (e.g. a single actor) here and leave them out, instead of raising.

    Returns
    -------
    list of Scenario

    Raises
    ------
    InputError
        With the file, line and field of each problem, and the fix.
    """
    p = Path(path)
    fmt = _parse_format(format) if format is not None else detect_format(p)
    decoded, warnings = _decode(p, fmt)
    text = decoded.text
    if fmt is Format.DEU:
        scenarios = loads_deu(text, file=p, group=group, skipped=skipped)
        return [_with_warnings(s, warnings) for s in scenarios]
    if fmt is Format.TOML:
        return [loads_toml(text, file=p)]
    if fmt is Format.DECIDE:
        return [_with_warnings(loads_decide(text, file=p), warnings)]
    if fmt is Format.KTAB_CSV:
        if looks_like_deu(text):
            raise InputError("this is a DEU table, not a KTAB CSV", file=p, fix="use --format deu.")
        return [_with_warnings(loads_ktab_csv(text, file=p), warnings)]
    return [_with_warnings(loads_ktab_xml(text, file=p), warnings)]


def load_scenario(
    path: PathLike,
    *,
    format: str | Format | None = None,
    scenario_id: str | None = None,
) -> Scenario:
    """Read one scenario.

    For a DEU table holding several scenarios, ``scenario_id`` picks one (an issue
    code such as ``d00060i1``, or a proposal code such as ``d00060`` to get the
    whole proposal as one multi-issue scenario).

    Raises
    ------
    InputError
        As :func:`load_scenarios`, or when the file holds several scenarios and none
        (or an unknown one) is chosen.
    """
    p = Path(path)
    fmt = _parse_format(format) if format is not None else detect_format(p)
    scenarios = load_scenarios(p, format=fmt)
    if scenario_id is None:
        if len(scenarios) == 1:
            return scenarios[0]
        ids = [s.id for s in scenarios]
        raise InputError(
            f"the file holds {len(scenarios)} scenarios",
            file=p,
            fix=f"choose one with --scenario ID (e.g. {', '.join(ids[:3])}).",
        )
    for s in scenarios:
        if s.id == scenario_id:
            return s
    if fmt is Format.DEU:
        for s in load_scenarios(p, format=fmt, group="proposal"):
            if s.id == scenario_id:
                return s
    from rapidfuzz import process

    ids = [s.id for s in scenarios]
    close = [m[0] for m in process.extract(scenario_id, ids, limit=3)]
    raise InputError(
        f"no scenario {scenario_id!r} in the file",
        file=p,
        fix=f"choose one of the ids in the file, e.g. {', '.join(close)}.",
    )


def locate_problems(problems: Sequence[Problem], path: PathLike) -> list[Problem]:
    """Give problems found after reading (e.g. by data resolution) their file and line.

    Problems keep the file and line they have; the others get ``path``, and for a
    TOML file the line of their field (``actors[2].capability``).

    Parameters
    ----------
    problems
        Problems located by field.
    path
        The scenario file they are about.

    Returns
    -------
    list of Problem
    """
    locate = None
    if any(p.line is None and p.field for p in problems):
        try:
            if detect_format(path) is Format.TOML:
                locate = field_locator(read_text(Path(path), legacy_encodings=False).text)
        except InputError:
            locate = None
    out = []
    for p in problems:
        line = p.line
        if line is None and p.field and locate is not None and p.file in (None, str(path)):
            line = locate(p.field)
        out.append(p.located(Path(path), line))
    return out


def dumps(scenario: Scenario | Sequence[Scenario], format: str | Format) -> str:
    """Serialise scenario(s) in a format (several only for DEU)."""
    fmt = _parse_format(format)
    many = list(scenario) if isinstance(scenario, Sequence) else [scenario]
    if fmt is Format.DEU:
        return dumps_deu(many)
    if len(many) != 1:
        raise InputError(
            f"the {fmt.value} format holds one scenario; got {len(many)}",
            field="format",
            fix="write DEU, or write the scenarios one by one.",
        )
    one = many[0]
    if fmt is Format.TOML:
        return dumps_toml(one)
    if fmt is Format.KTAB_CSV:
        return dumps_ktab_csv(one)
    if fmt is Format.DECIDE:
        return dumps_decide(one)
    return dumps_ktab_xml(one)


def _given(value: Any) -> bool:
    """True if a field holds something (not ``None``, empty, or blank)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict | list | tuple | set):
        return bool(value)
    return True


def left_out(source: Scenario, written: Scenario) -> list[str]:
    """What ``source`` states that ``written`` (the same scenario read back from another
    format) no longer holds, as readable names with counts, e.g. ``"claims (3)"`` or
    ``"stances.uncertainty (24)"``.

    Only presence is compared: a value the format holds differently (a rescaled
    salience, a capability written as a number) is not counted as left out.
    """
    out: list[str] = []
    before, after = source.model_dump(), written.model_dump()
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "actors": lambda d: d["id"],
        "issues": lambda d: d["id"],
        "stances": lambda d: (d["actor"], d["issue"]),
    }
    for field, value in before.items():
        if field in keys:
            key = keys[field]
            back = {key(d): d for d in after.get(field) or []}
            lost: dict[str, int] = {}
            for item in value:
                twin = back.get(key(item))
                if twin is None:
                    lost["(whole entries)"] = lost.get("(whole entries)", 0) + 1
                    continue
                for name, v in item.items():
                    if _given(v) and not _given(twin.get(name)):
                        lost[name] = lost.get(name, 0) + 1
            out += [f"{field}.{name} ({n})" for name, n in lost.items()]
        elif (
            field not in {"meta", "salience_max", "salience_budget"}
            and _given(value)
            and not _given(after.get(field))
        ):
            n = len(value) if isinstance(value, list) else None
            out.append(field if n is None else f"{field} ({n})")
    return out


def write_scenarios(
    scenarios: Sequence[Scenario],
    path: PathLike,
    *,
    format: str | Format | None = None,
    force: bool = False,
) -> Path:
    """Write scenario(s) to a file, atomically; refuse to overwrite without ``force``.

    Returns
    -------
    Path
        The path written.
    """
    p = Path(path)
    fmt = _parse_format(format) if format is not None else _EXT.get(p.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the output format from {p.suffix or 'no extension'}",
            file=p,
            fix="pass --to toml|ktab-csv|ktab-xml|deu|decide.",
        )
    if p.is_dir():
        raise InputError("the output path is a directory", file=p, fix="give a file name.")
    if p.exists() and not force:
        raise InputError(
            "the output file already exists",
            file=p,
            fix="choose another path, or pass --force to overwrite it.",
        )
    from detente._paths import check_writable_file

    check_writable_file(p)
    atomic_write_text(p, dumps(list(scenarios), fmt))
    return p


def write_scenario(
    scenario: Scenario,
    path: PathLike,
    *,
    format: str | Format | None = None,
    force: bool = False,
) -> Path:
    """Write one scenario (see :func:`write_scenarios`)."""
    return write_scenarios([scenario], path, format=format, force=force)
