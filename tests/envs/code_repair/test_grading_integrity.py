"""The parts of the fresh-sandbox grade that need no container: protected paths, the graded
submission, impossible twins, the patch audit, the task fields and grading-error blame."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from agentdata.envs.code_repair.audit import audit_change, audit_source, zeroes
from agentdata.envs.code_repair.canaries import add_canaries
from agentdata.envs.code_repair.grader import grade_fresh
from agentdata.envs.code_repair.protection import PathPolicy
from agentdata.envs.code_repair.sandbox import BwrapSandbox, SandboxUnavailableError
from agentdata.envs.code_repair.submission import classify
from agentdata.envs.code_repair.submit_verdict import judge_fresh_submit
from agentdata.envs.code_repair.taskformat import Task, load_task
from tests.envs.code_repair.crtasks import TESTS, make_suite


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        ("conftest.py", True), ("pkg/sub/conftest.py", True), ("tests/test_a.py", True),
        ("tests/helpers.py", True), ("pkg/tests/data.txt", True), ("pkg/test_mod.py", True),
        ("pytest.ini", True), ("setup.cfg", True), ("tox.ini", True), ("pyproject.toml", True),
        ("x.pth", True), ("pkg/sitecustomize.py", True), ("usercustomize.py", True),
        ("pkg/__pycache__/m.cpython-311.pyc", True), ("pkg/m.pyc", True),
        ("pytest.py", True), ("_pytest/__init__.py", True), ("json.py", True),
        ("pkg/mod.py", False), ("calc.py", False), ("pkg/json.py", False), ("README.md", False),
    ],
)  # fmt: skip
def test_default_policy_protects_tests_config_and_hooks(path: str, protected: bool) -> None:
    assert (PathPolicy().why_protected(path, frozenset({"calc.py"})) is not None) is protected


def test_task_globs_narrow_and_replace_but_hooks_stay_protected() -> None:
    policy = PathPolicy.of(["pkg/**"], ["docs/**"])
    assert policy.why_protected("pkg/a.py") is None
    assert policy.why_protected("other.py") == "not editable in this task"
    assert policy.why_protected("pkg/conftest.py") == "protected (conftest.py)"
    assert PathPolicy.of(None, ["docs/**"]).why_protected("tests/test_a.py") is None


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_classify_keeps_editable_text_and_records_every_drop() -> None:
    original = {"calc.py": b"x = 1\n", "tests/test_calc.py": b"def test(): pass\n",
                "data.py": b"d = 0\n"}
    new = {"calc.py": b"x = 2\n", "conftest.py": b"import pytest\n", "blob.py": b"\x00\x01",
           "calc.pyc": b"\x00", "data.py/inner.py": b"y = 1\n"}
    entries = {p: _digest(v) for p, v in new.items()} | {"link.py": "link:/etc/passwd"}
    sub = classify(original, entries, new, PathPolicy())
    assert sub.kept == (("calc.py", "modified"), ("data.py", "deleted"),
                        ("data.py/inner.py", "added"))
    assert sub.files == {"calc.py": b"x = 2\n", "tests/test_calc.py": original[
        "tests/test_calc.py"], "data.py/inner.py": b"y = 1\n"}
    reasons = {d.path: (d.status, d.reason) for d in sub.dropped}
    assert reasons == {
        "blob.py": ("added", "binary file"),
        "calc.pyc": ("added", "protected (*.pyc)"),
        "conftest.py": ("added", "protected (conftest.py)"),
        "link.py": ("added", "symlink"),
        "tests/test_calc.py": ("deleted", "protected (test_*.py)"),
    }
    assert "+x = 2" in sub.graded_patch and "conftest" not in sub.graded_patch


def test_canaries_are_twins_named_like_real_tests_in_the_same_file() -> None:
    files, canaries = add_canaries({"tests/test_calc.py": TESTS},
                                   ["tests/test_calc.py::test_add"], seed=3)
    assert {c.kind for c in canaries} == {"twin", "failing", "erroring"}
    tree = ast.parse(files["tests/test_calc.py"])
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert {"test_add", "test_double"} <= set(names)
    for canary in canaries:
        path, name = canary.node_id.split("::")
        assert path == "tests/test_calc.py" and name in names and name.startswith("test_")
    twin = next(c for c in canaries if c.kind == "twin").node_id.split("::")[1]
    assert "add(2, 1) == 4" in ast.unparse(next(n for n in tree.body if getattr(
        n, "name", "") == twin))
    again, _ = add_canaries({"tests/test_calc.py": TESTS}, ["tests/test_calc.py::test_add"], 3)
    assert again == files  # deterministic in the seed


def test_audit_flags_cheats_new_in_the_change_only() -> None:
    old = "import sys\n\ndef f():\n    return sys._getframe(1)\n"
    new = old + "\nclass A:\n    def __eq__(self, o):\n        return True\n\nimport pytest\n"
    found = audit_change("pkg/m.py", old, new)
    assert sorted(f.rule for f in found) == ["constant_comparison", "test_framework_import"]
    assert all(f.cheat for f in found) and zeroes(found, "record") == []
    sus = audit_source("m.py", "import atexit\natexit.register(print)\nexec(input())\n")
    assert {f.rule for f in sus} == {"atexit", "dynamic_code"}
    assert zeroes(sus, "cheats") == [] and len(zeroes(sus, "all")) == len(sus)
    clean = "import os\n\ndef area(w, h):\n    return os.path.join(str(w), str(h))\n"
    assert audit_source("m.py", clean) == []


def test_new_task_fields_validate_and_leave_old_hashes_alone(tmp_path: Path) -> None:
    loaded = load_task(make_suite(tmp_path) / "calc")
    data = loaded.task.model_dump()
    with_fields = Task.model_validate(data | {"editable": ["calc.py"], "plugins": ["xdist"]})
    assert with_fields.editable == ["calc.py"]
    with pytest.raises(ValueError, match="glob"):
        Task.model_validate(data | {"protected": ["../x"]})
    with pytest.raises(ValueError, match="plugin"):
        Task.model_validate(data | {"plugins": ["-p evil"]})
    assert loaded.hash == load_task(loaded.root).hash


def test_no_grading_sandbox_is_a_retryable_grading_error(tmp_path: Path) -> None:
    loaded = load_task(make_suite(tmp_path) / "calc")

    def acquire(root: Path) -> BwrapSandbox:
        raise SandboxUnavailableError("the engine is gone")

    with BwrapSandbox(loaded.repo_dir) as box:
        graded = grade_fresh(box, loaded, acquire, timeout=30, seed=0)
    out = judge_fresh_submit(loaded, graded, 30)
    assert out.terminated and out.reward == 0.0
    assert out.failure is not None and out.failure.kind == "grading_error"
    assert out.failure.detail == {"retryable": True}
    assert out.verdict is not None and out.verdict.label == "neutral"
