"""Running a task's tests in a sandbox (the `run_tests` tool, task validation), per test.

The submit grade runs elsewhere, in a fresh sandbox (grader.py, pytest_run.py).

One `exec` per test run: the shell runs the task's setup and `test_command --junitxml=...`
with pytest's own output sent to a file under /tmp (so a test printing gigabytes fills a
bounded tmpfs, not our memory), then prints the exit status, the XML and the log's tail
between markers. Verdicts come from the parsed per-test results, never from the summary line.
"""

from __future__ import annotations

import base64
import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agentdata.envs.code_repair.pytest_report import (
    PytestReport,
    PytestReportError,
    parse_junit_xml,
)
from agentdata.envs.code_repair.sandbox import Sandbox, WorkspaceSnapshot
from agentdata.envs.code_repair.taskformat import LoadedTask

REPORT_DIR = "/tmp/.agentdata"
JUNIT = f"{REPORT_DIR}/junit.xml"
LOG = f"{REPORT_DIR}/pytest.log"
LOG_TAIL_BYTES = 6000
MARK = "\n@@agentdata-{name}@@\n"
# pytest's exit status for "usage error" (unknown node id, bad option).
PYTEST_USAGE_ERROR = 4
# Writes {relative path: base64} into the workspace (one exec for many files).
_WRITE_PY = r"""
import base64, json, os, sys
files = json.loads(base64.b64decode(sys.argv[1]))
for rel, data in sorted(files.items()):
    p = os.path.join("/workspace", rel)
    if os.path.islink(p):
        os.unlink(p)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(base64.b64decode(data))
"""


@dataclass(frozen=True)
class TestRun:
    """What one test run produced."""

    __test__ = False

    report: PytestReport | None
    exit_code: int
    timed_out: bool = False
    oom_killed: bool = False
    log_tail: str = ""
    duration_s: float = 0.0
    problem: str | None = None  # why there is no report, when there is none
    snapshot: WorkspaceSnapshot | None = None  # the workspace right after, when taken

    def failed_ids(self, ids: Sequence[str]) -> list[str]:
        """Those of `ids` that did not pass (missing from the report counts as failed)."""
        rep = self.report
        return sorted(t for t in ids if rep is None or t not in rep.results
                      or rep.results[t].outcome.value != "passed")


def _script(task: LoadedTask, tests: Sequence[str]) -> str:
    setup = "".join(f"{{ {cmd} ; }} && " for cmd in task.task.setup or [])
    cmd = f"{task.task.test_command} --junitxml={JUNIT}"
    if tests:
        cmd += " " + " ".join(shlex.quote(t) for t in tests)
    return (
        f"rm -rf {REPORT_DIR}; mkdir -p {REPORT_DIR}; cd /workspace || exit 99; "
        f"( {setup}{cmd} ) </dev/null >{LOG} 2>&1; rc=$?; "
        f"printf '{_pmark('rc')}%s{_pmark('xml')}' \"$rc\"; "
        f"cat {JUNIT} 2>/dev/null; printf '{_pmark('log')}'; "
        f"tail -c {LOG_TAIL_BYTES} {LOG} 2>/dev/null; exit 0"
    )


def _pmark(name: str) -> str:
    """A marker as a printf format (newlines escaped)."""
    return MARK.format(name=name).replace("\n", "\\n")


def run_tests(
    box: Sandbox, task: LoadedTask, tests: Sequence[str] = (), *, timeout: float = 60.0
) -> TestRun:
    """Run the task's test command (all tests, or `tests`) in the sandbox's workspace.

    Never raises for what the code under test does; `SandboxError` only when the sandbox
    itself fails.
    """
    # The workspace scan rides in the same exec: one round trip instead of two per run.
    res, snap = box.exec_and_snapshot(_script(task, tests), timeout=timeout)
    if res.timed_out or res.oom_killed:
        what = "timed out" if res.timed_out else "was killed: out of memory"
        return TestRun(None, res.exit_code, res.timed_out, res.oom_killed,
                       duration_s=res.duration_s, problem=f"the test run {what}")
    out = res.stdout
    rc_mark, xml_mark, log_mark = (MARK.format(name=n) for n in ("rc", "xml", "log"))
    if res.truncated or rc_mark not in out or log_mark not in out:
        return TestRun(None, res.exit_code, duration_s=res.duration_s, snapshot=snap,
                       problem=f"the test runner's output is unreadable (exit {res.exit_code})")
    rc_text, rest = out.split(rc_mark, 1)[1].split(xml_mark, 1)
    xml, log = rest.rsplit(log_mark, 1)
    exit_code = int(rc_text) if rc_text.strip().isdigit() else -1
    try:
        report: PytestReport | None = parse_junit_xml(xml)
        problem = None
    except PytestReportError as exc:
        report = None
        problem = f"pytest wrote no usable report (exit {exit_code}): {exc}"
    return TestRun(report, exit_code, log_tail=log, duration_s=res.duration_s, problem=problem,
                   snapshot=snap)


def graded_test_files(task: LoadedTask) -> dict[str, bytes]:
    """Original repo test files holding listed tests, overlaid with every hidden file.

    Written over the workspace before grading so that editing the tests cannot pass the grade.
    """
    repo, hidden = task.repo_files(), task.hidden_files()
    listed = {t.split("::", 1)[0] for t in [*task.task.fail_to_pass, *task.task.pass_to_pass]}
    files = {p: repo[p] for p in sorted(listed) if p in repo}
    files.update(hidden)
    return {k: files[k] for k in sorted(files)}


def write_files(box: Sandbox, files: Mapping[str, bytes], timeout: float = 60.0) -> None:
    """Write many files into the workspace with one exec."""
    if not files:
        return
    payload = json.dumps({k: base64.b64encode(v).decode("ascii") for k, v in files.items()})
    arg = base64.b64encode(payload.encode()).decode("ascii")
    res = box.exec(["python3", "-I", "-c", _WRITE_PY, arg], timeout=timeout)
    if res.exit_code != 0:
        from agentdata.envs.code_repair.sandbox import SandboxCrashedError

        raise SandboxCrashedError(f"writing the grading files failed: {res.stderr[-500:]}")
