"""`Recorder`: a gymnasium.Wrapper that writes every reset and step into the audit store.

It reads what happened from the environment's typed reports (`agentdata.envs.contract`:
verdict, failure, retry link, verifier time, the state serialised and hashed once) and owns
every episode record, an episode whose `reset` raised included.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gymnasium
from pydantic import JsonValue, ValidationError

from agentdata._version import package_version
from agentdata.envs.contract import ReportingEnv, StateSnapshot
from agentdata.errors import ConfigError, RecordError
from agentdata.schemas import (
    EpisodeRecord,
    Latency,
    PolicyOutput,
    PolicySpec,
    StepRecord,
)
from agentdata.schemas.trusted import trusted
from agentdata.store._sink import RecordSink


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
    """Records episodes of any agentdata environment into a `RecordSink` (e.g. a `Store`).

    `step(action)` is gymnasium's; `record_step(action, policy_output=..., policy_s=...)`
    also records what the policy returned. With `autoflush` (the default) every step is
    handed to the store's background writer as it is recorded (`flush(wait=False)`: the env
    never waits on SQL); a runner that batches turns it off and hands over once per batch.
    `close()` flushes and waits until everything recorded is committed.
    """

    def __init__(
        self,
        env: gymnasium.Env[str, str],
        store: RecordSink,
        *,
        env_id: str | None = None,
        env_kwargs: dict[str, JsonValue] | None = None,
        autoflush: bool = True,
    ) -> None:
        super().__init__(env)
        reporter = env.unwrapped
        if not isinstance(reporter, ReportingEnv):
            raise ConfigError(
                f"Recorder needs an agentdata environment (one that reports its steps, "
                f"e.g. a TextEnv), not {type(reporter).__name__}"
            )
        self._reporter: ReportingEnv = reporter
        spec = env.spec
        self.env_id = env_id or (spec.id if spec else type(reporter).__name__)
        self.env_kwargs: dict[str, JsonValue] = dict(
            env_kwargs if env_kwargs is not None else (spec.kwargs if spec else {})
        )
        self.store = store
        self.autoflush = autoflush
        self.episode: EpisodeRecord | None = None
        self.steps: list[StepRecord] = []
        self._next = EpisodeMeta()
        self._state_hash = ""

    def set_next_episode(self, meta: EpisodeMeta) -> None:
        """Identity (run, slot, policy, parent) of the episode the next `reset` starts."""
        self._next = meta

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Reset the env and begin its episode record; a reset that raises is recorded as a
        crashed episode (then the exception propagates)."""
        if self.episode is not None and self.episode.status == "running":
            self._finish("truncated", outcome={"abandoned": True})
        meta, self._next = self._next, EpisodeMeta()
        self.steps = []
        self._state_hash = ""
        try:
            obs, info = self.env.reset(seed=seed, options=options)
            report = self._reporter.last_reset
            if report is None:
                raise RecordError(f"{self.env_id} reset without reporting it (last_reset)")
        except Exception as exc:
            self._begin(
                meta,
                seed,
                options,
                task_id=str((options or {}).get("task_id", "?")),
                task_hash="",
                status="crashed",
                error=f"reset failed: {type(exc).__name__}: {exc}",
            )
            raise
        self._keep_state(report.state)
        self._begin(
            meta,
            seed,
            report.options,
            task_id=report.task.id,
            task_hash=report.task.hash,
            initial_observation=obs,
            initial_state=report.state.hash,
        )
        return obs, info

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        return self.record_step(action)

    def record_step(
        self, action: str, *, policy_output: PolicyOutput | None = None, policy_s: float = 0.0
    ) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """`step`, recording the policy's metadata and latency with it."""
        if self.episode is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        started = time.perf_counter()
        obs, reward, terminated, truncated, info = self.env.step(action)
        env_s = time.perf_counter() - started
        report = self._reporter.last_step
        if report is None:
            raise RecordError(f"{self.env_id} stepped without reporting it (last_step)")
        state_before = self._state_hash
        self._keep_state(report.state)
        # Not validated: pydantic validates JsonValue fields with a Python callback per nested
        # value (the recorder's largest cost). Every field is typed by the report, and the
        # store's Rust serialisation below rejects non-JSON values before anything is kept.
        step = trusted(
            StepRecord,
            index=len(self.steps),
            state_before=state_before,
            state_after=report.state.hash,
            action_raw=action if isinstance(action, str) else repr(action),
            action_parsed=report.parsed_action,
            observation=obs if isinstance(obs, str) else str(obs),
            reward=float(reward),
            terminated=bool(terminated),
            truncated=bool(truncated),
            verdict=report.verdict,
            failure=report.failure,
            retry_of=report.retry_of,
            infra_retries=report.infra_retries,
            latency=trusted(
                Latency, policy_s=float(policy_s), env_s=env_s, verifier_s=report.verifier_s
            ),
            policy_output=policy_output,
            info=report.extras,
        )
        try:
            self.store.add_step(self.episode.id, step)
        except ValueError as exc:  # pydantic-core refused a value: nothing was buffered
            raise RecordError(f"step {step.index} of {self.env_id} is not JSON: {exc}") from exc
        self.steps.append(step)
        if terminated or truncated:
            self._finish(
                "terminated" if terminated else "truncated",
                outcome=step.info,
                success=report.success,
            )
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
    def _begin(
        self,
        meta: EpisodeMeta,
        seed: int | None,
        options: dict[str, Any] | None,
        **fields: Any,
    ) -> None:
        """Create the episode record (running, or crashed at reset) and hand it to the store."""
        now = _now()
        try:
            self.episode = EpisodeRecord(
                id=meta.episode_id or f"ep-{uuid.uuid4().hex[:16]}",
                run_id=meta.run_id,
                slot=meta.slot,
                sample_index=meta.sample_index,
                env_id=self.env_id,
                env_kwargs=self.env_kwargs,
                seed=seed,
                reset_options=dict(options or {}),
                package_version=package_version(),
                policy=meta.policy,
                parent_id=meta.parent_id,
                fork_step=meta.fork_step,
                started_at=now,
                ended_at=now if fields.get("status") == "crashed" else None,
                **fields,
            )
        except ValidationError as exc:
            raise RecordError(f"episode of {self.env_id} cannot be recorded: {exc}") from exc
        self.store.begin_episode(self.episode)
        self._maybe_flush()

    def _finish(
        self,
        status: str,
        *,
        outcome: dict[str, JsonValue] | None = None,
        error: str | None = None,
        success: bool | None = None,
    ) -> None:
        assert self.episode is not None
        total = sum(s.reward for s in self.steps)
        if success is None and self.steps:  # the env did not say: a positive terminal reward
            last = self.steps[-1]
            success = bool(last.terminated and last.reward > 0)
        ended = _now()
        fields: dict[str, Any] = {
            "status": status,
            "ended_at": ended,
            "num_steps": len(self.steps),
            "total_reward": total,
            "success": success,
            "outcome": outcome or {},
            "error": error,
        }
        # a trusted copy: the values are the recorder's own, typed above (model_copy costs
        # as much as the rest of the episode's bookkeeping)
        self.episode = trusted(EpisodeRecord, **{**self.episode.__dict__, **fields})
        self.store.update_episode(self.episode.id, **fields)

    def _keep_state(self, state: StateSnapshot) -> None:
        """Store the state's text once per change (a rejected step leaves the state as it was)."""
        if state.hash != self._state_hash:
            self.store.add_blobs({state.hash: state.text})
            self._state_hash = state.hash

    def _maybe_flush(self) -> None:
        if self.autoflush:
            self.store.flush(wait=False)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
