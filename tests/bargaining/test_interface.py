"""The forecast interface: registry, parameters, Forecast helpers, multi-issue EUM."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import (
    ModelSpec,
    forecast,
    get_model,
    list_models,
    register,
    resolve_params,
)
from detente.errors import InputError
from detente.scenario import Actor, Issue, Scenario, ScenarioArrays, Stance


def scenario() -> Scenario:
    actors = [Actor(id=a, capability=c) for a, c in (("A", 3.0), ("B", 2.0), ("C", 1.0))]
    issues = [Issue(id="one", status_quo=10.0), Issue(id="two")]
    stances = [
        Stance(actor="A", issue="one", position=80, salience=60),
        Stance(actor="B", issue="one", position=40, salience=50),
        Stance(actor="C", issue="one", position=20, salience=90),
        Stance(actor="A", issue="two", position=30, salience=40),
        Stance(actor="C", issue="two", position=70, salience=10),
    ]
    return Scenario(
        id="tiny",
        actors=actors,
        issues=issues,
        stances=stances,
        models={"eum": {"max_rounds": 3}},
    )


def test_registry() -> None:
    assert list_models()[:4] == ["mean", "median", "nbs", "eum"]
    assert get_model("EUM").name == "eum"
    with pytest.raises(InputError, match="did you mean 'nbs'"):
        get_model("nbz")
    spec = get_model("mean")
    with pytest.raises(ValueError, match="already registered"):
        register(ModelSpec("mean", "x", spec.point_fn, spec.batch_fn))


def test_scenario_models_table_gives_defaults_and_params_override() -> None:
    s = scenario()
    assert forecast(s, "eum").params["max_rounds"] == 3
    assert forecast(s, "eum", max_rounds=1).params["max_rounds"] == 1
    with pytest.raises(InputError) as err:
        resolve_params(get_model("eum"), {"max_rounds": -1, "Q": "x"})
    assert len(err.value.problems) == 2


def test_forecast_helpers() -> None:
    f = forecast(scenario(), "eum")
    assert set(f.outcome_by_issue()) == {"one", "two"}
    frame = f.to_trajectory_frame()
    assert list(frame.columns) == ["model", "turn", "actor", "dimension", "position"]
    # B has no stance on issue "two": it takes no part and has no rows there
    assert frame[(frame.actor == "B") & (frame.dimension == 1)].empty
    first = frame[frame.turn == 0].set_index(["actor", "dimension"]).position
    assert first[("A", 0)] == 80 and first[("C", 1)] == 70
    closed = forecast(scenario(), "mean")
    assert closed.trajectory is None and closed.rounds == 0
    assert closed.to_trajectory_frame().empty


def test_eum_issue_runs_only_on_actors_with_a_stance() -> None:
    s = scenario()
    both = forecast(s, "eum", max_rounds=5)
    only = Scenario(
        id="two-only",
        actors=[a for a in s.actors if a.id != "B"],
        issues=[s.issues[1]],
        stances=[st for st in s.stances if st.issue == "two"],
    )
    alone = forecast(only, "eum", max_rounds=5)
    assert both.outcome[1] == pytest.approx(alone.outcome[0], abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_eum_is_invariant_to_relabelling(seed, rnd) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n = 7
    x = rng.uniform(0, 100, (n, 1))
    sal = rng.uniform(10, 100, (n, 1))
    cap = rng.uniform(0.5, 5, n)
    perm = list(range(n))
    rnd.shuffle(perm)

    def arr(order: list[int]) -> ScenarioArrays:
        return ScenarioArrays(
            actor_ids=tuple(f"A{i}" for i in order),
            issue_ids=("i",),
            positions=x[order],
            saliences=sal[order],
            capabilities=cap[order],
            lower=np.zeros(1),
            upper=np.full(1, 100.0),
            status_quo=np.full(1, np.nan),
            has_stance=np.ones((n, 1), dtype=bool),
        )

    a = forecast(arr(list(range(n))), "eum", max_rounds=4)
    b = forecast(arr(perm), "eum", max_rounds=4)
    assert a.outcome[0] == pytest.approx(b.outcome[0], abs=1e-9)
    back = np.argsort(perm)
    np.testing.assert_allclose(a.trajectory, b.trajectory[:, back], atol=1e-9)


def test_integer_parameters_keep_every_digit_of_a_64_bit_seed() -> None:
    from detente.bargaining.base import ParamSpec

    spec = ParamSpec("seed", int, 0, "a 64-bit seed", minimum=0)
    big = 15455440707583219804
    assert spec.coerce(big, model="m") == big
    assert spec.coerce(str(big), model="m") == big
    assert spec.coerce("12.0", model="m") == 12
