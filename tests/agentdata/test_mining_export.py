"""Exports: formats that load with `datasets`, bad input, atomic writes, dedupe, balance, verify."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest
from sqlalchemy import update

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.cli._mine_cmd import replay_reexecute
from agentdata.errors import ConfigError, NotFoundError
from agentdata.mining import MineRequest, mine
from agentdata.mining._export import write_export
from agentdata.mining._kinds import KINDS, Sample
from agentdata.replay._rebuild import EnvCache
from agentdata.store import Store
from agentdata.store._models import Step
from tests.agentdata.mining_helpers import record_oracle_run

MATH = "agentdata/Math-v0"
TRL_COLUMNS = {
    "correction": {"prompt", "completion"},
    "reflection": {"prompt", "completion"},
    "dpo": {"prompt", "chosen", "rejected"},
    "steps": {"prompt", "completions", "labels"},
    "positive": {"messages"},
    "groups": {"task_id", "prompt", "completions", "rewards", "successes"},
    "curriculum": {
        "task_id", "prompt", "samples", "successes", "pass_rate", "pass_at_1", "pass_at_k", "k",
        "mean_reward",
    },
}  # fmt: skip
META = {"error_type", "difficulty", "provenance"}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with a noisy best-of-4 math run (`noisy`) and a clean one (`clean`)."""
    path = tmp_path_factory.mktemp("mining") / "store.db"
    with Store.open(str(path)) as store:
        cfg = RolloutConfig(env_id=MATH, policy="oracle", episodes=24, seed=4, run_id="noisy",
                            samples_per_task=4, policy_kwargs={"error_rate": 0.25})  # fmt: skip
        run_rollouts(store, cfg)
        run_rollouts(store, RolloutConfig(env_id=MATH, policy="oracle", episodes=3, run_id="clean"))
    return path


@pytest.fixture
def db(recorded: Path, tmp_path: Path) -> str:
    """A private copy of the recorded store (tests may tamper with it)."""
    copy = tmp_path / "store.db"
    shutil.copyfile(recorded, copy)
    return str(copy)


def agentdata(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentdata", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_every_kind_loads_with_datasets(db: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"{{kind}}.{fmt}"
    args = ["mine", "--db", db, "--run", "noisy", "--out", str(out), "--format", fmt, "--json"]
    done = agentdata(*args, *[a for k in KINDS for a in ("--kind", k)])
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert set(summary) >= {"samples", "by_kind", "by_error_type", "episodes"}
    assert set(summary["by_kind"]) == set(KINDS) and all(summary["by_kind"].values())
    for kind in KINDS:
        path = tmp_path / f"{kind}.{fmt}"
        loaded = datasets.load_dataset(
            "json" if fmt == "jsonl" else "parquet", data_files=str(path), split="train"
        )
        assert set(loaded.column_names) == TRL_COLUMNS[kind] | META
        assert len(loaded) == summary["by_kind"][kind]
        card = (tmp_path / f"{kind}.card.md").read_text()
        assert f"samples: {len(loaded)}" in card and "agentdata/Math-v0" in card
        if kind == "steps":
            assert loaded.features["labels"].feature.dtype == "bool"


def test_curriculum_orders_by_difficulty_and_drops_extremes(db: str, tmp_path: Path) -> None:
    with Store.open(db) as store:
        rows = _mine(store, tmp_path / "c.jsonl", "curriculum")
        assert len(rows) == 6 and all(r["samples"] == 4 and r["k"] == 4 for r in rows)
        rates = [r["pass_rate"] for r in rows]
        assert rates == sorted(rates, reverse=True)
        for row in rows:  # pass rates agree with the episodes, and the provenance lists them all
            eps = [e for e in store.episodes("noisy") if e.task_id == row["task_id"]]
            assert row["successes"] == sum(bool(e.success) for e in eps)
            assert row["provenance"]["episode_ids"] == sorted(e.id for e in eps)
            assert row["mean_reward"] == pytest.approx(sum(e.total_reward for e in eps) / 4)
            policy = row["provenance"]["policy"]  # an object with sorted keys, not JSON text
            assert policy["name"] == "oracle" and policy["kwargs"] == {"error_rate": 0.25}
            assert list(policy) == sorted(policy)
        kept = _mine(store, tmp_path / "d.jsonl", "curriculum", drop_always_solved=True,
                     drop_never_solved=True)  # fmt: skip
        assert all(0 < r["pass_rate"] < 1 for r in kept)
        groups = _mine(store, tmp_path / "g.jsonl", "groups")
        assert len(groups) == 6 and all(len(g["rewards"]) == 4 for g in groups)


def test_mining_switches_the_garbage_collector_back_on(db: str, tmp_path: Path) -> None:
    """Mining pauses the cyclic collector while it streams; it is on again afterwards, also
    when the export fails."""
    out = tmp_path / "c.jsonl"
    with Store.open(db) as store:
        assert gc.isenabled()
        assert _mine(store, out, "correction")
        assert gc.isenabled()
        with pytest.raises(ConfigError, match="exists"):
            mine(store, MineRequest(run_id="noisy", kind="correction", out=out))
        assert gc.isenabled()


def _mine(store: Store, out: Path, kind: str, **kw: Any) -> list[dict[str, Any]]:
    run = kw.pop("run", "noisy")
    mine(store, MineRequest(run_id=run, kind=kind, out=out, **kw))
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_bad_input_is_a_clear_error_and_loses_nothing(db: str, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"run": "nope"}, "no run 'nope'"),
        ({"kind": "sft"}, "unknown kind 'sft'"),
        ({"env_ids": ("agentdata/Logic-v9",)}, "has no episodes of"),
        ({"error_types": ("typo",)}, "unknown error type"),
        ({"fmt": "csv"}, "unknown format 'csv'"),
    ]
    with Store.open(db) as store:
        for kwargs, message in cases:
            kind = kwargs.pop("kind", "correction")
            with pytest.raises((ConfigError, NotFoundError), match=message):
                _mine(store, out, kind, **kwargs)
            assert list(tmp_path.glob("x*")) == []
    done = agentdata("mine", "--db", db, "--run", "nope", "--out", str(out))
    assert done.returncode == 2 and "no run 'nope'" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    out.write_text("precious\n")
    done = agentdata("mine", "--db", db, "--run", "noisy", "--out", str(out))
    assert done.returncode == 2 and "--force" in done.stderr
    assert out.read_text() == "precious\n"
    done = agentdata("mine", "--db", db, "--run", "noisy", "--out", str(out), "--force")
    assert done.returncode == 0 and out.read_text() != "precious\n"
    empty = agentdata("mine", "--db", db, "--run", "clean", "--out", str(tmp_path / "e.jsonl"))
    assert empty.returncode == 0 and "no fail→fix cycles" in empty.stderr
    assert (tmp_path / "e.jsonl").read_text() == ""


def test_an_interrupted_export_leaves_no_file(tmp_path: Path) -> None:
    def samples() -> Iterator[Sample]:
        row = {"messages": [], "error_type": None, "difficulty": None,
               "provenance": {"env_id": "e", "episode_ids": ["a"]}}  # fmt: skip
        yield Sample(row)
        raise KeyboardInterrupt

    out = tmp_path / "half.jsonl"
    with pytest.raises(KeyboardInterrupt):
        write_export(samples(), kind="positive", out=out, card=lambda r: "")
    assert list(tmp_path.iterdir()) == []


def test_dedupe_balance_and_difficulty(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "s.db")) as store:
        # the same task, seed and oracle seed four times: four identical episodes
        known = record_oracle_run(store, "same", MATH, {}, episodes=4, error_rate=1.0,
                                  same_seed=True)  # fmt: skip
        rows = _mine(store, tmp_path / "a.jsonl", "correction", run="same")
        assert len(rows) == known["same-000"] > 0
        assert len(_mine(store, tmp_path / "b.jsonl", "correction", run="same", dedupe=False)) == (
            sum(known.values())
        )
        record_oracle_run(store, "many", MATH, {}, episodes=30, error_rate=0.5, seed=100)
        every = _mine(store, tmp_path / "c.jsonl", "correction", run="many")
        balanced = _mine(store, tmp_path / "d.jsonl", "correction", run="many", balance=True)
        strata = Counter((r["difficulty"], r["error_type"]) for r in balanced)
        assert len(set(strata.values())) == 1 and len(strata) == len(
            {(r["difficulty"], r["error_type"]) for r in every}
        )
        level = every[0]["difficulty"]
        hard = _mine(store, tmp_path / "e.jsonl", "correction", run="many", difficulties=(level,))
        assert hard and all(r["difficulty"] == level for r in hard)
        assert len(hard) == sum(r["difficulty"] == level for r in every)
        with pytest.raises(NotFoundError):
            _mine(store, tmp_path / "f.jsonl", "dpo", run="missing")
        with pytest.raises(ConfigError):
            _mine(store, tmp_path / "a.jsonl", "dpo", run="many")  # a.jsonl's card is there


def test_verify_replays_fixes_and_drops_what_no_longer_verifies(db: str, tmp_path: Path) -> None:
    out = tmp_path / "v.jsonl"
    with Store.open(db) as store:
        cache = EnvCache()
        try:
            check = replay_reexecute(store, cache)
            first = mine(store, MineRequest("noisy", "dpo", out), reexecute=check)
            assert first.samples > 0 and first.unverified == 0
            assert "re-executed (--verify)" in (tmp_path / "v.card.md").read_text()
            victim = json.loads(out.read_text().splitlines()[0])["provenance"]
            with store.engine.begin() as conn:
                # tamper with a recorded fix: the record still says it passed, a replay not
                conn.execute(
                    update(Step)
                    .where(Step.episode_id == victim["episode_ids"][0],
                           Step.idx == victim["fix_step"])
                    .values(action_raw="answer: 123456789")
                )  # fmt: skip
            again = mine(store, MineRequest("noisy", "dpo", out, force=True), reexecute=check)
            assert again.samples == first.samples - 1 and again.unverified == 1
            plain = mine(store, MineRequest("noisy", "dpo", out, force=True))
            assert plain.samples == first.samples
        finally:
            cache.close()
