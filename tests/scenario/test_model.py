"""The scenario schema: parsing rules, lookups and the numeric view."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from detente.errors import InputError, Problem, ScenarioError
from detente.scenario import (
    DataRef,
    ResolvedCapability,
    Scenario,
    Uncertainty,
    load_scenario,
    to_arrays,
)
from detente.scenario.toml_format import dumps_toml, loads_toml
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


def _two_actor(**extra: object) -> Scenario:
    data = {
        "actors": [{"id": "A", "capability": 2.0}, {"id": "B", "capability": 1.0}],
        "issues": [{"id": "x", "scale": {"min": -10, "max": 10}, "status_quo": 0}],
        "stances": [
            {"actor": "A", "issue": "x", "position": -5, "salience": 80},
            {"actor": "B", "issue": "x", "position": 5, "salience": 40},
        ],
    }
    data.update(extra)
    return Scenario.model_validate(data)


def test_uncertainty_forms() -> None:
    assert Uncertainty.model_validate([40, 70]).is_range
    assert Uncertainty.model_validate({"sd": 5}).sd == 5
    assert Uncertainty.model_validate(3).sd == 3
    assert Uncertainty.model_validate([0, 12]).width() == pytest.approx(12 / np.sqrt(12))
    with pytest.raises(ValidationError, match="above high"):
        Uncertainty.model_validate([70, 40])
    with pytest.raises(ValidationError, match="not both"):
        Uncertainty.model_validate({"sd": 1, "low": 0, "high": 2})
    with pytest.raises(ValidationError, match="does not fit"):
        Uncertainty.model_validate({"sd": 1, "distribution": "triangular"})


def test_capability_reference_forms() -> None:
    s = _two_actor(
        actors=[
            {"id": "TUR", "capability": "cinc"},
            {
                "id": "EU",
                "kind": "bloc",
                "members": ["DEU", "FRA"],
                "capability": {"indicator": "sipri.milex_usd_constant", "year": 2024},
            },
        ],
        issues=[{"id": "x"}],
        stances=[
            {"actor": "TUR", "issue": "x", "position": 1, "salience": 1},
            {"actor": "EU", "issue": "x", "position": 2, "salience": 1},
        ],
    )
    tur, eu = s.actors
    assert tur.capability == DataRef(indicator="cinc")
    assert tur.iso3 == "TUR"
    assert tur.countries == ["TUR"]
    assert eu.countries == ["DEU", "FRA"]
    assert s.unresolved_actors == ["TUR", "EU"]
    with pytest.raises(ScenarioError, match="not been resolved"):
        to_arrays(s)
    resolved = s.with_capabilities(
        {
            "TUR": ResolvedCapability(value=0.02, indicator="cow.cinc", year=2022),
            "EU": ResolvedCapability(value=5.0, indicator="sipri.milex_usd_constant"),
        }
    )
    assert resolved.unresolved_actors == []
    np.testing.assert_array_equal(to_arrays(resolved).capabilities, [0.02, 5.0])


def test_bloc_members_must_be_iso3() -> None:
    with pytest.raises(ValidationError, match="alpha-3"):
        _two_actor(
            actors=[
                {"id": "A", "capability": 1, "members": ["Germany"]},
                {"id": "B", "capability": 1},
            ]
        )


def test_arrays_are_in_file_order_with_nan_for_missing_stances() -> None:
    s = _two_actor(
        issues=[{"id": "x", "scale": {"min": -10, "max": 10}}, {"id": "y"}],
        stances=[
            {"actor": "A", "issue": "x", "position": -5, "salience": 80},
            {"actor": "B", "issue": "x", "position": 5, "salience": 40},
            {"actor": "B", "issue": "y", "position": 30, "salience": 10},
        ],
    )
    arr = to_arrays(s)
    assert arr.actor_ids == ("A", "B")
    assert arr.issue_ids == ("x", "y")
    assert np.isnan(arr.positions[0, 1])
    assert arr.saliences[0, 1] == 0
    assert not arr.has_stance[0, 1]
    np.testing.assert_allclose(arr.unit_positions()[:, 0], [0.25, 0.75])
    np.testing.assert_allclose(arr.from_unit(np.array([0.5, 0.5])), [0.0, 50.0])
    np.testing.assert_allclose(arr.salience_fraction()[:, 0], [0.8, 0.4])


def test_anchor_outside_scale_and_status_quo_outside_scale() -> None:
    with pytest.raises(ValidationError) as info:
        _two_actor(issues=[{"id": "x", "anchors": {"150": "too far"}, "status_quo": -1}])
    text = str(info.value)
    assert "anchor at 150" in text
    assert "status_quo -1" in text


def test_unknown_source_is_reported() -> None:
    with pytest.raises(ValidationError, match="unknown source 'nope'"):
        _two_actor(
            stances=[
                {"actor": "A", "issue": "x", "position": -5, "salience": 80, "source": "nope"},
                {"actor": "B", "issue": "x", "position": 5, "salience": 40},
            ]
        )


def test_problem_rendering() -> None:
    p = Problem("bad value", file="a.toml", line=3, field="stances[0].position", fix="fix it.")
    assert str(p) == "a.toml:3: stances[0].position: bad value Fix: fix it."
    err = InputError([p, Problem("other")], file="a.toml")
    assert str(err).startswith("2 problems:")


def test_example_reads_and_round_trips() -> None:
    s = load_scenario(EXAMPLE)
    assert len(s.actors) == 11
    assert [i.id for i in s.issues] == [
        "troops",
        "economy",
        "pkk_ypg",
        "accession",
        "refugees",
        "arms",
    ]
    assert len(s.stances) == 66
    assert all(st.note and st.source for st in s.stances)
    assert s.source("expert").is_expert_judgement
    assert s.issue("troops").anchor_text(0) == "no Turkish troops in Ukraine"
    assert loads_toml(dumps_toml(s)) == s


def test_example_bloc_does_not_double_count_member_states() -> None:
    s = load_scenario(EXAMPLE)
    eu = s.actor("EU")
    separate = {a.iso3 for a in s.actors if a.kind.value == "state"}
    assert eu.members
    assert not separate & set(eu.members)
