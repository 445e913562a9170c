"""The typed env→recorder contract: reports, reset options, crashes at reset, old stores."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium
import numpy as np
import pytest
from alembic import command
from sqlalchemy import text

from agentdata import ConfigError, Recorder, Store, make
from agentdata._recorder import EpisodeMeta
from agentdata.envs.contract import ReportingEnv, StateSnapshot
from agentdata.envs.math.errors import UnknownTaskError
from agentdata.replay._replayer import replay_episode
from agentdata.schemas.hashing import canonical_json
from agentdata.store._engine import _alembic_config, make_engine

TASK = {"id": "apples", "problem": "Tom has 3 bags of 4 apples. How many apples?", "answer": "12"}


def _task_file(tmp_path: Path) -> str:
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(TASK) + "\n")
    return str(path)


def test_reports_are_what_the_recorder_stores(sqlite_store: Store) -> None:
    env = make("agentdata/Math-v0", family="linear")
    assert isinstance(env.unwrapped, ReportingEnv)
    rec = Recorder(env, sqlite_store)
    obs, info = rec.reset(seed=3)
    report = env.unwrapped.last_reset
    assert report is not None and report.task == info["task"] and report.options == {}
    assert report.state == StateSnapshot.of(info["state"])
    agent = env.unwrapped.oracle(np.random.default_rng(1), 0.5)
    done = False
    while not done:
        obs, _r, term, trunc, info = rec.record_step(agent.act(obs, info), policy_s=0.25)
        step_report = env.unwrapped.last_step
        assert step_report is not None
        recorded = rec.steps[-1]
        assert recorded.state_after == step_report.state.hash
        assert sqlite_store.blob(recorded.state_after) == canonical_json(info["state"])
        assert recorded.verdict == info["verdict"] and recorded.retry_of == info["retry_of"]
        assert recorded.latency.verifier_s == step_report.verifier_s
        assert recorded.latency.policy_s == 0.25
        done = term or trunc
    assert any(s.retry_of is not None for s in rec.steps)  # the oracle's slips were retried
    assert rec.episode is not None
    assert sqlite_store.load_steps(rec.episode.id) == rec.steps


def test_reset_options_are_recorded_and_replayed(sqlite_store: Store, tmp_path: Path) -> None:
    env = make("agentdata/Math-v0", tasks=_task_file(tmp_path))
    rec = Recorder(env, sqlite_store)
    rec.set_next_episode(EpisodeMeta(episode_id="ep-opt"))
    rec.reset(seed=5, options={"task_id": "apples"})
    rec.step("answer: 12")
    rec.set_next_episode(EpisodeMeta(episode_id="ep-none"))
    rec.reset(seed=5)
    rec.close()
    assert sqlite_store.get_episode("ep-opt").reset_options == {"task_id": "apples"}
    assert sqlite_store.get_episode("ep-none").reset_options == {}
    result = replay_episode(sqlite_store, "ep-opt")
    assert result.status == "identical", result


def test_a_crash_at_reset_is_recorded_by_the_recorder(sqlite_store: Store, tmp_path: Path) -> None:
    rec = Recorder(make("agentdata/Math-v0", tasks=_task_file(tmp_path)), sqlite_store)
    rec.set_next_episode(EpisodeMeta(episode_id="ep-crash", run_id="r", slot=4))
    with pytest.raises(UnknownTaskError):
        rec.reset(seed=0, options={"task_id": "no-such-task"})
    episode = sqlite_store.get_episode("ep-crash")
    assert (episode.status, episode.task_id, episode.task_hash, episode.slot) == (
        "crashed",
        "no-such-task",
        "",
        4,
    )
    assert episode.error is not None and episode.error.startswith("reset failed: UnknownTaskError")
    assert episode.reset_options == {"task_id": "no-such-task"}
    assert replay_episode(sqlite_store, "ep-crash").status == "unreplayable"


def test_recorder_refuses_an_env_that_does_not_report(sqlite_store: Store) -> None:
    with pytest.raises(ConfigError, match="agentdata environment"):
        Recorder(gymnasium.make("CartPole-v1"), sqlite_store)  # type: ignore[arg-type]


def test_a_store_from_before_reset_options_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:  # a store as agentdata wrote it at schema revision 0001
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO episodes (id, run_id, slot, sample_index, env_id, env_kwargs, "
                "task_id, task_hash, seed, package_version, policy, status, num_steps, "
                "total_reward, outcome, initial_observation, initial_state) VALUES ('ep-old', "
                "'r', 0, 0, 'agentdata/Math-v0', '{}', 't', 'h', 1, '0.1.0', "
                "'{\"name\": \"oracle\"}', 'terminated', 0, 0.0, '{}', '', '')"
            )
        )
    engine.dispose()
    with Store.open(url) as store:
        old = store.get_episode("ep-old")
    assert old.reset_options is None  # not recorded then; replay falls back to guessing
    assert old.task_id == "t" and old.status == "terminated"
