"""The oracle policy: each environment's reference-solution agent, with optional mistakes."""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium
import numpy as np

from agentdata.envs.base import OracleAgent, TextEnv
from agentdata.errors import ConfigError
from agentdata.policies._base import Action, Turn
from agentdata.schemas import PolicySpec, TaskSpec


class OraclePolicy:
    """Solves tasks from their reference solution via `TextEnv.oracle`.

    With `error_rate` > 0 the environment's oracle makes realistic mistakes and fixes them
    after the feedback, so rollouts contain fail→fix cycles. Seeded per episode.
    """

    def __init__(self, error_rate: float = 0.0) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ConfigError(f"error_rate must be within [0, 1], got {error_rate}")
        self.error_rate = error_rate
        self._agents: dict[str, OracleAgent] = {}

    def spec(self) -> PolicySpec:
        return PolicySpec(name="oracle", kwargs={"error_rate": self.error_rate})

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        base = env.unwrapped
        if not isinstance(base, TextEnv):
            raise ConfigError(f"oracle policy needs an agentdata environment, got {type(base)}")
        self._agents[key] = base.oracle(np.random.default_rng(seed), self.error_rate)

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        return [Action(self._agents[t.key].act(t.observation, t.info)) for t in turns]

    def end(self, key: str) -> None:
        self._agents.pop(key, None)

    def close(self) -> None:
        self._agents.clear()
