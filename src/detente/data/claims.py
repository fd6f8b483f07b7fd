"""Check a scenario's numeric claims against the data.

A scenario's ``[[claims]]`` (:mod:`detente.scenario.claims`) say what an argument
asserts; :func:`check_claims` sets each against the datasets and gives a verdict:

``holds``
    The data bear the claim out: the figure matches at the precision the claim states
    (``=``), within its tolerance (``~``), satisfies the inequality, or the rank or
    count is right.
``partly holds``
    Part of it holds: the rank but not the stated figure, some of the countries but
    not all, or an ``=`` figure within 10% but not at its stated precision.
``does not hold``
    The data contradict it.
``not checkable from data``
    No dataset measures it (cited figures from named sources may be weighed, but are
    never called data), or the data have no figure for its countries and year.

Units are compared through :mod:`detente.data.units`: a claim in percent is checked
against a 0-1 fraction, "350,000 soldiers" against thousands of persons, "7 billion
dollars" against millions of US$, whose price basis is stated with the figures.  A
claim that cannot be checked because it is written wrongly -- an unknown indicator or
country, a unit that does not fit the indicator -- is an :class:`InputError` naming
the claim's field and a fix.

Default tolerances: ``~`` holds within 10% of the stated value (a claim may set
``tolerance``); ``=`` holds within half a unit of the claim's last stated digit or 2%
(writers round), and partly holds within 10%.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from detente.data.catalog import INDICATORS
from detente.data.groups import GROUPS, members
from detente.data.identity import country_name, resolve_countries, suggest
from detente.data.store import check_indicator, get_store
from detente.data.units import Unit, UnitError, conversion, describe_value, parse_unit
from detente.errors import InputError, Problem
from detente.scenario import Scenario
from detente.scenario.claim_file import ClaimSet, claim_set
from detente.scenario.claims import Claim, ContextRef
from detente.scenario.io import locate_problems

__all__ = [
    "VERDICTS",
    "ClaimCheck",
    "Verdict",
    "check_claim",
    "check_claims",
    "claims_frame",
    "claims_problems_in_data",
]

Verdict = Literal["holds", "partly holds", "does not hold", "not checkable from data"]

#: The four verdicts, best first.
VERDICTS: tuple[Verdict, ...] = (
    "holds",
    "partly holds",
    "does not hold",
    "not checkable from data",
)

#: ``=`` holds within this relative distance too (writers round), and partly holds
#: within :data:`EQUAL_PARTLY`.
EQUAL_ROUNDING = 0.02
EQUAL_PARTLY = 0.10


@dataclass(frozen=True)
class ClaimCheck:
    """The check of one claim.

    Attributes
    ----------
    id
        The claim's id.
    claim
        The claim's text.
    figures
        The figures from the data (and any cited figures), as text.
    verdict
        ``holds``, ``partly holds``, ``does not hold`` or ``not checkable from data``.
    explanation
        Why, in a sentence or two.
    source
        The data (dataset, edition and indicator) behind the figures, and any cited
        sources.
    values
        The key numbers, for reuse (``data_value``, ``rank``, ``count``, per-country
        figures, cross-checks, cited figures).
    indicator, countries, year, relation, value, unit
        What was checked: the indicator, the countries (canonical codes), the year
        used, and the claim's relation, value and unit.
    data_value
        The data's figure in the claim's unit (the rank for a rank claim, the count
        for a count claim); ``None`` when there is none.
    year_note
        How the year was chosen when the claim states none (``"latest in the data"``).
    """

    id: str
    claim: str
    figures: str
    verdict: Verdict
    explanation: str
    source: str
    values: dict[str, object] = field(default_factory=dict)
    indicator: str | None = None
    countries: tuple[str, ...] = ()
    year: int | None = None
    relation: str = "="
    value: float | None = None
    unit: str = ""
    data_value: float | None = None
    year_note: str = ""

    def as_dict(self) -> dict[str, object]:
        """A plain dict (JSON-ready)."""
        return {
            "id": self.id,
            "claim": self.claim,
            "figures": self.figures,
            "verdict": self.verdict,
            "explanation": self.explanation,
            "source": self.source,
            "indicator": self.indicator,
            "countries": list(self.countries),
            "year": self.year,
            "year_note": self.year_note,
            "relation": self.relation,
            "value": self.value,
            "unit": self.unit,
            "data_value": self.data_value,
            "values": self.values,
        }


# -- small helpers ---------------------------------------------------------------------


def _name(code: str) -> str:
    try:
        return country_name(code)
    except LookupError:
        return code


def _source_text(indicator: str) -> str:
    src = get_store().source_of(indicator)
    return f"{src} ({indicator}; {INDICATORS[indicator].unit})" if src else indicator


def _precision(v: float) -> float:
    """Half a unit of the last digit ``v`` states (2.1 -> 0.05, 350000 -> 5000)."""
    if v == 0 or not math.isfinite(v):
        return 0.5
    text = f"{abs(v):.10f}".rstrip("0")
    whole, _, frac = text.partition(".")
    if frac:
        return 0.5 * 10.0 ** (-len(frac))
    stripped = whole.rstrip("0")
    return 0.5 * 10.0 ** (len(whole) - len(stripped))


_REL_TEXT = {
    "=": "equal to",
    "~": "about",
    ">": "above",
    ">=": "at or above",
    "<": "below",
    "<=": "at or below",
}


def _meets(rel: str, d: float, v: float, tol: float) -> bool:
    """True when the data's ``d`` satisfies ``rel`` against the claimed ``v`` (strictly)."""
    if rel == ">":
        return d > v
    if rel == ">=":
        return d >= v
    if rel == "<":
        return d < v
    if rel == "<=":
        return d <= v
    if rel == "~":
        return abs(d - v) <= tol * abs(v) + 1e-12
    gap = abs(d - v)
    return gap < _precision(v) * (1 - 1e-12) or gap <= EQUAL_ROUNDING * abs(v) * (1 + 1e-9)


def _compare(rel: str, d: float, v: float, tol: float) -> Verdict:
    if _meets(rel, d, v, tol):
        return "holds"
    if rel == "=" and abs(d - v) <= EQUAL_PARTLY * abs(v):
        return "partly holds"
    return "does not hold"


def _gap(d: float, v: float) -> str:
    if v == 0:
        return ""
    pct = 100.0 * (d - v) / abs(v)
    if abs(pct) < 0.05:
        return "equal to the claimed figure"
    return f"{abs(pct):.0f}% {'above' if pct > 0 else 'below'} the claimed figure"


# -- preparing a claim: indicators, countries, units (user mistakes are problems) --------


@dataclass
class _Prepared:
    claim: Claim
    where: str
    unit: Unit
    codes: list[str] = field(default_factory=list)
    among: list[str] = field(default_factory=list)
    group_label: str = ""
    factors: dict[str, float] = field(default_factory=dict)  # indicator -> claim->data factor


def _year_for_groups(claim: Claim) -> int:
    if claim.year is not None:
        return claim.year
    if claim.indicator is not None and claim.indicator in get_store().coverage():
        return get_store().coverage()[claim.indicator][1]
    return dt.date.today().year


def _expand(
    items: Sequence[str], year: int, actors: Mapping[str, list[str]], where: str
) -> list[str]:
    groups = {g.lower() for g in GROUPS}
    out: list[str] = []
    for item in items:
        if item in actors:
            found = list(actors[item])
        elif item.strip().lower() in groups:
            found = members(item, year)
        else:
            try:
                found = resolve_countries([item], field=where)
            except InputError as err:
                fix = err.problems[0].fix or ""
                if "closest matches" in fix:
                    fix = fix.rstrip(".") + f"; or a group: {', '.join(GROUPS)}"
                    if actors:
                        fix += f", or an actor id: {', '.join(sorted(actors)[:8])}"
                    fix += "."
                raise InputError(err.problems[0].message, field=where, fix=fix) from None
        out += [c for c in found if c not in out]
    return out


def _unit_fix(claim_unit: Unit, indicator: str) -> str:
    data_unit = parse_unit(INDICATORS[indicator].unit)
    same = [
        name
        for name, s in INDICATORS.items()
        if claim_unit.dimension and _dimension(s.unit) == claim_unit.dimension
    ]
    hint = ""
    if same:
        close = suggest(indicator, same, limit=3)
        hint = f", or an indicator measured in {claim_unit.dimension}: {', '.join(close)}"
    from detente.data.units import EXAMPLES

    example = EXAMPLES.get(data_unit.dimension, repr(data_unit.text))
    return f"write the claim's unit as {indicator} measures it ({example}){hint}."


def _dimension(unit_text: str) -> str:
    try:
        return parse_unit(unit_text).dimension
    except UnitError:
        return ""


def _prepare(
    claim: Claim, n: int, actors: Mapping[str, list[str]]
) -> tuple[_Prepared, list[Problem]]:
    where = f"claims[{n}]"
    problems: list[Problem] = []
    try:
        unit = parse_unit(claim.unit)
    except UnitError as err:
        problems.append(
            Problem(
                str(err),
                field=f"{where}.unit",
                fix='write a unit such as "percent", "persons", "thousand persons", '
                '"billion US$" or "states" (docs/formats.md lists them).',
            )
        )
        unit = Unit(claim.unit, "")
    prep = _Prepared(claim, where, unit)
    for key, names in (("indicator", [claim.indicator]), ("also", claim.also)):
        for name in names:
            if name is None:
                continue
            try:
                check_indicator(name)
            except InputError as err:
                p = err.problems[0]
                problems.append(Problem(p.message, field=f"{where}.{key}", fix=p.fix))
                continue
            try:
                prep.factors[name] = conversion(unit, parse_unit(INDICATORS[name].unit))
            except UnitError as err:
                if not any(p.field == f"{where}.unit" for p in problems):
                    problems.append(
                        Problem(str(err), field=f"{where}.unit", fix=_unit_fix(unit, name))
                    )
    for k, ref in enumerate(claim.context):
        try:
            check_indicator(ref.indicator)
        except InputError as err:
            p = err.problems[0]
            problems.append(Problem(p.message, field=f"{where}.context[{k}]", fix=p.fix))
    for k, fig in enumerate(claim.cited):
        try:
            conversion(parse_unit(fig.unit), unit) if unit.dimension else parse_unit(fig.unit)
        except UnitError as err:
            problems.append(
                Problem(
                    str(err),
                    field=f"{where}.cited[{k}].unit",
                    fix=f"give the cited figure in a unit comparable with the claim's "
                    f"({claim.unit or 'none'}).",
                )
            )
    year = _year_for_groups(claim)
    try:
        prep.codes = _expand(claim.countries, year, actors, f"{where}.countries")
    except InputError as err:
        problems.extend(err.problems)
    try:
        prep.among = _expand(claim.among, year, actors, f"{where}.among")
    except InputError as err:
        problems.extend(err.problems)
    prep.group_label = " + ".join(claim.countries)
    if claim.relation == "rank" and len(prep.codes) > 1:
        problems.append(
            Problem(
                f"a rank claim is about one country; countries names {len(prep.codes)}",
                field=f"{where}.countries",
                fix="give the one country whose rank the claim states, and the group it is "
                'ranked within as among (e.g. among = ["NATO"]).',
            )
        )
    return prep, problems


def claims_problems_in_data(
    claims: Scenario | ClaimSet, *, file: str | Path | None = None
) -> list[Problem]:
    """Every problem that keeps a scenario's claims from being checked, all at once.

    Unknown indicators and countries (with the closest names), units that do not fit
    their indicator, unknown context indicators -- located by field, and by line when
    ``file`` is a TOML file.

    Parameters
    ----------
    claims
        A scenario or the claims of a file.
    file
        The file they came from.

    Returns
    -------
    list of Problem
    """
    cs = claims if isinstance(claims, ClaimSet) else claim_set(claims)
    problems = [p for n, c in enumerate(cs.claims) for p in _prepare(c, n, cs.actors)[1]]
    if file is not None and problems:
        return locate_problems(problems, Path(file))
    return problems


# -- evaluating a claim on one indicator -------------------------------------------------


@dataclass
class _Eval:
    indicator: str
    year: int | None
    verdict: Verdict
    data_value: float | None
    figures: str
    reason: str
    values: dict[str, Any]
    estimate: bool = False


def _rows(indicator: str, year: int, codes: Sequence[str] | None) -> pd.DataFrame:
    sql = "SELECT iso3, country, value, flag FROM indicators WHERE indicator = ? AND year = ?"
    params: list[Any] = [indicator, year]
    if codes is not None:
        if not codes:
            return pd.DataFrame(columns=["iso3", "country", "value", "flag"])
        sql += f" AND iso3 IN ({', '.join('?' * len(codes))})"
        params += list(codes)
    df = get_store().sql(sql, params)
    df = df[df["value"].notna()]
    if codes is not None:
        order = {c: k for k, c in enumerate(codes)}
        df = df.assign(_o=df["iso3"].map(order)).sort_values("_o").drop(columns="_o")
    return df.reset_index(drop=True)


def _latest(indicator: str, codes: Sequence[str]) -> int | None:
    if not codes:
        return None
    # partial years (UNHCR's preliminary mid-year figures, UNGA's incomplete session)
    # are used only when no complete year has a figure
    df = get_store().sql(
        f"SELECT max(year) FILTER (WHERE flag IS NULL OR flag NOT IN "
        f"('preliminary', 'incomplete session')) AS y, max(year) AS any_y FROM indicators "
        f"WHERE indicator = ? AND value IS NOT NULL AND iso3 IN ({', '.join('?' * len(codes))})",
        [indicator, *codes],
    )
    y = df["y"].iloc[0]
    if pd.isna(y):
        y = df["any_y"].iloc[0]
    return None if pd.isna(y) else int(y)


def _not_checkable(indicator: str, year: int | None, reason: str) -> _Eval:
    return _Eval(indicator, year, "not checkable from data", None, reason, reason, {})


def _pick_year(prep: _Prepared, indicator: str) -> tuple[int | None, str, str | None]:
    """The year to check, how it was chosen, and why there is none (if so)."""
    claim = prep.claim
    first, last = get_store().coverage()[indicator]
    subject = prep.codes
    if claim.year is not None:
        if first <= claim.year <= last:
            return claim.year, "", None
        return (
            None,
            "",
            f"{indicator} has data for {first}-{last}, not for {claim.year}",
        )
    year = _latest(indicator, subject)
    if year is None:
        return None, "", f"{indicator} has no figure for {', '.join(map(_name, subject))}"
    return (
        year,
        f"the claim states no year: {year}, the latest complete year in the data, is used",
        None,
    )


def _flags(df: pd.DataFrame) -> bool:
    return bool((df["flag"] == "estimate").any()) if "flag" in df else False


def _fmt(x: Any) -> str:
    x = float(x)
    if abs(x) >= 100:
        return f"{x:,.1f}" if abs(x) < 1e5 else f"{x:,.0f}"
    return f"{x:.2f}"


def _evaluate(prep: _Prepared, indicator: str) -> _Eval:
    claim = prep.claim
    year, how, why_not = _pick_year(prep, indicator)
    if year is None:
        return _not_checkable(indicator, claim.year, (why_not or "no data") + ".")
    factor = prep.factors[indicator]
    data_unit = parse_unit(INDICATORS[indicator].unit)
    shown_unit = INDICATORS[indicator].unit
    if claim.relation == "rank":
        ev = _evaluate_rank(prep, indicator, year, factor, shown_unit)
    elif claim.relation == "count":
        ev = _evaluate_count(prep, indicator, year, factor, shown_unit, data_unit)
    else:
        ev = _evaluate_compare(prep, indicator, year, factor, shown_unit)
    ev.values["year"] = year
    if how:
        ev.values["year_note"] = how
    return ev


def _evaluate_compare(
    prep: _Prepared, indicator: str, year: int, factor: float, unit_text: str
) -> _Eval:
    claim = prep.claim
    assert claim.value is not None
    df = _rows(indicator, year, prep.codes)
    if df.empty:
        names = ", ".join(map(_name, prep.codes))
        return _not_checkable(indicator, year, f"{indicator} has no figure for {names} in {year}.")
    missing = [c for c in prep.codes if c not in set(df["iso3"])]
    additive = INDICATORS[indicator].additive
    agg = claim.aggregate or ("sum" if additive and len(prep.codes) > 1 else "each")
    tol = claim.effective_tolerance
    values = df["value"].to_numpy(float)
    in_claim = values / factor
    listed = ", ".join(f"{r.country} {_fmt(r.value)}" for r in df.itertuples())
    figures = f"{indicator} {year} ({unit_text}): {listed}."
    if missing:
        figures += f" No figure: {', '.join(map(_name, missing))}."
    rel_text = _REL_TEXT[claim.relation]
    claimed = f"{claim.value:,g} {claim.unit}".strip()
    out: dict[str, Any] = {
        "countries": {str(c): float(v) for c, v in zip(df["iso3"], values, strict=True)}
    }
    if agg in ("sum", "mean") or len(df) == 1:
        total = float(in_claim.sum() if agg == "sum" else in_claim.mean())
        if len(df) > 1:
            figures += f" {agg.capitalize()}: {_fmt(total * factor)}."
        verdict = _compare(claim.relation, total, claim.value, tol)
        who = df["country"].iloc[0] if len(df) == 1 else f"the {agg} of {len(df)} countries"
        reason = (
            f"{who} has {_fmt(total * factor)} ({unit_text}) in {year}, "
            f"{_gap(total, claim.value)}; the claim says {rel_text} {claimed}."
        )
        if missing and verdict == "holds":
            verdict = "partly holds"
            reason += f" No figure for {', '.join(map(_name, missing))}."
        out["data_value"] = total
        return _Eval(indicator, year, verdict, total, figures, reason, out, _flags(df))
    ok = [_meets(claim.relation, float(d), claim.value, tol) for d in in_claim]
    n_ok = sum(ok)
    each: Verdict = (
        "holds"
        if n_ok == len(ok) and not missing
        else "does not hold"
        if n_ok == 0
        else "partly holds"
    )
    failing = [str(c) for c, good in zip(df["country"], ok, strict=True) if not good]
    reason = f"{n_ok} of {len(prep.codes)} countries are {rel_text} {claimed} in {year}" + (
        f"; not: {', '.join(failing)}." if failing else "."
    )
    return _Eval(indicator, year, each, None, figures, reason, out, _flags(df))


def _evaluate_rank(
    prep: _Prepared, indicator: str, year: int, factor: float, unit_text: str
) -> _Eval:
    claim = prep.claim
    assert claim.rank is not None
    subject = prep.codes[0]
    pool = _rows(indicator, year, prep.among if prep.among else None)
    if subject not in set(pool["iso3"]):
        return _not_checkable(
            indicator, year, f"{indicator} has no figure for {_name(subject)} in {year}."
        )
    pool = pool.sort_values("value", ascending=claim.order == "smallest").reset_index(drop=True)
    mine = float(pool.loc[pool["iso3"] == subject, "value"].iloc[0])
    better = pool["value"] < mine if claim.order == "smallest" else pool["value"] > mine
    rank = int(better.sum()) + 1
    among = " + ".join(claim.among) if claim.among else "all countries with data"
    top = pool.head(max(claim.rank, rank) + 2)
    figures = (
        f"{indicator} {year} ({unit_text}), {claim.order} among {among}: "
        + ", ".join(f"{r.country} {_fmt(r.value)}" for r in top.itertuples())
        + f". {_name(subject)} ranks {rank} of {len(pool)}."
    )
    rank_ok = rank == claim.rank
    out: dict[str, Any] = {
        "rank": rank,
        "value": mine,
        "first": (str(pool["iso3"].iloc[0]), float(pool["value"].iloc[0])),
        "of": len(pool),
    }
    reason = f"{_name(subject)} ranks {rank} (the claim: {claim.rank})"
    verdict: Verdict = "holds" if rank_ok else "does not hold"
    if claim.value is not None:
        rel = claim.condition or "~"
        figure_ok = _meets(rel, mine / factor, claim.value, claim.effective_tolerance)
        out["figure_holds"] = figure_ok
        claimed = f"{claim.value:,g} {claim.unit}".strip()
        reason += (
            f"; its figure, {_fmt(mine)} ({unit_text}), is {_gap(mine / factor, claim.value)}"
            f" ({'within' if figure_ok else 'outside'} the claim's {_REL_TEXT[rel]} {claimed})"
        )
        if rank_ok != figure_ok:
            verdict = "partly holds"
    return _Eval(indicator, year, verdict, float(rank), figures, reason + ".", out, _flags(pool))


def _evaluate_count(
    prep: _Prepared, indicator: str, year: int, factor: float, unit_text: str, data_unit: Unit
) -> _Eval:
    claim = prep.claim
    assert claim.count is not None and claim.value is not None and claim.condition is not None
    df = _rows(indicator, year, prep.codes)
    if df.empty:
        return _not_checkable(
            indicator, year, f"{indicator} has no figure for {prep.group_label} in {year}."
        )
    tol = claim.effective_tolerance
    threshold = claim.value * factor
    meet = [_meets(claim.condition, float(v) / factor, claim.value, tol) for v in df["value"]]
    hits = df[meet].sort_values("value", ascending=claim.condition in ("<", "<="))
    n = len(hits)
    ok = _meets(claim.count_relation, float(n), float(claim.count), 0.0)
    cond = f"{_REL_TEXT[claim.condition]} {_fmt(threshold)}"
    figures = (
        f"{n} of {len(df)} with a figure in {prep.group_label} are {cond} in {year} "
        f"({indicator}, {unit_text})"
    )
    figures += ": " + ", ".join(f"{r.country} {_fmt(r.value)}" for r in hits.itertuples()) + "."
    extra = []
    at = df[[abs(float(v) - threshold) < 0.005 * max(1.0, abs(threshold)) for v in df["value"]]]
    at = at[~at["iso3"].isin(hits["iso3"])]
    if len(at):
        extra.append(
            "at the threshold, not counted: "
            + ", ".join(f"{r.country} {_fmt(r.value)}" for r in at.itertuples())
        )
    others = _rows(indicator, year, None)
    others = others[~others["iso3"].isin(prep.codes)]
    others_meet = others[
        [_meets(claim.condition, float(v) / factor, claim.value, tol) for v in others["value"]]
    ]
    if 0 < len(others_meet) <= 5:
        extra.append(
            f"outside {prep.group_label}: "
            + ", ".join(f"{r.country} {_fmt(r.value)}" for r in others_meet.itertuples())
        )
    missing = [c for c in prep.codes if c not in set(df["iso3"])]
    if missing:
        extra.append("no figure: " + ", ".join(map(_name, missing)))
    if extra:
        figures += " " + ". ".join(e[0].upper() + e[1:] for e in extra) + "."
    verdict: Verdict = "holds" if ok else "does not hold"
    reason = (
        f"{n} countries of {prep.group_label} are {cond} in {year}; the claim says "
        f"{_REL_TEXT[claim.count_relation].replace('equal to', 'exactly')} {claim.count}."
    )
    out: dict[str, Any] = {
        "count": n,
        "members": {
            str(c): round(float(v), 2) for c, v in zip(hits["iso3"], hits["value"], strict=True)
        },
        "no_figure": missing,
    }
    _ = data_unit
    return _Eval(indicator, year, verdict, float(n), figures, reason, out, _flags(df))


# -- context and cited figures -----------------------------------------------------------


def _context_text(ref: ContextRef, prep: _Prepared) -> tuple[str, dict[str, Any]]:
    ind = ref.indicator
    spec = INDICATORS[ind]
    codes = prep.codes
    first, last = get_store().coverage()[ind]
    if ref.years is not None:
        a, b = ref.years
    else:
        y = ref.year or prep.claim.year or _latest(ind, codes) or last
        a = b = y
    if a < first or b > last:
        return f"{ind}: no data for {a}-{b} (covers {first}-{last}).", {}
    out: dict[str, Any] = {}
    parts = []
    sibling = ind.removesuffix("_share") + "_tiv" if ind.endswith("_share") else ""
    for code in codes:
        df = get_store().sql(
            "SELECT year, value FROM indicators WHERE indicator = ? AND iso3 = ? "
            "AND year BETWEEN ? AND ?",
            [ind, code, a, b],
        )
        if df.empty:
            parts.append(f"{_name(code)}: no figure")
            continue
        period = str(a) if a == b else f"{a}-{b}"
        if a == b:
            v = float(df["value"].iloc[0])
            parts.append(f"{_name(code)} {_fmt(v)} in {period}")
        elif sibling in INDICATORS:
            pooled = _pooled_share(code, ind, sibling, a, b)
            if pooled is None:
                parts.append(f"{_name(code)}: incomplete data for {period}")
                continue
            v, detail = pooled
            parts.append(f"{_name(code)} {v:.1f}% over {period} ({detail})")
        elif spec.additive:
            v = float(df["value"].sum())
            parts.append(f"{_name(code)} {_fmt(v)} in total over {period}")
        else:
            v = float(df["value"].mean())
            parts.append(f"{_name(code)} {_fmt(v)} on average over {period}")
        out[code] = round(v, 4)
    text = f"{spec.description} ({ind}; {spec.unit}): " + "; ".join(parts) + "."
    return text, out


def _pooled_share(
    code: str, share: str, level: str, first: int, last: int
) -> tuple[float, str] | None:
    """A country's share of world totals over a period, pooled from yearly shares.

    World totals are recovered from any country's (level, share) pair of a year:
    ``world = 100 * level / share``.
    """
    df = get_store().sql(
        """
        SELECT t.iso3, t.year, t.value AS level, s.value AS share
        FROM indicators t JOIN indicators s
          ON s.iso3 = t.iso3 AND s.year = t.year AND s.indicator = ?
        WHERE t.indicator = ? AND t.year BETWEEN ? AND ?
        """,
        [share, level, first, last],
    )
    world = (
        df[df["share"] > 0]
        .assign(world=lambda d: 100.0 * d["level"] / d["share"])
        .groupby("year")["world"]
        .median()
    )
    if world.empty or len(world) < last - first + 1:
        return None
    total = float(df.loc[df["iso3"] == code, "level"].sum())
    unit = INDICATORS[level].unit
    return 100.0 * total / float(world.sum()), f"{total:,.0f} of {world.sum():,.0f} {unit}"


def _cited(claim: Claim, sources: Mapping[str, str]) -> tuple[str, str, list[dict[str, Any]]]:
    """Cited figures: their text, a sentence weighing the claim against them, and rows."""
    if not claim.cited:
        return "", "", []
    unit = parse_unit(claim.unit)
    rows: list[dict[str, Any]] = []
    texts: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    for f in claim.cited:
        funit = parse_unit(f.unit)
        shown = describe_value(f.value, funit) if funit.dimension else f"{f.value:g}"
        who = f.scope or (sources.get(f.source or "", "") if f.source else "")
        texts.append(f"{shown} ({who})" if who else shown)
        row: dict[str, Any] = {
            "value": f.value,
            "unit": f.unit,
            "scope": f.scope,
            "source": f.source,
        }
        if claim.relation in ("=", "~", ">", ">=", "<", "<=") and claim.value is not None:
            try:
                v = f.value * conversion(funit, unit) if unit.dimension else f.value
            except UnitError:
                v = None
            if v is not None:
                holds = _meets(claim.relation, v, claim.value, claim.effective_tolerance)
                row["claim_holds"] = holds
                (good if holds else bad).append(f"{shown}" + (f" ({f.scope})" if f.scope else ""))
        rows.append(row)
    text = "Reported (cited, not data): " + "; ".join(texts) + "."
    sentence = ""
    if good and bad:
        sentence = (
            f"Against the cited figures the claim holds for {', '.join(good)} but not for "
            f"{', '.join(bad)}."
        )
    elif good:
        sentence = "The cited figures bear the claim out, but they are reports, not data."
    elif bad:
        sentence = "The cited figures contradict the claim."
    return text, sentence, rows


# -- the public functions ----------------------------------------------------------------


def check_claim(
    claim: Claim,
    *,
    actors: Mapping[str, list[str]] | None = None,
    sources: Mapping[str, str] | None = None,
    index: int = 0,
) -> ClaimCheck:
    """Check one claim against the data.

    Parameters
    ----------
    claim
        The claim.
    actors
        Actor id -> countries, so ``countries`` may name a scenario's bloc actors.
    sources
        Source id -> citation, to name the sources of cited figures.
    index
        The claim's position in its file (``claims[index]`` in messages).

    Returns
    -------
    ClaimCheck

    Raises
    ------
    InputError
        When the claim is written so that it cannot be checked (unknown indicator or
        country, a unit that does not fit the indicator), naming the field and a fix.
    """
    prep, problems = _prepare(claim, index, actors or {})
    if problems:
        raise InputError(problems)
    cited_text, cited_sentence, cited_rows = _cited(claim, sources or {})
    context_texts, context_values = [], {}
    for ref in claim.context:
        text, vals = _context_text(ref, prep)
        context_texts.append(text)
        context_values[ref.indicator] = vals
    base = {
        "id": claim.id or f"claim{index + 1}",
        "claim": claim.text,
        "countries": tuple(prep.codes),
        "relation": claim.relation,
        "value": claim.value,
        "unit": claim.unit,
    }
    if claim.indicator is None:
        figures = " ".join(t for t in (*context_texts, cited_text) if t) or "No data."
        why = claim.note or "No dataset detente has measures this."
        explanation = " ".join(x for x in (why, cited_sentence) if x)
        src = "; ".join(_source_text(r.indicator) for r in claim.context)
        cites = sorted({r["source"] for r in cited_rows if r["source"]})
        if cites:
            src = "; ".join(
                x
                for x in (src, "cited: " + "; ".join((sources or {}).get(c, c) for c in cites))
                if x
            )
        return ClaimCheck(
            figures=figures,
            verdict="not checkable from data",
            explanation=explanation,
            source=src or "none",
            values={"context": context_values, "cited": cited_rows},
            indicator=None,
            year=claim.year,
            data_value=None,
            **base,  # type: ignore[arg-type]
        )
    evals = [_evaluate(prep, ind) for ind in [claim.indicator, *claim.also]]
    main = next((e for e in evals if e.verdict != "not checkable from data"), evals[0])
    others = [e for e in evals if e is not main]
    figures = " ".join([main.figures, *(e.figures for e in others), *context_texts, cited_text])
    explanation = main.reason
    if main.estimate:
        explanation += f" {main.indicator}'s {main.year} figures are estimates."
    for e in others:
        if e.verdict == "not checkable from data":
            continue
        agree = "agrees" if e.verdict == main.verdict else f"gives '{e.verdict}'"
        explanation += f" Cross-check {e.indicator} ({e.year}) {agree}: {e.reason}"
    if main.indicator != claim.indicator:
        explanation += f" ({claim.indicator} could not check it: {evals[0].reason})"
    if cited_sentence:
        explanation += " " + cited_sentence
    data_value = main.data_value
    if claim.relation in ("rank", "count"):
        dv = data_value
    else:
        dv = None if data_value is None else float(data_value)
    values = dict(main.values)
    values["also"] = {e.indicator: {**e.values, "verdict": e.verdict} for e in others}
    if context_values:
        values["context"] = context_values
    if cited_rows:
        values["cited"] = cited_rows
    src = "; ".join(_source_text(e.indicator) for e in evals)
    return ClaimCheck(
        figures=figures.strip(),
        verdict=main.verdict,
        explanation=explanation,
        source=src,
        values=values,
        indicator=main.indicator,
        year=main.year,
        data_value=dv,
        year_note=str(main.values.get("year_note", "")),
        **base,  # type: ignore[arg-type]
    )


def _example() -> ClaimSet:
    from detente.scenario.examples import example_path
    from detente.scenario.io import load_scenario

    return claim_set(load_scenario(example_path()))


def check_claims(
    claims: Scenario | ClaimSet | None = None, *, file: str | Path | None = None
) -> list[ClaimCheck]:
    """Check every claim of a scenario against the data.

    Parameters
    ----------
    claims
        A scenario, the claims read from a file (:func:`detente.scenario.claim_file.load_claims`,
        which also reads unfinished drafts), or ``None`` for the flagship example's.
    file
        The file they came from, to locate problems by line.

    Returns
    -------
    list of ClaimCheck
        One per claim, in file order.

    Raises
    ------
    InputError
        Every claim that is written so that it cannot be checked, all at once.
    """
    cs = _example() if claims is None else claims
    cs = cs if isinstance(cs, ClaimSet) else claim_set(cs)
    problems = claims_problems_in_data(cs, file=file)
    if problems:
        raise InputError(problems)
    sources = {s.id: s.citation for s in cs.sources}
    return [
        check_claim(c, actors=cs.actors, sources=sources, index=n) for n, c in enumerate(cs.claims)
    ]


def claims_frame(checks: list[ClaimCheck] | None = None) -> pd.DataFrame:
    """The checks as a DataFrame (``id, claim, figures, verdict, explanation, source...``)."""
    rows = [c.as_dict() for c in (checks if checks is not None else check_claims())]
    return pd.DataFrame(rows)
