"""Same seed and actions give byte-identical records across processes and PYTHONHASHSEED."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agentdata._canonical import canonical_run_dump
from agentdata.store import Store


def _record(db: Path, hashseed: str, seed: int = 11) -> str:
    """Run a noisy oracle rollout in a fresh process; return the run's canonical dump."""
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    subprocess.run(
        [sys.executable, "-m", "agentdata", "rollout", "--env", "agentdata/Math-v0",
         "--policy", "oracle", "--policy-arg", "error_rate=0.4", "--episodes", "24",
         "--samples-per-task", "2", "--concurrency", "3", "--seed", str(seed), "--run", "det",
         "--db", str(db), "--json"],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    store = Store.open(str(db))
    try:
        return canonical_run_dump(store, "det")
    finally:
        store.close()


def test_records_are_byte_identical_across_processes(tmp_path: Path) -> None:
    first = _record(tmp_path / "a.db", "0")
    second = _record(tmp_path / "b.db", "4242")
    assert len(first) > 10_000
    assert first == second


def test_a_different_seed_gives_different_records(tmp_path: Path) -> None:
    assert _record(tmp_path / "a.db", "1") != _record(tmp_path / "c.db", "1", seed=12)
