"""The workbench's deals page: the side selectors and the robust-deals job."""

from __future__ import annotations

import pytest

from detente.app import _worker, state
from detente.app.jobs import JobRunner, JobState
from detente.scenario import load_scenario
from support import REPO


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return state.resolve(load_scenario(REPO / "examples" / "europe_turkey.toml"))


def test_side_choices_default_to_the_deals_table(scenario) -> None:  # type: ignore[no-untyped-def]
    choices, default = state.side_choices(scenario)
    assert next(iter(choices)) == ""  # every pair of actors
    assert "Europe" in choices and "TUR" in choices and "Russia" in choices
    assert choices["Europe"].startswith("Europe (group: EU, FRA")
    assert default == ("Europe", "TUR")
    bad = scenario.model_copy(update={"deals": {"between": ["Europe", "Nowhere"]}})
    assert state.side_choices(bad)[1] == ("", "")
    none = scenario.model_copy(update={"deals": None})
    assert state.side_choices(none)[1] == ("", "")


def test_the_robust_deals_job_is_the_library(scenario) -> None:  # type: ignore[no-untyped-def]
    from detente.pipeline.deals import run_deals

    runner = JobRunner(max_running=1)
    try:
        job = runner.submit(
            "t",
            "deals",
            "d",
            _worker.deals_run,
            scenario=scenario,
            between=("Europe", "TUR"),
            draws=96,
            seed=5,
        )
        done = runner.wait("t", job.id, timeout=300)
    finally:
        runner.shutdown()
    assert done.state is JobState.DONE, done.error
    want = run_deals(scenario, draws=96, seed=5, between=("Europe", "TUR"))
    got = done.result
    assert got.deals.equals(want.deals)
    assert got.robust is not None and want.robust is not None
    assert got.robust.equals(want.robust)
    assert got.package_holds == want.package_holds


def test_every_pair_when_no_sides(scenario) -> None:  # type: ignore[no-untyped-def]
    res = _worker.deals_run(
        lambda *_a, **_k: None, scenario=scenario, between=None, draws=10, seed=0
    )
    assert res.sides is None and len(res.deals) > 8
