"""Fork an episode at step K: re-execute (and check) its first K steps, then let a policy go on.

The fork is recorded by an ordinary `Recorder`, so it is a normal episode with `parent_id`
and `fork_step`. Its prefix steps carry the parent's action texts and policy metadata (they
were produced by the parent's policy), and each is compared with the parent's step: a
divergence aborts the fork with `ForkDivergedError` and nothing is written: the store
buffers until `flush()`, and a diverged prefix is discarded instead.
"""

from __future__ import annotations

import uuid
from typing import Any

from agentdata._recorder import EpisodeMeta, Recorder
from agentdata._runner import derive_seed, play_episode
from agentdata.errors import ConfigError, ForkDivergedError
from agentdata.policies import make_policy
from agentdata.replay._rebuild import check_version, make_env_for
from agentdata.replay._reexecute import load_recorded, reexecute
from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord
from agentdata.store import Store


def fork_episode(
    store: Store,
    episode_id: str,
    *,
    at: int,
    policy: str,
    policy_kwargs: dict[str, JsonValue] | None = None,
    seed: int | None = None,
    run_id: str | None = None,
    allow_version_mismatch: bool = False,
) -> str:
    """Fork `episode_id` after its first `at` steps; return the new episode's id.

    `seed` seeds the policy (default: derived from the parent's seed, id and `at`). The fork
    is stored in run `run_id` (default `<parent run>/forks`, so the parent run's statistics
    are unchanged). Raises NotFoundError, UnreplayableError, ForkDivergedError, ConfigError.
    """
    parent, steps = load_recorded(store, episode_id)
    if not 0 <= at <= len(steps):
        raise ConfigError(
            f"episode {episode_id} has {len(steps)} steps; --at must be 0..{len(steps)}"
        )
    if at > 0 and (steps[at - 1].terminated or steps[at - 1].truncated):
        raise ConfigError(
            f"episode {episode_id} ended at step {at - 1}; fork at a step before its end"
        )
    agent = make_policy(policy, dict(policy_kwargs or {}))
    policy_seed = seed if seed is not None else derive_seed(parent.seed or 0, "fork", parent.id, at)
    new_id = f"ep-{uuid.uuid4().hex[:16]}"
    if not allow_version_mismatch:
        check_version(parent)
    env = make_env_for(parent.env_id, parent.env_kwargs)
    store.flush()  # the caller's own pending writes are not the fork's to discard
    rec = Recorder(env, store, env_id=parent.env_id, env_kwargs=parent.env_kwargs, autoflush=False)
    try:
        rec.set_next_episode(
            EpisodeMeta(
                episode_id=new_id,
                run_id=run_id or f"{parent.run_id}/forks",
                slot=parent.slot,
                sample_index=parent.sample_index,
                policy=agent.spec().model_copy(update={"seed": policy_seed}),
                parent_id=parent.id,
                fork_step=at,
            )
        )
        try:
            obs, info = _check_prefix(rec, parent, steps[:at])
        except BaseException:
            store.discard()
            rec.episode = None  # nothing of it was written: close() has nothing to end
            raise
        store.flush()
        rec.autoflush = True  # from here on, every step is committed as it happens
        play_episode(rec, agent, new_id, obs, info, policy_seed)
    finally:
        rec.close()
        agent.close()
    return new_id


def _check_prefix(
    rec: Recorder, parent: EpisodeRecord, prefix: list[StepRecord]
) -> tuple[str, dict[str, Any]]:
    """Reset as the parent was and re-execute its first steps, checking each; return the
    last observation and info (where the policy goes on)."""
    obs, info = "", {}
    for replayed in reexecute(rec, parent, prefix):
        if replayed.divergences:
            first = replayed.divergences[0]
            where = "reset" if first.step is None else f"step {first.step}"
            raise ForkDivergedError(
                f"fork of {parent.id}: {where} differs in {first.field}\n{first.diff}"
            )
        obs, info = replayed.observation, replayed.info
    return obs, info
