"""Texts the store escaped (NUL, lone surrogates) come out of mining as they were recorded.

A NUL is valid UTF-8 and JSON: the sample holds the original string (inline and blob texts,
SQLite and PostgreSQL). A lone surrogate cannot be written to any UTF-8 file nor tokenized,
so that sample is refused with the reason `lone_surrogate` instead of being altered.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from agentdata.mining import MineRequest, mine
from agentdata.schemas import (
    EpisodeRecord,
    Latency,
    PolicySpec,
    RunRecord,
    StepRecord,
    Verdict,
)
from agentdata.schemas.hashing import text_hash
from agentdata.store import Store

STATE = text_hash("{}")
NUL_ATTEMPT = "step compute: 1 + 1 = 3\x00"
NUL_FIX = "step compute: 1 + 1 = 2 " + "\x00 long fix " * 300  # over the inline limit: a blob
NUL_FEEDBACK = "incorrect: 1 + 1 is not 3 \x00"
SURROGATE_ATTEMPT = "step compute: 2 + 2 = \udc80"


def _episode(eid: str, problem: str) -> EpisodeRecord:
    return EpisodeRecord(
        id=eid, run_id="bytes", env_id="agentdata/Math-v0", task_id=f"task-{eid}",
        task_hash="ab" * 32, seed=1, package_version="0", policy=PolicySpec(name="oracle"),
        started_at=datetime(2026, 1, 1), initial_observation=problem, initial_state=STATE,
    )  # fmt: skip


def _step(i: int, action: str, observation: str, *, ok: bool) -> StepRecord:
    verdict = Verdict(
        label="correct" if ok else "incorrect",
        error_type=None if ok else "arithmetic_error",
        verifier="math.sympy",
        verifier_version="1",
        message="checked",
    )
    return StepRecord(
        index=i, state_before=STATE, state_after=STATE, action_raw=action,
        action_parsed={"claim": action}, observation=observation, reward=0.0,
        terminated=ok, truncated=False, verdict=verdict, retry_of=None if not ok else 0,
        latency=Latency(policy_s=0.0, env_s=0.0, verifier_s=0.0),
    )  # fmt: skip


def _record(store: Store) -> None:
    store.create_run(
        RunRecord(id="bytes", env_id="agentdata/Math-v0", env_kwargs={},
                  policy=PolicySpec(name="oracle"), seed=0, episodes=2, package_version="0")
    )  # fmt: skip
    for eid, problem, attempt, fix in (
        ("e-nul", "Compute 1 + 1.\x00", NUL_ATTEMPT, NUL_FIX),
        ("e-surrogate", "Compute 2 + 2.", SURROGATE_ATTEMPT, "step compute: 2 + 2 = 4"),
    ):
        store.begin_episode(_episode(eid, problem))
        store.add_steps(
            eid,
            [_step(0, attempt, NUL_FEEDBACK, ok=False), _step(1, fix, "correct", ok=True)],
        )
        store.update_episode(eid, status="terminated", num_steps=2, success=True)
    store.add_blobs({STATE: "{}"})
    store.flush()
    assert store.dropped == []


@pytest.mark.parametrize("kind", ["correction", "dpo"])
def test_escaped_texts_come_back_and_lone_surrogates_are_refused(
    store: Store, tmp_path: Path, kind: str
) -> None:
    _record(store)
    out = tmp_path / f"{kind}.jsonl"
    report = mine(store, MineRequest(run_id="bytes", kind=kind, out=out))
    assert report.mined == 2 and report.samples == 1
    assert report.as_json()["refused"] == {"lone_surrogate": 1}
    assert "1 lone_surrogate" in report.card.read_text(encoding="utf-8")
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["provenance"]["episode_ids"] == ["e-nul"]
    prompt = row["prompt"]
    assert prompt[1] == {"role": "user", "content": "Compute 1 + 1.\x00"}
    if kind == "correction":
        assert prompt[2:] == [
            {"role": "assistant", "content": NUL_ATTEMPT},
            {"role": "user", "content": NUL_FEEDBACK},
        ]
        assert row["completion"] == [{"role": "assistant", "content": NUL_FIX}]
    else:
        assert row["rejected"] == [{"role": "assistant", "content": NUL_ATTEMPT}]
        assert row["chosen"] == [{"role": "assistant", "content": NUL_FIX}]


def test_parquet_keeps_the_original_text(sqlite_store: Store, tmp_path: Path) -> None:
    _record(sqlite_store)
    out = tmp_path / "c.parquet"
    report = mine(sqlite_store, MineRequest(run_id="bytes", kind="correction", out=out,
                                            fmt="parquet"))  # fmt: skip
    assert report.samples == 1 and report.refused == {"lone_surrogate": 1}
    (row,) = pq.read_table(out).to_pylist()
    assert row["completion"] == [{"role": "assistant", "content": NUL_FIX}]
