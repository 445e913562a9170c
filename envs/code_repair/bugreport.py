"""Turning a validated mutant into a task: its difficulty and the bug report an agent reads.

The report is built from the failing visible tests only, so it says what is wrong without a
hint of where or how to fix it (the mutation itself, `inject.py`, stays out of it).
"""

from __future__ import annotations

from agentdata.envs.code_repair.inject import MutationKind

_KIND_WEIGHT = {
    MutationKind.SWAP_OPERATOR: 0, MutationKind.FLIP_COMPARISON: 0, MutationKind.CHANGE_RETURN: 0,
    MutationKind.NEGATE_CONDITION: 1, MutationKind.OFF_BY_ONE: 1, MutationKind.DROP_STATEMENT: 1,
}
MAX_REPORTED_TESTS = 5


def difficulty_of(kind: MutationKind, failing: int) -> int:
    """1 (easy) to 3 (hard): subtle operators and bugs that few tests notice are harder."""
    signal = 0 if failing >= 4 else 1 if failing >= 2 else 2
    return min(3, 1 + _KIND_WEIGHT[kind] + signal)


def bug_report(library: str, failing: list[tuple[str, str]], passing: int) -> str:
    """A problem statement built from the failing visible tests only (no hint of the fix).

    `failing` holds (node id, cleaned failure message) pairs.
    """
    shown = failing[:MAX_REPORTED_TESTS]
    lines = [
        f"Bug report: `{library}` gives wrong results",
        "",
        f"After a recent change, {len(failing)} test(s) of the `{library}` test suite fail "
        f"while {passing} other test(s) still pass. Failing tests:",
        "",
    ]
    for node_id, message in shown:
        lines.append(f"- {node_id}")
        lines.extend(f"    {row}" for row in message.splitlines())
    if len(failing) > len(shown):
        lines.append(f"- ... and {len(failing) - len(shown)} more")
    lines += [
        "",
        f"Find the bug in the `{library}` package and fix it so that the whole test suite "
        "passes. Do not change the tests; further tests are run when the fix is graded.",
        "",
    ]
    return "\n".join(lines)
