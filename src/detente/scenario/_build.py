"""Turn raw mappings into a :class:`Scenario`, with every problem located."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import Problem, ScenarioError
from detente.scenario.model import Scenario, SemanticError, size_problem

__all__ = [
    "GENERIC_FIX",
    "Locator",
    "build_scenario",
    "field_path",
    "problems_from_validation",
    "same_names",
    "unique_ids",
]

#: Maps a field path such as ``stances[3].position`` to a 1-based line number.
Locator = Callable[[str], int | None]

# Union members and internal validator names that pydantic puts in error locations.
_NOISE = re.compile(r"^(float|int|str|bool|DataRef|Uncertainty|constrained-.*|.*\[.*\].*)$")

_FIXES = {
    "missing": "add this field.",
    "extra_forbidden": "remove it, or check its spelling against the documented fields.",
    "float_parsing": "write a number, e.g. 42 or 42.5.",
    "float_type": "write a number, e.g. 42 or 42.5.",
    "int_parsing": "write a whole number.",
    "int_type": "write a whole number.",
    "string_type": 'write text in quotes, e.g. "..."',
    "finite_number": "write a finite number (not nan or inf).",
    "greater_than": "use a larger value.",
    "greater_than_equal": "use a larger value.",
    "less_than": "use a smaller value.",
    "less_than_equal": "use a smaller value.",
    "enum": "use one of the allowed values.",
    "list_type": "write a list, e.g. [ ... ].",
    "dict_type": "write a table, e.g. { key = value }.",
    "model_type": "write a table, e.g. { key = value }.",
    "int_from_float": "write a whole number, without a decimal part.",
    "string_too_short": "it may not be empty.",
    "string_too_long": "shorten it (ids: at most 80 characters).",
    "too_short": "add the missing entries.",
    "too_long": "remove the extra entries.",
    "bool_type": "write true or false.",
    "bool_parsing": "write true or false.",
    "literal_error": "use one of the allowed values.",
    "model_attributes_type": "write a table, e.g. { key = value }.",
}

#: Said when a validation error has no specific fix.
GENERIC_FIX = "correct this value (docs/formats.md describes every field)."


_ID_BAD = re.compile(r"[,\"'<>\x00-\x1f\x7f]+")
_ID_MAX = 80


def _safe_id(name: str, fallback: str) -> str:
    """An id made from a display name: forbidden characters become ``_``."""
    base = _ID_BAD.sub("_", name.strip()).strip()
    return base[: _ID_MAX - 4].rstrip() or fallback


def unique_ids(names: list[str], kind: str) -> list[str]:
    """Valid, unique ids for names taken from a file that has no ids (KTAB).

    The names themselves are kept verbatim as labels; the ids drop surrounding space,
    replace commas, quotes, angle brackets and control characters by ``_``, are cut
    to fit the 80-character limit, and get ``_2``, ``_3``... when names repeat.

    Parameters
    ----------
    names
        Display names in file order.
    kind
        Used for empty names: ``actor`` gives ``actor0``, ``actor1``...

    Returns
    -------
    list of str
        One id per name.
    """
    ids: list[str] = []
    taken: set[str] = set()
    for n, name in enumerate(names):
        base = _safe_id(name, f"{kind}{n}")
        cand, k = base, 2
        while cand in taken:
            cand, k = f"{base}_{k}", k + 1
        ids.append(cand)
        taken.add(cand)
    return ids


def same_names(
    entries: list[tuple[str, int | None, str]], kind: str, file: str | None, fix: str
) -> list[Problem]:
    """Problems for names given twice (compared without surrounding space).

    KTAB files have no ids: actors and dimensions are known by their names, so a name
    given twice is almost always a copied row, and is refused rather than renamed.

    Parameters
    ----------
    entries
        ``(name, line, field)`` in file order.
    kind
        ``"actor"`` or ``"dimension"``, for the message.
    file
        The file, for the message.
    fix
        What to do.

    Returns
    -------
    list of Problem
        One per repeated name, on the line of its second use, naming every line.
    """
    where: dict[str, list[tuple[int | None, str]]] = {}
    for name, line, field in entries:
        if name.strip():
            where.setdefault(name.strip(), []).append((line, field))
    out = []
    for name, uses in where.items():
        if len(uses) < 2:
            continue
        lines = sorted({ln for ln, _ in uses if ln is not None})
        fields = [f for _, f in uses]
        on = (
            f"lines {', '.join(map(str, lines))}"
            if len(lines) == len(uses)
            else f"{', '.join(fields)}" + (f" on line {lines[0]}" if len(lines) == 1 else "")
        )
        out.append(
            Problem(
                f"two {kind}s are named {name!r} ({on})",
                file,
                uses[1][0],
                uses[1][1],
                fix,
            )
        )
    return out


def field_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``stances[3].position``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NOISE.match(part):
            continue
        else:
            out += f".{part}" if out else part
    return out


def problems_from_validation(
    err: ValidationError,
    *,
    file: str | Path | None = None,
    locate: Locator | None = None,
) -> list[Problem]:
    """Convert a pydantic ``ValidationError`` into located :class:`Problem` s.

    Errors from union types are reported once per field; whole-scenario problems
    raised by :func:`detente.scenario.model.scenario_problems` are passed through.
    """
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    fname = str(file) if file is not None else None
    for e in err.errors(include_url=False):
        ctx = e.get("ctx") or {}
        inner = ctx.get("error")
        if isinstance(inner, SemanticError):
            for p in inner.problems:
                line = locate(p.field) if (locate and p.field) else None
                out.append(Problem(p.message, fname, line, p.field, p.fix))
            continue
        path = field_path(tuple(e["loc"]))
        msg = str(e["msg"])
        msg = re.sub(r"^(Value error|Assertion failed), ", "", msg)
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "input" in e and e["type"] not in ("model_type", "dict_type", "list_type"):
            given = e["input"]
            if isinstance(given, str | int | float) and not isinstance(given, bool):
                shown = repr(given)
                if len(shown) > 60:
                    shown = f"{shown[:40]}... ({len(shown)} characters)"
                msg = f"{msg} (got {shown})"
        key = (path, e["type"])
        if key in seen:
            continue
        seen.add(key)
        line = locate(path) if (locate and path) else None
        fix = ctx.get("fix") if isinstance(ctx.get("fix"), str) else None
        fix = fix or _FIXES.get(e["type"]) or GENERIC_FIX
        out.append(Problem(msg, fname, line, path or None, fix))
    # a union field produces one error per member; keep the most specific message
    by_path: dict[str | None, list[Problem]] = {}
    for p in out:
        by_path.setdefault(p.field, []).append(p)
    final: list[Problem] = []
    for p in out:
        group = by_path[p.field]
        generic = p.message.startswith("Input should be")
        if generic and any(not q.message.startswith("Input should be") for q in group):
            continue
        final.append(p)
    return final


def build_scenario(
    data: Mapping[str, Any],
    *,
    file: str | Path | None = None,
    locate: Locator | None = None,
) -> Scenario:
    """Validate a mapping into a :class:`Scenario`.

    Parameters
    ----------
    data
        Raw fields, as read from a file.
    file
        The file it came from, for messages.
    locate
        Maps field paths to line numbers of ``file``.

    Raises
    ------
    ScenarioError
        With every problem found, each located as precisely as possible.
    """
    actors, issues = data.get("actors"), data.get("issues")
    if isinstance(actors, list) and isinstance(issues, list):
        why = size_problem(len(actors), len(issues))
        if why is not None:
            raise ScenarioError(
                [
                    Problem(
                        f"the scenario has {why}",
                        str(file) if file is not None else None,
                        None,
                        "issues" if "issues" in why else "actors",
                        "split the scenario, or check that the file is the one you meant.",
                    )
                ]
            )
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(problems_from_validation(err, file=file, locate=locate)) from None
