"""Record → replay on every env and both store backends; tampering is caught, not replayed."""

from __future__ import annotations

import pytest
from conftest import dump, record_episodes, tamper_episode, tamper_step

from agentdata._recorder import EpisodeMeta, Recorder
from agentdata._runner import make_env
from agentdata.errors import NotFoundError
from agentdata.replay import EnvCache, replay_episode, replay_many
from agentdata.store import Store


def test_record_then_replay_is_identical_and_writes_nothing(store: Store, env_id: str) -> None:
    ids = record_episodes(store, env_id, episodes=3)
    steps = sum(len(store.load_steps(i)) for i in ids)
    assert steps >= 3
    before = dump(store)
    report = replay_many(store, ids)
    assert report == {
        "checked": 3,
        "identical": 3,
        "diverged": [],
        "unreplayable": [],
        "partial": [],
    }
    assert dump(store) == before


def test_tampered_observation_names_that_step_and_field(store: Store, env_id: str) -> None:
    (episode_id,) = record_episodes(store, env_id, episodes=1)
    recorded = store.load_steps(episode_id)
    assert len(recorded) >= 2
    tamper_step(store, episode_id, 1, observation="tampered text", observation_ref=None)
    result = replay_episode(store, episode_id)
    assert result.status == "diverged"
    assert result.steps_replayed == 2  # step 0 matched, step 1 was re-executed and compared
    assert [(d.step, d.field) for d in result.divergences] == [(1, "observation")]
    first = result.divergences[0]
    assert first.recorded == "tampered text"
    assert first.replayed == recorded[1].observation
    assert "-tampered text" in first.diff and "+++ replayed/step1/observation" in first.diff
    report = replay_many(store, [episode_id])
    (entry,) = report["diverged"]  # type: ignore[misc]
    assert (entry["episode"], entry["step"], entry["field"]) == (episode_id, 1, "observation")


def test_tampered_reward_verdict_and_state_are_each_named(sqlite_store: Store, env_id: str) -> None:
    ids = record_episodes(sqlite_store, env_id, episodes=1)
    (episode_id,) = ids
    original = sqlite_store.load_steps(episode_id)[0]
    tamper_step(sqlite_store, episode_id, 0, reward=123.0)
    assert [(d.step, d.field) for d in replay_episode(sqlite_store, episode_id).divergences] == [
        (0, "reward")
    ]
    tamper_step(sqlite_store, episode_id, 0, reward=original.reward, state_after="0" * 64)
    result = replay_episode(sqlite_store, episode_id)
    assert [(d.step, d.field) for d in result.divergences] == [(0, "state_after")]


def test_tampered_task_hash_is_unreplayable(store: Store, env_id: str) -> None:
    (episode_id,) = record_episodes(store, env_id, episodes=1)
    tamper_episode(store, episode_id, task_hash="f" * 64)
    result = replay_episode(store, episode_id)
    assert result.status == "unreplayable" and result.unreplayable is not None
    assert result.unreplayable.code == "task_hash_mismatch"
    assert result.steps_replayed == 0


def test_other_package_version_is_unreplayable_unless_allowed(
    sqlite_store: Store, env_id: str
) -> None:
    (episode_id,) = record_episodes(sqlite_store, env_id, episodes=1)
    tamper_episode(sqlite_store, episode_id, package_version="0.0.1")
    result = replay_episode(sqlite_store, episode_id)
    assert result.unreplayable is not None and result.unreplayable.code == "version_mismatch"
    assert "0.0.1" in result.unreplayable.message
    assert replay_episode(sqlite_store, episode_id, allow_version_mismatch=True).status == (
        "identical"
    )


def test_env_not_installed_and_corrupt_rows_are_unreplayable(sqlite_store: Store) -> None:
    env_id = "agentdata/Math-v0"
    a, b, c = record_episodes(sqlite_store, env_id, episodes=3)
    tamper_episode(sqlite_store, a, env_id="agentdata/NotInstalled-v9")
    tamper_step(sqlite_store, b, 0, payload='{"verdict": {"label": "bogus"}}')
    tamper_episode(sqlite_store, c, num_steps=999)
    report = replay_many(sqlite_store, [a, b, c])
    codes = {e["episode"]: e["code"] for e in report["unreplayable"]}  # type: ignore[index,union-attr]
    assert codes == {a: "env_not_installed", b: "corrupt_record", c: "corrupt_record"}
    assert report["identical"] == 0


def test_unknown_episode_or_run_raises_not_found(sqlite_store: Store) -> None:
    with pytest.raises(NotFoundError, match="no episode 'ep-missing'"):
        replay_episode(sqlite_store, "ep-missing")
    with pytest.raises(NotFoundError, match="no run 'no-such-run'"):
        sqlite_store.episode_ids("no-such-run")


def test_crashed_episode_replays_up_to_the_crash(sqlite_store: Store, env_id: str) -> None:
    # a "recording" that crashed after two steps (the policy died): reproduce those two steps
    (source,) = record_episodes(sqlite_store, env_id, episodes=1)
    parent = sqlite_store.get_episode(source)
    actions = [s.action_raw for s in sqlite_store.load_steps(source)][:2]
    rec = Recorder(make_env(env_id, {}), sqlite_store, env_id=env_id, env_kwargs={})
    rec.set_next_episode(EpisodeMeta(episode_id="ep-crashed", run_id="crash"))
    rec.reset(seed=parent.seed, options={"task_id": parent.task_id})
    for action in actions:
        rec.step(action)
    rec.crash(RuntimeError("policy server went away"))
    rec.close()
    cache = EnvCache()
    try:
        result = replay_episode(sqlite_store, "ep-crashed", cache=cache)
    finally:
        cache.close()
    assert result.status == "identical", result.divergences
    assert result.steps_replayed == 2
    assert "crashed after 2 steps" in result.note and "policy server went away" in result.note
    report = replay_many(sqlite_store, ["ep-crashed"])
    assert report["partial"] == [
        {"episode": "ep-crashed", "status": "crashed", "steps": 2, "note": result.note}
    ]
