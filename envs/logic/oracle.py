"""Oracle agent: a valid derivation, then the answer; with `error_rate`, fixable mistakes.

The derivation is the task's gold proof when it has one, else what forward chaining finds
(`chain.prove`), else one safe step (a biconditional or a conjunction taken apart) so that
even answer-only puzzles have a step to get wrong. With `error_rate` p, each reference action
is first sent wrong with probability p while the budget leaves room for the fix: a derive step
becomes one of logical_leap (right formula, wrong rule), hallucinated_step (a premise id that
does not exist), exceeding_rule_scope (a rule outside the allowed set), illegal_transformation
(a formula the premises leave open), inconsistent_step (the negated formula) or a format
error; an answer becomes a wrong answer. After the feedback the reference action follows, so
episodes have fail→fix cycles linked by `retry_of`. Randomness only from the `rng` given.
"""

from __future__ import annotations

import numpy as np

from agentdata.envs.logic.actions import ANSWERS, Derive, parse_action
from agentdata.envs.logic.chain import prove
from agentdata.envs.logic.formula import Atom, Bin, Formula, flatten, fmt, negate, signature
from agentdata.envs.logic.ground import ground_entails
from agentdata.envs.logic.rules import RULE_NAMES, check_rule
from agentdata.envs.logic.tasks import conclusion_of, premises_of
from agentdata.envs.text_oracle import ReplayOracle
from agentdata.schemas import TaskSpec

MISTAKES = (
    "logical_leap",
    "hallucinated_step",
    "exceeding_rule_scope",
    "illegal_transformation",
    "inconsistent_step",
    "format_error",
)


def _warm_up(premises: list[Formula]) -> list[str]:
    """One valid step for tasks without a derivation."""
    for i, p in enumerate(premises, start=1):
        if isinstance(p, Bin) and p.op == "iff":
            return [f"derive {fmt(Bin('imp', p.left, p.right))} from p{i} by biconditional_elim"]
        if len(flatten(p, "and")) > 1:
            return [f"derive {fmt(flatten(p, 'and')[0])} from p{i} by and_elim"]
    return []


def reference_actions(task: TaskSpec, max_steps: int) -> list[str]:
    """Derivation steps (within the budget) and the final answer."""
    premises, goal = premises_of(task), conclusion_of(task)
    raw = task.metadata.get("proof")
    steps = [str(s) for s in raw] if isinstance(raw, list) and raw else None
    if steps is None:
        steps = prove(premises, goal) or _warm_up(premises)
    answer = f"answer: {task.metadata.get('answer', 'Unknown')}"
    return [*steps[: max(0, max_steps - 1)], answer]


class LogicOracle(ReplayOracle):
    """Per-episode oracle for one logic task (see `LogicEnv.oracle`)."""

    neutral_is_failure = True  # a step not verified correct was caught

    def __init__(
        self,
        task: TaskSpec,
        rng: np.random.Generator,
        *,
        error_rate: float,
        max_steps: int,
        allowed: frozenset[str] = frozenset(RULE_NAMES),
    ) -> None:
        actions = reference_actions(task, max_steps)
        super().__init__(task, rng, actions, error_rate=error_rate, max_steps=max_steps)
        self.allowed = allowed
        self.premises = premises_of(task)
        self.derived: list[Formula] = []

    def _sent(self, action: str) -> None:
        step = parse_action(action)
        if isinstance(step, Derive):
            self.derived.append(step.formula)

    def _mistake(self, pick: int) -> str:
        action = self.actions[self.index]
        step = parse_action(action)
        if not isinstance(step, Derive):
            wrong = [a for a in ANSWERS if a != self.task.metadata.get("answer")]
            self.mistakes.append("wrong_answer")
            return f"answer: {wrong[pick % len(wrong)]}"
        kind = MISTAKES[pick % len(MISTAKES)]
        made = self._make(kind, step, pick)
        if made is None:  # no open formula to hallucinate: get the rule wrong instead
            kind, made = "exceeding_rule_scope", self._make("exceeding_rule_scope", step, pick)
        self.mistakes.append(kind)
        assert made is not None
        return made

    def _make(self, kind: str, step: Derive, pick: int) -> str | None:
        cites = ", ".join(step.cites)
        formula = fmt(step.formula)
        if kind == "format_error":
            return f"derive {formula} using {cites} via {step.rule}"
        if kind == "hallucinated_step":
            missing = f"p{len(self.premises) + 1 + pick % 5}"
            return f"derive {formula} from {cites}, {missing} by {step.rule}"
        if kind == "exceeding_rule_scope":
            outside = sorted(set(RULE_NAMES) - self.allowed)
            rule = outside[pick % len(outside)] if outside else "intuition"
            return f"derive {formula} from {cites} by {rule}"
        if kind == "inconsistent_step":
            return f"derive {fmt(negate(step.formula))} from {cites} by {step.rule}"
        cited = [self._formula(c) for c in step.cites]
        if kind == "logical_leap":
            for offset in range(len(RULE_NAMES)):
                rule = RULE_NAMES[(pick + offset) % len(RULE_NAMES)]
                if rule in self.allowed and check_rule(rule, cited, step.formula) is not None:
                    return f"derive {formula} from {cites} by {rule}"
            return None
        open_formula = self._open_formula(pick)
        return (
            None
            if open_formula is None
            else f"derive {fmt(open_formula)} from {cites} by {step.rule}"
        )

    def _formula(self, cite: str) -> Formula:
        number = int(cite[1:])
        return (self.premises if cite[0] == "p" else self.derived)[number - 1]

    def _open_formula(self, pick: int) -> Formula | None:
        """An atom over the problem's symbols that the premises neither entail nor refute."""
        preds: set[tuple[str, int]] = set()
        consts: set[str] = set()
        for f in self.premises:
            p, c = signature(f)
            preds |= p
            consts |= c
        names = sorted(consts)
        candidates = [Atom(n, ()) for n, a in sorted(preds) if a == 0]
        candidates += [Atom(n, (c,)) for n, a in sorted(preds) if a == 1 for c in names]
        if not candidates:
            return None
        for offset in range(min(len(candidates), 12)):
            atom = candidates[(pick + offset) % len(candidates)]
            if ground_entails([*self.premises, *self.derived], atom) == "neither":
                return atom
        return None
