#!/usr/bin/env python3
"""The worked example of ``docs/models/exchange.md``: the exchange model on the flagship case.

Runs the exchange model (default settings) on ``examples/europe_turkey.toml`` and
prints the Markdown block the model card holds between its ``worked-example`` markers:
round 1's first executed exchanges and each issue's predicted outcome (the weighted
mean of the input positions, after round 1, after the model's 10 rounds).
``tests/bargaining/exchange/test_docs.py`` checks that the card holds exactly this
block, so every figure in it is computed by the code from the shipped example.

    .venv/bin/python tools/exchange_worked_example.py            # print the block
    .venv/bin/python tools/exchange_worked_example.py --write    # put it into the card
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CARD = REPO / "docs" / "models" / "exchange.md"
BEGIN = "<!-- worked-example: begin (tools/exchange_worked_example.py) -->"
END = "<!-- worked-example: end -->"
SHOWN = 6


def block() -> str:
    """The Markdown block of the worked example."""
    import numpy as np

    from detente.bargaining import forecast
    from detente.scenario import load_scenario

    s = load_scenario(REPO / "examples" / "europe_turkey.toml")
    f = forecast(s, "exchange")
    ex = f.events
    assert ex is not None
    issues = {i.id: i for i in s.issues}
    first = ex[ex["round"] == 1]
    lines = [
        f"Round 1 has {len(first)} executed exchanges; the first {SHOWN}, in decide's order "
        "of gain (positions on the issues' 0-100 scales):",
        "",
        "| # | gain | moves | from | to | in return | from | to |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in first.head(SHOWN).itertuples():
        lines.append(
            f"| {row.seq} | {row.gain:.3f} | {row.i_actor} on `{row.i_supply_issue}` "
            f"| {row.i_start:.1f} | {row.i_voting:.1f} | {row.j_actor} on "
            f"`{row.j_supply_issue}` | {row.j_start:.1f} | {row.j_voting:.1f} |"
        )
    nbs0 = f.diagnostics["nbs_start"][0]
    nbs1 = f.diagnostics["nbs_voting"][0]
    lines += [
        "",
        "Each issue's predicted outcome (capability x salience weighted mean of the positions):",
        "",
        "| issue | input positions | after round 1 | after 10 rounds (forecast) |",
        "|---|---|---|---|",
    ]
    for j, iid in enumerate(f.issue_ids):
        label = issues[iid].label
        lines.append(f"| `{iid}` ({label}) | {nbs0[j]:.1f} | {nbs1[j]:.1f} | {f.outcome[j]:.1f} |")
    lines += [
        "",
        f"{f.diagnostics['knife_edges']} knife-edges met, {f.diagnostics['settled']} "
        f"settlements in decide's arithmetic, {f.diagnostics['fallbacks']} fallbacks; "
        f"{len(ex)} exchanges in 10 rounds.  The largest shift from the weighted mean: "
        f"`{f.issue_ids[int(np.argmax(np.abs(f.outcome - nbs0)))]}`.",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="replace the block in the card")
    a = ap.parse_args()
    text = block()
    if not a.write:
        print(text)
        return
    card = CARD.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    new = f"{BEGIN}\n{text}\n{END}"
    if pattern.search(card):
        card = pattern.sub(lambda _: new, card)
    else:
        card += "\n" + new + "\n"
    CARD.write_text(card)


if __name__ == "__main__":
    main()
