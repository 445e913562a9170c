"""CodeRepair-v0 episodes in real Docker sandboxes: tools, verdicts, grading, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from agentdata.envs import register_envs
from agentdata.envs.code_repair.env import CodeRepairConfigError, CodeRepairEnv
from agentdata.envs.code_repair.tools import tool_call
from tests.envs.code_repair.crtasks import make_suite


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeRepairEnv]:
    suite = make_suite(tmp_path_factory.mktemp("suite"))
    e = CodeRepairEnv(tasks=str(suite), pool_size=1, max_steps=12, test_timeout_s=30)
    yield e
    e.close()


def step(env: CodeRepairEnv, action: str) -> tuple[str, float, bool, dict[str, Any]]:
    obs, reward, term, _, info = env.step(action)
    return obs, reward, term, info


def test_builtin_suite_env_passes_check_env_and_lists_tasks() -> None:
    register_envs()
    env = gymnasium.make("agentdata/CodeRepair-v0")
    try:
        check_env(env.unwrapped, skip_render_check=True)
        ids = env.unwrapped.list_tasks()  # type: ignore[attr-defined]
        assert len(ids) >= 100 and ids == sorted(ids)
        obs, info = env.reset(seed=5, options={"task_id": ids[3]})
        assert info["task"].id == ids[3] and "Repository files:" in obs
        assert info["state"]["diff"] == "" and info["state"]["tree_hash"]
    finally:
        env.close()


def test_tools_run_tests_and_submit_resolves(env: CodeRepairEnv) -> None:
    obs, info = env.reset(seed=0, options={"task_id": "calc"})
    assert info["task"].hash and "add() subtracts" in obs
    obs, _, _, info = step(env, tool_call("list_dir"))
    assert "calc.py" in obs and "tests/" in obs and info["failure"] is None
    obs, _, _, _ = step(env, tool_call("read_file", path="calc.py", start_line=2, end_line=2))
    assert "    2      return a - b" in obs and "lines 2-2 of 6" in obs
    obs, _, _, _ = step(env, tool_call("search", pattern="def ", path="."))
    assert "calc.py:1:def add(a, b):" in obs and "tests/test_calc.py" in obs
    obs, _, _, info = step(env, tool_call("run_tests"))
    v = info["verdict"]
    assert v.label == "incorrect" and info["failure"].kind == "test_failure"
    assert v.evidence["failing"] == ["tests/test_calc.py::test_add"]
    assert "FAILED (1)" in obs and "assert 1 == 3" in obs
    before = info["state"]
    obs, _, _, info = step(env, tool_call("edit", path="calc.py", old="a - b", new="a + b"))
    assert "Edited calc.py at line 2" in obs
    assert "+    return a + b" in info["state"]["diff"]
    assert info["state"]["tree_hash"] != before["tree_hash"]
    obs, _, _, info = step(env, tool_call("run_tests", tests=["tests/test_calc.py::test_add"]))
    assert info["verdict"].label == "correct" and "Ran 1 test(s): 1 passed" in obs
    obs, reward, term, info = step(env, tool_call("submit"))
    assert (reward, term, info["verdict"].label) == (1.0, True, "correct")
    assert "All 3 graded tests pass" in obs


def test_visible_fix_that_fails_hidden_tests_is_pseudo_fix(env: CodeRepairEnv) -> None:
    env.reset(seed=0, options={"task_id": "calc"})
    step(env, tool_call("edit", path="calc.py", old="a - b", new="a + 1"))
    _, _, _, info = step(env, tool_call("run_tests"))
    assert info["verdict"].label == "correct"  # the visible tests are fooled
    _, reward, term, info = step(env, tool_call("submit"))
    assert reward == 0.0 and term
    assert info["verdict"].error_type == "pseudo_fix"
    assert info["verdict"].evidence["failing"] == ["tests/test_hidden.py::test_add_more"]
    assert info["failure"].kind == "test_failure"


def test_editing_the_tests_does_not_pass_the_grade(env: CodeRepairEnv) -> None:
    env.reset(seed=0, options={"task_id": "calc"})
    fake = "def test_add():\n    pass\n"
    step(env, tool_call("write_file", path="tests/test_calc.py", content=fake))
    _, reward, _, info = step(env, tool_call("submit"))
    assert reward == 0.0 and info["verdict"].error_type == "wrong_answer"
    assert "tests/test_calc.py::test_add" in info["verdict"].evidence["failing"]


@pytest.mark.parametrize(
    ("action", "kind", "needle"),
    [
        ("fix the bug please", "parse_error", "not valid JSON"),
        ('{"tool": "delete_repo"}', "invalid_action", "Unknown tool"),
        (tool_call("read_file", path="../../etc/passwd"), "invalid_action", "outside the repo"),
        (tool_call("list_dir", path="/etc"), "invalid_action", "outside the repository"),
        (tool_call("search", pattern="root", path="../.."), "invalid_action", "outside"),
        (tool_call("write_file", path="../x.py", content="1"), "invalid_action", "outside"),
        (tool_call("read_file", path="nope.py"), "invalid_action", "No such file"),
        (tool_call("edit", path="calc.py", old="a * b", new="a + b"), "invalid_action",
         "does not occur"),
        (tool_call("edit", path="calc.py", old="return", new="yield"), "invalid_action",
         "occurs 2 times"),
        (tool_call("edit", patch="--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-nope\n+x\n"),
         "invalid_action", "does not apply"),
        (tool_call("edit", patch="not a diff"), "invalid_action", "does not apply"),
        (tool_call("run_tests", tests=["tests/test_calc.py::test_nope"]), "invalid_action",
         "refused the test selection"),
    ],
)
def test_bad_actions_are_typed_failures_and_change_nothing(
    env: CodeRepairEnv, action: str, kind: str, needle: str
) -> None:
    _, info0 = env.reset(seed=0, options={"task_id": "calc"})
    obs, reward, term, info = step(env, action)
    assert info["failure"].kind == kind and needle in obs and obs.startswith("Error")
    assert (reward, term) == (0.0, False)
    assert info["state"] == info0["state"]


def test_symlink_out_of_the_repo_is_refused(env: CodeRepairEnv) -> None:
    env.reset(seed=0, options={"task_id": "calc"})
    assert env._box is not None
    env._box.exec(["ln", "-s", "/etc/passwd", "link"], timeout=10)
    obs, _, _, info = step(env, tool_call("read_file", path="link"))
    assert info["failure"].kind == "invalid_action" and "root:" not in obs


def test_unified_diff_edit_and_budget_truncation(tmp_path: Path) -> None:
    suite = make_suite(tmp_path)
    env = CodeRepairEnv(tasks=str(suite), pool_size=0, max_steps=2)
    try:
        env.reset(seed=0, options={"task_id": "calc"})
        patch = (suite / "calc" / "fix.patch").read_text()
        obs, _, _, trunc, info = env.step(tool_call("edit", patch=patch))
        assert "Applied the patch: calc.py (written)" in obs and not trunc
        obs, _, term, trunc, info = env.step("{}")
        assert trunc and not term and info["failure"].kind == "parse_error"
        _, _, _, _, info = env.step(tool_call("submit"))
        assert info["failure"].kind == "invalid_action"  # after the episode ended
        with pytest.raises(CodeRepairConfigError):
            env.reset(options={"task_id": "no-such-task"})
    finally:
        env.close()
    with pytest.raises(CodeRepairConfigError):
        CodeRepairEnv(tasks=str(suite), backend="podman")


def test_oracle_with_errors_makes_a_fail_fix_cycle(env: CodeRepairEnv) -> None:
    ids = [i for i in CodeRepairEnv.list_tasks(env)]
    assert ids == ["calc"]
    builtin = CodeRepairEnv(pool_size=1)
    try:
        task_id = builtin.list_tasks()[0]
        obs, info = builtin.reset(seed=1, options={"task_id": task_id})
        agent = builtin.oracle(np.random.default_rng(0), error_rate=1.0)
        steps = []
        done = False
        while not done:
            action = agent.act(obs, info)
            obs, reward, term, trunc, info = builtin.step(action)
            steps.append((json.loads(action)["tool"], info))
            done = term or trunc
        tools = [t for t, _ in steps]
        assert tools == ["read_file", "edit", "run_tests", "edit", "run_tests", "submit"]
        assert steps[2][1]["verdict"].label == "incorrect"
        assert steps[2][1]["failure"].kind == "test_failure"
        # sub-goal: the failing tests; the test run where they pass re-attempts step 2
        assert steps[3][1]["retry_of"] is None
        assert steps[4][1]["verdict"].label == "correct" and steps[4][1]["retry_of"] == 2
        assert steps[5][1]["retry_of"] is None
        assert reward == 1.0 and steps[-1][1]["verdict"].label == "correct"
    finally:
        builtin.close()
