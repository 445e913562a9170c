"""Per-test results from pytest's JUnit XML report (never from the summary line).

Run pytest with `-o junit_family=xunit1 --junitxml=PATH`: the xunit1 family writes a `file`
attribute on every test case, which turns JUnit's dotted `classname` back into an exact
pytest node id (`tests/test_x.py::TestClass::test_name[param]`). Without it the module part is
guessed from the dotted name (the first part named `test_*` or `*_test`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import StrEnum

from agentdata.errors import VerifierError

# Arguments every run needs so the report is parseable and nothing is cached between runs.
PYTEST_REPORT_ARGS: tuple[str, ...] = ("-p", "no:cacheprovider", "-o", "junit_family=xunit1")
MAX_MESSAGE_CHARS = 500
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class PytestReportError(VerifierError):
    """The JUnit XML is missing, empty or not a pytest report."""


class TestOutcome(StrEnum):
    """Outcome of one test (pytest's `error` covers fixture/setup errors)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class TestResult:
    """One test's node id, outcome and first lines of its failure message."""

    __test__ = False

    node_id: str
    outcome: TestOutcome
    message: str = ""


@dataclass(frozen=True)
class PytestReport:
    """All test results of one run, keyed and sorted by node id."""

    results: dict[str, TestResult] = field(default_factory=dict)
    collection_errors: tuple[str, ...] = ()

    def ids(self, outcome: TestOutcome) -> list[str]:
        """Sorted node ids with the given outcome."""
        return sorted(k for k, r in self.results.items() if r.outcome is outcome)

    @property
    def passed(self) -> list[str]:
        """Sorted ids of passing tests."""
        return self.ids(TestOutcome.PASSED)

    @property
    def failed(self) -> list[str]:
        """Sorted ids of tests that failed or errored."""
        return sorted(self.ids(TestOutcome.FAILED) + self.ids(TestOutcome.ERROR))

    def outcome_of(self, node_id: str) -> TestOutcome | None:
        """Outcome of one test, None when it did not run (or was not collected)."""
        result = self.results.get(node_id)
        return None if result is None else result.outcome


def clean_message(text: str, max_lines: int = 3) -> str:
    """First lines of a failure message, without memory addresses (they differ per run)."""
    lines = [_ADDRESS.sub("", line).rstrip() for line in text.strip().splitlines()]
    out = "\n".join(line for line in lines[:max_lines] if line)
    return out[:MAX_MESSAGE_CHARS]


def node_id_of(classname: str, name: str, file: str | None) -> str:
    """Pytest node id of a JUnit test case."""
    parts = [p for p in classname.split(".") if p]
    if file:
        file = file.replace("\\", "/")
        module_parts = file.removesuffix(".py").split("/")
        classes = parts[len(module_parts) :]
        return "::".join([file, *classes, name])
    cut = len(parts)
    for i, part in enumerate(parts):
        if part.startswith("test_") or part.endswith("_test"):
            cut = i + 1
            break
    path = "/".join(parts[:cut]) + ".py"
    return "::".join([path, *parts[cut:], name])


def _outcome(case: ET.Element) -> tuple[TestOutcome, str]:
    for tag, outcome in (
        ("failure", TestOutcome.FAILED),
        ("error", TestOutcome.ERROR),
        ("skipped", TestOutcome.SKIPPED),
    ):
        child = case.find(tag)
        if child is not None:
            return outcome, clean_message(child.get("message") or child.text or "")
    return TestOutcome.PASSED, ""


def parse_junit_xml(data: str | bytes) -> PytestReport:
    """Parse pytest's JUnit XML into per-test results.

    A case that both failed and errored (failure in the call, error in teardown) appears twice
    in the XML; the worse outcome wins. Collection errors (a test file that does not import)
    are listed in `collection_errors` by file, since they have no test id.
    """
    if not data or not data.strip():
        raise PytestReportError("empty JUnit XML report")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise PytestReportError(f"JUnit XML does not parse: {exc}") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise PytestReportError(f"not a JUnit report (root element <{root.tag}>)")
    rank = {TestOutcome.PASSED: 0, TestOutcome.SKIPPED: 1, TestOutcome.FAILED: 2}
    rank[TestOutcome.ERROR] = 3
    results: dict[str, TestResult] = {}
    collection_errors: list[str] = []
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        outcome, message = _outcome(case)
        if not classname and outcome is TestOutcome.ERROR:
            # pytest reports "collection failure" as a case named after the module
            collection_errors.append(name.replace(".", "/") + ".py")
            continue
        node_id = node_id_of(classname, name, case.get("file"))
        old = results.get(node_id)
        if old is None or rank[outcome] > rank[old.outcome]:
            results[node_id] = TestResult(node_id, outcome, message)
    ordered = {k: results[k] for k in sorted(results)}
    return PytestReport(ordered, tuple(sorted(set(collection_errors))))
