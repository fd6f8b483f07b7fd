"""Coefficients of the exp and log polynomials of the compiled EUM kernel.

``detente.bargaining._eum_numba`` evaluates ``exp`` and ``log`` with short polynomials
after range reduction on the binary exponent:

* ``exp(f)`` for ``|f| <= ln(2)/2``, degree 11;
* ``atanh(sqrt(s)) / sqrt(s)`` for ``0 <= s <= ((sqrt(2) - 1) / (sqrt(2) + 1))**2``,
  degree 7 (``log m = 2 f p(f**2)`` with ``f = (m - 1) / (m + 1)``, ``m`` in
  ``[sqrt(2)/2, sqrt(2)]``).

The coefficients are Chebyshev interpolants computed at 50 significant digits with
``mpmath.chebyfit`` and rounded to float64.  The interpolation error (printed) is far
below the float64 rounding of the result.  ``tests/bargaining/test_eum_kernel.py`` checks
that the kernel's constants are these.

Run: ``.venv/bin/python tools/eum_kernel_polynomials.py`` (needs ``mpmath``, a dev
dependency).
"""

from __future__ import annotations

import mpmath as mp

EXP_DEGREE = 11
LOG_DEGREE = 7
DIGITS = 50


def _atanh_ratio(s: mp.mpf) -> mp.mpf:
    """``atanh(sqrt(s)) / sqrt(s)`` (1 at ``s = 0``)."""
    if s == 0:
        return mp.mpf(1)
    root = mp.sqrt(s)
    return mp.atanh(root) / root


def polynomials() -> tuple[tuple[float, ...], float, tuple[float, ...], float]:
    """Ascending float64 coefficients and the interpolation error, for exp then log."""
    with mp.workdps(DIGITS):
        half_ln2 = mp.log(2) / 2
        exp_c, exp_err = mp.chebyfit(
            mp.exp, [-half_ln2, half_ln2], EXP_DEGREE + 1, error=True, asc=True
        )
        s_max = ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2
        log_c, log_err = mp.chebyfit(_atanh_ratio, [0, s_max], LOG_DEGREE + 1, error=True, asc=True)
        exp_poly = tuple(float(c) for c in exp_c)
        log_poly = tuple(float(c) for c in log_c)
        return exp_poly, float(exp_err), log_poly, float(log_err)


def main() -> None:
    exp_poly, exp_err, log_poly, log_err = polynomials()
    print(f"exp, degree {EXP_DEGREE}, interpolation error {exp_err:.2g}:")
    print("  " + ",\n  ".join(repr(c) for c in exp_poly))
    print(f"atanh(sqrt(s))/sqrt(s), degree {LOG_DEGREE}, interpolation error {log_err:.2g}:")
    print("  " + ",\n  ".join(repr(c) for c in log_poly))


if __name__ == "__main__":
    main()
