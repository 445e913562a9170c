"""Generate the built-in task suite: mutate the suite libraries, keep mutants the tests catch.

Every candidate mutant runs the library's full test suite (visible and hidden tests) once, in
its own pytest process in a temporary copy, and is judged from the JUnit XML. A mutant is kept
when at least one visible test fails and at least one test passes. Candidates are shuffled by
the seed and evaluated in fixed-size batches, so the kept set does not depend on timing: the
same seed gives byte-identical task directories.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agentdata.envs.code_repair.bugreport import bug_report, difficulty_of
from agentdata.envs.code_repair.inject import Mutation, find_mutations
from agentdata.envs.code_repair.patches import apply_to_mapping, make_diff
from agentdata.envs.code_repair.pytest_report import (
    PYTEST_REPORT_ARGS,
    PytestReport,
    parse_junit_xml,
)
from agentdata.envs.code_repair.taskformat import (
    DEFAULT_IMAGE,
    DEFAULT_TEST_COMMAND,
    Task,
    write_task,
)
from agentdata.errors import TaskError

SUITE_DIR = Path(__file__).parent / "suite"
LIBRARIES = ("intervals", "inventory", "textkit")
PATCH_NAME = "fix.patch"
BATCH = 8
CPU_LIMIT_S = 6


class GenerateError(TaskError):
    """The suite cannot be generated (bad output dir, library tests broken, too few mutants)."""


@dataclass(frozen=True)
class Library:
    """A suite library: visible files (package + tests) and hidden test files."""

    name: str
    files: dict[str, str]
    hidden: dict[str, str]

    def sources(self) -> list[str]:
        """Package modules that may be mutated (sorted)."""
        return sorted(p for p in self.files if p.startswith(f"{self.name}/") and p.endswith(".py"))


@dataclass
class GenerateReport:
    """What `generate_suite` produced."""

    out_dir: str
    seed: int
    tasks: int = 0
    candidates_tried: int = 0
    by_library: dict[str, int] = field(default_factory=dict)
    by_difficulty: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    task_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> str:
        """The report as JSON (sorted keys)."""
        return json.dumps(self.__dict__, sort_keys=True, indent=2)


def _read(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def load_library(name: str, suite_dir: Path = SUITE_DIR) -> Library:
    """Read one suite library (its package, tests/ and hidden/)."""
    root = suite_dir / name
    files = {k: v for k, v in _read(root).items() if not k.startswith("hidden/")}
    return Library(name, files, _read(root / "hidden") if (root / "hidden").is_dir() else {})


def run_pytest(
    files: Mapping[str, str], timeout: float = 120.0, cpu_limit: int = CPU_LIMIT_S
) -> PytestReport | None:
    """Run pytest over a file tree in a temp dir.

    None when it uses more than `cpu_limit` CPU seconds or `timeout` wall-clock seconds.
    """
    with tempfile.TemporaryDirectory(prefix="agentdata-mutant-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        xml = root / ".report.xml"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # third-party plugins only cost start-up time
        }
        args = ["-q", *PYTEST_REPORT_ARGS, f"--junitxml={xml}"]
        # A CPU-time limit (not wall time) stops endless loops the same way on a busy machine
        # and an idle one, so which mutants survive does not depend on load.
        boot = (
            "import resource, sys, pytest; "
            f"resource.setrlimit(resource.RLIMIT_CPU, ({cpu_limit}, {cpu_limit})); "
            f"sys.exit(pytest.main({args!r}))"
        )
        cmd = [sys.executable, "-c", boot]
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # a mutant may loop forever
            proc.wait()
            return None
        if proc.returncode < 0:  # killed (SIGXCPU / SIGKILL at the CPU limit)
            return None
        if not xml.is_file():
            return PytestReport()
        return parse_junit_xml(xml.read_bytes())


@dataclass(frozen=True)
class _Verdict:
    mutation: Mutation
    report: PytestReport | None
    reason: str | None


def _judge(lib: Library, mutation: Mutation, timeout: float) -> _Verdict:
    """Run the tests on one mutant; the reason it is rejected, or None when it is kept."""
    mutated = dict(lib.files)
    mutated[mutation.path] = mutation.apply(lib.files[mutation.path])
    report = run_pytest({**mutated, **lib.hidden}, timeout)
    if report is None:
        return _Verdict(mutation, None, "timeout")
    visible = {p for p in lib.files if p.startswith("tests/")}
    if report.collection_errors or not report.results:
        return _Verdict(mutation, report, "collection_error")
    if not report.failed:
        return _Verdict(mutation, report, "no_failing_test")
    if not report.passed:
        return _Verdict(mutation, report, "no_passing_test")
    if not any(t.split("::")[0] in visible for t in report.failed):
        return _Verdict(mutation, report, "only_hidden_tests_fail")
    return _Verdict(mutation, report, None)


def _encode(files: Mapping[str, str]) -> dict[str, bytes]:
    return {k: v.encode("utf-8") for k, v in files.items()}


def _write(out: Path, lib: Library, verdict: _Verdict) -> tuple[str, int]:
    mutation, report = verdict.mutation, verdict.report
    assert report is not None
    original = lib.files[mutation.path]
    mutated = mutation.apply(original)
    patch = make_diff(mutated, original, mutation.path)
    repo = {**lib.files, mutation.path: mutated}
    if apply_to_mapping(patch, repo) != lib.files:  # the fix must restore the library exactly
        raise GenerateError(f"reference patch does not undo {mutation.describe()}")
    hidden_ids = {p for p in lib.hidden}
    failing = [
        (t, report.results[t].message) for t in report.failed if t.split("::")[0] not in hidden_ids
    ]
    passing = [t for t in report.passed if t.split("::")[0] not in hidden_ids]
    difficulty = difficulty_of(mutation.kind, len(report.failed))
    task_id = f"{lib.name}-{mutation.kind.value.replace('_', '-')}-{mutation.key}"
    task = Task(
        id=task_id,
        problem_statement=bug_report(lib.name, failing, len(passing)),
        image=DEFAULT_IMAGE,
        test_command=DEFAULT_TEST_COMMAND,
        fail_to_pass=report.failed,
        pass_to_pass=report.passed,
        difficulty=difficulty,
        reference_patch=PATCH_NAME,
    )
    write_task(out / task_id, task, _encode(repo), _encode(lib.hidden), patch)
    return task_id, difficulty


def generate_suite(
    out_dir: Path,
    seed: int,
    count: int = 100,
    *,
    workers: int = 2,
    timeout: float = 120.0,
    libraries: tuple[str, ...] = LIBRARIES,
    batch: int = BATCH,
) -> GenerateReport:
    """Write `count` validated tasks (spread over the libraries) into `out_dir`.

    `out_dir` must not exist or be empty. `batch` candidates are judged at a time (the result
    depends on it, not on `workers`); `timeout` is a wall-clock backstop, endless loops are
    stopped by a CPU-time limit. Raises GenerateError when a library's own tests fail
    or a library has too few surviving mutants for its share.
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise GenerateError(f"{out_dir}: output directory is not empty")
    if count < 1:
        raise GenerateError("count must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = GenerateReport(str(out_dir), seed)
    rng = np.random.default_rng(seed)
    rejected: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, name in enumerate(sorted(libraries)):
            lib = load_library(name)
            baseline = run_pytest({**lib.files, **lib.hidden}, timeout)
            if baseline is None or baseline.failed or not baseline.passed:
                raise GenerateError(f"library {name}: its own test suite does not pass")
            quota = count // len(libraries) + (1 if index < count % len(libraries) else 0)
            candidates = [m for p in lib.sources() for m in find_mutations(p, lib.files[p])]
            order = [candidates[i] for i in rng.permutation(len(candidates))]
            kept: list[_Verdict] = []
            seen_sources: set[str] = set()
            for start in range(0, len(order), batch):
                if len(kept) >= quota:
                    break
                chunk = order[start : start + batch]
                report.candidates_tried += len(chunk)
                futures = [pool.submit(_judge, lib, m, timeout) for m in chunk]
                for verdict in (f.result() for f in futures):
                    mutated = verdict.mutation.apply(lib.files[verdict.mutation.path])
                    key = verdict.mutation.path + "\0" + mutated
                    reason = verdict.reason or ("duplicate" if key in seen_sources else None)
                    seen_sources.add(key)
                    if reason:
                        rejected[reason] += 1
                    elif len(kept) < quota:
                        kept.append(verdict)
            if len(kept) < quota:
                raise GenerateError(f"library {name}: only {len(kept)} of {quota} mutants survive")
            for verdict in kept:
                task_id, difficulty = _write(out_dir, lib, verdict)
                report.task_ids.append(task_id)
                report.by_library[name] = report.by_library.get(name, 0) + 1
                level = str(difficulty)
                report.by_difficulty[level] = report.by_difficulty.get(level, 0) + 1
                kind = verdict.mutation.kind.value
                report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
    report.tasks = len(report.task_ids)
    report.task_ids.sort()
    report.rejected = dict(sorted(rejected.items()))
    report.seconds = round(time.monotonic() - started, 2)
    return report
