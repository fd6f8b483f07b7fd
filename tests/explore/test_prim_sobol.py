"""PRIM against the reference implementation; Sobol on the Ishigami function."""

from __future__ import annotations

import numpy as np
import pytest

from detente.explore import Model, Outcome, Strategy, Uniform, find_boxes, sobol_indices

prim_ref = pytest.importorskip("prim", reason="the reference PRIM package (dev extra)")


def _data(seed: int, n: int = 1500):
    rng = np.random.default_rng(seed)
    x = {f"x{i}": rng.random(n) for i in range(4)}
    x["r"] = np.round(rng.random(n), 1)  # many repeated values
    y = ((x["x0"] > 0.55) & (x["x1"] < 0.5)) | (rng.random(n) < 0.05)
    return x, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prim_matches_reference_step_for_step(seed: int) -> None:
    import warnings

    import pandas as pd

    x, y = _data(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = prim_ref.Prim(pd.DataFrame(x), y)
        box = ref.find_box()
    traj = box.peeling_trajectory
    mine = find_boxes(x, y, max_boxes=1, min_coverage=0.0).boxes[0].trajectory
    assert len(mine) == len(traj)
    assert np.array_equal([s.coverage for s in mine], traj.coverage.to_numpy(float))
    assert np.array_equal([s.density for s in mine], traj.density.to_numpy(float))
    assert np.array_equal([s.mass for s in mine], traj.mass.to_numpy(float))
    assert np.array_equal([s.res_dim for s in mine], traj["res dim"].to_numpy(int))
    lims = box._box_lims[-1]
    for name in x:
        assert tuple(mine[-1].limits[name]) == (lims[name][0], lims[name][1])


def test_prim_finds_the_planted_box() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    x = {"a": rng.random(n), "b": rng.random(n), "c": rng.random(n)}
    y = (x["a"] > 0.7) & (x["b"] < 0.4)
    res = find_boxes(x, y, min_coverage=0.8)
    box = res.boxes[0]
    assert set(box.limits) == {"a", "b"}
    assert box.limits["a"][0] == pytest.approx(0.7, abs=0.03)
    assert box.limits["b"][1] == pytest.approx(0.4, abs=0.03)
    assert box.coverage >= 0.8
    assert box.density > 0.9
    assert box.qp["a"] < 1e-6


def test_prim_categorical() -> None:
    rng = np.random.default_rng(4)
    n = 3000
    cat = rng.choice(np.array(["red", "green", "blue"]), n)
    x = {"cat": cat, "v": rng.random(n)}
    y = (cat == "red") & (x["v"] > 0.5)
    box = find_boxes(x, y, min_coverage=0.8).boxes[0]
    assert box.limits["cat"] == ["red"]
    assert box.limits["v"][0] == pytest.approx(0.5, abs=0.05)


def test_prim_no_cases() -> None:
    res = find_boxes({"a": np.arange(10.0)}, np.zeros(10, dtype=bool))
    assert res.boxes == []


def ishigami(inputs, rng):
    """Ishigami & Homma (1990) with a = 7, b = 0.1."""
    x1, x2, x3 = inputs["x1"], inputs["x2"], inputs["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def test_sobol_ishigami_analytic() -> None:
    # analytic indices: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    model = Model(
        "ishigami",
        ishigami,
        tuple(Uniform(n, -np.pi, np.pi) for n in ("x1", "x2", "x3")),
        outcomes=(Outcome("y", "info"),),
    )
    si = sobol_indices(model, Strategy("s"), ["y"], n_base=4096, seed=1)["y"]
    assert np.allclose(si.S1, [0.3139, 0.4424, 0.0], atol=0.03)
    assert np.allclose(si.ST, [0.5576, 0.4424, 0.2437], atol=0.03)
    assert (si.S1_conf > 0).all()
    assert si.top(1)[0]["input"] == "x1"


def test_sobol_stochastic_noise_does_not_inflate_total() -> None:
    # y = x1 + noise: x2 has no effect; its total index must be ~0 despite the noise
    def model_fn(inputs, rng):
        return {"y": inputs["x1"] + rng.normal(size=inputs["x1"].shape[0])}

    model = Model(
        "noisy", model_fn, (Uniform("x1", 0, 3), Uniform("x2", 0, 1)), outcomes=(Outcome("y"),)
    )
    si = sobol_indices(model, Strategy("s"), ["y"], n_base=2048, seed=3)["y"]
    assert abs(si.ST[1]) < 0.02
    # Var(x1) = 0.75 of total 1.75
    assert si.S1[0] == pytest.approx(0.75 / 1.75, abs=0.06)


def test_saltelli_sample_matches_salib_bit_for_bit() -> None:
    from SALib.sample import sobol as salib_sobol

    from detente.explore.sensitivity import sobol_unit_sample

    for d, n, seed in ((1, 8, 0), (3, 64, 5), (35, 256, 20250301)):
        problem = {"num_vars": d, "names": [f"u{i}" for i in range(d)], "bounds": [[0, 1]] * d}
        ref = salib_sobol.sample(problem, n, calc_second_order=False, seed=seed)
        mine = sobol_unit_sample(d, n, seed)
        assert mine.shape == ref.shape
        assert np.array_equal(
            mine.view(np.uint64), np.asarray(ref, dtype=np.float64).view(np.uint64)
        )
