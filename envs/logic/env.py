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

from agentdata.envs.base import OracleAgent, Outcome, TextEnv
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
    verdict,
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
from agentdata.schemas import JsonValue, TaskSpec

REWARD_MODES = ("answer", "process")
PROCESS_WEIGHT = 0.5


def procedural_task(family: str, difficulty: int, seed: int) -> TaskSpec:
    """The generated task `<family>-d<difficulty>-s<seed>`."""
    gen, answer = generators.generate(family, difficulty, seed)
    return logic_task(
        generators.task_id(family, difficulty, seed),
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


class LogicEnv(TextEnv):
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
        super().__init__(max_steps=int(max_steps), render_mode=render_mode)
        if reward_mode not in REWARD_MODES:
            raise ConfigError(f"reward_mode must be one of {REWARD_MODES}, got {reward_mode!r}")
        if family is not None and family not in generators.FAMILY_NAMES:
            raise ConfigError(f"unknown family {family!r}; choose from {generators.FAMILY_NAMES}")
        if difficulty is not None and int(difficulty) not in generators.DIFFICULTIES:
            raise ConfigError(f"difficulty must be 1-5, got {difficulty!r}")
        if tasks is not None and (family is not None or difficulty is not None):
            raise ConfigError("give either tasks=PATH or family/difficulty, not both")
        if verifier_timeout_s <= 0:
            raise ConfigError("verifier_timeout_s must be > 0")
        self.family = family
        self.difficulty = None if difficulty is None else int(difficulty)
        self.allowed = _allowed(rules)
        self.reward_mode = reward_mode
        self.prover = Prover(float(verifier_timeout_s))
        self._file: TaskFile | None = None if tasks is None else load_task_file(tasks, self.prover)
        self._premises: list[Formula] = []
        self._derived: list[Formula] = []
        self._symbols: tuple[frozenset[tuple[str, int]], frozenset[str]] = (
            frozenset(),
            frozenset(),
        )
        self._solved = False
        self._n_correct = self._n_judged = 0

    # -- tasks --------------------------------------------------------------------------
    def list_tasks(self) -> Sequence[str] | None:
        """Ids of the task file, or None for generated tasks."""
        return None if self._file is None else self._file.ids

    def _load_task(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        if task_id is None:
            if self._file is not None:
                return self._file.tasks[self._file.ids[int(rng.integers(0, len(self._file.ids)))]]
            return procedural_task(*generators.draw(rng, self.family, self.difficulty))
        if self._file is not None and task_id in self._file.tasks:
            return self._file.tasks[task_id]
        parsed = generators.parse_task_id(task_id)
        if parsed is None:
            raise UnknownTaskError(f"unknown task id {task_id!r}")
        return procedural_task(*parsed)

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
        self._solved = False
        self._n_correct = self._n_judged = 0
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
        return self._outcome(judgement, parsed, answer_correct, time.perf_counter() - started)

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

    def _outcome(
        self,
        judgement: Judgement,
        parsed: dict[str, JsonValue] | None,
        answer_correct: bool | None,
        verifier_s: float,
    ) -> Outcome:
        label = judgement.verdict.label
        if label != "neutral":
            self._n_judged += 1
            self._n_correct += label == "correct"
        solved = answer_correct is True
        self._solved = self._solved or solved
        last = self.steps_taken + 1 >= self.max_steps
        process = self._n_correct / self._n_judged if self._n_judged else 0.0
        final = 1.0 if solved else 0.0
        if self.reward_mode == "answer":
            reward = final
        else:
            ends = solved or last
            reward = (1 - PROCESS_WEIGHT) * final + PROCESS_WEIGHT * process if ends else 0.0
        steps_left = max(0, self.max_steps - self.steps_taken - 1)
        obs = f"Step {self.steps_taken + 1}: {judgement.feedback}"
        obs += "\nSolved." if solved else f"\nSteps left: {steps_left}."
        info: dict[str, JsonValue] = {
            "task_id": self.task.id if self.task else None,
            "accepted_steps": len(self._derived),
            "process_score": round(process, 6),
            "n_steps_correct": self._n_correct,
            "n_steps_judged": self._n_judged,
            "answer_correct": answer_correct,
            "solved": self._solved,
            "steps_left": steps_left,
        }
        return Outcome(
            observation=obs,
            reward=reward,
            terminated=solved,
            verdict=judgement.verdict,
            failure=judgement.failure,
            parsed_action=parsed,
            verifier_s=verifier_s,
            info=info,
        )

    def snapshot(self) -> JsonValue:
        """Logical state (the accepted steps): unchanged by a failed step, so a retry links to
        the failed step through `retry_of`."""
        return {
            "task_id": self.task.id if self.task else None,
            "derived": [fmt(f) for f in self._derived],
            "solved": self._solved,
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
