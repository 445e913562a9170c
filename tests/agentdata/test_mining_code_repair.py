"""Mining code-repair episodes (real Docker sandboxes): the same tests failing, then passing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentdata.envs.code_repair.env import CodeRepairEnv
from agentdata.mining import MineRequest, mine
from agentdata.schemas import StepRecord
from agentdata.store import Store
from tests.agentdata.mining_helpers import record_oracle_run

CODE = "agentdata/CodeRepair-v0"


def _tool(step: StepRecord) -> str:
    return str(json.loads(step.action_raw)["tool"])


def _cycles_from_test_evidence(steps: list[StepRecord]) -> int:
    """Independent count: failing test ids named by a test run, all passing in a later one."""
    open_failing: set[str] = set()
    cycles = 0
    for step in steps:
        if _tool(step) not in ("run_tests", "submit") or step.verdict is None:
            continue
        failing = step.verdict.evidence.get("failing") or []
        if step.verdict.label == "incorrect" and failing:
            open_failing |= {str(t) for t in failing}  # type: ignore[union-attr]
        elif step.verdict.label == "correct" and open_failing:
            cycles += 1
            open_failing = set()
    return cycles


@pytest.mark.docker
@pytest.mark.slow
def test_code_repair_cycles_are_the_failing_tests_now_passing(
    sqlite_store: Store, tmp_path: Path
) -> None:
    probe = CodeRepairEnv(pool_size=0)
    task_ids = probe.list_tasks()[:3]
    probe.close()
    known = record_oracle_run(sqlite_store, "code", CODE, {"pool_size": 1}, episodes=3,
                              error_rate=1.0, task_ids=task_ids)  # fmt: skip
    by_evidence = {
        e.id: _cycles_from_test_evidence(sqlite_store.load_steps(e.id))
        for e in sqlite_store.episodes("code")
    }
    assert by_evidence == known and sum(known.values()) >= 2
    report = mine(sqlite_store, MineRequest("code", "correction", tmp_path / "c.jsonl"))
    assert report.samples == sum(known.values()) and report.by_error_type["test_failure"] > 0
    dpo = mine(sqlite_store, MineRequest("code", "dpo", tmp_path / "d.jsonl"))
    assert dpo.samples == report.samples
    for line in (tmp_path / "d.jsonl").read_text().splitlines():
        row = json.loads(line)
        prov = row["provenance"]
        steps = sqlite_store.load_steps(prov["episode_ids"][0])
        failed, fix = steps[prov["failed_step"]], steps[prov["fix_step"]]
        assert failed.verdict is not None and failed.verdict.label == "incorrect"
        assert fix.verdict is not None and fix.verdict.label == "correct"
        assert fix.retry_of == failed.index and _tool(fix) == "run_tests"
        # the fix is the edit made after the failure, then the passing test run
        chosen = [m["content"] for m in row["chosen"] if m["role"] == "assistant"]
        assert [json.loads(c)["tool"] for c in chosen] == ["edit", "run_tests"]
        assert row["rejected"][-1]["content"] == failed.action_raw
