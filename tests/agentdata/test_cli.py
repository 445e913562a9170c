"""The CLI end to end: rollout --json, runs, show, stats, schema, and typed errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GSM8K = REPO / "tests" / "data" / "gsm8k" / "train.jsonl"


def agentdata(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentdata", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def test_rollout_json_and_inspection(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    out = agentdata(
        "rollout",
        "--env",
        "agentdata/Math-v0",
        "--policy",
        "oracle",
        "--policy-arg",
        "error_rate=0.3",
        "--episodes",
        "10",
        "--seed",
        "0",
        "--run",
        "cli",
        "--db",
        db,
        "--json",
    )
    summary = json.loads(out.stdout)
    assert set(summary) == {
        "run_id",
        "episodes",
        "steps",
        "success_rate",
        "failures",
        "error_types",
    }
    assert summary["run_id"] == "cli" and summary["episodes"] == 10 and summary["steps"] >= 10
    runs = json.loads(agentdata("runs", "--db", db, "--json").stdout)
    assert runs[0]["run_id"] == "cli" and runs[0]["finished"] == 10
    stats = json.loads(agentdata("stats", "--run", "cli", "--db", db, "--json").stdout)
    assert stats["episodes"] == 10 and "latency" in stats and "pass_at_k" in stats
    missing = agentdata("show", "ep-missing", "--db", db, check=False)
    assert missing.returncode == 2 and "no episode 'ep-missing'" in missing.stderr
    ep_id = json.loads(agentdata("show", _first_episode(db), "--db", db, "--json").stdout)
    assert ep_id["episode"]["run_id"] == "cli" and ep_id["steps"]
    text = agentdata("show", _first_episode(db), "--db", db, "--step", "0").stdout
    assert "step 0" in text and "verdict" in text


def _first_episode(db: str) -> str:
    from agentdata.store import Store

    store = Store.open(db)
    try:
        return store.episodes("cli")[0].id
    finally:
        store.close()


def test_gsm8k_rollout_from_shipped_sample(tmp_path: Path) -> None:
    assert GSM8K.exists(), f"missing {GSM8K}"
    out = agentdata(
        "rollout",
        "--env",
        "agentdata/Math-v0",
        "--env-arg",
        f"tasks={GSM8K}",
        "--policy",
        "oracle",
        "--episodes",
        "25",
        "--db",
        str(tmp_path / "g.db"),
        "--json",
    )
    summary = json.loads(out.stdout)
    assert summary["episodes"] == 25 and summary["success_rate"] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "ep-missing"], "no store at"),
        (["stats"], "no store at"),
        (["rollout", "--env", "agentdata/Nope-v0"], "unknown environment"),
        (["rollout", "--env", "agentdata/Math-v0", "--env-arg", "novalue"], "key=value"),
        (["rollout", "--env", "agentdata/Math-v0", "--policy", "nope"], "unknown policy"),
    ],
)
def test_errors_are_clear_and_nonzero(tmp_path: Path, args: list[str], message: str) -> None:
    result = agentdata(*args, "--db", str(tmp_path / "e.db"), check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e.db").exists() or args[0] == "rollout"  # reads create nothing


def test_usage_errors_exit_two_without_traceback() -> None:
    result = agentdata("show", check=False)
    assert result.returncode == 2
    assert "Missing argument" in result.stderr and "Traceback" not in result.stderr


def test_malformed_task_record_fails_only_its_task(tmp_path: Path) -> None:
    bad = tmp_path / "tasks.jsonl"
    bad.write_text('{"id": "a", "problem": "1+1", "answer": "2"}\n{not json\n')
    result = agentdata(
        "rollout",
        "--env",
        "agentdata/Math-v0",
        "--env-arg",
        f"tasks={bad}",
        "--episodes",
        "1",
        "--db",
        str(tmp_path / "e.db"),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 task(s) rejected (first: line 2: invalid JSON" in result.stderr
    assert "agentdata tasks check" in result.stderr


def test_schema_prints_every_record() -> None:
    schemas = json.loads(agentdata("schema").stdout)
    assert {"StepRecord", "EpisodeRecord", "Verdict", "Failure", "RunRecord"} <= set(schemas)
    one = json.loads(agentdata("schema", "Verdict").stdout)
    assert "arithmetic_error" in json.dumps(one)
