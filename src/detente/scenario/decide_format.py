"""decide's input format (the exchange model's reference program, decide-exchange-model).

Rows start with a key; fields are separated by a delimiter and quoted as the file's
dialect says (decide sniffs both from the first 1,024 characters, and so do we)::

    #A  actor id  name  comment                      an actor
    #P  issue id  name  description                  an issue
    #M  issue id  position  meaning                  a point of an issue's scale
    #D  actor id  issue id  position  salience  power  [comment]   a stance
    #/ ... , #O ..., #0 ...                          comments (ignored)

An issue's scale runs from its lowest to its highest ``#M`` position (0-100 without
``#M`` rows); the ``#M`` meanings become the issue's anchors.  Saliences are on 0-1
(the scenario's ``salience_max`` is 1) and power is given per actor and issue: an
actor's capability is its most frequent power, and a stance whose power differs
carries its own ``capability``.  Actor-issue rows may be missing.  The stances keep
the ``#D`` order (decide sums over actors in that order).  Files often end in ``.csv``
or ``.txt``; the format is recognised by its content.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from pathlib import Path
from typing import Any

from detente.errors import InputError, Problem
from detente.scenario._build import build_scenario
from detente.scenario.model import ActorKind, Scenario

__all__ = ["dumps_decide", "loads_decide", "looks_like_decide"]

_FORMAT = "decide"
_KEYS = {"#A", "#P", "#M", "#D"}
_COMMENTS = {"#/", "#O", "#0"}
_FIELDS = {"#A": 3, "#P": 3, "#M": 3, "#D": 6}


def _first_cell(line: str) -> str:
    return line.strip().lstrip("'\"").split("'", 1)[0].split('"', 1)[0][:2]


def looks_like_decide(text: str) -> bool:
    """True when the first non-blank rows start with decide's ``#A``/``#P``/... keys."""
    seen = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        head = _first_cell(line)
        if head in _KEYS or head in _COMMENTS:
            seen += 1
            if seen >= 2 or head in _KEYS:
                return True
            continue
        return False
    return False


def _dialect(text: str, fname: str | None) -> type[csv.Dialect] | csv.Dialect:
    try:
        found = csv.Sniffer().sniff(text[:1024], delimiters="\t;,|")
        head = next(csv.reader(io.StringIO(text), dialect=found))
        if head and head[0].strip()[:2] in _KEYS | _COMMENTS:
            return found
    except (csv.Error, StopIteration):
        pass
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    for delim in ("\t", ";", ","):
        if delim in first:

            class _D(csv.excel):
                delimiter = delim
                quotechar = "'" if first.lstrip().startswith("'") else '"'

            return _D
    raise InputError(
        "cannot tell the delimiter of this decide file",
        file=fname,
        line=1,
        fix="separate the fields by tabs, semicolons or commas, e.g. #A;USA;United States;",
    )


def _num(cell: str, *, fname: str | None, line: int, field: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        hint = " (a decimal comma? write a decimal point)" if "," in text else ""
        raise InputError(
            f"{field} {text!r} is not a number{hint}",
            file=fname,
            line=line,
            field=field,
            fix="write a number with a decimal point, e.g. 0.75.",
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"{field} is {text}", file=fname, line=line, field=field, fix="write a number."
        )
    return value


def loads_decide(text: str, *, file: str | Path | None = None) -> Scenario:
    """Parse a decide input file.

    Parameters
    ----------
    text
        The file content.
    file
        Where it came from, for messages.

    Returns
    -------
    Scenario
        Saliences on 0-1, issue scales from the ``#M`` rows, per-issue power as stance
        capabilities where it differs from the actor's.

    Raises
    ------
    InputError
        With the line of each problem and its fix.
    """
    fname = str(file) if file is not None else None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(
            "the file is empty", file=fname, fix="a decide file needs #A, #P and #D rows."
        )
    dialect = _dialect(text, fname)
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    actors: dict[str, dict[str, Any]] = {}
    actor_line: dict[str, int] = {}
    issues: dict[str, dict[str, Any]] = {}
    issue_line: dict[str, int] = {}
    marks: dict[str, list[tuple[float, str, int]]] = {}
    rows_d: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    line = 1
    try:
        for row in reader:
            here = line
            line = reader.line_num + 1
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            key = cells[0]
            if key in _COMMENTS or key.startswith("#/"):
                continue
            if key not in _KEYS:
                raise InputError(
                    f"unknown row key {key!r}",
                    file=fname,
                    line=here,
                    fix="start every row with #A (actor), #P (issue), #M (issue position), "
                    "#D (stance) or #/ (comment).",
                )
            need = _FIELDS[key]
            vals = cells[1:]
            if (key == "#D" and len(vals) < 5) or (key != "#D" and len(vals) < 1):
                raise InputError(
                    f"this {key} row has {len(vals)} field(s); it needs "
                    + ("actor, issue, position, salience and power" if key == "#D" else "an id"),
                    file=fname,
                    line=here,
                    fix="complete the row, e.g. #D;USA;trade;40;0.8;1.0"
                    if key == "#D"
                    else f"write {key};ID;...",
                )
            if len(vals) > need:  # decide joins the overflow into the last field
                vals = [*vals[: need - 1], " ".join(vals[need - 1 :])]
            vals += [""] * (need - len(vals))
            if key == "#A":
                aid = vals[0]
                if aid in actors:
                    problems.append(
                        Problem(
                            f"actor {aid!r} is defined twice (first on line {actor_line[aid]})",
                            fname,
                            here,
                            "#A",
                            "define each actor once.",
                        )
                    )
                    continue
                actors[aid] = {"id": aid, "name": vals[1] or aid, "note": vals[2]}
                actor_line[aid] = here
            elif key == "#P":
                iid = vals[0]
                if iid in issues:
                    problems.append(
                        Problem(
                            f"issue {iid!r} is defined twice (first on line {issue_line[iid]})",
                            fname,
                            here,
                            "#P",
                            "define each issue once.",
                        )
                    )
                    continue
                issues[iid] = {"id": iid, "label": vals[1] or iid, "description": vals[2]}
                issue_line[iid] = here
            elif key == "#M":
                pos = _num(vals[1], fname=fname, line=here, field="position")
                marks.setdefault(vals[0], []).append((pos, vals[2], here))
            else:
                rows_d.append((here, vals))
    except csv.Error as err:
        raise InputError(
            f"the file cannot be parsed: {err}",
            file=fname,
            line=line,
            fix="check the quotes on that line: a quoted field must end with a quote.",
        ) from None
    for iid, pts in marks.items():
        if iid not in issues:
            problems.append(
                Problem(
                    f"#M row for issue {iid!r}, which no #P row defines",
                    fname,
                    pts[0][2],
                    "#M",
                    f"add a #P row for {iid!r} or correct the issue id.",
                )
            )
    if not actors:
        problems.append(Problem("the file defines no actor", fname, None, "#A", "add #A rows."))
    if not issues:
        problems.append(Problem("the file defines no issue", fname, None, "#P", "add #P rows."))
    scale: dict[str, tuple[float, float]] = {}
    for iid, info in issues.items():
        pts = marks.get(iid, [])
        if not pts:
            scale[iid] = (0.0, 100.0)
            continue
        lo = min(p for p, _, _ in pts)
        hi = max(p for p, _, _ in pts)
        if not hi > lo:
            problems.append(
                Problem(
                    f"issue {iid!r}: its #M positions span no interval ({lo:g} to {hi:g})",
                    fname,
                    pts[0][2],
                    "#M",
                    "give at least two #M positions with different values (the ends of the "
                    "scale), or none for 0-100.",
                )
            )
            scale[iid] = (0.0, 100.0)
            continue
        scale[iid] = (lo, hi)
        info["anchors"] = {str(p): m for p, m, _ in pts if m}
    stances: list[dict[str, Any]] = []
    stance_lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    powers: dict[str, list[float]] = {}
    for here, vals in rows_d:
        aid, iid = vals[0], vals[1]
        bad = False
        if aid not in actors:
            problems.append(
                Problem(
                    f"unknown actor {aid!r}",
                    fname,
                    here,
                    "#D actor",
                    f"define it with a #A row, or use one of {sorted(actors)[:5]}.",
                )
            )
            bad = True
        if iid not in issues:
            problems.append(
                Problem(
                    f"unknown issue {iid!r}",
                    fname,
                    here,
                    "#D issue",
                    f"define it with a #P row, or use one of {sorted(issues)[:5]}.",
                )
            )
            bad = True
        if (aid, iid) in seen:
            problems.append(
                Problem(
                    f"a second #D row for actor {aid!r} on issue {iid!r} (the first is on line "
                    f"{seen[(aid, iid)]})",
                    fname,
                    here,
                    "#D",
                    "keep one row per actor and issue.",
                )
            )
            bad = True
        pos = _num(vals[2], fname=fname, line=here, field="position")
        sal = _num(vals[3], fname=fname, line=here, field="salience")
        power = _num(vals[4], fname=fname, line=here, field="power")
        if not 0.0 <= sal <= 1.0:
            problems.append(
                Problem(
                    f"salience {sal:g} is outside 0-1",
                    fname,
                    here,
                    "salience",
                    "decide's saliences run from 0 to 1: divide them by the top of your scale.",
                )
            )
            bad = True
        if power < 0.0:
            problems.append(
                Problem(f"power {power:g} is negative", fname, here, "power", "use 0 or more.")
            )
            bad = True
        if bad:
            continue
        seen[(aid, iid)] = here
        lo, hi = scale[iid]
        if not lo - 1e-9 * (hi - lo) <= pos <= hi + 1e-9 * (hi - lo):
            problems.append(
                Problem(
                    f"position {pos:g} is outside issue {iid!r}'s scale {lo:g}-{hi:g}",
                    fname,
                    here,
                    "position",
                    "use a position between the issue's lowest and highest #M positions.",
                )
            )
            continue
        powers.setdefault(aid, []).append(power)
        stances.append(
            {"actor": aid, "issue": iid, "position": pos, "salience": sal, "_power": power}
        )
        stance_lines.append(here)
        if vals[5]:
            stances[-1]["note"] = vals[5]
    if problems:
        raise InputError(problems)
    cap: dict[str, float] = {}
    for aid in actors:
        vals_ = [v for v in powers.get(aid, []) if v > 0]
        cap[aid] = Counter(vals_).most_common(1)[0][0] if vals_ else 1.0
    for st in stances:
        power = st.pop("_power")
        if power != cap[st["actor"]]:
            st["capability"] = power
    data: dict[str, Any] = {
        "id": Path(fname).stem if fname else "decide_scenario",
        "actors": [
            {**a, "kind": ActorKind.GROUP.value, "capability": cap[a["id"]]}
            for a in actors.values()
        ],
        "issues": [
            {**info, "scale": {"min": scale[iid][0], "max": scale[iid][1]}}
            for iid, info in issues.items()
        ],
        "stances": stances,
        "salience_max": 1.0,
        "meta": {"format": _FORMAT},
    }
    a_lines = list(actor_line.values())
    i_lines = list(issue_line.values())

    def locate(path: str) -> int | None:
        import re

        m = re.match(r"^(stances|actors|issues)\[(\d+)\]", path)
        if not m:
            return None
        lines = {"stances": stance_lines, "actors": a_lines, "issues": i_lines}[m.group(1)]
        n = int(m.group(2))
        return lines[n] if n < len(lines) else None

    try:
        return build_scenario(data, file=file, locate=locate)
    except InputError as err:
        raise InputError(err.problems) from None


def _cell(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{x:.1f}"
    return repr(float(x))


def dumps_decide(scenario: Scenario) -> str:
    """Write a scenario in decide's format (tab-separated, fields quoted with ``'``).

    Positions stay on each issue's own scale (the ``#M`` rows give the scale's ends
    and the anchors), saliences are divided by ``salience_max`` (decide's 0-1) and each
    ``#D`` row carries the stance's power (its own capability, else its actor's).

    Raises
    ------
    InputError
        If a capability is an unresolved data reference.
    """
    s = scenario
    if s.unresolved_actors:
        raise InputError(
            f"decide's format needs numeric capabilities; {', '.join(s.unresolved_actors)} "
            "take theirs from data references that are not resolved",
            field="actors.capability",
            fix="resolve them first (detente.data.resolve_capabilities), or give numbers.",
        )
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter="\t", quotechar="'", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n"
    )

    def text(v: str) -> str:
        return " ".join(v.replace("\t", " ").split())

    for a in s.actors:
        w.writerow(["#A", a.id, text(a.name), text(a.note or a.description)])
    for i in s.issues:
        w.writerow(["#P", i.id, text(i.label), text(i.description)])
        points = {i.scale.min: "", i.scale.max: ""}
        points.update({float(k): text(v) for k, v in i.anchors.items()})
        for pt in sorted(points):
            w.writerow(["#M", i.id, float(pt), points[pt]])
    caps = {a.id: a.capability_value for a in s.actors}
    for st in s.stances:
        power = st.capability if st.capability is not None else caps[st.actor]
        assert power is not None
        row: list[Any] = [
            "#D",
            st.actor,
            st.issue,
            float(st.position),
            float(st.salience / s.salience_max),
            float(power),
        ]
        if st.note:
            row.append(text(st.note))
        w.writerow(row)
    return buf.getvalue()
