"""Reading commands open the store read-only: read-only media, copied files, no migration;
a write on read-only media says so; bad CLI input is a clear error (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.errors import SchemaVersionError, StoreError
from agentdata.store import Store


def agentdata(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentdata", *args], capture_output=True, text=True, timeout=300
    )


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` read-only media: a read-only bind mount as root, else chmod."""
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def _record(url: str, episodes: int = 3) -> list[str]:
    with Store.open(url) as store:
        cfg = RolloutConfig(env_id="agentdata/Math-v0", policy="oracle", episodes=episodes,
                            run_id="ro", policy_kwargs={"error_rate": 0.3})  # fmt: skip
        run_rollouts(store, cfg)
        return store.episode_ids("ro")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reading_commands_work_on_read_only_media(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    db = media / "store.db"
    ids = _record(str(db))
    before = _digest(db)
    out = tmp_path / "page.html"
    with read_only(media):
        for args in (
            ["runs", "--json"],
            ["stats", "--run", "ro", "--json"],
            ["show", ids[0], "--json"],
            ["replay", "--all", "--json"],
            ["export-html", ids[0], "-o", str(out)],
            ["audit", "store", "--json"],
        ):
            done = agentdata(*args, "--db", str(db))
            assert done.returncode == 0, (args, done.stderr)
        write = agentdata("rollout", "--env", "agentdata/Math-v0", "--run", "more", "--db", str(db))
        assert write.returncode == 2 and "read-only media" in write.stderr, write.stderr
        assert "Traceback" not in write.stderr
        with pytest.raises(StoreError, match="read-only media"):
            Store.open(str(db))
    assert out.is_file() and _digest(db) == before  # nothing was written


def test_a_copied_file_reads_without_migrating(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _record(str(db), episodes=2)
    copy = tmp_path / "copy" / "store.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    copy.chmod(0o444)
    done = agentdata("runs", "--json", "--db", str(copy))
    assert done.returncode == 0 and '"finished": 2' in done.stdout, done.stderr
    # a store of an older schema is not migrated by a reading command
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num='0001'"))
    engine.dispose()
    before = _digest(db)
    done = agentdata("stats", "--db", str(db))
    assert done.returncode == 2 and "older" in done.stderr and "Traceback" not in done.stderr
    assert _digest(db) == before
    with pytest.raises(SchemaVersionError):
        Store.open_readonly(str(db))


def test_read_only_open_never_writes(store_url: str) -> None:
    with pytest.raises(StoreError, match=r"no store at|not an agentdata store"):
        Store.open_readonly(store_url)  # an empty database is not made into a store
    engine = create_engine(store_url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    _record(store_url, episodes=1)
    reader = Store.open_readonly(store_url)
    assert reader.episode_ids("ro") and reader.list_runs()[0].id == "ro"
    with pytest.raises(StoreError, match="read-only"):
        reader.mark_incomplete("ro")
    reader.begin_episode(reader.get_episode(reader.episode_ids("ro")[0]))
    with pytest.raises(StoreError, match="read-only"):
        reader.flush()
    reader.close()


def test_bad_cli_input_is_a_clear_error_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    done = agentdata("rollout", "--env", "CartPole-v1", "--db", str(db))
    assert done.returncode == 2 and "not an agentdata environment" in done.stderr
    done = agentdata("rollout", "--env", "agentdata/Nope-v0", "--db", str(db))
    assert done.returncode == 2 and "unknown environment" in done.stderr
    assert not db.exists()
    done = agentdata("rollout", "--env", "agentdata/Math-v0", "--policy-arg", "error_rate=abc",
                     "--db", str(db))  # fmt: skip
    assert done.returncode == 2 and "bad arguments for policy 'oracle'" in done.stderr
    assert "Traceback" not in done.stderr
    with Store.open_readonly(str(db)) as store:
        assert store.list_runs() == []
