"""Scenarios: actors, issues, stances and sources, and their file formats."""

from detente.scenario.arrays import ScenarioArrays, to_arrays
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
    "Issue",
    "ResolvedCapability",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "Source",
    "SourceKind",
    "Stance",
    "Uncertainty",
    "scenario_problems",
    "to_arrays",
]
