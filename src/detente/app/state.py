"""A session's scenario and the edits the workbench makes to it.

Everything here is plain Python, with no Shiny in it, so that it can be tested on its
own.  Every edit builds the whole scenario again through the same validation as
``detente validate`` (:func:`detente.scenario._build.build_scenario`: field checks,
then every whole-scenario check) and returns a new :class:`~detente.scenario.Scenario`;
an edit that makes the scenario invalid raises :class:`EditError`, which carries the
problems mapped to the cells of the stance grid (:func:`cell_problems`).  The session's
scenario therefore always stays valid, and a rejected value is kept as a draft beside
it, with its message, instead of vanishing.

Capabilities taken from data stay data references in the scenario (so that a download
writes them back as references); :func:`resolve` looks them up, with a cache shared by
the sessions (the lookup reads the shipped datasets).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from detente.errors import InputError, Problem
from detente.scenario import DataRef, Scenario, Uncertainty
from detente.scenario._build import build_scenario

__all__ = [
    "FIELDS",
    "CellProblem",
    "EditError",
    "GridCell",
    "add_actor",
    "add_issue",
    "cell_problems",
    "format_number",
    "format_uncertainty",
    "grid_cell",
    "grid_frame",
    "parse_number",
    "parse_uncertainty",
    "problem_text",
    "remove_actor",
    "remove_issue",
    "resolve",
    "set_capability",
    "set_name",
    "set_partnership",
    "set_stance",
    "side_choices",
]

#: The stance fields the grid shows, one at a time.
Field = Literal["position", "salience", "uncertainty"]
FIELDS: tuple[Field, ...] = ("position", "salience", "uncertainty")

#: The grid's fixed columns, before one column per issue.
FIXED_COLUMNS = ("actor", "name", "capability")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_RANGE = re.compile(
    r"^\[?\s*([+-]?[\d.]+(?:[eE][+-]?\d+)?)\s*(?:,|;|\.\.|–|—|\bto\b|(?<=\d)-)\s*"
    r"([+-]?[\d.]+(?:[eE][+-]?\d+)?)\s*\]?$"
)


@dataclass(frozen=True)
class CellProblem:
    """A problem of the scenario, placed where the grid can show it.

    ``actor``/``issue``/``field`` are ``None`` where the problem does not concern one
    actor, issue or stance field (``field`` is a stance field, ``capability``,
    ``name``, or a dotted field of the scenario such as ``partnership.horizon``).
    """

    message: str
    actor: str | None = None
    issue: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        """Short location text, e.g. ``TUR · troops · position``."""
        parts = [p for p in (self.actor, self.issue, self.field) if p]
        return " · ".join(parts) if parts else "scenario"


class EditError(InputError):
    """An edit the scenario's validation refused; ``cells`` place its problems."""

    def __init__(self, problems: Iterable[Problem], cells: list[CellProblem]) -> None:
        super().__init__(list(problems))
        self.cells = cells


# -- text <-> numbers ----------------------------------------------------------------


def format_number(x: float | None) -> str:
    """A number as the grid shows it (six significant digits; empty for none)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.6g}"


def parse_number(text: object, what: str) -> float:
    """Read a number typed into a cell.

    Accepts ``42``, ``42.5``, ``-1e3`` and a decimal comma (``42,5``); surrounding
    spaces are ignored.

    Raises
    ------
    InputError
        If the text is not a finite number (the message names ``what``).
    """
    raw = "" if text is None else str(text).strip()
    cand = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    if not _NUMBER.match(cand):
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        raise InputError(
            f"{what} must be a number, not {shown!r}" if raw else f"{what} is empty",
            field=what,
            fix="type a number, e.g. 42 or 42.5.",
        )
    value = float(cand)
    if not math.isfinite(value):
        raise InputError(
            f"{what} {raw} is too large", field=what, fix="type a finite number, e.g. 42."
        )
    return value


def format_uncertainty(u: Uncertainty | None) -> str:
    """``"sd 15"``, ``"40 to 70"`` or ``""``, as the grid shows an uncertainty."""
    if u is None:
        return ""
    if u.sd is not None:
        return f"sd {u.sd:g}"
    assert u.low is not None and u.high is not None
    return f"{u.low:g} to {u.high:g}"


def parse_uncertainty(text: object) -> dict[str, float] | None:
    """Read an uncertainty typed into a cell.

    ``""``, ``none`` or ``-``: no uncertainty; ``15``, ``sd 15`` or ``±15``: a
    standard deviation; ``40 to 70``, ``40-70``, ``40..70`` or ``[40, 70]``: a range.

    Raises
    ------
    InputError
        If the text is none of these.
    """
    raw = "" if text is None else str(text).strip()
    low = raw.lower()
    if low in ("", "none", "-", "–", "—"):
        return None
    body = re.sub(r"^(sd\s*=?|±|\+/-)\s*", "", low)
    if body != low or _NUMBER.match(low):
        return {"sd": parse_number(body, "uncertainty")}
    m = _RANGE.match(low)
    if m:
        return {
            "low": parse_number(m.group(1), "uncertainty"),
            "high": parse_number(m.group(2), "uncertainty"),
        }
    raise InputError(
        f"uncertainty {raw!r} is neither a standard deviation nor a range",
        field="uncertainty",
        fix="type a standard deviation (e.g. 10 or sd 10), a range (e.g. 40 to 70), or "
        "leave it empty for none.",
    )


def problem_text(p: Problem) -> str:
    """A problem as one sentence and its fix (no file or line: the page shows where)."""
    msg = p.message.rstrip()
    if msg and msg[-1] not in ".!?":
        msg += "."
    return f"{msg} Fix: {p.fix}" if p.fix else msg


# -- rebuilding and mapping problems to cells -------------------------------------------

_STANCE = re.compile(r"^stances\[(\d+)\](?:\.(\w+))?")
_ACTOR = re.compile(r"^actors\[(\d+)\](?:\.(\w+))?")
_ISSUE = re.compile(r"^issues\[(\d+)\](?:\.(\w+))?")


def cell_problems(problems: Iterable[Problem], data: Mapping[str, Any]) -> list[CellProblem]:
    """Place validation problems on the grid: the validation mapping.

    Parameters
    ----------
    problems
        Problems located by field path (``stances[3].position``, ``actors[2].capability``).
    data
        The raw scenario the paths index (the candidate that was validated).

    Returns
    -------
    list of CellProblem
        One per problem, with the actor, issue and field its path points to.
    """
    stances = list(data.get("stances") or [])
    actors = list(data.get("actors") or [])
    issues = list(data.get("issues") or [])
    out = []
    for p in problems:
        text = problem_text(p)
        path = p.field or ""
        actor = issue = fld = None
        if m := _STANCE.match(path):
            n = int(m.group(1))
            if n < len(stances):
                actor = str(stances[n].get("actor"))
                issue = str(stances[n].get("issue"))
            fld = m.group(2) or "stance"
            if fld == "salience_uncertainty":
                fld = "salience"
        elif m := _ACTOR.match(path):
            n = int(m.group(1))
            actor = str(actors[n].get("id")) if n < len(actors) else None
            fld = m.group(2) or "actor"
            if fld == "capability_uncertainty":
                fld = "capability"
        elif m := _ISSUE.match(path):
            n = int(m.group(1))
            issue = str(issues[n].get("id")) if n < len(issues) else None
            fld = m.group(2) or "issue"
        elif path:
            fld = path
        out.append(CellProblem(text, actor, issue, fld))
    return out


def _dump(s: Scenario) -> dict[str, Any]:
    return s.model_dump()


def _rebuild(data: dict[str, Any], base: Scenario) -> Scenario:
    """Validate ``data`` as ``detente validate`` does; keep ``base``'s resolved capabilities."""
    try:
        new = build_scenario(data)
    except InputError as err:
        raise EditError(err.problems, cell_problems(err.problems, data)) from None
    keep = {}
    for a in new.actors:
        try:
            old = base.actor(a.id)
        except KeyError:
            continue
        if old.resolved is not None and old.capability == a.capability:
            keep[a.id] = old.resolved
    return new.with_capabilities(keep) if keep else new


def _fail(message: str, *, actor: str | None, issue: str | None, field: str, fix: str) -> EditError:
    p = Problem(message, field=field, fix=fix)
    return EditError([p], [CellProblem(problem_text(p), actor, issue, field)])


def _number_or_fail(text: object, what: str, actor: str | None, issue: str | None) -> float:
    try:
        return parse_number(text, what)
    except InputError as err:
        p = err.problems[0]
        raise EditError(err.problems, [CellProblem(problem_text(p), actor, issue, what)]) from None


def _default_position(issue: Mapping[str, Any]) -> float:
    if issue.get("status_quo") is not None:
        return float(issue["status_quo"])
    scale = issue.get("scale") or {}
    return (float(scale.get("min", 0.0)) + float(scale.get("max", 100.0))) / 2


# -- edits ------------------------------------------------------------------------------


def set_stance(s: Scenario, actor: str, issue: str, field: str, text: object) -> Scenario:
    """``s`` with one stance field set from the text typed into its cell.

    A cell without a stance gets one: a position alone starts with salience 0 (the
    issue does not matter to the actor until a salience is typed), a salience alone
    starts at the issue's status quo (or the middle of its scale).

    Raises
    ------
    EditError
        If the text is not a value of that field, or the scenario would be invalid.
    """
    if field not in FIELDS:
        raise _fail(
            f"unknown stance field {field!r}",
            actor=actor,
            issue=issue,
            field=field,
            fix=f"edit one of {', '.join(FIELDS)}.",
        )
    if actor not in s.actor_ids or issue not in s.issue_ids:
        raise _fail(
            f"no actor {actor!r} or no issue {issue!r} in the scenario",
            actor=actor,
            issue=issue,
            field=field,
            fix="reload the page: the grid is out of date.",
        )
    data = _dump(s)
    value: Any
    if field == "uncertainty":
        try:
            value = parse_uncertainty(text)
        except InputError as err:
            p = err.problems[0]
            raise EditError(
                err.problems, [CellProblem(problem_text(p), actor, issue, field)]
            ) from None
    else:
        value = _number_or_fail(text, field, actor, issue)
    idx = next(
        (
            n
            for n, st in enumerate(data["stances"])
            if st["actor"] == actor and st["issue"] == issue
        ),
        None,
    )
    if idx is None:
        if field == "uncertainty":
            raise _fail(
                f"{actor!r} has no stance on {issue!r}",
                actor=actor,
                issue=issue,
                field=field,
                fix="type a position first; an uncertainty belongs to a position.",
            )
        iss = next(i for i in data["issues"] if i["id"] == issue)
        stance: dict[str, Any] = {
            "actor": actor,
            "issue": issue,
            "position": _default_position(iss),
            "salience": 0.0,
            "note": "added in the workbench",
        }
        stance[field] = value
        data["stances"].append(stance)
    else:
        data["stances"][idx][field] = value
    return _rebuild(data, s)


def set_capability(s: Scenario, actor: str, text: object) -> Scenario:
    """``s`` with an actor's capability set to a number, or to a data indicator's name.

    Raises
    ------
    EditError
        If the value is not a valid capability.
    """
    if actor not in s.actor_ids:
        raise _fail(
            f"no actor {actor!r}",
            actor=actor,
            issue=None,
            field="capability",
            fix="reload the page.",
        )
    raw = "" if text is None else str(text).strip()
    data = _dump(s)
    n = s.actor_ids.index(actor)
    value: Any
    try:
        value = parse_number(raw, "capability")
    except InputError:
        if not raw or raw[0].isdigit() or raw[0] in "+-.":
            value = _number_or_fail(raw, "capability", actor, None)
        else:
            value = raw  # an indicator name: validated as a data reference
    data["actors"][n]["capability"] = value
    return _rebuild(data, s)


def set_name(s: Scenario, actor: str, text: object) -> Scenario:
    """``s`` with an actor's display name changed (empty: the id)."""
    data = _dump(s)
    n = s.actor_ids.index(actor)
    data["actors"][n]["name"] = "" if text is None else str(text).strip()
    return _rebuild(data, s)


def add_actor(
    s: Scenario,
    actor_id: str,
    *,
    name: str = "",
    capability: object = 1.0,
    salience: object = 50.0,
) -> Scenario:
    """``s`` with a new actor, with a stance on every issue at its status quo.

    The new actor starts at each issue's status quo (or the middle of the scale) with
    the given salience; its stances say that they were added in the workbench.

    Raises
    ------
    EditError
        For a bad or duplicate id, a bad capability or salience.
    """
    actor_id = str(actor_id).strip()
    cap = _number_or_fail(capability, "capability", actor_id or None, None)
    sal = _number_or_fail(salience, "salience", actor_id or None, None)
    data = _dump(s)
    data["actors"].append(
        {
            "id": actor_id,
            "name": str(name).strip(),
            "capability": cap,
            "note": "added in the workbench",
        }
    )
    for iss in data["issues"]:
        data["stances"].append(
            {
                "actor": actor_id,
                "issue": iss["id"],
                "position": _default_position(iss),
                "salience": sal,
                "note": "added in the workbench",
            }
        )
    return _rebuild(data, s)


def remove_actor(s: Scenario, actor_id: str) -> Scenario:
    """``s`` without an actor, its stances and its ideal adjustments.

    Raises
    ------
    EditError
        If the actor is unknown or the scenario would be left with fewer than two.
    """
    if actor_id not in s.actor_ids:
        raise _fail(
            f"no actor {actor_id!r}", actor=actor_id, issue=None, field="actor", fix="pick one."
        )
    data = _dump(s)
    data["actors"] = [a for a in data["actors"] if a["id"] != actor_id]
    data["stances"] = [st for st in data["stances"] if st["actor"] != actor_id]
    if data.get("accommodation"):
        data["accommodation"] = [
            a for a in data["accommodation"] if actor_id not in (a["actor"], a["towards"])
        ] or None
    return _rebuild(data, s)


def add_issue(
    s: Scenario,
    issue_id: str,
    *,
    label: str = "",
    low: object = 0.0,
    high: object = 100.0,
    status_quo: object = None,
    salience: object = 50.0,
) -> Scenario:
    """``s`` with a new issue; every actor gets a stance at its status quo.

    Raises
    ------
    EditError
        For a bad or duplicate id, a bad scale, status quo or salience.
    """
    issue_id = str(issue_id).strip()
    lo = _number_or_fail(low, "scale.min", None, issue_id or None)
    hi = _number_or_fail(high, "scale.max", None, issue_id or None)
    sq_text = "" if status_quo is None else str(status_quo).strip()
    sq = _number_or_fail(sq_text, "status_quo", None, issue_id or None) if sq_text else None
    sal = _number_or_fail(salience, "salience", None, issue_id or None)
    data = _dump(s)
    issue: dict[str, Any] = {
        "id": issue_id,
        "label": str(label).strip(),
        "scale": {"min": lo, "max": hi},
        "status_quo": sq,
        "note": "added in the workbench",
    }
    data["issues"].append(issue)
    for a in data["actors"]:
        data["stances"].append(
            {
                "actor": a["id"],
                "issue": issue_id,
                "position": _default_position(issue),
                "salience": sal,
                "note": "added in the workbench",
            }
        )
    return _rebuild(data, s)


def remove_issue(s: Scenario, issue_id: str) -> Scenario:
    """``s`` without an issue and its stances.

    Raises
    ------
    EditError
        If the issue is unknown or it is the last one.
    """
    if issue_id not in s.issue_ids:
        raise _fail(
            f"no issue {issue_id!r}", actor=None, issue=issue_id, field="issue", fix="pick one."
        )
    data = _dump(s)
    data["issues"] = [i for i in data["issues"] if i["id"] != issue_id]
    data["stances"] = [st for st in data["stances"] if st["issue"] != issue_id]
    return _rebuild(data, s)


def set_partnership(s: Scenario, table: Mapping[str, Any]) -> Scenario:
    """``s`` with a new ``[partnership]`` table, validated by the strategy lab's reader.

    Raises
    ------
    EditError
        With every problem of the table (fields ``partnership.…``).
    """
    from detente.partnership import load_config

    try:
        load_config(dict(table))
    except InputError as err:
        probs = [
            Problem(
                p.message, field=f"partnership.{p.field}" if p.field else "partnership", fix=p.fix
            )
            for p in err.problems
        ]
        raise EditError(probs, cell_problems(probs, {})) from None
    data = _dump(s)
    data["partnership"] = dict(table)
    return _rebuild(data, s)


# -- data capabilities ----------------------------------------------------------------

_RESOLVED: dict[str, Any] = {}
_RESOLVED_LOCK = threading.Lock()
_RESOLVED_MAX = 256


def _actor_key(s: Scenario) -> str:
    import json

    return json.dumps(
        [
            [
                a.id,
                a.capability.model_dump() if isinstance(a.capability, DataRef) else None,
                a.iso3,
                list(a.members),
                a.kind.value,
            ]
            for a in s.actors
        ],
        sort_keys=True,
    )


def resolve(s: Scenario, resolver: Callable[[Scenario], Scenario] | None = None) -> Scenario:
    """``s`` with every data-referenced capability looked up (cached across sessions).

    Raises
    ------
    InputError
        If a reference cannot be resolved (unknown indicator, no data for the year).
    """
    if not s.unresolved_actors:
        return s
    key = _actor_key(s)
    with _RESOLVED_LOCK:
        hit = _RESOLVED.get(key)
    if hit is None:
        if resolver is None:
            from detente.data import resolve_capabilities

            resolver = resolve_capabilities
        done = resolver(s)
        hit = {a.id: a.resolved for a in done.actors if a.resolved is not None}
        with _RESOLVED_LOCK:
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[key] = hit
    return s.with_capabilities(hit)


# -- the grid ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """What a cell of the stance grid is: ``kind`` is a fixed column or ``stance``."""

    actor: str
    kind: Literal["actor", "name", "capability", "stance"]
    issue: str | None = None


def side_choices(s: Scenario) -> tuple[dict[str, str], tuple[str, str]]:
    """The choices of the deal finder's two side selectors, and their defaults.

    Returns
    -------
    choices, default
        Value -> label: ``""`` (every pair of actors), each actor group (with its
        members), each actor id.  The defaults are the sides the scenario's ``[deals]``
        table names, or ``("", "")`` when it has none or they do not resolve.
    """
    from detente.bargaining.deals import scenario_sides

    groups: dict[str, list[str]] = {}
    for a in s.actors:
        if a.group:
            groups.setdefault(a.group, []).append(a.id)
    choices: dict[str, str] = {"": "(every pair of actors)"}
    for g, members in groups.items():
        choices[g] = f"{g} (group: {', '.join(members)})"
    for a in s.actors:
        choices.setdefault(a.id, a.id if a.name == a.id else f"{a.id} · {a.name}")
    try:
        sides = scenario_sides(s)
    except InputError:
        sides = None
    if sides is None or not all(n in choices for n in sides.names):
        return choices, ("", "")
    return choices, sides.names


def grid_cell(s: Scenario, row: int, col: int) -> GridCell:
    """The actor and column behind grid cell ``(row, col)``.

    Raises
    ------
    IndexError
        Outside the grid.
    """
    actors = s.actor_ids
    if not 0 <= row < len(actors):
        raise IndexError(row)
    if 0 <= col < len(FIXED_COLUMNS):
        kind: Any = FIXED_COLUMNS[col]
        return GridCell(actors[row], kind)
    j = col - len(FIXED_COLUMNS)
    if not 0 <= j < len(s.issues):
        raise IndexError(col)
    return GridCell(actors[row], "stance", s.issue_ids[j])


def capability_text(s: Scenario, actor_id: str) -> str:
    """An actor's capability as its cell shows it: the number, and where data gave it."""
    a = s.actor(actor_id)
    ref = a.capability
    if isinstance(ref, DataRef):
        resolved = a.resolved or resolve_cached(s).actor(actor_id).resolved
        if resolved is not None:
            return f"{format_number(resolved.value)} (data)"
        return f"data: {ref.describe()}"
    return format_number(ref)


def resolve_cached(s: Scenario) -> Scenario:
    """``s`` with its data capabilities if they were looked up before, else ``s``."""
    if not s.unresolved_actors:
        return s
    with _RESOLVED_LOCK:
        hit = _RESOLVED.get(_actor_key(s))
    return s.with_capabilities(hit) if hit is not None else s


def stance_text(s: Scenario, actor: str, issue: str, field: str) -> str:
    """One stance field as its cell shows it (empty without a stance)."""
    st = s.stance(actor, issue)
    if st is None:
        return ""
    if field == "uncertainty":
        return format_uncertainty(st.uncertainty)
    return format_number(float(getattr(st, field)))


def grid_frame(
    s: Scenario, field: str, drafts: Mapping[tuple[str, str], str] | None = None
) -> pd.DataFrame:
    """The stance grid: one row per actor; actor, name, capability, one column per issue.

    Every cell is text (a grid edit arrives as text).  ``drafts`` maps
    ``(actor, column)`` to text the validation refused, shown instead of the value so
    that a rejected entry stays visible until it is corrected.
    """
    drafts = drafts or {}
    rows = []
    for a in s.actors:
        row = [
            a.id,
            drafts.get((a.id, "name"), a.name),
            drafts.get((a.id, "capability"), capability_text(s, a.id)),
        ]
        row += [drafts.get((a.id, i.id), stance_text(s, a.id, i.id, field)) for i in s.issues]
        rows.append(row)
    # issue ids may repeat a fixed column's name ("name"): columns are positional
    cols = [*FIXED_COLUMNS, *s.issue_ids]
    return pd.DataFrame(rows, columns=pd.Index(cols, dtype=object), dtype=object)
