"""``detente deals``: output, schema of --json and --csv, exit codes for bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from detente.cli import main
from support import DEALS_STANCES, REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"

SMALL = (
    """\
[scenario]
id = "small"

[[actors]]
id = "A"
capability = 1
group = "West"

[[actors]]
id = "B"
capability = 1
group = "East"

[[actors]]
id = "C"
capability = 1
group = "Other"

[[issues]]
id = "p"
[issues.anchors]
0 = "p nothing"
100 = "p everything"

"""
    + DEALS_STANCES
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small(tmp_path: Path) -> Path:
    f = tmp_path / "small.toml"
    f.write_text(SMALL, encoding="utf-8")
    return f


def test_small_case_table_json_and_csv(small: Path, tmp_path: Path, capsys) -> None:
    j, c = tmp_path / "deals.json", tmp_path / "deals.csv"
    code, out, err = _run(
        capsys, "deals", small, "--draws", "50", "--seed", "3", "--json", j, "--csv", c
    )
    assert code == 0, err
    assert "A  q  0 → 100" in out and "B  p  100 → 23.53" in out
    assert "to ≈ p nothing" in out  # the nearest anchor of B's new position on p
    doc = json.loads(j.read_text())
    assert doc["schema"] == "detente.deals/1"
    assert doc["scenario"] == "small"
    model = doc["model"]
    assert model["arithmetic"] in {"float", "settled", "decimal"}  # a near-tie: A's full move
    assert {k: v for k, v in model.items() if k != "arithmetic"} == {
        "name": "exchange",
        "round": 1,
        "params": {"variant": "equal_gain", "p": 0.5, "rules": "decide"},
    }
    assert doc["between"] is None and doc["draws"] == 50 and doc["seed"] == 3
    (deal,) = doc["deals"]
    assert set(deal) == {"deal", "mutual", "a", "b", "robust", "rivals"}
    assert deal["mutual"] is True
    assert set(deal["a"]) == {
        "actor",
        "issue",
        "from",
        "to",
        "from_anchor",
        "to_anchor",
        "shift",
        "gain",
    }
    assert deal["a"]["gain"] == pytest.approx(12 / 1.7)
    assert deal["b"]["to_anchor"] == "p nothing"
    assert deal["a"]["to_anchor"] == ""  # q has no anchors
    assert set(deal["robust"]) == {
        "holds", "executed", "a_gain_p05", "a_gain_p50", "a_gain_p95",
        "b_gain_p05", "b_gain_p50", "b_gain_p95", "point_only",
    }  # fmt: skip
    assert [r["partner"] for r in deal["rivals"]] == ["A", "B"]
    assert deal["rivals"][0]["rival"] == "C" and deal["rivals"][1]["rival"] is None
    pkg = doc["package"]
    assert set(pkg) == {"issues", "sides", "actors", "mutually_beneficial", "holds", "overlap"}
    assert [i["issue"] for i in pkg["issues"]] == ["p", "q"]
    assert {s["side"] for s in pkg["sides"]} == {"A", "B"}
    assert 0 <= pkg["holds"] <= 1
    rows = list(csv.DictReader(c.open()))
    assert len(rows) == 1
    assert rows[0]["a_actor"] == "A" and rows[0]["a_rival"] == "C"
    for col in ("holds", "point_only", "a_margin", "b_outbid", "a_from_anchor"):
        assert col in rows[0]


def test_between_restricts_and_groups(small: Path, tmp_path: Path, capsys) -> None:
    j = tmp_path / "d.json"
    code, _out, err = _run(capsys, "deals", small, "--between", "West", "Other", "--json", j)
    assert code == 0, err
    doc = json.loads(j.read_text())
    assert doc["between"]["from"] == "--between"
    assert [s["members"] for s in doc["between"]["sides"]] == [["A"], ["C"]]
    assert [(d["a"]["actor"], d["b"]["actor"]) for d in doc["deals"]] == [("A", "C")]
    # B is the rival for A (C's deal): outside the other side
    assert doc["deals"][0]["rivals"][0]["rival"] == "B"


def test_scenario_deals_table_is_the_default(tmp_path: Path, capsys) -> None:
    f = tmp_path / "s.toml"
    f.write_text(SMALL + '\n[deals]\nbetween = ["West", "Other"]\n', encoding="utf-8")
    j = tmp_path / "d.json"
    code, out, err = _run(capsys, "deals", f, "--json", j)
    assert code == 0, err
    assert "Sides from the scenario's [deals] table" in out
    assert json.loads(j.read_text())["between"]["from"] == "[deals]"
    code, out, err = _run(capsys, "deals", f, "--all-pairs", "--json", j, "--force")
    assert code == 0, err
    assert json.loads(j.read_text())["between"] is None


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--between", "Wset", "East"], "did you mean 'West'"),
        (["--between", "West", "A"], "share A"),
        (["--between", "West", "East", "--all-pairs"], "--all-pairs"),
        (["--between", "West"], "--between"),
        (["--draws", "-1"], "--draws"),
        (["--draws", "100001"], "--draws"),
        (["--param", "variant=swap"], "--param"),
        (["--param", "bogus=1"], "--param"),
        (["--param", "novalue"], "--param"),
    ],
)
def test_bad_options_exit_2(small: Path, capsys, argv: list[str], needle: str) -> None:
    code, _out, err = _run(capsys, "deals", small, *argv)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_bad_deals_table_exit_2_with_line(tmp_path: Path, capsys) -> None:
    f = tmp_path / "s.toml"
    text = SMALL + '\n[deals]\nbetween = ["West", "Nowhere"]\n'
    f.write_text(text, encoding="utf-8")
    code, _out, err = _run(capsys, "deals", f)
    assert code == 2
    line = text.splitlines().index('between = ["West", "Nowhere"]') + 1
    assert f"{f}:{line}" in err and "deals.between" in err and "Nowhere" in err
    f.write_text(SMALL + '\n[deals]\nbetween = "West"\n', encoding="utf-8")
    code, _out, err = _run(capsys, "deals", f)
    assert code == 2 and "two sides" in err


def test_outputs_are_not_overwritten_without_force(small: Path, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "d.csv"
    out_file.write_text("mine")
    code, _, err = _run(capsys, "deals", small, "--csv", out_file)
    assert code == 2 and "--force" in err
    assert out_file.read_text() == "mine"
    code, _, err = _run(capsys, "deals", small, "--csv", small, "--force")
    assert code == 2 and "input" in err
    code, _, err = _run(capsys, "deals", small, "--csv", out_file, "--force")
    assert code == 0, err
    assert out_file.read_text().startswith("deal,a_actor")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_no_deal_is_said_plainly(tmp_path: Path, capsys) -> None:
    f = tmp_path / "one.toml"
    f.write_text(
        "[scenario]\nid = 'one'\n[[actors]]\nid = 'A'\ncapability = 1\n[[actors]]\nid = 'B'\n"
        "capability = 1\n[[issues]]\nid = 'p'\n[[stances]]\nactor = 'A'\nissue = 'p'\n"
        "position = 0\nsalience = 50\n[[stances]]\nactor = 'B'\nissue = 'p'\nposition = 100\n"
        "salience = 50\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "deals", f, "--draws", "10")
    assert code == 0, err
    assert "needs two issues" in out
    # two issues, both actors on the same side of both forecasts: nothing to trade
    g = tmp_path / "same.toml"
    g.write_text(SMALL.replace("position = 100", "position = 0"), encoding="utf-8")
    code, out, err = _run(capsys, "deals", g)
    assert code == 0, err
    assert "finds no mutually beneficial exchange" in out


def test_example_between_europe_and_turkey(tmp_path: Path, capsys) -> None:
    j = tmp_path / "d.json"
    code, out, err = _run(capsys, "deals", EXAMPLE, "--between", "Europe", "Türkiye", "--json", j)
    assert code == 0, err
    doc = json.loads(j.read_text())
    assert doc["between"]["sides"][1] == {"name": "Türkiye", "members": ["TUR"]}
    assert len(doc["deals"]) == 8
    assert "RUS outbids for TUR" in out


def test_validate_checks_the_deals_table(tmp_path: Path, capsys) -> None:
    f = tmp_path / "s.toml"
    f.write_text(SMALL + '\n[deals]\nbetween = ["West", "Esat"]\n', encoding="utf-8")
    code, _out, err = _run(capsys, "validate", f)
    assert code == 2
    assert "deals.between" in err and "'East'" in err
    f.write_text(SMALL + '\n[deals]\nbetween = ["West", "East"]\n', encoding="utf-8")
    code, _out, err = _run(capsys, "validate", f)
    assert code == 0, err


def test_same_seed_same_bytes(small: Path, tmp_path: Path, capsys) -> None:
    outs = []
    for k, seed in enumerate((7, 7, 8)):
        j = tmp_path / f"d{k}.json"
        code, _out, err = _run(capsys, "deals", small, "--draws", "64", "--seed", seed, "--json", j)
        assert code == 0, err
        outs.append(j.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]  # the draws differ with the seed
