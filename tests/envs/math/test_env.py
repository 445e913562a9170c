"""MathEnv: gymnasium contract, verdicts and feedback, oracle, rewards, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from agentdata.envs import register_envs
from agentdata.envs.math.env import MathEnv
from agentdata.envs.math.errors import ConfigError, UnknownTaskError
from agentdata.envs.math.generators import DIFFICULTIES, FAMILY_NAMES

DATA = Path(__file__).resolve().parent / "data"


def run_oracle(env: MathEnv, task_id: str, seed: int, error_rate: float) -> list[dict[str, object]]:
    obs, info = env.reset(seed=seed, options={"task_id": task_id})
    agent = env.oracle(np.random.default_rng(seed), error_rate)
    rows: list[dict[str, object]] = []
    done = False
    while not done:
        action = agent.act(obs, info)
        obs, reward, term, trunc, info = env.step(action)
        done = term or trunc
        verdict = info["verdict"]
        rows.append(
            {
                "action": action,
                "reward": reward,
                "term": term,
                "info": info,
                "label": verdict.label,
                "error_type": verdict.error_type,
                "obs": obs,
            }
        )
    return rows


def test_check_env_through_gymnasium() -> None:
    register_envs()
    env = gymnasium.make("agentdata/Math-v0")
    try:
        check_env(env.unwrapped)
    finally:
        env.close()


def test_config_errors() -> None:
    with pytest.raises(ConfigError):
        MathEnv(family="nope")
    with pytest.raises(ConfigError):
        MathEnv(difficulty=9)
    with pytest.raises(ConfigError):
        MathEnv(reward_mode="vibes")
    with pytest.raises(ConfigError):
        MathEnv(tasks=str(DATA / "sample.jsonl"), family="linear")


def test_unknown_task(env: MathEnv) -> None:
    with pytest.raises(UnknownTaskError):
        env.reset(seed=0, options={"task_id": "no-such-task"})


def test_oracle_solves_every_family_and_level(env: MathEnv) -> None:
    for family in FAMILY_NAMES:
        for difficulty in DIFFICULTIES:
            for seed in range(4):
                rows = run_oracle(env, f"{family}-d{difficulty}-s{seed}", seed, 0.0)
                assert all(r["label"] == "correct" for r in rows), (family, difficulty, rows)
                assert rows[-1]["reward"] == 1.0 and rows[-1]["term"]


def test_oracle_fail_fix_cycles(env: MathEnv) -> None:
    kinds: set[str] = set()
    retries = 0
    for seed in range(24):
        family = FAMILY_NAMES[seed % len(FAMILY_NAMES)]
        rows = run_oracle(env, f"{family}-d3-s{seed}", seed, 0.5)
        assert rows[-1]["reward"] == 1.0
        for before, after in pairwise(rows):
            if before["label"] == "incorrect":
                kinds.add(str(before["error_type"]))
                assert after["info"]["retry_of"] is not None  # type: ignore[index]
                retries += 1
        assert rows[-1]["info"]["process_score"] <= 1.0  # type: ignore[index]
    assert retries > 10
    assert {"arithmetic_error", "wrong_answer", "illegal_transformation"} <= kinds


VF = "verification_failed"  # the base env's failure kind for an incorrect verdict


def test_verdict_taxonomy(env: MathEnv) -> None:
    env.reset(seed=0, options={"task_id": "linear-d1-s7"})  # 3x + 1 = 16
    cases = [
        ("step transpose: 3x = 16 + 1", "incorrect", "illegal_transformation", VF),
        ("step transpose: 3x = 16 - 1", "correct", None, None),
        ("step compute: 16 - 1 = 14", "incorrect", "arithmetic_error", VF),
        ("step divide: z = 5", "incorrect", "hallucinated_step", VF),
        ("step magic: x = 5", "incorrect", "exceeding_rule_scope", "invalid_action"),
        ("step divide: x = = 5", "incorrect", "format_error", "parse_error"),
        ("step divide: x^2 = 25", "incorrect", "illegal_transformation", VF),  # adds -5
        ("step divide: x = 10**10**10", "neutral", None, "invalid_action"),
        ("answer: 6", "incorrect", "wrong_answer", VF),
        ("answer: five", "incorrect", "format_error", "parse_error"),
        ("answer: x = 5", "correct", None, None),
    ]
    for action, label, error_type, failure in cases:
        obs, reward, term, _, info = env.step(action)
        verdict = info["verdict"]
        assert (verdict.label, verdict.error_type) == (label, error_type), (action, verdict)
        assert (info["failure"].kind if info["failure"] else None) == failure, action
        assert verdict.verifier.startswith("math.") and verdict.verifier_version
        assert obs.startswith("Step ")
    assert term and reward == 1.0
    assert info["process_score"] == pytest.approx(2 / 10)


def test_feedback_and_evidence(env: MathEnv) -> None:
    env.reset(seed=0, options={"task_id": "arithmetic-d1-s7"})  # (10 - 7) * 7
    obs, _, _, _, info = env.step("step compute: 10 - 7 = 4")
    assert "10 - 7 is 3, not 4" in obs
    assert info["verdict"].evidence["expected"] == "3"
    assert info["verdict"].evidence["got"] == "4"
    state = info["state"]
    obs, _, _, _, info = env.step("step compute: 10 - 7 = 3")
    assert info["retry_of"] == 0 and info["state"] != state
    env.reset(seed=0, options={"task_id": "quadratic-d3-s7"})
    _, _, _, _, info = env.step("step divide: x^2 - 10x + 16 = 0")
    assert info["verdict"].verifier == "math.sympy" and info["verdict"].label == "correct"


def test_process_reward_mode() -> None:
    env = MathEnv(reward_mode="process", max_steps=5)
    try:
        env.reset(seed=0, options={"task_id": "arithmetic-d1-s7"})
        _, r1, *_ = env.step("step compute: 10 - 7 = 4")
        _, r2, *_ = env.step("step compute: 10 - 7 = 3")
        _, r3, term, _, info = env.step("answer: 21")
        assert (r1, r2) == (0.0, 0.0) and term
        assert info["process_score"] == pytest.approx(2 / 3)
        assert r3 == pytest.approx(0.5 + 0.5 * 2 / 3)
        env.reset(seed=0, options={"task_id": "arithmetic-d1-s7"})
        rewards = [env.step("answer: 0")[1] for _ in range(5)]
        assert rewards[:4] == [0.0] * 4 and rewards[4] == 0.0  # truncated, nothing correct
    finally:
        env.close()


def test_task_files(gsm8k_path: Path) -> None:
    env = MathEnv(tasks=str(gsm8k_path))
    try:
        ids = env.list_tasks()
        assert ids is not None and len(ids) == 300
        for task_id in ids[::10]:
            rows = run_oracle(env, task_id, 0, 0.0)
            assert rows[-1]["reward"] == 1.0 and rows[-1]["term"], task_id
        obs, info = env.reset(seed=3)
        assert info["task"].id in ids and info["task"].prompt in obs
    finally:
        env.close()
    sample = MathEnv(tasks=str(DATA / "sample.jsonl"))
    try:
        for task_id in sample.list_tasks() or []:
            assert run_oracle(sample, task_id, 0, 0.0)[-1]["reward"] == 1.0
        sample.reset(seed=0, options={"task_id": "lin-1"})
        assert sample.step("step expand: 2(x + 1) = 2x + 2")[4]["verdict"].label == "correct"
        assert sample.step("step solve: x = 4")[4]["verdict"].label == "neutral"
    finally:
        sample.close()


def test_close_stops_worker() -> None:
    env = MathEnv()
    _, info = env.reset(seed=0, options={"task_id": "quadratic-d1-s1"})
    reference = info["task"].metadata["reference"]
    assert env.step(reference[0])[4]["verdict"].verifier == "math.sympy"
    worker = env._worker
    assert worker is not None and worker.alive
    env.close()
    assert not worker.alive


_SCRIPT = """
import json, numpy as np
from agentdata.envs.math.env import MathEnv
from agentdata.schemas.hashing import canonical_json
env = MathEnv()
out = []
for seed in range(6):
    obs, info = env.reset(seed=seed)
    agent = env.oracle(np.random.default_rng(seed), 0.4)
    out.append([obs, info["task"].model_dump(mode="json"), info["state"]])
    done = False
    while not done:
        action = agent.act(obs, info)
        obs, reward, term, trunc, info = env.step(action)
        done = term or trunc
        row = {k: v for k, v in info.items() if k != "verifier_s"}
        row["verdict"] = row["verdict"].model_dump(mode="json")
        row["failure"] = row["failure"] and row["failure"].model_dump(mode="json")
        out.append([action, obs, reward, term, trunc, row])
env.close()
print(canonical_json(out))
"""


def test_deterministic_across_processes() -> None:
    outputs = []
    for hash_seed in ("0", "12345"):
        proc = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) > 12
