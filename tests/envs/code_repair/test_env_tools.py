"""Action parsing of the code-repair env: every accepted form, and typed errors for the rest."""

from __future__ import annotations

import json

import pytest

from agentdata.envs.code_repair.tools import ToolCallError, openai_tools, parse_tool_call, tool_call


@pytest.mark.parametrize(
    "text",
    [
        '{"tool": "read_file", "args": {"path": "a.py", "start_line": 2, "end_line": 5}}',
        '{"name": "read_file", "arguments": "{\\"path\\": \\"a.py\\", \\"start_line\\": 2, '
        '\\"end_line\\": 5}"}',
        '{"type": "function", "function": {"name": "read_file", '
        '"arguments": {"file_path": "a.py", "start": 2, "end": 5}}}',
        '```json\n[{"tool": "read_file", "args": {"path": "a.py", "start_line": 2, '
        '"end_line": 5}}]\n```',
    ],
)
def test_every_accepted_form_gives_the_same_call(text: str) -> None:
    call = parse_tool_call(text)
    assert call.to_json() == {"tool": "read_file",
                              "args": {"path": "a.py", "start_line": 2, "end_line": 5}}


def test_defaults_and_aliases() -> None:
    assert parse_tool_call('{"tool": "list_dir"}').args == {"path": ".", "depth": 2}
    edit = parse_tool_call('{"tool": "edit", "args": {"path": "a", "old_str": "x", "new_str": ""}}')
    assert edit.args == {"path": "a", "old": "x", "new": ""}
    assert parse_tool_call('{"tool": "run_tests", "args": {"tests": "t.py::a"}}').args == {
        "tests": ["t.py::a"]}
    assert parse_tool_call(tool_call("submit")).args == {}


@pytest.mark.parametrize(
    ("text", "kind", "needle"),
    [
        ("", "parse_error", "Empty action"),
        ("please fix it", "parse_error", "not valid JSON"),
        ('{"args": {}}', "parse_error", "names no tool"),
        ('[{"tool": "submit"}, {"tool": "submit"}]', "parse_error", "exactly one"),
        ('{"name": "edit", "arguments": "{not json"}', "parse_error", "not valid JSON"),
        ('{"tool": "rm_rf", "args": {}}', "invalid_action", "Unknown tool 'rm_rf'"),
        ('{"tool": "read_file", "args": {}}', "invalid_action", "`path`"),
        ('{"tool": "read_file", "args": {"path": "a", "start_line": 0}}', "invalid_action",
         "start_line"),
        ('{"tool": "read_file", "args": {"path": "a", "start_line": 5, "end_line": 2}}',
         "invalid_action", "before"),
        ('{"tool": "run_tests", "args": {"tests": ["--co"]}}', "invalid_action", "options"),
        ('{"tool": "search", "args": {"pattern": "x", "regex": "yes"}}', "invalid_action",
         "regex"),
        ('"[" * 100000', "parse_error", ""),
    ],
)
def test_bad_calls_are_typed_errors(text: str, kind: str, needle: str) -> None:
    with pytest.raises(ToolCallError) as info:
        parse_tool_call(text)
    assert info.value.kind == kind
    assert needle in info.value.message


def test_deeply_nested_json_is_a_parse_error_not_a_crash() -> None:
    with pytest.raises(ToolCallError) as info:
        parse_tool_call("[" * 100_000 + "]" * 100_000)
    assert info.value.kind == "parse_error"


def test_openai_schemas_name_every_tool() -> None:
    names = [t["function"]["name"] for t in openai_tools()]  # type: ignore[index,call-overload]
    assert names == ["list_dir", "read_file", "search", "edit", "write_file", "run_tests",
                     "submit"]
    json.dumps(openai_tools())
