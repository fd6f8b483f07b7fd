"""The workbench's scenario edits: conversion, validation and the mapping to cells."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.app import state
from detente.errors import InputError
from detente.scenario import dumps, load_scenario
from detente.scenario.toml_format import loads_toml
from support import REPO

EXAMPLE = REPO / "examples" / "europe_turkey.toml"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(EXAMPLE)


def test_a_valid_edit_changes_one_field_only(scenario) -> None:  # type: ignore[no-untyped-def]
    new = state.set_stance(scenario, "TUR", "troops", "position", " 70 ")
    assert new.stance("TUR", "troops").position == 70.0
    assert scenario.stance("TUR", "troops").position == 55.0  # the old one is untouched
    changed = [
        (a.actor, a.issue)
        for a, b in zip(scenario.stances, new.stances, strict=True)
        if a.model_dump() != b.model_dump()
    ]
    assert changed == [("TUR", "troops")]
    assert new.partnership == scenario.partnership and new.sources == scenario.sources


def test_position_150_is_refused_with_the_validate_message(scenario) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(state.EditError) as exc:
        state.set_stance(scenario, "TUR", "troops", "position", "150")
    (cell,) = exc.value.cells
    assert (cell.actor, cell.issue, cell.field) == ("TUR", "troops", "position")
    assert "position 150 is outside the scale 0-100 of issue 'troops'" in cell.message
    assert "Fix: use a position between 0 and 100." in cell.message
    # the same message `detente validate` gives for the same value in a file
    text = dumps(scenario, "toml").replace(
        "position = 55\nsalience = 60", "position = 150\nsalience = 60", 1
    )
    with pytest.raises(InputError) as file_err:
        loads_toml(text)
    assert file_err.value.problems[0].message in cell.message


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("position", "abc", "must be a number"),
        ("position", "", "is empty"),
        ("position", "nan", "must be a number"),
        ("position", "1e999", "too large"),
        ("salience", "-3", "salience must be zero or positive"),
        ("salience", "101", "above the salience scale's top"),
        ("uncertainty", "70 to 40", "is above high"),
        ("uncertainty", "90 to 100", "outside its own uncertainty range"),
        ("uncertainty", "wide", "neither a standard deviation nor a range"),
    ],
)
def test_bad_values_are_refused_and_located(scenario, field: str, text: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(state.EditError) as exc:
        state.set_stance(scenario, "TUR", "troops", field, text)
    assert exc.value.cells, "a refused edit must say why"
    assert words in exc.value.cells[0].message
    assert exc.value.cells[0].actor == "TUR"


def test_uncertainty_text_round_trips(scenario) -> None:  # type: ignore[no-untyped-def]
    for text, want in (
        ("sd 12", (12.0, None, None)),
        ("40 to 70", (None, 40.0, 70.0)),
        ("±5", (5.0, None, None)),
    ):
        new = state.set_stance(scenario, "TUR", "troops", "uncertainty", text)
        u = new.stance("TUR", "troops").uncertainty
        assert (u.sd, u.low, u.high) == want
        assert state.parse_uncertainty(state.format_uncertainty(u)) is not None
    cleared = state.set_stance(scenario, "TUR", "troops", "uncertainty", "")
    assert cleared.stance("TUR", "troops").uncertainty is None


def test_capability_number_or_indicator(scenario) -> None:  # type: ignore[no-untyped-def]
    new = state.set_capability(scenario, "TUR", "2,5e10".replace(",", "."))
    assert new.actor("TUR").capability == 2.5e10
    with pytest.raises(state.EditError) as exc:
        state.set_capability(scenario, "TUR", "-4")
    assert exc.value.cells[0].field == "capability"
    ref = state.set_capability(scenario, "TUR", "cinc")
    assert ref.actor("TUR").capability.indicator == "cinc"


def test_add_and_remove_actors_and_issues(scenario) -> None:  # type: ignore[no-untyped-def]
    s = state.add_actor(scenario, "IRN", name="Iran", capability="7e9", salience="30")
    assert s.actor_ids[-1] == "IRN"
    assert {st.issue for st in s.stances if st.actor == "IRN"} == set(s.issue_ids)
    assert s.stance("IRN", "troops").position == s.issue("troops").status_quo
    with pytest.raises(state.EditError, match="duplicate actor id"):
        state.add_actor(s, "IRN", capability="1")
    s = state.remove_actor(s, "IRN")
    assert "IRN" not in s.actor_ids and all(st.actor != "IRN" for st in s.stances)
    s = state.add_issue(s, "gas", label="Gas transit", low="0", high="10", status_quo="4")
    assert s.stance("TUR", "gas").position == 4.0
    with pytest.raises(state.EditError):
        state.add_issue(s, "bad", low="10", high="0")
    s = state.remove_issue(s, "gas")
    assert "gas" not in s.issue_ids
    two = s
    for a in s.actor_ids[2:]:
        two = state.remove_actor(two, a)
    with pytest.raises(state.EditError, match="single actor"):
        state.remove_actor(two, two.actor_ids[0])


def test_hostile_ids_are_refused_not_executed(scenario) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(state.EditError):
        state.add_actor(scenario, '<img src=x onerror="alert(1)">', capability="1")
    s = state.set_name(scenario, "TUR", "<script>alert(1)</script>")
    assert s.actor("TUR").name == "<script>alert(1)</script>"
    frame = state.grid_frame(s, "position")
    assert frame.iloc[s.actor_ids.index("TUR"), 1] == "<script>alert(1)</script>"


def test_cell_problems_map_field_paths_to_cells() -> None:
    from detente.errors import Problem

    data = {
        "actors": [{"id": "A"}, {"id": "B"}],
        "issues": [{"id": "x"}],
        "stances": [{"actor": "B", "issue": "x"}],
    }
    cells = state.cell_problems(
        [
            Problem("bad", field="stances[0].salience_uncertainty", fix="f"),
            Problem("cap", field="actors[1].capability"),
            Problem("sq", field="issues[0].status_quo"),
            Problem("whole", field="salience_max"),
            Problem("out of range", field="stances[9].position"),
        ],
        data,
    )
    assert [(c.actor, c.issue, c.field) for c in cells] == [
        ("B", "x", "salience"),
        ("B", None, "capability"),
        (None, "x", "status_quo"),
        (None, None, "salience_max"),
        (None, None, "position"),
    ]
    assert cells[0].message == "bad. Fix: f"


def test_grid_frame_and_cells(scenario) -> None:  # type: ignore[no-untyped-def]
    frame = state.grid_frame(scenario, "salience", {("TUR", "troops"): "999"})
    assert list(frame.columns) == ["actor", "name", "capability", *scenario.issue_ids]
    row = scenario.actor_ids.index("TUR")
    assert frame.iloc[row, 3] == "999"
    assert frame.iloc[row, 4] == state.format_number(scenario.stance("TUR", "economy").salience)
    assert state.grid_cell(scenario, row, 3) == state.GridCell("TUR", "stance", "troops")
    assert state.grid_cell(scenario, 0, 2).kind == "capability"
    with pytest.raises(IndexError):
        state.grid_cell(scenario, len(scenario.actors), 0)
    with pytest.raises(IndexError):
        state.grid_cell(scenario, 0, 3 + len(scenario.issues))


def test_partnership_edits_are_validated_by_the_lab(scenario) -> None:  # type: ignore[no-untyped-def]
    table = dict(scenario.partnership)
    table["horizon"] = 20
    assert state.set_partnership(scenario, table).partnership["horizon"] == 20
    bad = dict(scenario.partnership)
    bad["uncertainties"] = dict(bad["uncertainties"])
    bad["uncertainties"]["threat_growth"] = {"low": 0.5, "high": 0.1}
    with pytest.raises(state.EditError) as exc:
        state.set_partnership(scenario, bad)
    assert any(
        "threat_growth" in (c.field or "") or "threat_growth" in c.message for c in exc.value.cells
    )


def test_resolution_is_cached_and_leaves_the_scenario_unresolved(scenario) -> None:  # type: ignore[no-untyped-def]
    calls = []

    def resolver(s):  # type: ignore[no-untyped-def]
        from detente.data import resolve_capabilities

        calls.append(1)
        return resolve_capabilities(s)

    fresh = state.set_name(scenario, "TUR", "Türkiye (cache test)")
    a = state.resolve(fresh, resolver)
    b = state.resolve(state.set_stance(fresh, "TUR", "troops", "position", "60"), resolver)
    assert len(calls) <= 1
    assert not a.unresolved_actors and not b.unresolved_actors
    assert fresh.unresolved_actors  # the session's scenario keeps its data references
    assert a.actor("TUR").capability_value == b.actor("TUR").capability_value


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numbers_survive_their_text(x: float) -> None:
    shown = state.format_number(x)
    back = state.parse_number(shown, "position")
    assert math.isclose(back, x, rel_tol=1e-5, abs_tol=1e-300)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_input_error(text: str) -> None:
    for fn in (lambda t: state.parse_number(t, "x"), state.parse_uncertainty):
        with contextlib.suppress(InputError):
            fn(text)
