"""`detente claims check`, `detente draft` and `detente data check-claims` (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from support import REPO, shared_path

EXAMPLE = REPO / "examples" / "europe_turkey.toml"
ARTICLES = REPO / "tests" / "draft" / "articles"


def test_claims_check_on_the_example_equals_data_check_claims(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["claims", "check", str(EXAMPLE), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert main(["data", "check-claims", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == rows
    assert [r["verdict"] for r in rows] == ["holds", "partly holds", "not checkable from data"]
    assert main(["claims", "check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "17 June 2024" in out and "partly holds" in out


def test_a_bad_claim_exits_2_with_its_line_field_and_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'indicator = "nato.military_personnel"', 'indicator = "nato.military_personel"'
    )
    f.write_text(text, encoding="utf-8")
    assert main(["claims", "check", str(f)]) == 2
    err = capsys.readouterr().err
    line = text.splitlines().index('indicator = "nato.military_personel"') + 1
    assert f"bad.toml:{line}" in err and "claims[1].indicator" in err
    assert "nato.military_personnel" in err.split("Fix:")[1]
    f.write_text(text.replace('unit = "persons"', 'unit = "billion US$"'), encoding="utf-8")
    assert main(["claims", "check", str(f)]) == 2
    assert "claims[1]" in capsys.readouterr().err
    assert main(["validate", str(f)]) == 2  # validate checks the claims too
    assert "claims[1].unit" in capsys.readouterr().err


def test_draft_writes_toml_and_json_and_validate_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, js = tmp_path / "draft.toml", tmp_path / "draft.json"
    seed = shared_path("mission", "seed-article.txt")
    assert main(["draft", str(seed), "-o", str(out), "--json", str(js)]) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    assert set(data) == {"actors", "claims"}
    assert all(set(a) == {"id", "name", "mentions"} for a in data["actors"])
    keys = {"text", "indicator", "countries", "year", "relation", "value", "verdict", "data_value"}
    assert all(set(c) == keys for c in data["claims"]) and len(data["claims"]) == 3
    toml = out.read_text(encoding="utf-8")
    assert "# verdict: holds" in toml and "# [[issues]]" in toml and 'id = "article"' in toml
    capsys.readouterr()
    assert main(["validate", str(out)]) == 2
    assert "no issues" in capsys.readouterr().err
    assert main(["claims", "check", str(out), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["verdict"] for r in rows] == [c["verdict"] for c in data["claims"]]
    # never overwrite without --force
    before = out.read_bytes()
    assert main(["draft", str(seed), "-o", str(out)]) == 2
    assert out.read_bytes() == before
    assert main(["draft", str(seed), "-o", str(out), "--force"]) == 0


@pytest.mark.parametrize("name", ["nato_spending.md", "refugees.html", "greece_turkey_mt.txt"])
def test_draft_of_each_format_is_a_scenario_once_issues_are_added(
    name: str, tmp_path: Path
) -> None:
    out = tmp_path / "d.toml"
    assert main(["draft", str(ARTICLES / name), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    text += '\n[[issues]]\nid = "x"\n'
    from detente.draft import draft_from_file

    actors = [a.id for a in draft_from_file(ARTICLES / name).actors if a.kind == "state"]
    for a in actors[:2]:
        text += f'\n[[stances]]\nactor = "{a}"\nissue = "x"\nposition = 50\nsalience = 50\n'
    out.write_text(text, encoding="utf-8")
    assert main(["validate", str(out)]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "no text"), (b"\x00\x01\x02\x03binary", "binary"), (b"123 456\n", "no text")],
)
def test_unreadable_articles_exit_2(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(content)
    assert main(["draft", str(f), "-o", str(tmp_path / "o.toml")]) == 2
    assert message in capsys.readouterr().err
    assert main(["draft", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o.toml")]) == 2
    assert not (tmp_path / "o.toml").exists()


def test_a_scenario_without_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = REPO / "tests" / "partnership" / "data" / "scenario.toml"
    assert main(["claims", "check", str(f)]) == 0
    assert "states no claims" in capsys.readouterr().out
