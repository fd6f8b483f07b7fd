"""Scoring `detente draft` on the labelled articles (tests/draft/articles/labels.toml).

Used by tests/draft/test_quality.py and tools/claims_quality.py (which prints the
figures of docs/claims.md).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from detente.draft import draft_from_file
from support import shared_path

ARTICLES = Path(__file__).resolve().parent / "draft" / "articles"


@dataclass
class Score:
    """Counts for one article (or the whole set)."""

    name: str
    actors_true: int = 0
    actors_found: int = 0
    actors_hit: int = 0
    claims_true: int = 0
    claims_found: int = 0
    verdicts_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for key in (
            "actors_true",
            "actors_found",
            "actors_hit",
            "claims_true",
            "claims_found",
            "verdicts_right",
        ):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.misses += [f"{other.name}: {m}" for m in other.misses]

    @property
    def recall(self) -> float:
        return self.actors_hit / self.actors_true if self.actors_true else 1.0

    @property
    def precision(self) -> float:
        return self.actors_hit / self.actors_found if self.actors_found else 1.0

    @property
    def claims_rate(self) -> float:
        return self.claims_found / self.claims_true if self.claims_true else 1.0

    @property
    def verdict_rate(self) -> float:
        return self.verdicts_right / self.claims_found if self.claims_found else 1.0


def labels() -> list[dict[str, object]]:
    """The labelled articles."""
    with (ARTICLES / "labels.toml").open("rb") as f:
        return list(tomllib.load(f)["articles"])


def _value_of(row: dict[str, object]) -> float | None:
    v = row.get("value")
    return None if v is None else float(v)  # type: ignore[arg-type]


def score(name: str, draft_json: dict[str, object], label: dict[str, object]) -> Score:
    """Score one draft (its ``to_json()``) against its labels."""
    s = Score(name)
    want = set(label["actors"])  # type: ignore[arg-type]
    got = {a["id"] for a in draft_json["actors"]}  # type: ignore[attr-defined, union-attr]
    s.actors_true, s.actors_found, s.actors_hit = len(want), len(got), len(want & got)
    s.misses += [f"actor missed: {a}" for a in sorted(want - got)]
    s.misses += [f"actor extra: {a}" for a in sorted(got - want)]
    claims = list(draft_json["claims"])  # type: ignore[call-overload]
    for c in label["claims"]:  # type: ignore[attr-defined]
        s.claims_true += 1
        same = [row for row in claims if c["match"] in row["text"]]
        hits = [
            row
            for row in same
            if _value_of(row) is not None
            and math.isclose(_value_of(row), float(c["value"]), rel_tol=1e-6)  # type: ignore[arg-type]
        ]
        if not hits and len(same) == 1:
            # one claim found in the sentence and one labelled: the same claim, whose
            # value detente holds differently (a rank for "the largest ..., 6 million")
            sentence = same[0]["text"]
            labelled = [x for x in label["claims"] if x["match"] in sentence]  # type: ignore[attr-defined]
            if len(labelled) == 1:
                hits = same
        if not hits:
            s.misses.append(f"claim missed: {c['match']}")
            continue
        s.claims_found += 1
        if hits[0]["verdict"] == c["verdict"]:
            s.verdicts_right += 1
        else:
            s.misses.append(
                f"verdict of {c['match']!r}: {hits[0]['verdict']} (label: {c['verdict']})"
            )
    return s


def run_all(*, heldout: bool | None = None) -> tuple[Score, list[Score]]:
    """The total score and one per article (``heldout``: only those, or only the others)."""
    total = Score("all")
    per: list[Score] = []
    for label in labels():
        if heldout is not None and bool(label.get("heldout", False)) != heldout:
            continue
        name = str(label["file"])
        path = shared_path("mission", "seed-article.txt") if name == "seed" else ARTICLES / name
        s = score(name, draft_from_file(path).to_json(), label)
        per.append(s)
        total.add(s)
    return total, per
