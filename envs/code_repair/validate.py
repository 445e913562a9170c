"""`agentdata tasks validate`: check that every task of a suite is what it claims, in Docker.

Per task, in a fresh sandbox of the task's image: with the hidden files copied over the buggy
repo every FAIL_TO_PASS test fails and every PASS_TO_PASS test passes; then, with the reference
patch applied, every listed test passes. Tasks run in parallel, one warm-pool sandbox each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from agentdata.envs.code_repair.grading import TestRun, graded_test_files, run_tests, write_files
from agentdata.envs.code_repair.patches import PatchError, apply_to_texts
from agentdata.envs.code_repair.sandbox import DockerConfig, DockerSandboxPool, SandboxError
from agentdata.envs.code_repair.taskformat import LoadedTask, load_suite

MAX_IDS_IN_REASON = 5


@dataclass
class ValidationReport:
    """`{"tasks": n, "valid": k, "invalid": [{"id", "reason"}]}`."""

    tasks: int = 0
    valid: int = 0
    invalid: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        """The report as JSON."""
        return json.dumps({"tasks": self.tasks, "valid": self.valid, "invalid": self.invalid},
                          indent=2)


def _ids(ids: list[str]) -> str:
    more = f" (+{len(ids) - MAX_IDS_IN_REASON} more)" if len(ids) > MAX_IDS_IN_REASON else ""
    return ", ".join(ids[:MAX_IDS_IN_REASON]) + more


def _run_problem(run: TestRun, stage: str) -> str | None:
    if run.report is None:
        return f"{stage}: {run.problem or 'no test report'}"
    if run.report.collection_errors:
        return f"{stage}: test files do not collect: {_ids(list(run.report.collection_errors))}"
    return None


def check_task(pool: DockerSandboxPool, task: LoadedTask, timeout: float) -> str | None:
    """Why `task` is invalid, or None when it is valid."""
    patch = task.reference_patch_text()
    with pool.acquire(task.repo_dir) as box:
        write_files(box, graded_test_files(task))
        run = run_tests(box, task, timeout=timeout)
        problem = _run_problem(run, "buggy repo")
        if problem:
            return problem
        f2p, p2p = task.task.fail_to_pass, task.task.pass_to_pass
        failing = set(run.failed_ids([*f2p, *p2p]))
        passing_f2p = [t for t in f2p if t not in failing]
        if passing_f2p:
            return f"buggy repo: FAIL_TO_PASS test(s) pass: {_ids(passing_f2p)}"
        failing_p2p = [t for t in p2p if t in failing]
        if failing_p2p:
            return f"buggy repo: PASS_TO_PASS test(s) fail: {_ids(failing_p2p)}"
        if patch is None:
            return None
        try:
            files = {p: box.read_file(p) for p in _patch_paths(patch, box.read_file)}
            changes = apply_to_texts(patch, files.get)
        except PatchError as exc:
            return f"reference patch does not apply: {exc}"
        for rel, text in changes.items():
            if text is None:
                box.exec(["rm", "-f", "--", rel], timeout=30)
            else:
                box.write_file(rel, text)
        run = run_tests(box, task, timeout=timeout)
        problem = _run_problem(run, "with the reference patch")
        if problem:
            return problem
        still = run.failed_ids([*f2p, *p2p])
        if still:
            return f"with the reference patch: test(s) fail: {_ids(still)}"
    return None


def _patch_paths(patch: str, read: Callable[[str], str]) -> list[str]:
    """Paths the patch reads that exist in the workspace."""
    from agentdata.envs.code_repair.patches import parse_patch
    from agentdata.envs.code_repair.sandbox import SandboxFileNotFoundError

    out = []
    for fp in parse_patch(patch):
        for p in (fp.old_path, fp.new_path):
            if p is None or p in out:
                continue
            try:
                read(p)
            except SandboxFileNotFoundError:
                continue
            out.append(p)
    return out


def validate_suite(suite_dir: Path, *, workers: int = 2, timeout: float = 120.0,
                   progress: Callable[[str, str | None], None] | None = None) -> ValidationReport:
    """Validate every task of a suite (raises TaskFormatError for a malformed suite)."""
    tasks = load_suite(suite_dir)
    report = ValidationReport(tasks=len(tasks))
    by_image: dict[str, list[LoadedTask]] = {}
    for t in tasks:
        by_image.setdefault(t.task.image, []).append(t)
    reasons: dict[str, str | None] = {}
    for image, group in sorted(by_image.items()):
        with DockerSandboxPool(min(workers, len(group)), DockerConfig(image=image)) as pool:

            def one(task: LoadedTask, pool: DockerSandboxPool = pool) -> tuple[str, str | None]:
                try:
                    reason = check_task(pool, task, timeout)
                except SandboxError as exc:
                    reason = f"sandbox error: {type(exc).__name__}: {exc}"
                if progress is not None:
                    progress(task.task.id, reason)
                return task.task.id, reason

            with ThreadPoolExecutor(max_workers=workers) as ex:
                reasons.update(ex.map(one, group))
    for task_id in sorted(reasons):
        reason = reasons[task_id]
        if reason is None:
            report.valid += 1
        else:
            report.invalid.append({"id": task_id, "reason": reason})
    return report
