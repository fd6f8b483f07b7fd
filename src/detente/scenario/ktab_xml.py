"""KTAB's XML scenario format (``smpc --xml``, schema ``smpSchema.xsd``).

Elements, as read by KTAB's ``SMPModel::xmlRead``::

    <Scenario>
      <name/> <desc/> <prngSeed/>                      seed: unsigned 64-bit
      <ModelParameters>                               optional; all nine children
        <VictoryProbModel/> <PCEModel/> <StateTransitions/> <VotingRule/>
        <BigRAdjust/> <BigRRange/> <ThirdPartyCommit/> <InterVecBrgn/> <BargnModel/>
      </ModelParameters>
      <Dimensions> <dName/>... </Dimensions>
      <Actors>
        <Actor> <name/> <description/> <capability/>
          <Position> <dCoord/>... </Position>           0-100
          <Salience> <dSal/>... </Salience>             0-100, summing to at most 100
        </Actor>...
      </Actors>
      <IdealAdjustment>                                accommodation matrix entries
        <iaPair> <adjustingIdeal/> <referencePos/> <adjust/> </iaPair>...
      </IdealAdjustment>
    </Scenario>

Model parameters are kept in ``scenario.models["smp"]`` by their KTAB names and the
ideal adjustment in ``scenario.accommodation`` (pairs over an identity matrix, as
KTAB builds it).  KTAB refuses a file without ``IdealAdjustment``; detente reads it
with the identity matrix and records a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.expatreader import ExpatLocator
from xml.sax.handler import ContentHandler, feature_external_ges
from xml.sax.saxutils import escape

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import create_parser

from detente.errors import InputError
from detente.scenario._build import build_scenario, same_names, unique_ids
from detente.scenario._text import utf8_declaration
from detente.scenario.ktab_csv import check_ktab_budget, check_one_capability, ktab_names
from detente.scenario.model import ActorKind, Scenario, size_problem

__all__ = ["KTAB_PARAMETERS", "dumps_ktab_xml", "loads_ktab_xml"]

_FORMAT = "ktab-xml"

#: KTAB's model parameters: name -> (allowed values in enum order, default).
KTAB_PARAMETERS: dict[str, tuple[tuple[str, ...], str]] = {
    "VictoryProbModel": (("Linear", "Square", "Quartic", "Octic", "Binary"), "Linear"),
    "PCEModel": (("Conditional", "MarkovIncentive", "MarkovUniform"), "Conditional"),
    "StateTransitions": (("Deterministic", "Stochastic"), "Deterministic"),
    "VotingRule": (("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"), "Prop"),
    "BigRAdjust": (("None", "OneThird", "Half", "TwoThirds", "Full"), "OneThird"),
    "BigRRange": (("Min", "Mid", "Max"), "Mid"),
    "ThirdPartyCommit": (("NoCommit", "SemiCommit", "FullCommit"), "SemiCommit"),
    "InterVecBrgn": (("S1P1", "S2P2", "S2PMax"), "S2P2"),
    "BargnModel": (("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"), "InitOnlyInterp"),
}


#: Deepest element nesting accepted.  KTAB files nest five deep; a deeper file is
#: not a KTAB scenario (and a document nested millions deep only eats memory).
MAX_DEPTH = 64


@dataclass
class _Node:
    tag: str
    line: int
    parts: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        # the character data arrives in chunks: joined once, so reading stays linear
        return "".join(self.parts)

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None


class _Builder(ContentHandler):
    """Builds the element tree, with each element's line, from SAX events."""

    def __init__(self) -> None:
        super().__init__()
        self.where: Any = None  # the parser's locator
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.too_deep: int | None = None

    def startElement(self, name: str, attrs: Any) -> None:
        line = self.where.getLineNumber() if self.where is not None else 0
        if len(self.stack) >= MAX_DEPTH:
            self.too_deep = line
            raise _TooDeep
        node = _Node(name, line)
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


class _TooDeep(Exception):
    pass


def _parse(text: str, file: str | None) -> _Node:
    """Parse with defusedxml's expat reader: no DTD, no entity declarations."""
    builder = _Builder()
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(builder)
    parser.setFeature(feature_external_ges, False)
    builder.where = ExpatLocator(parser)
    try:
        parser.feed(text.encode("utf-8"))
        parser.close()
    except _TooDeep:
        raise InputError(
            f"the elements are nested too deep (more than {MAX_DEPTH} levels)",
            file=file,
            line=builder.too_deep,
            fix="a KTAB scenario nests five levels deep (Scenario/Actors/Actor/Position/"
            "dCoord): is this a KTAB XML file?",
        ) from None
    except DTDForbidden:
        raise InputError(
            "the file has a document type declaration (<!DOCTYPE ...>), which detente does "
            "not read: DTDs can define entities that expand without bound",
            file=file,
            line=_line_of(text, "<!DOCTYPE"),
            fix="delete the <!DOCTYPE ...> declaration (KTAB's files have none; they name "
            "smpSchema.xsd instead).",
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise InputError(
            "the file declares or references entities, which detente refuses (they can "
            "expand without bound or read other files)",
            file=file,
            line=_line_of(text, "<!ENTITY"),
            fix="write the text itself instead of entities (only &amp; &lt; &gt; &quot; "
            "&apos; and character references such as &#233; are read).",
        ) from None
    except SAXParseException as err:
        message = err.getMessage()
        raise InputError(
            f"XML syntax error: {message}",
            file=file,
            line=err.getLineNumber(),
            fix="check that every element is closed and properly nested."
            if "entity" not in message
            else "write & as &amp; and < as &lt; in text.",
        ) from None
    if builder.root is None:
        raise InputError(
            "the file holds no XML element", file=file, fix="give a KTAB XML scenario."
        )
    return builder.root


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def _need(node: _Node, tag: str, file: str | None, what: str = "") -> _Node:
    child = node.first(tag)
    if child is None:
        raise InputError(
            f"element <{tag}> is missing in <{node.tag}>{what}",
            file=file,
            line=node.line,
            field=tag,
            fix=f"add <{tag}>...</{tag}> inside <{node.tag}> (see smpSchema.xsd).",
        )
    return child


def _text(node: _Node, file: str | None) -> str:
    t = node.text.strip()
    if not t:
        raise InputError(
            f"element <{node.tag}> is empty",
            file=file,
            line=node.line,
            field=node.tag,
            fix=f"give <{node.tag}> a value.",
        )
    return t


def _float(node: _Node, file: str | None) -> float:
    t = _text(node, file)
    try:
        return float(t)
    except ValueError:
        raise InputError(
            f"<{node.tag}> {t!r} is not a number",
            file=file,
            line=node.line,
            field=node.tag,
            fix="write a number with a decimal point, e.g. 42.5.",
        ) from None


def _enum(name: str, value: str, node: _Node, file: str | None) -> str:
    allowed, _ = KTAB_PARAMETERS[name]
    for a in allowed:
        if a.lower() == value.lower():
            return a
    raise InputError(
        f"<{name}> {value!r} is not a KTAB value",
        file=file,
        line=node.line,
        field=name,
        fix=f"use one of {', '.join(allowed)}.",
    )


def loads_ktab_xml(text: str, *, file: str | Path | None = None) -> Scenario:
    """Parse a KTAB XML scenario.

    Parameters
    ----------
    text
        The XML document (any byte-order mark already removed).
    file
        Where it came from, for messages.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        Located at the offending element's line.
    """
    fname = str(file) if file is not None else None
    if not text.strip():
        raise InputError("the file is empty", file=fname, fix="give a KTAB XML scenario.")
    # expat is given bytes re-encoded as UTF-8: the declaration must agree with that
    # (a second byte-order mark, left as U+FEFF by the decoding, would hide it)
    text = utf8_declaration(text.lstrip("\ufeff"))
    root = _parse(text, fname)
    if root.tag != "Scenario":
        raise InputError(
            f"the root element is <{root.tag}>, not <Scenario>",
            file=fname,
            line=root.line,
            fix="is this a KTAB scenario file?",
        )
    warnings: list[str] = []
    name_el = root.first("name")
    desc_el = root.first("desc")
    name = name_el.text.strip() if name_el is not None else ""
    desc = desc_el.text.strip() if desc_el is not None else ""
    seed_el = _need(root, "prngSeed", fname)
    seed_txt = _text(seed_el, fname)
    if not re.fullmatch(r"\d+", seed_txt) or int(seed_txt) >= 2**64:
        raise InputError(
            f"<prngSeed> {seed_txt!r} is not an unsigned 64-bit integer",
            file=fname,
            line=seed_el.line,
            field="prngSeed",
            fix="write a whole number between 0 and 18446744073709551615.",
        )
    params: dict[str, str] = {}
    mp = root.first("ModelParameters")
    if mp is not None:
        for pname in KTAB_PARAMETERS:
            el = _need(mp, pname, fname, " (KTAB needs all nine model parameters)")
            params[pname] = _enum(pname, _text(el, fname), el, fname)

    dims_el = _need(root, "Dimensions", fname)
    d_nodes = dims_el.all("dName")
    if not d_nodes:
        _need(dims_el, "dName", fname)
    dim_names = [_text(d, fname) for d in d_nodes]
    n_dim = len(dim_names)
    why = size_problem(
        len(actors_el.all("Actor")) if (actors_el := root.first("Actors")) else 0, n_dim
    )
    if why is not None:
        raise InputError(
            f"the file has {why}",
            file=fname,
            line=dims_el.line,
            fix="split the scenario, or check that the file is the one you meant.",
        )

    actors_el = _need(root, "Actors", fname)
    a_nodes = actors_el.all("Actor")
    if not a_nodes:
        _need(actors_el, "Actor", fname)
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    actor_lines: list[int] = []
    issue_ids = unique_ids(dim_names, "dim")
    actor_names = [_text(_need(a_el, "name", fname), fname) for a_el in a_nodes]
    repeated = same_names(
        [(n.text, n.line, "dName") for n in d_nodes],
        "dimension",
        fname,
        "give each <dName> its own name: KTAB tells dimensions apart by their names.",
    ) + same_names(
        [(nm, a_el.line, "name") for nm, a_el in zip(actor_names, a_nodes, strict=True)],
        "actor",
        fname,
        "give each actor its own <name> (a copied <Actor>?): KTAB matches actors by name.",
    )
    if repeated:
        raise InputError(repeated)
    actor_ids = unique_ids(actor_names, "actor")
    id_of = {aname.strip(): aid for aname, aid in zip(actor_names, actor_ids, strict=True)}
    for a_el, aname, aid in zip(a_nodes, actor_names, actor_ids, strict=True):
        d_el = a_el.first("description")
        adesc = d_el.text.strip() if d_el is not None else ""
        cap_el = _need(a_el, "capability", fname)
        cap = _float(cap_el, fname)
        if not cap > 0:
            raise InputError(
                f"capability {cap:g} of actor {aname!r} is not positive",
                file=fname,
                line=cap_el.line,
                field="capability",
                fix="give every actor a capability above 0, or remove the actor.",
            )
        pos_nodes = _need(a_el, "Position", fname).all("dCoord")
        sal_nodes = _need(a_el, "Salience", fname).all("dSal")
        for nodes, tag in ((pos_nodes, "Position"), (sal_nodes, "Salience")):
            if len(nodes) != n_dim:
                raise InputError(
                    f"actor {aname!r} has {len(nodes)} values in <{tag}> but there are "
                    f"{n_dim} dimensions",
                    file=fname,
                    line=a_el.line,
                    field=tag,
                    fix=f"give exactly one value per <dName> in <{tag}>.",
                )
        actor_lines.append(a_el.line)
        actors.append(
            {
                "id": aid,
                "name": aname,
                "description": adesc,
                "kind": ActorKind.GROUP.value,
                "capability": cap,
            }
        )
        for k in range(n_dim):
            stances.append(
                {
                    "actor": aid,
                    "issue": issue_ids[k],
                    "position": _float(pos_nodes[k], fname),
                    "salience": _float(sal_nodes[k], fname),
                }
            )
    accommodation: list[dict[str, Any]] | None = None
    pair_lines: list[int] = []
    ia = root.first("IdealAdjustment")
    if ia is None:
        warnings.append("no <IdealAdjustment>: identity matrix used (KTAB itself refuses this)")
    else:
        accommodation = []
        names = {a["name"] for a in actors}
        pair_lines = [pair.line for pair in ia.all("iaPair")]
        for pair in ia.all("iaPair"):
            who = _text(_need(pair, "adjustingIdeal", fname), fname)
            ref = _text(_need(pair, "referencePos", fname), fname)
            for nm in (who, ref):
                if nm not in names:
                    raise InputError(
                        f"actor {nm!r} in <iaPair> is not one of the actors",
                        file=fname,
                        line=pair.line,
                        field="iaPair",
                        fix="use the exact <name> of an actor.",
                    )
            rate = _float(_need(pair, "adjust", fname), fname)
            accommodation.append(
                {"actor": id_of[who.strip()], "towards": id_of[ref.strip()], "adjust": rate}
            )

    if accommodation is not None and all(
        p["adjust"] == (1.0 if p["actor"] == p["towards"] else 0.0) for p in accommodation
    ):
        accommodation = None  # the identity matrix, KTAB's default: nothing to keep
    data: dict[str, Any] = {
        "id": re.sub(r"[^A-Za-z0-9_.\-]+", "_", name).strip("_")[:80] or "ktab_scenario",
        "name": name,
        "description": desc,
        "seed": int(seed_txt),
        "actors": actors,
        "issues": [
            {"id": issue_ids[k], "label": dim_names[k], "scale": {"min": 0.0, "max": 100.0}}
            for k in range(n_dim)
        ],
        "stances": stances,
        "salience_budget": 100.0,
        "models": {"smp": params} if params else {},
        "accommodation": accommodation,
        "meta": {"format": _FORMAT, **({"warnings": warnings} if warnings else {})},
    }

    def locate(path: str) -> int | None:
        m = re.match(r"^stances\[(\d+)\]", path)
        if m:
            return actor_lines[int(m.group(1)) // n_dim]
        m = re.match(r"^actors\[(\d+)\]", path)
        if m:
            return actor_lines[int(m.group(1))]
        m = re.match(r"^accommodation\[(\d+)\]", path)
        if m and int(m.group(1)) < len(pair_lines):
            return pair_lines[int(m.group(1))]
        return None

    return build_scenario(data, file=file, locate=locate)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def dumps_ktab_xml(scenario: Scenario) -> str:
    """Write a scenario as KTAB XML, with its model parameters and ideal adjustment.

    Issues are written on KTAB's 0-100 scale (rescaled from their own scale if
    needed).  Model parameters come from ``scenario.models["smp"]``; when any is set,
    all nine are written (KTAB's defaults fill the rest).  Ideal adjustment is
    written from ``scenario.accommodation``, or as identity pairs.

    Raises
    ------
    InputError
        If a capability is an unresolved data reference, or saliences cannot fit
        KTAB's budget of 100 per actor.
    """
    s = scenario
    check_one_capability(s, "KTAB XML")
    if s.unresolved_actors:
        raise InputError(
            f"KTAB XML needs numeric capabilities; {', '.join(s.unresolved_actors)} take "
            "theirs from data references that are not resolved",
            field="actors.capability",
            fix="resolve them first (detente.data.resolve_capabilities), or give numbers.",
        )
    sal_factor = 100.0 / s.salience_max
    # KTAB matches actors by name: names shared by several actors are written as ids
    name_of = ktab_names([(a.id, a.name) for a in s.actors])
    label_of = ktab_names([(i.id, i.label) for i in s.issues])
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(
        '<Scenario xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="smpSchema.xsd">'
    )
    out.append(f"  <name>{escape(s.name)}</name>")
    out.append(f"  <desc>{escape(s.description)}</desc>")
    out.append(f"  <prngSeed>{s.seed if s.seed is not None else 0}</prngSeed>")
    params = {k: str(v) for k, v in s.models.get("smp", {}).items() if k in KTAB_PARAMETERS}
    if params:
        out.append("  <ModelParameters>")
        for pname, (_, default) in KTAB_PARAMETERS.items():
            out.append(f"    <{pname}>{escape(params.get(pname, default))}</{pname}>")
        out.append("  </ModelParameters>")
    out.append("  <Dimensions>")
    out += [f"    <dName>{escape(label_of[i.id])}</dName>" for i in s.issues]
    out.append("  </Dimensions>")
    out.append("  <Actors>")
    for a in s.actors:
        cap = a.capability_value
        assert cap is not None
        out.append("    <Actor>")
        out.append(f"      <name>{escape(name_of[a.id])}</name>")
        out.append(f"      <description>{escape(a.description)}</description>")
        out.append(f"      <capability>{_fmt(cap)}</capability>")
        pos, sal = [], []
        for issue in s.issues:
            st = s.stance(a.id, issue.id)
            lo, hi = issue.scale.min, issue.scale.max
            if st is None:
                p = issue.status_quo if issue.status_quo is not None else (lo + hi) / 2
                w = 0.0
            else:
                p, w = st.position, st.salience * sal_factor
            pos.append((p - lo) / (hi - lo) * 100.0 if (lo, hi) != (0.0, 100.0) else p)
            sal.append(w)
        check_ktab_budget(a.id, sum(sal), "XML")
        out.append("      <Position>")
        out += [f"        <dCoord>{_fmt(p)}</dCoord>" for p in pos]
        out.append("      </Position>")
        out.append("      <Salience>")
        out += [f"        <dSal>{_fmt(w)}</dSal>" for w in sal]
        out.append("      </Salience>")
        out.append("    </Actor>")
    out.append("  </Actors>")
    pairs = (
        [(name_of[p.actor], name_of[p.towards], p.adjust) for p in s.accommodation]
        if s.accommodation is not None
        else [(name_of[a.id], name_of[a.id], 1.0) for a in s.actors]
    )
    if pairs:
        out.append("  <IdealAdjustment>")
        for who, ref, adj in pairs:
            out.append("    <iaPair>")
            out.append(f"      <adjustingIdeal>{escape(who)}</adjustingIdeal>")
            out.append(f"      <referencePos>{escape(ref)}</referencePos>")
            out.append(f"      <adjust>{_fmt(adj)}</adjust>")
            out.append("    </iaPair>")
        out.append("  </IdealAdjustment>")
    out.append("</Scenario>")
    return "\n".join(out) + "\n"
