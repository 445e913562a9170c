"""examples/train_trl.py really trains: a recorded run is mined into correction (SFT) and
dpo exports, and TRL takes a couple of optimizer steps on each with the tiny random Llama.

Needs trl and datasets (installed by `.ci/llm.sh` into the LLM virtual environment).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from tests.llm.conftest import agentdata, rollout_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_trl.py"


def _mine(db: str, kind: str, out: Path) -> int:
    done = agentdata("mine", "--db", db, "--run", "noisy", "--kind", kind, "--out", str(out),
                     "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    samples = int(json.loads(done.stdout)["samples"])
    assert samples > 0 and len(out.read_text(encoding="utf-8").splitlines()) == samples
    return samples


def test_trl_sft_and_dpo_train_on_mined_exports(tiny_model: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    rollout_json("--db", db, "--env", "agentdata/Math-v0", "--policy", "oracle",
                 "--policy-arg", "error_rate=0.5", "--episodes", "6", "--seed", "3",
                 "--run", "noisy")  # fmt: skip
    sft, dpo = tmp_path / "correction.jsonl", tmp_path / "dpo.jsonl"
    rows = {"sft": _mine(db, "correction", sft), "dpo": _mine(db, "dpo", dpo)}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--model", str(tiny_model), "--sft", str(sft),
         "--dpo", str(dpo), "--steps", "2", "--json"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for trainer in ("sft", "dpo"):
        assert math.isfinite(report[trainer]["loss"]) and report[trainer]["loss"] > 0
        assert report[trainer]["rows"] == rows[trainer]  # every mined row reached the trainer
        assert report[trainer]["steps"] == 2
