"""Parameters of the partnership model: names, default ranges and sources.

Every parameter of :mod:`detente.partnership.model` is listed here once, with its
default range, its nominal value, its unit and a one-line source or justification.
A scenario file may override any of them in its ``[partnership]`` table::

    [partnership]
    horizon = 15
    strategies = ["none", "transactional", "integration", "hedged"]

    [partnership.uncertainties]
    rearm_rate = { low = 0.0, high = 0.07, source = "NATO 2024, Table 2" }
    turkey_discount = { distribution = "triangular", low = 0.8, mode = 0.9, high = 0.97 }
    us_drawdown_rate = 0.1          # fixed, not sampled

    [partnership.levers]
    integration_upfront = 0.4

    [partnership.thresholds]
    unmet_need = 1.0                # satisficing: at most 1.0 threat-years

:func:`load_config` validates the table with pydantic and raises
:class:`detente.errors.InputError` naming the field and the fix for an unknown
parameter (with the closest names), an inverted range, or invalid distribution
arguments.

Units: *threat units* (tu) measure military capacity as a share of the Russian threat
to Europe in the first year (threat = 1); *value units* (vu) measure concessions and
payoffs: 1 vu is what Europe would pay to close an unmet need of 1 tu for one year
when ``eu_need_weight`` = 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from detente.errors import InputError, Problem
from detente.explore.parameters import (
    Categorical,
    Constant,
    Direction,
    Integer,
    Normal,
    Outcome,
    Parameter,
    Strategy,
    Triangular,
    Uniform,
    suggest,
)

__all__ = [
    "CHANNELS",
    "LEVERS",
    "OUTCOMES",
    "STRATEGIES",
    "UNCERTAINTIES",
    "PartnershipConfig",
    "Spec",
    "load_config",
]

#: The four concession channels of the seed article.
CHANNELS = ("econ", "refugee", "pkk", "accession")

#: The strategies, in code order (the ``strategy`` lever's categories).
STRATEGIES = ("none", "transactional", "integration", "hedged")


@dataclass(frozen=True)
class Spec:
    """One parameter: name, default range, nominal value, unit and justification."""

    name: str
    low: float
    high: float
    nominal: float
    unit: str
    source: str
    expert: bool = True

    def __post_init__(self) -> None:
        assert self.low <= self.nominal <= self.high, self.name


_NATO = "NATO, Defence Expenditure of NATO Countries 2014-2024 (17 June 2024)"

#: The uncertainties (the futures), with their default ranges.
UNCERTAINTIES: tuple[Spec, ...] = (
    # -- the threat and Europe's own capacity ---------------------------------------
    Spec(
        "threat_growth",
        -0.01,
        0.03,
        0.01,
        "1/yr",
        "Trend growth of the Russian threat to Europe; expert judgement.",
    ),
    Spec(
        "escalation_rate",
        0.02,
        0.20,
        0.08,
        "1/yr",
        "Yearly probability of a Russian escalation (new front, hybrid campaign); "
        "expert judgement.",
    ),
    Spec(
        "escalation_size",
        0.05,
        0.30,
        0.15,
        "tu",
        "Jump in the threat when Russia escalates; expert judgement.",
    ),
    Spec(
        "eu_capacity0",
        0.45,
        0.70,
        0.55,
        "tu",
        "Europe's own capacity (Allies other than Türkiye) against the threat in year 1; "
        "expert judgement, below 1 since 7 European Allies spent under 2% of GDP in 2024e "
        f"({_NATO}, Table 3).",
    ),
    Spec(
        "rearm_rate",
        0.0,
        0.07,
        0.035,
        "1/yr",
        "Growth of Europe's own capacity; European Allies' real defence spending grew 5.2%/yr "
        f"2014-2024 and 7.1%/yr 2019-2024 ({_NATO}, Table 2, 2015 prices); capacity lags spending "
        "(industrial bottlenecks, seed article).",
        expert=False,
    ),
    Spec(
        "us_commitment0",
        0.20,
        0.45,
        0.35,
        "tu",
        "US forces committed to European defence in year 1; expert judgement (US personnel "
        f"1,300.2 thousand in 2024e, {_NATO}, Table 7, most not in Europe).",
    ),
    Spec(
        "us_drawdown_rate",
        0.02,
        0.20,
        0.08,
        "1/yr",
        "Yearly probability of a US drawdown from Europe; expert judgement (seed article: "
        "'evolution of American security priorities').",
    ),
    Spec(
        "us_drawdown_size",
        0.10,
        0.60,
        0.30,
        "share",
        "Share of the remaining US commitment withdrawn in a drawdown; expert judgement.",
    ),
    Spec(
        "eu_need_weight",
        0.5,
        3.0,
        1.5,
        "vu/tu-yr",
        "Europe's cost of a year of unmet need of 1 tu, in value units; expert judgement.",
    ),
    Spec(
        "eu_discount",
        0.90,
        0.98,
        0.95,
        "1",
        "Europe's yearly discount factor; expert judgement (2-10% yearly).",
    ),
    # -- Türkiye ------------------------------------------------------------------
    Spec(
        "turkey_force_ratio",
        0.15,
        0.31,
        0.23,
        "share of eu_capacity0",
        "Türkiye's force relative to the other European Allies'; upper bound 481.0 / "
        f"(2,041.3 - 481.0) = 0.308 by military personnel 2024e ({_NATO}, Table 7), lower "
        "bound halves it for readiness and deployability (expert judgement).",
        expert=False,
    ),
    Spec(
        "turkey_industry_boost",
        0.0,
        0.02,
        0.008,
        "1/yr",
        "Extra growth of Europe's capacity from Turkish defence industry at full scope; "
        "expert judgement (Turkish defence and aerospace exports US$7.15 bn in 2024, SSB via "
        "Daily Sabah, 5 Jan 2025).",
    ),
    Spec(
        "turkey_discount",
        0.80,
        0.97,
        0.90,
        "1",
        "Türkiye's yearly discount factor (patience, the shadow of the future); expert judgement.",
    ),
    Spec(
        "turkey_base_value",
        0.0,
        0.10,
        0.03,
        "vu/yr",
        "Türkiye's net yearly value of Western alignment beyond concessions (customs union, "
        "NATO guarantee) minus the cost of its contribution; expert judgement.",
    ),
    Spec(
        "turkey_threat_value",
        0.0,
        0.30,
        0.10,
        "vu/tu-yr",
        "Extra value to Türkiye per unit of threat growth: Ankara would not favour a weakened "
        "Europe facing Russian expansion (seed article); expert judgement.",
    ),
    Spec(
        "value_econ",
        0.8,
        1.2,
        1.0,
        "vu/vu",
        "Türkiye's value of 1 vu of investment or trade privileges ('economic concerns at the "
        "top of the list', seed article); expert judgement.",
    ),
    Spec(
        "value_refugee",
        0.4,
        1.0,
        0.7,
        "vu/vu",
        "Türkiye's value of 1 vu of refugee-return cooperation; expert judgement.",
    ),
    Spec(
        "value_pkk",
        0.8,
        2.0,
        1.3,
        "vu/vu",
        "Türkiye's value of 1 vu of movement on the PKK/YPG stance (its 'most serious "
        "national security threats', seed article); expert judgement.",
    ),
    Spec(
        "value_accession",
        0.2,
        1.2,
        0.6,
        "vu/vu",
        "Türkiye's value of 1 vu of accession-track progress, discounted for the EU's past "
        "unkept promises (seed article); expert judgement.",
    ),
    Spec(
        "trust0",
        0.15,
        0.40,
        0.25,
        "0-1",
        "Initial mutual trust; low after the accession stalemate and PKK/YPG disputes (seed "
        "article); expert judgement.",
    ),
    Spec(
        "trust_growth",
        0.03,
        0.15,
        0.07,
        "1/yr",
        "Share of the trust gap closed by a year of kept cooperation; expert judgement.",
    ),
    Spec(
        "trust_concession_effect",
        0.5,
        4.0,
        2.0,
        "1/vu",
        "Extra trust growth per vu of PKK/YPG or accession concessions (the two sources of "
        "distrust the article names); expert judgement.",
    ),
    Spec(
        "trust_weight",
        0.3,
        0.7,
        0.5,
        "share",
        "Share of Türkiye's usable contribution that depends on trust (intelligence, "
        "co-planning, interoperability); expert judgement.",
    ),
    Spec(
        "lockin0",
        0.0,
        0.30,
        0.10,
        "vu",
        "Türkiye's exit cost in year 1 (customs union, NATO integration); expert judgement.",
    ),
    Spec(
        "lockin_rate",
        0.5,
        2.0,
        1.0,
        "vu/vu",
        "Exit cost added per vu of investment or accession concession (institutional "
        "lock-in); expert judgement.",
    ),
    Spec(
        "transactional_renewal",
        0.60,
        0.95,
        0.80,
        "1/yr",
        "Türkiye's expected probability that a transactional deal is renewed next year "
        "('minimum long-term commitment on both sides', seed article); expert judgement.",
    ),
    # -- events -----------------------------------------------------------------
    Spec(
        "russia_standing_offer",
        0.0,
        0.15,
        0.05,
        "vu",
        "Present value of Russia's routine inducements to Ankara in a year without a "
        "special offer; expert judgement.",
    ),
    Spec(
        "russia_offer_rate",
        0.03,
        0.25,
        0.10,
        "1/yr",
        "Yearly probability of a special Russian offer to Ankara ('what happens if Moscow "
        "offers Ankara a more favourable deal?', seed article); expert judgement.",
    ),
    Spec(
        "russia_offer_size",
        0.1,
        1.5,
        0.6,
        "vu",
        "Present value of a special Russian offer; expert judgement.",
    ),
    Spec(
        "crisis_rate",
        0.03,
        0.20,
        0.08,
        "1/yr",
        "Yearly probability of a Turkish domestic crisis ('internal problems', seed "
        "article); expert judgement.",
    ),
    Spec(
        "crisis_trust_loss",
        0.10,
        0.50,
        0.25,
        "share",
        "Share of trust lost in a Turkish domestic crisis; expert judgement.",
    ),
    Spec(
        "crisis_lockin_loss",
        0.0,
        0.30,
        0.10,
        "share",
        "Share of the exit cost lost in a Turkish domestic crisis; expert judgement.",
    ),
    Spec(
        "entrapment_rate",
        0.02,
        0.15,
        0.06,
        "1/yr",
        "Yearly probability of an entrapment episode (a Turkish dispute, e.g. with Greece, "
        "that Europe is drawn into; Snyder 1984); expert judgement.",
    ),
    Spec(
        "entrapment_cost",
        0.05,
        0.40,
        0.15,
        "vu",
        "Europe's cost of an entrapment episode at full partnership scope; expert judgement.",
    ),
    Spec(
        "entrapment_trust_loss",
        0.0,
        0.30,
        0.10,
        "share",
        "Share of trust lost in an entrapment episode; expert judgement.",
    ),
)

#: The strategy parameters (levers), with their ranges and nominal values.
LEVERS: tuple[Spec, ...] = (
    Spec(
        "transactional_payment",
        0.02,
        0.40,
        0.12,
        "vu/yr",
        "Europe's yearly payment in a transactional deal; expert judgement.",
    ),
    Spec(
        "transactional_scope",
        0.1,
        1.0,
        0.5,
        "share",
        "Share of Türkiye's force committed under a transactional deal; expert judgement.",
    ),
    Spec(
        "transactional_need_threshold",
        0.0,
        0.20,
        0.05,
        "tu",
        "Europe ends a transactional deal once its need (without Türkiye) falls below this.",
    ),
    Spec(
        "transactional_mix_econ",
        0.0,
        1.0,
        0.7,
        "weight",
        "Weight of investment/trade privileges in the transactional payment ('economic "
        "development in return for security', seed article).",
    ),
    Spec(
        "transactional_mix_refugee",
        0.0,
        1.0,
        0.3,
        "weight",
        "Weight of refugee cooperation in the transactional payment.",
    ),
    Spec(
        "transactional_mix_pkk",
        0.0,
        1.0,
        0.0,
        "weight",
        "Weight of PKK/YPG stance in the transactional payment.",
    ),
    Spec(
        "transactional_mix_accession",
        0.0,
        1.0,
        0.0,
        "weight",
        "Weight of the accession track in the transactional payment.",
    ),
    Spec(
        "integration_upfront",
        0.0,
        2.0,
        0.4,
        "vu",
        "Europe's upfront concession package when integration starts; expert judgement.",
    ),
    Spec(
        "integration_payment",
        0.02,
        0.40,
        0.12,
        "vu/yr",
        "Europe's yearly concessions under integration; expert judgement.",
    ),
    Spec(
        "integration_scope",
        0.1,
        1.0,
        1.0,
        "share",
        "Share of Türkiye's force integrated into European planning under integration.",
    ),
    Spec(
        "integration_mix_econ",
        0.0,
        1.0,
        0.4,
        "weight",
        "Weight of investment/trade in integration concessions (seed article: all four channels).",
    ),
    Spec(
        "integration_mix_refugee",
        0.0,
        1.0,
        0.2,
        "weight",
        "Weight of refugee cooperation in integration concessions.",
    ),
    Spec(
        "integration_mix_pkk",
        0.0,
        1.0,
        0.2,
        "weight",
        "Weight of PKK/YPG stance in integration concessions.",
    ),
    Spec(
        "integration_mix_accession",
        0.0,
        1.0,
        0.2,
        "weight",
        "Weight of the accession track in integration concessions.",
    ),
    Spec(
        "hedge_trust_threshold",
        0.0,
        1.0,
        0.5,
        "0-1",
        "A hedged strategy switches from transactional to integration once trust reaches this.",
    ),
)

#: The outcomes, with what Europe wants of them.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "europe_payoff",
        Direction.MAXIMIZE,
        None,
        "Europe's discounted payoff: -(need weight x unmet need + cost), vu",
    ),
    Outcome(
        "turkey_payoff", Direction.INFO, None, "Türkiye's discounted payoff over its baseline, vu"
    ),
    Outcome("breakdown", Direction.MINIMIZE, None, "1 if Türkiye defected within the horizon"),
    Outcome("breakdown_year", Direction.INFO, None, "Year of defection (NaN: none)"),
    Outcome("unmet_need", Direction.MINIMIZE, None, "Europe's cumulative unmet need, tu-years"),
    Outcome(
        "europe_cost",
        Direction.MINIMIZE,
        None,
        "Europe's cumulative concessions and entrapment costs, vu",
    ),
    Outcome("alignment", Direction.MAXIMIZE, None, "Share of years Türkiye cooperated with Europe"),
)

_SPECS = {s.name: s for s in (*UNCERTAINTIES, *LEVERS)}
_OUTCOME_NAMES = [o.name for o in OUTCOMES]

Distribution = Literal["uniform", "triangular", "normal", "integer"]


class _Strict(BaseModel):
    # strict: a true/false value or a quoted number is not silently read as a number
    model_config = ConfigDict(extra="forbid", strict=True)


class ParamEntry(_Strict):
    """An override of one parameter's distribution (fields default to the built-in range)."""

    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    mode: float | None = Field(default=None, allow_inf_nan=False)
    mean: float | None = Field(default=None, allow_inf_nan=False)
    sd: float | None = Field(default=None, allow_inf_nan=False)
    value: float | None = Field(default=None, allow_inf_nan=False)
    distribution: Distribution | None = None
    source: str | None = None
    unit: str | None = None


class LeverEntry(_Strict):
    """A lever's value, and optionally its range and source."""

    value: float | None = Field(default=None, allow_inf_nan=False)
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    source: str | None = None
    unit: str | None = None


class PartnershipConfig(_Strict):
    """The validated ``[partnership]`` table."""

    horizon: int = Field(default=15, ge=1, le=200)
    seed: int | None = Field(default=None, ge=0, lt=2**63)
    strategies: list[str] = Field(default_factory=lambda: list(STRATEGIES), min_length=1)
    outcome: str = "europe_payoff"
    rank_by: str = "max_regret"
    description: str = ""
    uncertainties: dict[str, ParamEntry] = Field(default_factory=dict)
    levers: dict[str, LeverEntry] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)

    @field_validator("uncertainties", mode="before")
    @classmethod
    def _unc(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: _entry_dict(x) for k, x in v.items()}
        return v

    @field_validator("levers", mode="before")
    @classmethod
    def _lev(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: ({"value": x} if _is_number(x) else x) for k, x in v.items()}
        return v


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _entry_dict(x: Any) -> Any:
    if _is_number(x):
        return {"value": x}
    if isinstance(x, list | tuple):
        if len(x) != 2:
            raise ValueError("a range must be [low, high], two numbers")
        return {"low": x[0], "high": x[1]}
    return x


def _line_of(text: str | None, key: str) -> int | None:
    """Line number of ``key = ...`` inside a ``[partnership...]`` table of ``text``."""
    if not text:
        return None
    in_part = False
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("["):
            in_part = s.strip("[]").strip().startswith("partnership")
            continue
        if in_part and (s.startswith(f"{key} ") or s.startswith(f"{key}=")):
            return i
    return None


def load_config(
    raw: Mapping[str, Any] | None, *, file: str | None = None, text: str | None = None
) -> PartnershipConfig:
    """Validate a raw ``[partnership]`` table.

    Parameters
    ----------
    raw
        The table as parsed from TOML (``None``: all defaults).
    file
        The scenario file, for error messages.
    text
        The file's text, to locate errors by line.

    Returns
    -------
    PartnershipConfig
        The validated configuration.

    Raises
    ------
    InputError
        Every problem found, each with its field, line and a fix.
    """
    raw = dict(raw or {})
    problems: list[Problem] = []

    def unknown(name: str, known: list[str], where: str, what: str) -> None:
        hint = suggest(name, known)
        problems.append(
            Problem(
                f"unknown {what} {name!r}",
                file=file,
                line=_line_of(text, name),
                field=f"{where}.{name}",
                fix=hint or f"known {what}s: {', '.join(known)}.",
            )
        )

    top = list(PartnershipConfig.model_fields)
    for key in list(raw):
        if key not in top:
            if key in _SPECS:
                sect = "uncertainties" if any(s.name == key for s in UNCERTAINTIES) else "levers"
                problems.append(
                    Problem(
                        f"parameter {key!r} belongs in [partnership.{sect}]",
                        file=file,
                        line=_line_of(text, key),
                        field=f"partnership.{key}",
                        fix=f"move it under [partnership.{sect}].",
                    )
                )
            else:
                unknown(key, top, "partnership", "key")
    unc_names = [s.name for s in UNCERTAINTIES]
    lev_names = [s.name for s in LEVERS]
    for sect, names, what in (
        ("uncertainties", unc_names, "uncertainty"),
        ("levers", lev_names, "lever"),
        ("thresholds", _OUTCOME_NAMES, "outcome"),
    ):
        table = raw.get(sect)
        if isinstance(table, dict):
            for key in table:
                if key not in names:
                    other = lev_names if sect == "uncertainties" else unc_names
                    if sect != "thresholds" and key in other:
                        problems.append(
                            Problem(
                                f"{key!r} is a{'' if sect == 'uncertainties' else 'n'} "
                                f"{'lever' if sect == 'uncertainties' else 'uncertainty'}, "
                                f"not a{'n' if sect == 'uncertainties' else ''} {what}",
                                file=file,
                                line=_line_of(text, key),
                                field=f"partnership.{sect}.{key}",
                                fix="move it to the other table.",
                            )
                        )
                    else:
                        unknown(key, names, f"partnership.{sect}", what)
    listed = raw.get("strategies")
    # a list is checked name by name here; anything else is reported by the schema below
    for i, s in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(s, str) and s not in STRATEGIES:
            problems.append(
                Problem(
                    f"unknown strategy {s!r}",
                    file=file,
                    line=_line_of(text, "strategies"),
                    field=f"partnership.strategies[{i}]",
                    fix=suggest(s, STRATEGIES) or f"use some of {', '.join(STRATEGIES)}.",
                )
            )
    if problems:
        raise InputError(problems)
    try:
        cfg = PartnershipConfig.model_validate(raw)
    except ValidationError as err:
        for e in err.errors():
            loc = ".".join(str(p) for p in e["loc"])
            found = next((str(p) for p in reversed(e["loc"]) if str(p) in _SPECS), None)
            key = found or (str(e["loc"][0]) if e["loc"] else "")
            problems.append(
                Problem(
                    e["msg"],
                    file=file,
                    line=_line_of(text, key) if key else None,
                    field=f"partnership.{loc}",
                    fix="see docs/models/partnership.md for the format.",
                )
            )
        raise InputError(problems) from None
    if cfg.outcome not in _OUTCOME_NAMES:
        raise InputError(
            f"unknown outcome {cfg.outcome!r}",
            file=file,
            line=_line_of(text, "outcome"),
            field="partnership.outcome",
            fix=suggest(cfg.outcome, _OUTCOME_NAMES) or f"use one of {_OUTCOME_NAMES}.",
        )
    if len(set(cfg.strategies)) != len(cfg.strategies):
        raise InputError(
            "a strategy is listed twice",
            file=file,
            field="partnership.strategies",
            fix="list each strategy once.",
        )
    # build everything once to surface distribution errors with their location
    for name, entry in cfg.uncertainties.items():
        try:
            uncertainty(name, entry)
        except InputError as err:
            raise InputError(
                [
                    Problem(
                        p.message,
                        file=file,
                        line=_line_of(text, name),
                        field=f"partnership.uncertainties.{name}",
                        fix=p.fix,
                    )
                    for p in err.problems
                ]
            ) from None
    for name, lentry in cfg.levers.items():
        try:
            lever(name, lentry)
        except InputError as err:
            raise InputError(
                [
                    Problem(
                        p.message,
                        file=file,
                        line=_line_of(text, name),
                        field=f"partnership.levers.{name}",
                        fix=p.fix,
                    )
                    for p in err.problems
                ]
            ) from None
    return cfg


def uncertainty(name: str, entry: ParamEntry | None = None) -> Parameter:
    """The distribution of uncertainty ``name``: the built-in range, or ``entry``'s.

    Raises
    ------
    InputError
        For an inverted range or invalid distribution arguments.
    """
    spec = _SPECS[name]
    if entry is None:
        return Uniform(name, spec.low, spec.high)
    if entry.value is not None:
        extra = [
            k
            for k in ("low", "high", "mode", "mean", "sd", "distribution")
            if getattr(entry, k) is not None
        ]
        if extra:
            raise InputError(
                f"{name!r} gives a fixed value and also {', '.join(extra)}",
                field=name,
                fix="give either value = x (fixed) or a distribution, not both.",
            )
        return Constant(name, entry.value)
    dist = entry.distribution or ("normal" if entry.sd is not None else "uniform")
    low = spec.low if entry.low is None else entry.low
    high = spec.high if entry.high is None else entry.high
    if dist == "uniform":
        _only(name, entry, {"low", "high"}, dist)
        return Uniform(name, low, high)
    if dist == "triangular":
        _only(name, entry, {"low", "high", "mode"}, dist)
        mode = spec.nominal if entry.mode is None else entry.mode
        return Triangular(name, low, mode, high)
    if dist == "integer":
        _only(name, entry, {"low", "high"}, dist)
        if not (float(low).is_integer() and float(high).is_integer()):
            raise InputError(
                f"integer parameter {name!r} needs whole-number bounds, not [{low}, {high}]",
                field=name,
                fix="round low and high to integers, or use a uniform distribution.",
            )
        return Integer(name, int(low), int(high))
    _only(name, entry, {"low", "high", "mean", "sd"}, dist)
    if entry.sd is None:
        raise InputError(
            f"normal distribution of {name!r} needs sd",
            field=name,
            fix="add sd = ... (a positive number).",
        )
    mean = spec.nominal if entry.mean is None else entry.mean
    return Normal(name, mean, entry.sd, low, high)


def _only(name: str, entry: ParamEntry, allowed: set[str], dist: str) -> None:
    bad = [
        k
        for k in ("low", "high", "mode", "mean", "sd")
        if getattr(entry, k) is not None and k not in allowed
    ]
    if bad:
        raise InputError(
            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not an argument of the {dist} "
            f"distribution of {name!r}",
            field=name,
            fix=f"the {dist} distribution takes {', '.join(sorted(allowed))}.",
        )


def lever(name: str, entry: LeverEntry | None = None) -> tuple[Parameter, float]:
    """The range and value of lever ``name`` (built-in, or ``entry``'s)."""
    spec = _SPECS[name]
    low = spec.low if entry is None or entry.low is None else entry.low
    high = spec.high if entry is None or entry.high is None else entry.high
    value = spec.nominal if entry is None or entry.value is None else entry.value
    param = Uniform(name, low, high)
    if not low <= value <= high:
        raise InputError(
            f"lever {name!r} = {value:g} lies outside its range [{low:g}, {high:g}]",
            field=name,
            fix="choose a value inside the range, or widen low/high.",
        )
    if name.endswith(("_mix_econ", "_mix_refugee", "_mix_pkk", "_mix_accession")) and value < 0:
        raise InputError(f"mix weight {name!r} must be zero or positive", field=name)
    return param, value


def strategy_lever() -> Categorical:
    """The categorical lever choosing the strategy."""
    return Categorical("strategy", STRATEGIES)


def build(
    cfg: PartnershipConfig,
) -> tuple[tuple[Parameter, ...], tuple[Parameter, ...], tuple[Strategy, ...], tuple[Outcome, ...]]:
    """Uncertainties, levers, strategies and outcomes of a configuration."""
    uncs = tuple(uncertainty(s.name, cfg.uncertainties.get(s.name)) for s in UNCERTAINTIES)
    levers: list[Parameter] = [strategy_lever()]
    values: dict[str, float] = {}
    for s in LEVERS:
        param, value = lever(s.name, cfg.levers.get(s.name))
        levers.append(param)
        values[s.name] = value
    for prefix in ("transactional", "integration"):
        total = sum(values[f"{prefix}_mix_{c}"] for c in CHANNELS)
        if total <= 0:
            raise InputError(
                f"the {prefix} concession mix weights sum to zero",
                field=f"partnership.levers.{prefix}_mix_econ",
                fix="give at least one channel a positive weight.",
            )
    strategies = tuple(Strategy(name, {"strategy": name, **values}) for name in cfg.strategies)
    outcomes = tuple(
        Outcome(o.name, o.direction, cfg.thresholds.get(o.name), o.description) for o in OUTCOMES
    )
    for name, thr in cfg.thresholds.items():
        o = next(x for x in OUTCOMES if x.name == name)
        if o.direction.value == "info":
            raise InputError(
                f"outcome {name!r} is informational and cannot have a threshold",
                field=f"partnership.thresholds.{name}",
                fix="set thresholds on maximised or minimised outcomes.",
            )
        del thr
    return uncs, tuple(levers), strategies, outcomes
