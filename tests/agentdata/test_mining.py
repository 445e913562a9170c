"""Mining on recorded math episodes with known cycles, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentdata.mining import MineRequest, mine
from agentdata.schemas import StepRecord
from agentdata.store import Store
from tests.agentdata.mining_helpers import record_oracle_run

MATH = "agentdata/Math-v0"
LOGIC = "agentdata/Logic-v0"


def _failed(step: StepRecord) -> bool:
    return step.failure is not None or (
        step.verdict is not None and step.verdict.label == "incorrect"
    )


def _passed(step: StepRecord) -> bool:
    return step.failure is None and step.verdict is not None and step.verdict.label == "correct"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _mine(
    store: Store, tmp_path: Path, kind: str, run: str = "noisy", **kw: Any
) -> list[dict[str, Any]]:
    out = tmp_path / f"{run}-{kind}.jsonl"
    report = mine(store, MineRequest(run_id=run, kind=kind, out=out, **kw))
    rows = _rows(out)
    assert report.samples == len(rows)
    return rows


@pytest.mark.parametrize("env_id", [MATH, LOGIC])
def test_correction_samples_equal_the_cycles_counted_by_the_oracle(
    store: Store, tmp_path: Path, env_id: str
) -> None:
    known = record_oracle_run(store, "noisy", env_id, {}, episodes=20, error_rate=0.5, seed=7)
    assert sum(known.values()) >= 10  # the test means something
    rows = _mine(store, tmp_path, "correction")
    assert len(rows) == sum(known.values())
    per_episode: dict[str, int] = {}
    for row in rows:
        prov = row["provenance"]
        (episode_id,) = prov["episode_ids"]
        per_episode[episode_id] = per_episode.get(episode_id, 0) + 1
        steps = store.load_steps(episode_id)
        failed, fix = steps[prov["failed_step"]], steps[prov["fix_step"]]
        assert _failed(failed) and _passed(fix) and fix.retry_of == failed.index
        assert row["completion"] == [{"role": "assistant", "content": fix.action_raw}]
        # the failed attempt and its feedback end the prompt; the loss is on the fix only
        assert row["prompt"][-2:] == [
            {"role": "assistant", "content": steps[fix.index - 1].action_raw},
            {"role": "user", "content": steps[fix.index - 1].observation},
        ]
        assert row["prompt"][0]["role"] == "system" and row["prompt"][1]["role"] == "user"
        assert row["error_type"] == failed.verdict.error_type  # type: ignore[union-attr]
        assert prov["run_id"] == "noisy" and prov["env_id"] == env_id
        assert prov["verifiers"] and prov["policy"]["name"] == "oracle"  # an object, not text
        assert isinstance(row["difficulty"], int)
    assert per_episode == {k: v for k, v in known.items() if v}


@pytest.mark.parametrize("env_id", [MATH, LOGIC])
def test_dpo_rejected_failed_and_chosen_passed(store: Store, tmp_path: Path, env_id: str) -> None:
    known = record_oracle_run(store, "noisy", env_id, {}, episodes=12, error_rate=0.6, seed=3)
    rows = _mine(store, tmp_path, "dpo")
    assert len(rows) == sum(known.values()) > 0
    for row in rows:
        prov = row["provenance"]
        steps = store.load_steps(prov["episode_ids"][0])
        rejected, chosen = steps[prov["failed_step"]], steps[prov["fix_step"]]
        assert row["rejected"][-1] == {"role": "assistant", "content": rejected.action_raw}
        assert row["chosen"][-1] == {"role": "assistant", "content": chosen.action_raw}
        assert _failed(rejected) and _passed(chosen)
        # same context: the prompt is the conversation before the failed attempt
        assert len(row["prompt"]) == 2 + 2 * rejected.index
    reflections = _mine(store, tmp_path, "reflection")
    assert len(reflections) == len(rows)
    for row in reflections:
        (turn,) = row["completion"]
        assert turn["role"] == "assistant" and f"({row['error_type']})" in turn["content"]


def test_positives_never_contain_a_failed_step(store: Store, tmp_path: Path) -> None:
    record_oracle_run(store, "noisy", MATH, {}, episodes=16, error_rate=0.3, seed=11)
    clean, solved_with_slip = set(), 0
    for episode in store.episodes("noisy"):
        steps = store.load_steps(episode.id)
        if episode.success and not any(_failed(s) for s in steps):
            clean.add(episode.id)
        elif episode.success:
            solved_with_slip += 1
    assert clean and solved_with_slip  # both cases are present
    rows = _mine(store, tmp_path, "positive")
    assert {r["provenance"]["episode_ids"][0] for r in rows} == clean
    for row in rows:
        steps = store.load_steps(row["provenance"]["episode_ids"][0])
        assert [m["content"] for m in row["messages"] if m["role"] == "assistant"] == [
            s.action_raw for s in steps
        ]


def test_step_labels_are_the_verdicts(store: Store, tmp_path: Path) -> None:
    record_oracle_run(store, "noisy", MATH, {}, episodes=8, error_rate=0.5, seed=5)
    rows = _mine(store, tmp_path, "steps")
    assert len(rows) == 8
    for row in rows:
        steps = store.load_steps(row["provenance"]["episode_ids"][0])
        assert row["completions"] == [s.action_raw for s in steps]
        assert row["labels"] == [not _failed(s) for s in steps]
        assert isinstance(row["prompt"], str)


def test_error_type_filter_and_no_cycles(store: Store, tmp_path: Path) -> None:
    record_oracle_run(store, "noisy", MATH, {}, episodes=16, error_rate=0.5, seed=2)
    record_oracle_run(store, "clean", MATH, {}, episodes=4, error_rate=0.0, seed=2)
    every = _mine(store, tmp_path, "correction")
    only = _mine(store, tmp_path, "dpo", error_types=("wrong_answer",))
    assert 0 < len(only) < len(every)
    assert all(r["error_type"] == "wrong_answer" for r in only)
    assert _mine(store, tmp_path, "correction", run="clean") == []
    assert (tmp_path / "clean-correction.jsonl").read_text() == ""
