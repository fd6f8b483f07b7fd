"""Scenarios: actors, issues, stances and sources, and their file formats."""

from detente.scenario.arrays import ScenarioArrays, to_arrays
from detente.scenario.io import (
    Format,
    detect_format,
    dumps,
    load_scenario,
    load_scenarios,
    write_scenario,
    write_scenarios,
)
from detente.scenario.model import (
    Accommodation,
    Actor,
    ActorKind,
    DataRef,
    Issue,
    ResolvedCapability,
    Scale,
    Scenario,
    Source,
    SourceKind,
    Stance,
    Uncertainty,
    scenario_problems,
)

__all__ = [
    "Accommodation",
    "Actor",
    "ActorKind",
    "DataRef",
    "Format",
    "Issue",
    "ResolvedCapability",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "Source",
    "SourceKind",
    "Stance",
    "Uncertainty",
    "detect_format",
    "dumps",
    "load_scenario",
    "load_scenarios",
    "scenario_problems",
    "to_arrays",
    "write_scenario",
    "write_scenarios",
]
