"""`agentdata/Math-v0`: math problems solved step by step, every step verified.

Kwargs: `tasks` (JSONL path; GSM8K or {"id","problem","answer"}), or `family` / `difficulty`
for generated tasks (see generators.py), `max_steps`, `reward_mode` ("answer": 1.0 for a
correct final answer; "process": on the step that ends the episode, 0.5 * final correctness +
0.5 * share of correct steps), `verifier_timeout_s` (sympy worker limit per check),
`step_budget_s` (total verification time of one step) and `max_claims` (claims per step).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from agentdata.envs.base import OracleAgent, Outcome
from agentdata.envs.isolation import IsolatedWorker, VerifierTimeout
from agentdata.envs.math import generators
from agentdata.envs.math.actions import (
    LABELS,
    MAX_CLAIMS,
    Action,
    ActionParseError,
    TooManyClaims,
    parse_action,
)
from agentdata.envs.math.answers import AnswerCheck, compare
from agentdata.envs.math.checks import Checker, ClaimResult
from agentdata.envs.math.errors import AnswerParseError, ConfigError, UnknownTaskError
from agentdata.envs.math.judge import (
    Judgement,
    judge,
    parse_failure,
    scope_failure,
    too_many_claims,
)
from agentdata.envs.math.prompt import SYSTEM_PROMPT
from agentdata.envs.math.tasks import (
    TaskFile,
    load_task_file,
    procedural_task,
    solutions_of,
    variables_of,
)
from agentdata.envs.text_env import StepVerifiedEnv
from agentdata.schemas import JsonValue, TaskSpec


class MathEnv(StepVerifiedEnv):
    """Math environment with exact and symbolic step verification (see envs/math/README.md)."""

    def __init__(
        self,
        *,
        tasks: str | None = None,
        family: str | None = None,
        difficulty: int | None = None,
        max_steps: int = 30,
        reward_mode: str = "answer",
        verifier_timeout_s: float = 5.0,
        step_budget_s: float = 3.0,
        max_claims: int = MAX_CLAIMS,
        render_mode: str | None = None,
    ) -> None:
        super().__init__(
            generators, ConfigError, tasks, family, difficulty, reward_mode, max_steps, render_mode
        )
        if verifier_timeout_s <= 0 or step_budget_s <= 0:
            raise ConfigError("verifier_timeout_s and step_budget_s must be > 0")
        if int(max_claims) < 1:
            raise ConfigError("max_claims must be >= 1")
        self.step_budget_s = float(step_budget_s)
        self.max_claims = int(max_claims)
        self._deadline = 0.0
        self.verifier_timeout_s = float(verifier_timeout_s)
        self._file: TaskFile | None = None if tasks is None else load_task_file(tasks)
        if self._file is not None and self._file.rejected:
            first = self._file.rejected[0]
            warnings.warn(
                f"{tasks}: {len(self._file.rejected)} task(s) rejected (first: line "
                f"{first.line}: {first.reason}); `agentdata tasks check {tasks}` lists them",
                stacklevel=2,
            )
        self._use_tasks(self._file, procedural_task, UnknownTaskError)
        self._worker: IsolatedWorker | None = None
        self._checker: Checker | None = None
        self._accepted = 0
        self._current: str | None = None

    # -- episode ------------------------------------------------------------------------
    def _start(self, task: TaskSpec) -> str:
        self._checker = Checker(variables_of(task), solutions_of(task) or None, self._symbolic)
        self._accepted, self._current = 0, None
        self._score.reset()
        letters = sorted(variables_of(task))
        lines = [task.prompt, ""]
        if letters:
            lines.append(f"Variables: {', '.join(letters)}")
        lines += [
            "Act one step at a time: `step <label>: <lhs> = <rhs>` with a label from "
            f"{', '.join(LABELS)}; finish with `answer: <value>`. Free-form reasoning is also "
            "checked (every `a = b` claim and `<<expr=value>>` annotation, then a final "
            "`answer:` or \\boxed{}).",
            f"Steps available: {self.max_steps}.",
        ]
        return "\n".join(lines)

    def system_prompt(self) -> str:
        """The action syntax for a model (envs/math/prompt.py)."""
        return SYSTEM_PROMPT

    def _symbolic(self, fn: Any, *args: Any) -> dict[str, object]:
        """Run a sympy check in the worker within what is left of the step's budget."""
        if self._worker is None:
            self._worker = IsolatedWorker(
                timeout_s=self.verifier_timeout_s,
                preload=("sympy",),
                warmup="agentdata.envs.math.algebra:warm_up",
            )
        if not self._worker.alive:  # the first start is not verification time
            started = time.perf_counter()
            self._worker.ensure_started()
            self._deadline += time.perf_counter() - started
        left = self._deadline - time.perf_counter()
        if left <= 0:
            raise VerifierTimeout(self._budget_message(), timeout_s=self.step_budget_s)
        limit = min(self.verifier_timeout_s, left)
        result = self._worker.call(fn, *args, timeout_s=limit, budgeted_start=True)
        return dict(result)

    def _budget_message(self) -> str:
        return f"the step's verification budget ({self.step_budget_s:g}s) is spent"

    def _answer(self, text: str | None) -> tuple[AnswerCheck | None, str | None, str | None]:
        """(check, unreadable reason, out-of-time reason) of the action's final answer."""
        if text is None:
            return None, None, None
        assert self.task is not None
        try:
            gold = str(self.task.metadata.get("answer", ""))
            return compare(text, gold, self._symbolic), None, None
        except AnswerParseError as exc:
            return None, str(exc), None
        except VerifierTimeout as exc:
            return None, None, str(exc)

    def _apply(self, action: str) -> Outcome:
        assert self.task is not None and self._checker is not None
        started = time.perf_counter()
        self._deadline = started + self.step_budget_s
        parsed_json: dict[str, JsonValue] | None = None
        try:
            parsed = parse_action(action, variables_of(self.task), self.max_claims)
            parsed_json = parsed.to_json()  # type: ignore[assignment]
        except TooManyClaims as exc:
            judgement = too_many_claims(exc.limit)
        except ActionParseError as exc:
            judgement = parse_failure(str(exc))
        else:
            if parsed.bad_labels:
                judgement = scope_failure(parsed)
            else:
                judgement = self._judge(parsed)
                if judgement.verdict.label != "incorrect" and judgement.failure is None:
                    self._advance(parsed.claims)
        verifier_s = time.perf_counter() - started
        return self._scored(judgement, judgement.answer_correct, parsed_json, verifier_s)

    def _judge(self, parsed: Action) -> Judgement:
        """Check the claims, then the answer, while the step's budget lasts."""
        assert self._checker is not None
        results: list[ClaimResult] = []
        for claim in parsed.claims:
            if time.perf_counter() >= self._deadline:
                return judge(results, None, None, self._budget_message())
            results.append(self._checker.check(claim))
        if parsed.answer is not None and time.perf_counter() >= self._deadline:
            return judge(results, None, None, self._budget_message())
        check, error, out_of_time = self._answer(parsed.answer)
        return judge(results, check, error, out_of_time)

    def _advance(self, claims: Sequence[Any]) -> None:
        """A step that verified moves the logical state forward (failed steps do not)."""
        self._accepted += 1
        assert self.task is not None
        letters = variables_of(self.task)
        for claim in claims:
            if any(ch in letters for ch in claim.lhs + claim.rhs):
                self._current = claim.text[:300]

    def snapshot(self) -> JsonValue:
        """Logical state: unchanged by a failed step, so retries link to the failed step."""
        return {
            "task_id": self.task.id if self.task else None,
            "accepted_steps": self._accepted,
            "current": self._current,
            "solved": self._score.solved,
        }

    def oracle(self, rng: np.random.Generator, error_rate: float = 0.0) -> OracleAgent:
        """Reference-solution agent for the current task; `error_rate` injects fixable slips."""
        from agentdata.envs.math.oracle import MathOracle

        if self.task is None:
            raise UnknownTaskError("call reset() before oracle()")
        return MathOracle(self.task, rng, error_rate=error_rate, max_steps=self.max_steps)

    def close(self) -> None:
        """Stop the sympy worker, if one was started."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        super().close()
