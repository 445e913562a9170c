"""The Recorder wrapper: audit fields, state hashing, typed rejection of unrecordable steps."""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
import pytest

from agentdata._recorder import EpisodeMeta, Recorder
from agentdata.envs import Outcome, TextEnv
from agentdata.errors import RecordError
from agentdata.schemas import JsonValue, TaskSpec, Verdict
from agentdata.schemas.hashing import canonical_json, text_hash
from agentdata.store import Store
from tests.agentdata.records import record_linear_episode


class CountEnv(TextEnv):
    """Say the next number. `bad_info` makes it return a value JSON cannot hold."""

    def __init__(self, bad_info: bool = False) -> None:
        super().__init__(max_steps=5)
        self.bad_info = bad_info
        self.count = 0

    def _load_task(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        return TaskSpec(id="count", hash="0" * 64, prompt="Count from 1.")

    def _start(self, task: TaskSpec) -> str:
        self.count = 0
        return task.prompt

    def _apply(self, action: str) -> Outcome:
        ok = action.strip() == str(self.count + 1)
        self.count += ok
        info: dict[str, Any] = {"count": self.count}
        if self.bad_info:
            info["handle"] = [object()]
        return Outcome(
            observation=f"count={self.count}",
            reward=1.0 if self.count == 3 else 0.0,
            terminated=self.count == 3,
            verdict=Verdict(
                label="correct" if ok else "incorrect",
                error_type=None if ok else "arithmetic_error",
                verifier="count",
                verifier_version="1",
            ),
            parsed_action={"n": action.strip()},
            info=info,
        )

    def snapshot(self) -> JsonValue:
        return {"count": self.count}


def test_records_every_audit_field(sqlite_store: Store) -> None:
    rec = Recorder(CountEnv(), sqlite_store, env_id="test/Count-v0")
    rec.set_next_episode(EpisodeMeta(episode_id="ep-1", run_id="r"))
    rec.reset(seed=1)
    for action in ["1", "5", "2", "3"]:
        rec.step(action)
    episode = sqlite_store.get_episode("ep-1")
    steps = sqlite_store.load_steps("ep-1")
    assert (episode.status, episode.num_steps, episode.success) == ("terminated", 4, True)
    assert [s.verdict.label for s in steps if s.verdict] == [
        "correct",
        "incorrect",
        "correct",
        "correct",
    ]
    assert steps[1].failure is not None and steps[1].failure.kind == "verification_failed"
    assert steps[2].retry_of == 1  # re-attempts the sub-goal failed at step 1
    assert steps[1].state_after == steps[1].state_before  # a rejected step changes nothing
    assert steps[0].state_after == text_hash(canonical_json({"count": 1}))
    assert sqlite_store.blob(steps[3].state_after) == canonical_json({"count": 3})
    assert steps[0].info == {"count": 1} and steps[0].action_parsed == {"n": "1"}
    assert steps == rec.steps  # what was written reads back equal


def test_unrecordable_step_is_a_typed_error_and_buffers_nothing(sqlite_store: Store) -> None:
    rec = Recorder(CountEnv(bad_info=True), sqlite_store, env_id="test/Count-v0")
    rec.set_next_episode(EpisodeMeta(episode_id="ep-bad", run_id="r"))
    rec.reset(seed=0)
    with pytest.raises(RecordError, match="not JSON"):
        rec.step("1")
    rec.crash("env returned non-JSON info")
    assert sqlite_store.load_steps("ep-bad") == []
    assert sqlite_store.get_episode("ep-bad").status == "crashed"


def test_math_env_records_equal_what_was_written(sqlite_store: Store) -> None:
    rec = record_linear_episode(sqlite_store, seed=3, oracle_seed=0)
    assert rec.episode is not None
    assert sqlite_store.load_steps(rec.episode.id) == rec.steps
    assert rec.episode.env_id == "agentdata/Math-v0"
    assert rec.episode.env_kwargs == {"family": "linear"}
    assert isinstance(rec.unwrapped, gymnasium.Env)
