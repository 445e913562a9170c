"""The base text environment: text in, text out, every step verified and typed.

Subclasses implement task selection (`_load_task`), the step logic (`_apply`) and a JSON
state snapshot (`snapshot`). The base class owns the contract every environment keeps:
`step` never raises on agent input, the step budget truncates, retries are linked, and
every reset and step is reported in typed form (`last_reset`, `last_step`: see
`agentdata.envs.contract`) for the recorder; `info` carries the same values for agents.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import gymnasium
import numpy as np

from agentdata.envs.contract import ResetReport, StateSnapshot, StepReport
from agentdata.envs.spaces import UnicodeText
from agentdata.schemas import Failure, JsonValue, TaskSpec, Verdict

MAX_ACTION_CHARS = 100_000
MAX_OBSERVATION_CHARS = 200_000


@dataclass
class Outcome:
    """What a subclass's `_apply` returns for one action."""

    observation: str
    reward: float = 0.0
    terminated: bool = False
    verdict: Verdict | None = None
    failure: Failure | None = None
    parsed_action: dict[str, JsonValue] | None = None
    verifier_s: float = 0.0
    infra_retries: int = 0
    """Infrastructure retries made for this action (a restarted sandbox, ...), not the agent's."""
    success: bool | None = None
    """Set when the env itself judges the task solved (or not); None: the reward rule decides."""
    info: dict[str, JsonValue] = field(default_factory=dict)


# `info` keys the base class owns; an env's own `Outcome.info` keys never shadow them.
_AUDIT_KEYS = frozenset({"verdict", "failure", "parsed_action", "state", "retry_of", "task"})


class OracleAgent(Protocol):
    """A per-episode agent that knows the reference solution (see `TextEnv.oracle`)."""

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """Next action given the last observation and step info."""
        ...


class TextEnv(gymnasium.Env[str, str]):
    """Base class of agentdata environments.

    `info` after `reset` holds `task` (TaskSpec) and `state` (JSON snapshot). `info` after `step`
    holds `verdict` (Verdict | None), `failure` (Failure | None), `parsed_action`, `state`,
    `retry_of` (index of the earlier failed step this one re-attempts, or None) and
    environment-specific JSON values. The same facts, typed and with the state serialised
    and hashed once, are in `last_reset` / `last_step` (timings only there, so the same seed
    and actions give equal infos).
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}  # noqa: RUF012 (as gymnasium declares it)

    def __init__(self, *, max_steps: int = 20, render_mode: str | None = None) -> None:
        if max_steps < 1:
            raise ValueError(f"max_steps must be >= 1, got {max_steps}")
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.observation_space = UnicodeText(MAX_OBSERVATION_CHARS)
        self.action_space = UnicodeText(MAX_ACTION_CHARS)
        self.task: TaskSpec | None = None
        self.steps_taken = 0
        self.done = False
        self._last_observation = ""
        self._failed_at_state: dict[str, int] = {}
        self._state_key = ""  # content hash of the current state (set by reset and step)
        self.last_reset: ResetReport | None = None
        """What the last `reset` did (None before the first one)."""
        self.last_step: StepReport | None = None
        """What the last `step` did (None before the first step of an episode)."""

    # -- subclass API -------------------------------------------------------------------
    def list_tasks(self) -> Sequence[str] | None:
        """Task ids when the source is finite (a task file), None for procedural sources."""
        return None

    def _load_task(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        """Return the task named `task_id`, or draw one from `rng` when it is None."""
        raise NotImplementedError

    def task_spec(self, task_id: str) -> TaskSpec:
        """The task named `task_id`, loaded without starting an episode (e.g. its difficulty)."""
        return self._load_task(task_id, np.random.default_rng(0))

    def _start(self, task: TaskSpec) -> str:
        """Set up the episode state for `task`; return the first observation."""
        raise NotImplementedError

    def _apply(self, action: str) -> Outcome:
        """Apply one action (already a str) and verify it. Must not raise on bad input."""
        raise NotImplementedError

    def snapshot(self) -> JsonValue:
        """JSON snapshot of the current state (recorded before and after every step)."""
        raise NotImplementedError

    def oracle(self, rng: np.random.Generator, error_rate: float = 0.0) -> OracleAgent:
        """An agent that solves the current task from its reference solution."""
        raise NotImplementedError(f"{type(self).__name__} has no oracle")

    def system_prompt(self) -> str:
        """The system prompt for a model acting in this env: the task setting and action syntax."""
        return (
            "You are solving a task step by step. Each message you send is one action; the "
            "reply is the environment's observation, including any error in your action."
        )

    def tools(self) -> list[dict[str, JsonValue]] | None:
        """OpenAI-style function schemas when actions are tool calls (None: plain text)."""
        return None

    # -- gymnasium API ------------------------------------------------------------------
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        self.last_reset = self.last_step = None
        given: dict[str, Any] = dict(options or {})
        task_id = given.get("task_id")
        self.task = self._load_task(None if task_id is None else str(task_id), self.np_random)
        self.steps_taken = 0
        self.done = False
        self._failed_at_state = {}
        obs = _clip(self._start(self.task))
        self._last_observation = obs
        state = self.snapshot()
        snapshot = StateSnapshot.of(state)
        self._state_key = snapshot.hash
        self.last_reset = ResetReport(task=self.task, options=given, state=snapshot)
        return obs, {"task": self.task, "state": state}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self.task is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        text = _as_text(action)
        state_key = self._state_key  # the state this step starts from
        if self.done:
            outcome = Outcome(
                observation="The episode is over; call reset().",
                failure=Failure(kind="invalid_action", message="step after the episode ended"),
            )
        else:
            started = time.perf_counter()
            try:
                outcome = self._apply(text)
            except Exception as exc:  # the env's own bug: record it, keep the episode
                outcome = Outcome(
                    observation=f"Environment error: {type(exc).__name__}: {exc}",
                    failure=Failure(
                        kind="env_exception",
                        message=f"{type(exc).__name__}: {exc}",
                        detail={"elapsed_s": round(time.perf_counter() - started, 6)},
                    ),
                )
        if outcome.failure is None and outcome.verdict and outcome.verdict.label == "incorrect":
            # A rejected step is a verification failure unless the env named a sharper kind.
            outcome.failure = Failure(
                kind="verification_failed",
                message=outcome.verdict.message or "the step was judged incorrect",
                detail={"error_type": outcome.verdict.error_type},
            )
        self.steps_taken += 1
        retry_of = self._link_retry(state_key, self.steps_taken - 1, outcome)
        terminated = outcome.terminated and not self.done
        truncated = not terminated and not self.done and self.steps_taken >= self.max_steps
        self.done = self.done or terminated or truncated
        obs = _clip(outcome.observation)
        self._last_observation = obs
        state = self.snapshot()
        snapshot = StateSnapshot.of(state)
        self._state_key = snapshot.hash
        extras = outcome.info
        self.last_step = StepReport(
            verdict=outcome.verdict,
            failure=outcome.failure,
            parsed_action=outcome.parsed_action,
            retry_of=retry_of,
            infra_retries=outcome.infra_retries,
            verifier_s=outcome.verifier_s,
            success=outcome.success,
            state=snapshot,
            extras={k: extras[k] for k in sorted(extras) if k not in _AUDIT_KEYS},
        )
        info: dict[str, Any] = {
            **extras,
            "verdict": outcome.verdict,
            "failure": outcome.failure,
            "parsed_action": outcome.parsed_action,
            "state": state,
            "retry_of": retry_of,
        }
        return obs, float(outcome.reward), terminated, truncated, info

    def _link_retry(self, state_key: str, index: int, outcome: Outcome) -> int | None:
        """`retry_of` of step `index`: the earlier failed step whose sub-goal it re-attempts.

        Default sub-goal: progress from a state. A failed step leaves the state unchanged, so
        the next steps from that state re-attempt it (environments may define their own).
        """
        retry_of = self._failed_at_state.get(state_key)
        if outcome.failure is not None:
            self._failed_at_state.setdefault(state_key, index)
        return retry_of

    def render(self) -> str | None:
        if self.render_mode == "ansi":
            return self._last_observation
        return None


def _as_text(action: Any) -> str:
    """Coerce whatever the agent sent into a str without raising."""
    if isinstance(action, str):
        return action
    if isinstance(action, bytes | bytearray):
        return bytes(action).decode("utf-8", "replace")
    try:
        return str(action)
    except Exception:
        return repr(type(action))


def _clip(text: str) -> str:
    if len(text) <= MAX_OBSERVATION_CHARS:
        return text
    marker = f"\n[... truncated {len(text) - MAX_OBSERVATION_CHARS + 64} chars ...]\n"
    keep = MAX_OBSERVATION_CHARS - len(marker)
    return text[: keep // 2] + marker + text[-(keep - keep // 2) :]
