"""Run `detente draft` on every labelled article and score it (see scoring.py)."""

from __future__ import annotations

from detente.draft import draft_from_file
from scoring import ARTICLES, Score, labels, score
from support import shared_path


def run_all() -> tuple[Score, list[Score]]:
    """The total score and one per article."""
    total = Score("all")
    per: list[Score] = []
    for label in labels():
        name = str(label["file"])
        path = shared_path("mission", "seed-article.txt") if name == "seed" else ARTICLES / name
        s = score(name, draft_from_file(path).to_json(), label)
        per.append(s)
        total.add(s)
    return total, per
