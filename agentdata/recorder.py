"""`Recorder`: a gymnasium.Wrapper that writes every reset and step into the audit store."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gymnasium
from pydantic import BaseModel, JsonValue

from agentdata.errors import RecordError
from agentdata.schemas import (
    EpisodeRecord,
    Failure,
    Latency,
    PolicyOutput,
    PolicySpec,
    StepRecord,
    Verdict,
)
from agentdata.schemas.hashing import canonical_json, text_hash
from agentdata.store import Store
from agentdata.version import package_version

_AUDIT_KEYS = frozenset(
    {"verdict", "failure", "parsed_action", "state", "retry_of", "task", "infra_retries"}
)


@dataclass
class EpisodeMeta:
    """Identity of the next episode, set by the runner (or left to defaults)."""

    episode_id: str | None = None
    run_id: str = "adhoc"
    slot: int = 0
    sample_index: int = 0
    policy: PolicySpec = field(default_factory=lambda: PolicySpec(name="external"))
    parent_id: str | None = None
    fork_step: int | None = None


class Recorder(gymnasium.Wrapper[str, str, str, str]):
    """Records episodes of any agentdata environment into a `Store`.

    With `autoflush` (the default) every step is committed before `step` returns; a runner
    that batches turns it off and calls `store.flush()` once per batch.
    """

    def __init__(
        self,
        env: gymnasium.Env[str, str],
        store: Store,
        *,
        env_id: str | None = None,
        env_kwargs: dict[str, JsonValue] | None = None,
        autoflush: bool = True,
    ) -> None:
        super().__init__(env)
        spec = env.spec
        self.env_id = env_id or (spec.id if spec else type(env.unwrapped).__name__)
        self.env_kwargs: dict[str, JsonValue] = dict(
            env_kwargs if env_kwargs is not None else (spec.kwargs if spec else {})
        )
        self.store = store
        self.autoflush = autoflush
        self.episode: EpisodeRecord | None = None
        self.steps: list[StepRecord] = []
        self._next = EpisodeMeta()
        self._state_hash = ""
        self._last_state: Any = None
        self._pending_output: PolicyOutput | None = None
        self._pending_policy_s = 0.0

    def set_next_episode(self, meta: EpisodeMeta) -> None:
        """Identity (run, slot, policy, parent) of the episode the next `reset` starts."""
        self._next = meta

    def annotate(self, output: PolicyOutput | None, policy_s: float) -> None:
        """Policy metadata and latency for the next `step`."""
        self._pending_output = output
        self._pending_policy_s = policy_s

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        if self.episode is not None and self.episode.status == "running":
            self._finish("truncated", outcome={"abandoned": True})
        obs, info = self.env.reset(seed=seed, options=options)
        task = info["task"]
        meta, self._next = self._next, EpisodeMeta()
        self._state_hash = ""
        self._state_hash = self._store_state(info.get("state"))
        self.steps = []
        self.episode = EpisodeRecord(
            id=meta.episode_id or f"ep-{uuid.uuid4().hex[:16]}",
            run_id=meta.run_id,
            slot=meta.slot,
            sample_index=meta.sample_index,
            env_id=self.env_id,
            env_kwargs=self.env_kwargs,
            task_id=task.id,
            task_hash=task.hash,
            seed=seed,
            package_version=package_version(),
            policy=meta.policy,
            parent_id=meta.parent_id,
            fork_step=meta.fork_step,
            started_at=_now(),
            initial_observation=obs,
            initial_state=self._state_hash,
        )
        self.store.begin_episode(self.episode)
        self._maybe_flush()
        return obs, info

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self.episode is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        started = time.perf_counter()
        obs, reward, terminated, truncated, info = self.env.step(action)
        env_s = time.perf_counter() - started
        state_after = self._store_state(info.get("state"))
        retry_of = info.get("retry_of")
        parsed = info.get("parsed_action")
        if not (retry_of is None or isinstance(retry_of, int)) or not (
            parsed is None or isinstance(parsed, dict)
        ):
            raise RecordError("info['retry_of'] must be an int or None, 'parsed_action' a dict")
        # model_construct: pydantic validates JsonValue fields with a Python callback per
        # nested value (the recorder's largest cost). Every field is typed here, and the
        # store's Rust serialisation below rejects non-JSON values before anything is kept.
        step = StepRecord.model_construct(
            index=len(self.steps),
            state_before=self._state_hash,
            state_after=state_after,
            action_raw=action if isinstance(action, str) else repr(action),
            action_parsed=parsed,
            observation=obs if isinstance(obs, str) else str(obs),
            reward=float(reward),
            terminated=bool(terminated),
            truncated=bool(truncated),
            verdict=_typed(info.get("verdict"), Verdict),
            failure=_typed(info.get("failure"), Failure),
            retry_of=retry_of,
            infra_retries=int(info.get("infra_retries", 0)),
            latency=Latency.model_construct(
                policy_s=float(self._pending_policy_s),
                env_s=env_s,
                verifier_s=float(getattr(self.env.unwrapped, "last_verifier_s", 0.0)),
            ),
            policy_output=self._pending_output,
            info=_json_extras(info),
        )
        try:
            self.store.add_step(self.episode.id, step)
        except ValueError as exc:  # pydantic-core refused a value: nothing was buffered
            raise RecordError(f"step {step.index} of {self.env_id} is not JSON: {exc}") from exc
        self._pending_output, self._pending_policy_s = None, 0.0
        self._state_hash = state_after
        self.steps.append(step)
        if terminated or truncated:
            self._finish("terminated" if terminated else "truncated", outcome=step.info)
        self._maybe_flush()
        return obs, float(reward), terminated, truncated, info

    def crash(self, error: BaseException | str) -> None:
        """Mark the current episode crashed (an env or policy raised)."""
        if self.episode is not None and self.episode.status == "running":
            message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
            self._finish("crashed", error=message)
            self._maybe_flush()

    def close(self) -> None:
        if self.episode is not None and self.episode.status == "running":
            self._finish("truncated", outcome={"abandoned": True})
        self.store.flush()
        super().close()

    # -- internals ------------------------------------------------------------------------
    def _finish(
        self, status: str, *, outcome: dict[str, JsonValue] | None = None, error: str | None = None
    ) -> None:
        assert self.episode is not None
        total = sum(s.reward for s in self.steps)
        success = _success(self.steps)
        ended = _now()
        self.episode = self.episode.model_copy(
            update={
                "status": status,
                "ended_at": ended,
                "num_steps": len(self.steps),
                "total_reward": total,
                "success": success,
                "outcome": outcome or {},
                "error": error,
            }
        )
        self.store.update_episode(
            self.episode.id,
            status=status,
            ended_at=ended,
            num_steps=len(self.steps),
            total_reward=total,
            success=success,
            outcome=outcome or {},
            error=error,
        )

    def _store_state(self, state: Any) -> str:
        if self._state_hash and state is not self._last_state and state == self._last_state:
            return self._state_hash  # a rejected step leaves the state as it was
        # (the same object may have been mutated in place: always re-serialise it)
        self._last_state = state
        text = canonical_json(_jsonable(state))
        digest = text_hash(text)
        self.store.add_blobs({digest: text})
        return digest

    def _maybe_flush(self) -> None:
        if self.autoflush:
            self.store.flush()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _success(steps: list[StepRecord]) -> bool | None:
    if not steps:
        return None
    last = steps[-1]
    declared = last.info.get("success")
    if isinstance(declared, bool):
        return declared
    return bool(last.terminated and last.reward > 0)


def _typed(value: Any, model: type[Any]) -> Any:
    if value is None or isinstance(value, model):
        return value
    return model.model_validate(value)


def _jsonable(value: Any) -> JsonValue:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value  # type: ignore[no-any-return]


_PLAIN_JSON = (str, int, float, bool, list, dict, type(None))


def _json_extras(info: dict[str, Any]) -> dict[str, JsonValue]:
    """The env-specific JSON values of `info` (audit keys and non-JSON values dropped)."""
    extras: dict[str, JsonValue] = {}
    for key in sorted(info.keys() - _AUDIT_KEYS):
        value = info[key]
        if isinstance(value, _PLAIN_JSON):
            extras[key] = value
        elif isinstance(value, BaseModel):
            extras[key] = value.model_dump(mode="json")
    return extras
