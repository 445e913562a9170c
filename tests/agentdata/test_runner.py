"""Rollout runner on the real math environment: batching, best-of-N, resume, typed errors."""

from __future__ import annotations

import itertools

import pytest

from agentdata._runner import RolloutConfig, derive_seed, episode_id_for, run_rollouts
from agentdata._stats import run_stats, run_summary
from agentdata.errors import ConfigError, RunMismatchError
from agentdata.store import Store


def test_oracle_solves_every_episode(store: Store) -> None:
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="oracle",
        episodes=12,
        seed=0,
        concurrency=4,
        run_id="oracle",
    )
    run_id = run_rollouts(store, cfg)
    summary = run_summary(store, run_id)
    assert summary["episodes"] == 12
    assert summary["success_rate"] == 1.0
    assert summary["failures"] == {}
    episodes = store.episodes(run_id)
    assert [e.slot for e in episodes] == list(range(12))
    for ep in episodes:
        steps = store.load_steps(ep.id)
        assert [s.index for s in steps] == list(range(len(steps))) and ep.num_steps == len(steps)
        assert steps[-1].terminated and ep.status == "terminated"
        assert all(s.verdict is not None for s in steps)
        assert steps[0].state_before == ep.initial_state
        assert all(a.state_after == b.state_before for a, b in itertools.pairwise(steps))


def test_mistakes_give_failures_error_types_and_retry_links(store: Store) -> None:
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="oracle",
        episodes=16,
        seed=1,
        policy_kwargs={"error_rate": 0.5},
        run_id="noisy",
    )
    run_rollouts(store, cfg)
    summary = run_summary(store, "noisy")
    assert summary["failures"] and summary["error_types"]
    stats = run_stats(store, "noisy")
    assert stats["retries"]["agent"] > 0
    retried = [
        s for e in store.episodes("noisy") for s in store.load_steps(e.id) if s.retry_of is not None
    ]
    # a retry points back at an earlier step that failed
    for step in retried:
        assert step.retry_of is not None and step.retry_of < step.index


def test_samples_per_task_share_tasks_and_give_pass_at_k(store: Store) -> None:
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="oracle",
        episodes=12,
        seed=2,
        samples_per_task=4,
        policy_kwargs={"error_rate": 0.6},
        run_id="bon",
    )
    run_rollouts(store, cfg)
    episodes = store.episodes("bon")
    by_task = [{e.task_id for e in episodes[i : i + 4]} for i in range(0, 12, 4)]
    assert all(len(group) == 1 for group in by_task)
    assert len({next(iter(g)) for g in by_task}) == 3
    assert [e.sample_index for e in episodes] == [0, 1, 2, 3] * 3
    stats = run_stats(store, "bon")
    assert stats["tasks"] == 3
    assert set(stats["pass_at_k"]) == {"pass@1", "pass@2", "pass@4"}
    assert stats["pass_at_k"]["pass@1"] <= stats["pass_at_k"]["pass@4"]


def test_resume_keeps_finished_episodes(store: Store) -> None:
    cfg = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=5, run_id="again")
    run_rollouts(store, cfg)
    before = {e.id for e in store.episodes("again")}
    run_rollouts(store, cfg)
    assert {e.id for e in store.episodes("again")} == before
    bigger = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=7, run_id="again")
    run_rollouts(store, bigger)
    assert len(store.episodes("again")) == 7


def test_resume_with_other_arguments_is_refused(sqlite_store: Store) -> None:
    run_rollouts(
        sqlite_store,
        RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=1, seed=0, run_id="r"),
    )
    with pytest.raises(RunMismatchError, match="seed"):
        run_rollouts(
            sqlite_store,
            RolloutConfig(
                env_id="agentdata/Math-v0", policy="oracle", episodes=1, seed=1, run_id="r"
            ),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"env_id": "agentdata/Nope-v0"}, "unknown environment"),
        ({"policy": "telepathy"}, "unknown policy"),
        ({"env_kwargs": {"no_such_kwarg": 1}}, "cannot create"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_bad_configuration_is_a_config_error(
    sqlite_store: Store, kwargs: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {"env_id": "agentdata/Math-v0", "policy": "oracle", "episodes": 1}
    with pytest.raises(ConfigError, match=message):
        run_rollouts(sqlite_store, RolloutConfig(**{**base, **kwargs}))  # type: ignore[arg-type]


def test_scripted_garbage_is_recorded_as_typed_failures(sqlite_store: Store) -> None:
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="scripted",
        episodes=2,
        run_id="junk",
        env_kwargs={"max_steps": 4},
        policy_kwargs={"actions": "\x00\x01||10**10**10||" + "(" * 5000 + "||answer: nope"},
    )
    run_rollouts(sqlite_store, cfg)
    summary = run_summary(sqlite_store, "junk")
    assert summary["episodes"] == 2 and summary["steps"] == 8
    assert summary["success_rate"] == 0.0
    assert sum(summary["failures"].values()) == 8


def test_seeds_and_ids_are_stable() -> None:
    assert derive_seed(0, "task", 3) == derive_seed(0, "task", 3)
    assert derive_seed(0, "task", 3) != derive_seed(1, "task", 3)
    assert 0 <= derive_seed(123, "x") < 2**31
    assert episode_id_for("r", 1, 0) == episode_id_for("r", 1, 0) != episode_id_for("r", 1, 1)
