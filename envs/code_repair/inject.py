"""Bug injection by AST mutation, applied as minimal text edits so the fix is a small diff.

The AST finds the sites; the edit replaces only the source span of the node (or the operator
token between two operands), so comments and formatting stay and the reference patch that
undoes a mutation touches one line. Only code inside functions is mutated (a bug report is
about behaviour); docstrings are never touched. Order of `find_mutations` is deterministic.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from enum import StrEnum


class MutationKind(StrEnum):
    """The mutation operators."""

    SWAP_OPERATOR = "swap_operator"
    FLIP_COMPARISON = "flip_comparison"
    OFF_BY_ONE = "off_by_one"
    NEGATE_CONDITION = "negate_condition"
    DROP_STATEMENT = "drop_statement"
    CHANGE_RETURN = "change_return"


_BINOPS: dict[type[ast.AST], tuple[str, str]] = {
    ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "+"), ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "/"), ast.Mod: ("%", "//"), ast.Pow: ("**", "*"),
}
_BOOLOPS: dict[type[ast.AST], tuple[str, str]] = {ast.And: ("and", "or"), ast.Or: ("or", "and")}
_FLIPS: dict[type[ast.AST], tuple[str, str]] = {
    ast.Lt: ("<", ">"), ast.Gt: (">", "<"), ast.LtE: ("<=", ">="), ast.GtE: (">=", "<="),
    ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="), ast.In: ("in", "not in"),
    ast.NotIn: ("not in", "in"), ast.Is: ("is", "is not"), ast.IsNot: ("is not", "is"),
}
_BOUNDARIES: dict[type[ast.AST], tuple[str, str]] = {
    ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"),
}
# Expressions that can take a trailing "+ 1" without changing how they parse.
_ADDITIVE = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)


@dataclass(frozen=True)
class Mutation:
    """A text edit of one source file that injects a bug."""

    path: str
    kind: MutationKind
    line: int
    start: int
    end: int
    original: str
    replacement: str
    function: str

    def apply(self, source: str) -> str:
        """The mutated source."""
        if source[self.start : self.end] != self.original:
            raise ValueError(f"{self.path}:{self.line}: source does not match the mutation")
        return source[: self.start] + self.replacement + source[self.end :]

    @property
    def key(self) -> str:
        """Short stable hash naming this mutation."""
        text = f"{self.path}|{self.kind}|{self.start}|{self.end}|{self.replacement}"
        return hashlib.sha256(text.encode()).hexdigest()[:8]

    def describe(self) -> str:
        """e.g. "off_by_one in intervals/interval.py:37 ('<' -> '<=')" (for logs, not agents)."""
        return f"{self.kind} in {self.path}:{self.line} ({self.original!r} -> {self.replacement!r})"


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.line_starts = [0]
        for line in source.split("\n"):
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.lines = source.split("\n")
        self.scope: list[str] = []
        self.found: list[Mutation] = []

    def offset(self, line: int, col: int) -> int:
        # ast columns count UTF-8 bytes; turn them into character offsets
        text = self.lines[line - 1].encode("utf-8")[:col].decode("utf-8", "replace")
        return self.line_starts[line - 1] + len(text)

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def add(self, kind: MutationKind, node: ast.AST, start: int, end: int, new: str) -> None:
        if not self.scope:
            return
        self.found.append(Mutation(self.path, kind, node.lineno, start, end,  # type: ignore[attr-defined]
                                   self.source[start:end], new, ".".join(self.scope)))

    def token_between(self, left: ast.AST, right: ast.AST, token: str) -> tuple[int, int] | None:
        """Span of the operator token between two operands (parentheses allowed around it)."""
        lo, hi = self.span(left)[1], self.span(right)[0]
        gap = self.source[lo:hi]
        bare = gap.replace("(", " ").replace(")", " ")
        if bare.split() != token.split():
            return None
        first = bare.index(token.split()[0])
        last = bare.rindex(token.split()[-1]) + len(token.split()[-1])
        return lo + first, lo + last

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node.name, node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node.name, node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        for stmt in node.body:  # class-level statements are declarations, not behaviour
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.visit(stmt)
        self.scope.pop()

    def _scoped(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # skip the docstring
        self._drops(body)
        for stmt in body:
            self.visit(stmt)
        self.scope.pop()

    def _drops(self, body: list[ast.stmt]) -> None:
        if len(body) < 2:
            return  # dropping the only statement would leave an empty block
        for stmt in body:
            if not isinstance(stmt, ast.Assign | ast.AugAssign | ast.Expr | ast.AnnAssign):
                continue
            if stmt.lineno != stmt.end_lineno:
                continue
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                continue
            line = self.lines[stmt.lineno - 1]
            start, end = self.span(stmt)
            if line.strip() != self.source[start:end]:
                continue
            line_start = self.line_starts[stmt.lineno - 1]
            self.add(MutationKind.DROP_STATEMENT, stmt, line_start, line_start + len(line) + 1, "")

    def generic_visit(self, node: ast.AST) -> None:
        # every compound statement passes through here once: offer drops in its blocks
        if isinstance(node, ast.stmt) and not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            for block in ("body", "orelse", "finalbody"):
                self._drops(getattr(node, block, []))
        super().generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        pair = _BINOPS.get(type(node.op))
        span = pair and self.token_between(node.left, node.right, pair[0])
        if pair and span:
            self.add(MutationKind.SWAP_OPERATOR, node, span[0], span[1], pair[1])
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        pair = _BINOPS.get(type(node.op))
        span = pair and self.token_between(node.target, node.value, pair[0] + "=")
        if pair and span:
            self.add(MutationKind.SWAP_OPERATOR, node, span[0], span[1], pair[1] + "=")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        pair = _BOOLOPS[type(node.op)]
        span = self.token_between(node.values[0], node.values[1], pair[0])
        if span:
            self.add(MutationKind.SWAP_OPERATOR, node, span[0], span[1], pair[1])
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        left: ast.AST = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            for kind, table in ((MutationKind.FLIP_COMPARISON, _FLIPS),
                                (MutationKind.OFF_BY_ONE, _BOUNDARIES)):
                pair = table.get(type(op))
                span = pair and self.token_between(left, right, pair[0])
                if pair and span:
                    self.add(kind, node, span[0], span[1], pair[1])
            left = right
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if type(node.value) is int:
            start, end = self.span(node)
            self.add(MutationKind.OFF_BY_ONE, node, start, end, str(node.value + 1))
            if node.value > 0:
                self.add(MutationKind.OFF_BY_ONE, node, start, end, str(node.value - 1))

    def visit_Slice(self, node: ast.Slice) -> None:
        for bound in (node.lower, node.upper):
            self._plus_one(bound)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "range":
            for arg in node.args:
                self._plus_one(arg)
        self.generic_visit(node)

    def _plus_one(self, expr: ast.expr | None) -> None:
        if expr is None or isinstance(expr, ast.Constant):
            return  # constants are covered by visit_Constant
        simple = isinstance(expr, _ADDITIVE) or (
            isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Sub)
        )
        if simple:
            start, end = self.span(expr)
            self.add(MutationKind.OFF_BY_ONE, expr, start, end, self.source[start:end] + " + 1")

    def _negate(self, test: ast.expr) -> None:
        start, end = self.span(test)
        text = self.source[start:end]
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            new = self.source.__getitem__(slice(*self.span(test.operand)))
        elif isinstance(test, ast.Compare | ast.Name | ast.Call | ast.Attribute | ast.Subscript):
            new = f"not {text}"
        else:
            new = f"not ({text})"
        self.add(MutationKind.NEGATE_CONDITION, test, start, end, new)

    def visit_If(self, node: ast.If) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is not None:
            start, end = self.span(value)
            text = self.source[start:end]
            if isinstance(value, ast.Constant) and isinstance(value.value, bool):
                new: str | None = str(not value.value)
            elif isinstance(value, ast.Constant) and value.value is None:
                new = None
            elif isinstance(value, ast.Compare | ast.BoolOp):
                new = f"not ({text})"
            elif isinstance(value, ast.Constant) and type(value.value) is int:
                new = None  # covered by off_by_one
            else:
                new = "None"
            if new is not None:
                self.add(MutationKind.CHANGE_RETURN, node, start, end, new)
        self.generic_visit(node)


def find_mutations(path: str, source: str) -> list[Mutation]:
    """All mutations of one Python source file, in source order (then kind, then text)."""
    finder = _Finder(path, source)
    finder.visit(ast.parse(source, filename=path))
    unique = {(m.start, m.end, m.replacement, m.kind): m for m in finder.found}
    ordered = sorted(unique.values(), key=lambda m: (m.start, m.end, m.kind.value, m.replacement))
    valid = []
    for mutation in ordered:
        try:  # every mutant must still parse, so its tests fail rather than not collect
            ast.parse(mutation.apply(source))
        except SyntaxError:
            continue
        valid.append(mutation)
    return valid
