"""Suite generation end to end (a few tasks), and the JUnit report parser it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentdata.envs.code_repair.generate import (
    LIBRARIES,
    GenerateError,
    generate_suite,
    load_library,
    run_pytest,
)
from agentdata.envs.code_repair.patches import apply_to_mapping
from agentdata.envs.code_repair.pytest_report import (
    PytestReportError,
    TestOutcome,
    parse_junit_xml,
)
from agentdata.envs.code_repair.taskformat import load_suite, read_tree


def _files(root: Path) -> dict[str, str]:
    return {k: v.decode() for k, v in read_tree(root).items()}


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("suite") / "tasks"
    report = generate_suite(out, seed=3, count=3, batch=2)
    assert report.tasks == 3 and len(report.task_ids) == 3
    assert set(report.by_library) == set(LIBRARIES)
    assert report.candidates_tried >= 3
    return out


def test_libraries_ship_with_tests_that_pass() -> None:
    for name in LIBRARIES:
        lib = load_library(name)
        assert lib.sources() and lib.hidden
        report = run_pytest({**lib.files, **lib.hidden}, timeout=60)
        assert report is not None and not report.failed
        assert len(report.passed) >= 15


def test_generated_tasks_are_valid(suite: Path) -> None:
    for loaded in load_suite(suite):
        task = loaded.task
        assert task.difficulty in (1, 2, 3)
        files = {**_files(loaded.repo_dir), **_files(loaded.root / "hidden")}
        buggy = run_pytest(files, timeout=60)
        assert buggy is not None
        assert buggy.failed == sorted(task.fail_to_pass)
        assert buggy.passed == sorted(task.pass_to_pass)
        patch = loaded.reference_patch_text()
        assert patch is not None
        fixed = run_pytest(apply_to_mapping(patch, files), timeout=60)
        assert fixed is not None and not fixed.failed
        assert set(fixed.passed) == set(task.fail_to_pass) | set(task.pass_to_pass)
        # the statement shows failing visible tests but not the fixed code
        removed = [ln[1:].strip() for ln in patch.splitlines() if ln.startswith("+") and
                   not ln.startswith("+++")]
        assert any(t in task.problem_statement for t in task.fail_to_pass)
        assert not any(r and r in task.problem_statement for r in removed)


def test_same_seed_gives_identical_tree(suite: Path, tmp_path: Path) -> None:
    again = generate_suite(tmp_path / "again", seed=3, count=3, batch=2)
    assert read_tree(tmp_path / "again") == read_tree(suite)
    assert again.tasks == 3


def test_output_dir_must_be_empty(suite: Path) -> None:
    with pytest.raises(GenerateError, match="not empty"):
        generate_suite(suite, seed=3, count=1)


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.test_a" name="test_ok" file="tests/test_a.py" line="1" time="0.1"/>
<testcase classname="tests.test_a.TestK" name="test_p[1-2]" file="tests/test_a.py" time="0">
 <failure message="AssertionError: assert &lt;obj at 0x7f00aa&gt; == 2&#10;more&#10;a&#10;b"
 >tb</failure>
</testcase>
<testcase classname="tests.test_a" name="test_teardown" file="tests/test_a.py">
 <failure message="boom"/></testcase>
<testcase classname="tests.test_a" name="test_teardown" file="tests/test_a.py">
 <error message="teardown failed"/></testcase>
<testcase classname="tests.sub.test_b" name="test_skip"><skipped message="no"/></testcase>
<testcase classname="" name="tests.test_c"><error message="collection failure"/></testcase>
</testsuite></testsuites>"""


def test_parse_junit_xml_node_ids_and_outcomes() -> None:
    report = parse_junit_xml(JUNIT)
    assert list(report.results) == [
        "tests/sub/test_b.py::test_skip",
        "tests/test_a.py::TestK::test_p[1-2]",
        "tests/test_a.py::test_ok",
        "tests/test_a.py::test_teardown",
    ]
    assert report.passed == ["tests/test_a.py::test_ok"]
    assert report.failed == [
        "tests/test_a.py::TestK::test_p[1-2]",
        "tests/test_a.py::test_teardown",
    ]
    assert report.outcome_of("tests/test_a.py::test_teardown") is TestOutcome.ERROR
    assert report.outcome_of("tests/sub/test_b.py::test_skip") is TestOutcome.SKIPPED
    assert report.outcome_of("tests/nope.py::test_x") is None
    message = report.results["tests/test_a.py::TestK::test_p[1-2]"].message
    assert message == "AssertionError: assert <obj> == 2\nmore\na"
    assert report.collection_errors == ("tests/test_c.py",)


@pytest.mark.parametrize("bad", ["", "   ", "<not xml", "<html><body/></html>"])
def test_parse_junit_xml_rejects_garbage(bad: str) -> None:
    with pytest.raises(PytestReportError):
        parse_junit_xml(bad)


def test_report_json_is_sorted(suite: Path) -> None:
    first = sorted(p.name for p in suite.iterdir())[0]
    data = json.loads((suite / first / "task.json").read_text())
    assert data["fail_to_pass"] == sorted(data["fail_to_pass"])
    assert data["reference_patch"] == "fix.patch"
