# mypy: disable-error-code="no-untyped-def"
"""decide's arithmetic, compiled: 28-digit decimal floating point (numba).

decide computes in Python's default ``decimal`` context: 28 significant digits, each
operation's exact result rounded half-even.  Every operation's value depends only on the
operands' values and that rule, so any representation that rounds the same way gives the
same numbers.  Here a number is a tuple of six ``int64``::

    (neg, exp, c0, c1, c2, c3)      value = (-1)**neg * c * 10**exp,
                                     c = c0 + c1 B + c2 B**2 + c3 B**3,  B = 10**7,

normalised so that ``10**27 <= c < 10**28`` (exactly 28 digits, ``c3 >= 10**6``), or all
zero for 0.  Addition, subtraction, multiplication and division compute the exact
result in base-``10**7`` limbs and round it to 28 digits, half to even, as
``decimal.Context(prec=28)`` does; comparisons are exact.  Each function takes a scratch
array ``w`` (``int64``, at least :data:`SCRATCH` long) so that nothing is allocated.

Two of decide's constants are binary floats taken exactly (``Decimal(0.1)``,
``Decimal(0.4)``, 55 and 53 digits): :func:`mul_long` and :func:`add_long` take such a
long operand as ``(neg, exp, l0..l7)``.  A comparison with a float constant ``f``
(decide compares with ``1e-10``) is exact against the float's value cut to 28 digits
(:func:`float_cut`): a 28-digit number is ``<= f`` exactly when it is ``<=`` that cut.

:func:`parse` reads the shortest text of a float (``repr``; numpy's ``str`` of a float64
gives the same digits), which is the number a decide input file holds.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import numpy as np
from numba import njit as _numba_njit
from numba.core import types as _types
from numba.extending import intrinsic

#: numba's decorator, untyped here: numba's type annotations do not list the private ``_nrt`` option
#: (which keeps numba's reference-counting runtime out of these allocation-free kernels)
njit: Any = _numba_njit


def _jit(**options: Any) -> Any:
    """numba's ``njit`` for a function only compiled code calls: cached, without the GIL
    or numba's reference counting, without the wrappers numba would otherwise compile
    for calls from Python and from C, and with numpy's error model (no exception code
    for a division: the engine divides only by numbers it has checked)."""
    return njit(
        cache=True,
        nogil=True,
        _nrt=False,
        no_cpython_wrapper=True,
        no_cfunc_wrapper=True,
        error_model="numpy",
        **{"forceinline": False, **options},
    )


def _noinline(typingctx: Any) -> Any:
    """Keep the compiled function that calls this out of its callers (LLVM's
    ``noinline``): each caller then holds a call, not another copy of the body, which
    keeps the engine's machine code (and its compilation and load time) small.  For
    the arithmetic and the engine's cold paths, whose calls cost little next to their
    work."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        builder.function.attributes.add("noinline")
        return context.get_dummy_value()

    return _types.none(), codegen


def _optsize(typingctx: Any) -> Any:
    """Have LLVM optimise the compiled function that calls this for size (``optsize``:
    no loop unrolling or vectorisation that grows the code), for functions whose loops
    run over a few actors or issues, where the compilation would cost more than it
    gains."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        builder.function.attributes.add("optsize")
        return context.get_dummy_value()

    return _types.none(), codegen


#: compiled-code calls (untyped here: mypy sees an intrinsic as a function of the typing
#: context)
noinline: Any = intrinsic(_noinline)
optsize: Any = intrinsic(_optsize)

B = 10_000_000
#: length of the scratch array every operation takes (``uint64``)
SCRATCH = 32
P10 = np.array([10**i for i in range(8)], dtype=np.int64)
#: zero (numpy integers: a tuple of Python ints would be typed as literals in compiled code)
ZERO: Any = (np.int64(0),) * 6

_U = np.uint64
UB = _U(B)
U0 = _U(0)
U1 = _U(1)
_UP10 = np.array([10**i for i in range(8)], dtype=np.uint64)
_E5 = _U(100_000)
_E6 = _U(1_000_000)


def scratch() -> np.ndarray:
    """A scratch array for the operations."""
    return np.zeros(SCRATCH, dtype=np.uint64)


@njit(cache=True, nogil=True)
def scratch_nb():
    """A scratch array, from compiled code."""
    return np.zeros(SCRATCH, dtype=np.uint64)


@_jit(forceinline=True)
def _ndig(v):
    """Digits of ``1 <= v < 10**7`` (``uint64``)."""
    if v < _U(1000):
        if v < _U(10):
            return 1
        return 2 if v < _U(100) else 3
    if v < _E5:
        return 4 if v < _U(10000) else 5
    return 6 if v < _E6 else 7


@_jit(forceinline=True)
def _dpow(v, k):
    """``v // 10**k`` for ``0 <= k <= 7`` (``uint64``; constant divisors)."""
    if k < 4:
        if k == 0:
            return v
        if k == 1:
            return v // _U(10)
        if k == 2:
            return v // _U(100)
        return v // _U(1000)
    if k == 4:
        return v // _U(10000)
    if k == 5:
        return v // _E5
    if k == 6:
        return v // _E6
    return v // UB


@_jit(forceinline=True)
def _pack(neg, e, o0, o1, o2, o3, rd, st):
    """Round ``(o3 o2 o1 o0)`` (28 digits) half to even given the first dropped digit
    ``rd`` and ``st`` (anything non-zero after it)."""
    if rd > _U(5) or (rd == _U(5) and (st or (o0 & U1) == U1)):
        o0 += U1
        if o0 == UB:
            o0 = U0
            o1 += U1
            if o1 == UB:
                o1 = U0
                o2 += U1
                if o2 == UB:
                    o2 = U0
                    o3 += U1
                    if o3 == UB:
                        o3 = _E6
                        e += 1
    return (neg, e, np.int64(o0), np.int64(o1), np.int64(o2), np.int64(o3))


@_jit()
def _norm(neg, e, w, m, sticky):
    """Round the non-negative integer in limbs ``w[:m]`` (``uint64``, base ``10**7``,
    times ``10**e``; ``sticky``: something non-zero lies below its last digit) to 28
    digits, half to even.  ``w`` needs 6 free limbs after ``m``."""
    noinline()
    t = m - 1
    while t >= 0 and w[t] == U0:
        t -= 1
    if t < 0:
        return (0, 0, 0, 0, 0, 0)
    for i in range(m, m + 6):
        w[i] = U0
    d = 7 * t + _ndig(w[t])
    if d <= 28:
        sh = 28 - d
        q = sh // 7
        u = sh - 7 * q
        if u:
            mulv = _UP10[u]
            carry = U0
            for i in range(t + 1):
                v = w[i] * mulv + carry
                carry = v // UB
                w[i] = v - carry * UB
            w[t + 1] = carry
        if q:
            for i in range(t + 1, -1, -1):
                w[i + q] = w[i]
            for i in range(q):
                w[i] = U0
        return (neg, e - sh, np.int64(w[0]), np.int64(w[1]), np.int64(w[2]), np.int64(w[3]))
    r = d - 28
    li = (r - 1) // 7
    di = r - 1 - 7 * li
    hi = _dpow(w[li], di)
    rd = hi % _U(10)
    st = sticky or (w[li] - hi * _UP10[di]) != U0
    if not st:
        for i in range(li):
            if w[i] != U0:
                st = True
                break
    q = r // 7
    u = r - 7 * q
    if u:
        up = _UP10[7 - u]
        dv = _UP10[u]
        h0 = _dpow(w[q], u)
        h1 = _dpow(w[q + 1], u)
        h2 = _dpow(w[q + 2], u)
        h3 = _dpow(w[q + 3], u)
        h4 = _dpow(w[q + 4], u)
        o0 = h0 + (w[q + 1] - h1 * dv) * up
        o1 = h1 + (w[q + 2] - h2 * dv) * up
        o2 = h2 + (w[q + 3] - h3 * dv) * up
        o3 = h3 + (w[q + 4] - h4 * dv) * up
    else:
        o0 = w[q]
        o1 = w[q + 1]
        o2 = w[q + 2]
        o3 = w[q + 3]
    return _pack(neg, e + r, o0, o1, o2, o3, rd, st)


@_jit(forceinline=True)
def is_zero(a):
    """True for 0."""
    return a[5] == 0


@_jit(forceinline=True)
def neg(a):
    """``-a``."""
    if a[5] == 0:
        return a
    return (1 - a[0], a[1], a[2], a[3], a[4], a[5])


@_jit(forceinline=True)
def dabs(a):
    """``abs(a)``."""
    return (np.int64(0), a[1], a[2], a[3], a[4], a[5])


@_jit(forceinline=True)
def _cmp_mag(a, b):
    if a[1] != b[1]:
        return 1 if a[1] > b[1] else -1
    if a[5] != b[5]:
        return 1 if a[5] > b[5] else -1
    if a[4] != b[4]:
        return 1 if a[4] > b[4] else -1
    if a[3] != b[3]:
        return 1 if a[3] > b[3] else -1
    if a[2] != b[2]:
        return 1 if a[2] > b[2] else -1
    return 0


@njit(cache=True, nogil=True, _nrt=False)
def cmp(a, b):
    """-1, 0 or 1 as ``a < b``, ``a == b``, ``a > b`` (exact)."""
    za = a[5] == 0
    zb = b[5] == 0
    if za and zb:
        return 0
    sa = 0 if za else (-1 if a[0] else 1)
    sb = 0 if zb else (-1 if b[0] else 1)
    if sa != sb:
        return -1 if sa < sb else 1
    m = _cmp_mag(a, b)
    return m if sa > 0 else -m


@_jit(forceinline=True)
def sign(a):
    """-1, 0 or 1."""
    if a[5] == 0:
        return 0
    return -1 if a[0] else 1


@njit(cache=True, nogil=True, _nrt=False)
def add(a, b, w):
    """``a + b`` rounded to 28 digits."""
    noinline()
    if b[5] == 0:
        return a
    if a[5] == 0:
        return b
    if _cmp_mag(a, b) < 0:
        a, b = b, a
    d = a[1] - b[1]
    if d >= 30:
        return a
    q = d // 7
    u = d - 7 * q
    for i in range(q):
        w[i] = U0
    mulv = _UP10[u]
    v = _U(a[2]) * mulv
    c = v // UB
    w[q] = v - c * UB
    v = _U(a[3]) * mulv + c
    c = v // UB
    w[q + 1] = v - c * UB
    v = _U(a[4]) * mulv + c
    c = v // UB
    w[q + 2] = v - c * UB
    v = _U(a[5]) * mulv + c
    c = v // UB
    w[q + 3] = v - c * UB
    w[q + 4] = c
    m = q + 5
    b0, b1, b2, b3 = _U(b[2]), _U(b[3]), _U(b[4]), _U(b[5])
    if a[0] == b[0]:
        v = w[0] + b0
        c = U1 if v >= UB else U0
        w[0] = v - c * UB
        v = w[1] + b1 + c
        c = U1 if v >= UB else U0
        w[1] = v - c * UB
        v = w[2] + b2 + c
        c = U1 if v >= UB else U0
        w[2] = v - c * UB
        v = w[3] + b3 + c
        c = U1 if v >= UB else U0
        w[3] = v - c * UB
        i = 4
        while c != U0 and i < m:
            v = w[i] + c
            c = U1 if v >= UB else U0
            w[i] = v - c * UB
            i += 1
        w[m] = c
        m += 1
    else:
        v = w[0] + UB - b0
        c = U0 if v >= UB else U1
        w[0] = v - (U1 - c) * UB
        v = w[1] + UB - b1 - c
        c = U0 if v >= UB else U1
        w[1] = v - (U1 - c) * UB
        v = w[2] + UB - b2 - c
        c = U0 if v >= UB else U1
        w[2] = v - (U1 - c) * UB
        v = w[3] + UB - b3 - c
        c = U0 if v >= UB else U1
        w[3] = v - (U1 - c) * UB
        i = 4
        while c != U0 and i < m:
            v = w[i] + UB - c
            c = U0 if v >= UB else U1
            w[i] = v - (U1 - c) * UB
            i += 1
    return _norm(a[0], b[1], w, m, np.bool_(False))


@njit(cache=True, nogil=True, _nrt=False)
def sub(a, b, w):
    """``a - b`` rounded to 28 digits."""
    return add(a, neg(b), w)


@njit(cache=True, nogil=True, _nrt=False)
def mul(a, b, w):
    """``a * b`` rounded to 28 digits."""
    noinline()
    if a[5] == 0 or b[5] == 0:
        return (0, 0, 0, 0, 0, 0)
    a0, a1, a2, a3 = _U(a[2]), _U(a[3]), _U(a[4]), _U(a[5])
    b0, b1, b2, b3 = _U(b[2]), _U(b[3]), _U(b[4]), _U(b[5])
    c0 = a0 * b0
    c1 = a0 * b1 + a1 * b0
    c2 = a0 * b2 + a1 * b1 + a2 * b0
    c3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0
    c4 = a1 * b3 + a2 * b2 + a3 * b1
    c5 = a2 * b3 + a3 * b2
    c6 = a3 * b3
    q0 = c0 // UB
    q1 = c1 // UB
    q2 = c2 // UB
    q3 = c3 // UB
    q4 = c4 // UB
    q5 = c5 // UB
    q6 = c6 // UB
    r0 = c0 - q0 * UB
    r1 = c1 - q1 * UB + q0
    r2 = c2 - q2 * UB + q1
    r3 = c3 - q3 * UB + q2
    r4 = c4 - q4 * UB + q3
    r5 = c5 - q5 * UB + q4
    r6 = c6 - q6 * UB + q5
    r7 = q6
    k = r1 // UB
    r1 -= k * UB
    r2 += k
    k = r2 // UB
    r2 -= k * UB
    r3 += k
    k = r3 // UB
    r3 -= k * UB
    r4 += k
    k = r4 // UB
    r4 -= k * UB
    r5 += k
    k = r5 // UB
    r5 -= k * UB
    r6 += k
    k = r6 // UB
    r6 -= k * UB
    r7 += k
    ng = a[0] ^ b[0]
    e = a[1] + b[1]
    low = r0 != U0 or r1 != U0 or r2 != U0
    if r7 >= _E6:
        # 56 digits: keep the top four limbs
        rh = r3 // _E6
        st = low or (r3 - rh * _E6) != U0
        return _pack(ng, e + 28, r4, r5, r6, r7, rh, st)
    # 55 digits: drop 27 (three limbs and six digits)
    h3 = r3 // _E6
    h4 = r4 // _E6
    h5 = r5 // _E6
    h6 = r6 // _E6
    h7 = r7 // _E6
    rem3 = r3 - h3 * _E6
    rd = rem3 // _E5
    st = low or (rem3 - rd * _E5) != U0
    ten = _U(10)
    o0 = h3 + (r4 - h4 * _E6) * ten
    o1 = h4 + (r5 - h5 * _E6) * ten
    o2 = h5 + (r6 - h6 * _E6) * ten
    o3 = h6 + (r7 - h7 * _E6) * ten
    return _pack(ng, e + 27, o0, o1, o2, o3, rd, st)


@njit(cache=True, nogil=True, _nrt=False)
def div(a, b, w):
    """``a / b`` rounded to 28 digits (``b`` non-zero).

    With ``N = c_a 10**27`` (``c_a >= c_b``) or ``c_a 10**28`` the quotient
    ``floor(N / c_b)`` has exactly 28 digits; the remainder ``R`` rounds it half to even
    (``2 R`` against ``c_b``).  Four steps of schoolbook division in base ``10**7``, each
    digit estimated in float from the top limbs and corrected (at most once).
    """
    noinline()
    if a[5] == 0:
        return (0, 0, 0, 0, 0, 0)
    b0, b1, b2, b3 = _U(b[2]), _U(b[3]), _U(b[4]), _U(b[5])
    z = np.int64(0)
    ge_b = _cmp_mag((z, z, a[2], a[3], a[4], a[5]), (z, z, b[2], b[3], b[4], b[5])) >= 0
    w[0] = U0
    w[1] = U0
    w[2] = U0
    if ge_b:
        # N = c_a * 10**6 * B**3
        v = _U(a[2]) * _E6
        c = v // UB
        w[3] = v - c * UB
        v = _U(a[3]) * _E6 + c
        c = v // UB
        w[4] = v - c * UB
        v = _U(a[4]) * _E6 + c
        c = v // UB
        w[5] = v - c * UB
        v = _U(a[5]) * _E6 + c
        c = v // UB
        w[6] = v - c * UB
        w[7] = c
        e = a[1] - b[1] - 27
    else:
        # N = c_a * B**4
        w[3] = U0
        w[4] = _U(a[2])
        w[5] = _U(a[3])
        w[6] = _U(a[4])
        w[7] = _U(a[5])
        e = a[1] - b[1] - 28
    w[8] = U0
    inv = 1.0 / (float(b[5]) * 1e7 + float(b[4]) + float(b[3]) * 1e-7)
    for j in range(3, -1, -1):
        top = (
            float(np.int64(w[j + 4])) * 1e14
            + float(np.int64(w[j + 3])) * 1e7
            + float(np.int64(w[j + 2]))
        )
        est = top * inv - 1e-6
        qh = U0 if est < 1.0 else _U(np.int64(est))
        if qh > U0:
            # window -= qh * D (qh is never above the true quotient digit)
            t = qh * b0
            c = t // UB
            lo = t - c * UB
            v = w[j] + UB - lo
            br = U0 if v >= UB else U1
            w[j] = v - (U1 - br) * UB
            t = qh * b1 + c
            c = t // UB
            lo = t - c * UB
            v = w[j + 1] + UB - lo - br
            br = U0 if v >= UB else U1
            w[j + 1] = v - (U1 - br) * UB
            t = qh * b2 + c
            c = t // UB
            lo = t - c * UB
            v = w[j + 2] + UB - lo - br
            br = U0 if v >= UB else U1
            w[j + 2] = v - (U1 - br) * UB
            t = qh * b3 + c
            c = t // UB
            lo = t - c * UB
            v = w[j + 3] + UB - lo - br
            br = U0 if v >= UB else U1
            w[j + 3] = v - (U1 - br) * UB
            w[j + 4] = w[j + 4] - c - br
        while True:
            ge = w[j + 4] > U0
            if not ge:
                if w[j + 3] != b3:
                    ge = w[j + 3] > b3
                elif w[j + 2] != b2:
                    ge = w[j + 2] > b2
                elif w[j + 1] != b1:
                    ge = w[j + 1] > b1
                else:
                    ge = w[j] >= b0
            if not ge:
                break
            qh += U1
            v = w[j] + UB - b0
            br = U0 if v >= UB else U1
            w[j] = v - (U1 - br) * UB
            v = w[j + 1] + UB - b1 - br
            br = U0 if v >= UB else U1
            w[j + 1] = v - (U1 - br) * UB
            v = w[j + 2] + UB - b2 - br
            br = U0 if v >= UB else U1
            w[j + 2] = v - (U1 - br) * UB
            v = w[j + 3] + UB - b3 - br
            br = U0 if v >= UB else U1
            w[j + 3] = v - (U1 - br) * UB
            w[j + 4] = w[j + 4] - br
        w[16 + j] = qh
    # half to even from the remainder R = w[0:4]: compare 2 R with c_b
    r0 = w[0] * _U(2)
    r1 = w[1] * _U(2)
    r2 = w[2] * _U(2)
    r3 = w[3] * _U(2)
    c0 = U1 if r0 >= UB else U0
    r0 -= c0 * UB
    r1 += c0
    c1 = U1 if r1 >= UB else U0
    r1 -= c1 * UB
    r2 += c1
    c2 = U1 if r2 >= UB else U0
    r2 -= c2 * UB
    r3 += c2
    if r3 != b3:
        cmp2 = 1 if r3 > b3 else -1
    elif r2 != b2:
        cmp2 = 1 if r2 > b2 else -1
    elif r1 != b1:
        cmp2 = 1 if r1 > b1 else -1
    elif r0 != b0:
        cmp2 = 1 if r0 > b0 else -1
    else:
        cmp2 = 0
    if cmp2 > 0:
        rd = _U(6)
    elif cmp2 == 0:
        rd = _U(5)
    else:
        rd = U0
    return _pack(a[0] ^ b[0], e, w[16], w[17], w[18], w[19], rd, np.bool_(False))


@njit(cache=True, nogil=True, _nrt=False)
def mul_long(a, lg, w):
    """``a * L`` rounded to 28 digits, ``L = lg`` a long operand ``(neg, exp, l0..l7)``."""
    noinline()
    if a[5] == 0:
        return (0, 0, 0, 0, 0, 0)
    for i in range(14):
        w[i] = U0
    for i in range(4):
        ai = _U(a[2 + i])
        for j in range(8):
            w[i + j] += ai * _U(lg[2 + j])
    carry = U0
    for i in range(12):
        v = w[i] + carry
        carry = v // UB
        w[i] = v - carry * UB
    w[12] = carry
    return _norm(a[0] ^ lg[0], a[1] + lg[1], w, np.int64(13), np.bool_(False))


@njit(cache=True, nogil=True, _nrt=False)
def add_long(a, lg, w):
    """``a + L`` rounded to 28 digits, ``L = lg`` a long operand, when ``0 <= exp(a) -
    exp(L) <= 29`` (decide's ``1 - (1 - s) * 0.4 - 0.1``; ``ValueError`` otherwise)."""
    noinline()
    d = a[1] - lg[1]
    if a[5] == 0:
        d = 0
    if d < 0 or d > 29:
        raise ValueError("add_long: exponents out of range")
    q = d // 7
    u = d - 7 * q
    for i in range(20):
        w[i] = U0
    mulv = _UP10[u]
    carry = U0
    for i in range(4):
        v = _U(a[2 + i]) * mulv + carry
        carry = v // UB
        w[q + i] = v - carry * UB
    w[q + 4] = carry
    m = max(q + 5, 8)
    c = 0
    for i in range(m - 1, -1, -1):
        li = _U(lg[2 + i]) if i < 8 else U0
        if w[i] != li:
            c = 1 if w[i] > li else -1
            break
    if a[0] == lg[0]:
        carry = U0
        for i in range(m):
            v = w[i] + carry + (_U(lg[2 + i]) if i < 8 else U0)
            carry = v // UB
            w[i] = v - carry * UB
        w[m] = carry
        return _norm(a[0], lg[1], w, m + 1, np.bool_(False))
    if c == 0:
        return (0, 0, 0, 0, 0, 0)
    br = U0
    for i in range(m):
        li = _U(lg[2 + i]) if i < 8 else U0
        v = w[i] + UB - li - br if c > 0 else li + UB - w[i] - br
        br = U0 if v >= UB else U1
        w[i] = v - (U1 - br) * UB
    return _norm(a[0] if c > 0 else lg[0], lg[1], w, m, np.bool_(False))


@njit(cache=True, nogil=True, _nrt=False)
def to_float(a):
    """The nearest double, up to a few units in the last place."""
    if a[5] == 0:
        return 0.0
    c = ((float(a[5]) * 1e7 + float(a[4])) * 1e7 + float(a[3])) * 1e7 + float(a[2])
    e = a[1]
    if e >= 0:
        v = c * 10.0**e
    elif e >= -300:
        v = c / 10.0 ** (-e)
    else:
        v = (c / 1e300) / 10.0 ** (-e - 300)
    return -v if a[0] else v


@njit(cache=True, nogil=True, _nrt=False)
def from_int(v, w):
    """An integer ``|v| < 10**18`` as a decimal."""
    noinline()
    if v == 0:
        return (0, 0, 0, 0, 0, 0)
    ng = 1 if v < 0 else 0
    u = _U(abs(v))
    w[0] = u % UB
    w[1] = (u // UB) % UB
    w[2] = u // (UB * UB)
    return _norm(np.int64(ng), np.int64(0), w, np.int64(3), np.bool_(False))


@njit(cache=True, nogil=True, _nrt=False)
def parse(codes, w):
    """The decimal written in ``codes`` (code points of a float's shortest text, e.g.
    ``'0.85'``, ``'-1e-10'``, ``'1.2345678901234568e+20'``; 0-padded).

    Returns ``(ok, value)``; ``ok`` is False for text that is not a finite number.
    """
    noinline()
    n = codes.shape[0]
    i = 0
    ng = 0
    if i < n and (codes[i] == 45 or codes[i] == 43):  # '-' '+'
        ng = 1 if codes[i] == 45 else 0
        i += 1
    coef = 0
    ndig = 0
    e = 0
    seen = False
    dot = False
    while i < n:
        ch = codes[i]
        if 48 <= ch <= 57:
            seen = True
            if coef == 0 and ch == 48:
                if dot:
                    e -= 1
            elif ndig < 18:
                coef = coef * 10 + (ch - 48)
                ndig += 1
                if dot:
                    e -= 1
            elif not dot:
                e += 1
            i += 1
        elif ch == 46 and not dot:  # '.'
            dot = True
            i += 1
        else:
            break
    if not seen:
        return False, (0, 0, 0, 0, 0, 0)
    if i < n and (codes[i] == 101 or codes[i] == 69):  # 'e' 'E'
        i += 1
        es = 1
        if i < n and (codes[i] == 45 or codes[i] == 43):
            es = -1 if codes[i] == 45 else 1
            i += 1
        ev = 0
        got = False
        while i < n and 48 <= codes[i] <= 57:
            ev = ev * 10 + (codes[i] - 48)
            got = True
            i += 1
        if not got:
            return False, (0, 0, 0, 0, 0, 0)
        e += es * ev
    while i < n and codes[i] == 0:
        i += 1
    if i != n:
        return False, (0, 0, 0, 0, 0, 0)
    if coef == 0:
        return True, (0, 0, 0, 0, 0, 0)
    u = _U(coef)
    w[0] = u % UB
    w[1] = (u // UB) % UB
    w[2] = u // (UB * UB)
    return True, _norm(np.int64(ng), np.int64(e), w, np.int64(3), np.bool_(False))


# -- Python side ------------------------------------------------------------------------


def from_decimal(d: Decimal) -> tuple[int, int, int, int, int, int]:
    """A Python ``Decimal`` (at most 28 digits) as a tuple."""
    sgn, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    c = int("".join(map(str, digits)) or "0")
    if c == 0:
        return ZERO
    nd = len(str(c))
    if nd > 28:
        raise ValueError(f"{d} has more than 28 digits")
    c *= 10 ** (28 - nd)
    exp -= 28 - nd
    return (sgn, exp, c % B, (c // B) % B, (c // B**2) % B, c // B**3)


def long_from_decimal(d: Decimal) -> tuple[int, ...]:
    """A Python ``Decimal`` of at most 56 digits as a long operand ``(neg, exp, l0..l7)``."""
    sgn, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    c = int("".join(map(str, digits)) or "0")
    if len(str(c)) > 56:
        raise ValueError(f"{d} has more than 56 digits")
    return (sgn, exp, *((c // B**i) % B for i in range(8)))


def to_decimal(t: tuple[int, ...] | np.ndarray) -> Decimal:
    """A tuple (or a row of an ``int64`` array) back as a Python ``Decimal``."""
    vals = [int(v) for v in t]
    c = sum(v * B**i for i, v in enumerate(vals[2:]))
    with localcontext() as ctx:
        ctx.prec = 80
        return Decimal((vals[0], tuple(int(ch) for ch in str(c)), vals[1]))


def float_cut(f: float) -> tuple[int, int, int, int, int, int]:
    """The exact value of the double ``f`` cut (towards zero) to 28 digits."""
    d = Decimal(f)
    sgn, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    keep = digits[:28]
    return from_decimal(Decimal((sgn, keep, exp + len(digits) - len(keep))))


#: decide's float constants, exactly: ``Decimal(0.1)``, ``Decimal(0.4)``
FW_LONG = np.array(long_from_decimal(Decimal(0.1)), dtype=np.int64)  # noqa: RUF032
SW_LONG = np.array(long_from_decimal(Decimal(0.4)), dtype=np.int64)  # noqa: RUF032
#: ``Decimal(1e-10)`` cut to 28 digits (decide's smallest move and gain)
EPS_CUT = np.array(float_cut(1e-10), dtype=np.int64)
