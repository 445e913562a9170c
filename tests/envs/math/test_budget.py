"""Per-step verification budget and claim cap: typed failures, never a wrong verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agentdata.envs.math.adversarial import ADVERSARIAL_PROBLEM, HEAVY, adversarial_action
from agentdata.envs.math.env import MathEnv
from agentdata.schemas import FAILURE_KINDS


@pytest.fixture(scope="module")
def heavy_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MathEnv]:
    path = Path(tmp_path_factory.mktemp("budget")) / "tasks.jsonl"
    path.write_text(json.dumps({"id": "xyz", "problem": ADVERSARIAL_PROBLEM, "answer": "1"}))
    env = MathEnv(tasks=str(path), step_budget_s=1.0, max_claims=8, max_steps=1000)
    yield env
    env.close()


def warm(env: MathEnv) -> None:
    """Step until the sympy worker has started (a start longer than the budget times out)."""
    for _ in range(120):
        if env.step("step expand: (x+1)^2 = x^2 + 2x + 1")[4]["failure"] is None:
            return
    raise AssertionError("the sympy worker never started")


def test_heavy_claims_stop_at_the_budget(heavy_env: MathEnv) -> None:
    heavy_env.reset(seed=0, options={"task_id": "xyz"})
    warm(heavy_env)
    info = heavy_env.step("\n".join(f"step expand: {HEAVY}" for _ in range(4)))[4]
    assert info["verdict"].label == "neutral"
    assert info["failure"].kind == "verifier_timeout"
    worker = heavy_env._worker
    assert worker is not None and worker.restarts >= 1  # the hung worker was recycled
    # later steps get a fresh budget; the replacement worker was started in the background
    info = heavy_env.step("step expand: (x+1)^2 = x^2 + 2x + 1")[4]
    assert info["verdict"].label in ("correct", "neutral")
    warm(heavy_env)


def test_a_wrong_claim_before_the_budget_stays_wrong(heavy_env: MathEnv) -> None:
    heavy_env.reset(seed=0, options={"task_id": "xyz"})
    info = heavy_env.step(f"step compute: 2 + 2 = 5\nstep expand: {HEAVY}")[4]
    assert info["verdict"].label == "incorrect"
    assert info["verdict"].error_type == "arithmetic_error"


def test_too_many_claims(heavy_env: MathEnv) -> None:
    heavy_env.reset(seed=0, options={"task_id": "xyz"})
    flood = "\n".join(f"{i} + 1 = {i + 1}" for i in range(9))
    for action in (flood, "step compute: " + " = ".join(["2"] * 10)):
        info = heavy_env.step(action)[4]
        assert info["verdict"].label == "neutral"
        assert info["failure"].kind == "too_many_claims"
        assert info["failure"].detail == {"max_claims": 8}
    info = heavy_env.step("\n".join(f"{i} + 1 = {i + 1}" for i in range(8)))[4]
    assert info["verdict"].label == "correct"


def test_adversarial_actions_give_typed_outcomes(heavy_env: MathEnv) -> None:
    heavy_env.reset(seed=0, options={"task_id": "xyz"})
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(60):
        family, action = adversarial_action(rng)
        seen.add(family)
        _, _, term, trunc, info = heavy_env.step(action)
        failure = info["failure"]
        assert failure is None or failure.kind in FAILURE_KINDS
        assert failure is None or failure.kind != "env_exception", (family, failure)
        if family == "heavy_symbolic":
            assert info["verdict"].label != "correct"
        if term or trunc:
            heavy_env.reset(seed=0, options={"task_id": "xyz"})
    assert len(seen) >= 6
