"""The [partnership] table: defaults, overrides and clear errors."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.explore import Constant, Triangular, Uniform
from detente.partnership import LEVERS, UNCERTAINTIES, load_config, make_model, read_config
from detente.partnership.parameters import build


def test_every_parameter_is_documented(repo_dir) -> None:
    doc = (repo_dir / "docs" / "models" / "partnership.md").read_text()
    for spec in (*UNCERTAINTIES, *LEVERS):
        assert spec.low <= spec.nominal <= spec.high
        assert len(spec.source) > 10
        assert f"`{spec.name}`" in doc


def test_defaults_and_overrides(repo_dir) -> None:
    cfg = read_config(repo_dir / "tests" / "partnership" / "data" / "scenario.toml")
    uncs, _, strategies, _ = build(cfg)
    by = {u.name: u for u in uncs}
    assert by["rearm_rate"] == Uniform("rearm_rate", 0.0, 0.05)
    assert isinstance(by["turkey_discount"], Triangular)
    assert by["us_drawdown_rate"] == Constant("us_drawdown_rate", 0.1)
    assert by["trust0"] == Uniform("trust0", 0.15, 0.40)
    assert strategies[2].levers["integration_upfront"] == 0.5
    assert cfg.horizon == 10 and cfg.seed == 7
    model, _ = make_model(cfg)
    assert model.outcome("unmet_need").threshold == 2.0


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"uncertainties": {"rearm_rate": {"low": 0.1, "high": 0.0}}}, "inverted"),
        ({"uncertainties": {"rearm_rat": [0, 1]}}, "did you mean 'rearm_rate'"),
        (
            {"uncertainties": {"turkey_discount": {"distribution": "triangular", "mode": 2.0}}},
            "mode",
        ),
        (
            {"uncertainties": {"trust0": {"distribution": "normal", "sd": -1.0}}},
            "standard deviation",
        ),
        ({"uncertainties": {"trust0": {"distribution": "normal"}}}, "needs sd"),
        (
            {"uncertainties": {"trust0": {"distribution": "uniform", "mode": 0.3}}},
            "not an argument",
        ),
        ({"uncertainties": {"trust0": {"distribution": "beta"}}}, "uniform"),
        ({"uncertainties": {"trust0": {"value": 0.3, "low": 0.1}}}, "fixed value"),
        ({"uncertainties": {"integration_upfront": [0, 1]}}, "lever"),
        ({"levers": {"integration_upfront": 5.0}}, "outside its range"),
        ({"levers": {"hedge_treshold": 0.5}}, "hedge_trust_threshold"),
        ({"thresholds": {"unmet_ned": 1.0}}, "unmet_need"),
        ({"strategies": ["integraton"]}, "integration"),
        ({"horizn": 10}, "horizon"),
        ({"rearm_rate": [0, 1]}, "partnership.uncertainties"),
        ({"horizon": 0}, "greater than or equal"),
        ({"outcome": "payoff"}, "unknown outcome"),
    ],
)
def test_bad_tables_raise_input_error(table: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        build(load_config(table, file="x.toml"))


def _scenario(repo_dir, tmp_path, partnership: str):
    """A valid scenario file with the given [partnership] text; its first line number."""
    base = (repo_dir / "tests" / "partnership" / "data" / "base.toml").read_text()
    f = tmp_path / "s.toml"
    f.write_text(base + "\n" + partnership)
    return f, base.count("\n") + 2


def test_error_names_line(repo_dir, tmp_path) -> None:
    f, first = _scenario(
        repo_dir,
        tmp_path,
        "[partnership]\n\n[partnership.uncertainties]\nrearm_rate = [0.2, 0.1]\n",
    )
    with pytest.raises(InputError) as err:
        read_config(f)
    assert f"s.toml:{first + 3}" in str(err.value)
    assert "swap" in str(err.value)


def test_whole_scenario_is_validated_with_lines(repo_dir, tmp_path) -> None:
    # a stance naming an unknown actor: the scenario loader's error, with its line,
    # reported together with the [partnership] table's own error and line
    f, first = _scenario(
        repo_dir,
        tmp_path,
        '[[stances]]\nactor = "RUS"\nissue = "deal"\nposition = 10\nsalience = 20\n\n'
        "[partnership]\nhorizn = 5\n",
    )
    with pytest.raises(InputError) as err:
        read_config(f)
    text = str(err.value)
    assert "RUS" in text and f"s.toml:{first + 1}" in text
    assert "horizon" in text and f"s.toml:{first + 7}" in text
    # a valid scenario and table load; a table-only file is not a scenario
    f.write_text("[partnership]\nhorizon = 5\n")
    with pytest.raises(InputError, match="no actors"):
        read_config(f)


def test_missing_table_and_bad_toml(repo_dir, tmp_path) -> None:
    f, _ = _scenario(repo_dir, tmp_path, "")
    with pytest.raises(InputError, match="no \\[partnership\\]"):
        read_config(f)
    f.write_text("[partnership\nhorizon = 3\n")
    with pytest.raises(InputError, match="TOML") as err:
        read_config(f)
    assert "s.toml:1" in str(err.value)
    f.write_text("partnership = 3\n")
    with pytest.raises(InputError):
        read_config(f)
    with pytest.raises(InputError, match="file not found"):
        read_config(tmp_path / "missing.toml")


def test_flagship_example_parses(repo_dir) -> None:
    cfg = read_config(repo_dir / "examples" / "europe_turkey.toml")
    assert cfg.horizon == 15
    assert set(cfg.uncertainties) == {s.name for s in UNCERTAINTIES}
