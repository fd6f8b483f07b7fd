"""Run the deal finder on a scenario and hold its results as plain tables.

:func:`run_deals` calls :mod:`detente.bargaining.deals` (the deals, their package, the
rival bids and, with draws, the robust deals) and returns :class:`DealsResults`, which
the command line (``detente deals``), the report and the workbench app present.
:func:`deals_csv_table` and :func:`deals_json` give the documented output formats of
``detente deals --csv`` and ``--json`` (see ``docs/models/exchange.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.bargaining import deals as D
from detente.scenario import Scenario

__all__ = [
    "JSON_SCHEMA",
    "DealsResults",
    "deals_csv_table",
    "deals_json",
    "deals_steps",
    "run_deals",
]

#: The ``schema`` field of ``detente deals --json``.
JSON_SCHEMA = "detente.deals/1"

Step = Callable[[str], None]


@dataclass
class DealsResults:
    """What the deal finder found on a scenario.

    Attributes
    ----------
    scenario_id
        The scenario.
    sides
        The two sides' names and members, or ``None`` (every pair of actors).
    sides_from
        Where the sides came from: ``"--between"``, ``"[deals]"`` or ``""``.
    params
        The exchange model's parameters used (``variant``, ``p``, ``rules``).
    arithmetic
        ``"float"``, ``"settled"`` (near-ties settled in decide's arithmetic) or
        ``"decimal"`` (the round redone in Python's Decimal).
    draws, seed
        Draws of the inputs (0: none) and the seed.
    deals
        :data:`detente.bargaining.deals.DEAL_COLUMNS` plus ``a_from_anchor``,
        ``a_to_anchor``, ``b_from_anchor``, ``b_to_anchor`` (the issue's verbal anchor
        nearest each position, "" where the issue has none).
    package
        One row per issue: ``issue``, ``label``, ``outcome_before``, ``outcome_after``,
        ``shift``, ``deals``, ``before_anchor``, ``after_anchor``.
    gains
        One row per actor: ``actor``, ``name``, ``side``, ``party``, ``gain``.
    side_gains
        One row per side: ``side``, ``members``, ``gain``, and with draws
        ``gain_p05``, ``gain_p50``, ``gain_p95`` and ``gains`` (share of draws in which
        the side gains from the draw's package).
    rivals
        :data:`detente.bargaining.deals.RIVAL_COLUMNS`, two rows per deal.
    robust
        :data:`detente.bargaining.deals.ROBUST_COLUMNS`, or ``None`` without draws.
    package_holds, overlap
        With draws: the share of draws in which every side gains from the package, and
        the mean share of the point package's deals executed in a draw.
    mutually_beneficial
        Every side gains from the point package.
    notes
        Remarks for the reader (no deal, near-ties, ...).
    """

    scenario_id: str
    sides: D.Sides | None
    sides_from: str
    params: dict[str, Any]
    arithmetic: str
    draws: int
    seed: int
    deals: pd.DataFrame
    package: pd.DataFrame
    gains: pd.DataFrame
    side_gains: pd.DataFrame
    rivals: pd.DataFrame
    robust: pd.DataFrame | None = None
    package_holds: float | None = None
    overlap: float | None = None
    mutually_beneficial: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def side_names(self) -> tuple[str, str] | None:
        """The two sides' names, or ``None``."""
        return None if self.sides is None else self.sides.names

    def describe_sides(self) -> str:
        """ "between Europe and TUR" or "among all actors"."""
        if self.sides is None:
            return "among all actors"
        a, b = self.sides.names
        return f"between {a} and {b}"


def deals_steps(draws: int) -> int:
    """How many progress steps :func:`run_deals` makes."""
    return 3 if draws > 0 else 2


#: The exchange model's parameters the deal finder uses (it runs the first round, takes
#: the first of equal gains and redoes near-ties in decide's arithmetic itself).
USED_PARAMS = ("variant", "p", "rules")


def _exchange_params(
    scenario: Scenario, params: Mapping[str, Any] | None
) -> tuple[dict[str, Any], list[str]]:
    """The deal finder's exchange parameters, and the names of set ones it does not use."""
    from detente.bargaining import get_model, resolve_params

    spec = get_model("exchange")
    table: dict[str, Any] = {}
    for key, value in scenario.models.items():
        if key.strip().lower() == spec.name:
            table = dict(value)
    values = resolve_params(spec, params, scenario_defaults=table)
    defaults = spec.defaults
    unused = [k for k in values if k not in USED_PARAMS and values[k] != defaults[k]]
    return {k: values[k] for k in USED_PARAMS}, unused


def _anchor(issue: Any, x: float) -> str:
    return issue.anchor_text(x) if math.isfinite(x) else ""


def run_deals(
    scenario: Scenario,
    *,
    draws: int = 0,
    seed: int = 0,
    between: tuple[str, str] | None = None,
    all_pairs: bool = False,
    params: Mapping[str, Any] | None = None,
    step: Step | None = None,
    on_draws: Callable[[int, int], None] | None = None,
) -> DealsResults:
    """The deals, their package, rival bids and (with draws) the robust deals.

    Parameters
    ----------
    scenario
        The scenario, capabilities resolved.
    draws
        Draws of the inputs' stated uncertainty for the robust deals (0: none).
    seed
        Seed of the draws (and of the random exchange rates, ``variant=random_rate``).
    between
        The two sides (actor ids or groups); ``None``: the scenario's ``[deals]``
        table, if any.
    all_pairs
        Ignore the scenario's ``[deals]`` table: every pair of actors may exchange.
    params
        The exchange model's parameters (over the scenario's ``[models.exchange]``).
    step
        Called with a short label after each unit of work (for progress bars).
    on_draws
        Called as ``on_draws(done, total)`` as the draws are searched.

    Raises
    ------
    InputError
        For unknown or overlapping sides, a bad ``[deals]`` table, bad parameters or a
        bad draw count.
    """
    from detente.bargaining import sample_inputs

    tick = step or (lambda _label: None)
    if between is not None and all_pairs:
        from detente.errors import InputError

        raise InputError(
            "--between and --all-pairs contradict each other",
            field="--all-pairs",
            fix="give either --between A B or --all-pairs, not both.",
        )
    if between is not None:
        sides: D.Sides | None = D.resolve_sides(scenario, between[0], between[1])
        origin = "--between"
    elif all_pairs:
        sides, origin = None, ""
    else:
        sides = D.scenario_sides(scenario)
        origin = "[deals]" if sides is not None else ""
    values, unused = _exchange_params(scenario, params)
    found = D.find_deals(scenario, sides=sides, seed=seed, **values)
    tick("search")
    rivals = D.rival_bids(found)
    tick("rivals")
    by_id = {i.id: i for i in scenario.issues}
    deals = found.deals.copy()
    for tag in ("a", "b"):
        for end in ("from", "to"):
            deals[f"{tag}_{end}_anchor"] = [
                _anchor(by_id[i], float(x))
                for i, x in zip(deals[f"{tag}_issue"], deals[f"{tag}_{end}"], strict=True)
            ]
    pkg = found.package.copy()
    pkg.insert(1, "label", [by_id[i].label for i in pkg["issue"]])
    for col, src in (("before_anchor", "outcome_before"), ("after_anchor", "outcome_after")):
        pkg[col] = [
            _anchor(by_id[i], float(x)) for i, x in zip(pkg["issue"], pkg[src], strict=True)
        ]
    names = {a.id: a.name for a in scenario.actors}
    gains = found.gains.copy()
    gains.insert(1, "name", [names[a] for a in gains["actor"]])
    side_gains = found.side_gains
    res = DealsResults(
        scenario_id=scenario.id,
        sides=sides,
        sides_from=origin,
        params=values,
        arithmetic=found.arithmetic,
        draws=int(draws),
        seed=int(seed),
        deals=deals,
        package=pkg,
        gains=gains,
        side_gains=side_gains,
        rivals=rivals,
        mutually_beneficial=found.mutually_beneficial,
    )
    if unused:
        res.notes.append(
            f"The deal finder does not use the exchange model's {', '.join(unused)}: it "
            "runs the first round only and takes the first of equal gains."
        )
    if len(scenario.issues) < 2:
        res.notes.append("An exchange needs two issues; this scenario has one.")
    elif deals.empty:
        res.notes.append(
            f"The exchange model finds no mutually beneficial exchange {res.describe_sides()} "
            "in its first round: no two actors stand on opposite sides of the forecasts of "
            "two issues with different priorities."
        )
    if found.arithmetic in ("settled", "decimal"):
        res.notes.append(
            f"The engine met {found.knife_edges} near-tie(s) in this round and settled them "
            "in decide's 28-digit decimal arithmetic, as the model does."
        )
    elif found.knife_edges:
        res.notes.append(
            f"The engine met {found.knife_edges} near-tie(s) in this round and decided them "
            "in float; decide's 28-digit decimal arithmetic could order them differently."
        )
    lose = int((~deals["mutual"].astype(bool)).sum()) if len(deals) else 0
    if lose:
        res.notes.append(
            f"{lose} of the executed exchanges leave a side worse off by their actual moves: "
            "decide's random exchange rates (variant random_rate) set the moves without "
            "re-checking both gains; they are kept in the package, marked not mutual."
        )
    if draws > 0:
        inputs = sample_inputs(scenario, draws, seed)
        rob = D.robust_deals(found, inputs, seed=seed, on_draws=on_draws)
        res.robust = rob.deals
        res.package_holds = rob.package_holds
        res.overlap = rob.overlap
        extra = rob.package.set_index("side")
        for col in ("gain_p05", "gain_p50", "gain_p95", "gains"):
            res.side_gains[col] = extra[col].reindex(res.side_gains["side"]).to_numpy()
        if rob.knife_edges:
            res.notes.append(
                f"In {rob.knife_edges} of {draws:,} draws the engine decided a near-tie in "
                "float that decide's decimal arithmetic could order differently."
            )
        tick("draws")
    return res


# -- output formats ------------------------------------------------------------------------


def deals_csv_table(res: DealsResults) -> pd.DataFrame:
    """``detente deals --csv``: one row per deal, with its robustness and rival bids.

    Columns: the deal columns of :attr:`DealsResults.deals` (anchors included); with
    draws, ``holds``, ``executed``, ``a_gain_p05`` ... ``b_gain_p95`` and
    ``point_only`` (empty without draws); for each partner (``a_``, ``b_``): ``rival``,
    ``rival_gain``, ``margin``, ``outbid``.
    """
    out = res.deals.copy()
    robust_cols = [c for c in D.ROBUST_COLUMNS if c != "deal"]
    if res.robust is not None:
        out = out.merge(res.robust, on="deal", how="left")
    else:
        for c in robust_cols:
            out[c] = np.nan
    riv = res.rivals
    for role, tag in ((0, "a"), (1, "b")):
        sub = riv.iloc[role::2].set_index("deal") if len(riv) else riv
        for src in ("rival", "rival_gain", "margin", "outbid"):
            name = f"{tag}_{src}" if src != "rival" else f"{tag}_rival"
            out[name] = (
                sub[src].reindex(out["deal"]).to_numpy() if len(riv) else pd.Series(dtype=object)
            )
    return out


def _num(x: Any) -> Any:
    """A JSON number (``None`` for NaN or infinity)."""
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _num(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def deals_json(res: DealsResults) -> dict[str, Any]:
    """``detente deals --json``: the whole result as one JSON object.

    Keys: ``schema`` (:data:`JSON_SCHEMA`), ``scenario``, ``model`` (``exchange``
    and its parameters), ``between`` (``null``, or the two sides with their members
    and where they came from), ``draws``, ``seed``, ``deals`` (one object per deal,
    with ``robust`` and ``rivals`` inside it), ``package`` (``issues``, ``sides``,
    ``actors``, ``mutually_beneficial``, ``holds``, ``overlap``) and ``notes``.
    Numbers are on each issue's own scale (positions, shifts) or in utility points
    (gains); a missing number is ``null``.
    """
    robust = res.robust.set_index("deal") if res.robust is not None else None
    deals = []
    for row in _records(res.deals):
        no = row["deal"]
        entry: dict[str, Any] = {"deal": no, "mutual": bool(row["mutual"])}
        for tag in ("a", "b"):
            entry[tag] = {
                "actor": row[f"{tag}_actor"],
                "issue": row[f"{tag}_issue"],
                "from": row[f"{tag}_from"],
                "to": row[f"{tag}_to"],
                "from_anchor": row[f"{tag}_from_anchor"],
                "to_anchor": row[f"{tag}_to_anchor"],
                "shift": row[f"{tag}_shift"],
                "gain": row[f"{tag}_gain"],
            }
        if robust is not None and no in robust.index:
            vals = robust.loc[no].tolist()
            entry["robust"] = {str(k): _num(v) for k, v in zip(robust.columns, vals, strict=True)}
        else:
            entry["robust"] = None
        rivals = res.rivals[res.rivals["deal"] == no]
        entry["rivals"] = [
            {k: _num(v) for k, v in r.items() if k != "deal"} | {"rival": r["rival"] or None}
            for r in rivals.to_dict(orient="records")
        ]
        deals.append(entry)
    sides = None
    if res.sides is not None:
        sides = {
            "from": res.sides_from,
            "sides": [
                {"name": n, "members": list(m)}
                for n, m in zip(res.sides.names, res.sides.members, strict=True)
            ],
        }
    return {
        "schema": JSON_SCHEMA,
        "scenario": res.scenario_id,
        "model": {
            "name": "exchange",
            "round": 1,
            "params": dict(res.params),
            "arithmetic": res.arithmetic,
        },
        "between": sides,
        "draws": res.draws,
        "seed": res.seed,
        "deals": deals,
        "package": {
            "issues": _records(res.package),
            "sides": [
                {k: (list(v) if k == "members" else _num(v)) for k, v in r.items()}
                for r in res.side_gains.to_dict(orient="records")
            ],
            "actors": _records(res.gains),
            "mutually_beneficial": bool(res.mutually_beneficial),
            "holds": _num(res.package_holds) if res.package_holds is not None else None,
            "overlap": _num(res.overlap) if res.overlap is not None else None,
        },
        "notes": list(res.notes),
    }
