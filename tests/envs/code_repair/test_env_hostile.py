"""Hostile test code run through CodeRepair-v0: each attack is a typed failure in the step,
the next episode is unaffected, and no container of this process is left after close()."""

from __future__ import annotations

import os
from pathlib import Path

import docker
import numpy as np

from agentdata.envs.code_repair.env import CodeRepairEnv
from agentdata.envs.code_repair.sandbox import LABEL_SANDBOX
from agentdata.envs.code_repair.sandbox.lifecycle import LABEL_PID
from agentdata.envs.code_repair.tools import tool_call
from tests.envs.code_repair.crtasks import HOSTILE_IDS, make_suite

# What each attack may end as: every outcome is a typed failure, never an exception.
ALLOWED = {
    "fork_bomb": {"timeout", "test_failure"},
    "memory_bomb": {"test_failure", "timeout"},  # OOM kill is the agent's failure
    "infinite_loop": {"timeout"},
    "sleep_forever": {"timeout"},
    "network": {"test_failure"},
    "write_outside": {"test_failure"},
    "fill_disk": {"test_failure"},
    "print_gigabytes": {"test_failure", "timeout"},
    "kill_pid1": {"test_failure"},
}


def _ours(client: docker.DockerClient) -> list[object]:
    found: list[object] = client.containers.list(
        all=True, filters={"label": [f"{LABEL_SANDBOX}=1", f"{LABEL_PID}={os.getpid()}"]}
    )
    return found


def test_each_attack_is_a_typed_failure_then_episodes_go_on(tmp_path: Path) -> None:
    suite = make_suite(tmp_path, hostile=True)
    env = CodeRepairEnv(tasks=str(suite), pool_size=1, max_steps=30, test_timeout_s=12)
    seen: dict[str, str] = {}
    try:
        env.reset(seed=0, options={"task_id": "hostile"})
        for test_id in HOSTILE_IDS:
            name = test_id.rsplit("test_", 1)[1]
            obs, _, _, _, info = env.step(tool_call("run_tests", tests=[test_id]))
            failure = info["failure"]
            assert failure is not None, (name, obs)
            assert failure.kind in ALLOWED[name], (name, failure, obs[-500:])
            if failure.kind != "sandbox_error":  # a dead sandbox gives no verdict
                assert info["verdict"].label == "incorrect"
            assert len(obs) < 20_000
            seen[name] = failure.kind
        # The same sandbox still works after all of it (unless an attack killed it).
        obs, _, _, _, info = env.step(tool_call("read_file", path="calc.py"))
        if "sandbox_error" not in seen.values():
            assert info["failure"] is None and "return a - b" in obs
        # The next episode is unaffected: the oracle solves the clean task.
        obs, info = env.reset(seed=1, options={"task_id": "calc"})
        agent = env.oracle(np.random.default_rng(0), 0.0)
        reward, done = 0.0, False
        while not done:
            obs, reward, term, trunc, info = env.step(agent.act(obs, info))
            done = term or trunc
        assert reward == 1.0
    finally:
        env.close()
    assert set(seen) == set(ALLOWED)
    assert _ours(docker.from_env()) == []


def test_no_container_left_after_close_with_a_live_episode(tmp_path: Path) -> None:
    env = CodeRepairEnv(tasks=str(make_suite(tmp_path)), pool_size=2)
    env.reset(seed=0)
    assert len(_ours(docker.from_env())) >= 1
    env.close()
    env.close()  # idempotent
    assert _ours(docker.from_env()) == []
