"""`--backend ray`: env workers as Ray actors on a local cluster, one PostgreSQL store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store import Store
from tests.conftest import reset_postgres
from tests.llm.conftest import agentdata, rollout_json


def test_ray_workers_share_one_postgres_run(pg_url: str) -> None:
    reset_postgres(pg_url)
    summary = rollout_json(
        "--db", pg_url, "--backend", "ray", "--ray-workers", "2", "--run", "ray-run",
        "--env", "agentdata/Math-v0", "--policy", "oracle", "--policy-arg", "error_rate=0.3",
        "--episodes", "8", "--env-arg", "family=linear",
    )  # fmt: skip
    assert summary["run_id"] == "ray-run" and summary["episodes"] == 8
    with Store.open(pg_url) as store:
        episodes = store.episodes("ray-run")
        finished = Counter(e.slot for e in episodes if e.status in FINISHED_STATUSES)
        assert sorted(finished) == list(range(8)) and set(finished.values()) == {1}
        assert len(episodes) == 8 and all(e.status == "terminated" for e in episodes)
        assert all(store.load_steps(e.id) for e in episodes)


def test_ray_backend_refuses_sqlite(tmp_path: Path) -> None:
    out = agentdata(
        "rollout", "--db", str(tmp_path / "x.db"), "--backend", "ray",
        "--env", "agentdata/Math-v0", "--episodes", "1",
    )  # fmt: skip
    assert out.returncode != 0 and "PostgreSQL" in out.stderr
    assert "Traceback" not in out.stderr
