"""Symbolic checks with sympy; meant to run inside an `IsolatedWorker` (may be slow).

The input is the AST of `agentdata.envs.math.exact` (never a string: sympy's own parser uses
`eval`),
rebuilt into sympy objects with bounded exponents. `check_solution_set` answers whether an
equation in one variable has exactly the expected real solutions; `check_identity` whether
`lhs = rhs` holds for every value of its variables.
"""

from __future__ import annotations

from fractions import Fraction

from agentdata.envs.math.exact import Node
from agentdata.errors import VerifierError

MAX_SYMBOLIC_EXPONENT = 16
MAX_DEGREE = 8

JsonDict = dict[str, object]


class AlgebraError(VerifierError):
    """The expression is outside what the symbolic checker supports."""


def to_sympy(node: Node) -> object:
    """Rebuild an exact-evaluator AST as a sympy expression (bounded, no parsing)."""
    import sympy

    op = node[0]
    if op == "num":
        value = node[1]
        assert isinstance(value, Fraction)
        return sympy.Rational(value.numerator, value.denominator)
    if op == "var":
        return sympy.Symbol(str(node[1]))
    if op == "const":
        return {"pi": sympy.pi, "inf": sympy.oo, "i": sympy.I}[str(node[1])]
    children = [to_sympy(child) for child in node[1:] if isinstance(child, tuple)]
    if op == "neg":
        return -children[0]  # type: ignore[operator]
    if op == "pct":
        return children[0] / 100  # type: ignore[operator]
    a, b = children
    if op == "add":
        return a + b  # type: ignore[operator]
    if op == "sub":
        return a - b  # type: ignore[operator]
    if op == "mul":
        return a * b  # type: ignore[operator]
    if op in ("div", "floordiv"):
        if b == 0:
            raise AlgebraError("division by zero")
        return a / b if op == "div" else sympy.floor(a / b)  # type: ignore[operator]
    if op == "pow":
        return _power(a, b)
    raise AlgebraError(f"unknown node {op!r}")


def _power(base: object, exponent: object) -> object:
    """`base ** exponent` for a rational exponent p/q with |p|, q <= 16 (odd roots are real)."""
    import sympy

    if not getattr(exponent, "is_Rational", False):
        raise AlgebraError("the exponent must be a rational number")
    p, q = int(exponent.p), int(exponent.q)  # type: ignore[attr-defined]
    if abs(p) > MAX_SYMBOLIC_EXPONENT or q > MAX_SYMBOLIC_EXPONENT:
        raise AlgebraError(f"exponent terms must be at most {MAX_SYMBOLIC_EXPONENT}")
    if q == 1:
        return base**p  # type: ignore[operator]
    real = q % 2 and getattr(base, "is_number", False)  # odd roots of numbers are real roots
    root = sympy.real_root(base, q) if real else base ** sympy.Rational(1, q)
    return root**p


def check_solution_set(lhs: Node, rhs: Node, var: str, expected: list[Fraction]) -> JsonDict:
    """Compare the real solution set of `lhs = rhs` in `var` with `expected`.

    Returns {"status": "equivalent" | "identity" | "extraneous" | "missing" | "unsupported",
    "extra": [...], "missing": [...], "residual": str}.
    """
    import sympy

    try:
        expr = sympy.together(to_sympy(lhs) - to_sympy(rhs))  # type: ignore[operator]
    except AlgebraError as exc:
        return {"status": "unsupported", "reason": str(exc)}
    numer, denom = sympy.fraction(expr)
    numer = sympy.expand(numer)
    symbol = sympy.Symbol(var)
    if numer == 0:
        return {"status": "identity", "residual": "0"}
    if numer.free_symbols - {symbol} or denom.free_symbols - {symbol}:
        return {"status": "unsupported", "reason": "other symbols in the claim"}
    poly = sympy.Poly(numer, symbol)
    if poly.degree() > MAX_DEGREE:
        return {"status": "unsupported", "reason": f"degree above {MAX_DEGREE}"}
    roots = {r for r in poly.real_roots() if sympy.simplify(denom.subs(symbol, r)) != 0}
    wanted = {sympy.Rational(v.numerator, v.denominator) for v in expected}
    extra = sorted(str(r) for r in roots - wanted)
    missing = sorted(str(r) for r in wanted - roots)
    status = "extraneous" if extra else "missing" if missing else "equivalent"
    return {"status": status, "extra": extra, "missing": missing, "residual": str(expr)[:500]}


def check_identity(lhs: Node, rhs: Node) -> JsonDict:
    """Whether `lhs - rhs` simplifies to zero: {"status": "identity" | "not_identity" | ...}."""
    import sympy

    try:
        residual = sympy.simplify(to_sympy(lhs) - to_sympy(rhs))  # type: ignore[operator]
    except AlgebraError as exc:
        return {"status": "unsupported", "reason": str(exc)}
    status = "identity" if residual == 0 else "not_identity"
    return {"status": status, "residual": str(residual)[:500]}


def sympy_check_numeric(lhs: Node, rhs: Node) -> bool:
    """Baseline for the benchmark: check a numeric claim with sympy alone."""
    import sympy

    return bool(sympy.simplify(to_sympy(lhs) - to_sympy(rhs)) == 0)  # type: ignore[operator]


NUMERIC_DIGITS = 60


def warm_up() -> None:
    """Run each kind of check once (the worker's `warmup`): sympy fills its caches and lazy
    imports here, not in the first step's time budget."""
    from agentdata.envs.math.exact import parse

    check_identity(parse("(x+1)^2"), parse("x^2+2x+1"))
    check_solution_set(parse("x^2"), parse("4"), "x", [Fraction(2), Fraction(-2)])
    scalars_equal(parse("2^(1/2)"), None, parse("1.41"), 2, 2)


def scalars_equal(
    got: Node, got_places: int | None, expected: Node, exp_places: int | None, min_places: int
) -> JsonDict:
    """Exact (symbolic) equality of two answers; when exactly one side is a rounded decimal,
    the other must round to it (see `answers.rounded_match`). {"equal": bool, "how": str}."""
    import sympy

    try:
        g, e = to_sympy(got), to_sympy(expected)
    except AlgebraError as exc:
        return {"equal": False, "how": f"unsupported: {exc}"}
    if g == e:
        return {"equal": True, "how": "identical"}
    special = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)
    if any(s in special for s in (g, e)) or any(
        getattr(x, "has", lambda *_: False)(*special) for x in (g, e)
    ):
        return {"equal": False, "how": "infinite values differ"}
    free = g.free_symbols | e.free_symbols  # type: ignore[attr-defined]
    if not free and (got_places is None) != (exp_places is None):
        places = exp_places if exp_places is not None else got_places
        assert places is not None
        if exp_places is not None or places >= min_places:
            diff = sympy.N(g - e, NUMERIC_DIGITS)  # type: ignore[operator]
            tol = sympy.Rational(1, 2) * sympy.Rational(10) ** (-places)
            return {"equal": bool(abs(diff) <= tol), "how": f"rounded to {places} places"}
    diff = sympy.simplify(g - e)  # type: ignore[operator]
    if diff == 0:
        return {"equal": True, "how": "exact"}
    if free or diff.is_zero is False:
        return {"equal": False, "how": "exact", "difference": str(diff)[:200]}
    value = abs(sympy.N(diff, NUMERIC_DIGITS))
    equal = bool(value < sympy.Rational(1, 10 ** (NUMERIC_DIGITS - 5)))
    return {"equal": equal, "how": f"numeric, {NUMERIC_DIGITS} digits"}
