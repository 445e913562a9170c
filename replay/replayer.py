"""Replay: re-execute recorded episodes in rebuilt environments and diff every step.

The policy is not re-run: the recorded action texts are fed back. Each step is re-recorded
by a `Recorder` over a `MemorySink` (so the replayed record is built exactly as the original
was) and compared field by field with the stored one. Nothing is written to the store.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from agentdata._recorder import Recorder
from agentdata._version import package_version
from agentdata.errors import CorruptRecordError, NotFoundError, UnreplayableError
from agentdata.replay.diff import Divergence, compare_steps, compare_values
from agentdata.replay.rebuild import EnvCache, Unreplayable, check_version, make_env_for, reset_to
from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord
from agentdata.store import MemorySink
from agentdata.store._reads import StoreReader

ReplayStatus = Literal["identical", "diverged", "unreplayable"]


@dataclass
class ReplayResult:
    """Outcome of replaying one episode."""

    episode_id: str
    status: ReplayStatus
    steps_recorded: int = 0
    steps_replayed: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    """Every differing field of the first divergent step (or of the reset)."""
    unreplayable: Unreplayable | None = None
    recorded_status: str = ""
    note: str = ""
    """Set when the recording stopped early (crashed, incomplete, running)."""
    replay_s: float = 0.0

    @property
    def first_divergence(self) -> Divergence | None:
        """The first differing field, in `STEP_FIELDS` order."""
        return self.divergences[0] if self.divergences else None


def load_recorded(store: StoreReader, episode_id: str) -> tuple[EpisodeRecord, list[StepRecord]]:
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


def replay_episode(
    store: StoreReader,
    episode_id: str,
    *,
    cache: EnvCache | None = None,
    allow_version_mismatch: bool = False,
    current_version: str | None = None,
) -> ReplayResult:
    """Replay one episode and compare every step; NotFoundError for an unknown id."""
    started = time.perf_counter()
    try:
        episode, steps = load_recorded(store, episode_id)
        if not allow_version_mismatch:
            check_version(episode, current_version)
        own_cache = cache is None
        envs = EnvCache() if cache is None else cache
        try:
            result = _replay_loaded(store, episode, steps, envs)
        finally:
            if own_cache:
                envs.close()
    except UnreplayableError as exc:
        return ReplayResult(episode_id, "unreplayable", unreplayable=Unreplayable.from_error(exc))
    result.replay_s = time.perf_counter() - started
    return result


def _replay_loaded(
    store: StoreReader, episode: EpisodeRecord, steps: list[StepRecord], cache: EnvCache
) -> ReplayResult:
    env = cache.get(episode.env_id, episode.env_kwargs)
    sink = MemorySink()
    rec = Recorder(env, sink, env_id=episode.env_id, env_kwargs=episode.env_kwargs, autoflush=False)
    result = ReplayResult(
        episode.id, "identical", steps_recorded=len(steps), recorded_status=episode.status
    )
    rebuilt = reset_to(rec, episode)
    load_state = _state_loader(store, sink)
    for name, old, new in (
        ("initial_observation", episode.initial_observation, rebuilt.observation),
        ("initial_state", episode.initial_state, rec.episode.initial_state if rec.episode else ""),
    ):
        found = compare_values(None, name, old, new, load_state)
        if found is not None:
            result.divergences.append(found)
    if result.divergences:
        result.status = "diverged"
        return result
    for recorded in steps:
        try:
            rec.step(recorded.action_raw)
        except Exception as exc:  # the recording stepped on; the replay raised
            result.divergences.append(
                Divergence(
                    recorded.index,
                    "exception",
                    None,
                    f"{type(exc).__name__}: {exc}",
                    f"replay raised {type(exc).__name__}: {exc}",
                )
            )
            break
        result.steps_replayed += 1
        found_all = compare_steps(recorded, rec.steps[-1], load_state)
        if found_all:
            result.divergences.extend(found_all)
            break
    if result.divergences:
        result.status = "diverged"
    elif not episode.finished or episode.status == "crashed":
        reason = f": {episode.error}" if episode.error else ""
        result.note = (
            f"recording {episode.status} after {len(steps)} steps{reason}; "
            f"replay reproduced those {len(steps)} steps"
        )
    return result


def _state_loader(store: StoreReader, sink: MemorySink) -> Callable[[str], JsonValue | None]:
    def load(digest: str) -> JsonValue | None:
        found = sink.state(digest)
        if found is not None:
            return found
        try:
            return json.loads(store.blob(digest))  # type: ignore[no-any-return]
        except (NotFoundError, ValueError):
            return None

    return load


def replay_many(
    store: StoreReader,
    ids: Sequence[str],
    *,
    allow_version_mismatch: bool = False,
    on_result: Callable[[ReplayResult], None] | None = None,
) -> dict[str, JsonValue]:
    """Replay `ids`; return the JSON report.

    `{"checked", "identical", "diverged": [{"episode", "step", "field", "recorded",
    "replayed", "diff"}], "unreplayable": [{"episode", "reason", "code"}], "partial":
    [{"episode", "status", "steps", "note"}]}`; `step` is null for a divergence at reset.
    """
    cache = EnvCache()
    version = package_version()
    diverged: list[JsonValue] = []
    unreplayable: list[JsonValue] = []
    partial: list[JsonValue] = []
    identical = 0
    try:
        for episode_id in ids:
            try:
                result = replay_episode(
                    store,
                    episode_id,
                    cache=cache,
                    allow_version_mismatch=allow_version_mismatch,
                    current_version=version,
                )
            except NotFoundError as exc:
                result = ReplayResult(
                    episode_id, "unreplayable", unreplayable=Unreplayable("not_found", str(exc))
                )
            if result.status == "identical":
                identical += 1
                if result.note:
                    partial.append(
                        {
                            "episode": episode_id,
                            "status": result.recorded_status,
                            "steps": result.steps_replayed,
                            "note": result.note,
                        }
                    )
            elif result.status == "diverged" and result.first_divergence is not None:
                diverged.append(result.first_divergence.as_report(episode_id))
            elif result.unreplayable is not None:
                unreplayable.append(result.unreplayable.as_report(episode_id))
            if on_result is not None:
                on_result(result)
    finally:
        cache.close()
    return {
        "checked": len(ids),
        "identical": identical,
        "diverged": diverged,
        "unreplayable": unreplayable,
        "partial": partial,
    }


__all__ = [
    "ReplayResult",
    "ReplayStatus",
    "load_recorded",
    "make_env_for",
    "replay_episode",
    "replay_many",
]
