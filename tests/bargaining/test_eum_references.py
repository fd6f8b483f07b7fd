"""The expected-utility model reproduces the reference programs round by round (1e-9)."""

from __future__ import annotations

import numpy as np
import pytest

from bdm_refs import masad_arrays, pad, reference
from detente.bargaining import BatchInputs, forecast, forecast_batch
from detente.bargaining.eum import read_bdm_csv, run_eum
from detente.scenario import to_arrays
from support import shared_path

TOL = 1e-9


def _check(f_traj, f_med, f_mean, f_risk, ref):  # type: ignore[no-untyped-def]
    t = ref["positions"].shape[0]
    np.testing.assert_allclose(pad(f_traj, t), ref["positions"], rtol=0, atol=TOL)
    np.testing.assert_allclose(pad(f_med, t), ref["median"], rtol=0, atol=TOL)
    np.testing.assert_allclose(pad(f_mean, t), ref["mean"], rtol=0, atol=TOL)
    np.testing.assert_allclose(pad(f_risk, ref["risk"].shape[0]), ref["risk"], rtol=0, atol=TOL)


@pytest.mark.parametrize("dataset", ["ExampleActors", "Sultan"])
def test_scholz_point_form(dataset: str) -> None:
    folder = shared_path("reference", "bdm_scholz", dataset)
    f = forecast(read_bdm_csv(folder / "input.csv"), "eum", max_rounds=10)
    ref = reference(folder, f.actor_ids)
    d = f.diagnostics
    _check(
        f.trajectory[:, :, 0],
        d["median_by_round"][:, 0],
        d["mean_by_round"][:, 0],
        d["risk_by_round"][:, :, 0],
        ref,
    )
    assert f.outcome[0] == pytest.approx(d["median_by_round"][-1, 0])


def test_scholz_example_actors_accepted_offers_match_the_program_output() -> None:
    folder = shared_path("reference", "bdm_scholz", "ExampleActors")
    f = forecast(read_bdm_csv(folder / "input.csv"), "eum")
    assert f.rounds == 10 and not f.converged
    assert any("did not converge within 10 rounds" in n for n in f.notes)
    ev = f.events
    taken = ev[ev.accepted]
    lines = (folder / "run_output.txt").read_text().splitlines()
    expected = [ln for ln in lines if " compromises with " in ln or " loses confrontation " in ln]
    got = []
    for row in taken.sort_values(["turn"], kind="stable").itertuples():
        verb = "compromises with" if row.kind == "compromise" else "loses confrontation to"
        got.append(f"{row.actor} {verb} {row.target}")
    assert got == expected


def test_sultan_is_a_fixed_point_after_one_round() -> None:
    folder = shared_path("reference", "bdm_scholz", "Sultan")
    f = forecast(read_bdm_csv(folder / "input.csv"), "eum")
    assert f.converged and f.rounds == 1
    assert "stable" in f.stop_reason


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_scholz_batch_form_reproduces_both_runs(backend: str) -> None:
    for dataset in ("ExampleActors", "Sultan"):
        folder = shared_path("reference", "bdm_scholz", dataset)
        arrays = to_arrays(read_bdm_csv(folder / "input.csv"))
        ref = reference(folder, arrays.actor_ids)
        inputs = BatchInputs.from_arrays(arrays, replicates=3)
        b = forecast_batch(arrays, "eum", inputs, backend=backend, keep_trajectory=True)
        for r in range(3):
            np.testing.assert_allclose(
                pad(b.trajectory[r, :, :, 0], 11), ref["positions"], rtol=0, atol=TOL
            )
            assert b.outcome[r, 0] == pytest.approx(ref["median"][-1], abs=TOL)
        x = arrays.positions.T
        s = arrays.saliences.T / arrays.salience_max
        c = arrays.capabilities[None]
        params = {p.name: p.default for p in forecast_batch.__globals__["get_model"]("eum").params}
        run = run_eum(x, c, s, np.ones_like(x, dtype=bool), dict(params, backend=backend))
        _check(run.trajectory[: run.rounds[0] + 1, 0], run.median[:, 0], run.mean[:, 0],
               run.risk[: max(run.rounds[0], 1), 0], ref)  # fmt: skip


@pytest.mark.parametrize("dataset", ["ExampleActors", "ChinaData", "HondurasCrisisData"])
def test_masad_variant(dataset: str) -> None:
    folder = shared_path("reference", "bdm_masad", dataset)
    arrays, params = masad_arrays(folder)
    f = forecast(arrays, "eum", **params)
    ref = reference(folder, f.actor_ids)
    d = f.diagnostics
    _check(
        f.trajectory[:, :, 0],
        d["median_by_round"][:, 0],
        d["mean_by_round"][:, 0],
        d["risk_by_round"][:, :, 0],
        ref,
    )
    assert f.rounds == ref["positions"].shape[0] - 1


def test_honduras_stops_cleanly_where_the_original_divides_by_zero() -> None:
    folder = shared_path("reference", "bdm_masad", "HondurasCrisisData")
    arrays, params = masad_arrays(folder)
    f = forecast(arrays, "eum", **params)
    assert f.rounds == 2 and not f.converged
    assert "equally endangered" in f.stop_reason
    assert any("ZeroDivisionError" in n for n in f.notes)
    b = forecast_batch(arrays, "eum", **params)
    assert b.rounds.tolist() == [2] and not b.converged[0]
    assert any("equally endangered" in n for n in b.notes)
