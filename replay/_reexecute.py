"""The one re-execution loop: reset an env as a recorded episode was, re-feed its actions.

Replay (diff every step), fork (check the prefix, then let a policy go on), the determinism
audit (a recording replays identically) and `mine --verify` (re-judge every fix) all
re-execute a recorded episode the same way: a `Recorder` over the environment is reset with
the recorded seed and reset options (task id and hash checked), then each recorded action
is stepped with the recorded policy metadata and the re-recorded step is compared with the
stored one. Callers decide what a divergence means (report it, abort, or keep judging).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentdata._recorder import Recorder
from agentdata.errors import CorruptRecordError, NotFoundError, UnreplayableError
from agentdata.replay._diff import (
    Divergence,
    StateLoader,
    compare_steps,
    compare_values,
)
from agentdata.replay._rebuild import EnvCache, reset_to
from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord
from agentdata.store import MemorySink, Store


@dataclass
class Replayed:
    """One re-executed step (or, with `recorded` None, the reset) and how it compares."""

    recorded: StepRecord | None
    """The stored step; None for the reset."""
    replayed: StepRecord | None
    """The step as re-recorded now; None for the reset or when the replay raised."""
    observation: str
    info: dict[str, Any]
    """What the env returned (a fork's policy continues from the last ones)."""
    divergences: list[Divergence] = field(default_factory=list)
    """Every differing env-produced field of this step (empty: identical)."""


def load_recorded(store: Store, episode_id: str) -> tuple[EpisodeRecord, list[StepRecord]]:
    """The episode and its steps; corrupt rows raise `UnreplayableError(corrupt_record)`."""
    try:
        episode = store.get_episode(episode_id)
        steps = store.load_steps(episode_id)
    except CorruptRecordError as exc:
        raise UnreplayableError("corrupt_record", str(exc)) from exc
    except NotFoundError as exc:
        if "blob" not in str(exc):
            raise
        raise UnreplayableError("corrupt_record", str(exc)) from exc
    indexes = [s.index for s in steps]
    if indexes != list(range(len(steps))):
        raise UnreplayableError("corrupt_record", f"step indexes are not 0..n-1: {indexes[:20]}")
    if episode.finished and episode.num_steps != len(steps):
        raise UnreplayableError(
            "corrupt_record",
            f"episode says {episode.num_steps} steps, the store holds {len(steps)}",
        )
    return episode, steps


def memory_recorder(cache: EnvCache, episode: EpisodeRecord) -> tuple[Recorder, MemorySink]:
    """A recorder over the episode's (cached) env that writes nowhere but into memory."""
    sink = MemorySink()
    env = cache.get(episode.env_id, episode.env_kwargs)
    rec = Recorder(env, sink, env_id=episode.env_id, env_kwargs=episode.env_kwargs, autoflush=False)
    return rec, sink


def reexecute(
    rec: Recorder,
    episode: EpisodeRecord,
    steps: Sequence[StepRecord],
    *,
    load_state: StateLoader | None = None,
) -> Iterator[Replayed]:
    """Reset `rec` as `episode` was, then step each of `steps`' actions; yield the comparisons.

    The first item is the reset (`recorded` None: initial observation and state compared),
    then one per step. A step whose replay raises yields an `exception` divergence and ends
    the iteration; otherwise the caller decides whether to go on after a divergence.
    Raises `UnreplayableError` when the episode's task cannot be loaded as recorded.
    """
    if episode.reset_options is None and episode.task_hash:
        # recorded before reset options were: find them on the bare env (it may take several
        # resets), so the recorder below sees exactly one reset
        found = reset_to(rec.env, episode).options
        episode = episode.model_copy(update={"reset_options": dict(found or {})})
    rebuilt = reset_to(rec, episode)
    assert rec.episode is not None
    reset = Replayed(None, None, rebuilt.observation, rebuilt.info)
    for name, old, now in (
        ("initial_observation", episode.initial_observation, rebuilt.observation),
        ("initial_state", episode.initial_state, rec.episode.initial_state),
    ):
        found_div = compare_values(None, name, old, now, load_state)
        if found_div is not None:
            reset.divergences.append(found_div)
    yield reset
    for recorded in steps:
        try:
            obs, _r, _term, _trunc, info = rec.record_step(
                recorded.action_raw,
                policy_output=recorded.policy_output,
                policy_s=recorded.latency.policy_s,
            )
        except Exception as exc:  # the recording stepped on; the replay raised
            said = f"{type(exc).__name__}: {exc}"
            yield Replayed(
                recorded,
                None,
                "",
                {},
                [Divergence(recorded.index, "exception", None, said, f"replay raised {said}")],
            )
            return
        replayed = rec.steps[-1]
        yield Replayed(recorded, replayed, obs, info, compare_steps(recorded, replayed, load_state))


def state_loader(store: Store, sink: MemorySink) -> StateLoader:
    """Snapshots by hash: the replay's own (in `sink`) first, then the store's blobs."""

    def load(digest: str) -> JsonValue | None:
        found = sink.state(digest)
        if found is not None:
            return found
        try:
            return json.loads(store.blob(digest))  # type: ignore[no-any-return]
        except (NotFoundError, ValueError):
            return None

    return load
