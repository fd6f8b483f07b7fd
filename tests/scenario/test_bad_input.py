"""Every kind of bad input gets a located message with a fix, and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import InputError
from detente.scenario import Scenario, dumps, load_scenario, load_scenarios, scenario_warnings

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

GOOD_DEU = (
    "prnr\tprname\tisnr\tpcom\tpde\tpfr\tscom\tsde\tsfr\trp\tout\n"
    '"p1"\t"one"\t"p1i1"\t100\t0\t50\t80\t50\t60\t0\t40\n'
    '"p2"\t"two"\t"p2i1"\t30\t60\t90\t40\t40\t40\t\t60\n'
)

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
    # found by fuzzing: numbers the models cannot compute with (SMP divided by zero)
    (
        "tiny_salience.toml",
        GOOD_TOML.replace("salience = 40", "salience = 1e-300"),
        ["positive but negligible", "stances[1].salience", ":26", "use 0"],
    ),
    (
        "huge_salience_max.toml",
        GOOD_TOML.replace('id = "t"', 'id = "t"\nsalience_max = 1e300'),
        ["every salience is below", "salience_max", ":3"],
    ),
    (
        "capability_out_of_range.toml",
        GOOD_TOML.replace("capability = 5", "capability = 1e31"),
        ["outside 1e-30-1e+30", "actors[1].capability", ":10", "rescale"],
    ),
    (
        "capability_huge_integer.toml",
        GOOD_TOML.replace("capability = 5", "capability = " + "9" * 400),
        ["finite positive number", "actors[1].capability", "characters)"],
    ),
    (
        "scale_too_wide.toml",
        GOOD_TOML.replace("max = 100 }", "max = 1.7e308 }").replace("min = 0,", "min = -1.7e308,"),
        ["too wide to compute with", "issues[0].scale"],
    ),
    (
        "accommodation_out_of_range.toml",
        GOOD_TOML + '\n[[accommodation]]\nactor = "A"\ntowards = "B"\nadjust = 2\n',
        ["ideal adjustment 2 is outside [0, 1]", "accommodation[0].adjust", ":31"],
    ),
    (
        "deu_column_twice.csv",
        GOOD_DEU.replace("\tpfr\t", "\tpcom\t", 1),
        ["the header names the column(s) ['pcom'] twice", ":1"],
    ),
    (
        "deu_without_out.csv",
        GOOD_DEU.replace("\tout\n", "\n", 1),
        ["lacks the DEU column(s) ['out']", ":1"],
    ),
    (
        "deu_row_without_isnr.csv",
        GOOD_DEU.replace('"p2i1"', ""),
        ["a row without isnr", ":3", "isnr"],
    ),
    (
        "control_character.toml",
        GOOD_TOML.replace('id = "t"', 'id = "t"\nname = "a\\u0000b"'),
        ["control character U+0000", "name", ":3", "remove it"],
    ),
    (
        "salience_range_off_the_scale.toml",
        GOOD_TOML.replace("salience = 40", "salience = 40\nsalience_uncertainty = [0, 500]"),
        ["range [0, 500] leaves the salience scale, [0, 100]", "stances[1].salience_uncertainty"],
    ),
    (
        "negative_capability_range.toml",
        GOOD_TOML.replace("capability = 5", "capability = 5\ncapability_uncertainty = [-1, 9]"),
        ["range [-1, 9] leaves the capabilities", "actors[1].capability_uncertainty", ":11"],
    ),
    (
        "true_as_position.toml",
        GOOD_TOML.replace("position = 80", "position = true"),
        ["true is a true/false value, not a number", "stances[1].position", ":25"],
    ),
    (
        "accommodation_over_one.toml",
        GOOD_TOML + '\n[[accommodation]]\nactor = "A"\ntowards = "B"\nadjust = 0.5\n',
        ["rates of 'A' sum to 1.5, above 1", "accommodation[0]", ":28", "lower its own rate"],
    ),
    (
        "xml_adjustment_of_a_shared_name.xml",
        "<Scenario><name>x</name><prngSeed>1</prngSeed><Dimensions><dName>d</dName>"
        "</Dimensions><Actors>\n"
        + "<Actor><name>A</name><capability>1</capability><Position><dCoord>1</dCoord>"
        "</Position><Salience><dSal>1</dSal></Salience></Actor>\n"
        * 2
        + "</Actors><IdealAdjustment>\n<iaPair><adjustingIdeal>A</adjustingIdeal>"
        "<referencePos>A</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment>"
        "</Scenario>",
        ["two actors are named 'A' (lines 2, 3)", ":3", "by name"],
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
    for problem in info.value.problems:  # every problem names its file and its fix
        assert problem.file == str(f)
        assert problem.fix, f"no fix for {problem}"


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


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "u16.csv"
    f.write_bytes(GOOD_CSV.encode(encoding))
    assert [st.position for st in load_scenario(f).stances] == [20, 30, 80, 70]


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


# -- readers: inputs that must be read, not refused ------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_ktab_csv_with_old_mac_or_windows_line_ends_is_read(tmp_path: Path, newline: str) -> None:
    f = tmp_path / "cr.csv"
    f.write_bytes(GOOD_CSV.replace("\n", newline).encode())
    ref = tmp_path / "lf.csv"
    ref.write_text(GOOD_CSV)
    assert load_scenario(f).stances == load_scenario(ref).stances


def test_ktab_names_that_are_not_valid_ids_become_ids(tmp_path: Path) -> None:
    long = "x" * 300
    f = tmp_path / "names.csv"
    f.write_text(
        GOOD_CSV.replace("A, first", '"A\tB, or C", first').replace("B, second", f"{long},2")
    )
    s = load_scenario(f)
    assert s.actors[0].name == "A\tB, or C"  # the name is kept verbatim
    assert s.actors[0].id == "A_B_ or C"
    assert len(s.actors[1].id) <= 80 and s.actors[1].name == long
    assert [st.actor for st in s.stances] == [s.actors[0].id] * 2 + [s.actors[1].id] * 2


def test_a_rounding_error_past_the_scale_is_snapped_onto_it(tmp_path: Path) -> None:
    f = tmp_path / "edge.csv"
    f.write_text(GOOD_CSV.replace("A, first, 10, 20,", "A, first, 10, 100.0000001,"))
    s = load_scenario(f)
    assert s.stances[0].position == 100.0
    off = tmp_path / "off.csv"
    off.write_text(GOOD_CSV.replace("A, first, 10, 20,", "A, first, 10, 100.001,"))
    with pytest.raises(InputError, match="outside the scale"):
        load_scenario(off)


def test_toml_writer_keeps_non_finite_numbers_of_free_tables(tmp_path: Path) -> None:
    src = GOOD_TOML + "\n[partnership]\nhorizon = inf\nstart = 2024-01-01\n"
    s = load_scenario(_write(tmp_path / "a.toml", src))
    back = load_scenario(_write(tmp_path / "b.toml", dumps(s, "toml")))
    assert back.partnership is not None
    assert back.partnership["horizon"] == float("inf")
    assert str(back.partnership["start"]) == "2024-01-01"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_warnings_name_degenerate_issues_and_actors() -> None:
    s = Scenario.model_validate(
        {
            "actors": [{"id": a, "capability": 1} for a in "ABC"],
            "issues": [{"id": "x"}, {"id": "y"}, {"id": "z"}],
            "stances": [
                {"actor": "A", "issue": "x", "position": 10, "salience": 0},
                {"actor": "B", "issue": "x", "position": 90, "salience": 0},
                {"actor": "A", "issue": "y", "position": 10, "salience": 50},
                {"actor": "B", "issue": "z", "position": 10, "salience": 50},
                {"actor": "A", "issue": "z", "position": 20, "salience": 50},
            ],
        }
    )
    text = " | ".join(scenario_warnings(s))
    assert "every salience on issue 'x' is 0" in text
    assert "only 'A' takes a position on issue 'y'" in text
    assert "actor 'C' has no positive salience" in text
    assert "'z'" not in text


def test_every_format_written_reads_back_when_names_hold_tabs_and_line_breaks(
    tmp_path: Path,
) -> None:
    text = GOOD_TOML.replace('id = "t"', 'id = "t"\nname = "two\\nlines\\tand a tab"')
    text = text.replace('id = "A"', 'id = "A"\nname = "A\\r\\nB"')
    s = load_scenario(_write(tmp_path / "a.toml", text))
    for fmt, suffix in (
        ("toml", ".toml"),
        ("ktab-csv", ".csv"),
        ("ktab-xml", ".xml"),
        ("deu", ".csv"),
    ):
        back = load_scenarios(_write(tmp_path / f"b_{fmt}{suffix}", dumps(s, fmt)))
        assert [st.position for st in back[0].stances] == [st.position for st in s.stances]


def test_actors_sharing_a_name_in_a_ktab_csv_are_refused_naming_both_lines(
    tmp_path: Path,
) -> None:
    # it used to be read silently, the second copy renamed A_2 (issue 13)
    f = _write(tmp_path / "dup.csv", GOOD_CSV.replace("B, second", "A, second"))
    with pytest.raises(InputError, match=r"two actors are named 'A' \(lines 3, 4\)") as info:
        load_scenario(f)
    assert info.value.problems[0].line == 4


def test_actors_sharing_a_name_in_toml_are_written_to_ktab_readable(tmp_path: Path) -> None:
    # TOML tells actors apart by id; KTAB only by name, so shared names are written as ids
    text = GOOD_TOML.replace('id = "B"', 'id = "B"\nname = "A"')
    s = load_scenario(_write(tmp_path / "dup.toml", text))
    assert [a.name for a in s.actors][:2] == ["A", "A"]
    for fmt, suffix in (("ktab-csv", ".csv"), ("ktab-xml", ".xml")):
        back = load_scenario(_write(tmp_path / f"dup_{fmt}{suffix}", dumps(s, fmt)))
        assert [a.id for a in back.actors][:2] == ["A", "B"]
        assert [st.position for st in back.stances] == [st.position for st in s.stances]


def test_ktab_xml_writer_refuses_saliences_over_the_budget_as_the_csv_writer_does() -> None:
    s = Scenario.model_validate(
        {
            "actors": [{"id": a, "capability": 1} for a in "AB"],
            "issues": [{"id": "x"}, {"id": "y"}],
            "stances": [
                {"actor": a, "issue": i, "position": 50, "salience": 80} for a in "AB" for i in "xy"
            ],
        }
    )
    for fmt in ("ktab-csv", "ktab-xml"):
        with pytest.raises(InputError, match="saliences sum to 160 on a 0-100 scale"):
            dumps(s, fmt)


def test_ktab_xml_with_a_second_byte_order_mark_and_an_odd_declared_encoding(
    tmp_path: Path,
) -> None:
    # the declaration hidden behind U+FEFF reached expat: LookupError, exit 1
    xml = (
        '<?xml version="1.0" encoding="UTF-true"?>\n<Scenario><name>x</name>'
        "<prngSeed>1</prngSeed><Dimensions><dName>d</dName></Dimensions><Actors>"
        + "".join(
            f"<Actor><name>{a}</name><capability>1</capability><Position><dCoord>{p}"
            "</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
            for a, p in (("A", 10), ("B", 90))
        )
        + "</Actors></Scenario>"
    )
    f = tmp_path / "bom.xml"
    f.write_bytes(("\ufeff" + xml).encode("utf-16"))
    assert [st.position for st in load_scenario(f).stances] == [10, 90]
