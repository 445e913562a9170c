"""Exact powers and roots of rationals, with their size bounded before they are computed."""

from __future__ import annotations

from fractions import Fraction

from agentdata.envs.math.errors import ExactDomainError, ExactLimitError

MAX_BITS = 4_096
MAX_EXPONENT = 4_096


def _exact_root(value: int, n: int) -> int | None:
    """The integer n-th root of `value` >= 0 when it is exact, else None."""
    root = round(value ** (1 / n)) if value.bit_length() < 1000 else None
    if root is None:  # Newton's method for big values
        root = 1 << (value.bit_length() // n + 1)
        while True:
            nxt = ((n - 1) * root + value // root ** (n - 1)) // n
            if nxt >= root:
                break
            root = nxt
    for cand in (root - 1, root, root + 1):
        if cand >= 0 and cand**n == value:
            return cand
    return None


def _root(base: Fraction, n: int) -> Fraction:
    """The exact n-th root of a rational, or ExactDomainError when it is irrational."""
    if n > 64:
        raise ExactDomainError("root of too high an order")
    if base < 0 and n % 2 == 0:
        raise ExactDomainError("even root of a negative number")
    sign = -1 if base < 0 else 1
    num, den = _exact_root(abs(base.numerator), n), _exact_root(base.denominator, n)
    if num is None or den is None:
        raise ExactDomainError("irrational root has no exact rational value")
    return Fraction(sign * num, den)


def power(base: Fraction, exponent: Fraction) -> Fraction:
    """`base ** exponent` exactly, its size predicted first; a rational exponent only when the
    root is rational (ExactDomainError otherwise)."""
    if exponent.denominator != 1:
        if abs(exponent.numerator) > MAX_EXPONENT:
            raise ExactLimitError(f"exponent {exponent} is too large", limit="exponent")
        return power(_root(base, exponent.denominator), Fraction(exponent.numerator))
    exp = exponent.numerator
    if base == 0 and exp < 0:
        raise ExactDomainError("zero to a negative power")
    if base in (0, 1):
        return base
    if base == -1:
        return Fraction(-1 if exp % 2 else 1)
    if abs(exp) > MAX_EXPONENT:
        raise ExactLimitError(f"exponent {exp} exceeds {MAX_EXPONENT}", limit="exponent")
    size = max(base.numerator.bit_length(), base.denominator.bit_length())
    if size * abs(exp) > MAX_BITS:
        raise ExactLimitError(f"power would exceed {MAX_BITS} bits", limit="bits")
    return base**exp
