"""Multi-step determinism audit: the same seeds and actions give byte-identical records.

For every registered environment (or the ones asked for), a worker process records
episodes driven by (a) seeded random actions sampled from the env's own action space and
(b) the oracle policy, without and with mistakes (fail→fix cycles), and replays each from
its store (the replay's own re-execution). Two workers run with different `PYTHONHASHSEED`
values in separate processes; their canonical records
(`agentdata._canonical.canonical_episode`: everything but wall-clock fields) must be
byte-identical, and every recording must replay identically. Gymnasium's `check_env`
checks one step in one process; this checks whole episodes across processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium
import numpy as np

from agentdata._canonical import canonical_episode
from agentdata._recorder import EpisodeMeta, Recorder
from agentdata._runner import derive_seed, play_episode
from agentdata.envs import make, register_envs
from agentdata.envs.contract import task_ids_of
from agentdata.errors import ReplayError
from agentdata.policies import OraclePolicy
from agentdata.replay._reexecute import load_recorded, reexecute, state_loader
from agentdata.schemas import JsonValue
from agentdata.schemas.hashing import canonical_json
from agentdata.store import MemorySink, Store

KINDS = ("random", "oracle", "oracle-mistakes")
HASH_SEEDS = ("0", "2718281")
RANDOM_STEPS = 6
RANDOM_MAX_CHARS = 48


@dataclass
class EnvAudit:
    """Audit result of one environment."""

    env_id: str
    episodes: int = 0
    steps: int = 0
    mismatches: list[dict[str, JsonValue]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Identical in both processes, at least one step compared, and no error."""
        return self.error is None and not self.mismatches and self.steps > 0

    def as_json(self) -> dict[str, JsonValue]:
        """JSON form for the CLI."""
        return {
            "env": self.env_id,
            "ok": self.ok,
            "episodes": self.episodes,
            "steps": self.steps,
            "mismatches": list(self.mismatches),
            "error": self.error,
        }


def run_audit(
    env_ids: Sequence[str] | None = None,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    timeout_s: float = 600.0,
) -> list[EnvAudit]:
    """Audit `env_ids` (default: every registered env) in two processes and compare."""
    chosen = list(env_ids) if env_ids else register_envs()
    spec = json.dumps({"envs": chosen, "seeds": list(seeds)})
    procs = []
    for hash_seed in HASH_SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "agentdata.replay._audit"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    outputs: list[dict[str, Any]] = []
    for proc in procs:
        try:
            out, err = proc.communicate(spec, timeout=timeout_s)
        except subprocess.TimeoutExpired as exc:
            for p in procs:
                p.kill()
            raise ReplayError(f"determinism audit worker exceeded {timeout_s}s") from exc
        if proc.returncode != 0:
            raise ReplayError(f"determinism audit worker failed: {err.strip()[-2000:]}")
        outputs.append(json.loads(out))
    return [
        _compare(env_id, outputs[0].get(env_id, {}), outputs[1].get(env_id, {}))
        for env_id in chosen
    ]


def _compare(env_id: str, a: dict[str, Any], b: dict[str, Any]) -> EnvAudit:
    audit = EnvAudit(env_id)
    error = a.get("error") or b.get("error")
    if error:
        audit.error = str(error)
        return audit
    runs_a, runs_b = a.get("episodes", {}), b.get("episodes", {})
    for side in (a, b):  # a recording its own replay does not reproduce
        for key, found in sorted(side.get("replay", {}).items()):
            audit.mismatches.append({"episode": key, **found})
    for key in sorted(set(runs_a) | set(runs_b)):
        ep_a, ep_b = runs_a.get(key), runs_b.get(key)
        audit.episodes += 1
        audit.steps += len((ep_a or {}).get("steps", []))
        if ep_a is None or ep_b is None or canonical_json(ep_a) != canonical_json(ep_b):
            audit.mismatches.append({"episode": key, **_first_difference(ep_a, ep_b)})
    return audit


def _first_difference(a: Any, b: Any) -> dict[str, JsonValue]:
    if a is None or b is None:
        return {"step": None, "field": "episode", "a": a is not None, "b": b is not None}
    for name in sorted(set(a["episode"]) | set(b["episode"])):
        if canonical_json(a["episode"].get(name)) != canonical_json(b["episode"].get(name)):
            return {
                "step": None,
                "field": name,
                "a": a["episode"].get(name),
                "b": b["episode"].get(name),
            }
    for i, (sa, sb) in enumerate(zip(a["steps"], b["steps"], strict=False)):
        for name in sorted(set(sa) | set(sb)):
            if canonical_json(sa.get(name)) != canonical_json(sb.get(name)):
                return {"step": i, "field": name, "a": sa.get(name), "b": sb.get(name)}
    return {"step": None, "field": "num_steps", "a": len(a["steps"]), "b": len(b["steps"])}


# -- worker (runs in a child process) ----------------------------------------------------
def record_env(env_id: str, seeds: Sequence[int], store: Store) -> dict[str, Any]:
    """Record every audit episode of `env_id`, then replay it from the store.

    Returns {"episodes": key -> {"episode": ..., "steps": [...]}, "replay": key -> the first
    difference between a recording and its replay (only episodes that differ)}.
    """
    env = make(env_id)
    rec = Recorder(env, store, env_id=env_id, env_kwargs={}, autoflush=False)
    task_ids = task_ids_of(env)
    out: dict[str, Any] = {}
    replay: dict[str, Any] = {}
    try:
        for seed in seeds:
            options = {"task_id": task_ids[seed % len(task_ids)]} if task_ids else None
            for kind in KINDS:
                key = f"{kind}/seed{seed}"
                rec.set_next_episode(EpisodeMeta(episode_id=f"audit-{key}", run_id="audit"))
                obs, info = rec.reset(seed=seed, options=options)
                if kind == "random":
                    _random_actions(rec, seed)
                else:
                    agent = OraclePolicy(error_rate=0.0 if kind == "oracle" else 0.4)
                    play_episode(rec, agent, key, obs, info, derive_seed(seed, "audit-policy"))
                assert rec.episode is not None
                out[key] = canonical_episode(rec.episode, rec.steps)
                store.flush()
                differs = _replay_difference(env, store, rec.episode.id)
                if differs is not None:
                    replay[key] = differs
    finally:
        rec.close()
    return {"episodes": out, "replay": replay}


def _replay_difference(
    env: gymnasium.Env[str, str], store: Store, episode_id: str
) -> dict[str, JsonValue] | None:
    """The first field where re-executing the stored episode differs from its recording."""
    episode, steps = load_recorded(store, episode_id)
    sink = MemorySink()
    rec = Recorder(env, sink, env_id=episode.env_id, env_kwargs=episode.env_kwargs)
    for replayed in reexecute(rec, episode, steps, load_state=state_loader(store, sink)):
        if replayed.divergences:
            first = replayed.divergences[0]
            return {"step": first.step, "field": f"replay:{first.field}",
                    "a": first.recorded, "b": first.replayed}  # fmt: skip
    return None


def _random_actions(rec: Recorder, seed: int) -> None:
    """Fuzz actions: seeded samples of the env's own action space (short lengths)."""
    space = rec.action_space
    space.seed(derive_seed(seed, "audit-actions"))
    lengths = np.random.default_rng(derive_seed(seed, "audit-lengths"))
    assert rec.episode is not None
    for _ in range(RANDOM_STEPS):
        if rec.episode.status != "running":
            break
        length = int(lengths.integers(1, RANDOM_MAX_CHARS))
        rec.step(space.sample(mask=(length, None)))


def _worker() -> None:
    spec = json.loads(sys.stdin.read())
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="agentdata-audit-") as tmp:
        store = Store.open(str(Path(tmp) / "audit.db"))
        try:
            for env_id in spec["envs"]:
                try:
                    result[env_id] = record_env(env_id, spec["seeds"], store)
                except Exception as exc:  # reported per env, the audit goes on
                    result[env_id] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            store.close()
    sys.stdout.write(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    _worker()
