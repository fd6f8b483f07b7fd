"""decide's input format, per-issue power, and the exchange model on the CLI."""

from __future__ import annotations

import pytest

from detente.bargaining import forecast
from detente.cli import main
from detente.errors import InputError
from detente.scenario import Format, detect_format, dumps, load_scenario
from support import shared_path

CASES = ["sample_data/sample_data.txt", "copenhagen/copenhagen.csv", "cop21/cop21.csv"]


@pytest.mark.parametrize("name", CASES)
def test_reads_and_round_trips_decides_inputs(name: str, tmp_path) -> None:
    path = shared_path("reference", "decide", name)
    assert detect_format(path) is Format.DECIDE
    s = load_scenario(path)
    assert s.salience_max == 1.0
    out = tmp_path / "back.csv"
    out.write_text(dumps(s, "decide"))
    assert detect_format(out) is Format.DECIDE
    back = load_scenario(out)
    skip = {"id", "name", "meta"}
    assert back.model_dump(exclude=skip) == s.model_dump(exclude=skip)


def test_missing_rows_and_bounds() -> None:
    s = load_scenario(shared_path("reference", "decide", "cop21", "cop21.csv"))
    assert len(s.stances) == 15 * 13 - 14
    sd = load_scenario(shared_path("reference", "decide", "sample_data", "sample_data.txt"))
    hoogte = sd.issue("tol-hoogte")
    assert (hoogte.scale.min, hoogte.scale.max) == (0.5, 7.0)


def test_per_issue_power_is_kept_and_used(tmp_path) -> None:
    text = (
        "#A;a;A;\n#A;b;B;\n#A;c;C;\n#P;p;P;\n#P;q;Q;\n"
        "#D;a;p;10;0.5;1.0\n#D;a;q;90;0.5;3.0\n#D;b;p;90;0.5;1.0\n#D;b;q;10;0.5;1.0\n"
        "#D;c;p;50;0.5;1.0\n"
    )
    f = tmp_path / "three.csv"
    f.write_text(text)
    s = load_scenario(f)
    assert s.stance("a", "q").capability == 3.0  # type: ignore[union-attr]
    assert s.stance("a", "p").capability is None  # type: ignore[union-attr]
    mean = forecast(s, "mean").outcome_by_issue()
    # q: (90*0.5*3 + 10*0.5*1) / (0.5*3 + 0.5*1) = 70
    assert mean["q"] == pytest.approx(70.0)
    with pytest.raises(InputError, match="one capability per actor"):
        forecast(s, "smp")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("#A;a;A;\n#P;p;P;\n#D;a;x;10;0.5;1\n", "unknown issue"),
        ("#A;a;A;\n#P;p;P;\n#D;a;p;10;5;1\n", "outside 0-1"),
        ("#A;a;A;\n#P;p;P;\n#M;p;0;\n#M;p;10;\n#D;a;p;50;0.5;1\n", "outside issue"),
        ("#A;a;A;\n#P;p;P;\n#D;a;p;1,5;0.5;1\n", "not a number"),
        ("#A;a;A;\n#P;p;P;\n#D;a;p;10;0.5;1\n#D;a;p;20;0.5;1\n", "second #D row"),
        ("#A;a;A;\n#X;p;P;\n", "unknown row key"),
    ],
)
def test_bad_decide_input_is_exit_2_with_line_and_fix(
    tmp_path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    assert main(["show", str(f)]) == 2
    err = capsys.readouterr().err
    assert where in err and "Fix:" in err and "bad.csv:" in err


def test_cli_trajectory_and_exchanges_in_decides_columns(tmp_path) -> None:
    src = shared_path("reference", "decide", "sample_data", "sample_data.txt")
    traj, ex = tmp_path / "t.csv", tmp_path / "x.csv"
    args = ["forecast", str(src), "--model", "exchange", "--param", "rounds=2"]
    assert main([*args, "--trajectory", str(traj), "--exchanges", str(ex)]) == 0
    assert traj.read_text().splitlines()[0] == "model,round,actor,issue,start,voting"
    head = ex.read_text().splitlines()[0].split(",")
    assert head[:5] == ["round", "seq", "gain", "i_actor", "i_supply_issue"]
    assert main([*args, "--trajectory", str(traj)]) == 2  # no overwrite without --force
