"""The workbench's job functions: run in job processes, as the app runs them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from detente.app import _worker, state, views
from detente.app.jobs import JobRunner, JobState
from detente.app.workspace import Workspace
from detente.scenario import dumps, load_scenario
from support import REPO


@pytest.fixture(scope="module")
def runner() -> Iterator[JobRunner]:
    r = JobRunner(max_running=2, preload=("detente.app._preload",))
    yield r
    r.shutdown()


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return state.resolve(load_scenario(REPO / "examples" / "europe_turkey.toml"))


def test_intervals_match_the_library(runner: JobRunner, scenario) -> None:  # type: ignore[no-untyped-def]
    from detente.bargaining import forecast_draws, sample_inputs, summarize

    job = runner.submit(
        "t",
        "draws",
        "d",
        _worker.draw_intervals,
        scenario=scenario,
        models=["mean", "eum"],
        draws=64,
        seed=3,
    )
    done = runner.wait("t", job.id, timeout=300)
    assert done.state is JobState.DONE, done.error
    inputs = sample_inputs(scenario, 64, 3)
    for m in ("mean", "eum"):
        want = summarize(
            forecast_draws(scenario, [m], inputs, seed=3).outcomes[m], levels=(0.5, 0.9)
        )
        got = done.result["models"][m]
        assert [g.median for g in got] == pytest.approx([w.median for w in want])
        assert [g.intervals[0.9] for g in got] == [w.intervals[0.9] for w in want]


def test_the_forecast_table_escapes_names_and_carries_values(scenario) -> None:  # type: ignore[no-untyped-def]
    from detente.bargaining import forecast

    hostile = state.set_name(scenario, "TUR", "<script>alert(1)</script>")
    data = hostile.model_dump()
    data["issues"][0]["label"] = '<img src=x onerror="alert(2)">'
    from detente.scenario._build import build_scenario

    s = state.resolve(build_scenario(data))
    fc = forecast(s, "mean")
    html = str(
        views.forecast_table(
            s,
            [
                views.ModelResult("mean", "Weighted mean", "ok", forecast=fc),
                views.ModelResult("smp", "SMP", "warming"),
            ],
            revision=7,
        )
    )
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'data-revision="7"' in html
    assert f'data-value="{float(fc.outcome[0])!r}"' in html
    assert re.search(r'<td[^>]*data-model="smp"[^>]*data-status="warming"[^>]*>warming up', html)


def test_stage_progress_maps_stages_to_one_bar() -> None:
    from detente.pipeline.progress import ProgressEvent

    seen: list[tuple[float | None, str]] = []
    sp = _worker.StageProgress(lambda f=None, label="": seen.append((f, label)), ["a", "b"])
    sp(ProgressEvent("a", "Stage A", 0, 2))
    sp(ProgressEvent("a", "Stage A", 1, 2, "one"))
    sp(ProgressEvent("b", "Stage B", 2, 2, "", True))
    assert seen == [(0.0, "Stage A"), (0.25, "Stage A: one"), (1.0, "Stage B")]


@pytest.mark.slow
def test_two_analyze_runs_at_once_publish_whole_runs(runner: JobRunner, tmp_path: Path) -> None:
    shutil.copy(REPO / "examples" / "europe_turkey.toml", tmp_path / "case.toml")
    ws = Workspace.from_path(tmp_path)
    s = load_scenario(tmp_path / "case.toml")
    jobs = []
    for seed in (1, 2):
        name, out, inp = ws.new_run(s.id)
        inp.write_text(dumps(s, "toml"), encoding="utf-8")
        jobs.append(
            runner.submit(
                "t",
                "analyze",
                name,
                _worker.run_analyze,
                scenario_file=str(inp),
                out_dir=str(out),
                draws=16,
                scenarios=200,
                seed=seed,
            )
        )
    done = [runner.wait("t", j.id, timeout=900) for j in jobs]
    assert all(d.state is JobState.DONE for d in done), [d.error for d in done]
    folders = ws.run_folders()
    assert len(folders) == 2
    from detente.report.runs import list_runs

    runs = list_runs(folders)
    assert sorted(runs["seed"]) == [1, 2]
    for f in folders:
        assert (f / "report.html").is_file() and (f / "summary.md").is_file()


@pytest.mark.slow
def test_a_small_lab_run_gives_the_report_section(runner: JobRunner, scenario) -> None:  # type: ignore[no-untyped-def]
    job = runner.submit(
        "t", "lab", "lab", _worker.lab_run, scenario=scenario, n_scenarios=300, seed=0
    )
    done = runner.wait("t", job.id, timeout=600)
    assert done.state is JobState.DONE, done.error
    res, section = done.result
    assert res.ranking and set(res.ranking) == set(res.strategies)
    assert any(p.live for p in section.panels)
    assert np.isfinite(res.matrices[res.outcome]).all()


def test_each_model_gets_its_measured_accuracy(scenario) -> None:  # type: ignore[no-untyped-def]
    from detente.app.server import model_accuracy
    from detente.bargaining import forecast
    from detente.pipeline.accuracy import accuracy_table
    from detente.pipeline.results import NegotiationResults

    results = [
        views.ModelResult(m, m, "ok", forecast=forecast(scenario, m, seed=0))
        for m in ("mean", "median", "eum")
    ] + [views.ModelResult("smp", "SMP", "warming")]
    lines = model_accuracy(results)
    assert set(lines) == {"mean", "median", "eum"}
    res = NegotiationResults(forecasts={r.model: r.forecast for r in results if r.forecast})
    table = accuracy_table(res).set_index("model")
    for m, line in lines.items():
        assert f"MAE {table.loc[m, 'mae']:.1f}" in line and str(table.loc[m, "verdict"]) in line
    other = views.ModelResult(
        "eum", "eum", "ok", forecast=forecast(scenario, "eum", seed=0, max_rounds=3)
    )
    assert "not measured" in model_accuracy([other])["eum"]
