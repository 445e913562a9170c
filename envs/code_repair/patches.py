"""Unified diffs in pure Python: make one from two texts, apply one strictly.

Applying is strict about content: every context and removed line of a hunk must match the file
exactly (no fuzz, no whitespace leniency). Only the position may differ from the hunk header
(the nearest exact match is used, as `patch` does with offsets), because hand-written diffs get
line numbers wrong far more often than content. Paths may carry git's `a/` and `b/` prefixes;
`/dev/null` creates or deletes a file. Either every file of a patch applies or nothing changes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agentdata.errors import ActionError

NO_NEWLINE = "\\ No newline at end of file"
DEV_NULL = "/dev/null"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(ActionError):
    """Base of patch errors."""


class PatchParseError(PatchError):
    """The text is not a well-formed unified diff."""


class PatchPathError(PatchError):
    """A path in the patch is absolute or escapes the root."""


class PatchApplyError(PatchError):
    """A hunk's context or removed lines do not match the file (or the file is missing)."""

    def __init__(self, path: str, hunk: int, reason: str) -> None:
        super().__init__(f"{path}: hunk {hunk}: {reason}")
        self.path = path
        self.hunk = hunk
        self.reason = reason


@dataclass
class Hunk:
    """One `@@` block: lines tagged ' ', '-' or '+' (text without the newline)."""

    old_start: int
    old_len: int
    new_start: int
    new_len: int
    lines: list[tuple[str, str]] = field(default_factory=list)
    old_eof_newline: bool = True
    new_eof_newline: bool = True


@dataclass
class FilePatch:
    """The hunks for one file; `old_path`/`new_path` are None for creation/deletion."""

    old_path: str | None
    new_path: str | None
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The path this patch writes (or deletes)."""
        return self.new_path or self.old_path or ""


def split_lines(text: str) -> tuple[list[str], bool]:
    """Lines split on '\\n' only, and whether the text ends with a newline."""
    if text == "":
        return [], True
    ends = text.endswith("\n")
    lines = text.split("\n")
    if ends:
        lines.pop()
    return lines, ends


def _keep_ends(text: str) -> list[str]:
    """Lines with their '\n' (split on '\n' only, like `split_lines`)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def make_diff(old: str, new: str, path: str, new_path: str | None = None, context: int = 3) -> str:
    """Unified diff from `old` to `new` with `a/`/`b/` prefixes ('' when equal)."""
    old_lines, new_lines = _keep_ends(old), _keep_ends(new)
    out: list[str] = []
    for line in difflib.unified_diff(
        old_lines, new_lines, f"a/{path}", f"b/{new_path or path}", n=context
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE + "\n")
    return "".join(out)


def _clean_path(raw: str) -> str | None:
    name = raw.split("\t")[0].strip()
    if name == DEV_NULL:
        return None
    if name.startswith(("a/", "b/")):
        name = name[2:]
    pure = PurePosixPath(name)
    if not name or pure.is_absolute() or ".." in pure.parts:
        raise PatchPathError(f"path {raw!r} is absolute, empty or escapes the root")
    return str(pure)


def parse_patch(text: str) -> list[FilePatch]:
    """Parse a unified diff (git or plain) into file patches."""
    lines, _ = split_lines(text)
    patches: list[FilePatch] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("--- "):
            i += 1  # headers such as `diff --git` and `index` carry nothing we need
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("+++ "):
            raise PatchParseError(f"line {i + 1}: '---' not followed by '+++'")
        fp = FilePatch(_clean_path(lines[i][4:]), _clean_path(lines[i + 1][4:]))
        if fp.old_path is None and fp.new_path is None:
            raise PatchParseError(f"line {i + 1}: both paths are {DEV_NULL}")
        i += 2
        while i < len(lines) and lines[i].startswith("@@"):
            i = _parse_hunk(lines, i, fp)
        if not fp.hunks:
            raise PatchParseError(f"line {i + 1}: file {fp.path} has no hunks")
        patches.append(fp)
    if not patches:
        raise PatchParseError("no file headers ('--- a/...' / '+++ b/...') found")
    return patches


def _parse_hunk(lines: list[str], i: int, fp: FilePatch) -> int:
    m = _HUNK.match(lines[i])
    if m is None:
        raise PatchParseError(f"line {i + 1}: bad hunk header {lines[i]!r}")
    old_len = 1 if m.group(2) is None else int(m.group(2))
    new_len = 1 if m.group(4) is None else int(m.group(4))
    hunk = Hunk(int(m.group(1)), old_len, int(m.group(3)), new_len)
    i += 1
    old_seen = new_seen = 0
    while i < len(lines) and (old_seen < old_len or new_seen < new_len):
        line = lines[i]
        tag, body = (line[:1], line[1:]) if line else (" ", "")
        if tag not in " -+":
            raise PatchParseError(f"line {i + 1}: unexpected line {line!r} inside a hunk")
        hunk.lines.append((tag, body))
        old_seen += tag in " -"
        new_seen += tag in " +"
        i += 1
        if i < len(lines) and lines[i].startswith("\\"):
            if tag in " -":
                hunk.old_eof_newline = False
            if tag in " +":
                hunk.new_eof_newline = False
            i += 1
    if old_seen != old_len or new_seen != new_len:
        raise PatchParseError(f"hunk at line {i + 1}: counts do not match its header")
    fp.hunks.append(hunk)
    return i


def _find(haystack: list[str], needle: list[str], start: int) -> int | None:
    """Index nearest to `start` where `needle` occurs exactly."""
    limit = len(haystack) - len(needle)
    for delta in range(max(start, limit - start, 0) + 1):
        for pos in (start - delta, start + delta):
            if 0 <= pos <= limit and haystack[pos : pos + len(needle)] == needle:
                return pos
    return None


def apply_file_patch(original: str | None, fp: FilePatch) -> str | None:
    """New content of one file (None: deleted). Raises PatchApplyError on mismatch."""
    if original is None and fp.old_path is not None:
        raise PatchApplyError(fp.path, 1, "file does not exist")
    if original is not None and fp.old_path is None:
        raise PatchApplyError(fp.path, 1, "file to be created already exists")
    lines, eof_newline = split_lines(original or "")
    offset = 0
    for n, hunk in enumerate(fp.hunks, start=1):
        old = [body for tag, body in hunk.lines if tag in " -"]
        new = [body for tag, body in hunk.lines if tag in " +"]
        want = max(hunk.old_start - 1, 0) + offset if old else hunk.old_start + offset
        pos = _find(lines, old, min(max(want, 0), len(lines)))
        if pos is None:
            raise PatchApplyError(fp.path, n, "context or removed lines do not match the file")
        lines[pos : pos + len(old)] = new
        offset = pos - (hunk.old_start - 1) + len(new) - len(old)
        if pos + len(new) == len(lines):
            eof_newline = hunk.new_eof_newline
    if fp.new_path is None:
        if lines:
            raise PatchApplyError(fp.path, len(fp.hunks), "deletion leaves lines behind")
        return None
    if not lines:
        return ""
    return "\n".join(lines) + ("\n" if eof_newline else "")


def apply_to_texts(patch: str, read: Callable[[str], str | None]) -> dict[str, str | None]:
    """Apply a patch through a reader; return the new text of every touched path (None: delete).

    `read(path)` gives a file's current text or None when it does not exist. Nothing is written.
    """
    result: dict[str, str | None] = {}
    for fp in parse_patch(patch):
        source = fp.old_path or fp.path
        current = result[source] if source in result else read(source)
        if fp.old_path is None:
            current = result.get(fp.path) if fp.path in result else read(fp.path)
        result[fp.path] = apply_file_patch(current, fp)
        if fp.old_path and fp.new_path and fp.old_path != fp.new_path:
            result[fp.old_path] = None  # a rename
    return {k: result[k] for k in sorted(result)}


def apply_to_mapping(patch: str, files: Mapping[str, str]) -> dict[str, str]:
    """Apply a patch to an in-memory {path: text} tree; return the new tree."""
    changes = apply_to_texts(patch, files.get)
    out = {k: v for k, v in files.items() if k not in changes}
    out.update({k: v for k, v in changes.items() if v is not None})
    return {k: out[k] for k in sorted(out)}


def apply_patch(root: Path, patch: str) -> list[str]:
    """Apply a patch to the files under `root`; return the touched paths (sorted).

    All hunks are checked before anything is written, so a failing patch changes nothing.
    """
    root = root.resolve()

    def read(rel: str) -> str | None:
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            raise PatchPathError(f"path {rel!r} escapes the root")
        return target.read_text(encoding="utf-8") if target.is_file() else None

    changes = apply_to_texts(patch, read)
    for rel, text in changes.items():
        target = root / rel
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
    return list(changes)
