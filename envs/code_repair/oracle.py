"""Oracle agent for code repair: read the failing test, apply the reference fix, test, submit.

Without mistakes the episode is: `read_file` (the first failing visible test's file), `edit`
(the reference fix as an exact-string replacement, or as the patch when the old text is not
unique), `run_tests`, `submit`. With probability `error_rate` the first edit is wrong: another
mutation on (or nearest to) the buggy line, which leaves the bug in place, so the tests reject
it; the next edit turns the wrong line into the fixed one (a fail->fix cycle). All randomness
comes from the generator handed in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agentdata.envs.code_repair.inject import find_mutations
from agentdata.envs.code_repair.patches import apply_to_texts, make_diff
from agentdata.envs.code_repair.taskformat import LoadedTask
from agentdata.envs.code_repair.tools import tool_call


def _fix_of(task: LoadedTask) -> tuple[str, str, str]:
    """(path, buggy text, fixed text) of the file the reference patch changes."""
    patch = task.reference_patch_text()
    if patch is None:
        raise ValueError(f"task {task.task.id} has no reference_patch: no oracle")
    repo = task.repo_files()
    changes = apply_to_texts(patch, lambda p: repo[p].decode("utf-8") if p in repo else None)
    path = next(p for p, t in changes.items() if t is not None)
    return path, repo[path].decode("utf-8") if path in repo else "", str(changes[path])


def wrong_version(path: str, buggy: str, fixed: str, rng: np.random.Generator) -> str | None:
    """A plausible wrong fix: another mutation near the bug (the bug itself stays)."""
    old, new = buggy.splitlines(), fixed.splitlines()
    bug_line = next((i + 1 for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                    min(len(old), len(new)))
    options = [m for m in find_mutations(path, buggy) if m.apply(buggy) != fixed]
    if not options:
        return None
    best = min(abs(m.line - bug_line) for m in options)
    near = [m for m in options if abs(m.line - bug_line) == best]
    return near[int(rng.integers(0, len(near)))].apply(buggy)


def _edit(path: str, before: str, after: str) -> str:
    """An edit action from `before` to `after`: exact replacement when unambiguous, else a diff."""
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lo = 0
    while lo < min(len(old_lines), len(new_lines)) and old_lines[lo] == new_lines[lo]:
        lo += 1
    hi = 0
    while (hi < min(len(old_lines), len(new_lines)) - lo
           and old_lines[-1 - hi] == new_lines[-1 - hi]):
        hi += 1
    old = "".join(old_lines[lo : len(old_lines) - hi])
    new = "".join(new_lines[lo : len(new_lines) - hi])
    if old and before.count(old) == 1:
        return tool_call("edit", path=path, old=old, new=new)
    return tool_call("edit", patch=make_diff(before, after, path))


class CodeRepairOracle:
    """Per-episode oracle (see `CodeRepairEnv.oracle`)."""

    def __init__(self, task: LoadedTask, rng: np.random.Generator, *, error_rate: float,
                 max_steps: int) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError(f"error_rate must be in [0, 1], got {error_rate}")
        self.path, buggy, fixed = _fix_of(task)
        visible = set(task.repo_files())
        failing = [t for t in task.task.fail_to_pass if t.split("::", 1)[0] in visible]
        test_file = (failing or task.task.fail_to_pass)[0].split("::", 1)[0]
        wrong = wrong_version(self.path, buggy, fixed, rng)
        # A mistake costs two more steps (the wrong edit and its test run); only when they fit.
        slip = float(rng.random()) < error_rate and wrong is not None and max_steps >= 7
        plan = [tool_call("read_file", path=test_file)]
        if slip and wrong is not None:
            plan += [_edit(self.path, buggy, wrong), tool_call("run_tests"),
                     _edit(self.path, wrong, fixed)]
        else:
            plan.append(_edit(self.path, buggy, fixed))
        plan += [tool_call("run_tests"), tool_call("submit")]
        self.plan = plan
        self.mistakes = ["wrong_edit"] if slip else []
        self.index = 0

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """The next planned action (after the plan: submit again)."""
        action = self.plan[min(self.index, len(self.plan) - 1)]
        self.index += 1
        return action
