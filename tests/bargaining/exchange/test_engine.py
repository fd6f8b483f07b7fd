"""The compiled engine against the Python Decimal engine, and the model's parameters.

Round-number inputs put the float engine on knife-edges (equal gains, outcomes on a
demander's position, moves ending on a bound); with every knife-edge settled in decide's
arithmetic the compiled engine must take exactly the Decimal engine's path, whatever
the inputs.  Hypothesis draws small problems of that kind (including actor-issues with
no stance, per-issue powers and issue scales other than 0-100).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining import forecast
from detente.bargaining.exchange import run_exchange
from detente.bargaining.exchange._problem import Problem, make_problem
from detente.bargaining.exchange.engine import VARIANTS, resolve_variant
from detente.errors import InputError
from detente.scenario import load_scenario
from support import shared_path


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(3, 6))
    k = draw(st.integers(2, 4))
    grid = st.sampled_from([0.0, 10.0, 25.0, 50.0, 50.0, 75.0, 90.0, 100.0])
    pos = np.array([[draw(grid) for _ in range(k)] for _ in range(n)])
    sal = np.array(
        [
            [draw(st.sampled_from([0.1, 0.2, 0.5, 0.5, 0.8, 1.0])) for _ in range(k)]
            for _ in range(n)
        ]
    )
    cap = np.array(
        [[draw(st.sampled_from([1.0, 1.0, 2.0, 3.0])) for _ in range(k)] for _ in range(n)]
    )
    has = np.array(
        [[draw(st.booleans()) or draw(st.booleans()) for _ in range(k)] for _ in range(n)]
    )
    lower = np.zeros(k)
    upper = np.full(k, 100.0)
    if draw(st.booleans()):
        # an issue on its own scale (decide rescales it to 0-100)
        lower[0], upper[0] = 0.5, 7.0
        pos[:, 0] = 0.5 + pos[:, 0] * 0.065
    return make_problem(
        tuple(f"a{i}" for i in range(n)),
        tuple(f"p{j}" for j in range(k)),
        pos,
        sal,
        cap,
        has,
        lower,
        upper,
        1.0,
    )


def _same_run(a: object, b: object) -> None:
    ea, eb = a.exchanges, b.exchanges  # type: ignore[attr-defined]
    assert len(ea) == len(eb)
    for col in ("round", "seq", "i_actor", "j_actor", "i_supply_issue", "j_supply_issue"):
        assert list(ea[col]) == list(eb[col]), col
    for col in ("gain", "i_voting", "j_voting", "i_start", "j_start"):
        np.testing.assert_allclose(
            np.asarray(ea[col], dtype=float), np.asarray(eb[col], dtype=float), rtol=0, atol=1e-9
        )
    np.testing.assert_allclose(a.voting, b.voting, rtol=0, atol=1e-9)  # type: ignore[attr-defined]
    np.testing.assert_allclose(a.nbs_voting, b.nbs_voting, rtol=0, atol=1e-9)  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_compiled_engine_takes_the_decimal_engines_path(prob: Problem) -> None:
    auto = run_exchange(prob, rounds=3)
    ref = run_exchange(prob, rounds=3, arithmetic="decimal")
    assert ref.arithmetic == "decimal"
    assert auto.arithmetic in ("float", "settled", "decimal")
    _same_run(auto, ref)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_corrected_rules_agree_between_engines(prob: Problem) -> None:
    auto = run_exchange(prob, rounds=3, rules="corrected")
    ref = run_exchange(prob, rounds=3, rules="corrected", arithmetic="decimal")
    _same_run(auto, ref)


def test_variant_aliases() -> None:
    """``variant="decide"`` is the default (equal gain, decide's rules) and
    ``variant="corrected"`` the equal-gain model with the corrected rules."""
    assert resolve_variant("decide") == ("equal_gain", "decide")
    assert resolve_variant("corrected") == ("equal_gain", "corrected")
    assert resolve_variant("equal_gain", "corrected") == ("equal_gain", "corrected")
    assert resolve_variant("random_rate") == ("random_rate", "decide")
    assert set(VARIANTS) == {"equal_gain", "random_rate", "decide", "corrected"}
    with pytest.raises(ValueError, match="unknown variant"):
        resolve_variant("nash")
    s = load_scenario(shared_path("reference", "decide", "sample_data", "sample_data.txt"))
    default = forecast(s, "exchange", rounds=3)
    alias = forecast(s, "exchange", rounds=3, variant="decide")
    np.testing.assert_array_equal(default.outcome, alias.outcome)
    corrected = forecast(s, "exchange", rounds=3, variant="corrected")
    by_rules = forecast(s, "exchange", rounds=3, rules="corrected")
    np.testing.assert_array_equal(corrected.outcome, by_rules.outcome)


def test_unknown_variant_is_a_users_mistake() -> None:
    s = load_scenario(shared_path("reference", "decide", "sample_data", "sample_data.txt"))
    with pytest.raises(InputError, match="variant"):
        forecast(s, "exchange", variant="nash")
