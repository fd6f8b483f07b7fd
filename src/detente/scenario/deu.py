"""DEU-style tables of EU legislative decisions (Thomson et al. 2006; Arregui & Perarnaud 2022).

One row per controversial issue; TAB-separated; strings in double quotes, numbers
bare.  Columns:

* proposal and issue metadata: ``prnrnmc isnrnmc prnr prname isnr type council proc
  counvte proccde issues intro finact``;
* for each actor code ``X`` (``com``, ``ep``, then member states ``at be ...``), a
  position column ``pX`` and a salience column ``sX``, both on 0-100; empty = the
  actor took no position;
* ``rp`` (reference point, i.e. status quo) and ``out`` (the outcome), on 0-100.

An optional second line with an empty ``prnr`` holds capability weights in the
position columns (the blksv copy of DEU III adds GDP-based weights there).  Without
it every actor gets capability 1 and the scenario says so in ``meta``.

Reading gives one :class:`Scenario` per issue (``group="issue"``) or one
multi-issue scenario per proposal (``group="proposal"``).  A position with an empty
salience becomes a stance with salience 0 (it carries no weight), recorded in
``meta["missing_salience"]`` so that writing back restores the empty cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from detente.errors import InputError, Problem
from detente.scenario._build import build_scenario
from detente.scenario.ktab_csv import check_one_capability
from detente.scenario.model import ActorKind, Scenario

__all__ = ["DEU_ACTORS", "dumps_deu", "loads_deu", "looks_like_deu"]

_FORMAT = "deu"

#: DEU actor codes -> (id, name, kind, ISO3).
DEU_ACTORS: dict[str, tuple[str, str, ActorKind, str | None]] = {
    "com": ("COM", "European Commission", ActorKind.ORGANISATION, None),
    "ep": ("EP", "European Parliament", ActorKind.ORGANISATION, None),
    "at": ("AUT", "Austria", ActorKind.STATE, "AUT"),
    "be": ("BEL", "Belgium", ActorKind.STATE, "BEL"),
    "bu": ("BGR", "Bulgaria", ActorKind.STATE, "BGR"),
    "cr": ("HRV", "Croatia", ActorKind.STATE, "HRV"),
    "cy": ("CYP", "Cyprus", ActorKind.STATE, "CYP"),
    "cz": ("CZE", "Czechia", ActorKind.STATE, "CZE"),
    "dk": ("DNK", "Denmark", ActorKind.STATE, "DNK"),
    "ee": ("EST", "Estonia", ActorKind.STATE, "EST"),
    "fi": ("FIN", "Finland", ActorKind.STATE, "FIN"),
    "fr": ("FRA", "France", ActorKind.STATE, "FRA"),
    "de": ("DEU", "Germany", ActorKind.STATE, "DEU"),
    "el": ("GRC", "Greece", ActorKind.STATE, "GRC"),
    "hu": ("HUN", "Hungary", ActorKind.STATE, "HUN"),
    "ie": ("IRL", "Ireland", ActorKind.STATE, "IRL"),
    "it": ("ITA", "Italy", ActorKind.STATE, "ITA"),
    "lv": ("LVA", "Latvia", ActorKind.STATE, "LVA"),
    "lt": ("LTU", "Lithuania", ActorKind.STATE, "LTU"),
    "lu": ("LUX", "Luxembourg", ActorKind.STATE, "LUX"),
    "mt": ("MLT", "Malta", ActorKind.STATE, "MLT"),
    "nl": ("NLD", "Netherlands", ActorKind.STATE, "NLD"),
    "pl": ("POL", "Poland", ActorKind.STATE, "POL"),
    "pt": ("PRT", "Portugal", ActorKind.STATE, "PRT"),
    "ro": ("ROU", "Romania", ActorKind.STATE, "ROU"),
    "si": ("SVN", "Slovenia", ActorKind.STATE, "SVN"),
    "sk": ("SVK", "Slovakia", ActorKind.STATE, "SVK"),
    "es": ("ESP", "Spain", ActorKind.STATE, "ESP"),
    "se": ("SWE", "Sweden", ActorKind.STATE, "SWE"),
    "uk": ("GBR", "United Kingdom", ActorKind.STATE, "GBR"),
}

_META_COLS = (
    "prnrnmc",
    "isnrnmc",
    "prnr",
    "prname",
    "isnr",
    "type",
    "council",
    "proc",
    "counvte",
    "proccde",
    "issues",
    "intro",
    "finact",
)
_PROPOSAL_COLS = tuple(c for c in _META_COLS if c not in ("isnrnmc", "isnr"))
_REQUIRED = ("prnr", "isnr", "out")

#: Most issue rows read from one table (each becomes a scenario).
MAX_ROWS = 10_000


def looks_like_deu(text: str) -> bool:
    """True if the first line is a DEU header (has ``prnr`` and ``isnr``; ``out`` too,
    or the reader says it is missing)."""
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0].replace('"', "")
    cols = {c.strip() for c in re.split(r"[\t,;]", first.strip())}
    return "prnr" in cols and "isnr" in cols


def _cell(raw: str) -> Any:
    """A cell as in the file: quoted -> str, empty -> None, else a number."""
    s = raw.strip()
    if not s:
        return None
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return s[1:-1].replace('""', '"')
    try:
        f = float(s)
    except ValueError:
        return s
    return int(f) if f.is_integer() and re.fullmatch(r"-?\d+", s) else f


def _split(line: str, delim: str) -> list[str]:
    # DEU cells never contain the delimiter, so a plain split keeps the quotes,
    # which tell strings from numbers; fall back to csv for anything else.
    parts = line.split(delim)
    if any(p.count('"') % 2 for p in parts):
        row = next(csv.reader([line], delimiter=delim))
        return [f'"{c}"' if c and not _is_number(c) else c for c in row]
    return parts


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _as_float(v: Any, *, file: str | None, line: int, col: str) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError(
            f"{v!r} is not a number",
            file=file,
            line=line,
            field=col,
            fix="positions, saliences, rp and out are numbers on 0-100, or empty.",
        ) from None


def loads_deu(
    text: str,
    *,
    file: str | Path | None = None,
    group: Literal["issue", "proposal"] = "issue",
    skipped: list[InputError] | None = None,
) -> list[Scenario]:
    """Parse a DEU-style table.

    Parameters
    ----------
    text
        The file content (TAB-separated; commas and semicolons are detected too).
    file
        Where it came from, for messages.
    group
        ``"issue"``: one scenario per row; ``"proposal"``: one multi-issue scenario per
        proposal (rows sharing ``prnr``).
    skipped
        If a list is given, an issue (or proposal) that is not a valid scenario -- e.g.
        only one actor took a position -- is left out and its error appended here,
        instead of failing the whole table.  Structural errors of the file (header,
        ragged rows, values that are not numbers) always raise.

    Returns
    -------
    list of Scenario
        In file order.

    Raises
    ------
    InputError
        Missing columns, ragged rows, values that are not numbers or lie off the
        0-100 scale -- each with its line and column.
    """
    fname = str(file) if file is not None else None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("the file is empty", file=fname, fix="give a DEU table with a header.")
    head_line = lines[0]
    delim = max(("\t", ",", ";"), key=head_line.count)
    header = ["" if (v := _cell(c)) is None else str(v) for c in _split(head_line, delim)]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"the header lacks the DEU column(s) {missing}",
            file=fname,
            line=1,
            fix="a DEU table needs prnr, isnr, p<actor>/s<actor> column pairs and out.",
        )
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise InputError(
            f"the header names the column(s) {twice} twice",
            file=fname,
            line=1,
            fix="give each column its own name (one p<code>/s<code> pair per actor).",
        )
    col = {c: n for n, c in enumerate(header)}
    codes = [
        c[1:] for c in header if c.startswith("p") and f"s{c[1:]}" in col and c not in _META_COLS
    ]
    if not codes:
        raise InputError(
            "no actor columns found (pairs such as pcom/scom)",
            file=fname,
            line=1,
            fix="name each actor's position column p<code> and salience column s<code>.",
        )
    bad = [c for c in codes if not re.fullmatch(r"[A-Za-z0-9_]+", c)]
    if bad:
        raise InputError(
            f"the actor column(s) {', '.join(repr('p' + c) for c in bad)} have no usable "
            "actor code (letters, digits and '_' after the p and the s)",
            file=fname,
            line=1,
            fix="name each actor's columns p<code> and s<code>, e.g. pcom and scom.",
        )
    same: dict[str, list[str]] = {}
    for c in codes:
        same.setdefault(_actor_info(c)[0], []).append(c)
    for aid, cs in same.items():
        if len(cs) > 1:
            raise InputError(
                f"the columns {' and '.join('p' + c for c in cs)} are the same actor ({aid})",
                file=fname,
                line=1,
                fix="keep one pair of columns per actor.",
            )

    cap_row: dict[str, float] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = [_cell(c) for c in _split(line, delim)]
        if len(cells) < len(header):
            # trailing empty cells may be cut by some editors
            if all(c is None for c in cells[len(cells) :]) and len(cells) >= col["out"]:
                cells += [None] * (len(header) - len(cells))
            else:
                raise InputError(
                    f"this row has {len(cells)} cells; the header has {len(header)}",
                    file=fname,
                    line=n,
                    fix="check for a missing or extra delimiter (is the row truncated?).",
                )
        if len(cells) > len(header) and any(c is not None for c in cells[len(header) :]):
            raise InputError(
                f"this row has {len(cells)} cells; the header has {len(header)}",
                file=fname,
                line=n,
                fix="check for an extra delimiter in this row.",
            )
        if cells[col["prnr"]] is None:
            if cap_row is not None or rows:
                raise InputError(
                    "a row without prnr (proposal code)",
                    file=fname,
                    line=n,
                    fix="only the capability row (line 2) may leave prnr empty.",
                )
            cap_row = {}
            for code in codes:
                v = _as_float(cells[col[f"p{code}"]], file=fname, line=n, col=f"p{code}")
                if v is not None:
                    if not v > 0:
                        raise InputError(
                            f"capability {v:g} of actor {code!r} is not positive",
                            file=fname,
                            line=n,
                            field=f"p{code}",
                            fix="capability weights must be above 0 (or the cell empty).",
                        )
                    cap_row[code] = v
            continue
        rows.append((n, cells))
        if len(rows) > MAX_ROWS:
            raise InputError(
                f"the table has more than {MAX_ROWS:,} issue rows; detente reads at most "
                f"{MAX_ROWS:,} (the DEU datasets have a few hundred)",
                file=fname,
                line=n,
                fix="split the table into several files.",
            )
    if not rows:
        raise InputError("the table has no issue rows", file=fname, fix="add one row per issue.")

    # group rows
    groups: dict[str, list[tuple[int, list[Any]]]] = {}
    for n, cells in rows:
        if cells[col["isnr"]] is None:
            raise InputError(
                "a row without isnr (issue code)",
                file=fname,
                line=n,
                field="isnr",
                fix="give every issue row its code, e.g. d00060i1.",
            )
        key = str(cells[col["isnr"]]) if group == "issue" else str(cells[col["prnr"]])
        if group == "issue" and key in groups:
            raise InputError(
                f"issue {key!r} appears twice (first on line {groups[key][0][0]})",
                file=fname,
                line=n,
                field="isnr",
                fix="give each row a unique isnr.",
            )
        groups.setdefault(key, []).append((n, cells))

    out: list[Scenario] = []
    for key, members in groups.items():
        try:
            out.append(_scenario(key, members, header, col, codes, cap_row, fname, group))
        except InputError as err:
            if skipped is None:
                raise
            skipped.append(err)
    return out


def _title(cells: list[Any], col: dict[str, int], key: str) -> str:
    """The proposal's name (``prname``), or ``key`` when the cell is empty or blank."""
    v = cells[col["prname"]] if "prname" in col else None
    return str(v).strip() if v is not None and str(v).strip() else key


def _actor_info(code: str) -> tuple[str, str, ActorKind, str | None]:
    return DEU_ACTORS.get(code, (code.upper(), code.upper(), ActorKind.GROUP, None))


def _scenario(
    key: str,
    members: list[tuple[int, list[Any]]],
    header: list[str],
    col: dict[str, int],
    codes: list[str],
    cap_row: dict[str, float] | None,
    fname: str | None,
    group: str,
) -> Scenario:
    first = members[0][1]
    issues: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    missing_sal: list[list[str]] = []
    used: list[str] = []
    issue_meta: dict[str, dict[str, Any]] = {}
    stance_lines: list[int] = []
    issue_lines: list[int] = []
    problems: list[Problem] = []
    for line, cells in members:
        isnr = str(cells[col["isnr"]])
        k = len(issues) + 1
        rp = _as_float(cells[col["rp"]], file=fname, line=line, col="rp") if "rp" in col else None
        outcome = _as_float(cells[col["out"]], file=fname, line=line, col="out")
        issues.append(
            {
                "id": isnr,
                "label": f"{_title(cells, col, key)}: issue {k}",
                "scale": {"min": 0.0, "max": 100.0},
                "status_quo": rp,
                "outcome": outcome,
            }
        )
        issue_lines.append(line)
        issue_meta[isnr] = {c: cells[col[c]] for c in ("isnrnmc",) if c in col}
        for code in codes:
            pos = _as_float(cells[col[f"p{code}"]], file=fname, line=line, col=f"p{code}")
            sal = _as_float(cells[col[f"s{code}"]], file=fname, line=line, col=f"s{code}")
            if pos is None:
                if sal == 0.0:
                    # a salience of 0 for an actor with no position: kept for write-back
                    issue_meta[isnr].setdefault("zero_salience_without_position", []).append(code)
                elif sal is not None:
                    problems.append(
                        Problem(
                            f"actor {code!r} has a salience ({sal:g}) but no position",
                            fname,
                            line,
                            f"p{code}",
                            "give the position, or clear the salience.",
                        )
                    )
                continue
            aid = _actor_info(code)[0]
            if aid not in used:
                used.append(aid)
            if sal is None:
                missing_sal.append([aid, isnr])
            stances.append({"actor": aid, "issue": isnr, "position": pos, "salience": sal or 0.0})
            stance_lines.append(line)
    if problems:
        raise InputError(problems)
    code_of = {_actor_info(c)[0]: c for c in codes}
    actors = []
    for aid in used:
        code = code_of[aid]
        _, name, kind, iso3 = _actor_info(code)
        cap = cap_row.get(code, None) if cap_row is not None else 1.0
        if cap is None:
            raise InputError(
                f"actor {code!r} takes a position but has no capability on line 2",
                file=fname,
                line=2,
                field=f"p{code}",
                fix="fill in its capability weight, or remove the capability row.",
            )
        actors.append(
            {"id": aid, "name": name, "kind": kind.value, "iso3": iso3, "capability": cap}
        )
    proposal = {c: first[col[c]] for c in _PROPOSAL_COLS if c in col}
    meta: dict[str, Any] = {
        "format": _FORMAT,
        "proposal": proposal,
        "issues": issue_meta,
        "actor_codes": {aid: code_of[aid] for aid in used},
        "capability_row": cap_row is not None,
        "columns": header,
    }
    if missing_sal:
        meta["missing_salience"] = missing_sal
    if cap_row is None:
        meta["note"] = "no capability row: every actor has capability 1"
    name = _title(first, col, key)
    data = {
        "id": re.sub(r"[^A-Za-z0-9_.\-]+", "_", key)[:80] or "issue",
        "name": name,
        "description": f"DEU {group} {key}",
        "actors": actors,
        "issues": issues,
        "stances": stances,
        "meta": meta,
    }

    def locate(path: str) -> int | None:
        m = re.match(r"^stances\[(\d+)\]", path)
        if m:
            return stance_lines[int(m.group(1))]
        m = re.match(r"^issues\[(\d+)\]", path)
        if m:
            return issue_lines[int(m.group(1))]
        return members[0][0]

    return build_scenario(data, file=fname, locate=locate)


def _out(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    # a DEU cell holds one line of text: tabs and line breaks would split the table
    text = re.sub(r"[\t\r\n]+", " ", str(v))
    return '"' + text.replace('"', '""') + '"'


def dumps_deu(scenarios: Sequence[Scenario]) -> str:
    """Write scenarios as one DEU table (TAB-separated), one row per issue.

    Columns are taken from the first scenario read from a DEU file, or DEU III's
    standard layout.  The capability row is written when the scenarios came with
    one (or were not read from DEU at all).  Actors are mapped back to their DEU
    codes; actors that are not DEU actors are written under their lower-case ids.
    """
    if not scenarios:
        raise ValueError("no scenarios to write")
    meta0 = scenarios[0].meta if scenarios[0].meta.get("format") == _FORMAT else {}
    codes: list[str] = []
    code_for: dict[str, str] = {}
    by_id = {v[0]: k for k, v in DEU_ACTORS.items()}
    for s in scenarios:
        check_one_capability(s, "a DEU table")
        known = s.meta.get("actor_codes", {}) if s.meta.get("format") == _FORMAT else {}
        for a in s.actors:
            if a.id in code_for:
                continue
            code = known.get(a.id) or by_id.get(a.id)
            if code is None:
                base = re.sub(r"[^a-z0-9_]", "", a.id.lower()) or "actor"
                code, k = base, 2
                taken = set(code_for.values()) | set(DEU_ACTORS)
                while code in taken or f"p{code}" in _META_COLS or f"s{code}" in _META_COLS:
                    code, k = f"{base}{k}", k + 1
            code_for[a.id] = code
            if code not in codes:
                codes.append(code)
    columns = list(meta0.get("columns") or [])
    if not columns or any(f"p{c}" not in columns for c in codes):
        order = [c for c in DEU_ACTORS if c in codes] + [c for c in codes if c not in DEU_ACTORS]
        columns = [
            *_META_COLS,
            *(f"p{c}" for c in order),
            *(f"s{c}" for c in order),
            "rp",
            "out",
        ]
    col_codes = [
        c[1:]
        for c in columns
        if c.startswith("p") and f"s{c[1:]}" in columns and c not in _META_COLS
    ]
    lines = ["\t".join(_out(c) for c in columns)]
    if any(s.meta.get("capability_row", True) for s in scenarios):
        caps: dict[str, float] = {}
        for s in scenarios:
            for a in s.actors:
                v = a.capability_value
                if v is not None:
                    caps.setdefault(code_for[a.id], v)
        row = []
        for c in columns:
            code = c[1:] if c.startswith("p") and c[1:] in col_codes else None
            row.append(_out(str(_out(caps[code])) if code in caps else None) if code else "")
        lines.append("\t".join(row))
    for s in scenarios:
        prop = s.meta.get("proposal", {}) if s.meta.get("format") == _FORMAT else {}
        imeta = s.meta.get("issues", {}) if s.meta.get("format") == _FORMAT else {}
        missing = {tuple(x) for x in s.meta.get("missing_salience", [])}
        for issue in s.issues:
            values: dict[str, Any] = dict(prop)
            values.update(imeta.get(issue.id, {}))
            values.setdefault("prnr", s.id)
            values.setdefault("prname", s.name)
            values["isnr"] = issue.id
            values["rp"] = issue.status_quo
            values["out"] = issue.outcome
            for code in values.pop("zero_salience_without_position", []):
                values[f"s{code}"] = 0
            for st in s.stances:
                if st.issue != issue.id:
                    continue
                code = code_for[st.actor]
                values[f"p{code}"] = st.position
                values[f"s{code}"] = None if (st.actor, st.issue) in missing else st.salience
            lines.append("\t".join(_out(values.get(c)) for c in columns))
    return "\n".join(lines) + "\n"
