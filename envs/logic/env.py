"""`agentdata/Logic-v0`: first-order premises, one inference per step, every step judged.

Kwargs: `tasks` (JSONL path, see tasks.py) or `family` / `difficulty` for generated tasks,
`rules` (a comma-separated subset of the whitelist, or a list; default all), `max_steps`,
`reward_mode` ("answer" | "process", as in the math env), `verifier_timeout_s` (z3 budget per
step; the worker process is killed past it plus a grace period).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from agentdata.envs.base import OracleAgent, Outcome
from agentdata.envs.logic import generators
from agentdata.envs.logic.actions import ActionParseError, Answer, parse_action
from agentdata.envs.logic.errors import ConfigError, UnknownTaskError
from agentdata.envs.logic.formula import Formula, fmt, signature
from agentdata.envs.logic.judge import (
    ANSWER_VERIFIER,
    Context,
    Judgement,
    judge_derive,
    parse_failure,
    rejected,
)
from agentdata.envs.logic.prompt import SYSTEM_PROMPT
from agentdata.envs.logic.rules import RULE_NAMES
from agentdata.envs.logic.solver import Prover
from agentdata.envs.logic.tasks import (
    TaskFile,
    conclusion_of,
    load_task_file,
    logic_task,
    premises_of,
)
from agentdata.envs.text_env import StepVerifiedEnv, task_id
from agentdata.envs.text_score import verdict
from agentdata.schemas import JsonValue, TaskSpec


def procedural_task(family: str, difficulty: int, seed: int) -> TaskSpec:
    """The generated task `<family>-d<difficulty>-s<seed>`."""
    gen, answer = generators.generate(family, difficulty, seed)
    return logic_task(
        task_id(family, difficulty, seed),
        gen.premises,
        gen.conclusion,
        answer,
        family=family,
        difficulty=difficulty,
        premises_text=gen.premises_text,
        conclusion_text=gen.conclusion_text,
        proof=gen.proof,
        extra={"source": "generator"},
    )


def _allowed(rules: str | Sequence[str] | None) -> frozenset[str]:
    if rules is None:
        return frozenset(RULE_NAMES)
    names = [r.strip() for r in (rules.split(",") if isinstance(rules, str) else rules)]
    unknown = sorted(set(names) - set(RULE_NAMES))
    if unknown or not names:
        raise ConfigError(f"unknown rule(s) {unknown}; the whitelist is {', '.join(RULE_NAMES)}")
    return frozenset(names)


class LogicEnv(StepVerifiedEnv):
    """Logic environment with rule-checked, solver-backed step verdicts (see README.md)."""

    def __init__(
        self,
        *,
        tasks: str | None = None,
        family: str | None = None,
        difficulty: int | None = None,
        rules: str | Sequence[str] | None = None,
        max_steps: int = 30,
        reward_mode: str = "answer",
        verifier_timeout_s: float = 5.0,
        render_mode: str | None = None,
    ) -> None:
        super().__init__(
            generators, ConfigError, tasks, family, difficulty, reward_mode, max_steps, render_mode
        )
        if verifier_timeout_s <= 0:
            raise ConfigError("verifier_timeout_s must be > 0")
        self.allowed = _allowed(rules)
        self.prover = Prover(float(verifier_timeout_s))
        self._file: TaskFile | None = None if tasks is None else load_task_file(tasks, self.prover)
        self._premises: list[Formula] = []
        self._derived: list[Formula] = []
        self._symbols: tuple[frozenset[tuple[str, int]], frozenset[str]] = (
            frozenset(),
            frozenset(),
        )
        self._use_tasks(self._file, procedural_task, UnknownTaskError)

    # -- episode ------------------------------------------------------------------------
    def _start(self, task: TaskSpec) -> str:
        self._premises = premises_of(task)
        preds: set[tuple[str, int]] = set()
        consts: set[str] = set()
        for f in (*self._premises, conclusion_of(task)):
            p, c = signature(f)
            preds |= p
            consts |= c
        self._symbols = (frozenset(preds), frozenset(consts))
        self._derived = []
        self._score.reset()
        return "\n".join(
            [
                task.prompt,
                "",
                "Act one step at a time: `derive <formula> from <ids> by <rule>` (ids: p1.. for "
                "premises, s1.. for your accepted steps), or `answer: True|False|Unknown`.",
                f"Rules: {', '.join(r for r in RULE_NAMES if r in self.allowed)}.",
                f"Steps available: {self.max_steps}.",
            ]
        )

    def _apply(self, action: str) -> Outcome:
        assert self.task is not None
        started = time.perf_counter()
        parsed: dict[str, JsonValue] | None = None
        answer_correct: bool | None = None
        try:
            step = parse_action(action)
            parsed = step.to_json()  # type: ignore[assignment]
        except ActionParseError as exc:
            judgement = parse_failure(str(exc))
        else:
            if isinstance(step, Answer):
                answer_correct = step.value == self.task.metadata.get("answer")
                judgement = self._grade(step.value, answer_correct)
            else:
                ctx = Context(self._premises, self._derived, *self._symbols, self.allowed)
                judgement = judge_derive(step, ctx, self.prover)
                if judgement.verdict.label == "correct":
                    self._derived.append(step.formula)
                    judgement = Judgement(
                        judgement.verdict,
                        None,
                        f"{judgement.feedback} Accepted as s{len(self._derived)}.",
                    )
        verifier_s = time.perf_counter() - started
        extra: dict[str, JsonValue] = {"accepted_steps": len(self._derived)}
        return self._scored(judgement, answer_correct, parsed, verifier_s, extra)

    def _grade(self, value: str, correct: bool) -> Judgement:
        evidence: dict[str, JsonValue] = {"got": value}
        if correct:
            message = f"the answer {value} is correct"
            return Judgement(
                verdict("correct", ANSWER_VERIFIER, message, evidence), None, f"correct: {message}."
            )
        return rejected(
            "wrong_answer",
            f"the answer {value} is wrong",
            evidence,
            kind=None,
            verifier=ANSWER_VERIFIER,
        )

    def snapshot(self) -> JsonValue:
        """Logical state (the accepted steps): unchanged by a failed step, so a retry links to
        the failed step through `retry_of`."""
        return {
            "task_id": self.task.id if self.task else None,
            "derived": [fmt(f) for f in self._derived],
            "solved": self._score.solved,
        }

    def system_prompt(self) -> str:
        """The action and formula syntax for a model (envs/logic/prompt.py)."""
        return SYSTEM_PROMPT

    def oracle(self, rng: np.random.Generator, error_rate: float = 0.0) -> OracleAgent:
        """Reference-derivation agent for the current task; `error_rate` injects fixable
        mistakes of every verdict type."""
        from agentdata.envs.logic.oracle import LogicOracle

        if self.task is None:
            raise UnknownTaskError("call reset() before oracle()")
        return LogicOracle(
            self.task, rng, error_rate=error_rate, max_steps=self.max_steps, allowed=self.allowed
        )

    def close(self) -> None:
        """Stop the z3 worker, if one was started."""
        self.prover.close()
        super().close()
