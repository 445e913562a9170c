"""Fork from step K: the prefix is re-executed and checked, the policy continues, links kept."""

from __future__ import annotations

import pytest
from conftest import dump, record_episodes, tamper_step

from agentdata.errors import ConfigError, ForkDivergedError
from agentdata.replay import replay_episode
from agentdata.replay._fork import fork_episode
from agentdata.store import Store


def test_fork_prefix_equals_parent_and_is_linked(store: Store, env_id: str) -> None:
    (parent_id,) = record_episodes(store, env_id, episodes=1)
    parent_steps = store.load_steps(parent_id)
    at = min(2, len(parent_steps) - 1)
    child_id = fork_episode(store, parent_id, at=at, policy="oracle", seed=11)
    child = store.get_episode(child_id)
    assert (child.parent_id, child.fork_step) == (parent_id, at)
    assert child.finished and child.num_steps > at
    child_steps = store.load_steps(child_id)
    assert [s.canonical() for s in child_steps[:at]] == [s.canonical() for s in parent_steps[:at]]
    assert child.initial_observation == store.get_episode(parent_id).initial_observation
    assert [e.id for e in store.episodes(parent_id=parent_id)] == [child_id]
    assert child.policy.name == "oracle" and child.policy.seed == 11
    # the fork is itself a faithful recording
    assert replay_episode(store, child_id).status == "identical"


def test_many_forks_of_one_prefix(sqlite_store: Store) -> None:
    (parent_id,) = record_episodes(sqlite_store, "agentdata/Math-v0", episodes=1)
    kids = [
        fork_episode(
            sqlite_store,
            parent_id,
            at=1,
            policy="oracle",
            policy_kwargs={"error_rate": 0.5},
            seed=s,
        )
        for s in range(3)
    ]
    assert len(set(kids)) == 3
    assert sorted(e.id for e in sqlite_store.episodes(parent_id=parent_id)) == sorted(kids)


def test_fork_aborts_on_divergence_and_writes_nothing(sqlite_store: Store) -> None:
    (parent_id,) = record_episodes(sqlite_store, "agentdata/Math-v0", episodes=1)
    tamper_step(
        sqlite_store, parent_id, 0, observation="not what the env says", observation_ref=None
    )
    before = dump(sqlite_store)
    with pytest.raises(ForkDivergedError, match="step 0 differs in observation"):
        fork_episode(sqlite_store, parent_id, at=1, policy="oracle")
    assert dump(sqlite_store) == before


def test_fork_step_out_of_range_is_a_config_error(sqlite_store: Store) -> None:
    (parent_id,) = record_episodes(sqlite_store, "agentdata/Math-v0", episodes=1)
    n = len(sqlite_store.load_steps(parent_id))
    with pytest.raises(ConfigError, match="--at must be"):
        fork_episode(sqlite_store, parent_id, at=n + 1, policy="oracle")
    with pytest.raises(ConfigError, match="ended at step"):
        fork_episode(sqlite_store, parent_id, at=n, policy="oracle")
