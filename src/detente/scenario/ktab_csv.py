"""KTAB's CSV scenario format (``smpc --csv``).

Layout, as read by KTAB's ``SMPModel::csvRead``::

    line 1   scenario name, description, number of actors, number of dimensions[, ...]
    line 2   Actor, Description, <capability label>, <dim 1 position>, <dim 1 salience>, ...
    line 3+  one row per actor: name, description, capability, then position and
             salience for each dimension, all on 0-100

Rules KTAB enforces, and so do we: positions and saliences lie in [0, 100]; each
actor's saliences sum to at most 100; capability is not negative.  detente also
rejects a zero capability (it gives the actor no say at all; drop the actor instead).
Empty trailing fields (a final comma, padding such as ``0,,,,``) are ignored, as
KTAB ignores them.  KTAB keeps names verbatim (``"  XYZ Position"``); so do we, in
labels, while ids are the names stripped of surrounding spaces.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

from detente.errors import InputError, Problem
from detente.scenario._build import build_scenario, same_names, unique_ids
from detente.scenario.model import ActorKind, Scenario, size_problem

__all__ = [
    "check_ktab_budget",
    "check_one_capability",
    "dumps_ktab_csv",
    "ktab_names",
    "loads_ktab_csv",
]

_FORMAT = "ktab-csv"


def _rows(text: str, file: str | None) -> tuple[list[list[str]], list[int]]:
    """The CSV rows and the line each starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=False, strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(
            f"the CSV cannot be parsed: {err}",
            file=file,
            line=reader.line_num or start,
            fix="check the quotes on that line: a quoted field must end with a quote.",
        ) from None
    return rows, lines


def _trim(fields: list[str]) -> list[str]:
    """Drop empty fields at the end of a row (trailing commas)."""
    out = list(fields)
    while out and not out[-1].strip():
        out.pop()
    return out


def _num(
    cell: str, *, file: str | None, line: int, field: str, what: str, fix: str | None = None
) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        hint = ""
        if re.fullmatch(r"\s*-?\d+,\d+\s*", cell):
            hint = " (a decimal comma? KTAB CSV needs a decimal point)"
        raise InputError(
            f"{what} {cell.strip()!r} is not a number{hint}",
            file=file,
            line=line,
            field=field,
            fix=fix or "write a number with a decimal point, e.g. 42.5.",
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"{what} is {cell.strip()}", file=file, line=line, field=field, fix="write a number."
        )
    return value


def _check_delimiter(lines: list[str], file: str | None) -> None:
    if len(lines) < 2:
        return
    header = lines[1]
    for delim, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if "," not in header and header.count(delim) >= 2:
            raise InputError(
                f"the header row is separated by {name}, but KTAB CSV files use commas",
                file=file,
                line=2,
                fix="re-export the file with ',' as the delimiter and '.' as the decimal "
                "point (in a spreadsheet: CSV, comma-separated).",
            )


def loads_ktab_csv(text: str, *, file: str | Path | None = None) -> Scenario:
    """Parse a KTAB CSV scenario.

    Parameters
    ----------
    text
        The file content.
    file
        Where it came from, for messages.

    Returns
    -------
    Scenario
        One actor per row, one issue per dimension (scale 0-100), a salience budget
        of 100, and ``meta`` holding the header labels for a faithful write-back.

    Raises
    ------
    InputError
        With the line and field of the first structural problem, or every semantic
        problem at once.
    """
    fname = str(file) if file is not None else None
    # old Mac (CR) and Windows (CRLF) line ends are read as LF
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise InputError(
            "the file is empty",
            file=fname,
            fix="a KTAB CSV needs a title line, a header and one row per actor.",
        )
    _check_delimiter(lines, fname)
    rows, row_lines = _rows(text, fname)
    first = _trim(rows[0])
    if len(first) < 4:
        raise InputError(
            f"the first line has {len(first)} field(s); KTAB expects scenario name, "
            "description, number of actors, number of dimensions",
            file=fname,
            line=1,
            fix='start the file with e.g. `MyScenario,"what it is about",7,3`.',
        )
    name, desc = first[0], first[1]
    if not name.strip():
        name = ""  # no name: the scenario takes its id's
    counts = []
    for idx, what in ((2, "number of actors"), (3, "number of dimensions")):
        cell = first[idx].strip()
        if not re.fullmatch(r"\d+", cell):
            raise InputError(
                f"{what} {cell!r} is not a whole number",
                file=fname,
                line=1,
                field=f"field {idx + 1}",
                fix=f"line 1 must read: name, description, {'number of actors'}, "
                "number of dimensions.",
            )
        counts.append(int(cell))
    n_act, n_dim = counts
    why = size_problem(n_act, n_dim)
    if why is not None:
        raise InputError(
            f"line 1 declares {why}",
            file=fname,
            line=1,
            fix="check the numbers of actors and dimensions on line 1, or split the scenario.",
        )
    if n_dim < 1:
        raise InputError(
            "the number of dimensions is 0", file=fname, line=1, fix="declare at least one."
        )
    if len(rows) < 2:
        raise InputError(
            "the header line is missing", file=fname, line=2, fix="add the column header line."
        )
    header = _trim(rows[1])
    need = 3 + 2 * n_dim
    if len(header) < need:
        raise InputError(
            f"the header has {len(header)} columns; {n_dim} dimension(s) need {need} "
            "(Actor, Description, capability, then a position and a salience column per "
            "dimension)",
            file=fname,
            line=2,
            fix="make the header match the number of dimensions declared on line 1.",
        )
    dim_labels = [header[3 + 2 * d] for d in range(n_dim)]
    sal_labels = [header[4 + 2 * d] for d in range(n_dim)]
    warnings: list[str] = []
    if len(header) > need:
        warnings.append(
            f"line 2: {len(header) - need} extra header column(s) ignored, as KTAB does"
        )

    data_rows: list[tuple[int, list[str]]] = []
    for n, row in zip(row_lines[2:], rows[2:], strict=True):
        if not _trim(row):
            continue
        data_rows.append((n, row))
    if len(data_rows) < n_act:
        last = data_rows[-1][0] if data_rows else 2
        raise InputError(
            f"line 1 declares {n_act} actors but the file has {len(data_rows)} actor row(s)",
            file=fname,
            line=last + 1,
            fix="add the missing rows, or correct the number of actors on line 1 "
            "(is the file truncated?).",
        )
    if len(data_rows) > n_act:
        warnings.append(
            f"line {data_rows[n_act][0]}: {len(data_rows) - n_act} row(s) after the "
            f"{n_act} declared actors ignored, as KTAB does"
        )

    problems: list[Problem] = []
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    names = [r[0] for _, r in data_rows[:n_act]]
    for d in range(n_dim):
        if not dim_labels[d].strip():
            problems.append(
                Problem(
                    f"the header gives dimension {d + 1} no name (column {4 + 2 * d} is blank)",
                    fname,
                    2,
                    f"column {4 + 2 * d}",
                    "name each dimension's position column in the header.",
                )
            )
    problems += same_names(
        [(dim_labels[d], 2, f"column {4 + 2 * d}") for d in range(n_dim)],
        "dimension",
        fname,
        "give each dimension its own name: KTAB tells dimensions apart by their names.",
    )
    for (line, _), nm in zip(data_rows[:n_act], names, strict=True):
        if not nm.strip():
            problems.append(
                Problem(
                    "this actor row has no name (the first field is blank)",
                    fname,
                    line,
                    header[0].strip() or "field 1",
                    "give every actor a name in the first field.",
                )
            )
    problems += same_names(
        [
            (nm, line, header[0].strip() or "field 1")
            for (line, _), nm in zip(data_rows[:n_act], names, strict=True)
        ],
        "actor",
        fname,
        "give each actor its own name (a copied row?): KTAB matches actors by name.",
    )
    if problems:
        raise InputError(problems)
    actor_ids = unique_ids(names, "actor")
    issue_ids = unique_ids(dim_labels, "dim")
    actor_lines: dict[int, int] = {}
    for a, (line, row) in enumerate(data_rows[:n_act]):
        cells = _trim(row)
        if len(cells) < need:
            raise InputError(
                f"this actor row has {len(cells)} field(s); expected {need} (name, "
                f"description, capability, then position and salience for {n_dim} "
                "dimension(s))",
                file=fname,
                line=line,
                fix="complete the row (is the file truncated, or a value missing?).",
            )
        if len(cells) > need:
            raise InputError(
                f"this actor row has {len(cells)} values; expected {need} (name, "
                f"description, capability, then position and salience for {n_dim} "
                "dimension(s))",
                file=fname,
                line=line,
                fix="remove the extra values; if numbers use a decimal comma (10,5), write "
                "a decimal point (10.5) instead.",
            )
        actor_lines[a] = line
        cap = _num(cells[2], file=fname, line=line, field=header[2].strip(), what="capability")
        if not cap > 0:
            problems.append(
                Problem(
                    f"capability {cells[2].strip()} of actor {names[a].strip()!r} is not positive",
                    fname,
                    line,
                    header[2].strip(),
                    "give every actor a capability above 0 (an actor with none takes no "
                    "part: remove its row and lower the actor count on line 1).",
                )
            )
            cap = 1.0  # keep parsing so that every problem is reported at once
        actors.append(
            {
                "id": actor_ids[a],
                "name": names[a],
                "description": cells[1],
                "kind": ActorKind.GROUP.value,
                "capability": cap,
            }
        )
        for d in range(n_dim):
            pos = _num(
                cells[3 + 2 * d],
                file=fname,
                line=line,
                field=dim_labels[d].strip(),
                what="position",
            )
            sal = _num(
                cells[4 + 2 * d],
                file=fname,
                line=line,
                field=sal_labels[d].strip(),
                what="salience",
            )
            stances.append(
                {"actor": actor_ids[a], "issue": issue_ids[d], "position": pos, "salience": sal}
            )
    if problems:
        raise InputError(problems)

    data: dict[str, Any] = {
        "id": _slug(name) or "ktab_scenario",
        "name": name,
        "description": desc,
        "actors": actors,
        "issues": [
            {"id": issue_ids[d], "label": dim_labels[d], "scale": {"min": 0.0, "max": 100.0}}
            for d in range(n_dim)
        ],
        "stances": stances,
        "salience_budget": 100.0,
        "meta": {
            "format": _FORMAT,
            "capability_label": header[2],
            "salience_labels": sal_labels,
            "header_first": [header[0], header[1]],
            **({"warnings": warnings} if warnings else {}),
        },
    }

    def locate(path: str) -> int | None:
        m = re.match(r"^stances\[(\d+)\]", path)
        if m:
            return actor_lines.get(int(m.group(1)) // n_dim)
        m = re.match(r"^actors\[(\d+)\]", path)
        if m:
            return actor_lines.get(int(m.group(1)))
        if path.startswith("issues"):
            return 2
        return 1

    return build_scenario(data, file=file, locate=locate)


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_")
    return s[:80]


def _fmt(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def check_one_capability(scenario: Scenario, what: str) -> None:
    """Refuse a scenario whose stances carry their own capability (per-issue power).

    Parameters
    ----------
    scenario
        The scenario to write.
    what
        The format's name, for the message.

    Raises
    ------
    InputError
        Naming the first such stance.
    """
    for n, st in enumerate(scenario.stances):
        if st.capability is not None:
            raise InputError(
                f"stance {st.actor!r} on {st.issue!r} has its own capability "
                f"({st.capability:g}); {what} holds one capability per actor",
                field=f"stances[{n}].capability",
                fix="write TOML or decide's format, which keep per-issue power, or remove "
                "the stance capabilities.",
            )


def ktab_names(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The name to write for each id in a KTAB file, which knows things by name only.

    Each keeps its name, except where names would clash (compared without
    surrounding space, as the readers compare them) or be blank: those are written
    as their ids, which are unique.

    Parameters
    ----------
    pairs
        ``(id, name)`` of every actor (or every issue).

    Returns
    -------
    dict
        id -> name to write.
    """
    label = dict(pairs)
    while True:
        counts = Counter(v.strip() for v in label.values())
        clash = [i for i, v in label.items() if v != i and (counts[v.strip()] > 1 or not v.strip())]
        if not clash:
            return label
        for i in clash:
            label[i] = i


def check_ktab_budget(actor_id: str, total: float, what: str) -> None:
    """Refuse to write saliences that KTAB (and detente's KTAB readers) would refuse.

    Parameters
    ----------
    actor_id
        The actor.
    total
        Its saliences summed over the issues, on KTAB's 0-100 scale.
    what
        ``"CSV"`` or ``"XML"``, for the message.

    Raises
    ------
    InputError
        If ``total`` is above 100.
    """
    if total > 100.0 * (1 + 1e-9):
        raise InputError(
            f"actor {actor_id!r}'s saliences sum to {total:g} on a 0-100 scale; KTAB allows "
            "at most 100 per actor",
            field=f"stances ({actor_id})",
            fix=f"rescale the saliences so each actor's sum is at most 100, or keep TOML "
            f"(KTAB {what} cannot hold them).",
        )


def dumps_ktab_csv(scenario: Scenario) -> str:
    """Write a scenario as KTAB CSV.

    Every issue is written on KTAB's 0-100 scale (rescaled linearly from its own scale
    if needed), and saliences on 0-100.  KTAB needs a number for every actor and
    dimension: an actor with no stance on an issue is written at the issue's status
    quo (or mid-scale) with salience 0.

    Raises
    ------
    InputError
        If a capability is an unresolved data reference, or saliences cannot fit
        KTAB's budget of 100 per actor.
    """
    s = scenario
    check_one_capability(s, "KTAB CSV")
    unresolved = s.unresolved_actors
    if unresolved:
        raise InputError(
            f"KTAB CSV needs numeric capabilities; {', '.join(unresolved)} take theirs from "
            "data references that are not resolved",
            field="actors.capability",
            fix="resolve them first (detente.data.resolve_capabilities), or give numbers.",
        )
    meta = s.meta if s.meta.get("format") == _FORMAT else {}
    sal_factor = 100.0 / s.salience_max
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([s.name, s.description, len(s.actors), len(s.issues)])
    sal_labels = meta.get("salience_labels") or []
    head = list(meta.get("header_first") or ["Actor", "Description"])
    head.append(meta.get("capability_label", "Capability"))
    label_of = ktab_names([(i.id, i.label) for i in s.issues])
    name_of = ktab_names([(a.id, a.name) for a in s.actors])
    for d, issue in enumerate(s.issues):
        label = label_of[issue.id]
        head.append(label)
        head.append(sal_labels[d] if d < len(sal_labels) else f"{label.strip()} Salience")
    w.writerow(head)
    for a in s.actors:
        cap = a.capability_value
        assert cap is not None
        row: list[str] = [name_of[a.id], a.description, _fmt(cap)]
        total = 0.0
        for issue in s.issues:
            st = s.stance(a.id, issue.id)
            lo, hi = issue.scale.min, issue.scale.max
            rescale = not (lo == 0.0 and hi == 100.0)
            if st is None:
                mid = issue.status_quo if issue.status_quo is not None else (lo + hi) / 2
                pos, sal = mid, 0.0
            else:
                pos, sal = st.position, st.salience * sal_factor
            if rescale:
                pos = (pos - lo) / (hi - lo) * 100.0
            total += sal
            row += [_fmt(pos), _fmt(sal)]
        check_ktab_budget(a.id, total, "CSV")
        w.writerow(row)
    return buf.getvalue()
