"""Mining time and peak memory per kind on a large store (SQLite; PostgreSQL with --pg).

The store is built from a real recorded run: oracle math episodes with fail→fix cycles
(`--base` episodes through the runner), then cloned in SQL into distinct episodes (each
clone's problem text is tagged, so deduplication keeps them apart) until `--steps` steps.
Clones are inserted episode after episode, each one's steps together, as the recorder
writes them (an unordered INSERT ... SELECT interleaved 50 clones' steps row by row).
Each kind is mined in a fresh process that reports its wall and CPU time (on a shared machine
the CPU time is the steadier figure) and its own peak RSS; the baseline is the
peak RSS of the same process doing everything but mining (imports, opening the store).
Memory must stay flat with store size: every kind is also mined at a tenth of the size.
PostgreSQL (`--pg`) runs in a database of its own, created beside `--pg`'s and dropped after.
`--store URL` measures a store an earlier run built (`--keep DIR` keeps `DIR/big.db`).
Target (issue 11): <= 30 s and <= 500 MB per kind on SQLite at 1,000,000 steps.

    python bench/bench_mining.py [--steps 1000000] [--base 60] [--kind K ...] [--pg URL]
        [--pg-only] [--keep DIR] [--store URL]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_store import own_database  # this folder (run as a script)
from sqlalchemy import func, select, text

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.mining import KINDS
from agentdata.store import Store
from agentdata.store._models import Episode, Step

RUN = "bench"


def build(url: str, steps: int, base: int) -> tuple[int, int]:
    """Record `base` oracle episodes, clone them up to `steps` steps; (episodes, steps)."""
    with Store.open(url) as store:
        cfg = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=base, seed=0,
                            policy_kwargs={"error_rate": 0.3}, run_id=RUN)  # fmt: skip
        run_rollouts(store, cfg)
        engine = store.engine
        with engine.connect() as conn:
            base_steps = int(conn.scalar(select(func.count()).select_from(Step)) or 0)
        copies = max(0, -(-steps // base_steps) - 1)
        ep_cols = [c.name for c in Episode.__table__.columns]
        st_cols = [c.name for c in Step.__table__.columns]
        tag = "' #' || CAST(c.k AS TEXT)"
        ep_expr = {"id": "e.id || '~' || CAST(c.k AS TEXT)", "slot": f"e.slot + c.k * {base}",
                   "initial_observation": f"e.initial_observation || {tag}"}  # fmt: skip
        st_expr = {"episode_id": "s.episode_id || '~' || CAST(c.k AS TEXT)"}
        for k in range(1, copies + 1, 50):  # 50 copies per statement keeps transactions small
            ks = " UNION ALL ".join(f"SELECT {j} AS k" for j in range(k, min(k + 50, copies + 1)))
            with engine.begin() as conn:
                conn.execute(text(
                    f"INSERT INTO episodes ({', '.join(ep_cols)}) SELECT "
                    + ", ".join(ep_expr.get(c, f"e.{c}") for c in ep_cols)
                    + f" FROM episodes e CROSS JOIN ({ks}) c WHERE e.run_id = '{RUN}'"
                    " AND e.id NOT LIKE '%~%' ORDER BY c.k, e.slot"
                ))  # fmt: skip
                conn.execute(text(
                    f"INSERT INTO steps ({', '.join(st_cols)}) SELECT "
                    + ", ".join(st_expr.get(c, f"s.{c}") for c in st_cols)
                    + f" FROM steps s CROSS JOIN ({ks}) c WHERE s.episode_id NOT LIKE '%~%'"
                    " ORDER BY c.k, s.episode_id, s.idx"
                ))  # fmt: skip
        with engine.begin() as conn:  # planner statistics, as autovacuum would gather them
            conn.execute(text("ANALYZE"))  # (without them PostgreSQL scans `steps` per batch)
        with engine.connect() as conn:
            n_eps = int(conn.scalar(select(func.count()).select_from(Episode)) or 0)
            n_steps = int(conn.scalar(select(func.count()).select_from(Step)) or 0)
    return n_eps, n_steps


CHILD = """
import json, resource, sys, time
from pathlib import Path
from agentdata.mining import MineRequest, mine
from agentdata.store import Store
url, kind, out, dry = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4] == "dry"
store = Store.open(url)
usage0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage0.ru_utime + usage0.ru_stime
started = time.perf_counter()
samples = 0
if not dry:
    samples = mine(store, MineRequest(run_id="bench", kind=kind, out=out, force=True)).samples
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu0
print(json.dumps({"kind": kind, "seconds": elapsed, "cpu_s": cpu, "peak_mb": usage.ru_maxrss / 1024,
                  "samples": samples}))
"""


def measure(url: str, kind: str, out_dir: Path, dry: bool = False) -> dict[str, float]:
    """Mine `kind` in a fresh process: seconds, peak RSS (MB), samples."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, kind, str(out_dir / f"{kind}.jsonl"),
         "dry" if dry else "mine"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(
    url: str, steps: int, base: int, out_dir: Path, label: str, kinds: list[str], *,
    built: bool = False,
) -> None:  # fmt: skip
    """Build the store at `url` (unless `built`), then mine each kind in a fresh process."""
    started = time.perf_counter()
    if built:
        with Store.open(url) as store, store.engine.connect() as conn:
            n_eps = int(conn.scalar(select(func.count()).select_from(Episode)) or 0)
            n_steps = int(conn.scalar(select(func.count()).select_from(Step)) or 0)
        print(f"[{label}] store: {n_steps:,} steps, {n_eps:,} episodes (built earlier)")
    else:
        n_eps, n_steps = build(url, steps, base)
        print(f"[{label}] store: {n_steps:,} steps, {n_eps:,} episodes "
              f"(built in {time.perf_counter() - started:.0f} s)")  # fmt: skip
    print(f"[{label}] load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    idle = measure(url, "correction", out_dir, dry=True)
    print(f"[{label}] baseline (imports + open store, no mining): peak {idle['peak_mb']:.0f} MB")
    print(f"[{label}] {'kind':<11} {'samples':>9} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} "
          f"{'over baseline':>14}")  # fmt: skip
    for kind in kinds:
        r = measure(url, kind, out_dir)
        print(f"[{label}] {kind:<11} {int(r['samples']):>9,} {r['seconds']:>7.1f} "
              f"{r['cpu_s']:>6.1f} {r['peak_mb']:>8.0f} "
              f"{r['peak_mb'] - idle['peak_mb']:>+13.0f}")  # fmt: skip
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=60, help="Recorded episodes to clone.")
    parser.add_argument("--pg", help="Also measure on PostgreSQL (a database beside this URL's).")
    parser.add_argument("--pg-only", action="store_true", help="Skip the SQLite stores.")
    parser.add_argument("--keep", type=Path, help="Build the SQLite store here (kept).")
    parser.add_argument("--store", help="Only measure this store (built by an earlier run).")
    parser.add_argument("--kind", action="append", choices=KINDS, help="Kinds (default all).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        small = max(args.base * 6, args.steps // 10)
        kinds = args.kind or list(KINDS)
        if args.store:
            bench(args.store, 0, args.base, work, "existing store", kinds, built=True)
        elif not args.pg_only:
            bench(f"sqlite:///{work / 'small.db'}", small, args.base, work,
                  f"sqlite {small:,}", kinds)  # fmt: skip
            bench(f"sqlite:///{work / 'big.db'}", args.steps, args.base, work,
                  f"sqlite {args.steps:,}", kinds)  # fmt: skip
        if args.pg and not args.store:
            with own_database(args.pg) as url:
                bench(url, args.steps, args.base, work, f"postgresql {args.steps:,}", kinds)
    print(f"own peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
