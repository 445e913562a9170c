"""AST bug injection: every operator, minimal edits, determinism, bug reports."""

from __future__ import annotations

import ast

from agentdata.envs.code_repair.bugreport import bug_report, difficulty_of
from agentdata.envs.code_repair.inject import MutationKind, find_mutations
from agentdata.envs.code_repair.patches import apply_to_mapping, make_diff

SOURCE = '''"""Module docstring with 1 + 2."""

LIMIT = 10


def clamp(x, lo, hi):
    """Clamp x to [lo, hi]."""
    if x < lo:
        return lo
    total = x + 1
    total -= 1
    return min(total, hi) if hi > 0 else hi


def window(items, n):
    out = []
    for i in range(len(items) - n):
        out.append(items[i : i + n])
    return out and True


class Box:
    size = 3

    def empty(self):
        return self.size == 0
'''


def test_every_kind_is_found_inside_functions_only() -> None:
    muts = find_mutations("m.py", SOURCE)
    assert {m.kind for m in muts} == set(MutationKind)
    first_def = SOURCE.index("def clamp")
    assert all(m.start > first_def for m in muts)  # docstring and LIMIT untouched
    assert not any(m.line == 23 for m in muts)  # class attribute `size = 3` untouched
    assert {m.function for m in muts} == {"clamp", "window", "Box.empty"}


def test_specific_mutations() -> None:
    muts = find_mutations("m.py", SOURCE)
    found = {(m.kind, m.original, m.replacement) for m in muts}
    assert (MutationKind.FLIP_COMPARISON, "<", ">") in found
    assert (MutationKind.OFF_BY_ONE, "<", "<=") in found
    assert (MutationKind.SWAP_OPERATOR, "+", "-") in found
    assert (MutationKind.SWAP_OPERATOR, "-=", "+=") in found
    assert (MutationKind.SWAP_OPERATOR, "and", "or") in found
    assert (MutationKind.NEGATE_CONDITION, "x < lo", "not x < lo") in found
    assert (MutationKind.NEGATE_CONDITION, "hi > 0", "not hi > 0") in found
    assert (MutationKind.OFF_BY_ONE, "len(items) - n", "len(items) - n + 1") in found
    assert (MutationKind.OFF_BY_ONE, "i + n", "i + n + 1") in found
    assert (MutationKind.CHANGE_RETURN, "self.size == 0", "not (self.size == 0)") in found
    assert (MutationKind.CHANGE_RETURN, "out and True", "not (out and True)") in found
    assert (MutationKind.DROP_STATEMENT, "    total -= 1\n", "") in found
    assert (MutationKind.DROP_STATEMENT, "        out.append(items[i : i + n])\n", "") not in found


def test_mutants_parse_and_fix_is_a_one_line_diff() -> None:
    for m in find_mutations("m.py", SOURCE):
        mutated = m.apply(SOURCE)
        assert mutated != SOURCE
        ast.parse(mutated)
        patch = make_diff(mutated, SOURCE, "m.py")
        changed = [ln for ln in patch.splitlines()[2:] if ln[:1] in "+-"]
        assert 1 <= len(changed) <= 2
        assert apply_to_mapping(patch, {"m.py": mutated}) == {"m.py": SOURCE}


def test_deterministic_order_and_keys() -> None:
    a = find_mutations("m.py", SOURCE)
    b = find_mutations("m.py", SOURCE)
    assert a == b
    assert len({m.key for m in a}) == len(a)


def test_difficulty_levels() -> None:
    assert difficulty_of(MutationKind.SWAP_OPERATOR, 8) == 1
    assert difficulty_of(MutationKind.OFF_BY_ONE, 8) == 2
    assert difficulty_of(MutationKind.SWAP_OPERATOR, 2) == 2
    assert difficulty_of(MutationKind.OFF_BY_ONE, 1) == 3


def test_bug_report_lists_tests_without_the_fix() -> None:
    failing = [(f"tests/test_a.py::test_{i}", "AssertionError: assert 3 == 4") for i in range(7)]
    text = bug_report("mylib", failing, 12)
    assert "tests/test_a.py::test_0" in text and "assert 3 == 4" in text
    assert "7 test(s)" in text and "12 other" in text and "2 more" in text
    assert "tests/test_a.py::test_6" not in text
