"""Print the quality figures of `detente draft` on the labelled test set (docs/claims.md).

Usage: .venv/bin/python tools/claims_quality.py

Reads tests/draft/articles/labels.toml (and the seed article in ../shared), drafts each
article and scores actors (recall, precision), numeric claims found and verdicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from draft_quality import Score, run_all


def _row(s: Score) -> str:
    return (
        f"| {s.name} | {s.actors_hit}/{s.actors_true} ({100 * s.recall:.0f}%) | "
        f"{s.actors_hit}/{s.actors_found} ({100 * s.precision:.0f}%) | "
        f"{s.claims_found}/{s.claims_true} ({100 * s.claims_rate:.0f}%) | "
        f"{s.verdicts_right}/{s.claims_found} ({100 * s.verdict_rate:.0f}%) |"
    )


def main() -> None:
    """Print one Markdown table row per article and the totals."""
    print("| article | actor recall | actor precision | claims found | verdicts right |")
    print("|---|---:|---:|---:|---:|")
    total, per = run_all()
    for s in per:
        print(_row(s))
    for name, heldout in (("all, tuning set", False), ("all, held out", True)):
        t, _ = run_all(heldout=heldout)
        t.name = f"**{name}**"
        print(_row(t))
    total.name = "**all**"
    print(_row(total))
    for m in total.misses:
        print(f"- {m}")


if __name__ == "__main__":
    main()
