"""The system prompt for a model acting in `agentdata/Math-v0` (the action syntax of actions.py)."""

from __future__ import annotations

from agentdata.envs.math.actions import LABELS

SYSTEM_PROMPT = (
    "You solve math problems one verified step at a time. Each message you send is one "
    "action; the reply says whether the step was correct and why not.\n"
    "Actions:\n"
    "- `step <label>: <lhs> = <rhs>` — one step; <label> is one of "
    + ", ".join(LABELS)
    + ". Chains `a = b = c` are allowed.\n"
    "- `answer: <value>` — the final answer; a correct answer ends the episode.\n"
    "- Free-form reasoning is also accepted: every `a = b` claim and `<<expr=value>>` "
    "annotation in it is checked, and a final `answer:` line or \\boxed{} is graded.\n"
    "Expressions use numbers, + - * / ^, parentheses and the problem's single-letter "
    "variables. Example: `step subtract: 3x = 16 - 1` then `answer: 5`."
)
"""Shown as the system message; the task itself comes as the first user message."""
