"""Generation and environment steps overlapped: a slow env step never stalls the batch.

Each round, every episode whose observation is ready goes into one `policy.act` call (one
generate call for an LLM policy); the resulting env steps run in worker threads. The loop
waits up to `straggler_s` for all steps to land, then generates for the episodes that are
ready while slower steps (a sandbox running tests) keep going and join a later batch.
Recorders buffer into one store from several threads, so the store is shared behind a lock
(`LockedStore`); buffering is cheap, and no call holds it across SQL: the store's background
writer commits each round's batch while the next round runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, cast

from agentdata._recorder import Recorder
from agentdata.policies import Action, Policy, Turn
from agentdata.store import Store

STRAGGLER_WAIT_S = 0.05
"""How long a round waits for the last env steps before generating without them."""


@dataclass
class Active:
    """A live episode: its recorder, policy key and the last observation and info."""

    recorder: Recorder
    key: str = ""
    observation: str = ""
    info: dict[str, Any] = field(default_factory=dict)


class LockedStore:
    """A `Store` whose every method call holds one lock (recorders step in worker threads)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return locked

    def as_store(self) -> Store:
        """This proxy typed as the `Store` it stands for."""
        return cast(Store, self)


def act(policy: Policy, active: Sequence[Active]) -> tuple[list[Action | BaseException], float]:
    """One policy call for `active`: an action (or the error) per episode, seconds per turn."""
    turns = [Turn(a.key, a.observation, a.info) for a in active]
    started = time.perf_counter()
    try:
        actions: list[Action | BaseException] = list(policy.act(turns))
        if len(actions) != len(turns):
            raise ValueError(f"policy returned {len(actions)} actions for {len(turns)} turns")
    except Exception as exc:
        return [exc] * len(turns), 0.0
    return actions, (time.perf_counter() - started) / len(turns)


def step(item: Active, action: Action | BaseException, per_turn_s: float) -> bool:
    """Apply one action to its episode; True when the episode ended (or crashed)."""
    rec = item.recorder
    if isinstance(action, BaseException):
        rec.crash(f"policy_error: {type(action).__name__}: {action}")
        return True
    if action.error is not None:
        rec.crash(f"policy_error: {action.error}")
        return True
    try:
        obs, _r, terminated, truncated, info = rec.record_step(
            action.text, policy_output=action.output, policy_s=per_turn_s
        )
    except Exception as exc:
        rec.crash(exc)
        return True
    item.observation, item.info = obs, info
    return bool(terminated or truncated)


def drive(
    policy: Policy,
    pool: ThreadPoolExecutor,
    start_next: Callable[[], Active | bool | None],
    on_round: Callable[[list[Active]], None],
    *,
    straggler_s: float = STRAGGLER_WAIT_S,
    when_idle: Callable[[], bool] = lambda: False,
) -> None:
    """Run episodes until `start_next` has none left and all have ended.

    `start_next()` returns a new live episode, None when a slot ended at once (reset failed),
    or False when there is no free worker or no slot left. `on_round(finished)` runs after
    each round with the episodes that ended in it (flush the store, free their workers).
    `when_idle()` runs when nothing is live and no slot can start: True to look again
    (e.g. other workers still hold slots that may come free), False to stop.
    """
    ready: list[Active] = []
    stepping: dict[Future[bool], Active] = {}
    while True:
        while (started := start_next()) is not False:
            if started is not None:
                ready.append(cast(Active, started))
        if not ready and not stepping:  # every worker is free and no slot can start
            on_round([])
            if when_idle():
                continue
            return
        if ready:
            actions, per_turn = act(policy, ready)
            for item, action in zip(ready, actions, strict=True):
                stepping[pool.submit(step, item, action, per_turn)] = item
            ready = []
        done, _ = wait(stepping, timeout=straggler_s)
        if not done:
            done, _ = wait(stepping, return_when=FIRST_COMPLETED)
        finished: list[Active] = []
        for future in done:
            item = stepping.pop(future)
            (finished if future.result() else ready).append(item)
        on_round(finished)
