"""The submit grade: the agent's change, applied to a pristine repo in a fresh sandbox.

1. `read_submission` takes the agent's change from its workspace, editable files only.
2. The graded tree is the pristine repo + that change, with the graded test files (the
   repo's test files holding listed tests, overlaid with every hidden file) written over it
   and impossible twins added (canaries.py).
3. A fresh sandbox (a new container, from the warm pool; a fresh bubblewrap root) is seeded
   with that tree and runs pytest the grader's way (pytest_run.py).
4. The report is trusted only when it is consistent: every listed test and every canary is
   in it, no canary passed, pytest exited 1 (the canaries fail). The patch audit runs on the
   graded change (audit.py).

Who is to blame: what the agent's change does (time, memory, no report, a sandbox that dies
under it twice) is the agent's; a sandbox that cannot be had is a retryable grading error.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agentdata.envs.code_repair.audit import Finding, audit_submission
from agentdata.envs.code_repair.canaries import Canary, add_canaries
from agentdata.envs.code_repair.grading import TestRun, graded_test_files
from agentdata.envs.code_repair.pytest_report import TestOutcome
from agentdata.envs.code_repair.pytest_run import run_graded_pytest
from agentdata.envs.code_repair.sandbox import Sandbox, SandboxError
from agentdata.envs.code_repair.submission import Submission, SubmissionError, read_submission
from agentdata.envs.code_repair.taskformat import LoadedTask

Acquire = Callable[[Path], Sandbox]


@dataclass(frozen=True)
class FreshGrade:
    """Everything the submit verdict is built from."""

    submission: Submission | None = None
    run: TestRun | None = None
    canaries: tuple[Canary, ...] = ()
    failing_f2p: list[str] = field(default_factory=list)
    failing_p2p: list[str] = field(default_factory=list)
    hidden_only: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)  # why the report is not trusted
    findings: tuple[Finding, ...] = ()
    agent_problem: str | None = None  # the agent's doing, no verdict on the tests
    grading_error: str | None = None  # outside the agent's reach: retryable

    @property
    def passed(self) -> bool:
        """Every listed test passed in a trusted report (findings are judged separately)."""
        return (self.run is not None and self.run.report is not None and not self.tampered
                and self.agent_problem is None and self.grading_error is None
                and not self.failing_f2p and not self.failing_p2p)  # fmt: skip


def graded_tree(task: LoadedTask, sub: Submission, seed: int) -> tuple[dict[str, bytes],
                                                                      list[Canary]]:
    """The files of the grading sandbox and the canaries among its tests."""
    files = dict(sub.files)
    tests = graded_test_files(task)
    listed = [*task.task.fail_to_pass, *task.task.pass_to_pass]
    texts = {p: v.decode("utf-8", "replace") for p, v in tests.items() if p.endswith(".py")}
    with_canaries, canaries = add_canaries(texts, listed, seed)
    files.update(tests)
    files.update({p: t.encode("utf-8") for p, t in with_canaries.items()})
    return files, canaries


def _materialise(files: dict[str, bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="agentdata-grade-"))
    for rel in sorted(files):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel])
    return root


def _check_report(task: LoadedTask, run: TestRun, canaries: list[Canary]) -> list[str]:
    """Why the report cannot be trusted (empty: it can)."""
    rep = run.report
    assert rep is not None
    broken_files = set(rep.collection_errors)
    why: list[str] = []
    passed = [c for c in canaries if rep.outcome_of(c.node_id) is TestOutcome.PASSED]
    if passed:
        kinds = sorted({c.kind for c in passed})
        why.append(f"{len(passed)} impossible test(s) reported passing ({', '.join(kinds)})")
    missing_canaries = [c for c in canaries if rep.outcome_of(c.node_id) is None
                        and c.node_id.split("::", 1)[0] not in broken_files]  # fmt: skip
    if missing_canaries:
        why.append(f"{len(missing_canaries)} impossible test(s) missing from the report")
    listed = [*task.task.fail_to_pass, *task.task.pass_to_pass]
    missing = [t for t in listed if rep.outcome_of(t) is None
               and t.split("::", 1)[0] not in broken_files]  # fmt: skip
    if missing:
        why.append(f"{len(missing)} graded test(s) missing from the report")
    if canaries and run.exit_code == 0:
        why.append("pytest exited 0 although impossible tests ran")
    return why


def _run_fresh(acquire: Acquire, root: Path, task: LoadedTask, timeout: float,
               tests: list[str]) -> TestRun | str:
    """The run in a fresh sandbox; a retry on a sandbox failure; str: a grading error."""
    crashed = ""
    for _attempt in range(2):
        try:
            box = acquire(root)
        except SandboxError as exc:
            return f"no grading sandbox: {type(exc).__name__}: {exc}"
        try:
            return run_graded_pytest(box, task, tests, timeout=timeout)
        except SandboxError as exc:
            crashed = f"{type(exc).__name__}: {exc}"
        finally:
            box.close()
    # Twice in two fresh sandboxes: the graded change takes the sandbox down.
    return TestRun(None, -1, problem=f"the graded change crashed the sandbox twice ({crashed})")


def grade_fresh(agent_box: Sandbox, task: LoadedTask, acquire: Acquire, *, timeout: float,
                seed: int) -> FreshGrade:
    """Grade the agent's change in a fresh sandbox (see the module docstring)."""
    try:
        sub = read_submission(agent_box, task)
    except SubmissionError as exc:
        return FreshGrade(agent_problem=str(exc))
    except SandboxError as exc:
        return FreshGrade(grading_error=f"the agent's sandbox failed: {type(exc).__name__}: {exc}")
    files, canaries = graded_tree(task, sub, seed)
    findings = tuple(audit_submission(sub, task))
    test_files = sorted({t.split("::", 1)[0] for t in
                         [*task.task.fail_to_pass, *task.task.pass_to_pass]})  # fmt: skip
    root = _materialise(files)
    try:
        outcome = _run_fresh(acquire, root, task, timeout, test_files)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base = FreshGrade(submission=sub, canaries=tuple(canaries), findings=findings)
    if isinstance(outcome, str):
        return FreshGrade(submission=sub, findings=findings, grading_error=outcome)
    run = outcome
    if run.report is None:
        tampered = ["pytest exited 0 without writing a report"] if run.exit_code == 0 else []
        if run.problem and "survived" in run.problem:
            tampered = [run.problem]
        return FreshGrade(submission=sub, run=run, canaries=tuple(canaries), findings=findings,
                          tampered=tampered, agent_problem=None if tampered else run.problem)
    tampered = _check_report(task, run, canaries)
    f2p, p2p = run.failed_ids(task.task.fail_to_pass), run.failed_ids(task.task.pass_to_pass)
    visible = set(task.repo_files())
    hidden_only = sorted(t for t in f2p + p2p if t.split("::", 1)[0] not in visible)
    problem = None
    if not tampered and run.exit_code not in (0, 1):
        problem = f"pytest ended abnormally (exit {run.exit_code})"
    return FreshGrade(
        submission=base.submission, run=run, canaries=base.canaries, failing_f2p=f2p,
        failing_p2p=p2p, hidden_only=hidden_only, tampered=tampered, findings=findings,
        agent_problem=problem,
    )  # fmt: skip
