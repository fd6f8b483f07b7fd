"""The Europe-Türkiye partnership model: transactional deal or long-term integration.

:mod:`~detente.partnership.model` holds the vectorised dynamic model (equations in its
docstring and in ``docs/models/partnership.md``), :mod:`~detente.partnership.parameters`
every parameter with its range and source and the validation of a scenario's
``[partnership]`` table, :mod:`~detente.partnership.grounding` the NATO figures behind
the data-grounded ranges, :mod:`~detente.partnership.kernel` the compiled evaluation,
and :mod:`~detente.partnership.lab` the strategy lab built on :mod:`detente.explore`.
"""

from detente.partnership.grounding import NatoGrounding, nato_grounding
from detente.partnership.lab import LabReport, compare, make_model, read_config, run_lab
from detente.partnership.model import PartnershipModel, nominal_inputs, simulate
from detente.partnership.parameters import (
    LEVERS,
    OUTCOMES,
    STRATEGIES,
    UNCERTAINTIES,
    PartnershipConfig,
    Spec,
    load_config,
)

__all__ = [
    "LEVERS",
    "OUTCOMES",
    "STRATEGIES",
    "UNCERTAINTIES",
    "LabReport",
    "NatoGrounding",
    "PartnershipConfig",
    "PartnershipModel",
    "Spec",
    "compare",
    "load_config",
    "make_model",
    "nato_grounding",
    "nominal_inputs",
    "read_config",
    "run_lab",
    "simulate",
]
