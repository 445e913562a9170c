"""The typed env→recorder contract: what a reset and a step did, computed once by the env.

`TextEnv` fills `last_reset` / `last_step` on every `reset` / `step`; `Recorder` reads them
instead of guessing from `info` keys. `info` keeps the same values for agents and policies
(`task`, `verdict`, `failure`, `parsed_action`, `state`, `retry_of`, env extras); timings
stay out of it, so equal seeds and actions give equal infos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import gymnasium

from agentdata.schemas import Failure, JsonValue, TaskSpec, Verdict
from agentdata.schemas.hashing import canonical_json, text_hash


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """A state snapshot serialised once: its canonical JSON text and that text's hash."""

    text: str
    """Canonical JSON (sorted keys, no whitespace) of the snapshot."""
    hash: str
    """sha256 of `text` (the content hash recorded as `state_before` / `state_after`)."""

    @classmethod
    def of(cls, value: JsonValue) -> StateSnapshot:
        """Serialise and hash `value` (the only place a step's state is serialised)."""
        text = canonical_json(value)
        return cls(text, text_hash(text))


@dataclass(frozen=True, slots=True)
class ResetReport:
    """What `reset` did: the task it loaded, the options it was given, the initial state."""

    task: TaskSpec
    options: dict[str, JsonValue]
    """The reset options as given (`{}` for none): recorded so replay passes the same."""
    state: StateSnapshot


@dataclass(frozen=True, slots=True)
class StepReport:
    """What one `step` did, typed: verdict, failure, retry link, timing, state, extras."""

    verdict: Verdict | None
    failure: Failure | None
    parsed_action: dict[str, JsonValue] | None
    retry_of: int | None
    """Index of the earlier failed step whose sub-goal this step re-attempts."""
    infra_retries: int
    """Infrastructure retries the env made for this step (not the agent's)."""
    verifier_s: float
    """Seconds spent inside verifiers (volatile: never in `info`)."""
    success: bool | None
    """The env's own judgement that the task is solved; None: reward rule (see Recorder)."""
    state: StateSnapshot
    """The state after the step."""
    extras: dict[str, JsonValue]
    """Environment-specific JSON values (recorded as `StepRecord.info`)."""


@runtime_checkable
class ReportingEnv(Protocol):
    """An environment that reports its resets and steps (every `TextEnv` does)."""

    last_reset: ResetReport | None
    last_step: StepReport | None


@runtime_checkable
class TaskLister(Protocol):
    """An environment that can name its tasks (every `TextEnv` can)."""

    def list_tasks(self) -> Sequence[str] | None:
        """Task ids when the source is finite (a task file), None for procedural sources."""


def task_ids_of(env: gymnasium.Env[Any, Any]) -> Sequence[str] | None:
    """The task ids of `env` (through its wrappers) when its source is finite, else None."""
    inner = env.unwrapped
    return inner.list_tasks() if isinstance(inner, TaskLister) else None
