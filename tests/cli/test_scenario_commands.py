"""The scenario commands: validate, show, convert."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from detente.scenario import load_scenario, load_scenarios
from support import REPO, shared_path

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("detente ")


def test_validate_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "11 actors, 6 issues, 66 stances" in capsys.readouterr().out


def test_show_example_lists_every_actor_and_issue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    s = load_scenario(EXAMPLE)
    for a in s.actors:
        assert a.id in out
    for i in s.issues:
        assert i.id in out


def test_show_deu_lists_scenarios_then_shows_one(capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_path("data", "deu3", "deu3_dev.csv")
    assert main(["show", str(path)]) == 0
    assert "249 scenarios" in capsys.readouterr().out
    assert main(["show", str(path), "--scenario", "d00060i1"]) == 0
    assert "COM" in capsys.readouterr().out


@pytest.mark.parametrize(("to", "suffix"), [("toml", ".toml"), ("ktab-xml", ".xml")])
def test_convert_ktab_csv(tmp_path: Path, to: str, suffix: str) -> None:
    src = shared_path("reference", "ktab", "dummyData_3Dim", "input.csv")
    out = tmp_path / f"out{suffix}"
    assert main(["convert", str(src), "--to", to, "-o", str(out)]) == 0
    a, b = load_scenario(src), load_scenario(out)
    assert [(t.position, t.salience) for t in a.stances] == [
        (t.position, t.salience) for t in b.stances
    ]


def test_convert_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kept.toml"
    out.write_text("precious")
    assert main(["convert", str(EXAMPLE), "--to", "toml", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == "precious"
    assert main(["convert", str(EXAMPLE), "--to", "toml", "-o", str(out), "--force"]) == 0
    assert load_scenario(out) == load_scenario(EXAMPLE)


def test_convert_never_overwrites_its_input(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(EXAMPLE.read_text())
    assert main(["convert", str(f), "--to", "toml", "-o", str(f), "--force"]) == 2
    assert f.read_text() == EXAMPLE.read_text()


@pytest.mark.parametrize(
    ("to", "name", "noted"),
    [("ktab-csv", "x.toml", True), ("ktab-xml", "x", True), ("deu", "x.xml", True),
     ("ktab-csv", "x.csv", False), ("toml", "x.TOML", False), ("deu", "x.tsv", False),
     ("deu", "x.csv", False), ("toml", "x.csv", False)],  # .csv: told by its content
)  # fmt: skip
def test_convert_notes_an_extension_that_reads_back_as_another_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], to: str, name: str, noted: bool
) -> None:
    src = shared_path("reference", "ktab", "dummyData_3Dim", "input.csv")
    out = tmp_path / name
    assert main(["convert", str(src), "--to", to, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert ("note:" in said and f"--format {to}" in said) is noted
    # the file is still written as asked, and reads back with --format
    back = load_scenarios(out, format=to)
    assert len(back[0].actors) == len(load_scenario(src).actors)  # DEU ids are normalised


def test_convert_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(EXAMPLE), "--to", "yaml", "-o", str(tmp_path / "x")]) == 2
    assert "unknown output format" in capsys.readouterr().err


DATA_REF_TOML = """\
[scenario]
id = "refs"

[[actors]]
id = "TUR"
capability = { indicator = "sipri.milex_usd_constant", year = 2023 }

[[actors]]
id = "DEU"
capability = { indicator = "sipri.milex_usd_constant", year = 2023 }

[[issues]]
id = "x"

[[stances]]
actor = "TUR"
issue = "x"
position = 20
salience = 50

[[stances]]
actor = "DEU"
issue = "x"
position = 80
salience = 40
"""


@pytest.mark.parametrize(("to", "suffix"), [("ktab-csv", ".csv"), ("ktab-xml", ".xml")])
def test_convert_to_ktab_resolves_data_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], to: str, suffix: str
) -> None:
    src = tmp_path / "refs.toml"
    src.write_text(DATA_REF_TOML)
    out = tmp_path / f"refs{suffix}"
    assert main(["convert", str(src), "--to", to, "-o", str(out)]) == 0
    assert "written as numbers" in capsys.readouterr().out
    back = load_scenario(out)
    caps = [a.capability_value for a in back.actors]
    assert all(c is not None and c > 1000 for c in caps)  # millions of US$ of milex
    assert caps[0] != caps[1]


def test_convert_example_to_ktab_names_the_salience_budget_and_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    assert main(["convert", str(EXAMPLE), "--to", "ktab-csv", "-o", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert str(EXAMPLE) in err
    assert "at most 100 per actor" in err
    assert "Fix:" in err
    assert not out.exists()


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2


def test_convert_says_what_the_format_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "example.csv"
    assert main(["convert", str(EXAMPLE), "--to", "decide", "-o", str(out)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "decide cannot hold" in text
    for lost in ("claims (3)", "deals", "stances.uncertainty", "sources"):
        assert lost in text, lost
    # what decide's format holds is not listed
    assert "stances.position" not in text and "actors.name" not in text


def test_convert_to_toml_or_of_a_plain_file_notes_nothing_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(EXAMPLE), "--to", "toml", "-o", str(tmp_path / "a.toml")]) == 0
    src = shared_path("reference", "ktab", "dummyData_3Dim", "input.csv")
    assert main(["convert", str(src), "--to", "ktab-xml", "-o", str(tmp_path / "b.xml")]) == 0
    assert "cannot hold" not in capsys.readouterr().out


def test_left_out_compares_presence_only() -> None:
    from detente.scenario.io import left_out

    s = load_scenario(EXAMPLE)
    assert left_out(s, s) == []
    bare = s.model_copy(update={"claims": [], "deals": None})
    assert left_out(s, bare) == ["deals", "claims (3)"]
    assert left_out(bare, s) == []
