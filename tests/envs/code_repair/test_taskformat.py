"""The task format: model validation, loading with typed errors, writing, content hash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentdata.envs.code_repair.taskformat import (
    DEFAULT_IMAGE,
    SuiteError,
    Task,
    TaskJsonError,
    TaskNotFoundError,
    load_suite,
    load_task,
    write_task,
)


def make_task(task_id: str = "demo-1", **extra: object) -> Task:
    data: dict[str, object] = {
        "id": task_id,
        "problem_statement": "tests fail",
        "image": DEFAULT_IMAGE,
        "test_command": "python -m pytest",
        "fail_to_pass": ["tests/test_a.py::test_x"],
        "pass_to_pass": ["tests/test_a.py::test_y"],
        "reference_patch": "fix.patch",
    }
    data.update(extra)
    return Task.model_validate(data)


REPO = {"pkg/__init__.py": b"X = 1\n", "tests/test_a.py": b"def test_x():\n    pass\n"}
HIDDEN = {"tests/test_hidden.py": b"def test_h():\n    pass\n"}
PATCH = "--- a/pkg/__init__.py\n+++ b/pkg/__init__.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"


def test_write_and_load_roundtrip(tmp_path: Path) -> None:
    loaded = write_task(tmp_path / "t", make_task(difficulty=2), REPO, HIDDEN, PATCH)
    again = load_task(tmp_path / "t")
    assert again.task == loaded.task
    assert again.task.difficulty == 2
    assert again.repo_files() == REPO
    assert again.hidden_files() == HIDDEN
    assert again.reference_patch_text() == PATCH
    assert again.hash == loaded.hash and len(again.hash) == 64
    data = json.loads((tmp_path / "t" / "task.json").read_text())
    assert list(data)[:4] == ["id", "problem_statement", "image", "test_command"]
    assert "setup" not in data


def test_hash_tracks_content_and_ignores_caches(tmp_path: Path) -> None:
    base = write_task(tmp_path / "a", make_task(), REPO, HIDDEN, PATCH).hash
    (tmp_path / "a" / "repo" / "__pycache__").mkdir()
    (tmp_path / "a" / "repo" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    assert load_task(tmp_path / "a").hash == base
    changed = write_task(tmp_path / "b", make_task(), {**REPO, "pkg/__init__.py": b"X = 3\n"},
                         HIDDEN, PATCH).hash
    assert changed != base
    no_hidden = write_task(tmp_path / "c", make_task(), REPO, {}, PATCH).hash
    assert no_hidden != base


def test_hash_is_stable_across_processes(tmp_path: Path) -> None:
    loaded = write_task(tmp_path / "t", make_task(), REPO, HIDDEN, PATCH)
    code = "import sys; from agentdata.envs.code_repair.taskformat import load_task; " \
           "print(load_task(sys.argv[1]).hash)"
    for seed in ("1", "999"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t")], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out == loaded.hash


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fail_to_pass": []}, "fail_to_pass"),
        ({"fail_to_pass": ["test_a"]}, "fail_to_pass"),
        ({"pass_to_pass": ["tests/test_a.py::test_x"]}, None),
        ({"id": "../evil"}, "id"),
        ({"reference_patch": "../../etc/passwd"}, "reference_patch"),
        ({"difficulty": 0}, "difficulty"),
        ({"surprise": 1}, "surprise"),
        ({"image": None}, "image"),
    ],
)
def test_bad_fields_name_file_and_field(tmp_path: Path, change: dict[str, object],
                                        field: str | None) -> None:
    write_task(tmp_path / "t", make_task(), REPO, None, PATCH)
    path = tmp_path / "t" / "task.json"
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))
    with pytest.raises(TaskJsonError) as err:
        load_task(tmp_path / "t")
    assert err.value.path == path
    assert err.value.field == field
    assert str(path) in str(err.value)


def test_setup_string_becomes_list() -> None:
    assert make_task(setup="pip install -e .").setup == ["pip install -e ."]


def test_missing_pieces(tmp_path: Path) -> None:
    with pytest.raises(TaskNotFoundError):
        load_task(tmp_path / "nothing")
    write_task(tmp_path / "t", make_task(), REPO, None, PATCH)
    (tmp_path / "t" / "fix.patch").unlink()
    with pytest.raises(TaskNotFoundError) as err:
        load_task(tmp_path / "t")
    assert err.value.field == "reference_patch"
    (tmp_path / "t" / "task.json").write_text("{not json")
    with pytest.raises(TaskJsonError, match="not valid JSON"):
        load_task(tmp_path / "t")


def test_suite_sorted_and_duplicates_rejected(tmp_path: Path) -> None:
    with pytest.raises(SuiteError):
        load_suite(tmp_path)
    write_task(tmp_path / "z", make_task("b-task"), REPO, None, PATCH)
    write_task(tmp_path / "y", make_task("a-task"), REPO, None, PATCH)
    (tmp_path / "report.json").write_text("{}")
    assert [t.task.id for t in load_suite(tmp_path)] == ["a-task", "b-task"]
    write_task(tmp_path / "x", make_task("a-task"), REPO, None, PATCH)
    with pytest.raises(SuiteError, match="duplicate"):
        load_suite(tmp_path)
