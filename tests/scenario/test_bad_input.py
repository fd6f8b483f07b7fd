"""Every kind of bad input gets a located message with a fix, and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import InputError
from detente.scenario import load_scenario

GOOD_TOML = """\
[scenario]
id = "t"

[[actors]]
id = "A"
capability = 10

[[actors]]
id = "B"
capability = 5

[[issues]]
id = "x"
scale = { min = 0, max = 100 }

[[stances]]
actor = "A"
issue = "x"
position = 20
salience = 50

[[stances]]
actor = "B"
issue = "x"
position = 80
salience = 40
"""

GOOD_CSV = """\
Test,"a test",2,2,
Actor,Description,Power,P1,S1,P2,S2,
A, first, 10, 20, 50, 30, 40,
B, second, 5, 80, 40, 70, 60,
"""

# (file name, content, substrings the message must contain)
CASES: list[tuple[str, str, list[str]]] = [
    (
        "unknown_actor.toml",
        GOOD_TOML.replace('actor = "B"', 'actor = "C"'),
        ["unknown actor 'C'", ":23", "stances[1].actor", "Fix:"],
    ),
    (
        "unknown_issue.toml",
        GOOD_TOML.replace('issue = "x"\nposition = 80', 'issue = "y"\nposition = 80'),
        ["unknown issue 'y'", ":24", "stances[1].issue"],
    ),
    (
        "duplicate_actor.toml",
        GOOD_TOML.replace('id = "B"', 'id = "A"'),
        ["duplicate actor id 'A'", "actors[1].id", ":9"],
    ),
    (
        "duplicate_issue.toml",
        GOOD_TOML + '\n[[issues]]\nid = "x"\n',
        ["duplicate issue id 'x'", "issues[1].id"],
    ),
    (
        "position_off_scale.toml",
        GOOD_TOML.replace("position = 80", "position = 120"),
        ["position 120 is outside the scale 0-100", "stances[1].position", ":25"],
    ),
    (
        "negative_salience.toml",
        GOOD_TOML.replace("salience = 40", "salience = -5"),
        ["salience must be zero or positive", "stances[1].salience", ":26"],
    ),
    (
        "salience_budget.toml",
        GOOD_TOML.replace('id = "t"', 'id = "t"\nsalience_budget = 30'),
        ["saliences sum to 50, over the limit of 30"],
    ),
    (
        "zero_capability.toml",
        GOOD_TOML.replace("capability = 5", "capability = 0"),
        ["capability must be positive", "actors[1].capability", ":10"],
    ),
    (
        "negative_capability.toml",
        GOOD_TOML.replace("capability = 5", "capability = -3"),
        ["capability must be positive", "actors[1].capability"],
    ),
    (
        "nan_capability.toml",
        GOOD_TOML.replace("capability = 5", "capability = nan"),
        ["finite positive number", "actors[1].capability"],
    ),
    (
        "text_capability.toml",
        GOOD_TOML.replace("capability = 5", 'capability = "5"'),
        ["is text", "write it as a number", "actors[1].capability"],
    ),
    (
        "empty.toml",
        "",
        ["the scenario has no actors", "the scenario has no issues"],
    ),
    (
        "single_actor.toml",
        GOOD_TOML.split('[[actors]]\nid = "B"')[0]
        + '[[issues]]\nid = "x"\n\n[[stances]]\nactor = "A"\nissue = "x"\n'
        "position = 20\nsalience = 50\n",
        ["single actor", "at least two"],
    ),
    (
        "unknown_field.toml",
        GOOD_TOML.replace("salience = 40", "salience = 40\nsalinece = 3"),
        ["unknown field", "stances[1].salinece", ":27"],
    ),
    (
        "syntax.toml",
        GOOD_TOML.replace('id = "A"', 'id = "A'),
        ["TOML syntax error", ":5"],
    ),
    (
        "truncated.csv",
        GOOD_CSV.rsplit("\n", 2)[0] + "\n",
        ["declares 2 actors but the file has 1", "truncated"],
    ),
    (
        "ragged.csv",
        GOOD_CSV.replace("B, second, 5, 80, 40, 70, 60,", "B, second, 5, 80, 40, 70"),
        [":4", "has 6 field(s); expected 7"],
    ),
    (
        "ragged_long.csv",
        GOOD_CSV.replace("B, second, 5, 80, 40, 70, 60,", "B, second, 5, 80, 40, 70, 60, 9"),
        [":4", "has 8 values; expected 7"],
    ),
    (
        "semicolons.csv",
        GOOD_CSV.replace(",", ";"),
        [":2", "separated by semicolons", "commas"],
    ),
    (
        "decimal_comma.csv",
        GOOD_CSV.replace("A, first, 10, 20,", "A, first, 10,5, 20,"),
        [":3", "has 8 values; expected 7", "decimal point"],
    ),
    (
        "csv_over_budget.csv",
        GOOD_CSV.replace("80, 40, 70, 60", "80, 70, 70, 60"),
        ["saliences sum to 130, over the limit of 100", ":4"],
    ),
    (
        "csv_zero_capability.csv",
        GOOD_CSV.replace("B, second, 5,", "B, second, 0,"),
        ["capability 0 of actor 'B' is not positive", ":4"],
    ),
    (
        "csv_position_off_scale.csv",
        GOOD_CSV.replace("A, first, 10, 20,", "A, first, 10, 120,"),
        ["position 120 is outside the scale", ":3"],
    ),
    (
        "csv_not_a_number.csv",
        GOOD_CSV.replace("A, first, 10, 20,", "A, first, 10, twenty,"),
        ["position 'twenty' is not a number", ":3"],
    ),
    (
        "csv_empty.csv",
        "\n\n",
        ["the file is empty"],
    ),
    (
        "xml_missing.xml",
        "<Scenario><name>x</name></Scenario>",
        ["<prngSeed> is missing", ":1"],
    ),
    (
        "xml_syntax.xml",
        "<Scenario>\n<name>x</name>\n<desc>\n</Scenario>",
        ["XML syntax error", ":4"],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_library_error_is_located(
    tmp_path: Path, name: str, content: str, expected: list[str]
) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(f)
    message = str(info.value)
    assert str(f) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize(("name", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cli_exits_2_without_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str,
    expected: list[str],
) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert expected[0] in " ".join(err.split())


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["show", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err
    assert "Traceback" not in err


def test_directory_given(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["show", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_latin1_ktab_file_is_read_with_a_warning(tmp_path: Path) -> None:
    f = tmp_path / "latin1.csv"
    f.write_bytes(GOOD_CSV.replace("first", "Müller-Lüdenscheid").encode("latin-1"))
    s = load_scenario(f)
    assert s.actor("A").description == " Müller-Lüdenscheid"
    assert any("not UTF-8" in w for w in s.meta["warnings"])


def test_latin1_toml_is_refused_with_a_fix(tmp_path: Path) -> None:
    f = tmp_path / "latin1.toml"
    f.write_bytes(GOOD_TOML.replace('id = "t"', 'id = "t"\nname = "Türkiye"').encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        load_scenario(f)
    assert "iconv" in str(info.value)
    assert ":3" in str(info.value)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "data.csv"
    f.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match="binary file"):
        load_scenario(f)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    f = tmp_path / "many.toml"
    bad = GOOD_TOML.replace("position = 80", "position = 120").replace('actor = "A"', 'actor = "Z"')
    f.write_text(bad)
    with pytest.raises(InputError) as info:
        load_scenario(f)
    assert len(info.value.problems) == 2
