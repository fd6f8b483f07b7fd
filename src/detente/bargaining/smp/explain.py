"""Turn-by-turn account of one actor in an SMP forecast (``detente forecast --explain``).

For each turn it says whom the actor challenged (and its expected gain and estimated
chance of winning), which bargains were on its queue (its own challenge, challenges it
received, and the status quo) with their election probabilities, which one it took,
and so why it moved or stayed.  Everything comes from the forecast's ``events`` table
and trajectory; nothing is recomputed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detente.bargaining.base import Forecast
from detente.errors import InputError

__all__ = ["explain_actor"]


def _pos(forecast: Forecast, turn: int, actor: int) -> str:
    assert forecast.trajectory is not None
    vals = forecast.trajectory[turn, actor]
    return "(" + ", ".join("-" if np.isnan(v) else f"{v:.4g}" for v in vals) + ")"


def explain_actor(forecast: Forecast, actor: str) -> str:
    """Explain, turn by turn, what one actor did in an SMP forecast and why.

    Parameters
    ----------
    forecast
        A forecast of the ``smp`` model (it carries the events table).
    actor
        The actor's id (case-insensitive).

    Returns
    -------
    str
        Plain text, one paragraph per turn.

    Raises
    ------
    InputError
        If the actor is unknown or the forecast has no SMP events.
    """
    ids = list(forecast.actor_ids)
    match = [a for a in ids if a.lower() == actor.strip().lower()]
    if not match:
        raise InputError(
            f"unknown actor {actor!r}",
            field="--explain",
            fix=f"use one of {', '.join(ids)}.",
        )
    name = match[0]
    a = ids.index(name)
    ev = forecast.events
    if ev is None or forecast.trajectory is None or "probability" not in ev.columns:
        raise InputError(
            "this forecast has no SMP events to explain",
            field="--explain",
            fix="use --model smp.",
        )
    dims = ", ".join(forecast.issue_ids)
    stochastic = str(forecast.params.get("StateTransitions", "")).lower() == "stochastic"
    lines = [
        f"{name} in the Spatial Model of Politics ({forecast.rounds} turns; "
        f"positions as ({dims})).",
        f"Start: {_pos(forecast, 0, a)}.",
    ]
    for turn in range(1, forecast.rounds + 1):
        rows = ev[(ev["turn"] == turn) & (ev["actor"] == name)]
        ch = rows[rows["kind"].isin(["challenge", "no_challenge"])]
        opts = rows[~rows["kind"].isin(["challenge", "no_challenge"])]
        parts = [f"Turn {turn}:"]
        if len(ch) and ch.iloc[0]["kind"] == "challenge":
            c = ch.iloc[0]
            their = ""
            if "target_gain" in ch.columns and np.isfinite(c["target_gain"]):
                their = f", {c['target']}'s expected change by its estimate {c['target_gain']:+.4f}"
            parts.append(
                f"challenged {c['target']} (its expected gain {c['gain']:+.4f}, its estimate "
                f"that it wins {c['p_win']:.2f}{their})."
            )
        else:
            parts.append("challenged nobody (no challenge was worth more than 1e-5 to it).")
        received = opts[(opts["initiator"] != name) & (opts["initiator"] != "")]
        if len(received):
            parts.append("Challenged by " + ", ".join(sorted(set(received["initiator"]))) + ".")
        parts.append(_queue_text(opts, name, stochastic))
        before, after = _pos(forecast, turn - 1, a), _pos(forecast, turn, a)
        if before == after:
            parts.append(f"Stayed at {after}.")
        else:
            parts.append(f"Moved from {before} to {after}.")
        lines.append(" ".join(parts))
    lines.append(f"Final: {_pos(forecast, forecast.rounds, a)}; stop: {forecast.stop_reason}.")
    return "\n".join(lines)


def _queue_text(opts: pd.DataFrame, name: str, stochastic: bool) -> str:
    if len(opts) <= 1:
        return "Its queue held only the status quo, so it kept its position."
    items = []
    chosen_text = ""
    for _, o in opts.iterrows():
        if o["kind"] == "status_quo":
            label = "status quo"
        elif o["initiator"] == name:
            label = f"its bargain with {o['target']} -> ({_commas(o['position'])})"
        else:
            label = f"{o['initiator']}'s bargain -> ({_commas(o['position'])})"
        items.append(f"{label} p={o['probability']:.3f}")
        if bool(o["chosen"]):
            how = "drew" if stochastic else "took the most probable,"
            chosen_text = f"It {how} {label.split(' -> ')[0]} (p={o['probability']:.3f})."
    return "Queue election: " + "; ".join(items) + ". " + chosen_text


def _commas(position: Any) -> str:
    values = position if isinstance(position, list | tuple) else [position]
    return ", ".join(f"{float(v):.4g}" for v in values)
