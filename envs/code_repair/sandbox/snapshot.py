"""Workspace snapshots: what changed since `start()`, as a diff and a tree hash.

The scan runs where the files are (inside the sandbox, as `python3 -c SCAN_PY`): it walks
the workspace without following links, hashes every file, and sends back the contents of
the files whose hash differs from the starting state. The host turns that into a git-style
unified diff. Caches that running tests leave behind (`IGNORED_DIRS`, `*.pyc`) are not
part of the state.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agentdata.schemas.hashing import content_hash

IGNORED_DIRS = (".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")
IGNORED_SUFFIXES = (".pyc", ".pyo")
MAX_DIFF_FILE_BYTES = 1 << 20  # larger files are listed as changed, without a text diff

# Runs inside the sandbox under any python3 >= 3.6 with no imports beyond the stdlib.
# stdin: {"root", "base": {path: digest}, "max": bytes}; stdout: {"entries", "contents"}.
SCAN_PY = r"""
import base64, hashlib, json, os, sys
req = json.load(sys.stdin)
root, base, cap = req["root"], req["base"], req["max"]
ign_d, ign_s = set(req["ignored_dirs"]), tuple(req["ignored_suffixes"])
entries, contents = {}, {}
for d, dirs, files in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x not in ign_d and not os.path.islink(os.path.join(d, x)))
    links = [x for x in os.listdir(d) if os.path.islink(os.path.join(d, x))]
    for name in sorted(set(files) | set(links)):
        if name.endswith(ign_s):
            continue
        p = os.path.join(d, name)
        rel = os.path.relpath(p, root).replace(os.sep, "/")
        if os.path.islink(p):
            entries[rel] = "link:" + os.readlink(p)
            continue
        if not os.path.isfile(p):
            continue
        try:
            with open(p, "rb") as f:
                data = f.read()
        except OSError:
            entries[rel] = "unreadable"
            continue
        dig = "sha256:" + hashlib.sha256(data).hexdigest()
        entries[rel] = dig
        if base.get(rel) != dig and len(data) <= cap:
            contents[rel] = base64.b64encode(data).decode("ascii")
json.dump({"entries": entries, "contents": contents}, sys.stdout)
"""


@dataclass(frozen=True)
class FileChange:
    """One changed workspace file."""

    path: str
    status: Literal["added", "modified", "deleted"]


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """The workspace against its starting state.

    `tree_hash` identifies the whole current tree (paths and file digests), so two
    workspaces with equal hashes hold the same files; `diff` is a git-style unified diff
    (`git apply`-able for text files) from the starting state.
    """

    tree_hash: str
    base_tree_hash: str
    changes: tuple[FileChange, ...]
    diff: str

    @property
    def clean(self) -> bool:
        """True when nothing changed since start."""
        return not self.changes


@dataclass(frozen=True)
class Baseline:
    """The starting state: digest and content of every seeded file."""

    entries: dict[str, str]
    contents: dict[str, bytes]

    @property
    def tree_hash(self) -> str:
        """Hash of the starting tree."""
        return tree_hash(self.entries)


def tree_hash(entries: dict[str, str]) -> str:
    """Hash of a tree given as {relative path: digest}."""
    return content_hash(dict(sorted(entries.items())))


def scan_request(baseline: Baseline, root: str) -> bytes:
    """The stdin of `SCAN_PY` for a workspace mounted at `root`."""
    req = {
        "root": root,
        "base": baseline.entries,
        "max": MAX_DIFF_FILE_BYTES,
        "ignored_dirs": list(IGNORED_DIRS),
        "ignored_suffixes": list(IGNORED_SUFFIXES),
    }
    return json.dumps(req).encode()


def _ignored(rel_parts: tuple[str, ...]) -> bool:
    return any(p in IGNORED_DIRS for p in rel_parts[:-1]) or rel_parts[-1].endswith(
        IGNORED_SUFFIXES
    )


def read_baseline(seed_dir: Path | None) -> Baseline:
    """Digest and content of every file of a host directory, with the scan's rules."""
    entries: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    if seed_dir is None:
        return Baseline(entries, contents)
    for dirpath, dirnames, filenames in os.walk(seed_dir):
        linked = [d for d in dirnames if Path(dirpath, d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS and d not in linked)
        for name in sorted(filenames + linked):
            p = Path(dirpath, name)
            rel = p.relative_to(seed_dir).as_posix()
            if _ignored(tuple(rel.split("/"))):
                continue
            if p.is_symlink():
                entries[rel] = "link:" + os.readlink(p)
                continue
            data = p.read_bytes()
            entries[rel] = "sha256:" + hashlib.sha256(data).hexdigest()
            contents[rel] = data
    return Baseline(entries, contents)


def build_snapshot(baseline: Baseline, scan_output: str) -> WorkspaceSnapshot:
    """Turn `SCAN_PY`'s output into a snapshot against `baseline`."""
    parsed = json.loads(scan_output)
    entries: dict[str, str] = parsed["entries"]
    new_contents = {k: base64.b64decode(v) for k, v in parsed["contents"].items()}
    changes: list[FileChange] = []
    chunks: list[str] = []
    for path in sorted(set(entries) | set(baseline.entries)):
        old, new = baseline.entries.get(path), entries.get(path)
        if old == new:
            continue
        status: Literal["added", "modified", "deleted"] = (
            "added" if old is None else "deleted" if new is None else "modified"
        )
        changes.append(FileChange(path, status))
        chunks.append(
            file_diff(
                path,
                baseline.contents.get(path) if old is not None else None,
                new_contents.get(path) if new is not None else None,
                status,
            )
        )
    return WorkspaceSnapshot(
        tree_hash=tree_hash(entries),
        base_tree_hash=baseline.tree_hash,
        changes=tuple(changes),
        diff="".join(chunks),
    )


def _as_text(data: bytes | None) -> str | None:
    if data is None or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def file_diff(path: str, old: bytes | None, new: bytes | None, status: str) -> str:
    """A git-style diff of one file (`old`/`new` None: absent, or content unavailable)."""
    head = f"diff --git a/{path} b/{path}\n"
    if status == "added":
        head += "new file mode 100644\n"
    elif status == "deleted":
        head += "deleted file mode 100644\n"
    old_text = "" if status == "added" else _as_text(old)
    new_text = "" if status == "deleted" else _as_text(new)
    if old_text is None or new_text is None:
        return head + f"Binary files a/{path} and b/{path} differ\n"
    from_name = "/dev/null" if status == "added" else f"a/{path}"
    to_name = "/dev/null" if status == "deleted" else f"b/{path}"
    out = [head, f"--- {from_name}\n", f"+++ {to_name}\n"]
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), n=3
    )
    for i, line in enumerate(lines):
        if i < 2:  # difflib's own ---/+++ header lines
            continue
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
