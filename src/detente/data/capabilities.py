"""Resolve actors' data-referenced capabilities in a scenario.

An actor's ``capability`` may be a :class:`detente.scenario.DataRef` instead of a
number::

    capability = { indicator = "sipri.milex_usd_constant", year = 2024 }
    capability = "cinc"                  # a named composite, latest year

:func:`resolve_capabilities` looks each reference up in the store.  A state uses its
own ``iso3``; a bloc aggregates its ``members`` (``sum`` by default, or ``mean`` /
``max``), and members without data that year are recorded in
:attr:`ResolvedCapability.missing_members`.  ``year`` left out means the latest year
with data for any of the actor's countries.  The value is multiplied by ``scale``.

Named composites are short names for standard capability measures:

============== ==================================== ===============================
name           indicator                            meaning
============== ==================================== ===============================
``cinc``       ``cow.cinc``                         COW Composite Index of National
                                                    Capability (military, industrial
                                                    and demographic shares)
``milex``      ``sipri.milex_usd_constant``         military spending, constant US$
``defence``    ``nato.defence_usd_current``         NATO defence spending, US$
``personnel``  ``nato.military_personnel``          NATO military personnel
``gdp``        ``wdi.gdp_usd``                      GDP, current US$
``population`` ``wdi.population``                   population
============== ==================================== ===============================
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from detente.data.catalog import INDICATORS
from detente.data.store import get_store
from detente.errors import Problem, ScenarioError
from detente.scenario import DataRef, ResolvedCapability, Scenario
from detente.scenario.io import locate_problems
from detente.scenario.model import CAPABILITY_MAX, CAPABILITY_MIN, capability_problem

__all__ = ["COMPOSITES", "capability_table", "resolve_capabilities", "resolve_reference"]

#: Named composites: name -> indicator.
COMPOSITES: dict[str, str] = {
    "cinc": "cow.cinc",
    "milex": "sipri.milex_usd_constant",
    "defence": "nato.defence_usd_current",
    "personnel": "nato.military_personnel",
    "gdp": "wdi.gdp_usd",
    "population": "wdi.population",
}


def _sum(x: NDArray[np.float64]) -> float:
    return float(np.sum(x))


def _mean(x: NDArray[np.float64]) -> float:
    return float(np.mean(x))


def _max(x: NDArray[np.float64]) -> float:
    return float(np.max(x))


_AGGREGATE: dict[str, Callable[[NDArray[np.float64]], float]] = {
    "sum": _sum,
    "mean": _mean,
    "max": _max,
}


class _Unresolvable(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _indicator_name(ref: DataRef, field: str) -> str:
    name = COMPOSITES.get(ref.indicator.strip().lower(), ref.indicator.strip())
    available = get_store().indicator_names()
    if name in available:
        return name
    from rapidfuzz import fuzz, process, utils

    if name in INDICATORS:
        dataset = INDICATORS[name].dataset.replace("_", "-")
        raise _Unresolvable(
            Problem(
                f"indicator {name!r} has no data loaded",
                field=field,
                fix=f"import it with `detente data import {dataset} FILE`, or use another "
                "indicator.",
            )
        )
    pool = [*COMPOSITES, *available]
    hits = process.extract(
        ref.indicator, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
    )
    raise _Unresolvable(
        Problem(
            f"unknown capability indicator {ref.indicator!r}",
            field=field,
            fix=f"closest matches: {', '.join(h[0] for h in hits)}; named composites: "
            f"{', '.join(COMPOSITES)}; `detente data show --list` lists every indicator.",
        )
    )


def resolve_reference(
    ref: DataRef, countries: list[str], *, field: str = "capability", bloc: bool = False
) -> ResolvedCapability:
    """Resolve one data reference for a set of countries.

    Parameters
    ----------
    ref
        The reference (indicator or composite, year, aggregate, scale).
    countries
        Canonical codes: one for a state, the members for a bloc.
    field
        Field path for error messages, e.g. ``actors[2].capability``.
    bloc
        Whether the actor is a bloc (members are aggregated and may be missing).

    Returns
    -------
    ResolvedCapability

    Raises
    ------
    ScenarioError
        If the indicator is unknown, there are no data for the year, or the value is
        not positive; the message names the field and the fix.
    """
    try:
        return _resolve(ref, countries, field, bloc)
    except _Unresolvable as err:
        raise ScenarioError([err.problem]) from None


def _fetch(names: set[str], countries: set[str]) -> pd.DataFrame:
    """Every value of the given indicators for the given countries, in one query."""
    names_sql = ", ".join("?" * len(names))
    codes_sql = ", ".join("?" * len(countries))
    return get_store().sql(
        f"SELECT indicator, iso3, country, year, value, unit, source, flag FROM indicators "
        f"WHERE indicator IN ({names_sql}) AND iso3 IN ({codes_sql})",
        [*sorted(names), *sorted(countries)],
    )


def _resolve(
    ref: DataRef,
    countries: list[str],
    field: str,
    bloc: bool,
    prefetched: pd.DataFrame | None = None,
) -> ResolvedCapability:
    name = _indicator_name(ref, f"{field}.indicator")
    spec = INDICATORS.get(name)
    if not countries:
        raise _Unresolvable(
            Problem(
                "a data capability needs the actor's country or members",
                field=field,
                fix='give iso3 = "TUR" for a state or members = ["DEU", "FRA", ...] '
                "for a bloc, or a number as capability.",
            )
        )
    if len(countries) > 1 and ref.aggregate == "sum" and spec is not None and not spec.additive:
        raise _Unresolvable(
            Problem(
                f"{name} ({spec.unit}) cannot be summed over a bloc's members",
                field=f"{field}.aggregate",
                fix='use aggregate = "mean" or "max", or a level indicator such as '
                "sipri.milex_usd_constant.",
            )
        )
    store = get_store()
    if prefetched is None:
        prefetched = _fetch({name}, set(countries))
    rows = prefetched[(prefetched["indicator"] == name) & prefetched["iso3"].isin(countries)]
    first, last = store.coverage()[name]
    span = f"{first}-{last}"
    if rows.empty:
        raise _Unresolvable(
            Problem(
                f"{name} has no data for {', '.join(countries)}",
                field=field,
                fix=f"{name} covers {span}; check the actor's iso3/members or choose another "
                "indicator.",
            )
        )
    year = int(rows["year"].max()) if ref.year is None else int(ref.year)
    have = rows[rows["year"] == year]
    if have.empty:
        got = sorted(rows["year"].unique())
        raise _Unresolvable(
            Problem(
                f"{name} has no data for {year} for {', '.join(countries)}",
                field=f"{field}.year",
                fix=f"choose a year with data ({got[0]}-{got[-1]} for these countries), or "
                "leave year out for the latest.",
            )
        )
    missing = [c for c in countries if c not in set(have["iso3"])]
    if missing and not bloc:
        raise _Unresolvable(
            Problem(
                f"{name} has no data for {', '.join(missing)} in {year}",
                field=f"{field}.year",
                fix="choose another year or indicator.",
            )
        )
    raw = _AGGREGATE[ref.aggregate](have["value"].to_numpy(np.float64))
    value = raw * ref.scale
    if not np.isfinite(raw) or raw <= 0:
        raise _Unresolvable(
            Problem(
                f"{name} in {year} gives {raw:g}, but a capability must be positive",
                field=field,
                fix="choose an indicator with positive values (a level, not a change).",
            )
        )
    why = capability_problem(value)
    if why is not None:
        raise _Unresolvable(
            Problem(
                f"{name} in {year} is {raw:g}; times scale {ref.scale:g} that gives: {why}",
                field=f"{field}.scale",
                fix=f"choose a scale that brings the value within {CAPABILITY_MIN:g}-"
                f"{CAPABILITY_MAX:g} (only ratios between actors matter), or leave scale out.",
            )
        )
    notes = []
    if len(countries) > 1:
        notes.append(f"{ref.aggregate} over {len(have)} of {len(countries)} members")
    flags = sorted({f for f in have["flag"] if isinstance(f, str) and f})
    if flags:
        notes.append("includes " + " and ".join(f"{f} values" for f in flags))
    if name != ref.indicator:
        notes.append(f"composite {ref.indicator!r} = {name}")
    sources = sorted(set(have["source"]))
    return ResolvedCapability(
        value=value,
        indicator=name,
        year=year,
        unit=str(have["unit"].iloc[0]) + ("" if ref.scale == 1.0 else f" x {ref.scale:g}"),
        source="; ".join(sources),
        members=sorted(have["iso3"]) if len(countries) > 1 else [],
        missing_members=missing,
        note="; ".join(notes),
    )


def resolve_capabilities(scenario: Scenario, *, file: str | Path | None = None) -> Scenario:
    """Resolve every data-referenced capability of a scenario.

    Parameters
    ----------
    scenario
        A scenario whose actors may have :class:`~detente.scenario.DataRef`
        capabilities.
    file
        The scenario's file, for error messages.

    Returns
    -------
    Scenario
        A copy whose actors carry :class:`~detente.scenario.ResolvedCapability`
        (``actor.resolved``); actors with numeric capabilities are unchanged.

    Raises
    ------
    ScenarioError
        Listing every reference that cannot be resolved, each with its field
        (``actors[2].capability.indicator``) and the fix.
    """
    resolved: dict[str, ResolvedCapability] = {}
    problems: list[Problem] = []
    refs = [
        (n, a, a.capability)
        for n, a in enumerate(scenario.actors)
        if isinstance(a.capability, DataRef)
    ]
    if not refs:
        return scenario
    known = set(get_store().indicator_names())
    names = {COMPOSITES.get(r.indicator.strip().lower(), r.indicator.strip()) for _, _, r in refs}
    codes = {c for _, a, _ in refs for c in a.countries}
    prefetched = _fetch(names & known, codes) if names & known and codes else None
    for n, actor, ref in refs:
        bloc = len(actor.members) > 0
        try:
            resolved[actor.id] = _resolve(
                ref, actor.countries, f"actors[{n}].capability", bloc, prefetched
            )
        except _Unresolvable as err:
            problems.append(err.problem)
    if problems:
        raise ScenarioError(locate_problems(problems, file) if file is not None else problems)
    return scenario.with_capabilities(resolved) if resolved else scenario


def capability_table(scenario: Scenario) -> pd.DataFrame:
    """One row per actor: capability value, and for data references where it came from.

    Returns
    -------
    pandas.DataFrame
        ``actor, value, indicator, year, unit, source, members, missing, note``.
    """
    rows = []
    for a in scenario.actors:
        r = a.resolved
        rows.append(
            {
                "actor": a.id,
                "value": a.capability_value,
                "indicator": r.indicator if r else "",
                "year": r.year if r else None,
                "unit": r.unit if r else "",
                "source": r.source if r else (a.capability_source or ""),
                "members": len(r.members) if r else 0,
                "missing": ", ".join(r.missing_members) if r else "",
                "note": r.note if r else "",
            }
        )
    return pd.DataFrame(rows)
