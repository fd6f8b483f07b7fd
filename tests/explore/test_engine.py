"""Engine tests: parameters, samplers, chunk invariance, Parquet output, robustness."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.explore import (
    Categorical,
    ExperimentDesign,
    Integer,
    Model,
    Normal,
    Outcome,
    Sampler,
    Strategy,
    Triangular,
    Uniform,
    evaluate_chunk,
    perform_experiments,
    rank,
    regret,
    robustness,
    sample_chunk,
    satisficing_share,
)


def noisy_linear(inputs, rng):
    """A small stochastic model: y = a * x + lever + noise."""
    noise = rng.normal(size=inputs["x"].shape[0])
    y = inputs["a"] * inputs["x"] + inputs["lever"] + 0.1 * noise
    return {"y": y, "z": -y}


def _model() -> Model:
    return Model(
        name="toy",
        function=noisy_linear,
        uncertainties=(Uniform("x", 0, 1), Triangular("a", 0.5, 1.0, 2.0)),
        levers=(Uniform("lever", -1, 1),),
        outcomes=(Outcome("y", "maximize"), Outcome("z", "minimize")),
    )


STRATS = (Strategy("low", {"lever": -0.5}), Strategy("high", {"lever": 0.5}))


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc"])
def test_sampler_covers_unit_cube(method: str) -> None:
    u = np.concatenate([sample_chunk(method, 3, k * 256, (k + 1) * 256, 7, k) for k in range(4)])
    assert u.shape == (1024, 3)
    assert ((u >= 0) & (u < 1)).all()
    # every tenth of every axis is visited, and means are near 1/2
    for j in range(3):
        counts = np.bincount((u[:, j] * 10).astype(int), minlength=10)
        assert counts.min() > 60
    assert np.allclose(u.mean(axis=0), 0.5, atol=0.03)


def test_lhs_chunk_is_stratified() -> None:
    u = sample_chunk("lhs", 2, 0, 100, 3, 0)
    for j in range(2):
        assert sorted((u[:, j] * 100).astype(int).tolist()) == list(range(100))


def test_sobol_chunks_are_one_sequence() -> None:
    whole = sample_chunk("sobol", 4, 0, 512, 11, 0)
    parts = np.concatenate(
        [sample_chunk("sobol", 4, s, s + 128, 11, s // 128) for s in range(0, 512, 128)]
    )
    assert np.array_equal(whole, parts)


def test_unknown_sampler() -> None:
    with pytest.raises(InputError, match="sampler"):
        Sampler.parse("latin")


def test_distributions_ppf() -> None:
    u = np.linspace(0, 0.999999, 10001)
    assert np.allclose(Uniform("u", 2, 4).ppf(u).mean(), 3, atol=1e-3)
    tri = Triangular("t", 0, 1, 4).ppf(u)
    assert np.isclose(tri.mean(), (0 + 1 + 4) / 3, atol=1e-2)
    ints = Integer("i", 1, 3).ppf(u)
    assert set(np.unique(ints)) == {1, 2, 3}
    cats = Categorical("c", ("a", "b")).ppf(u)
    assert set(np.unique(cats)) == {0, 1}
    norm = Normal("n", 1.0, 2.0, low=0.0).ppf(u[1:])
    assert norm.min() >= 0.0


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Uniform("u", 2, 1), "inverted"),
        (lambda: Triangular("t", 0, 2, 1), "mode"),
        (lambda: Normal("n", 0, -1), "standard deviation"),
        (lambda: Integer("i", 0.5, 2), "whole-number"),
        (lambda: Categorical("c", ()), "no categories"),
    ],
)
def test_invalid_distributions(make, match: str) -> None:
    with pytest.raises(InputError, match=match):
        make()


def test_chunk_split_invariance(tmp_path) -> None:
    model = _model()
    design = ExperimentDesign(1000, STRATS, seed=5, chunk_size=128)
    full = perform_experiments(model, design, progress=False)
    # each chunk alone, in reverse order, gives the same numbers
    for k in reversed(range(design.n_chunks)):
        res = evaluate_chunk(model, design, k)
        start, stop = design.chunk_bounds(k)
        n = stop - start
        assert np.array_equal(res.outcomes["y"].reshape(2, n), full.outcomes["y"][:, start:stop])
    again = perform_experiments(model, design, progress=False)
    assert np.array_equal(again.outcomes["y"], full.outcomes["y"])


def test_common_random_numbers() -> None:
    model = _model()
    design = ExperimentDesign(500, STRATS, seed=1, chunk_size=100)
    r = perform_experiments(model, design, progress=False)
    # same futures and noise: strategies differ exactly by the lever difference
    assert np.allclose(r.outcomes["y"][1] - r.outcomes["y"][0], 1.0)


def test_parquet_rows_and_atomic_write(tmp_path) -> None:
    model = _model()
    design = ExperimentDesign(300, STRATS, seed=2, chunk_size=64)
    out = tmp_path / "exp.parquet"
    r = perform_experiments(model, design, out=out, progress=False)
    table = pq.read_table(out)
    assert table.num_rows == 600
    assert set(table.column_names) >= {"scenario", "strategy", "x", "a", "lever", "y", "z"}
    df = table.to_pandas()
    high = df[df.strategy == "high"].sort_values("scenario")
    assert np.array_equal(high.y.to_numpy(), r.outcomes["y"][1])
    assert not list(tmp_path.glob(".*.tmp"))


def test_failed_run_leaves_no_file(tmp_path) -> None:
    def broken(inputs, rng):
        if inputs["x"].shape[0] and inputs["x"].max() > 0:
            raise RuntimeError("model failed")
        return {"y": inputs["x"]}

    model = Model("b", broken, (Uniform("x", 0, 1),), outcomes=(Outcome("y", "maximize"),))
    out = tmp_path / "exp.parquet"
    with pytest.raises(RuntimeError):
        perform_experiments(model, ExperimentDesign(10, (Strategy("s"),)), out=out, progress=False)
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_regret_and_metrics_hand_worked() -> None:
    # 3 strategies x 4 scenarios, maximise
    x = np.array([[1.0, 4.0, 2.0, 0.0], [3.0, 1.0, 2.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
    r = regret(x, "maximize")
    assert np.array_equal(r, [[2, 0, 0, 2], [0, 3, 0, 1], [1, 2, 0, 0]])
    assert np.array_equal(regret(-x, "minimize"), r)
    specs = [Outcome("v", "maximize", threshold=2.0)]
    sat = satisficing_share({"v": x}, specs)
    assert np.allclose(sat, [0.5, 0.5, 1.0])
    scores = robustness({"v": x}, specs, ["a", "b", "c"], outcome="v", percentiles=(50,))
    assert [s.max_regret for s in scores] == [2.0, 3.0, 2.0]
    assert [s.mean for s in scores] == [1.75, 1.75, 2.0]
    assert [s.mean_regret for s in scores] == [1.0, 1.0, 0.75]
    assert scores[0].percentiles["p50"] == 1.5
    assert [s.best_share for s in scores] == [0.5, 0.5, 0.5]
    assert [s.strategy for s in rank(scores, "max_regret")] == ["c", "a", "b"]
    assert rank(scores, "mean")[0].strategy == "c"
    assert rank(scores, "satisficing")[0].strategy == "c"
    with pytest.raises(InputError):
        rank(scores, "bogus")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.floats(-100, 100), min_size=5, max_size=5), min_size=2, max_size=4))
def test_regret_properties(rows: list[list[float]]) -> None:
    x = np.array(rows)
    r = regret(x, "maximize")
    assert (r >= 0).all()
    assert (r.min(axis=0) == 0).all()


def test_design_errors() -> None:
    with pytest.raises(InputError, match="at least 1"):
        ExperimentDesign(0, STRATS)
    with pytest.raises(InputError, match="zip"):
        ExperimentDesign(3, STRATS, combine="zip")  # type: ignore[arg-type]
    model = _model()
    with pytest.raises(InputError, match="lever"):
        model.lever_values(Strategy("s", {"levr": 0.0}))
    with pytest.raises(InputError, match="outside"):
        model.lever_values(Strategy("s", {"lever": 5.0}))
    with pytest.raises(InputError, match="not both"):
        perform_experiments(model, ExperimentDesign(2, STRATS), workers=2, scheduler="tcp://x:1")


@pytest.mark.parametrize("batched", [False, True])
def test_threads_do_not_change_results(tmp_path, batched: bool) -> None:
    from detente.partnership import load_config, make_model

    if batched:  # the partnership model draws its events once for all strategies
        model, skeleton = make_model(load_config({"horizon": 4}))
        strategies = skeleton.strategies
    else:
        model, strategies = _model(), STRATS
    design = ExperimentDesign(1100, strategies, seed=9, chunk_size=128)
    one = perform_experiments(model, design, out=tmp_path / "a.parquet", progress=False, threads=1)
    four = perform_experiments(model, design, out=tmp_path / "b.parquet", progress=False, threads=4)
    assert four.where == "in-process, 4 threads"
    for name in one.outcomes:
        assert np.array_equal(one.outcomes[name], four.outcomes[name], equal_nan=True)
    a = pq.read_table(tmp_path / "a.parquet").to_pandas()
    b = pq.read_table(tmp_path / "b.parquet").to_pandas()
    assert a.equals(b)  # NaN (no breakdown) compares equal here


def test_parquet_reads_back_as_plain_columns(tmp_path) -> None:
    import pandas as pd

    model = Model(
        "mixed",
        noisy_linear,
        (Uniform("x", 0, 1), Triangular("a", 0.5, 1.0, 2.0), Integer("k", 1, 3)),
        levers=(Uniform("lever", -1, 1), Categorical("mode", ("slow", "fast"))),
        outcomes=(Outcome("y", "maximize"), Outcome("z", "minimize")),
        constants={"c": 2.5},
    )
    strategies = (
        Strategy("low", {"lever": -0.5, "mode": "slow"}),
        Strategy("high", {"lever": 0.5, "mode": "fast"}),
    )
    design = ExperimentDesign(700, strategies, seed=4, chunk_size=256)
    out = tmp_path / "exp.parquet"
    r = perform_experiments(model, design, out=out, progress=False, keep_inputs=700)
    df = pd.read_parquet(out)
    assert len(df) == 1400
    assert df["x"].dtype == np.float64 and df["k"].dtype == np.int64
    assert df["lever"].dtype == np.float64 and df["c"].dtype == np.float64
    assert (df["c"] == 2.5).all()
    assert set(df["strategy"]) == {"low", "high"} and set(df["mode"]) == {"slow", "fast"}
    for s, (name, lever, mode) in enumerate((("low", -0.5, "slow"), ("high", 0.5, "fast"))):
        rows = df[df["strategy"] == name].sort_values("scenario")
        assert np.array_equal(rows["scenario"].to_numpy(), np.arange(700))
        assert np.array_equal(rows["x"].to_numpy(), r.inputs["x"])  # one row per strategy
        assert np.array_equal(rows["k"].to_numpy(), r.inputs["k"])
        assert (rows["lever"] == lever).all() and (rows["mode"] == mode).all()
        assert np.array_equal(rows["y"].to_numpy(), r.outcomes["y"][s])


def test_unfinished_parquet_appears_only_when_finished(tmp_path) -> None:
    model = _model()
    design = ExperimentDesign(600, STRATS, seed=2, chunk_size=64)
    out = tmp_path / "exp.parquet"
    r = perform_experiments(model, design, out=out, progress=False, finish=False)
    assert r.writing
    r.finish_writing()
    assert not r.writing and pq.read_table(out).num_rows == 1200
    out2 = tmp_path / "other.parquet"
    r2 = perform_experiments(model, design, out=out2, progress=False, finish=False)
    r2.abort_writing()
    assert not out2.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.parquet"]
