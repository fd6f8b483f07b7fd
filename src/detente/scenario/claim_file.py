"""The claims of a scenario file, read even while the rest of the file is unfinished.

``detente claims check`` must work on a draft written by ``detente draft``, which has
actors and claims but no issues or stances yet.  :func:`load_claims` reads a whole
scenario when it can; when the scenario is not (yet) valid, it still reads the
``[[sources]]`` and ``[[claims]]`` -- and reports their problems, located -- so the
claims can be checked before the analyst fills in the rest.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from detente.errors import InputError, ScenarioError
from detente.scenario._base import _Model
from detente.scenario._build import problems_from_validation
from detente.scenario._text import read_text
from detente.scenario.claims import Claim, claims_problems, name_claims
from detente.scenario.io import Format, detect_format, load_scenarios
from detente.scenario.model import Scenario, SemanticError, Source
from detente.scenario.toml_format import field_locator, loads_toml

__all__ = ["ClaimSet", "claim_set", "load_claims"]

_ISO3 = re.compile(r"^[A-Z]{3}$")


class ClaimSet(_Model):
    """The claims of a scenario, with what checking them needs.

    Attributes
    ----------
    id, name
        The scenario's id and name.
    sources
        Its ``[[sources]]`` (claims and cited figures cite them).
    claims
        Its ``[[claims]]``; those without an id are named ``claim1``, ``claim2``...
    actors
        Actor id -> the countries it stands for (a bloc's members, a state's ISO3
        code), so that a claim may name a bloc actor among its countries.
    complete
        True when the file is a valid scenario, False for an unfinished one (a draft).
    """

    id: str = "scenario"
    name: str = ""
    sources: list[Source] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    actors: dict[str, list[str]] = Field(default_factory=dict)
    _complete: bool = PrivateAttr(default=True)

    @property
    def complete(self) -> bool:
        """True when the file is a valid scenario, False for an unfinished one (a draft)."""
        return self._complete

    @model_validator(mode="after")
    def _check(self) -> ClaimSet:
        self.claims = name_claims(self.claims)
        problems = claims_problems(self.claims, {s.id for s in self.sources})
        if problems:
            raise SemanticError(problems)
        return self


def claim_set(scenario: Scenario) -> ClaimSet:
    """The claims of a valid scenario, as a :class:`ClaimSet`."""
    return ClaimSet(
        id=scenario.id,
        name=scenario.name,
        sources=list(scenario.sources),
        claims=list(scenario.claims),
        actors={a.id: a.countries for a in scenario.actors if a.countries},
    )


def _raw_actors(raw: Any) -> dict[str, list[str]]:
    """Actor id -> countries, from actor tables that may not validate yet."""
    out: dict[str, list[str]] = {}
    if not isinstance(raw, list):
        return out
    for a in raw:
        if not isinstance(a, dict) or not isinstance(a.get("id"), str):
            continue
        members = a.get("members")
        if isinstance(members, list) and members and all(isinstance(m, str) for m in members):
            out[a["id"]] = [str(m) for m in members]
        elif isinstance(a.get("iso3"), str):
            out[a["id"]] = [a["iso3"]]
        elif _ISO3.match(a["id"]) and a.get("kind", "state") == "state":
            out[a["id"]] = [a["id"]]
    return out


def load_claims(path: str | os.PathLike[str], *, format: str | None = None) -> ClaimSet:
    """Read the claims of a scenario file, finished or not.

    Parameters
    ----------
    path
        A scenario file.  KTAB and DEU files have no claims (an empty set).
    format
        Force a format instead of detecting it.

    Returns
    -------
    ClaimSet
        ``complete`` tells whether the file is also a valid scenario.

    Raises
    ------
    InputError
        TOML syntax errors, and every problem of the ``[[sources]]`` and
        ``[[claims]]`` entries, located by line and field.
    """
    p = Path(path)
    fmt = Format(format) if format is not None else detect_format(p)
    if fmt is not Format.TOML:
        scenarios = load_scenarios(p, format=fmt)
        return ClaimSet(id=scenarios[0].id if len(scenarios) == 1 else p.stem, name=p.name)
    text = read_text(p, legacy_encodings=False).text
    try:
        return claim_set(loads_toml(text, file=p))
    except ScenarioError as err:
        whole = err
    doc = tomllib.loads(text)  # the syntax was checked by loads_toml
    raw_head = doc.get("scenario")
    head: dict[str, Any] = raw_head if isinstance(raw_head, dict) else {}
    data = {
        "id": str(head.get("id", p.stem)),
        "name": str(head.get("name", head.get("id", p.stem))),
        "sources": doc.get("sources", []),
        "claims": doc.get("claims", []),
        "actors": _raw_actors(doc.get("actors")),
    }
    try:
        claims = ClaimSet.model_validate(data)
    except ValidationError as verr:
        locate = field_locator(text)
        problems = problems_from_validation(verr, file=p, locate=locate)
        raise InputError(problems) from None
    if not claims.claims:
        # nothing to check; the scenario's own problems are what the user must see
        raise whole
    claims._complete = False
    return claims
