"""The ``smp`` model in detente's forecast interface: parameters, scales, batch, explain."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining import (
    BatchInputs,
    forecast,
    forecast_batch,
    get_model,
    scenario_arrays,
)
from detente.bargaining.smp.explain import explain_actor
from detente.bargaining.smp.model import accommodation_matrix, format_accommodation
from detente.errors import InputError
from detente.scenario import Accommodation, Actor, Issue, Scale, Scenario, Stance


def _scenario(missing: bool = False, scale: tuple[float, float] = (0.0, 100.0)) -> Scenario:
    rng = np.random.default_rng(11)
    actors = [Actor(id=f"A{i}", capability=float(rng.uniform(20, 200))) for i in range(6)]
    issues = [Issue(id=f"I{k}", scale=Scale(min=scale[0], max=scale[1])) for k in range(2)]
    stances = []
    for a in actors:
        for k, iss in enumerate(issues):
            if missing and a.id == "A5" and k == 1:
                continue
            x = float(rng.uniform(scale[0], scale[1]))
            stances.append(
                Stance(actor=a.id, issue=iss.id, position=x, salience=float(rng.uniform(10, 45)))
            )
    return Scenario(id="toy", actors=actors, issues=issues, stances=stances)


def test_registered_with_every_ktab_parameter() -> None:
    spec = get_model("smp")
    names = {p.name for p in spec.params}
    ktab = {
        "VictoryProbModel",
        "PCEModel",
        "StateTransitions",
        "VotingRule",
        "BigRAdjust",
        "BigRRange",
        "ThirdPartyCommit",
        "InterVecBrgn",
        "BargnModel",
    }
    assert ktab <= names
    assert spec.defaults["VotingRule"] == "Prop"
    assert spec.defaults["BigRAdjust"] == "OneThird"
    assert spec.defaults["ktab_compat"] is True
    assert "KTAB" in spec.citation


def test_forecast_result_shape_and_outcome() -> None:
    fc = forecast(_scenario(), "smp")
    assert fc.model == "smp" and fc.scenario_id == "toy"
    assert fc.trajectory is not None and fc.trajectory.shape == (fc.rounds + 1, 6, 2)
    final = fc.trajectory[-1]
    assert np.all(fc.outcome >= final.min(axis=0) - 1e-9)
    assert np.all(fc.outcome <= final.max(axis=0) + 1e-9)
    assert fc.events is not None
    assert {"challenge", "status_quo"} <= set(fc.events["kind"].str.split(":").str[0])
    chosen = fc.events[fc.events["chosen"]]
    assert len(chosen) == 6 * fc.rounds  # one choice per actor and turn
    # challenge rows carry both axes of KTAB's quadrant map; other rows do not
    ev = fc.events
    is_ch = ev["kind"] == "challenge"
    assert is_ch.any()
    assert np.isfinite(ev.loc[is_ch, ["gain", "p_win", "target_gain"]].to_numpy()).all()
    assert ev.loc[~is_ch, "target_gain"].isna().all()
    frame = fc.to_trajectory_frame()
    assert list(frame.columns) == ["model", "turn", "actor", "dimension", "position"]
    assert frame["turn"].min() == 0 and frame["dimension"].max() == 1


def test_scales_are_respected() -> None:
    """A scenario on -1..1 gives the same run as the same numbers on 0..100."""
    a = forecast(_scenario(), "smp")
    b_scen = _scenario(scale=(-1.0, 1.0))
    b = forecast(b_scen, "smp")
    assert a.rounds == b.rounds
    assert a.trajectory is not None and b.trajectory is not None
    assert np.allclose((a.trajectory / 100.0) * 2 - 1, b.trajectory, atol=1e-9)


def test_parameters_validated_by_name() -> None:
    with pytest.raises(InputError, match="VotingRule"):
        forecast(_scenario(), "smp", VotingRul="Cubic")
    with pytest.raises(InputError, match="not allowed"):
        forecast(_scenario(), "smp", VotingRule="Quadratic")
    fc = forecast(_scenario(), "smp", votingrule="cubic", PCEModel="markovuniform")
    assert fc.params["VotingRule"] == "Cubic" and fc.params["PCEModel"] == "MarkovUniform"


def test_scenario_models_table_gives_defaults() -> None:
    scen = _scenario().model_copy(update={"models": {"smp": {"VotingRule": "Cubic"}}})
    assert forecast(scen, "smp").params["VotingRule"] == "Cubic"
    assert forecast(scen, "smp", VotingRule="Binary").params["VotingRule"] == "Binary"


def test_accommodation_round_trip_and_errors() -> None:
    pairs = [Accommodation(actor="A1", towards="A0", adjust=0.25)]
    text = format_accommodation(pairs)
    ids = tuple(f"A{i}" for i in range(6))
    mat = accommodation_matrix(text, ids)
    assert mat is not None and mat[1, 0] == 0.25 and mat[1, 1] == 1.0
    assert accommodation_matrix("", ids) is None
    with pytest.raises(InputError, match="unknown actor"):
        accommodation_matrix("Z>A0=0.1", ids)
    with pytest.raises(InputError, match="not a number"):
        accommodation_matrix("A1>A0=lots", ids)
    # A1 would give 1.25 of its ideal: KTAB's rule (rows sum to at most 1) is enforced
    scen = _scenario().model_copy(update={"accommodation": pairs})
    with pytest.raises(InputError, match="sum to"):
        forecast(scen, "smp")
    ok = [*pairs, Accommodation(actor="A1", towards="A1", adjust=0.5)]
    fc = forecast(_scenario().model_copy(update={"accommodation": ok}), "smp")
    ideals = fc.diagnostics["ideals"]
    assert not np.allclose(ideals[-1, 1], fc.trajectory[-1, 1])  # type: ignore[index]


def test_missing_stance_takes_no_part() -> None:
    fc = forecast(_scenario(missing=True), "smp")
    assert fc.trajectory is not None
    assert np.isnan(fc.trajectory[:, 5, 1]).all()
    assert not np.isnan(fc.trajectory[:, 5, 0]).any()
    assert any("without a stance" in n for n in fc.notes)
    frame = fc.to_trajectory_frame()
    assert not ((frame["actor"] == "A5") & (frame["dimension"] == 1)).any()


def test_batch_matches_point_forecasts_for_deterministic_runs() -> None:
    scen = _scenario()
    arr = scenario_arrays(scen)
    rng = np.random.default_rng(3)
    pos = np.clip(arr.positions[None] + rng.normal(0, 5, (3, 6, 2)), 0, 100)
    draws = BatchInputs.from_arrays(arr, positions=pos)
    batch = forecast_batch(scen, "smp", draws)
    assert batch.outcome.shape == (3, 2) and batch.rounds.shape == (3,)
    for r in range(3):
        point = forecast(draws.replicate(r), "smp")
        assert batch.rounds[r] == point.rounds
        assert np.allclose(batch.outcome[r], point.outcome)
        assert batch.final_positions is not None and point.trajectory is not None
        assert np.array_equal(batch.final_positions[r], point.trajectory[-1])


def test_salience_budget_over_one_is_rescaled_with_a_note() -> None:
    scen = _scenario()
    stances = [s.model_copy(update={"salience": 90.0}) for s in scen.stances]
    fc = forecast(scen.model_copy(update={"stances": stances}), "smp")
    assert any("divided by 1.8 " in n for n in fc.notes)
    # dividing every salience by the same factor is what the model then runs on
    arr = scenario_arrays(scen)
    from detente.bargaining.smp import run_smp

    run = run_smp(arr.positions / 100.0, np.full((6, 2), 0.5), arr.capabilities)
    assert fc.trajectory is not None
    assert np.array_equal(fc.trajectory, run.positions * 100.0)


def test_explain_tells_each_turn() -> None:
    fc = forecast(_scenario(), "smp")
    text = explain_actor(fc, "a2")
    lines = text.splitlines()
    assert lines[0].startswith("A2 in the Spatial Model of Politics")
    assert sum(line.startswith("Turn ") for line in lines) == fc.rounds
    assert "Queue election" in text
    assert ("Moved from" in text) or ("Stayed at" in text)
    with pytest.raises(InputError, match="unknown actor"):
        explain_actor(fc, "nobody")
