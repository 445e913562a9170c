"""LogicEnv: gymnasium contract, oracle on every family, fail→fix cycles, determinism."""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from agentdata.envs import register_envs
from agentdata.envs.logic.env import LogicEnv
from agentdata.envs.logic.errors import ConfigError, UnknownTaskError
from agentdata.envs.logic.generators import DIFFICULTIES, FAMILY_NAMES


def run_oracle(env: LogicEnv, task_id: str, seed: int, error_rate: float) -> list[dict[str, Any]]:
    obs, info = env.reset(seed=seed, options={"task_id": task_id})
    agent = env.oracle(np.random.default_rng(seed), error_rate)
    rows: list[dict[str, Any]] = []
    done = False
    while not done:
        action = agent.act(obs, info)
        obs, reward, term, trunc, info = env.step(action)
        done = term or trunc
        rows.append(
            {
                "action": action,
                "reward": reward,
                "term": term,
                "info": info,
                "label": info["verdict"].label,
                "error_type": info["verdict"].error_type,
            }
        )
    return rows


def test_check_env_through_gymnasium() -> None:
    register_envs()
    env = gymnasium.make("agentdata/Logic-v0")
    try:
        check_env(env.unwrapped)
    finally:
        env.close()


def test_config_errors() -> None:
    with pytest.raises(ConfigError):
        LogicEnv(family="nope")
    with pytest.raises(ConfigError):
        LogicEnv(difficulty=9)
    with pytest.raises(ConfigError):
        LogicEnv(rules="modus_ponens,telepathy")
    with pytest.raises(ConfigError):
        LogicEnv(reward_mode="vibes")


def test_unknown_task(env: LogicEnv) -> None:
    with pytest.raises(UnknownTaskError):
        env.reset(seed=0, options={"task_id": "no-such-task"})


def test_oracle_solves_every_family_and_level(env: LogicEnv) -> None:
    for family in FAMILY_NAMES:
        for difficulty in DIFFICULTIES:
            for seed in range(2):
                rows = run_oracle(env, f"{family}-d{difficulty}-s{seed}", seed, 0.0)
                assert all(r["label"] == "correct" for r in rows), (family, difficulty, rows)
                assert rows[-1]["reward"] == 1.0 and rows[-1]["term"]


def test_oracle_mistakes_are_flagged_and_fixed_with_retry_links(env: LogicEnv) -> None:
    seen: set[str] = set()
    for seed in range(12):
        rows = run_oracle(env, f"prontoqa-d4-s{seed}", seed, 0.7)
        assert rows[-1]["term"] and rows[-1]["reward"] == 1.0
        for i, row in enumerate(rows):
            if row["label"] != "correct":
                seen.add(str(row["error_type"]))
                assert rows[i + 1]["info"]["retry_of"] == i  # the fix re-attempts this step
    assert seen >= {
        "logical_leap",
        "hallucinated_step",
        "exceeding_rule_scope",
        "inconsistent_step",
        "format_error",
        "wrong_answer",
    }
