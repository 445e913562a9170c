"""Replay speed against recording speed of the same episodes (policy time excluded).

Records N oracle episodes per environment with the real runner into a fresh SQLite store,
then replays them all (rebuild, re-execute, diff every step). Recording time excludes the
time the policy spent choosing actions (summed from each step's `latency.policy_s`), so
the comparison is env + recorder + store against env + replay + diff.

    python bench/bench_replay.py [--episodes 40] [--env agentdata/Math-v0 ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.envs import register_envs
from agentdata.replay import replay_many
from agentdata.store import Store


def bench_env(env_id: str, episodes: int, root: Path) -> None:
    """Record then replay `episodes` episodes of `env_id`; print both rates and the ratio."""
    db = root / f"{env_id.replace('/', '_')}.db"
    store = Store.open(str(db))
    started = time.perf_counter()
    run_id = run_rollouts(
        store,
        RolloutConfig(
            env_id=env_id,
            policy="oracle",
            episodes=episodes,
            seed=1,
            policy_kwargs={"error_rate": 0.3},
            run_id="bench",
        ),
    )
    record_wall = time.perf_counter() - started
    ids = [e.id for e in store.episodes(run_id)]
    steps = [s for i in ids for s in store.load_steps(i)]
    policy_s = sum(s.latency.policy_s for s in steps)
    store.close()
    record_s = record_wall - policy_s

    reader = Store.open_readonly(str(db))
    started = time.perf_counter()
    report = replay_many(reader, reader.episode_ids(run_id))
    replay_s = time.perf_counter() - started
    reader.engine.dispose()

    n = len(steps)
    record_rate, replay_rate = n / record_s, n / replay_s
    print(f"{env_id}: {len(ids)} episodes, {n} steps")
    print(f"  record, policy {policy_s:.3f}s excluded: {record_s:.3f}s  {record_rate:.1f} steps/s")
    print(f"  replay, rebuild+re-execute+diff: {replay_s:.3f}s  {replay_rate:.1f} steps/s")
    print(f"  replay / record speed ratio: {replay_rate / record_rate:.2f}x")
    print(f"  identical {report['identical']}/{report['checked']}")


def main() -> None:
    """Run the benchmark for the chosen (default: all registered) environments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--episodes", type=int, default=40)
    parser.add_argument("--env", action="append", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="agentdata-bench-") as tmp:
        for env_id in args.env or register_envs():
            bench_env(env_id, args.episodes, Path(tmp))


if __name__ == "__main__":
    main()
