"""The code-repair action syntax: one tool call per step, as JSON (see README.md).

Accepted forms (whitespace and a ```json fence around them are ignored):

* `{"tool": "read_file", "args": {"path": "pkg/mod.py", "start_line": 1, "end_line": 40}}`
* OpenAI function call: `{"name": "read_file", "arguments": "{\"path\": \"pkg/mod.py\"}"}`
  (`arguments` a JSON string or an object), or the tool-call wrapper
  `{"type": "function", "function": {"name": ..., "arguments": ...}}`, or a list of one call.

`parse_tool_call` turns text into a `ToolCall` with validated, normalised arguments, or raises
`ToolCallError` (`kind` "parse_error" for text that is not a call, "invalid_action" for a call
with an unknown tool or bad arguments) whose message is shown to the agent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from agentdata.errors import ActionError
from agentdata.schemas import JsonValue

TOOL_NAMES = ("list_dir", "read_file", "search", "edit", "write_file", "run_tests", "submit")
MAX_TEST_IDS = 500
_FENCE = re.compile(r"^```[A-Za-z]*\s*\n(.*)\n```$", re.DOTALL)
# Other names LLMs commonly give the same argument.
_ALIASES: dict[str, str] = {
    "file": "path", "file_path": "path", "filename": "path", "dir": "path", "directory": "path",
    "old_str": "old", "old_text": "old", "old_string": "old",
    "new_str": "new", "new_text": "new", "new_string": "new",
    "text": "content", "contents": "content", "query": "pattern",
    "test_ids": "tests", "ids": "tests", "diff": "patch", "start": "start_line", "end": "end_line",
}  # fmt: skip


class ToolCallError(ActionError):
    """The action is not a usable tool call; the message explains it to the agent."""

    def __init__(self, kind: Literal["parse_error", "invalid_action"], message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class ToolCall:
    """A parsed tool call: the tool name and its normalised arguments."""

    tool: str
    args: dict[str, JsonValue]

    def to_json(self) -> dict[str, JsonValue]:
        """The parsed action as recorded: {"tool": ..., "args": {...}}."""
        return {"tool": self.tool, "args": dict(self.args)}


USAGE = (
    'Send one tool call as JSON, e.g. {"tool": "read_file", "args": {"path": "pkg/mod.py"}}. '
    "Tools: list_dir {path?, depth?}; read_file {path, start_line?, end_line?}; "
    "search {pattern, path?, regex?}; edit {path, old, new} or edit {patch}; "
    "write_file {path, content}; run_tests {tests?: [ids]}; submit {}."
)

SYSTEM_PROMPT = (
    "You fix a bug in a Python repository. Explore the code, edit it, run the tests and "
    "submit when the fix is done; hidden tests judge the fix. Each message you send is "
    "exactly one tool call (or one JSON object in the text when tool calling is not "
    "available); the reply is the tool's output or the error in your call. " + USAGE
)
"""Shown as the system message; the task statement comes as the first user message."""


def _loads(text: str) -> Any:
    body = text.strip()
    fence = _FENCE.match(body)
    if fence:
        body = fence.group(1).strip()
    if not body:
        raise ToolCallError("parse_error", f"Empty action. {USAGE}")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ToolCallError("parse_error", f"Action is not valid JSON ({exc}). {USAGE}") from None


def _unwrap(raw: Any) -> tuple[str, Any]:
    """(tool name, raw arguments) from any of the accepted envelope shapes."""
    if isinstance(raw, list):
        if len(raw) != 1:
            raise ToolCallError("parse_error", f"Send exactly one tool call, got {len(raw)}.")
        raw = raw[0]
    if not isinstance(raw, dict):
        raise ToolCallError("parse_error", f"A tool call is a JSON object. {USAGE}")
    if isinstance(raw.get("function"), dict):
        raw = raw["function"]
    name = raw.get("tool", raw.get("name"))
    if not isinstance(name, str) or not name:
        raise ToolCallError("parse_error", f'The call names no tool ("tool" or "name"). {USAGE}')
    args = raw.get("args", raw.get("arguments", raw.get("parameters", {})))
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError as exc:
            raise ToolCallError("parse_error", f"`arguments` is not valid JSON ({exc}).") from None
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ToolCallError("parse_error", "Tool arguments must be a JSON object.")
    return name, args


def _str(args: dict[str, Any], key: str, *, required: bool = True, empty: bool = False) -> str:
    value = args.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (not empty and not value):
        raise ToolCallError("invalid_action", f"Argument `{key}` must be a non-empty string.")
    return value


def _int(args: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ToolCallError("invalid_action", f"Argument `{key}` must be an integer {low}..{high}.")
    return value


def _validate(tool: str, args: dict[str, Any]) -> dict[str, JsonValue]:
    out: dict[str, JsonValue] = {}
    if tool == "list_dir":
        out["path"] = _str(args, "path", required=False) or "."
        out["depth"] = _int(args, "depth", 1, 5) or 2
    elif tool == "read_file":
        out["path"] = _str(args, "path")
        out["start_line"] = _int(args, "start_line", 1, 10**7) or 1
        end = _int(args, "end_line", 1, 10**7)
        if end is not None and end < out["start_line"]:  # type: ignore[operator]
            raise ToolCallError("invalid_action", "`end_line` is before `start_line`.")
        out["end_line"] = end
    elif tool == "search":
        out["pattern"] = _str(args, "pattern")
        out["path"] = _str(args, "path", required=False) or "."
        regex = args.get("regex", False)
        if not isinstance(regex, bool):
            raise ToolCallError("invalid_action", "Argument `regex` must be true or false.")
        out["regex"] = regex
    elif tool == "edit":
        if "patch" in args:
            out["patch"] = _str(args, "patch")
        else:
            out["path"] = _str(args, "path")
            out["old"] = _str(args, "old")
            out["new"] = _str(args, "new", empty=True)
    elif tool == "write_file":
        out["path"] = _str(args, "path")
        out["content"] = _str(args, "content", empty=True)
    elif tool == "run_tests":
        tests = args.get("tests")
        if tests is not None:
            if isinstance(tests, str):
                tests = [tests]
            if not isinstance(tests, list) or not all(isinstance(t, str) and t for t in tests):
                raise ToolCallError("invalid_action", "`tests` must be a list of test ids.")
            if len(tests) > MAX_TEST_IDS or any(t.startswith("-") for t in tests):
                raise ToolCallError("invalid_action", "`tests` holds options or too many ids.")
            out["tests"] = list(tests)
    return out


def parse_tool_call(text: str) -> ToolCall:
    """Parse one action; raises `ToolCallError` with a message meant for the agent."""
    name, raw_args = _unwrap(_loads(text))
    if name not in TOOL_NAMES:
        raise ToolCallError(
            "invalid_action", f"Unknown tool {name!r}; available: {', '.join(TOOL_NAMES)}."
        )
    args = {_ALIASES.get(k, k): v for k, v in sorted(raw_args.items())}
    return ToolCall(name, _validate(name, args))


def tool_call(tool: str, **args: JsonValue) -> str:
    """The canonical JSON text of a call (what the oracle sends)."""
    return json.dumps({"tool": tool, "args": args}, sort_keys=True, ensure_ascii=False)


def openai_tools() -> list[dict[str, JsonValue]]:
    """The tools as OpenAI `tools=[...]` function schemas (to hand to a chat API)."""

    def fn(name: str, doc: str, props: dict[str, JsonValue], req: list[str]) -> dict[str, Any]:
        params = {"type": "object", "properties": props, "required": req}
        return {"type": "function",
                "function": {"name": name, "description": doc, "parameters": params}}

    s: dict[str, JsonValue] = {"type": "string"}
    n: dict[str, JsonValue] = {"type": "integer"}
    return [
        fn("list_dir", "List files under a directory of the repo.", {"path": s, "depth": n}, []),
        fn("read_file", "Read a file, optionally a line range (1-based, inclusive).",
           {"path": s, "start_line": n, "end_line": n}, ["path"]),
        fn("search", "grep the repo for a fixed string (or a regex with regex=true).",
           {"pattern": s, "path": s, "regex": {"type": "boolean"}}, ["pattern"]),
        fn("edit", "Replace the exact text `old` (must occur once) by `new` in `path`, or apply "
           "a unified diff given as `patch`.", {"path": s, "old": s, "new": s, "patch": s}, []),
        fn("write_file", "Create or overwrite a file.", {"path": s, "content": s},
           ["path", "content"]),
        fn("run_tests", "Run the tests (all, or the given pytest node ids).",
           {"tests": {"type": "array", "items": s}}, []),
        fn("submit", "Submit the repository for grading (ends the episode).", {}, []),
    ]
