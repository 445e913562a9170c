"""The single-episode stepping loop shared by fork and the determinism audit."""

from __future__ import annotations

import time
from typing import Any

from agentdata.policies import Policy, Turn
from agentdata.recorder import Recorder


def drive(
    rec: Recorder, agent: Policy, key: str, obs: str, info: dict[str, Any], seed: int
) -> None:
    """Let `agent` act on the recorded env until the episode ends, from `obs`/`info`.

    This is the runner's stepping loop for a single episode (policy start, act, annotate,
    step, crash on policy or env exceptions); the runner's batched loop works on many.
    """
    assert rec.episode is not None
    task = rec.unwrapped.task  # type: ignore[attr-defined]
    try:
        agent.start(key, rec, task, seed)
    except Exception as exc:
        rec.crash(f"policy_error: {type(exc).__name__}: {exc}")
        return
    while rec.episode.status == "running":
        started = time.perf_counter()
        try:
            action = agent.act([Turn(key, obs, info)])[0]
        except Exception as exc:
            rec.crash(f"policy_error: {type(exc).__name__}: {exc}")
            break
        rec.annotate(action.output, time.perf_counter() - started)
        try:
            obs, _r, _term, _trunc, info = rec.step(action.text)
        except Exception as exc:
            rec.crash(exc)
            break
    agent.end(key)
