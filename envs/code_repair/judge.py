"""Verdicts, failures and observations for `run_tests` and `submit` (and the first prompt).

`run_tests` is correct when every target test (a FAIL_TO_PASS test that ran) passes and nothing
else that ran fails; neutral when it ran no target test and nothing failed; incorrect
otherwise (failure `test_failure`, evidence = failing ids). A run after the agent changed
tests or test configuration is `neutral` at best ("tests modified"). `submit` is judged in
submit_verdict.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentdata.envs.base import Outcome
from agentdata.envs.code_repair.grading import PYTEST_USAGE_ERROR, TestRun
from agentdata.envs.code_repair.pytest_report import TestOutcome
from agentdata.envs.code_repair.taskformat import LoadedTask
from agentdata.envs.code_repair.tools import USAGE
from agentdata.schemas import Failure, JsonValue, Verdict

VERIFIER = "code_repair.pytest"
VERIFIER_VERSION = "1"
MAX_LISTED = 30
MAX_LOG_CHARS = 3000


def intro(task: LoadedTask, max_steps: int) -> str:
    """The first observation: the bug report, the repository's files and the tool syntax."""
    files = sorted(task.repo_files())
    shown = files[:200] + ([f"... and {len(files) - 200} more"] if len(files) > 200 else [])
    return "\n".join([
        task.task.problem_statement.rstrip(), "", "Repository files:",
        *(f"  {p}" for p in shown), "", USAGE,
        "run_tests reports per-test results; submit grades with further hidden tests and ends "
        f"the episode. Steps available: {max_steps}.",
    ])  # fmt: skip


def verdict(label: str, message: str, evidence: dict[str, JsonValue],
             error_type: str | None = None) -> Verdict:
    return Verdict(label=label, error_type=error_type, verifier=VERIFIER,  # type: ignore[arg-type]
                   verifier_version=VERIFIER_VERSION, message=message, evidence=evidence)


def listing(title: str, ids: list[str], messages: dict[str, str]) -> list[str]:
    if not ids:
        return []
    out = [f"{title} ({len(ids)}):"]
    for node_id in ids[:MAX_LISTED]:
        out.append(f"  {node_id}")
        out += [f"      {row}" for row in messages.get(node_id, "").splitlines()]
    if len(ids) > MAX_LISTED:
        out.append(f"  [... {len(ids) - MAX_LISTED} more truncated ...]")
    return out


def _no_report(run: TestRun, timeout_s: float, what: str) -> Outcome:
    """A run without per-test results: timeout, OOM, or no parseable report."""
    evidence: dict[str, JsonValue] = {"exit_code": run.exit_code, "timed_out": run.timed_out,
                                      "oom_killed": run.oom_killed}
    if run.timed_out:
        failure = Failure(kind="timeout", message=f"{what} exceeded {timeout_s:g} s",
                          detail={"timeout_s": timeout_s})
    elif run.oom_killed:
        # The code under test used the memory: the agent's failure, not the sandbox's.
        failure = Failure(kind="test_failure", message=f"{what} ran out of memory (OOM kill)",
                          detail={"oom_killed": True})
    else:
        failure = Failure(kind="test_failure", message=run.problem or "no test report",
                          detail={"exit_code": run.exit_code})
    log = run.log_tail[-MAX_LOG_CHARS:]
    obs = f"{what}: {run.problem or failure.message}." + (f"\nOutput (tail):\n{log}" if log else "")
    return Outcome(observation=obs, verdict=verdict("incorrect", failure.message, evidence),
                   failure=failure, info={"tests_run": 0, "tests_failed": 0})


def judge_run(task: LoadedTask, run: TestRun, selected: list[str], timeout_s: float,
              modified_tests: Sequence[str] = ()) -> Outcome:
    """The outcome of a `run_tests` step (`modified_tests`: test/config paths the agent changed).

    A run over modified tests or test configuration is never `correct`: it is `neutral` and
    says so (the grade ignores those changes).
    """
    empty = run.report is None or not run.report.results
    if empty and run.exit_code == PYTEST_USAGE_ERROR and selected:
        msg = "pytest refused the test selection (unknown test id?); nothing ran"
        return Outcome(observation=f"Error: {msg}.\n{run.log_tail[-MAX_LOG_CHARS:]}",
                       failure=Failure(kind="invalid_action", message=msg,
                                       detail={"tests": list(selected)}))
    if run.report is None:
        return _no_report(run, timeout_s, "The test run")
    rep = run.report
    f2p, p2p = set(task.task.fail_to_pass), set(task.task.pass_to_pass)
    failing = rep.failed
    targets = sorted(t for t in rep.results if t in f2p)
    fixed = [t for t in targets if t not in failing]
    broken = [t for t in failing if t in p2p]
    messages = {k: r.message for k, r in rep.results.items()}
    counts = {o: len(rep.ids(o)) for o in TestOutcome}
    summary = ", ".join(f"{n} {o.value}" for o, n in counts.items() if n) or "no tests"
    lines = [f"Ran {len(rep.results)} test(s): {summary}."]
    lines += listing("FAILED", failing, messages)
    lines += [f"ERROR collecting {p}" for p in rep.collection_errors]
    if targets:
        lines.append(f"Target tests (failing before the fix): {len(fixed)} of {len(targets)} "
                     "now pass.")
    if broken:
        lines.append(f"Tests that passed before and now fail: {len(broken)}.")
    if rep.collection_errors or not rep.results:
        lines.append(f"Output (tail):\n{run.log_tail[-MAX_LOG_CHARS:]}")
    evidence: dict[str, JsonValue] = {
        "failing": list(failing), "collection_errors": list(rep.collection_errors),
        "targets": len(targets), "targets_fixed": len(fixed), "broken": list(broken),
    }  # fmt: skip
    info: dict[str, JsonValue] = {"tests_run": len(rep.results), "tests_failed": len(failing)}
    if modified_tests:
        evidence["tests_modified"] = list[JsonValue](modified_tests)
        shown = ", ".join(modified_tests[:10])
        lines.append(f"Note: tests or test configuration were modified ({shown}); this run is "
                     "not judged, and the grade uses the original tests.")
    if failing or rep.collection_errors:
        message = f"{len(failing)} test(s) fail" + (
            f", {len(rep.collection_errors)} file(s) do not collect" if rep.collection_errors
            else "")
        return Outcome(
            observation="\n".join(lines), info=info,
            verdict=verdict("incorrect", message, evidence),
            failure=Failure(kind="test_failure", message=message,
                            detail={"failing": list(failing[:MAX_LISTED])}),
        )
    if modified_tests:
        return Outcome(observation="\n".join(lines), info=info,
                       verdict=verdict("neutral", "tests were modified: not judged", evidence))
    if not targets:
        lines.append("(No failing target test was run: the step is not judged.)")
        return Outcome(observation="\n".join(lines), info=info,
                       verdict=verdict("neutral", "no target test ran", evidence))
    return Outcome(observation="\n".join(lines), info=info,
                   verdict=verdict("correct", "target tests pass, nothing broke", evidence))


def sandbox_lost(parsed: dict[str, JsonValue], reason: str) -> Outcome:
    """A step on an episode whose sandbox failed: a typed failure until reset()."""
    msg = f"The sandbox failed and was discarded ({reason}); call reset() to start over."
    return Outcome(observation=f"Error: {msg}", parsed_action=parsed,
                   failure=Failure(kind="sandbox_error", message=msg))
