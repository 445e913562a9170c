"""Replay: re-execute recorded episodes in rebuilt environments and diff every step.

The policy is not re-run: the recorded action texts are fed back (`_reexecute.reexecute`).
Each step is re-recorded by a `Recorder` over a `MemorySink` (so the replayed record is built
exactly as the original was) and compared field by field with the stored one. Nothing is
written to the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from agentdata._version import package_version
from agentdata.errors import NotFoundError, UnreplayableError
from agentdata.replay._diff import Divergence
from agentdata.replay._rebuild import EnvCache, Unreplayable, check_version, make_env_for
from agentdata.replay._reexecute import load_recorded, memory_recorder, reexecute, state_loader
from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord
from agentdata.store import Store

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


def replay_episode(
    store: Store,
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
    store: Store, episode: EpisodeRecord, steps: list[StepRecord], cache: EnvCache
) -> ReplayResult:
    rec, sink = memory_recorder(cache, episode)
    result = ReplayResult(
        episode.id, "identical", steps_recorded=len(steps), recorded_status=episode.status
    )
    for replayed in reexecute(rec, episode, steps, load_state=state_loader(store, sink)):
        if replayed.replayed is not None:
            result.steps_replayed += 1
        if replayed.divergences:
            result.divergences.extend(replayed.divergences)
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


def replay_many(
    store: Store,
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
