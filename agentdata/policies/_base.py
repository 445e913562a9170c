"""The policy interface: act on a batch of episodes at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import gymnasium

from agentdata.schemas import PolicyOutput, PolicySpec, TaskSpec


@dataclass(frozen=True)
class Turn:
    """One episode waiting for an action: its key, last observation and step info."""

    key: str
    observation: str
    info: dict[str, Any]


@dataclass(frozen=True)
class Action:
    """A policy's answer for one turn: the action text and optional metadata.

    `error` set means the policy could not act for this turn (a server that kept failing):
    the runner ends that episode as a `policy_error` crash and the others go on.
    """

    text: str
    output: PolicyOutput | None = None
    error: str | None = None


class Policy(Protocol):
    """Acts for many episodes at once (a batch per call), so LLM servers can batch."""

    def spec(self) -> PolicySpec:
        """What to record about this policy (seed unset; the runner sets it per episode)."""
        ...

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        """A new episode `key` begins on `env` (unwrapped access allowed) with `seed`."""
        ...

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        """One action per turn, in order."""
        ...

    def end(self, key: str) -> None:
        """Episode `key` is over; drop its state."""
        ...

    def close(self) -> None:
        """Release resources (servers, engines)."""
        ...
