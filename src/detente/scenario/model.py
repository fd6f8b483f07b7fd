"""The scenario schema: actors, issues, stances and sources.

A :class:`Scenario` is the one object every part of detente reads.  It is a set of
:class:`Actor` s, the :class:`Issue` s they bargain over (each on its own scale), and
one :class:`Stance` per actor and issue: a position on the scale and a salience (how
much the issue matters to the actor).  Every number may cite a :class:`Source`.

Structural checks (types, ranges of single fields) are done by pydantic; the checks
that need the whole scenario (unknown or duplicate ids, positions outside an issue's
scale, salience budgets, too few actors) are done by :func:`scenario_problems`, which
returns every problem at once so a user can fix a file in one pass.
"""

from __future__ import annotations

import functools
import math
import re
import weakref
from collections import Counter
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from detente.errors import Problem
from detente.scenario._base import Id, _Model, check_id, invalid, not_blank
from detente.scenario.claims import Claim, claims_problems, name_claims

__all__ = [
    "CAPABILITY_MAX",
    "CAPABILITY_MIN",
    "MAX_ACTORS",
    "MAX_ISSUES",
    "SALIENCE_FLOOR",
    "Accommodation",
    "Actor",
    "ActorKind",
    "DataRef",
    "Issue",
    "ResolvedCapability",
    "Scale",
    "Scenario",
    "Source",
    "SourceKind",
    "Stance",
    "Uncertainty",
    "capability_problem",
    "invalid",
    "scenario_problems",
    "scenario_warnings",
    "size_problem",
]

_ISO3 = re.compile(r"^[A-Z]{3}$")


#: Capabilities must lie in this range.  Only ratios of capabilities matter to the
#: models, but the KTAB-faithful SMP raises sums of capability x salience to the 8th
#: power (``VictoryProbModel = Octic``) and adds fixed small constants, so values far
#: outside it overflow or vanish in floating point.
CAPABILITY_MIN = 1e-30
CAPABILITY_MAX = 1e30

#: Most issues (dimensions) and actors a scenario may have.  Far above any real
#: negotiation; they stop a hostile file (a header of a million columns) from taking
#: minutes and gigabytes before anything can be said about it.
MAX_ISSUES = 1_000
MAX_ACTORS = 100_000


def size_problem(n_actors: int, n_issues: int) -> str | None:
    """Why a scenario of this size is refused, or ``None`` if it is not."""
    if n_issues > MAX_ISSUES:
        return f"{n_issues:,} issues (dimensions); detente reads at most {MAX_ISSUES:,}"
    if n_actors > MAX_ACTORS:
        return f"{n_actors:,} actors; detente reads at most {MAX_ACTORS:,}"
    return None


#: A positive salience below this share of ``salience_max`` is negligible: the models'
#: arithmetic loses it (and SMP divides by sums of such weights).  Use 0 instead.
SALIENCE_FLOOR = 1e-9


class SourceKind(StrEnum):
    """What kind of evidence a :class:`Source` is."""

    DATA = "data"
    PUBLICATION = "publication"
    NEWS = "news"
    OFFICIAL = "official"
    EXPERT_JUDGEMENT = "expert judgement"


class Source(_Model):
    """A citable source for any number in a scenario.

    Parameters
    ----------
    id
        Short id that stances, capabilities and status quos cite.
    citation
        Full citation as it should appear in a report.
    url
        Where to find it, if it is online.
    kind
        ``"expert judgement"`` marks numbers that are the modeller's own judgement.
    """

    id: Id
    citation: str = Field(min_length=1)
    url: str | None = None
    kind: SourceKind = SourceKind.PUBLICATION

    _id = field_validator("id")(check_id)
    _citation = field_validator("citation")(not_blank)

    @property
    def is_expert_judgement(self) -> bool:
        """True when the source is the modeller's judgement rather than evidence."""
        return self.kind is SourceKind.EXPERT_JUDGEMENT


class Uncertainty(_Model):
    """Uncertainty about one number: a standard deviation or a ``[low, high]`` range.

    In TOML either ``{ sd = 10 }`` or ``[40, 70]`` (a range) is accepted.  A range is
    sampled uniformly unless ``distribution = "triangular"`` (mode at the point value).
    """

    sd: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    distribution: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise invalid(
                    f"an uncertainty range must be [low, high], two numbers; got {len(data)}",
                    "write e.g. [40, 70], or { sd = 10 }.",
                )
            return {"low": data[0], "high": data[1]}
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"sd": data}
        return data

    @model_validator(mode="after")
    def _check(self) -> Uncertainty:
        has_sd = self.sd is not None
        has_range = self.low is not None or self.high is not None
        if has_sd == has_range:
            raise invalid(
                "give either sd or a [low, high] range, not both and not neither",
                "write e.g. { sd = 10 } or [40, 70].",
            )
        if has_range:
            if self.low is None or self.high is None:
                raise invalid("a range needs both low and high", "add the missing bound.")
            if self.low > self.high:
                raise invalid(
                    f"range low {self.low:g} is above high {self.high:g}",
                    "swap the two numbers: [low, high].",
                )
        allowed = {"normal", "truncnormal"} if has_sd else {"uniform", "triangular"}
        if self.distribution is None:
            self.distribution = "truncnormal" if has_sd else "uniform"
        elif self.distribution not in allowed:
            raise invalid(
                f"distribution {self.distribution!r} does not fit this uncertainty",
                f"use one of {', '.join(sorted(allowed))}, or leave distribution out.",
            )
        return self

    @property
    def is_range(self) -> bool:
        """True for a ``[low, high]`` range, False for a standard deviation."""
        return self.sd is None

    def width(self) -> float:
        """A scale-free size: the standard deviation, or the range's sd if uniform."""
        if self.sd is not None:
            return self.sd
        assert self.low is not None and self.high is not None
        return (self.high - self.low) / math.sqrt(12.0)


class DataRef(_Model):
    """A capability taken from detente's datasets rather than typed in.

    Examples (TOML)::

        capability = { indicator = "sipri.milex_usd_constant", year = 2024 }
        capability = "cinc"            # a named composite, latest year

    For a bloc, the members' values are aggregated (``sum`` by default).
    """

    indicator: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1800, le=2200)
    aggregate: str = "sum"
    scale: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"indicator": data}
        return data

    @field_validator("aggregate")
    @classmethod
    def _agg(cls, v: str) -> str:
        if v not in {"sum", "mean", "max"}:
            raise invalid(
                f"aggregate must be 'sum', 'mean' or 'max', not {v!r}",
                'write aggregate = "sum" (the default), "mean" or "max".',
            )
        return v

    def describe(self) -> str:
        """Short text for tables, e.g. ``sipri.milex_usd_constant (2024)``."""
        year = "latest" if self.year is None else str(self.year)
        scale = "" if self.scale == 1.0 else f" x {self.scale:g}"
        return f"{self.indicator} ({year}){scale}"


class ResolvedCapability(_Model):
    """The value a :class:`DataRef` resolved to, and where it came from."""

    value: float = Field(gt=0, allow_inf_nan=False)
    indicator: str
    year: int | None = None
    unit: str = ""
    source: str = ""
    members: list[str] = Field(default_factory=list)
    missing_members: list[str] = Field(default_factory=list)
    note: str = ""


class ActorKind(StrEnum):
    """What an actor is."""

    STATE = "state"
    BLOC = "bloc"
    ORGANISATION = "organisation"
    GROUP = "group"


_CAP_FIX = (
    "give a positive number (only ratios between actors matter), or a data reference "
    'such as { indicator = "milex", year = 2024 }.'
)


def capability_problem(value: float) -> str | None:
    """Why ``value`` cannot be a capability, or ``None`` if it can.

    A capability must be finite and lie in [``CAPABILITY_MIN``, ``CAPABILITY_MAX``].
    """
    if not math.isfinite(value):
        return f"capability must be a finite positive number, not {value}"
    if value <= 0:
        return f"capability must be positive, not {value:g}"
    if not CAPABILITY_MIN <= value <= CAPABILITY_MAX:
        return (
            f"capability {value:g} is outside {CAPABILITY_MIN:g}-{CAPABILITY_MAX:g}, the range "
            "the models can compute with"
        )
    return None


def _capability(v: Any) -> Any:
    if isinstance(v, bool):
        raise invalid("capability must be a positive number or a data reference", _CAP_FIX)
    if isinstance(v, int | float):
        try:
            value = float(v)
        except OverflowError:
            value = math.inf if v > 0 else -math.inf
        why = capability_problem(value)
        if why is not None:
            fix = _CAP_FIX
            if math.isfinite(value) and value > 0:
                fix = "rescale every actor's capability by the same factor (e.g. to billions)."
            elif value <= 0:
                fix = (
                    "give a capability above 0 (an actor with none has no say: remove it instead)."
                )
            raise invalid(why, fix)
        return value
    if isinstance(v, str):
        try:
            num = float(v)
        except ValueError:
            return DataRef(indicator=v)
        raise invalid(f"capability {v!r} is text", f"write it as a number without quotes: {num:g}.")
    return v


class Actor(_Model):
    """A party to the bargaining: a state, a bloc, an organisation or a group.

    Parameters
    ----------
    id
        Short id, e.g. ``TUR``; stances refer to it.
    name
        Display name (defaults to the id).
    kind
        state, bloc, organisation or group.
    members
        ISO3 codes of a bloc's members (used to aggregate data capabilities).
    iso3
        The ISO3 code of a state actor, used to look up data (defaults to ``id``
        when that is an ISO3 code).
    capability
        A positive number, or a :class:`DataRef` resolved from detente's data.
    capability_uncertainty
        Optional uncertainty about the capability.
    capability_source
        Source id for the capability.
    """

    id: Id
    name: str = ""
    kind: ActorKind = ActorKind.STATE
    description: str = ""
    iso3: str | None = None
    members: list[str] = Field(default_factory=list)
    capability: float | DataRef
    capability_uncertainty: Uncertainty | None = None
    capability_source: str | None = None
    resolved: ResolvedCapability | None = Field(default=None, exclude=True)
    group: str | None = None
    colour: str | None = None
    note: str = ""

    _id = field_validator("id")(check_id)
    _name = field_validator("name")(not_blank)

    @field_validator("capability", mode="before")
    @classmethod
    def _cap(cls, v: Any) -> Any:
        return _capability(v)

    @field_validator("members")
    @classmethod
    def _members(cls, v: list[str]) -> list[str]:
        bad = [m for m in v if not _ISO3.match(m)]
        if bad:
            raise invalid(
                f"members must be ISO 3166 alpha-3 codes in capitals; got {bad}",
                'write each member as a three-letter code in capitals, e.g. "DEU".',
            )
        dup = [m for m, c in Counter(v).items() if c > 1]
        if dup:
            raise invalid(f"members listed twice: {dup}", "list each member once.")
        return v

    @field_validator("iso3")
    @classmethod
    def _iso3(cls, v: str | None) -> str | None:
        if v is not None and not _ISO3.match(v):
            raise invalid(
                f"iso3 must be an ISO 3166 alpha-3 code in capitals, not {v!r}",
                'write a three-letter code in capitals, e.g. iso3 = "TUR".',
            )
        return v

    @model_validator(mode="after")
    def _defaults(self) -> Actor:
        if not self.name:
            self.name = self.id
        if self.iso3 is None and self.kind is ActorKind.STATE and _ISO3.match(self.id):
            self.iso3 = self.id
        return self

    @property
    def capability_value(self) -> float | None:
        """The numeric capability, if given or resolved; ``None`` while unresolved."""
        if isinstance(self.capability, float):
            return self.capability
        return self.resolved.value if self.resolved is not None else None

    @property
    def countries(self) -> list[str]:
        """ISO3 codes whose data make up this actor (members of a bloc, else itself)."""
        if self.members:
            return list(self.members)
        return [self.iso3] if self.iso3 else []


class Scale(_Model):
    """The numeric scale of an issue."""

    min: float = Field(default=0.0, allow_inf_nan=False)
    max: float = Field(default=100.0, allow_inf_nan=False)
    unit: str = ""

    @model_validator(mode="after")
    def _order(self) -> Scale:
        if not self.max > self.min:
            raise invalid(
                f"scale max ({self.max:g}) must be above min ({self.min:g})",
                "write the scale as { min = LOW, max = HIGH } with LOW below HIGH.",
            )
        if not math.isfinite(self.max - self.min):
            raise invalid(
                f"the scale {self.min:g}-{self.max:g} is too wide to compute with",
                "use a scale whose width max - min is a finite number, e.g. 0-100.",
            )
        return self

    def contains(self, x: float, tol: float = 1e-9) -> bool:
        """True if ``x`` lies on the scale (with a small tolerance)."""
        span = self.max - self.min
        return self.min - tol * span <= x <= self.max + tol * span

    def snap(self, x: float) -> float:
        """``x``, moved onto the scale's end if it is off by no more than the tolerance.

        Values read from files or rescaled between scales can miss an end by a
        rounding error (``100.0000001``); the models need them exactly on the scale.
        """
        if self.contains(x):
            return min(max(x, self.min), self.max)
        return x


class Issue(_Model):
    """One dimension of the bargaining, with its scale and verbal anchors.

    ``anchors`` map points of the scale to what they mean, e.g.
    ``{0: "no Turkish troops in Ukraine", 100: "a full corps deployed"}``.
    ``outcome`` holds an observed outcome, for back-tests on historical data.
    """

    id: Id
    label: str = ""
    description: str = ""
    scale: Scale = Field(default_factory=Scale)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: float | None = Field(default=None, allow_inf_nan=False)
    status_quo_source: str | None = None
    outcome: float | None = Field(default=None, allow_inf_nan=False)
    note: str = ""

    _id = field_validator("id")(check_id)
    _label = field_validator("label")(not_blank)

    @field_validator("anchors", mode="before")
    @classmethod
    def _anchor_keys(cls, v: Any) -> Any:
        if isinstance(v, dict):
            out: dict[float, Any] = {}
            for key, text in v.items():
                try:
                    out[float(key)] = text
                except (TypeError, ValueError):
                    raise invalid(
                        f"anchor key {key!r} is not a number",
                        'anchors map scale points to text, e.g. "0" = "no deployment".',
                    ) from None
            return dict(sorted(out.items()))
        return v

    @model_validator(mode="after")
    def _defaults(self) -> Issue:
        if not self.label:
            self.label = self.id
        return self

    def anchor_text(self, x: float) -> str:
        """The verbal anchor nearest to ``x`` (empty if there are none)."""
        if not self.anchors:
            return ""
        key = min(self.anchors, key=lambda a: abs(a - x))
        return self.anchors[key]


class Stance(_Model):
    """An actor's position on an issue and how much the issue matters to it.

    ``capability``, when given, is the actor's power on this issue only (decide's
    per-issue power); it overrides the actor's capability there.  0 means no say on
    the issue.
    """

    actor: str
    issue: str
    position: float = Field(allow_inf_nan=False)
    salience: float = Field(allow_inf_nan=False)
    capability: float | None = None
    uncertainty: Uncertainty | None = None
    salience_uncertainty: Uncertainty | None = None
    note: str = ""
    source: str | None = None

    @field_validator("capability", mode="before")
    @classmethod
    def _stance_cap(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, str) or not isinstance(v, int | float):
            raise invalid(
                "a stance's capability must be a number",
                "write a number without quotes (the actor's power on this issue), or leave "
                "it out to use the actor's capability.",
            )
        value = float(v)
        if value == 0.0:
            return value
        why = capability_problem(value)
        if why is not None:
            raise invalid(
                why.replace("capability", "stance capability", 1),
                "give 0 (no say on this issue) or a positive number in the same units as "
                "the actors' capabilities, or leave it out.",
            )
        return value

    @field_validator("salience")
    @classmethod
    def _sal(cls, v: float) -> float:
        if v < 0:
            raise invalid(
                f"salience must be zero or positive, not {v:g}",
                "use 0 (the issue does not matter to the actor) up to the salience scale's "
                "top (salience_max, 100 by default).",
            )
        return v


class Accommodation(_Model):
    """KTAB's ideal adjustment: how far ``actor`` moves its ideal towards ``towards``."""

    actor: str
    towards: str
    adjust: float = Field(allow_inf_nan=False)

    @field_validator("adjust")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            raise invalid(
                f"ideal adjustment {v:g} is outside [0, 1]",
                "use a rate between 0 (the actor keeps its ideal) and 1 (it adopts the "
                "other's position).",
            )
        return v


class Scenario(_Model):
    """A bargaining scenario: actors, issues, stances and the sources behind them.

    Parameters
    ----------
    id, name, description, question
        What the scenario is about.  ``question`` is the policy question it answers.
    actors, issues, stances, sources
        The content.  There is at most one stance per actor and issue; an actor with
        no stance on an issue takes no part in it.
    salience_max
        The top of the salience scale (100 by default).
    salience_budget
        If set, each actor's saliences summed over issues may not exceed it (KTAB
        files use 100).
    models
        Model parameters by model name, e.g. ``{"smp": {"VotingRule": "Cubic"}}``.
    seed
        A seed stored with the scenario (KTAB XML ``prngSeed``).
    accommodation
        KTAB ideal-adjustment pairs (XML ``IdealAdjustment``).
    partnership
        Parameters of the partnership strategy model, validated by
        :mod:`detente.partnership`.
    deals
        Settings of the deal finder (``between = [A, B]``: the two sides whose
        exchanges ``detente deals`` and the report look for), validated by
        :mod:`detente.bargaining.deals`.
    claims
        The numeric claims of the argument the scenario models
        (:mod:`detente.scenario.claims`), checked by :func:`detente.data.check_claims`.
    meta
        Format-specific details kept for faithful round trips.
    """

    id: Id = "scenario"
    name: str = ""
    description: str = ""
    question: str = ""
    actors: list[Actor] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    salience_max: float = Field(default=100.0, gt=0, allow_inf_nan=False)
    salience_budget: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)
    seed: int | None = Field(default=None, ge=0, lt=2**64)
    accommodation: list[Accommodation] | None = None
    partnership: dict[str, Any] | None = None
    deals: dict[str, Any] | None = None
    claims: list[Claim] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)

    _id = field_validator("id")(check_id)
    _name = field_validator("name")(not_blank)

    @model_validator(mode="after")
    def _semantic(self) -> Scenario:
        if not self.name:
            self.name = self.id
        self.claims = name_claims(self.claims)
        _snap_to_scales(self)
        problems = scenario_problems(self)
        if problems:
            raise SemanticError(problems)
        return self

    # -- lookups ----------------------------------------------------------------
    @property
    def actor_ids(self) -> list[str]:
        """Actor ids in file order."""
        return [a.id for a in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        """Issue ids in file order."""
        return [i.id for i in self.issues]

    def _table(self, name: str, *, fresh: bool = False) -> dict[Any, tuple[int, Any]]:
        """A dict index of ``actors``, ``issues``, ``sources`` or ``stances``.

        Built once per list and kept while that list object and its length stay the
        same, so that lookups inside loops over actors stay linear overall.  The
        first entry wins on repeated keys, as a search in file order would find.
        Lists are replaced, not edited, throughout detente (pydantic's ``model_copy``
        and the readers build new lists); an entry found is checked against the list
        and the index rebuilt if it moved or changed.
        """
        items = getattr(self, name)
        cached = _LOOKUPS.get(id(self))
        if cached is None:
            cached = ({}, weakref.ref(self, functools.partial(_drop_lookups, id(self))))
            _LOOKUPS[id(self)] = cached
        tables = cached[0]
        entry = tables.get(name)
        if fresh or entry is None or entry[0] is not items or entry[1] != len(items):
            table: dict[Any, tuple[int, Any]] = {}
            for n, item in enumerate(items):
                key = (item.actor, item.issue) if name == "stances" else item.id
                table.setdefault(key, (n, item))
            entry = (items, len(items), table)
            tables[name] = entry
        return entry[2]

    def _find(self, name: str, key: Any) -> Any:
        """The entry with ``key`` in list ``name``, or ``None``."""
        hit = self._table(name).get(key)
        if hit is not None:
            n, item = hit
            items = getattr(self, name)
            found = (item.actor, item.issue) if name == "stances" else item.id
            if n < len(items) and items[n] is item and found == key:
                return item
            hit = self._table(name, fresh=True).get(key)  # edited in place: look again
        return None if hit is None else hit[1]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (``KeyError`` if there is none)."""
        a = self._find("actors", actor_id)
        if a is None:
            raise KeyError(actor_id)
        return a

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (``KeyError`` if there is none)."""
        i = self._find("issues", issue_id)
        if i is None:
            raise KeyError(issue_id)
        return i

    def source(self, source_id: str) -> Source:
        """The source with this id (``KeyError`` if there is none)."""
        src = self._find("sources", source_id)
        if src is None:
            raise KeyError(source_id)
        return src

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """The stance of an actor on an issue, or ``None``."""
        return self._find("stances", (actor_id, issue_id))

    @property
    def unresolved_actors(self) -> list[str]:
        """Ids of actors whose capability is a data reference not yet resolved."""
        return [a.id for a in self.actors if a.capability_value is None]

    def with_capabilities(self, resolved: dict[str, ResolvedCapability]) -> Scenario:
        """A copy with data references resolved to the given values."""
        actors = [
            a.model_copy(update={"resolved": resolved[a.id]}) if a.id in resolved else a
            for a in self.actors
        ]
        return self.model_copy(update={"actors": actors})


#: Lookup tables of live scenarios, by ``id()``; kept outside the pydantic model so
#: that they take no part in equality or copies, and dropped with their scenario.
_LOOKUPS: dict[int, tuple[dict[str, Any], weakref.ref[Any]]] = {}


def _drop_lookups(key: int, _ref: object) -> None:
    _LOOKUPS.pop(key, None)


class SemanticError(ValueError):
    """Raised inside validation with every whole-scenario problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _snap_to_scales(s: Scenario) -> None:
    """Move numbers that miss their scale's end by a rounding error onto it.

    Positions, status quos, outcomes and uncertainty ranges are snapped to their
    issue's scale, saliences to ``salience_max``; the same tolerance
    (:meth:`Scale.contains`) decides what is still accepted as on the scale.
    """
    scales = {i.id: i.scale for i in s.issues}
    for i in s.issues:
        if i.status_quo is not None:
            i.status_quo = i.scale.snap(i.status_quo)
        if i.outcome is not None:
            i.outcome = i.scale.snap(i.outcome)
    for st in s.stances:
        if s.salience_max < st.salience <= s.salience_max * (1 + 1e-9):
            st.salience = s.salience_max
        scale = scales.get(st.issue)
        if scale is None:
            continue
        st.position = scale.snap(st.position)
        u = st.uncertainty
        if u is not None and u.low is not None and u.high is not None:
            u.low, u.high = scale.snap(u.low), scale.snap(u.high)


def _listed(ids: list[str], most: int = 12) -> str:
    """Ids for a message: all of them, or the first ``most`` and how many more."""
    if len(ids) <= most:
        return str(ids)
    return f"{ids[:most]} and {len(ids) - most:,} more"


def _dupes(ids: list[str]) -> list[str]:
    return [i for i, c in Counter(ids).items() if c > 1]


def scenario_problems(s: Scenario) -> list[Problem]:
    """Every whole-scenario problem of ``s`` (empty when it is valid).

    Parameters
    ----------
    s
        The scenario, already checked field by field.

    Returns
    -------
    list of Problem
        Located by field path (``stances[3].position``); the file and line are added
        by the reader.
    """
    out: list[Problem] = []
    actor_ids = [a.id for a in s.actors]
    issue_ids = [i.id for i in s.issues]
    source_ids = [x.id for x in s.sources]

    if not s.actors:
        out.append(Problem("the scenario has no actors", field="actors", fix="add [[actors]]."))
    elif len(s.actors) == 1:
        out.append(
            Problem(
                "the scenario has a single actor; bargaining needs at least two",
                field="actors",
                fix="add the other parties as [[actors]].",
            )
        )
    if not s.issues:
        out.append(Problem("the scenario has no issues", field="issues", fix="add [[issues]]."))

    for kind, ids in (("actor", actor_ids), ("issue", issue_ids), ("source", source_ids)):
        entries: dict[str, list[int]] = {}
        for n, ident in enumerate(ids):
            entries.setdefault(ident, []).append(n)
        for d in _dupes(ids):
            idx = entries[d]
            out.append(
                Problem(
                    f"duplicate {kind} id {d!r} (entries {', '.join(str(k) for k in idx[:12])}"
                    f"{' ...' if len(idx) > 12 else ''})",
                    field=f"{kind}s[{idx[1]}].id",
                    fix=f"give each {kind} a unique id.",
                )
            )

    known_a, known_i, known_s = set(actor_ids), set(issue_ids), set(source_ids)

    def _src(ref: str | None, where: str) -> None:
        if ref is not None and ref not in known_s:
            out.append(
                Problem(
                    f"unknown source {ref!r}",
                    field=where,
                    fix=f"add a [[sources]] entry with id = {ref!r}, or cite one of "
                    f"{_listed(sorted(known_s)) if known_s else 'the sources (none are defined)'}.",
                )
            )

    for n, a in enumerate(s.actors):
        _src(a.capability_source, f"actors[{n}].capability_source")
        out.extend(
            _range_problems(
                a.capability_uncertainty,
                a.capability if isinstance(a.capability, float) else None,
                0.0,
                math.inf,
                f"actors[{n}].capability_uncertainty",
                "the capabilities (0 and up)",
            )
        )
        if a.resolved is None and isinstance(a.capability, DataRef) and not a.countries:
            out.append(
                Problem(
                    f"actor {a.id!r} takes its capability from data but has no country",
                    field=f"actors[{n}].capability",
                    fix="set iso3 (a state) or members (a bloc), or give a number.",
                )
            )
    for n, i in enumerate(s.issues):
        _src(i.status_quo_source, f"issues[{n}].status_quo_source")
        for name, val in (("status_quo", i.status_quo), ("outcome", i.outcome)):
            if val is not None and not i.scale.contains(val):
                out.append(
                    Problem(
                        f"{name} {val:g} is outside the scale {i.scale.min:g}-{i.scale.max:g}",
                        field=f"issues[{n}].{name}",
                        fix="move it onto the scale, or widen the scale.",
                    )
                )
        for point in i.anchors:
            if not i.scale.contains(point):
                out.append(
                    Problem(
                        f"anchor at {point:g} is outside the scale {i.scale.min:g}-{i.scale.max:g}",
                        field=f"issues[{n}].anchors",
                        fix="anchor points must lie on the issue's scale.",
                    )
                )

    issues_by_id = {i.id: i for i in s.issues}
    seen: dict[tuple[str, str], int] = {}
    budget: dict[str, float] = {}
    first_stance: dict[str, int] = {}
    negligible: list[int] = []
    for n, st in enumerate(s.stances):
        where = f"stances[{n}]"
        if st.actor not in known_a:
            out.append(
                Problem(
                    f"unknown actor {st.actor!r}",
                    field=f"{where}.actor",
                    fix=f"use one of the actor ids {_listed(actor_ids)}, or add the actor.",
                )
            )
        if st.issue not in known_i:
            out.append(
                Problem(
                    f"unknown issue {st.issue!r}",
                    field=f"{where}.issue",
                    fix=f"use one of the issue ids {_listed(issue_ids)}, or add the issue.",
                )
            )
        key = (st.actor, st.issue)
        if key in seen:
            out.append(
                Problem(
                    f"actor {st.actor!r} has a second stance on issue {st.issue!r} "
                    f"(the first is stances[{seen[key]}])",
                    field=where,
                    fix="keep one stance per actor and issue.",
                )
            )
        else:
            seen[key] = n
        iss = issues_by_id.get(st.issue)
        if iss is not None and not iss.scale.contains(st.position):
            out.append(
                Problem(
                    f"position {st.position:g} is outside the scale "
                    f"{iss.scale.min:g}-{iss.scale.max:g} of issue {iss.id!r}",
                    field=f"{where}.position",
                    fix=f"use a position between {iss.scale.min:g} and {iss.scale.max:g}.",
                )
            )
        if st.salience > s.salience_max * (1 + 1e-9):
            out.append(
                Problem(
                    f"salience {st.salience:g} is above the salience scale's top "
                    f"({s.salience_max:g})",
                    field=f"{where}.salience",
                    fix=f"use a salience between 0 and {s.salience_max:g}.",
                )
            )
        if st.uncertainty is not None and st.uncertainty.is_range and iss is not None:
            lo, hi = st.uncertainty.low, st.uncertainty.high
            assert lo is not None and hi is not None
            if not (iss.scale.contains(lo) and iss.scale.contains(hi)):
                out.append(
                    Problem(
                        f"uncertainty range [{lo:g}, {hi:g}] leaves the issue's scale",
                        field=f"{where}.uncertainty",
                        fix="keep the range on the scale.",
                    )
                )
            elif not lo - 1e-9 <= st.position <= hi + 1e-9:
                out.append(
                    Problem(
                        f"position {st.position:g} is outside its own uncertainty range "
                        f"[{lo:g}, {hi:g}]",
                        field=f"{where}.uncertainty",
                        fix="make the range contain the position.",
                    )
                )
        out.extend(
            _range_problems(
                st.salience_uncertainty,
                st.salience,
                0.0,
                s.salience_max,
                f"{where}.salience_uncertainty",
                "the salience scale",
            )
        )
        _src(st.source, f"{where}.source")
        budget[st.actor] = budget.get(st.actor, 0.0) + st.salience
        first_stance.setdefault(st.actor, n)
        if 0.0 < st.salience < s.salience_max * SALIENCE_FLOOR:
            negligible.append(n)

    positive = sum(1 for st in s.stances if st.salience > 0)
    if negligible and len(negligible) == positive and positive > 1:
        out.append(
            Problem(
                f"every salience is below {SALIENCE_FLOOR:g} of the salience scale's top "
                f"({s.salience_max:g}), too small to compute with",
                field="salience_max",
                fix="set salience_max to the top of the scale your saliences use (e.g. 100).",
            )
        )
    else:
        for n in negligible:
            st = s.stances[n]
            out.append(
                Problem(
                    f"salience {st.salience:g} is positive but negligible (below "
                    f"{SALIENCE_FLOOR:g} of the salience scale's top, {s.salience_max:g})",
                    field=f"stances[{n}].salience",
                    fix="use 0 if the issue does not matter to the actor, or a larger value.",
                )
            )

    if s.salience_budget is not None:
        for actor_id, total in budget.items():
            if total > s.salience_budget * (1 + 1e-9) + 1e-9:
                n = first_stance[actor_id]
                out.append(
                    Problem(
                        f"actor {actor_id!r}'s saliences sum to {total:g}, over the limit "
                        f"of {s.salience_budget:g}",
                        field=f"stances[{n}].salience",
                        fix=f"scale {actor_id!r}'s saliences down so they sum to at most "
                        f"{s.salience_budget:g}.",
                    )
                )

    out.extend(claims_problems(s.claims, known_s))

    if s.accommodation is not None:
        for n, acc in enumerate(s.accommodation):
            for attr in ("actor", "towards"):
                ref = getattr(acc, attr)
                if ref not in known_a:
                    out.append(
                        Problem(
                            f"unknown actor {ref!r} in ideal adjustment",
                            field=f"accommodation[{n}].{attr}",
                            fix=f"use one of the actor ids {_listed(actor_ids)}.",
                        )
                    )
        out.extend(_accommodation_sums(s.accommodation))
    return out


def _range_problems(
    u: Uncertainty | None, point: float | None, lo: float, hi: float, where: str, what: str
) -> list[Problem]:
    """A salience or capability range must stay in its allowed range; a triangular
    range must hold the point value (its mode)."""
    if u is None or not u.is_range:
        return []
    assert u.low is not None and u.high is not None
    top = "inf" if math.isinf(hi) else f"{hi:g}"
    if u.low < lo or u.high > hi * (1 + 1e-9):
        return [
            Problem(
                f"uncertainty range [{u.low:g}, {u.high:g}] leaves {what}, [{lo:g}, {top}]",
                field=where,
                fix=f"keep the range within [{lo:g}, {top}].",
            )
        ]
    if u.distribution == "triangular" and point is not None and not u.low <= point <= u.high:
        return [
            Problem(
                f"a triangular range [{u.low:g}, {u.high:g}] needs the value ({point:g}) "
                "inside it, as its mode",
                field=where,
                fix="widen the range to include the value, or use a uniform range.",
            )
        ]
    return []


def _accommodation_sums(pairs: list[Accommodation]) -> list[Problem]:
    """KTAB's rule: from the identity matrix, each pair sets one rate; rows sum to <= 1."""
    rates: dict[tuple[str, str], float] = {}
    first: dict[str, int] = {}
    for n, p in enumerate(pairs):
        rates[(p.actor, p.towards)] = p.adjust
        first.setdefault(p.actor, n)
    totals: dict[str, float] = {}
    for (a, _), r in rates.items():
        totals[a] = totals.get(a, 0.0) + r
    out = []
    for actor, n in first.items():
        total = totals[actor]
        if (actor, actor) not in rates:
            total += 1.0  # the identity's own rate
        if total > 1.0 + 1e-9:
            out.append(
                Problem(
                    f"the ideal adjustment rates of {actor!r} sum to {total:g}, above 1",
                    field=f"accommodation[{n}]",
                    fix="the rates start from the identity (each actor keeps its own ideal "
                    "at rate 1), so an actor that adjusts towards others must also lower "
                    "its own rate (an entry with actor = towards) so that its rates sum to "
                    "at most 1.",
                )
            )
    return out


def scenario_warnings(s: Scenario) -> list[str]:
    """Things that are valid but leave some models with nothing to do.

    The models handle each case (they give no forecast, or a trivial one, and say
    why in their notes; SMP refuses an actor with no positive salience), so these
    are warnings for ``detente validate`` and ``detente show``, not errors.

    Parameters
    ----------
    s
        A valid scenario.

    Returns
    -------
    list of str
        One sentence per finding, naming the issue or actor.
    """
    out: list[str] = []
    by_issue: dict[str, list[Stance]] = {}
    cares: set[str] = set()
    for st in s.stances:
        by_issue.setdefault(st.issue, []).append(st)
        if st.salience > 0:
            cares.add(st.actor)
    for i in s.issues:
        on = by_issue.get(i.id, [])
        if not on:
            out.append(f"issue {i.id!r} has no stances: no model can forecast it")
        elif all(st.salience == 0 for st in on):
            out.append(
                f"every salience on issue {i.id!r} is 0: no actor cares about it, so most "
                "models give no forecast for it"
            )
        elif len(on) == 1:
            out.append(
                f"only {on[0].actor!r} takes a position on issue {i.id!r}: the forecast is "
                "its own position"
            )
    for a in s.actors:
        if a.id not in cares:
            out.append(
                f"actor {a.id!r} has no positive salience on any issue: it takes no part "
                "(the SMP model refuses such an actor; remove it, or give it a salience)"
            )
    return out
