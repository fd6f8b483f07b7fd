"""Readable names for the strategy lab's parameters, outcomes, strategies and scores.

The partnership model names its inputs and outputs in code style (``eu_need_weight``,
``us_commitment0``, ``europe_payoff``).  The report shows a reader a short label and a
unit instead ("Europe's cost of unmet need", "vu per tu-year").  The labels live here,
in the report, keyed by name: a parameter this table does not know (a new one, or one
of another model) falls back to its name with the underscores turned into spaces, and
to the unit the model or the scenario file gives it.

Units of the partnership model (``detente.partnership.parameters``): *threat units*
(tu) measure military capacity as a share of the Russian threat to Europe in the first
year (threat = 1); *value units* (vu) measure concessions and payoffs, 1 vu being what
Europe would pay to close an unmet need of 1 tu for one year when its cost of unmet
need is 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "LABELS",
    "PARTNERSHIP_UNITS",
    "Label",
    "describe",
    "humanise",
    "label_of",
    "phrase_of",
    "rank_phrase",
    "score_column",
    "shown_units",
    "strategy_label",
    "unit_after_number",
    "unit_of",
]

#: One sentence defining the partnership model's units, for captions and intros.
PARTNERSHIP_UNITS = (
    "Units: tu (threat units) measure military capacity as a share of the Russian threat "
    "to Europe in the first year; vu (value units) measure concessions and payoffs, 1 vu "
    "being what Europe would pay to close 1 tu of unmet need for one year."
)


@dataclass(frozen=True)
class Label:
    """A short human label and its unit ("" for a pure number)."""

    text: str
    unit: str = ""


_PER_YEAR = "per year"

#: Uncertainties, levers and outcomes of the partnership model.
LABELS: dict[str, Label] = {
    # -- uncertainties: the threat and Europe's own capacity -------------------------
    "threat_growth": Label("growth of the Russian threat", _PER_YEAR),
    "escalation_rate": Label("chance of a Russian escalation", _PER_YEAR),
    "escalation_size": Label("size of a Russian escalation", "tu"),
    "eu_capacity0": Label("Europe's own capacity in year 1", "tu"),
    "rearm_rate": Label("Europe's rearmament rate", _PER_YEAR),
    "us_commitment0": Label("US commitment to Europe in year 1", "tu"),
    "us_drawdown_rate": Label("chance of a US drawdown", _PER_YEAR),
    "us_drawdown_size": Label("size of a US drawdown", "share of the US commitment"),
    "eu_need_weight": Label("Europe's cost of unmet need", "vu per tu-year"),
    "eu_discount": Label("Europe's yearly discount factor"),
    # -- Türkiye -----------------------------------------------------------------------
    "turkey_force_ratio": Label("Türkiye's force relative to Europe's", "share"),
    "turkey_industry_boost": Label("boost from Turkish defence industry", _PER_YEAR),
    "turkey_discount": Label("Türkiye's yearly discount factor"),
    "turkey_base_value": Label("Türkiye's baseline value of alignment", "vu per year"),
    "turkey_threat_value": Label("Türkiye's stake in a contained threat", "vu per tu-year"),
    "value_econ": Label("Türkiye's value of investment and trade", "vu per vu"),
    "value_refugee": Label("Türkiye's value of refugee cooperation", "vu per vu"),
    "value_pkk": Label("Türkiye's value of a PKK/YPG shift", "vu per vu"),
    "value_accession": Label("Türkiye's value of accession progress", "vu per vu"),
    "trust0": Label("initial trust", "0–1"),
    "trust_growth": Label("growth of trust", "share of the gap per year"),
    "trust_concession_effect": Label("extra trust per concession", "per vu"),
    "trust_weight": Label("trust-dependent share of Türkiye's help", "share"),
    "lockin0": Label("Türkiye's exit cost in year 1", "vu"),
    "lockin_rate": Label("exit cost added per concession", "vu per vu"),
    "transactional_renewal": Label("chance a transactional deal is renewed", _PER_YEAR),
    # -- events --------------------------------------------------------------------------
    "russia_standing_offer": Label("Russia's routine inducements", "vu"),
    "russia_offer_rate": Label("chance of a special Russian offer", _PER_YEAR),
    "russia_offer_size": Label("size of a special Russian offer", "vu"),
    "crisis_rate": Label("chance of a Turkish domestic crisis", _PER_YEAR),
    "crisis_trust_loss": Label("trust lost in a crisis", "share"),
    "crisis_lockin_loss": Label("exit cost lost in a crisis", "share"),
    "entrapment_rate": Label("chance of an entrapment episode", _PER_YEAR),
    "entrapment_cost": Label("Europe's cost of an entrapment episode", "vu"),
    "entrapment_trust_loss": Label("trust lost in an entrapment episode", "share"),
    # -- levers --------------------------------------------------------------------------
    "transactional_payment": Label("transactional deal: yearly payment", "vu per year"),
    "transactional_scope": Label("transactional deal: share of Türkiye's force", "share"),
    "transactional_need_threshold": Label("transactional deal: ends below this need", "tu"),
    "transactional_mix_econ": Label("transactional deal: weight of investment and trade"),
    "transactional_mix_refugee": Label("transactional deal: weight of refugee cooperation"),
    "transactional_mix_pkk": Label("transactional deal: weight of the PKK/YPG stance"),
    "transactional_mix_accession": Label("transactional deal: weight of the accession track"),
    "integration_upfront": Label("integration: upfront package", "vu"),
    "integration_payment": Label("integration: yearly concessions", "vu per year"),
    "integration_scope": Label("integration: share of Türkiye's force", "share"),
    "integration_mix_econ": Label("integration: weight of investment and trade"),
    "integration_mix_refugee": Label("integration: weight of refugee cooperation"),
    "integration_mix_pkk": Label("integration: weight of the PKK/YPG stance"),
    "integration_mix_accession": Label("integration: weight of the accession track"),
    "hedge_trust_threshold": Label("hedged: trust needed to switch to integration", "0–1"),
    # -- outcomes --------------------------------------------------------------------------
    "europe_payoff": Label("Europe's payoff", "vu"),
    "turkey_payoff": Label("Türkiye's payoff", "vu"),
    "breakdown": Label("breakdown of the partnership", "1 = Türkiye defected"),
    "breakdown_year": Label("year of the breakdown", "year"),
    "unmet_need": Label("Europe's unmet need", "tu-years"),
    "europe_cost": Label("Europe's costs", "vu"),
    "alignment": Label("Türkiye's alignment", "share of years"),
}

#: What each strategy of the partnership model does, for sentences and legends.
STRATEGY_LABELS: dict[str, str] = {
    "none": "no partnership",
    "transactional": "a transactional deal",
    "integration": "long-term integration",
    "hedged": "hedging",
}

#: The robustness table's columns, in words (with ``{unit}`` the judged outcome's unit).
SCORE_COLUMNS: dict[str, str] = {
    "rank": "rank",
    "strategy": "strategy",
    "outcome": "outcome",
    "mean": "mean ({unit})",
    "max_regret": "worst-case regret ({unit})",
    "regret_percentile": "90th-percentile regret ({unit})",
    "mean_regret": "mean regret ({unit})",
    "satisficing": "share of futures meeting every threshold",
    "best_share": "share of futures where best",
}

_RANK_PHRASES: dict[str, str] = {
    "max_regret": "the smallest worst-case regret",
    "regret_percentile": "the smallest 90th-percentile regret",
    "mean_regret": "the smallest mean regret",
    "mean": "the best mean",
    "satisficing": "the largest share of futures meeting every threshold",
}


def humanise(name: str) -> str:
    """``"russia_offer_size"`` -> ``"russia offer size"`` (the fallback label)."""
    return name.replace("_", " ")


def label_of(name: str) -> str:
    """The short label of a parameter or outcome (its name in words if unknown)."""
    known = LABELS.get(name)
    return known.text if known is not None else humanise(name)


def phrase_of(name: str) -> str:
    """The label as written inside a sentence: ``"the chance of a Russian escalation"``.

    A known label that starts in lower case takes "the"; possessives ("Europe's
    payoff") and unknown names are written as they are.
    """
    known = LABELS.get(name)
    if known is None:
        return humanise(name)
    text = known.text
    return f"the {text}" if text[:1].islower() else text


def unit_of(name: str, units: Mapping[str, str] | None = None) -> str:
    """The unit of a parameter or outcome.

    A unit in ``units`` (the scenario file's, or the model's for a parameter this
    table does not know) wins over the built-in one; code-style units ("1/yr",
    "vu/tu-yr") are spelled out.
    """
    given = (units or {}).get(name) or ""
    if given:
        return _CODE_UNITS.get(given, given)
    known = LABELS.get(name)
    return known.unit if known is not None else ""


def shown_units(units: Mapping[str, str], model_units: Mapping[str, str]) -> dict[str, str]:
    """The units a report shows for the strategy lab's parameters and outcomes.

    The scenario's own unit wins; else the partnership model's, unless this table has
    a label (and unit) for the parameter, which then reads better than the model's
    code-style unit.
    """
    shown = {k: v for k, v in model_units.items() if v and k not in LABELS}
    shown.update({k: v for k, v in units.items() if v})
    return shown


#: The partnership model's code-style units and their words.
_CODE_UNITS: dict[str, str] = {
    "1/yr": _PER_YEAR,
    "1": "",
    "vu/yr": "vu per year",
    "vu/tu-yr": "vu per tu-year",
    "vu/vu": "vu per vu",
    "1/vu": "per vu",
    "share of eu_capacity0": "share of Europe's own capacity",
    "0-1": "0–1",
}


#: Units that describe a scale rather than follow a number ("0.3 share" reads badly).
_SCALE_UNITS = {"share", "0–1", "0-1", "1 = Türkiye defected", "weight"}


def unit_after_number(unit: str) -> str:
    """The unit as written after a number in a sentence ("" for scale-like units)."""
    return "" if unit in _SCALE_UNITS else unit


def describe(name: str, units: Mapping[str, str] | None = None) -> str:
    """``"label (unit)"``, or just the label when there is no unit (for axis titles)."""
    unit = unit_of(name, units)
    return f"{label_of(name)} ({unit})" if unit else label_of(name)


def strategy_label(name: str) -> str:
    """A strategy in words (``"integration"`` -> ``"long-term integration"``)."""
    return STRATEGY_LABELS.get(name, humanise(name))


def rank_phrase(rank_by: str) -> str:
    """How the robust strategy was chosen, e.g. ``"the smallest worst-case regret"``."""
    return _RANK_PHRASES.get(rank_by, f"the best {humanise(rank_by)}")


def score_column(column: str, unit: str) -> str:
    """A robustness-table column in words, with the outcome's unit where it has one."""
    text = SCORE_COLUMNS.get(column)
    if text is None:
        if column[:1] == "p" and column[1:].isdigit():
            text = f"{column[1:]}th percentile ({{unit}})"
        else:
            return humanise(column)
    return text.replace(" ({unit})", f" ({unit})" if unit else "")
