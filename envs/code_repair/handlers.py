"""The file tools (list_dir, read_file, search, edit, write_file) over a sandbox workspace.

Each handler returns the observation text, or raises `ToolError` (an invalid action: a path
outside the repo, a missing file, an edit whose old text does not match) whose message is the
observation. `SandboxError`s other than path and file errors propagate (the sandbox failed).
"""

from __future__ import annotations

from agentdata.envs.code_repair.patches import PatchError, apply_to_texts
from agentdata.envs.code_repair.sandbox import (
    PathEscapeError,
    Sandbox,
    SandboxFileError,
    SandboxFileNotFoundError,
    resolve_path,
)
from agentdata.envs.code_repair.tools import ToolCall
from agentdata.errors import ActionError
from agentdata.schemas import JsonValue

MAX_LIST_ENTRIES = 500
MAX_READ_LINES = 400
MAX_SEARCH_HITS = 200
MAX_LINE_CHARS = 500
TOOL_TIMEOUT_S = 30.0
_PRUNE = ("__pycache__", ".pytest_cache", ".git", ".mypy_cache", ".ruff_cache")
# Resolves $1 inside the sandbox (symlinks included) and refuses anything outside /workspace.
_INSIDE = (
    'p=$(realpath -m -- "$1") || exit 3; '
    'case "$p" in /workspace|/workspace/*) ;; *) exit 3;; esac; '
    '[ -e "$p" ] || exit 4; '
)
_ESCAPE, _MISSING = 3, 4


class ToolError(ActionError):
    """The call cannot be carried out as asked; the message tells the agent why."""


def _path(raw: JsonValue) -> str:
    try:
        return resolve_path(str(raw))
    except PathEscapeError:
        raise ToolError(f"Path {raw!r} is outside the repository.") from None


def _rel(abs_path: str) -> str:
    return abs_path.removeprefix("/workspace").lstrip("/") or "."


def _check_status(code: int, raw: JsonValue, stderr: str) -> None:
    if code == _ESCAPE:
        raise ToolError(f"Path {raw!r} is outside the repository.")
    if code == _MISSING:
        raise ToolError(f"No such file or directory: {raw!r}.")
    if code not in (0, 1):
        raise ToolError(f"The command failed (exit {code}): {stderr.strip()[-300:]}")


def _clip_line(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " [... line truncated]"


def list_dir(box: Sandbox, call: ToolCall) -> str:
    """Entries under a directory (dirs end in '/'), sorted, caches hidden."""
    target = _path(call.args["path"])
    prune = " -o ".join(f"-name {n}" for n in _PRUNE)
    depth = int(call.args["depth"])  # type: ignore[arg-type]
    script = (_INSIDE + f'find "$p" -mindepth 1 -maxdepth {depth} \\( {prune} \\) -prune '
              "-o \\( -type d -printf '%P/\\n' \\) -o -printf '%P\\n'")
    res = box.exec(["sh", "-c", script, "sh", target], timeout=TOOL_TIMEOUT_S)
    _check_status(res.exit_code, call.args["path"], res.stderr)
    entries = sorted(e for e in res.stdout.splitlines() if e)
    shown = entries[:MAX_LIST_ENTRIES]
    head = f"{_rel(target)}/ ({len(entries)} entries, depth {depth})"
    more = [f"[... {len(entries) - len(shown)} more entries truncated ...]"] if entries[
        len(shown):] else []
    return "\n".join([head, *shown, *more])


def read_file(box: Sandbox, call: ToolCall) -> str:
    """Numbered lines of a file, a line range at most MAX_READ_LINES long."""
    path = _path(call.args["path"])
    text = _read(box, path, call.args["path"])
    lines = text.splitlines()
    start = int(call.args["start_line"])  # type: ignore[arg-type]
    end_arg = call.args.get("end_line")
    end = min(len(lines), int(end_arg) if isinstance(end_arg, int) else len(lines))
    if start > max(len(lines), 1):
        raise ToolError(f"{_rel(path)} has {len(lines)} lines; start_line {start} is past the end.")
    stop = min(end, start + MAX_READ_LINES - 1)
    out = [f"{_rel(path)} (lines {start}-{stop} of {len(lines)})"]
    out += [f"{n:>5}  {_clip_line(lines[n - 1])}" for n in range(start, stop + 1)]
    if stop < end:
        out.append(f"[... truncated: lines {stop + 1}-{end} not shown; ask for a range ...]")
    return "\n".join(out)


def _read(box: Sandbox, path: str, raw: JsonValue) -> str:
    try:
        return box.read_file(path)
    except SandboxFileNotFoundError:
        raise ToolError(f"No such file: {raw!r}.") from None
    except PathEscapeError:
        raise ToolError(f"Path {raw!r} is outside the repository.") from None
    except SandboxFileError as exc:
        raise ToolError(f"Cannot read {raw!r}: {exc}") from None


def search(box: Sandbox, call: ToolCall) -> str:
    """grep -rn over the repo (fixed string unless regex), MAX_SEARCH_HITS lines at most."""
    target = _path(call.args["path"])
    mode = "-E" if call.args["regex"] else "-F"
    excludes = " ".join(f"--exclude-dir={n}" for n in _PRUNE)
    script = (_INSIDE + 'cd /workspace && r=${p#/workspace}; r=${r#/}; '
              f'grep -rnI {mode} {excludes} -e "$2" -- "${{r:-.}}"')
    res = box.exec(["sh", "-c", script, "sh", target, str(call.args["pattern"])],
                   timeout=TOOL_TIMEOUT_S, max_output_bytes=1 << 20)
    if res.exit_code == 2:
        raise ToolError(f"Bad search pattern: {res.stderr.strip()[-300:]}")
    _check_status(res.exit_code, call.args["path"], res.stderr)
    hits = sorted(h.removeprefix("./") for h in res.stdout.splitlines() if h)
    shown = [_clip_line(h) for h in hits[:MAX_SEARCH_HITS]]
    head = f"{len(hits)} match(es) for {call.args['pattern']!r} in {_rel(target)}"
    more = [f"[... {len(hits) - len(shown)} more matches truncated ...]"] if len(hits) > len(
        shown) else []
    return "\n".join([head, *shown, *more])


def write_file(box: Sandbox, call: ToolCall) -> str:
    """Create or overwrite a file."""
    path = _path(call.args["path"])
    content = str(call.args["content"])
    _write(box, path, content, call.args["path"])
    return f"Wrote {_rel(path)} ({len(content.splitlines())} lines)."


def _write(box: Sandbox, path: str, content: str, raw: JsonValue) -> None:
    if path == "/workspace":
        raise ToolError("Cannot write to the repository root itself.")
    try:
        box.write_file(path, content)
    except PathEscapeError:
        raise ToolError(f"Path {raw!r} is outside the repository.") from None
    except SandboxFileError as exc:
        raise ToolError(f"Cannot write {raw!r}: {exc}") from None


def edit(box: Sandbox, call: ToolCall) -> str:
    """Exact-string replacement (the old text must occur exactly once), or a unified diff."""
    if "patch" in call.args:
        return _apply_patch(box, str(call.args["patch"]))
    path = _path(call.args["path"])
    old, new = str(call.args["old"]), str(call.args["new"])
    text = _read(box, path, call.args["path"])
    count = text.count(old)
    if count == 0:
        raise ToolError(f"The old text does not occur in {_rel(path)}; nothing changed. "
                        "Read the file and copy the text exactly (whitespace included).")
    if count > 1:
        raise ToolError(f"The old text occurs {count} times in {_rel(path)}; nothing changed. "
                        "Include more surrounding lines to make it unique.")
    _write(box, path, text.replace(old, new, 1), call.args["path"])
    line = text[: text.index(old)].count("\n") + 1
    return (f"Edited {_rel(path)} at line {line}: replaced {len(old.splitlines()) or 1} line(s) "
            f"with {len(new.splitlines())} line(s).")


def _apply_patch(box: Sandbox, patch: str) -> str:
    def read(rel: str) -> str | None:
        try:
            return box.read_file(_path(rel))
        except SandboxFileNotFoundError:
            return None
        except PathEscapeError:
            raise ToolError(f"Patch path {rel!r} is outside the repository.") from None

    try:
        changes = apply_to_texts(patch, read)
    except PatchError as exc:
        raise ToolError(f"The patch does not apply; nothing changed: {exc}") from None
    for rel, text in changes.items():
        if text is None:
            res = box.exec(["rm", "-f", "--", _path(rel)], timeout=TOOL_TIMEOUT_S)
            if res.exit_code != 0:
                raise ToolError(f"Cannot delete {rel!r}: {res.stderr.strip()[-300:]}")
        else:
            _write(box, _path(rel), text, rel)
    return "Applied the patch: " + ", ".join(
        f"{rel} ({'deleted' if text is None else 'written'})" for rel, text in changes.items()
    ) + "."

