"""Concurrent workers: N `agentdata rollout` processes started at once, on SQLite and PostgreSQL.

Three scenarios per backend: (1) a fresh store that every worker creates at the same moment,
each worker with its own run; (2) one shared `--run` that the workers split between them;
(3) the same, with the first worker SIGKILLed as soon as it holds a slot (its exit code
reads -9; the others must finish its slots).
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
from agentdata.store import Store, resolve_url


def rollout(db: str, run: str, episodes: int) -> list[str]:
    """One worker's command line."""
    return [
        sys.executable, "-m", "agentdata", "rollout", "--env", "agentdata/Math-v0",
        "--policy", "oracle", "--policy-arg", "error_rate=0.3", "--episodes", str(episodes),
        "--seed", "1", "--run", run, "--db", db, "--json",
    ]  # fmt: skip


def run_workers(
    cmds: list[list[str]], kill_first_in: str | None = None
) -> tuple[list[int], float, list[str]]:
    """Start every command at once; exit codes, wall time, stderr tails of failures.

    `kill_first_in`: a store URL; SIGKILL the first worker once it holds a slot there.
    """
    started = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in cmds]
    if kill_first_in is not None:
        wait_until_holding(kill_first_in, procs[0])
        procs[0].kill()
    codes, errors = [], []
    for i, proc in enumerate(procs):
        _out, err = proc.communicate(timeout=1800)
        codes.append(proc.returncode)
        if proc.returncode and not (kill_first_in is not None and i == 0):
            errors.append(err.decode(errors="replace")[-400:])
    return codes, time.perf_counter() - started, errors


def wait_until_holding(db: str, proc: subprocess.Popen[bytes]) -> None:
    """Poll the store until `proc` holds a slot lease (or has exited)."""
    engine = create_engine(resolve_url(db))
    query = text("SELECT owner FROM slots WHERE owner IS NOT NULL")
    try:
        while proc.poll() is None:
            try:
                with engine.connect() as conn:
                    owners = list(conn.scalars(query))
            except Exception:  # the store or its tables do not exist yet
                owners = []
            if any(o.split(":")[1] == str(proc.pid) for o in owners):
                return
            time.sleep(0.02)
    finally:
        engine.dispose()


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


SCENARIOS = {
    "fresh": "fresh store, own runs",
    "shared": "one shared run",
    "kill": "shared run, 1 killed",
}


def scenario(kind: str, backend: str, db: str, workers: int, episodes: int) -> None:
    """Run one scenario (a key of SCENARIOS) and print its figures."""
    name = SCENARIOS[kind]
    runs = [f"own-{i}" for i in range(workers)] if kind == "fresh" else ["shared"] * workers
    cmds = [rollout(db, r, episodes) for r in runs]
    codes, wall, errors = run_workers(cmds, db if kind == "kill" else None)
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
    """Parse arguments, run every scenario on each backend."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--episodes", type=int, default=24)
    parser.add_argument("--pg", default=os.environ.get("AGENTDATA_TEST_PG_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in SCENARIOS:
            scenario(kind, "sqlite", str(Path(tmp) / f"{kind}.db"), args.workers, args.episodes)
    if args.pg:
        for kind in SCENARIOS:
            db = fresh_pg(args.pg, f"bench_workers_{kind}")
            scenario(kind, "postgresql", db, args.workers, args.episodes)


if __name__ == "__main__":
    main()
