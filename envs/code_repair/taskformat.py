"""The code-repair task format (see TASKS.md): a directory with task.json, repo/ and hidden/.

task.json's fields are the `Task` model (`taskmodel.py`); this module reads, hashes and
writes whole task directories and suites.

Loading reports every problem as a `TaskFormatError` naming the file and, where it applies,
the field. The content hash covers task.json's fields, every file of repo/ and hidden/ and the
reference patch, so two directories with the same content hash to the same value in any process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from agentdata.envs.code_repair.sandbox import DEFAULT_IMAGE
from agentdata.envs.code_repair.taskmodel import Task, relative_path
from agentdata.errors import TaskError
from agentdata.schemas.hashing import content_hash
from agentdata.schemas.json_types import JsonValue

TASK_FILE = "task.json"
REPO_DIR = "repo"
HIDDEN_DIR = "hidden"
# Generated files that say nothing about the task and must not change its hash.
IGNORED_NAMES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
DEFAULT_TEST_COMMAND = "python -m pytest -q -p no:cacheprovider -o junit_family=xunit1"
__all__ = [
    "DEFAULT_IMAGE",
    "DEFAULT_TEST_COMMAND",
    "HIDDEN_DIR",
    "REPO_DIR",
    "TASK_FILE",
    "LoadedTask",
    "SuiteError",
    "Task",
    "TaskFormatError",
    "TaskJsonError",
    "TaskNotFoundError",
    "load_suite",
    "load_task",
    "parse_task_json",
    "read_tree",
    "task_hash",
    "write_task",
]
# Optional task.json fields added later: left out of the hash when unset, so old tasks keep theirs.
_OPTIONAL_SINCE_V2 = ("editable", "protected", "plugins")


class TaskFormatError(TaskError):
    """A task or suite directory does not follow the format."""

    def __init__(self, path: Path, message: str, field: str | None = None) -> None:
        where = f"{path}" + (f" (field {field!r})" if field else "")
        super().__init__(f"{where}: {message}")
        self.path = path
        self.field = field
        self.message = message


class TaskNotFoundError(TaskFormatError):
    """The directory, task.json or a referenced file is missing."""


class TaskJsonError(TaskFormatError):
    """task.json is not valid JSON, or a field has a wrong value."""


class SuiteError(TaskFormatError):
    """A suite directory is empty or has duplicate task ids."""


@dataclass(frozen=True)
class LoadedTask:
    """A task read from disk: its model, directory and content hash."""

    task: Task
    root: Path
    hash: str

    @property
    def repo_dir(self) -> Path:
        """The buggy repository."""
        return self.root / REPO_DIR

    @property
    def hidden_dir(self) -> Path | None:
        """Files copied over the repo for grading, if any."""
        hidden = self.root / HIDDEN_DIR
        return hidden if hidden.is_dir() else None

    def reference_patch_text(self) -> str | None:
        """The reference fix as text (None when the task has none)."""
        if self.task.reference_patch is None:
            return None
        return (self.root / self.task.reference_patch).read_text(encoding="utf-8")

    def repo_files(self) -> dict[str, bytes]:
        """repo/ as {posix path: bytes}."""
        return read_tree(self.repo_dir)

    def hidden_files(self) -> dict[str, bytes]:
        """hidden/ as {posix path: bytes} (empty when there is none)."""
        return read_tree(self.hidden_dir) if self.hidden_dir else {}


def read_tree(root: Path) -> dict[str, bytes]:
    """Every regular file under root as {posix relative path: bytes}, sorted, caches skipped."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if IGNORED_NAMES & set(rel.parts) or path.suffix == ".pyc" or not path.is_file():
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


def _digest_tree(files: Mapping[str, bytes]) -> dict[str, JsonValue]:
    return {k: hashlib.sha256(files[k]).hexdigest() for k in sorted(files)}


def task_hash(
    task: Task, repo: Mapping[str, bytes], hidden: Mapping[str, bytes], patch: str | None
) -> str:
    """Content hash of a task (task fields, repo and hidden files, reference patch text)."""
    fields = task.model_dump(mode="json")
    for key in _OPTIONAL_SINCE_V2:  # unset: hash as before these fields existed
        if fields.get(key) is None:
            fields.pop(key, None)
    return content_hash(
        {
            "task": fields,
            "repo": _digest_tree(repo),
            "hidden": _digest_tree(hidden),
            "reference_patch": None
            if patch is None
            else hashlib.sha256(patch.encode()).hexdigest(),
        }
    )


def parse_task_json(path: Path) -> Task:
    """Read and validate one task.json."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TaskNotFoundError(path, "missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaskJsonError(path, f"not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise TaskJsonError(path, "must hold a JSON object")
    try:
        return Task.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise TaskJsonError(path, err["msg"], field) from exc


def load_task(root: Path) -> LoadedTask:
    """Load a task directory; raises TaskFormatError subclasses naming file and field."""
    root = Path(root)
    if not root.is_dir():
        raise TaskNotFoundError(root, "task directory does not exist")
    task = parse_task_json(root / TASK_FILE)
    if not (root / REPO_DIR).is_dir():
        raise TaskNotFoundError(root / REPO_DIR, "repo directory is missing")
    hidden = root / HIDDEN_DIR
    if hidden.exists() and not hidden.is_dir():
        raise TaskFormatError(hidden, "must be a directory")
    patch: str | None = None
    if task.reference_patch is not None:
        patch_path = root / task.reference_patch
        if not patch_path.is_file():
            raise TaskNotFoundError(patch_path, "file does not exist", "reference_patch")
        patch = patch_path.read_text(encoding="utf-8")
    digest = task_hash(
        task, read_tree(root / REPO_DIR), read_tree(hidden) if hidden.is_dir() else {}, patch
    )
    return LoadedTask(task, root, digest)


def load_suite(root: Path) -> list[LoadedTask]:
    """Load every task directory under root (sorted by id); files and dot-dirs are skipped."""
    root = Path(root)
    if not root.is_dir():
        raise TaskNotFoundError(root, "suite directory does not exist")
    tasks = [
        load_task(d) for d in sorted(root.iterdir()) if d.is_dir() and not d.name.startswith(".")
    ]
    if not tasks:
        raise SuiteError(root, "no task directories")
    seen: dict[str, Path] = {}
    for loaded in tasks:
        if loaded.task.id in seen:
            raise SuiteError(loaded.root, f"duplicate id (also in {seen[loaded.task.id]})", "id")
        seen[loaded.task.id] = loaded.root
    return sorted(tasks, key=lambda t: t.task.id)


def write_task(
    root: Path,
    task: Task,
    repo: Mapping[str, bytes],
    hidden: Mapping[str, bytes] | None = None,
    patch: str | None = None,
) -> LoadedTask:
    """Write a task directory (root must not exist or be empty); return it loaded.

    `patch` is written to `task.reference_patch`, which must then be set.
    """
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise TaskFormatError(root, "directory exists and is not empty")
    if (patch is None) != (task.reference_patch is None):
        raise TaskFormatError(root, "give patch text exactly when it is set", "reference_patch")
    for base, files in ((root / REPO_DIR, repo), (root / HIDDEN_DIR, hidden or {})):
        for rel in sorted(files):
            target = base / relative_path(rel, "file path")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
    (root / REPO_DIR).mkdir(parents=True, exist_ok=True)
    if patch is not None and task.reference_patch is not None:
        (root / task.reference_patch).write_text(patch, encoding="utf-8", newline="")
    (root / TASK_FILE).write_text(task.to_json(), encoding="utf-8", newline="")
    return load_task(root)
