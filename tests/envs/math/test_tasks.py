"""Task files (GSM8K and id/problem/answer), malformed files, procedural ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentdata.envs.math.errors import TaskFileError
from agentdata.envs.math.generators import DIFFICULTIES, FAMILY_NAMES
from agentdata.envs.math.tasks import check_task_file, load_task_file, procedural_task
from agentdata.envs.text_env import parse_task_id

DATA = Path(__file__).resolve().parent / "data"


def test_sample_file() -> None:
    tasks = load_task_file(DATA / "sample.jsonl")
    assert tasks.ids == ("lin-1", "frac-1", "7", "gsm8k-4")
    gsm = tasks.tasks["gsm8k-4"]
    assert gsm.family == "gsm8k" and gsm.metadata["answer"] == "26"
    assert tasks.tasks["lin-1"].metadata["variables"] == ["x"]
    assert len({t.hash for t in tasks.tasks.values()}) == 4


def test_gsm8k_file(gsm8k_path: Path) -> None:
    tasks = load_task_file(gsm8k_path)
    assert len(tasks.ids) == 300
    assert tasks.ids[0] == "gsm8k-1"
    first = tasks.tasks["gsm8k-1"]
    assert first.metadata["answer"] == "72"
    assert first.metadata["reference"] == [
        "Natalia sold 48/2 = <<48/2=24>>24 clips in May.",
        "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.",
    ]


GOOD = '{"id": "ok", "problem": "p", "answer": "1"}\n'


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (GOOD + "{not json\n", 2, "invalid JSON"),
        (GOOD + "\n\n[1, 2]\n", 4, "JSON object"),
        (GOOD + '{"question": "q", "answer": "no marker"}\n', 2, "####"),
        (GOOD + '{"id": "a", "problem": "p"}\n', 2, "answer"),
        (GOOD + '{"id": "ok", "problem": "q", "answer": "2"}\n', 2, "duplicate"),
        (GOOD + '{"id": "a", "problem": "p", "answer": "\\\\frac{1}{"}\n', 2, "not readable"),
    ],
)
def test_bad_record_fails_only_its_task(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text(content)
    loaded = load_task_file(path)
    assert loaded.ids == ("ok",)
    assert [r.line for r in loaded.rejected] == [line]
    assert reason in loaded.rejected[0].reason
    report = check_task_file(path)
    assert report.loaded == 1 and report.rejected == loaded.rejected


def test_binary_line_fails_only_its_task(tmp_path: Path) -> None:
    path = tmp_path / "bin.jsonl"
    path.write_bytes(GOOD.encode() + b"\xff\xfe\x00\n")
    loaded = load_task_file(path)
    assert loaded.ids == ("ok",) and loaded.rejected[0].line == 2
    assert "UTF-8" in loaded.rejected[0].reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "no usable tasks"), ('{"id": "a", "problem": "p"}\n', "line 1")],
)
def test_file_without_usable_tasks(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text(content)
    with pytest.raises(TaskFileError) as info:
        load_task_file(path)
    assert info.value.line == 0 and reason in str(info.value)
    with pytest.raises(TaskFileError, match="no such file"):
        load_task_file(tmp_path / "missing.jsonl")


def test_procedural_ids_rebuild() -> None:
    for family in FAMILY_NAMES:
        for difficulty in DIFFICULTIES:
            task = procedural_task(family, difficulty, 12345)
            assert parse_task_id(task.id, FAMILY_NAMES) == (family, difficulty, 12345)
            again = procedural_task(*parse_task_id(task.id, FAMILY_NAMES))  # type: ignore[misc]
            assert again == task
    assert parse_task_id("linear-d9-s1", FAMILY_NAMES) is None
    assert parse_task_id("nope-d1-s1", FAMILY_NAMES) is None
