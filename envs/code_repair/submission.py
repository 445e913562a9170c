"""The agent's change as graded: its workspace against the task's repo, editable files only.

`read_submission` scans the agent's workspace (every file, caches and compiled files
included, symlinks not followed) and compares it with the task's pristine repository. Each
change is kept, or dropped with a reason: a protected or non-editable path
(protection.PathPolicy), a symlink, a binary or unreadable file, a file too large to diff.
The graded tree is the pristine repository with the kept changes applied; nothing else of
the agent's machine (processes, /tmp, $HOME, caches) is part of it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from agentdata.envs.code_repair.protection import PathPolicy
from agentdata.envs.code_repair.sandbox import WORKSPACE, Sandbox
from agentdata.envs.code_repair.sandbox.snapshot import MAX_DIFF_FILE_BYTES, SCAN_PY, file_diff
from agentdata.envs.code_repair.taskformat import LoadedTask
from agentdata.envs.errors import EnvError
from agentdata.schemas import JsonValue

Status = Literal["added", "modified", "deleted"]
MAX_SCAN_OUTPUT = 64 << 20
SCAN_TIMEOUT_S = 60.0


class SubmissionError(EnvError):
    """The agent's workspace cannot be read as a submission (its own doing: reward 0)."""


@dataclass(frozen=True)
class Dropped:
    """A change left out of the graded patch, and why."""

    path: str
    status: Status
    reason: str

    def to_json(self) -> dict[str, JsonValue]:
        """{"path", "change", "reason"} as recorded in the submit verdict's evidence."""
        return {"path": self.path, "change": self.status, "reason": self.reason}


@dataclass(frozen=True)
class Submission:
    """The graded tree and what was kept and dropped on the way."""

    files: dict[str, bytes]
    kept: tuple[tuple[str, Status], ...]
    dropped: tuple[Dropped, ...]
    original: Mapping[str, bytes] = field(repr=False, default_factory=dict)

    @property
    def graded_patch(self) -> str:
        """The kept changes as a git-style unified diff."""
        return "".join(
            file_diff(path, self.original.get(path), self.files.get(path), status)
            for path, status in self.kept
        )

    def kept_sources(self) -> list[tuple[str, bytes | None, bytes]]:
        """(path, old bytes or None, new bytes) of every kept added/modified `.py` file."""
        return [(p, self.original.get(p), self.files[p]) for p, s in self.kept
                if s != "deleted" and p.endswith(".py")]  # fmt: skip


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def scan_workspace(box: Sandbox, base: Mapping[str, bytes]) -> tuple[dict[str, str],
                                                                       dict[str, bytes]]:
    """(entries {path: digest | "link:..." | "unreadable"}, contents of changed files)."""
    request = {
        "root": WORKSPACE, "base": {k: _digest(v) for k, v in base.items()},
        "max": MAX_DIFF_FILE_BYTES, "ignored_dirs": [], "ignored_suffixes": [],
    }  # fmt: skip
    res = box.exec(["python3", "-I", "-c", SCAN_PY], timeout=SCAN_TIMEOUT_S,
                   stdin=json.dumps(request).encode(), max_output_bytes=MAX_SCAN_OUTPUT)
    if res.timed_out or res.truncated or res.exit_code != 0:
        raise SubmissionError(
            "the workspace could not be read for grading "
            f"(exit {res.exit_code}{', timed out' if res.timed_out else ''}"
            f"{', too large' if res.truncated else ''}): {res.stderr.strip()[-300:]}"
        )
    try:
        parsed = json.loads(res.stdout)
        entries = {str(k): str(v) for k, v in parsed["entries"].items()}
        contents = {str(k): base64.b64decode(v) for k, v in parsed["contents"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SubmissionError(f"the workspace scan is unreadable: {exc}") from exc
    return entries, contents


def _kind_problem(path: str, entry: str, data: bytes | None) -> str | None:
    if entry.startswith("link:"):
        return "symlink"
    if entry == "unreadable":
        return "unreadable file"
    if data is None:
        return f"larger than {MAX_DIFF_FILE_BYTES} bytes"
    if b"\0" in data:
        return "binary file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary file"
    return None


def _under_a_file(path: str, files: Mapping[str, bytes]) -> bool:
    parts = path.split("/")
    prefix = path + "/"
    return any("/".join(parts[:i]) in files for i in range(1, len(parts))) or any(
        k.startswith(prefix) for k in files)


def classify(
    original: Mapping[str, bytes],
    entries: Mapping[str, str],
    contents: Mapping[str, bytes],
    policy: PathPolicy,
) -> Submission:
    """Keep the editable text changes, drop the rest (pure: no sandbox needed)."""
    names = frozenset(original)
    files = dict(original)
    kept: list[tuple[str, Status]] = []
    dropped: list[Dropped] = []
    for path in sorted(set(entries) | names):
        old, entry = original.get(path), entries.get(path)
        if old is not None and entry == _digest(old):
            continue
        status: Status = "added" if old is None else "deleted" if entry is None else "modified"
        reason = policy.why_protected(path, names)
        if reason is None and entry is not None:
            reason = _kind_problem(path, entry, contents.get(path))
        if reason is None and entry is not None and _under_a_file(path, files):
            reason = "file/directory clash with a path that is kept"
        if reason is not None:
            dropped.append(Dropped(path, status, reason))
            continue
        kept.append((path, status))
        if entry is None:
            del files[path]
        else:
            files[path] = contents[path]
    return Submission(files, tuple(kept), tuple(dropped), dict(original))


def read_submission(box: Sandbox, task: LoadedTask) -> Submission:
    """The agent's graded submission, read from its sandbox's workspace."""
    original = task.repo_files()
    entries, contents = scan_workspace(box, original)
    policy = PathPolicy.of(task.task.editable, task.task.protected)
    return classify(original, entries, contents, policy)
