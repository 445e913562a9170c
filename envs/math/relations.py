"""Answers written as relations on one variable, rewritten as the kinds they denote.

* Membership: `x \\in [1, 2)` (or `x ∈ ...`) is what follows `\\in`.
* Inequalities: `x \\geq 3` is `[3, \\infty)`, `x < 3` is `(-\\infty, 3)`, `3 < x` is `x > 3`,
  and `1 \\le x < 2` is `[1, 2)`. Operators: `<`, `>`, `\\le`, `\\leq`, `\\leqslant`, `<=`,
  `≤` (and the `≥` forms), `\\lt`, `\\gt`. One variable (a single letter) only; anything else
  (`x < y`, `1 < x > 2`, two letters) is left to the reader, which cannot read it.

The rewrite is text to text so that the bounds are read by the same reader as any interval.
"""

from __future__ import annotations

import re

_MEMBER = re.compile(r"^[A-Za-z]\s*(?:\\in(?![A-Za-z])|∈)\s*(?=\S)")
_OPERATORS = (
    (re.compile(r"\\leq?(?:slant)?(?![A-Za-z])|<=|≤|⩽"), "≤"),
    (re.compile(r"\\geq?(?:slant)?(?![A-Za-z])|>=|≥|⩾"), "≥"),
    (re.compile(r"\\lt(?![A-Za-z])"), "<"),
    (re.compile(r"\\gt(?![A-Za-z])"), ">"),
)
_SPLIT = re.compile(r"([<>≤≥])")
_VARIABLE = re.compile(r"^[A-Za-z]$")
_FLIP = {"<": ">", ">": "<", "≤": "≥", "≥": "≤"}


def membership(text: str) -> str | None:
    """What `x \\in S` says x is in, or None when `text` is not a membership."""
    match = _MEMBER.match(text)
    return text[match.end() :] if match else None


def _one_sided(op: str, bound: str) -> str:
    """The interval of `x op bound`."""
    if op in "<≤":
        return f"(-\\infty, {bound}{')' if op == '<' else ']'}"
    return f"{'(' if op == '>' else '['}{bound}, \\infty)"


def inequality_interval(text: str) -> str | None:
    """The interval an inequality on one variable denotes (as text), or None."""
    if not any(op in text for op in "<>≤≥⩽⩾\\"):
        return None
    plain = text
    for pattern, op in _OPERATORS:
        plain = pattern.sub(op, plain)
    parts = [part.strip() for part in _SPLIT.split(plain)]
    if len(parts) == 3:
        left, op, right = parts
        if _VARIABLE.match(left) and right and not _VARIABLE.match(right):
            return _one_sided(op, right)
        if _VARIABLE.match(right) and left and not _VARIABLE.match(left):
            return _one_sided(_FLIP[op], left)
        return None
    if len(parts) == 5 and _VARIABLE.match(parts[2]) and parts[0] and parts[4]:
        low, op1, _, op2, high = parts
        if op1 in ">≥" and op2 in ">≥":  # `5 > x > 1` is `1 < x < 5`
            low, op1, op2, high = high, _FLIP[op2], _FLIP[op1], low
        if op1 in "<≤" and op2 in "<≤":
            return f"{'(' if op1 == '<' else '['}{low}, {high}{')' if op2 == '<' else ']'}"
    return None
