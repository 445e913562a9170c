"""Concurrent workers: N `agentdata rollout` processes started at once, on SQLite and PostgreSQL.

Two scenarios per backend: (1) a fresh store that every worker creates at the same moment,
each worker with its own run; (2) one shared `--run` that the workers split between them.
Prints, per scenario: workers, episodes planned, finished, lost (planned slots without a
finished episode), duplicated (slots finished more than once) and the workers' exit codes.

    python bench/bench_workers.py [--workers 4] [--episodes 24] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store import Store


def rollout(db: str, run: str, episodes: int) -> list[str]:
    """One worker's command line."""
    return [
        sys.executable, "-m", "agentdata", "rollout", "--env", "agentdata/Math-v0",
        "--policy", "oracle", "--policy-arg", "error_rate=0.3", "--episodes", str(episodes),
        "--seed", "1", "--run", run, "--db", db, "--json",
    ]  # fmt: skip


def run_workers(cmds: list[list[str]]) -> tuple[list[int], float, list[str]]:
    """Start every command at once; exit codes, wall time, stderr tails of failures."""
    started = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in cmds]
    codes, errors = [], []
    for proc in procs:
        _out, err = proc.communicate(timeout=1800)
        codes.append(proc.returncode)
        if proc.returncode:
            errors.append(err.decode(errors="replace")[-400:])
    return codes, time.perf_counter() - started, errors


def tally(db: str, runs: list[str], episodes: int) -> tuple[int, int, int]:
    """(finished, lost, duplicated) over `runs`, each planned with `episodes` slots."""
    finished = lost = duplicated = 0
    with Store.open_readonly(db) as store:
        for run in runs:
            slots = Counter(e.slot for e in store.episodes(run) if e.status in FINISHED_STATUSES)
            finished += sum(slots.values())
            lost += sum(1 for s in range(episodes) if s not in slots)
            duplicated += sum(n - 1 for n in slots.values() if n > 1)
    return finished, lost, duplicated


def scenario(name: str, backend: str, db: str, workers: int, episodes: int, shared: bool) -> None:
    """Run one scenario and print its figures."""
    runs = ["shared"] * workers if shared else [f"own-{i}" for i in range(workers)]
    codes, wall, errors = run_workers([rollout(db, r, episodes) for r in runs])
    distinct = sorted(set(runs))
    finished, lost, duplicated = tally(db, distinct, episodes)
    planned = episodes * len(distinct)
    print(
        f"{backend:10} {name:22} workers={workers} planned={planned} finished={finished} "
        f"lost={lost} duplicated={duplicated} exit_codes={codes} wall={wall:.1f}s"
    )
    for err in errors:
        print(f"    stderr: {err!r}")


def fresh_pg(base: str, name: str) -> str:
    """A new, empty PostgreSQL database next to `base`."""
    url = make_url(base)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    """Parse arguments, run both scenarios on each backend."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--episodes", type=int, default=24)
    parser.add_argument("--pg", default=os.environ.get("AGENTDATA_TEST_PG_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for shared, name in ((False, "fresh store, own runs"), (True, "one shared run")):
            db = str(Path(tmp) / f"{'shared' if shared else 'fresh'}.db")
            scenario(name, "sqlite", db, args.workers, args.episodes, shared)
    if args.pg:
        for shared, name in ((False, "fresh store, own runs"), (True, "one shared run")):
            db = fresh_pg(args.pg, f"bench_workers_{'shared' if shared else 'fresh'}")
            scenario(name, "postgresql", db, args.workers, args.episodes, shared)


if __name__ == "__main__":
    main()
