"""`agentdata tasks check FILE`: one line per rejected record, exit status by outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def tasks_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentdata", "tasks", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_lists_rejected_lines(tmp_path: Path) -> None:
    path = tmp_path / "golds.jsonl"
    lines = [
        {"id": "good", "problem": "p", "answer": "\\frac43"},
        {"id": "broken", "problem": "p", "answer": "\\frac{1}{"},
        {"id": "no-answer", "problem": "p"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n{oops\n")
    out = tasks_check(str(path))
    assert out.returncode == 1, out.stderr
    rows = out.stdout.splitlines()
    assert rows[0].startswith(f"{path}:2: [broken] answer")
    assert rows[1].startswith(f"{path}:3: [no-answer]")
    assert rows[2].startswith(f"{path}:4: invalid JSON")
    assert rows[3] == "1 task(s) usable, 3 rejected"
    report = json.loads(tasks_check(str(path), "--json").stdout)
    assert report["loaded"] == 1 and [r["line"] for r in report["rejected"]] == [2, 3, 4]


def test_clean_file_and_unreadable_file(gsm8k_path: Path, tmp_path: Path) -> None:
    out = tasks_check(str(gsm8k_path), "--env", "math")
    assert out.returncode == 0 and out.stdout.strip() == "300 task(s) usable, 0 rejected"
    missing = tasks_check(str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    unknown = tasks_check(str(gsm8k_path), "--env", "nope")
    assert unknown.returncode == 2 and "unknown env" in unknown.stderr
