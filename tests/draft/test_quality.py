"""`detente draft` on the labelled test set: the targets of issue 17, and the seed."""

from __future__ import annotations

import pytest

from detente.draft import draft_from_file
from draft_quality import run_all
from support import shared_path


@pytest.fixture(scope="module")
def scores():  # type: ignore[no-untyped-def]
    return run_all()


def test_the_labelled_set_meets_the_targets(scores) -> None:  # type: ignore[no-untyped-def]
    total, per = scores
    assert len(per) >= 7
    assert total.recall >= 0.9, total.misses
    assert total.precision >= 0.8, total.misses
    assert total.claims_rate >= 0.8, total.misses
    assert total.verdict_rate >= 0.8, total.misses


def test_every_article_meets_the_targets_on_its_own(scores) -> None:  # type: ignore[no-untyped-def]
    _, per = scores
    for s in per:
        assert s.recall >= 0.9 and s.precision >= 0.8, (s.name, s.misses)
        assert s.claims_rate >= 0.8 and s.verdict_rate >= 0.8, (s.name, s.misses)


def test_the_seed_article_gives_its_actors_and_three_claims() -> None:
    draft = draft_from_file(shared_path("mission", "seed-article.txt"))
    ids = {a.id for a in draft.actors}
    assert ids == {"TUR", "UKR", "RUS", "GBR", "FRA", "GRC", "DEU", "USA", "SYR", "EU", "NATO"}
    by_id = {a.id: a for a in draft.actors}
    assert any("German Chancellor" in s for s in by_id["DEU"].mentions)
    assert any("Biden administration" in s for s in by_id["USA"].mentions)
    assert any("Ankaras'" in s for s in by_id["TUR"].mentions)
    rows = draft.to_json()["claims"]
    assert [r["verdict"] for r in rows] == ["holds", "partly holds", "not checkable from data"]
    assert rows[0]["relation"] == "count" and rows[0]["value"] == 7 and rows[0]["data_value"] == 7
    assert rows[1]["relation"] == "rank" and rows[1]["indicator"] == "nato.military_personnel"
    assert rows[2]["indicator"] is None and rows[2]["year"] == 2024


def test_docs_state_the_figures_the_code_gives(scores) -> None:  # type: ignore[no-untyped-def]
    import sys

    from support import REPO

    sys.path.insert(0, str(REPO / "tools"))
    try:
        from claims_quality import _row
    finally:
        sys.path.remove(str(REPO / "tools"))
    doc = (REPO / "docs" / "claims.md").read_text(encoding="utf-8")
    total, per = scores
    for s in per:
        assert _row(s) in doc, _row(s)
    total.name = "**all**"
    assert _row(total) in doc
