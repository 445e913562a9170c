"""`agentdata tasks validate`: generated tasks validate 100%; broken tasks are named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from agentdata.cli import build_app
from agentdata.envs.code_repair.generate import generate_suite
from agentdata.envs.code_repair.taskformat import Task
from agentdata.envs.code_repair.validate import validate_suite
from tests.envs.code_repair.crtasks import make_suite


def test_generated_tasks_validate_fully(tmp_path: Path) -> None:
    report = generate_suite(tmp_path / "suite", seed=11, count=3)
    assert report.tasks == 3
    result = validate_suite(tmp_path / "suite", workers=2)
    assert (result.tasks, result.valid, result.invalid) == (3, 3, [])


def test_invalid_tasks_are_reported_with_reasons_and_exit_one(tmp_path: Path) -> None:
    suite = make_suite(tmp_path / "suite")
    for name, change in (
        ("passes", {"fail_to_pass": ["tests/test_calc.py::test_double"],
                    "pass_to_pass": ["tests/test_calc.py::test_add"]}),
        ("badpatch", {}),
    ):
        shutil.copytree(suite / "calc", suite / name)
        data = json.loads((suite / name / "task.json").read_text())
        data.update(change, id=name)
        (suite / name / "task.json").write_text(Task.model_validate(data).to_json())
    (suite / "badpatch" / "fix.patch").write_text(
        "--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n"
        "+    return a * b\n")
    result = CliRunner().invoke(build_app(), ["tasks", "validate", str(suite), "--json"])
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert (out["tasks"], out["valid"]) == (3, 1)
    reasons = {i["id"]: i["reason"] for i in out["invalid"]}
    assert "FAIL_TO_PASS test(s) pass: tests/test_calc.py::test_double" in reasons["passes"]
    assert reasons["badpatch"].startswith("with the reference patch: test(s) fail:")


def test_missing_suite_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["tasks", "validate", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_json_output_stays_json_when_validation_cannot_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["tasks", "validate", str(tmp_path / "nope"), "--json"]
    )
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["error"]["type"] == "TaskNotFoundError"
    assert "does not exist" in out["error"]["message"]
