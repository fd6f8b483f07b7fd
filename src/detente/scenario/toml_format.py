"""detente's native scenario format: TOML.

Layout (every section but ``[scenario]``, ``[[actors]]``, ``[[issues]]`` and
``[[stances]]`` is optional)::

    [scenario]
    id = "europe_turkey"
    name = "A Europe-Turkey security partnership"
    question = "..."
    salience_max = 100          # top of the salience scale
    salience_budget = 100       # optional: cap on each actor's summed saliences

    [[sources]]
    id = "nato2024"
    citation = "NATO (2024), Defence Expenditure of NATO Countries (2014-2024)"
    url = "https://www.nato.int/..."
    kind = "data"               # data, publication, news, official, expert judgement

    [[actors]]
    id = "TUR"
    name = "Türkiye"
    kind = "state"              # state, bloc, organisation, group
    capability = { indicator = "cow.cinc", year = 2022 }   # or a positive number

    [[issues]]
    id = "troops"
    label = "Turkish forces in Ukraine"
    scale = { min = 0, max = 100 }
    status_quo = 0
    anchors = { "0" = "no deployment", "100" = "a full corps as guarantee force" }

    [[stances]]
    actor = "TUR"
    issue = "troops"
    position = 60
    salience = 70
    uncertainty = { sd = 10 }   # or [low, high]
    note = "one-line justification"
    source = "article"

    [models.smp]                # model parameters by model name
    VotingRule = "Prop"

    [[accommodation]]           # KTAB ideal adjustment, if any
    actor = "TUR"
    towards = "EU"
    adjust = 0.5

    [partnership]               # the strategy-lab model's parameters

    [deals]                     # the deal finder's two sides
    between = ["Europe", "TUR"]

    [[claims]]                  # the argument's numeric claims (detente.scenario.claims)
    text = "Seven European members of NATO have not even reached the threshold of 2%."
    source = "article"
    indicator = "nato.defence_share_gdp"
    countries = ["NATO-Europe"]
    relation = "count"
    count = 7
    condition = "<"
    value = 2
    unit = "percent"

The reader reports every problem with its line number; the writer produces a file the
reader turns back into the same :class:`Scenario`.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from detente.errors import InputError, Problem
from detente.scenario._build import build_scenario
from detente.scenario.claims import Claim
from detente.scenario.model import DataRef, Scenario, Uncertainty

__all__ = ["MAX_NESTING", "claim_lines", "dumps_toml", "field_locator", "loads_toml", "parse_toml"]

_SCENARIO_KEYS = (
    "id",
    "name",
    "description",
    "question",
    "salience_max",
    "salience_budget",
    "seed",
)
_LIST_SECTIONS = ("sources", "actors", "issues", "stances", "accommodation", "claims")
_TABLE_SECTIONS = ("scenario", "models", "partnership", "deals", "meta")

#: Deepest nesting of arrays and tables accepted.  A scenario nests four or five
#: levels deep ([partnership.uncertainties.x] = { range = [...] }); much deeper input
#: is a mistake or an attack, and would exhaust the stack of the TOML parser.
MAX_NESTING = 32

#: Tokens that open or close a level, and what must be skipped to find them.
_NEST_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]|\n'
)

_HEADER_AOT = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]\s*(#.*)?$")
_HEADER_TAB = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r'^\s*("[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+)\s*=')
_BARE = re.compile(r"^[A-Za-z0-9_\-]+$")


def _toml_index(text: str) -> dict[str, int]:
    """Map field paths (``stances[3].position``) to the line that defines them."""
    index: dict[str, int] = {}
    counts: dict[str, int] = {}
    current = ""
    in_multiline: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        m = _HEADER_AOT.match(line)
        if m:
            name = m.group(1).strip()
            head, _, rest = name.partition(".")
            if rest and head in counts:  # [[claims.cited]] inside the current [[claims]]
                name = f"{head}[{counts[head] - 1}].{rest.strip()}"
            counts[name] = counts.get(name, 0) + 1
            current = f"{name}[{counts[name] - 1}]"
            index.setdefault(current, n)
            continue
        m = _HEADER_TAB.match(line)
        if m:
            parts = [p.strip().strip("\"'") for p in m.group(1).split(".")]
            head = parts[0]
            if head in counts:
                current = f"{head}[{counts[head] - 1}]" + "".join(f".{p}" for p in parts[1:])
            else:
                current = ".".join(parts)
            index.setdefault(current, n)
            continue
        m = _KEY.match(line)
        if m:
            key = m.group(1).strip("\"'")
            index.setdefault(f"{current}.{key}" if current else key, n)
            rest = line[m.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return index


def _deep_line(text: str, limit: int) -> int | None:
    """The line where brackets and braces first nest deeper than ``limit``, if any."""
    depth, line = 0, 1
    for m in _NEST_TOKEN.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
        elif tok in "[{":
            depth += 1
            if depth > limit:
                return line
        elif tok in "]}":
            depth = max(depth - 1, 0)
        else:
            line += tok.count("\n")
    return None


def _too_deep(doc: Any, limit: int) -> str | None:
    """The path of a value nested deeper than ``limit`` levels in a parsed document."""
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > limit:
            return path
        if isinstance(value, dict):
            for k, v in value.items():
                stack.append((v, f"{path}.{k}" if path else str(k), depth + 1))
        elif isinstance(value, list):
            for n, v in enumerate(value):
                stack.append((v, f"{path}[{n}]", depth + 1))
    return None


def _nesting_error(file: str | Path | None, line: int | None, field: str | None) -> InputError:
    return InputError(
        f"nesting too deep: arrays and tables may nest at most {MAX_NESTING} levels",
        file=file,
        line=line,
        field=field,
        fix="a scenario needs a few levels at most (see docs/formats.md); remove the "
        "extra brackets, braces or dotted-key parts.",
    )


def field_locator(text: str) -> Callable[[str], int | None]:
    """Map field paths of a TOML scenario (``stances[3].position``) to line numbers.

    Parameters
    ----------
    text
        The TOML document.

    Returns
    -------
    callable
        ``locate(path)`` gives the 1-based line of the field, or of its nearest
        enclosing table, or ``None``.
    """
    index = _toml_index(text)

    def locate(path: str) -> int | None:
        candidates = [path]
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        if head in _SCENARIO_KEYS:
            candidates.insert(0, f"scenario.{path}")
        for cand in candidates:
            probe = cand
            while probe:
                if probe in index:
                    return index[probe]
                cut = max(probe.rfind("."), probe.rfind("["))
                if cut <= 0:
                    break
                probe = probe[:cut]
        return None

    return locate


def parse_toml(text: str, *, file: str | Path | None = None) -> dict[str, Any]:
    """Parse a TOML document, refusing nesting deeper than :data:`MAX_NESTING`.

    Raises
    ------
    InputError
        TOML syntax errors (with line and column) and too deep nesting (with line).
    """
    deep = _deep_line(text, MAX_NESTING)
    if deep is not None:
        raise _nesting_error(file, deep, None)
    try:
        doc = tomllib.loads(text)
    except RecursionError:  # a nesting the bracket scan missed
        raise _nesting_error(file, _deep_line(text, MAX_NESTING), None) from None
    except tomllib.TOMLDecodeError as err:
        msg = str(err)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        raise InputError(
            f"TOML syntax error: {msg}",
            file=file,
            line=line,
            fix="check quotes, brackets and '=' on that line (see docs/formats.md).",
        ) from None
    deep_path = _too_deep(doc, MAX_NESTING)
    if deep_path is not None:  # dotted keys and headers nest without brackets
        raise _nesting_error(file, field_locator(text)(deep_path), deep_path)
    return doc


def loads_toml(text: str, *, file: str | Path | None = None) -> Scenario:
    """Parse a TOML scenario.

    Parameters
    ----------
    text
        The TOML document.
    file
        Where it came from, for messages.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        TOML syntax errors (with line and column) and every scenario problem, located.
    """
    doc = parse_toml(text, file=file)
    locate = field_locator(text)
    data: dict[str, Any] = {}
    problems = []
    for key, value in doc.items():
        if key in _LIST_SECTIONS:
            if not isinstance(value, list):
                raise InputError(
                    f"'{key}' must be an array of tables written [[{key}]]",
                    file=file,
                    line=locate(key),
                    field=key,
                    fix=f"write each entry under its own [[{key}]] header.",
                )
            data[key] = value
        elif key == "scenario":
            if not isinstance(value, dict):
                raise InputError(
                    "'scenario' must be a table", file=file, field="scenario", fix="use [scenario]."
                )
            for sk, sv in value.items():
                if sk not in _SCENARIO_KEYS:
                    problems.append(
                        Problem(
                            "unknown field",
                            str(file) if file else None,
                            locate(f"scenario.{sk}"),
                            f"scenario.{sk}",
                            f"the [scenario] table takes {', '.join(_SCENARIO_KEYS)}.",
                        )
                    )
                data[sk] = sv
        elif key in _TABLE_SECTIONS:
            data[key] = value
        else:
            known = ", ".join(f"[{k}]" for k in (*_TABLE_SECTIONS, *_LIST_SECTIONS))
            problems.append(
                Problem(
                    f"unknown section or key {key!r}",
                    str(file) if file else None,
                    locate(key),
                    key,
                    f"the sections are {known}.",
                )
            )
    if problems:
        raise InputError(problems)
    return build_scenario(data, file=file, locate=locate)


# -- writing -------------------------------------------------------------------------


def _key(k: str) -> str:
    return k if _BARE.match(k) else _string(k)


def _string(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    return out.replace("\x7f", "\\u007f")


def _number(x: float) -> str:
    if math.isnan(x):
        return "nan"  # TOML's own literals: free-form tables ([partnership]) may hold them
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _number(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, datetime.date | datetime.time):
        return v.isoformat()  # TOML dates and times, as tomllib reads them
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _text_value(s: str) -> str:
    """A string, as a multi-line literal when that reads better."""
    if "\n" in s and "'''" not in s and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", s):
        return "'''\n" + s + "'''" if not s.endswith("'") else _string(s)
    return _string(s)


def _kv(key: str, value: Any) -> str:
    if isinstance(value, str):
        return f"{_key(key)} = {_text_value(value)}"
    return f"{_key(key)} = {_value(value)}"


def _uncertainty(u: Uncertainty) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if u.sd is not None:
        d["sd"] = u.sd
        if u.distribution != "truncnormal":
            d["distribution"] = u.distribution
    else:
        d["low"] = u.low
        d["high"] = u.high
        if u.distribution != "uniform":
            d["distribution"] = u.distribution
    return d


def _anchor_key(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def dumps_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML that :func:`loads_toml` reads back to an equal scenario."""
    s = scenario
    lines: list[str] = ["[scenario]"]
    lines.append(_kv("id", s.id))
    lines.append(_kv("name", s.name))
    for key in ("description", "question"):
        val = getattr(s, key)
        if val:
            lines.append(_kv(key, val))
    if s.salience_max != 100.0:
        lines.append(_kv("salience_max", s.salience_max))
    if s.salience_budget is not None:
        lines.append(_kv("salience_budget", s.salience_budget))
    if s.seed is not None:
        lines.append(_kv("seed", s.seed))

    for src in s.sources:
        lines += ["", "[[sources]]", _kv("id", src.id), _kv("citation", src.citation)]
        if src.url is not None:
            lines.append(_kv("url", src.url))
        lines.append(_kv("kind", src.kind.value))

    for a in s.actors:
        lines += ["", "[[actors]]", _kv("id", a.id)]
        if a.name != a.id:
            lines.append(_kv("name", a.name))
        lines.append(_kv("kind", a.kind.value))
        if a.description:
            lines.append(_kv("description", a.description))
        default_iso = a.id if (a.kind.value == "state" and re.match(r"^[A-Z]{3}$", a.id)) else None
        if a.iso3 is not None and a.iso3 != default_iso:
            lines.append(_kv("iso3", a.iso3))
        if a.members:
            lines.append(_kv("members", a.members))
        if isinstance(a.capability, DataRef):
            ref = a.capability.model_dump(exclude_defaults=True)
            ref["indicator"] = a.capability.indicator
            lines.append(_kv("capability", ref))
        else:
            lines.append(_kv("capability", a.capability))
        if a.capability_uncertainty is not None:
            lines.append(_kv("capability_uncertainty", _uncertainty(a.capability_uncertainty)))
        for key in ("capability_source", "group", "colour"):
            val = getattr(a, key)
            if val is not None:
                lines.append(_kv(key, val))
        if a.note:
            lines.append(_kv("note", a.note))

    for i in s.issues:
        lines += ["", "[[issues]]", _kv("id", i.id)]
        if i.label != i.id:
            lines.append(_kv("label", i.label))
        if i.description:
            lines.append(_kv("description", i.description))
        scale: dict[str, Any] = {"min": i.scale.min, "max": i.scale.max}
        if i.scale.unit:
            scale["unit"] = i.scale.unit
        lines.append(_kv("scale", scale))
        for key in ("status_quo", "status_quo_source", "outcome"):
            val = getattr(i, key)
            if val is not None:
                lines.append(_kv(key, val))
        if i.note:
            lines.append(_kv("note", i.note))
        if i.anchors:
            lines.append("[issues.anchors]")
            for point, text in i.anchors.items():
                lines.append(f"{_string(_anchor_key(point))} = {_text_value(text)}")

    for st in s.stances:
        lines += [
            "",
            "[[stances]]",
            _kv("actor", st.actor),
            _kv("issue", st.issue),
            _kv("position", st.position),
            _kv("salience", st.salience),
        ]
        if st.capability is not None:
            lines.append(_kv("capability", st.capability))
        if st.uncertainty is not None:
            lines.append(_kv("uncertainty", _uncertainty(st.uncertainty)))
        if st.salience_uncertainty is not None:
            lines.append(_kv("salience_uncertainty", _uncertainty(st.salience_uncertainty)))
        if st.note:
            lines.append(_kv("note", st.note))
        if st.source is not None:
            lines.append(_kv("source", st.source))

    if s.accommodation is not None:
        for acc in s.accommodation:
            lines += [
                "",
                "[[accommodation]]",
                _kv("actor", acc.actor),
                _kv("towards", acc.towards),
                _kv("adjust", acc.adjust),
            ]
    for c in s.claims:
        lines += ["", *_claim_lines(c)]
    for name, params in s.models.items():
        lines += ["", f"[models.{_key(name)}]"]
        lines += [_kv(k, v) for k, v in params.items()]
    for section in ("partnership", "deals", "meta"):
        table = getattr(s, section)
        if table:
            lines += ["", *_table(section, table)]
    return "\n".join(lines) + "\n"


def _table(path: str, table: Mapping[str, Any]) -> list[str]:
    """A (possibly nested) table: scalars first, then sub-tables."""
    out = [f"[{path}]"]
    subs: list[tuple[str, Mapping[str, Any]]] = []
    for k, v in table.items():
        if v is None:
            continue
        if isinstance(v, Mapping) and v and any(isinstance(x, Mapping) for x in v.values()):
            subs.append((k, v))
        else:
            out.append(_kv(k, v))
    for k, v in subs:
        out += ["", *_table(f"{path}.{_key(k)}", v)]
    return out


def claim_lines(claim: Claim) -> list[str]:
    """A ``[[claims]]`` entry as TOML lines (fields at their defaults left out).

    Parameters
    ----------
    claim
        The claim.

    Returns
    -------
    list of str
        The header, one line per field, then one ``[[claims.cited]]`` table per cited
        figure.
    """
    return _claim_lines(claim)


def _claim_lines(c: Claim) -> list[str]:
    out = ["[[claims]]"]
    fields = c.model_dump(exclude_defaults=True, exclude={"cited", "context"})
    for key in type(c).model_fields:
        if key in fields:
            value = fields[key]
            out.append(_kv(key, list(value) if isinstance(value, tuple) else value))
    if c.context:
        refs = [r.model_dump(exclude_defaults=True) for r in c.context]
        out.append(
            _kv(
                "context",
                [{k: list(v) if isinstance(v, tuple) else v for k, v in r.items()} for r in refs],
            )
        )
    for f in c.cited:
        out += ["", "[[claims.cited]]"]
        out += [_kv(k, v) for k, v in f.model_dump(exclude_defaults=True).items()]
    return out
