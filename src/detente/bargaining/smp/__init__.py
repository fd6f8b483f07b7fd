"""KTAB's Spatial Model of Politics (SMP): exact, vectorised, and seeded.

The engine works on plain arrays (:func:`run_smp`); :mod:`detente.bargaining.smp.model`
plugs it into detente's forecast interface.  See ``docs/models/smp.md``.
"""

from detente.bargaining.smp.engine import SMPRun, TurnRecord, run_smp
from detente.bargaining.smp.params import (
    ENUM_PARAMS,
    BargnModel,
    BigRAdjust,
    BigRRange,
    InterVecBrgn,
    PCEModel,
    SMPParams,
    StateTransitions,
    ThirdPartyCommit,
    VictoryProbModel,
    VotingRule,
    parse_enum,
)

__all__ = [
    "ENUM_PARAMS",
    "BargnModel",
    "BigRAdjust",
    "BigRRange",
    "InterVecBrgn",
    "PCEModel",
    "SMPParams",
    "SMPRun",
    "StateTransitions",
    "ThirdPartyCommit",
    "TurnRecord",
    "VictoryProbModel",
    "VotingRule",
    "parse_enum",
    "run_smp",
]
