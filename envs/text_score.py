"""Verdicts and episode scores shared by the step-verified text environments (math, logic)."""

from __future__ import annotations

from dataclasses import dataclass

from agentdata.envs.base import Outcome
from agentdata.schemas import Failure, JsonValue, Verdict

REWARD_MODES = ("answer", "process")
PROCESS_WEIGHT = 0.5


def verdict(
    label: str,
    verifier: tuple[str, str],
    message: str,
    evidence: dict[str, JsonValue],
    error_type: str | None = None,
) -> Verdict:
    """A Verdict from its parts (`verifier` is (name, version))."""
    return Verdict.model_validate(
        {
            "label": label,
            "error_type": error_type,
            "verifier": verifier[0],
            "verifier_version": verifier[1],
            "message": message,
            "evidence": evidence,
        }
    )


@dataclass
class EpisodeScore:
    """Step counts of one episode and the reward rule: `answer` pays 1.0 on the step with a
    correct final answer; `process` pays, on the step that ends the episode (solved or the
    last step), (1 - PROCESS_WEIGHT) * solved + PROCESS_WEIGHT * correct / judged steps."""

    reward_mode: str
    n_correct: int = 0
    n_judged: int = 0
    solved: bool = False

    def reset(self) -> None:
        """A new episode."""
        self.n_correct = self.n_judged = 0
        self.solved = False

    def outcome(
        self,
        *,
        verdict: Verdict,
        failure: Failure | None,
        feedback: str,
        answer_correct: bool | None,
        step: tuple[int, int, str | None],
        parsed: dict[str, JsonValue] | None,
        verifier_s: float,
        extra: dict[str, JsonValue] | None = None,
    ) -> Outcome:
        """Count the step and build its Outcome. `step`: (steps taken before it, max steps,
        task id); `extra` info keys follow `task_id`."""
        steps_taken, max_steps, tid = step
        if verdict.label != "neutral":
            self.n_judged += 1
            self.n_correct += verdict.label == "correct"
        solved = answer_correct is True
        self.solved = self.solved or solved
        last = steps_taken + 1 >= max_steps
        process = self.n_correct / self.n_judged if self.n_judged else 0.0
        final = 1.0 if solved else 0.0
        if self.reward_mode == "answer":
            reward = final
        else:
            ends = solved or last
            reward = (1 - PROCESS_WEIGHT) * final + PROCESS_WEIGHT * process if ends else 0.0
        steps_left = max(0, max_steps - steps_taken - 1)
        obs = f"Step {steps_taken + 1}: {feedback}"
        obs += "\nSolved." if solved else f"\nSteps left: {steps_left}."
        info: dict[str, JsonValue] = {
            "task_id": tid,
            **(extra or {}),
            "process_score": round(process, 6),
            "n_steps_correct": self.n_correct,
            "n_steps_judged": self.n_judged,
            "answer_correct": answer_correct,
            "solved": self.solved,
            "steps_left": steps_left,
        }
        return Outcome(
            observation=obs,
            reward=reward,
            terminated=solved,
            verdict=verdict,
            failure=failure,
            parsed_action=parsed,
            verifier_s=verifier_s,
            info=info,
        )
