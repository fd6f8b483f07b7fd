"""Failure classes found by fuzzing the CLI, one regression test each.

Every user mistake exits with code 2 and a message naming the file (and line, for
TOML) or the option, and the fix; nothing the user gave is overwritten without
``--force``; a scenario that ``validate`` accepts runs through ``forecast``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from support import REPO

PARTNERSHIP = REPO / "tests" / "partnership" / "data" / "scenario.toml"

GOOD = """\
[scenario]
id = "t"

[[actors]]
id = "TUR"
capability = 10

[[actors]]
id = "DEU"
capability = 5

[[actors]]
id = "FRA"
capability = 4

[[issues]]
id = "x"
status_quo = 10

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

[[stances]]
actor = "FRA"
issue = "x"
position = 60
salience = 30
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, " ".join(err.split())


def _file(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


# -- data references: problems are located by file and line ----------------------------


@pytest.mark.parametrize(
    ("capability", "expected"),
    [
        ('{ indicator = "nope.indicator" }', "unknown capability indicator 'nope.indicator'"),
        ('{ indicator = "sipri.milex_usd_constant", year = 1810 }', "no data for 1810"),
        ('{ indicator = "gdp", scale = 1e300 }', "times scale 1e+300"),
    ],
)
def test_data_reference_problems_name_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], capability: str, expected: str
) -> None:
    f = _file(tmp_path, GOOD.replace("capability = 5", f"capability = {capability}"))
    code, _, err = _run(capsys, "forecast", f, "--model", "mean")
    assert code == 2
    assert f"{f}:10: actors[1].capability" in err
    assert expected in err
    assert "Fix:" in err


def test_a_bloc_with_unknown_members_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD.replace(
        'id = "DEU"\ncapability = 5',
        'id = "XB"\nkind = "bloc"\nmembers = ["XXX", "QQQ"]\ncapability = "cinc"',
    ).replace('actor = "DEU"', 'actor = "XB"')
    f = _file(tmp_path, text)
    code, _, err = _run(capsys, "show", f)
    assert code == 2
    assert f"{f}:" in err
    assert "XXX, QQQ" in err
    assert "Fix:" in err


# -- models: problems found while running name the file --------------------------------


def test_a_problem_found_by_a_model_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # valid (FRA takes part in no issue), but SMP needs every actor to care about something
    text = GOOD.replace('actor = "FRA"\nissue = "x"\nposition = 60\nsalience = 30', "")
    f = _file(tmp_path, text.replace("[[stances]]\n\n", ""))
    code, out, _ = _run(capsys, "validate", f)
    assert code == 0
    assert "actor 'FRA' has no positive salience" in out  # warned at validation
    code, _, err = _run(capsys, "forecast", f, "--model", "smp")
    assert code == 2
    assert str(f) in err
    assert "FRA" in err and "Fix:" in err


def test_bad_model_table_is_caught_by_validate_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _file(tmp_path, GOOD + '\n[models.smp]\nVotingRule = "Bogus"\n')
    code, _, err = _run(capsys, "validate", f)
    assert code == 2
    assert f"{f}:39: models.smp.VotingRule" in err
    assert "Fix: use one of" in err
    code, _, err = _run(capsys, "forecast", f, "--model", "smp")
    assert code == 2
    assert f"{f}:39: models.smp.VotingRule" in err
    # a model that is not chosen does not care
    assert _run(capsys, "forecast", f, "--model", "mean")[0] == 0


def test_unknown_model_table_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _file(tmp_path, GOOD + "\n[models.smpp]\nVotingRule = 1\n")
    code, out, _ = _run(capsys, "validate", f)
    assert code == 0
    assert "[models.smpp] names no model" in " ".join(out.split())


def test_bad_partnership_table_is_caught_by_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PARTNERSHIP.read_text().replace("horizon = 10", 'horizon = "ten"')
    f = _file(tmp_path, text)
    code, _, err = _run(capsys, "validate", f)
    assert code == 2
    assert str(f) in err and "horizon" in err and "Fix:" in err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('strategies = ["none", "transactional", "integration", "hedged"]', "strategies = 5",
         "partnership.strategies: Input should be a valid list"),
        ("horizon = 10", "horizon = true", "partnership.horizon"),
    ],
    ids=["strategies-number", "horizon-true"],
)  # fmt: skip
def test_wrong_types_in_the_partnership_table_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    text = PARTNERSHIP.read_text()
    assert old in text
    f = _file(tmp_path, text.replace(old, new))
    for cmd in (["validate", f], ["explore", f, "--scenarios", "10", "--out", tmp_path / "x"]):
        code, _, err = _run(capsys, *cmd)
        assert code == 2
        assert expected in err and str(f) in err and "Fix:" in err


def test_ids_and_names_that_look_like_markup_print_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # rich read "[/x]" in an issue id as a closing tag and crashed every table
    text = GOOD.replace('id = "x"', 'id = "[/x]"').replace('issue = "x"', 'issue = "[/x]"')
    text = text.replace('id = "t"', 'id = "t"\nname = "[bold]plan[/bold] [/red]"')
    f = _file(tmp_path, text)
    for cmd in (
        ["show", f],
        ["forecast", f, "-m", "all", "--explain", "TUR"],
        ["forecast", f, "-m", "mean", "--draws", "8", "--threshold", "[/x]=50"],
        ["sweep", f, "--actor", "TUR", "--field", "capability", "--range", "1,2"],
    ):
        code, out, err = _run(capsys, *cmd)
        assert code == 0, err
        assert "[/x]" in out
    assert "[bold]plan[/bold] [/red]" in _run(capsys, "show", f)[1]


# -- options ---------------------------------------------------------------------------


def test_bad_param_value_is_blamed_on_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _file(tmp_path, GOOD)
    code, _, err = _run(capsys, "forecast", f, "--param", "smp.VotingRule=Bogus")
    assert code == 2
    assert "--param smp.VotingRule" in err
    assert str(f) not in err


def test_two_outputs_may_not_be_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _file(tmp_path, GOOD)
    same = tmp_path / "out.json"
    code, _, err = _run(capsys, "forecast", f, "-m", "mean", "--json", same, "--trajectory", same)
    assert code == 2
    assert "two outputs are the same file" in err
    assert not same.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["forecast", "{f}", "-m", "smp", "--param", "StateTransitions=Stochastic", "--seed", "-1"],
        ["explore", "{p}", "--seed", "-1", "--out", "{t}/e"],
        ["explore", "{p}", "--scheduler", "bogus", "--out", "{t}/e"],
        ["explore", "{p}", "--sobol", "-8", "--out", "{t}/e"],
        ["explore", "{p}", "--out", "{f}/sub"],
        ["analyze", "{f}", "-o", "{t}/run", "--draws", "-1"],
    ],
    ids=["negative-seed", "explore-seed", "scheduler", "sobol", "out-under-a-file", "analyze"],
)
def test_bad_options_exit_2_with_a_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    f = _file(tmp_path, GOOD)
    args = [a.format(f=f, p=PARTNERSHIP, t=tmp_path) for a in argv]
    code, _, err = _run(capsys, *args)
    assert code == 2
    assert "Fix:" in err or "Invalid value" in err


# -- nothing the user gave is overwritten without --force ------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "{f}", "--to", "toml", "-o", "{kept}"],
        ["forecast", "{f}", "-m", "mean", "--json", "{kept}"],
        ["forecast", "{f}", "-m", "mean", "--trajectory", "{kept}"],
        [
            "sweep",
            "{f}",
            "--actor",
            "TUR",
            "--field",
            "capability",
            "--range",
            "1,2",
            "--csv",
            "{kept}",
        ],
        ["explore", "{p}", "--scenarios", "10", "--out", "{t}"],
    ],
    ids=["convert", "forecast-json", "forecast-trajectory", "sweep-csv", "explore-out"],
)
def test_existing_outputs_are_kept_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    f = _file(tmp_path, GOOD)
    kept = tmp_path / "summary.json"  # also explore's summary in --out {t}
    kept.write_text("precious")
    args = [a.format(f=f, p=PARTNERSHIP, t=tmp_path, kept=kept) for a in argv]
    code, _, err = _run(capsys, *args)
    assert code == 2
    assert "already exists" in err and "--force" in err
    assert kept.read_text() == "precious"


def test_a_failed_write_keeps_the_old_file_even_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # saliences over KTAB's budget of 100 per actor: the conversion fails after --force
    f = _file(
        tmp_path,
        GOOD.replace("salience = 50", "salience = 50\n").replace(
            '[[issues]]\nid = "x"', '[[issues]]\nid = "x"\n\n[[issues]]\nid = "y"'
        )
        + '\n[[stances]]\nactor = "TUR"\nissue = "y"\nposition = 1\nsalience = 90\n',
    )
    kept = tmp_path / "kept.csv"
    kept.write_text("precious")
    code, _, err = _run(capsys, "convert", f, "--to", "ktab-csv", "-o", kept, "--force")
    assert code == 2
    assert "at most 100 per actor" in err and str(f) in err
    assert kept.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv", "s.toml"]


# -- a scenario that validates runs through forecast -----------------------------------

EDGES = {
    "all saliences zero on an issue": GOOD.replace("salience = 50", "salience = 0")
    .replace("salience = 40", "salience = 0")
    .replace("salience = 30", "salience = 0")
    + '\n[[issues]]\nid = "y"\n\n[[stances]]\nactor = "TUR"\nissue = "y"\nposition = 5\n'
    'salience = 10\n\n[[stances]]\nactor = "DEU"\nissue = "y"\nposition = 9\n'
    'salience = 10\n\n[[stances]]\nactor = "FRA"\nissue = "y"\nposition = 7\nsalience = 10\n',
    "all positions equal": GOOD.replace("position = 20", "position = 60").replace(
        "position = 80", "position = 60"
    ),
    "one actor has a stance": GOOD.replace(
        'actor = "DEU"\nissue = "x"\nposition = 80\nsalience = 40',
        'actor = "DEU"\nissue = "x"\nposition = 80\nsalience = 0',
    ),
    "enormous capability ratio": GOOD.replace("capability = 10", "capability = 1e30").replace(
        "capability = 5", "capability = 1e-30"
    ),
    "position at the end of the scale": GOOD.replace("position = 80", "position = 100.00000001"),
    "no status quo": GOOD.replace("status_quo = 10\n", ""),
}


@pytest.mark.parametrize("text", EDGES.values(), ids=list(EDGES))
def test_what_validates_also_forecasts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    f = _file(tmp_path, text)
    assert _run(capsys, "validate", f)[0] == 0
    out_json = tmp_path / "f.json"
    code, _, err = _run(capsys, "forecast", f, "--model", "all", "--json", out_json)
    assert code in (0, 2), err
    if code == 2:
        assert str(f) in err and "Fix:" in err
    else:
        doc = json.loads(out_json.read_text())
        assert set(doc["models"]) == {"mean", "median", "nbs", "eum", "smp", "exchange"}


# -- a genuine internal error stays exit 1 ---------------------------------------------


def test_a_bug_is_exit_1_with_a_short_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.scenario

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    # the command imports the reader when it runs (the CLI imports no library up front)
    monkeypatch.setattr(detente.scenario, "load_scenarios", broken)
    code, _, err = _run(capsys, "validate", _file(tmp_path, GOOD))
    assert code == 1
    assert "internal error: RuntimeError: boom" in err
    assert "DETENTE_DEBUG=1" in err


def test_convert_refuses_what_validate_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PARTNERSHIP.read_text().replace("horizon = 10", "horizon = inf")
    f = _file(tmp_path, text)
    out = tmp_path / "o.toml"
    code, _, err = _run(capsys, "convert", f, "--to", "toml", "-o", out)
    assert code == 2
    assert "partnership.horizon" in err and str(f) in err
    assert not out.exists()


def test_a_utf16_toml_file_runs_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the [partnership] checks re-read the file as UTF-8 (UnicodeDecodeError, exit 1)
    f = tmp_path / "u16.toml"
    f.write_bytes(PARTNERSHIP.read_text().encode("utf-16"))
    assert _run(capsys, "validate", f)[0] == 0
    assert _run(capsys, "convert", f, "--to", "toml", "-o", tmp_path / "o.toml")[0] == 0
    code, _, err = _run(
        capsys, "explore", f, "--scenarios", "8", "--sobol", "0", "--prim-points", "0", "-q",
        "--out", tmp_path / "x",
    )  # fmt: skip
    assert code == 0, err
