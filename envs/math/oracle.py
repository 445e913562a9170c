"""Oracle agent: replays a task's reference solution, optionally with realistic, fixable slips.

With `error_rate` p, each reference action is first sent wrong with probability p (as long as
the step budget leaves room for the fix): an arithmetic slip (the last computed number is off),
a skipped step (jumping to an answer before the work is done) or a wrong final answer. After
the environment's feedback the oracle sends the correct action, so episodes contain fail->fix
cycles. All randomness comes from the generator handed in.
"""

from __future__ import annotations

import re

import numpy as np

from agentdata.envs.math.actions import ActionParseError, parse_action
from agentdata.envs.math.answers import compare
from agentdata.envs.math.errors import AnswerParseError
from agentdata.envs.math.exact import format_fraction, parse_number
from agentdata.envs.text_oracle import ReplayOracle
from agentdata.schemas import TaskSpec

_ANNOTATION = re.compile(r"<<([^<>=]*)=([^<>]*)>>(\d[\d,]*(?:\.\d+)?)?")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def reference_actions(task: TaskSpec, max_steps: int) -> list[str]:
    """The actions that solve `task`: its reference steps (grouped to be checkable) + answer."""
    reference = task.metadata.get("reference")
    lines = [str(x) for x in reference] if isinstance(reference, list) else []
    answer = f"answer: {task.metadata.get('answer', '')}"
    if task.family != "gsm8k":
        return [*lines[: max(0, max_steps - 1)], answer] if lines else [answer]
    groups: list[str] = []
    pending: list[str] = []
    for line in lines:  # prose-only lines ride along with the next checkable line
        pending.append(line)
        try:
            parse_action(line, frozenset())
        except ActionParseError:
            continue
        groups.append("\n".join(pending))
        pending = []
    if len(groups) + 1 > max_steps:
        groups = ["\n".join(groups)]
    if pending or max_steps == 1:  # trailing prose goes with the answer, checked together
        answer = "\n".join([*(groups if max_steps == 1 else []), *pending, answer])
        groups = [] if max_steps == 1 else groups
    return [*groups, answer]


def _shift(text: str, delta: int) -> str:
    value, places = parse_number(text)
    new = value + delta
    if places is not None and places > 0:
        return f"{float(new):.{places}f}"
    return format_fraction(new)


def perturb(action: str, delta: int) -> str:
    """The same action with its last computed number off by `delta` (> 0)."""
    annotations = list(_ANNOTATION.finditer(action))
    if annotations:
        m = annotations[-1]
        new = (
            _shift(m.group(2).strip().replace(",", ""), delta)
            if _NUMBER.fullmatch(m.group(2).strip().replace(",", ""))
            else m.group(2) + f"+{delta}"
        )
        tail = new if m.group(3) else ""
        return action[: m.start()] + f"<<{m.group(1)}={new}>>{tail}" + action[m.end() :]
    numbers = list(_NUMBER.finditer(action))
    if not numbers:
        return action + f" + {delta}"
    m = numbers[-1]
    return action[: m.start()] + _shift(m.group(0), delta) + action[m.end() :]


def _is_correct(got: str, expected: str) -> bool:
    try:
        return compare(got, expected).correct
    except AnswerParseError:
        return False


class MathOracle(ReplayOracle):
    """Per-episode oracle for one math task (see `MathEnv.oracle`)."""

    pick_range = (1, 10)  # the slip: the last number off by 1-9

    def __init__(
        self, task: TaskSpec, rng: np.random.Generator, *, error_rate: float, max_steps: int
    ) -> None:
        actions = reference_actions(task, max_steps)
        super().__init__(task, rng, actions, error_rate=error_rate, max_steps=max_steps)

    def _mistake(self, delta: int) -> str:
        action = self.actions[self.index]
        if action.startswith("answer:"):
            self.mistakes.append("wrong_final_answer")
            return perturb(action, delta)
        if delta % 3 == 0:  # a third of the step slips skip ahead to an early, wrong answer
            self.mistakes.append("skipped_step")
            final = str(self.task.metadata.get("answer", "0"))
            numbers = _NUMBER.findall(action.split("=")[-1]) if "=" in action else []
            if numbers and not _is_correct(numbers[-1], final):
                return f"answer: {numbers[-1]}"  # the intermediate value, given as the answer
            return perturb(f"answer: {final}", delta)
        self.mistakes.append("arithmetic_slip")
        return perturb(action, delta)
