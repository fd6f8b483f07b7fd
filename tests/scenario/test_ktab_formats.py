"""KTAB CSV and XML: every reference input reads, validates and round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.scenario import Format, dumps, load_scenario
from detente.scenario.ktab_csv import loads_ktab_csv
from detente.scenario.ktab_xml import loads_ktab_xml
from detente.scenario.toml_format import loads_toml
from support import SHARED, shared_path

KTAB_DIRS = sorted(p.parent for p in (SHARED / "reference" / "ktab").glob("*/input.*"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


@pytest.fixture(params=KTAB_DIRS or [None], ids=_ids(KTAB_DIRS) or ["missing"])
def ktab_dir(request: pytest.FixtureRequest) -> Path:
    if request.param is None:
        shared_path("reference", "ktab")
    return request.param


def test_reads_every_reference_input_with_its_metadata(ktab_dir: Path) -> None:
    meta = json.loads((ktab_dir / "meta.json").read_text())
    inp = next(ktab_dir.glob("input.*"))
    s = load_scenario(inp)
    assert [a.name for a in s.actors] == meta["actors"]
    assert [i.label for i in s.issues] == meta["dimensions"]
    assert len(s.stances) == meta["num_actors"] * meta["num_dimensions"]
    if inp.suffix == ".xml":
        assert s.seed == int(meta["seed_used_by_model"])
        assert s.models["smp"] == meta["model_parameters"]


def test_positions_match_turn_zero_of_the_reference(ktab_dir: Path) -> None:
    s = load_scenario(next(ktab_dir.glob("input.*")))
    rows = (ktab_dir / "positions.csv").read_text().splitlines()[1:]
    turn0 = [r.split(",") for r in rows if r.startswith("0,")]
    by_name = {a.name: a.id for a in s.actors}
    for _, actor, dim, pos in turn0:
        st = s.stance(by_name[actor], s.issues[int(dim)].id)
        assert st is not None
        # KTAB stores x/100 and logs it times 100
        assert st.position / 100 * 100 == pytest.approx(float(pos), abs=1e-9)


@pytest.mark.parametrize("fmt", [Format.TOML, Format.KTAB_CSV, Format.KTAB_XML])
def test_round_trips_through_every_format(ktab_dir: Path, fmt: Format) -> None:
    inp = next(ktab_dir.glob("input.*"))
    s = load_scenario(inp)
    text = dumps(s, fmt)
    back = {
        Format.TOML: loads_toml,
        Format.KTAB_CSV: loads_ktab_csv,
        Format.KTAB_XML: loads_ktab_xml,
    }[fmt](text)
    native = Format.KTAB_XML if inp.suffix == ".xml" else Format.KTAB_CSV
    if fmt in (Format.TOML, native):
        assert back == s
    # across KTAB formats the numbers are the same; only format-specific meta differs
    assert [(a.id, a.capability) for a in back.actors] == [(a.id, a.capability) for a in s.actors]
    assert [(t.actor, t.issue, t.position, t.salience) for t in back.stances] == [
        (t.actor, t.issue, t.position, t.salience) for t in s.stances
    ]


def test_same_data_with_and_without_final_comma() -> None:
    base = shared_path("reference", "ktab")
    a = load_scenario(base / "dummyData_3Dim" / "input.csv")
    b = load_scenario(base / "dummyData_3Dim-no-final-comma" / "input.csv")
    assert a.stances == b.stances
    assert a.actors == b.actors


def test_crlf_and_padded_first_line_are_read() -> None:
    s = load_scenario(shared_path("reference", "ktab", "dummyData_6Dim", "input.csv"))
    assert len(s.actors) == 27
    assert len(s.issues) == 6


def test_xml_keeps_ideal_adjustment_and_bom() -> None:
    s = load_scenario(shared_path("reference", "ktab", "smpExample", "input.xml"))
    assert s.accommodation is not None
    adj = {(p.actor, p.towards): p.adjust for p in s.accommodation}
    assert adj[("Alice", "Alice")] == 0.87
    assert s.models["smp"]["StateTransitions"] == "Stochastic"
    assert s.seed == 3507583219545544127


def test_identity_ideal_adjustment_reads_as_none() -> None:
    s = load_scenario(shared_path("reference", "ktab", "dummyData_3Dim__vr_Cubic", "input.xml"))
    assert s.accommodation is None
    assert s.salience_budget == 100.0
