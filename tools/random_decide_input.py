#!/usr/bin/env python3
"""Write a random input file in decide's format (for checking the exchange model).

decide (the exchange model's reference implementation, ``decide-exchange-model``) reads
``#A`` (actor), ``#P`` (issue), ``#M`` (a point on an issue's scale; the lowest and
highest give its bounds) and ``#D`` rows (actor, issue, position, salience 0-1, power).
This script writes such a file with:

- ``--actors`` actors and ``--issues`` issues;
- issue scales that are mostly 0-100, some with other bounds (e.g. 0.5-7, -10-10);
- round-number positions (a fifth, a quarter, a tenth of the scale...) so that equal
  gains and outcomes on a demander's position (decide's near-ties) occur;
- saliences and powers from short lists of round numbers; a power per actor and issue
  (an actor's base power, sometimes another one on an issue);
- ``--missing`` (a share of) actor-issue rows left out, as decide allows.

No salience or power is 0 (decide divides by them).  The same ``--seed`` writes the
same file.  No decide code is used or needed.

    python tools/random_decide_input.py --seed 1 --actors 8 --issues 4 --out case.csv
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SALIENCES = (0.1, 0.2, 0.25, 0.4, 0.5, 0.5, 0.6, 0.75, 0.8, 1.0)
POWERS = (1, 1, 2, 2, 3, 5, 10)
SCALES = ((0.0, 100.0),) * 6 + ((0.5, 7.0), (-10.0, 10.0), (1.0, 5.0))
DIVISIONS = (4, 5, 10)


def _num(v: float) -> str:
    """A number as decide's files write it (no trailing .0 for integers)."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def generate(seed: int, actors: int, issues: int, missing: float, delimiter: str) -> str:
    """The text of one random decide input file."""
    rng = random.Random(seed)
    q = "'" if delimiter == "\t" else ""
    names = [f"A{i + 1:02d}" for i in range(actors)]
    lines = [
        delimiter.join([f"{q}#A{q}", f"{q}{a}{q}", f"{q}Actor {a}{q}", f"{q}{q}"]) for a in names
    ]
    scales = []
    for j in range(issues):
        pid = f"P{j + 1}"
        lo, hi = rng.choice(SCALES) if j else (0.0, 100.0)
        scales.append((pid, lo, hi))
        lines.append(delimiter.join([f"{q}#P{q}", f"{q}{pid}{q}", f"{q}Issue {pid}{q}", f"{q}{q}"]))
        lines.append(delimiter.join([f"{q}#M{q}", f"{q}{pid}{q}", _num(lo)]))
        lines.append(delimiter.join([f"{q}#M{q}", f"{q}{pid}{q}", _num(hi)]))
    base = {a: rng.choice(POWERS) for a in names}
    for a in names:
        for pid, lo, hi in scales:
            if rng.random() < missing:
                continue
            div = rng.choice(DIVISIONS)
            pos = lo + (hi - lo) * rng.randint(0, div) / div
            sal = rng.choice(SALIENCES)
            power = base[a] if rng.random() < 0.8 else rng.choice(POWERS)
            lines.append(
                delimiter.join(
                    [
                        f"{q}#D{q}",
                        f"{q}{a}{q}",
                        f"{q}{pid}{q}",
                        _num(round(pos, 6)),
                        _num(sal),
                        _num(power),
                    ]
                )
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--actors", type=int, default=8)
    ap.add_argument("--issues", type=int, default=4)
    ap.add_argument(
        "--missing", type=float, default=0.05, help="share of actor-issue rows left out"
    )
    ap.add_argument("--delimiter", choices=("tab", "semicolon"), default="semicolon")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    delim = "\t" if a.delimiter == "tab" else ";"
    a.out.write_text(generate(a.seed, a.actors, a.issues, a.missing, delim))


if __name__ == "__main__":
    main()
