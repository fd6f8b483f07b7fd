"""Parameters of KTAB's Spatial Model of Politics, by their KTAB names and with KTAB's defaults.

KTAB (``KTAB/kmodel/kmodel.h`` and ``examples/smp/libsrc/smp.h`` at commit 3b5b063)
has nine model-parameter enums.  Each one is an :class:`enum.Enum` here whose values
are KTAB's own spellings (the strings of its XML ``<ModelParameters>`` block), in
KTAB's order, so that ``list(Enum).index(member)`` is the integer KTAB stores in its
``ScenarioDesc`` table.

=====================  =================================================  ==============
KTAB name              values                                             default
=====================  =================================================  ==============
``VictoryProbModel``   Linear, Square, Quartic, Octic, Binary             Linear
``PCEModel``           Conditional, MarkovIncentive, MarkovUniform        Conditional
``StateTransitions``   Deterministic, Stochastic                          Deterministic
``VotingRule``         Binary, PropBin, Prop, PropCbc, Cubic, ASymProsp   Prop
``BigRAdjust``         None, OneThird, Half, TwoThirds, Full              OneThird
``BigRRange``          Min, Mid, Max                                      Mid
``ThirdPartyCommit``   NoCommit, SemiCommit, FullCommit                   SemiCommit
``InterVecBrgn``       S1P1, S2P2, S2PMax                                 S2P2
``BargnModel``         InitOnlyInterp, InitRcvrInterp, PWCompInterp       InitOnlyInterp
=====================  =================================================  ==============

Besides these, :class:`SMPParams` holds KTAB's hard-coded stopping rule (minimum and
maximum turns, the quiet ratio and the guard added to the first step) and
``ktab_compat``, which keeps KTAB's behaviour where it is provably a bug (see
:mod:`detente.bargaining.smp.bargain`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from detente.errors import InputError

__all__ = [
    "ENUM_PARAMS",
    "BargnModel",
    "BigRAdjust",
    "BigRRange",
    "InterVecBrgn",
    "PCEModel",
    "SMPParams",
    "StateTransitions",
    "ThirdPartyCommit",
    "VictoryProbModel",
    "VotingRule",
    "parse_enum",
]


class _KtabEnum(Enum):
    """An enum whose values are KTAB's spellings; ``index`` is KTAB's integer code."""

    @property
    def index(self) -> int:
        """KTAB's integer code of this value (its position in KTAB's name list)."""
        return list(type(self)).index(self)

    def __str__(self) -> str:
        return str(self.value)


class VictoryProbModel(_KtabEnum):
    """How coalition strengths become a probability of victory (KTAB ``VPModel``)."""

    LINEAR = "Linear"
    SQUARE = "Square"
    QUARTIC = "Quartic"
    OCTIC = "Octic"
    BINARY = "Binary"


class PCEModel(_KtabEnum):
    """The probabilistic Condorcet election model (KTAB ``PCEModel``)."""

    CONDITIONAL = "Conditional"
    MARKOV_INCENTIVE = "MarkovIncentive"
    MARKOV_UNIFORM = "MarkovUniform"


class StateTransitions(_KtabEnum):
    """How each actor's bargain is picked from its queue (KTAB ``StateTransMode``)."""

    DETERMINISTIC = "Deterministic"
    STOCHASTIC = "Stochastic"


class VotingRule(_KtabEnum):
    """How a difference in utility becomes a vote (KTAB ``VotingRule``)."""

    BINARY = "Binary"
    PROP_BIN = "PropBin"
    PROP = "Prop"
    PROP_CBC = "PropCbc"
    CUBIC = "Cubic"
    ASYM_PROSP = "ASymProsp"


class BigRAdjust(_KtabEnum):
    """How actor h's estimate of actor i's risk attitude mixes r_h and r_i."""

    NONE = "None"
    ONE_THIRD = "OneThird"
    HALF = "Half"
    TWO_THIRDS = "TwoThirds"
    FULL = "Full"


class BigRRange(_KtabEnum):
    """The range onto which win probabilities are mapped as risk attitudes R."""

    MIN = "Min"
    MID = "Mid"
    MAX = "Max"


class ThirdPartyCommit(_KtabEnum):
    """How far a third party that joins a contest shares the fate of the side it joins."""

    NO_COMMIT = "NoCommit"
    SEMI_COMMIT = "SemiCommit"
    FULL_COMMIT = "FullCommit"


class InterVecBrgn(_KtabEnum):
    """How two positions are interpolated into a bargain."""

    S1P1 = "S1P1"
    S2P2 = "S2P2"
    S2PMAX = "S2PMax"


class BargnModel(_KtabEnum):
    """Whose interpolation(s) form the bargains put on the queues (KTAB ``SMPBargnModel``)."""

    INIT_ONLY_INTERP = "InitOnlyInterp"
    INIT_RCVR_INTERP = "InitRcvrInterp"
    PW_COMP_INTERP = "PWCompInterp"


_VictoryProbModel = VictoryProbModel
_PCEModel = PCEModel
_StateTransitions = StateTransitions
_VotingRule = VotingRule
_BigRAdjust = BigRAdjust
_BigRRange = BigRRange
_ThirdPartyCommit = ThirdPartyCommit
_InterVecBrgn = InterVecBrgn
_BargnModel = BargnModel

#: KTAB parameter name -> its enum class, in KTAB's ``runSmpModel`` array order.
ENUM_PARAMS: dict[str, type[_KtabEnum]] = {
    "VictoryProbModel": VictoryProbModel,
    "PCEModel": PCEModel,
    "StateTransitions": StateTransitions,
    "VotingRule": VotingRule,
    "BigRAdjust": BigRAdjust,
    "BigRRange": BigRRange,
    "ThirdPartyCommit": ThirdPartyCommit,
    "InterVecBrgn": InterVecBrgn,
    "BargnModel": BargnModel,
}

E = TypeVar("E", bound=_KtabEnum)


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def parse_enum(cls: type[E], value: Any, *, name: str | None = None) -> E:
    """Read a KTAB enum value from a member, a KTAB name (any case) or KTAB's integer code.

    Parameters
    ----------
    cls
        The enum class, e.g. :class:`VotingRule`.
    value
        ``VotingRule.CUBIC``, ``"Cubic"``, ``"cubic"``, ``"CUBIC"`` or ``4`` (KTAB's code).
        Python member names (``"PROP_CBC"``) are accepted too.
    name
        Parameter name used in the error message (defaults to the class name).

    Returns
    -------
    The enum member.

    Raises
    ------
    InputError
        If the value names no member; the message lists the allowed values.
    """
    label = name or cls.__name__
    if isinstance(value, cls):
        return value
    members = list(cls)
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < len(members):
            return members[value]
    elif isinstance(value, str):
        key = _norm(value)
        for m in members:
            if key in (_norm(str(m.value)), _norm(m.name)):
                return m
        if key.isdigit() and int(key) < len(members):
            return members[int(key)]
    allowed = ", ".join(str(m.value) for m in members)
    raise InputError(
        f"{value!r} is not a value of {label}",
        field=label,
        fix=f"use one of {allowed} (any case), or KTAB's integer code 0-{len(members) - 1}.",
    )


@dataclass(frozen=True)
class SMPParams:
    """Every parameter of one SMP run, KTAB's defaults included.

    The nine enum fields carry KTAB's parameter names.  The remaining fields are
    KTAB's hard-coded constants (``SMPModel::configExec``), exposed for sensitivity
    work, and the compatibility switch.

    Attributes
    ----------
    VictoryProbModel, PCEModel, StateTransitions, VotingRule, BigRAdjust, BigRRange,
    ThirdPartyCommit, InterVecBrgn, BargnModel
        KTAB's model parameters (see the module docstring).
    ktab_compat
        ``True`` (default) reproduces KTAB exactly, including two bugs that only
        affect ``BargnModel=InitRcvrInterp`` and ``PWCompInterp``; ``False`` uses the
        corrected formulas.
    min_turns, max_turns
        The run stops at ``max_turns``; the quiet test applies from ``min_turns`` on.
    min_delta_ratio
        The run is quiet when the last step moved less than this fraction of the first.
    min_sig_delta
        Added to the first step's size (guards 0/0).
    """

    VictoryProbModel: _VictoryProbModel = _VictoryProbModel.LINEAR
    PCEModel: _PCEModel = _PCEModel.CONDITIONAL
    StateTransitions: _StateTransitions = _StateTransitions.DETERMINISTIC
    VotingRule: _VotingRule = _VotingRule.PROP
    BigRAdjust: _BigRAdjust = _BigRAdjust.ONE_THIRD
    BigRRange: _BigRRange = _BigRRange.MID
    ThirdPartyCommit: _ThirdPartyCommit = _ThirdPartyCommit.SEMI_COMMIT
    InterVecBrgn: _InterVecBrgn = _InterVecBrgn.S2P2
    BargnModel: _BargnModel = _BargnModel.INIT_ONLY_INTERP
    ktab_compat: bool = True
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4

    def __post_init__(self) -> None:
        for key, cls in ENUM_PARAMS.items():
            object.__setattr__(self, key, parse_enum(cls, getattr(self, key), name=key))
        if self.max_turns < 1:
            raise InputError(
                f"max_turns must be at least 1, not {self.max_turns}",
                field="max_turns",
                fix="give a positive number of turns (KTAB uses 100).",
            )
        if self.min_turns < 1:
            raise InputError(
                f"min_turns must be at least 1, not {self.min_turns}",
                field="min_turns",
                fix="give a positive number of turns (KTAB uses 2).",
            )
        if not self.min_delta_ratio >= 0:
            raise InputError(
                f"min_delta_ratio must be zero or positive, not {self.min_delta_ratio}",
                field="min_delta_ratio",
                fix="KTAB uses 0.02.",
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None, **more: Any) -> SMPParams:
        """Build parameters from KTAB names (any case), overriding the defaults.

        Parameters
        ----------
        values, **more
            ``{"VotingRule": "cubic", "ktab_compat": "false", "max_turns": "50"}``;
            strings are coerced, so CLI ``--param`` values can be passed as they come.

        Raises
        ------
        InputError
            For an unknown parameter (close names are suggested) or a bad value.
        """
        merged = {**(values or {}), **more}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        by_norm = {_norm(n): n for n in fields}
        kwargs: dict[str, Any] = {}
        for key, raw in merged.items():
            real = by_norm.get(_norm(key))
            if real is None:
                import difflib

                close = difflib.get_close_matches(key, list(fields), n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise InputError(
                    f"unknown SMP parameter {key!r}.{hint}",
                    field=key,
                    fix=f"use one of {', '.join(fields)}.",
                )
            kwargs[real] = _coerce(real, fields[real].type, raw)
        return cls(**kwargs)

    def as_dict(self) -> dict[str, Any]:
        """Every parameter by name; enum values as KTAB's strings."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = str(v.value) if isinstance(v, Enum) else v
        return out

    def ktab_codes(self) -> list[int]:
        """The nine integer codes KTAB's ``runSmpModel`` takes, in its order."""
        return [getattr(self, k).index for k in ENUM_PARAMS]


def _coerce(name: str, typ: Any, raw: Any) -> Any:
    if name in ENUM_PARAMS:
        return parse_enum(ENUM_PARAMS[name], raw, name=name)
    typ_s = str(typ)
    try:
        if typ_s == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if typ_s == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError(raw)
            return int(raw)
        if typ_s == "float":
            return float(raw)
    except (TypeError, ValueError):
        raise InputError(
            f"{raw!r} is not a valid {typ_s} for SMP parameter {name}",
            field=name,
            fix=f"give a {typ_s}.",
        ) from None
    return raw
