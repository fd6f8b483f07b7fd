"""The compiled 28-digit decimal (``_dec``) against Python's ``decimal`` (prec 28, half-even).

decide computes in Python's default decimal context; the compiled arithmetic must give
the very same digits for every operation, including exact halves, cancellation,
carries into a new digit and operands far apart in magnitude.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining.exchange import _dec as D

CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)
W = D.scratch()


@st.composite
def decimals(draw: st.DrawFn) -> Decimal:
    nd = draw(st.sampled_from([1, 2, 3, 7, 8, 14, 15, 17, 21, 27, 28, 28, 28]))
    kind = draw(st.sampled_from(["any", "any", "any", "pow", "nines", "half"]))
    if kind == "pow":
        c = 10 ** (nd - 1)
    elif kind == "nines":
        c = 10**nd - 1
    elif kind == "half":
        c = 5 * 10 ** (nd - 1)
    else:
        c = draw(st.integers(10 ** (nd - 1), 10**nd - 1))
    exp = draw(st.integers(-45, 6))
    sgn = draw(st.booleans())
    return Decimal((int(sgn), tuple(int(ch) for ch in str(c)), exp))


def _check(op: str, a: Decimal, b: Decimal) -> None:
    ta, tb = D.from_decimal(a), D.from_decimal(b)
    fn = {"add": D.add, "sub": D.sub, "mul": D.mul, "div": D.div}[op]
    ref = {"add": CTX.add, "sub": CTX.subtract, "mul": CTX.multiply, "div": CTX.divide}[op]
    got = D.to_decimal(fn(ta, tb, W))
    want = ref(a, b)
    assert got == want, (op, a, b, got, want)


@settings(max_examples=3000, deadline=None)
@given(decimals(), decimals(), st.integers(-32, 32))
def test_operations_round_like_pythons_decimal(a: Decimal, b: Decimal, shift: int) -> None:
    near = Decimal((b.as_tuple().sign, b.as_tuple().digits, a.as_tuple().exponent + shift))
    for other in (b, near, a, -a):
        for op in ("add", "sub", "mul"):
            _check(op, a, other)
        if other != 0:
            _check("div", a, other)
        want = (a > other) - (a < other)
        assert D.cmp(D.from_decimal(a), D.from_decimal(other)) == want


@pytest.mark.parametrize(
    ("a", "b", "op"),
    [
        # exact halves: round to even, both ways
        ("1000000000000000000000000001", "0.5", "mul"),
        ("1000000000000000000000000003", "0.5", "mul"),
        ("9999999999999999999999999999", "1.5", "mul"),
        # carries into a new digit
        ("9999999999999999999999999999", "0.00000000000000000000000000005", "add"),
        ("1", "-0.00000000000000000000000000005", "add"),
        ("1E+5", "-1E-30", "add"),
        ("1", "3", "div"),
        ("2", "3", "div"),
        ("100", "7", "div"),
        ("0.2006918767507002816872450030", "0.2006918767507002816872450031", "sub"),
    ],
)
def test_hand_picked_cases(a: str, b: str, op: str) -> None:
    _check(op, Decimal(a), Decimal(b))


def test_decides_long_constants() -> None:
    """``Decimal(0.1) * y`` and ``1 - (1 - s) * Decimal(0.4) - Decimal(0.1)``, as decide's
    next-round start position computes them."""
    rng = np.random.default_rng(5)
    fw, sw = Decimal(0.1), Decimal(0.4)  # noqa: RUF032 - decide's exact floats
    neg_fw = np.array(D.FW_LONG)
    neg_fw[0] = 1
    for _ in range(2000):
        y = CTX.create_decimal(Decimal(float(rng.uniform(0, 100))))
        s = Decimal(repr(round(float(rng.uniform(0, 1)), int(rng.integers(1, 5)))))
        assert D.to_decimal(D.mul_long(D.from_decimal(y), D.FW_LONG, W)) == CTX.multiply(fw, y)
        a = CTX.multiply(CTX.subtract(1, s), sw)
        got_a = D.to_decimal(D.mul_long(D.from_decimal(CTX.subtract(1, s)), D.SW_LONG, W))
        assert got_a == a
        one_minus = CTX.subtract(1, a)
        got_p = D.to_decimal(D.add_long(D.from_decimal(one_minus), neg_fw, W))
        assert got_p == CTX.subtract(one_minus, fw)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.floats(0, 100).map(lambda v: round(v, 3)),
        st.integers(-(10**6), 10**6).map(float),
    )
)
def test_parse_reads_the_shortest_text_of_a_float(v: float) -> None:
    """numpy's ``str`` of a float64 and ``parse`` give ``Decimal(repr(v))``."""
    text = np.array([v]).astype("U40")
    ok, t = D.parse(text.view(np.uint32).reshape(1, 40)[0], W)
    assert ok
    assert D.to_decimal(t) == Decimal(repr(v))


def test_parse_refuses_what_is_not_a_number() -> None:
    for bad in ("nan", "inf", "-inf", "", "1.2.3", "1e"):
        codes = np.array([bad]).astype("U8").view(np.uint32).reshape(1, 8)[0]
        assert not D.parse(codes, W)[0], bad


def test_float_cut_compares_like_a_float() -> None:
    """``x <= 1e-10`` in decide (a Decimal against the float's exact value) is ``x <=
    cut(1e-10)`` for any 28-digit ``x``."""
    exact = Decimal(1e-10)  # noqa: RUF032 - the float's exact value
    cut = D.to_decimal(D.EPS_CUT)
    assert cut < exact
    for x in (cut, CTX.next_plus(cut), CTX.next_minus(cut), Decimal("1E-10")):
        assert (x <= exact) == (D.cmp(D.from_decimal(x), D.EPS_CUT) <= 0)
