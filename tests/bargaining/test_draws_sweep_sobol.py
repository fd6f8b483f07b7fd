"""Batched draws, intervals and thresholds; one-at-a-time sweeps; Sobol indices of forecasts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import detente.bargaining.api as api
import detente.bargaining.sweeps as sweep_mod
from detente.bargaining import (
    forecast,
    forecast_draws,
    forecast_sobol,
    sample_inputs,
    summarize,
    sweep,
)
from detente.bargaining.draws import Threshold, exceedance, merge_notes, parse_threshold
from detente.bargaining.sweeps import parse_range
from detente.errors import InputError
from detente.scenario import Scenario, Uncertainty

from .test_uncertainty import small


def test_draws_chunked_in_one_or_two_processes_are_identical() -> None:
    sc = small(pos_unc={"sd": 15}, sal_unc=[30, 90], cap_unc={"sd": 0.5})
    draws = sample_inputs(sc, 50, seed=2)
    models = ["mean", "eum", "smp"]
    one = forecast_draws(sc, models, draws, seed=4, chunk_size=16)
    again = forecast_draws(sc, models, draws, seed=4, chunk_size=16)
    two = forecast_draws(sc, models, draws, seed=4, chunk_size=16, workers=2)
    whole = forecast_draws(sc, models, draws, seed=4, chunk_size=1000)
    for m in models:
        assert one.outcomes[m].shape == (50, 2)
        assert np.array_equal(one.outcomes[m], again.outcomes[m])
        assert np.array_equal(one.outcomes[m], two.outcomes[m])
        # deterministic models do not depend on the chunking either
        assert np.array_equal(one.outcomes[m], whole.outcomes[m])
    # replicate by replicate, a deterministic model's draw is its point forecast there
    for r in (0, 17, 49):
        point = forecast(draws.replicate(r), "eum").outcome
        assert np.array_equal(one.outcomes["eum"][r], point)


def test_stochastic_smp_draws_are_seeded_per_chunk() -> None:
    sc = small(pos_unc={"sd": 15})
    draws = sample_inputs(sc, 12, seed=2)
    kw: dict[str, Any] = {"params": {"smp": {"StateTransitions": "Stochastic"}}, "chunk_size": 4}
    a = forecast_draws(sc, ["smp"], draws, seed=1, **kw).outcomes["smp"]
    b = forecast_draws(sc, ["smp"], draws, seed=1, **kw).outcomes["smp"]
    c = forecast_draws(sc, ["smp"], draws, seed=2, **kw).outcomes["smp"]
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_forecast_draws_rejects_bad_arguments() -> None:
    sc = small(pos_unc={"sd": 15})
    draws = sample_inputs(sc, 4, seed=0)
    with pytest.raises(InputError, match="workers"):
        forecast_draws(sc, ["mean"], draws, workers=0)
    with pytest.raises(InputError, match="unknown model"):
        forecast_draws(sc, ["meen"], draws)
    two_actors = sample_inputs(
        Scenario(
            id="z",
            actors=[{"id": "P", "capability": 1}, {"id": "Q", "capability": 1}],
            issues=[{"id": "x"}],
            stances=[
                {"actor": "P", "issue": "x", "position": 1, "salience": 1},
                {"actor": "Q", "issue": "x", "position": 9, "salience": 1},
            ],
        ),
        3,
        seed=0,
    )
    with pytest.raises(InputError, match="differ"):
        forecast_draws(sc, ["mean"], two_actors)


def test_summarize_by_hand() -> None:
    y = np.c_[np.arange(101.0), np.full(101, np.nan)]
    s = summarize(y, levels=(0.5, 0.8))
    assert s[0].median == 50 and s[0].n == 101
    assert s[0].intervals[0.5] == (25.0, 75.0) and s[0].intervals[0.8] == (10.0, 90.0)
    assert math.isnan(s[1].median) and s[1].n == 0
    with pytest.raises(InputError):
        summarize(y, levels=(1.5,))


def test_thresholds_sides_and_probabilities() -> None:
    sc = small()  # issue x has status quo 20; issue y has none
    above = parse_threshold("x=60", sc)
    assert (above.side, above.label) == (">=", "P(x >= 60)") and "above" in above.why
    below = parse_threshold(" x = 10 ", sc)
    assert below.side == "<=" and "below" in below.why
    assert parse_threshold("x=20", sc).side == ">="
    assert parse_threshold("y=3", sc).why.startswith("no status quo")
    assert parse_threshold("x<=70", sc).side == "<="
    assert parse_threshold("y>=-2", sc).value == -2
    values = np.array([10.0, 60.0, 61.0, np.nan, 90.0])
    assert exceedance(values, above) == 0.75
    assert exceedance(values, Threshold("x", 60, "<=", "")) == 0.5
    assert math.isnan(exceedance(np.array([np.nan]), above))
    for bad, msg in (
        ("z=5", "unknown issue"),
        ("x", "ISSUE=VALUE"),
        ("x=abc", "not a number"),
        ("x=150", "outside the scale"),
        ("y=11", "outside the scale"),
    ):
        with pytest.raises(InputError, match=msg):
            parse_threshold(bad, sc)


def test_merge_notes_adds_counts_over_chunks() -> None:
    merged = merge_notes(
        [["3 of 10 replicates: slow", "plain"], ["plain", "2 of 20 replicate-issues: x"], []],
        [10, 10, 5],
    )
    assert merged == ("3 of 25 replicates: slow", "plain", "2 of 50 replicate-issues: x")


# -- sweeps ---------------------------------------------------------------------------------


def test_parse_range() -> None:
    assert np.array_equal(parse_range("0:100:5"), np.arange(0, 101, 5.0))
    vals = parse_range("0:1:0.1")
    assert vals.size == 11 and vals[-1] == 1.0
    assert np.array_equal(parse_range("0:10:4"), [0.0, 4.0, 8.0])
    assert np.array_equal(parse_range("10, 20,50"), [10.0, 20.0, 50.0])
    assert parse_range("2:4").size == 11 and parse_range("3:3").tolist() == [3.0]
    for bad in ("", "0:100:0", "0:100:-5", "100:0:5", "a:b", "1:2:3:4", "0:1e9:1", "1,x"):
        with pytest.raises(InputError):
            parse_range(bad)


def test_position_sweep_is_one_batched_call_per_model(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = small()
    calls: list[str] = []
    real = api.forecast_batch

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kw)

    monkeypatch.setattr(sweep_mod, "forecast_batch", counting)
    frame = sweep(
        sc, actor="A", field="position", issue="x", values=[0, 50, 100], models=["mean", "nbs"]
    )
    assert calls == ["mean", "nbs"]
    assert list(frame.columns) == ["value", "model", "issue", "forecast"]
    assert len(frame) == 3 * 2 * 2
    assert frame.iloc[:4][["model", "issue"]].values.tolist() == [
        ["mean", "x"],
        ["mean", "y"],
        ["nbs", "x"],
        ["nbs", "y"],
    ]
    mean_x = frame[(frame.model == "mean") & (frame.issue == "x")].forecast.to_numpy()
    w = np.array([2 * 0.6, 1 * 0.4, 1 * 0.5])  # c * s for A, B, C
    for v, got in zip([0, 50, 100], mean_x, strict=True):
        assert got == pytest.approx((w[0] * v + w[1] * 70 + w[2] * 90) / w.sum())
    # issue y does not move
    assert frame[(frame.model == "mean") & (frame.issue == "y")].forecast.nunique() == 1


def test_salience_and_capability_sweeps() -> None:
    sc = small()
    f = sweep(sc, actor="A", field="salience", issue="x", values=[0, 100], models=["mean"])
    x = f[f.issue == "x"].forecast.to_numpy()
    assert x[0] == pytest.approx((0.4 * 70 + 0.5 * 90) / 0.9)
    assert x[1] == pytest.approx((2 * 30 + 0.4 * 70 + 0.5 * 90) / 2.9)
    c = sweep(sc, actor="B", field="capability", values=[0, 1], models=["mean"])
    assert c[(c.value == 1) & (c.issue == "x")].forecast.item() == pytest.approx(
        forecast(sc, "mean").outcome[0]
    )


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"actor": "Z", "field": "position", "issue": "x"}, "unknown actor"),
        ({"actor": "A", "field": "pos", "issue": "x"}, "is not one of"),
        ({"actor": "A", "field": "position", "issue": "q"}, "unknown issue"),
        ({"actor": "A", "field": "position"}, "needs the issue"),
        ({"actor": "A", "field": "position", "issue": "y", "values": [-20]}, "leave the range"),
        ({"actor": "A", "field": "salience", "issue": "x", "values": [120]}, "leave the range"),
        ({"actor": "A", "field": "capability", "values": [-1]}, "zero or positive"),
    ],
)
def test_sweep_errors(kw: dict[str, Any], msg: str) -> None:
    sc = small()
    args = {"values": [10.0], **kw}
    with pytest.raises(InputError, match=msg):
        sweep(sc, models=["mean"], **args)


def test_sweep_needs_a_stance() -> None:
    sc = small()
    kept = [s for s in sc.stances if (s.actor, s.issue) != ("C", "y")]
    sc = sc.model_copy(update={"stances": kept})
    with pytest.raises(InputError, match="no stance"):
        sweep(sc, actor="C", field="position", issue="y", values=[1.0], models=["mean"])


# -- Sobol indices --------------------------------------------------------------------------


def test_sobol_indices_of_the_forecasts() -> None:
    # A's position on x is the only uncertain input of x; B's position on y of y
    sc = small(pos_unc={"sd": 10}, status_quo=None)
    b_on_y = {"uncertainty": Uncertainty(sd=2)}
    stances = [
        s.model_copy(update=b_on_y) if (s.actor, s.issue) == ("B", "y") else s for s in sc.stances
    ]
    sc = sc.model_copy(update={"stances": stances})
    res = forecast_sobol(sc, models=["mean", "nbs"], n_base=64, seed=1, num_resamples=20)
    assert [u.name for u in res.inputs] == ["position A/x", "position B/y"]
    assert res.n_evaluations == 64 * 4
    assert any("nbs" in n and "'x'" in n for n in res.notes)  # no status quo: no NBS forecast
    mean_x = res.table[(res.table.model == "mean") & (res.table.issue == "x")].set_index("input")
    assert mean_x.loc["position A/x", "ST"] == pytest.approx(1.0, abs=0.1)
    assert mean_x.loc["position A/x", "S1"] == pytest.approx(1.0, abs=0.1)
    assert abs(mean_x.loc["position B/y", "ST"]) < 0.02
    doc = res.to_dict()
    assert {"n_base", "n_evaluations", "seed", "inputs", "notes", "indices"} <= set(doc)
    again = forecast_sobol(sc, models=["mean", "nbs"], n_base=64, seed=1, num_resamples=20)
    assert again.table.equals(res.table)


def test_sobol_needs_uncertainty_and_a_power_of_two() -> None:
    with pytest.raises(InputError, match="no uncertainty"):
        forecast_sobol(small(), models=["mean"])
    with pytest.raises(InputError, match="power of two"):
        forecast_sobol(small(pos_unc={"sd": 5}), models=["mean"], n_base=100)
