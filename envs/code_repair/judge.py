"""Verdicts, failures and observations for `run_tests` and `submit` (and the first prompt).

`run_tests` is correct when every target test (a FAIL_TO_PASS test that ran) passes and nothing
else that ran fails; neutral when it ran no target test and nothing failed; incorrect
otherwise (failure `test_failure`, evidence = failing ids). `submit` is graded with the hidden
files: reward 1 only when every FAIL_TO_PASS and PASS_TO_PASS test passes; when only tests from
hidden-only files fail the error type is `pseudo_fix`, else `wrong_answer`.
"""

from __future__ import annotations

from agentdata.envs.base import Outcome
from agentdata.envs.code_repair.grading import PYTEST_USAGE_ERROR, Grade, TestRun
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


def _verdict(label: str, message: str, evidence: dict[str, JsonValue],
             error_type: str | None = None) -> Verdict:
    return Verdict(label=label, error_type=error_type, verifier=VERIFIER,  # type: ignore[arg-type]
                   verifier_version=VERIFIER_VERSION, message=message, evidence=evidence)


def _listing(title: str, ids: list[str], messages: dict[str, str]) -> list[str]:
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
        failure = Failure(kind="sandbox_error", message=f"{what} ran out of memory (OOM kill)",
                          detail={"oom_killed": True})
    else:
        failure = Failure(kind="test_failure", message=run.problem or "no test report",
                          detail={"exit_code": run.exit_code})
    log = run.log_tail[-MAX_LOG_CHARS:]
    obs = f"{what}: {run.problem or failure.message}." + (f"\nOutput (tail):\n{log}" if log else "")
    return Outcome(observation=obs, verdict=_verdict("incorrect", failure.message, evidence),
                   failure=failure, info={"tests_run": 0, "tests_failed": 0})


def judge_run(task: LoadedTask, run: TestRun, selected: list[str], timeout_s: float) -> Outcome:
    """The outcome of a `run_tests` step."""
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
    lines += _listing("FAILED", failing, messages)
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
    if failing or rep.collection_errors:
        message = f"{len(failing)} test(s) fail" + (
            f", {len(rep.collection_errors)} file(s) do not collect" if rep.collection_errors
            else "")
        return Outcome(
            observation="\n".join(lines), info=info,
            verdict=_verdict("incorrect", message, evidence),
            failure=Failure(kind="test_failure", message=message,
                            detail={"failing": list(failing[:MAX_LISTED])}),
        )
    if not targets:
        lines.append("(No failing target test was run: the step is not judged.)")
        return Outcome(observation="\n".join(lines), info=info,
                       verdict=_verdict("neutral", "no target test ran", evidence))
    return Outcome(observation="\n".join(lines), info=info,
                   verdict=_verdict("correct", "target tests pass, nothing broke", evidence))


def judge_submit(task: LoadedTask, graded: Grade, timeout_s: float) -> Outcome:
    """The outcome of `submit` (terminal)."""
    if graded.run.report is None:
        out = _no_report(graded.run, timeout_s, "Grading")
        out.terminated = True
        return out
    failing = sorted(set(graded.failing_f2p + graded.failing_p2p))
    n = len(task.task.fail_to_pass) + len(task.task.pass_to_pass)
    evidence: dict[str, JsonValue] = {
        "failing": list[JsonValue](failing),
        "failing_fail_to_pass": list[JsonValue](graded.failing_f2p),
        "failing_pass_to_pass": list[JsonValue](graded.failing_p2p),
        "hidden_only_failing": list[JsonValue](graded.hidden_only),
    }
    info: dict[str, JsonValue] = {"tests_run": n, "tests_failed": len(failing),
                                  "resolved": graded.passed}
    if graded.passed:
        return Outcome(observation=f"Submitted. All {n} graded tests pass: the bug is fixed.",
                       reward=1.0, terminated=True, info=info,
                       verdict=_verdict("correct", "all graded tests pass", evidence))
    pseudo = bool(failing) and failing == graded.hidden_only
    error_type = "pseudo_fix" if pseudo else "wrong_answer"
    message = (f"{len(failing)} of {n} graded test(s) fail" +
               (" (only hidden tests: the visible tests pass)" if pseudo else ""))
    messages = {k: r.message for k, r in graded.run.report.results.items()}
    lines = [f"Submitted. {message}.", *_listing("FAILED", failing, messages)]
    return Outcome(
        observation="\n".join(lines), terminated=True, info=info,
        verdict=_verdict("incorrect", message, evidence, error_type),
        failure=Failure(kind="test_failure", message=message,
                        detail={"error_type": error_type,
                                "failing": list[JsonValue](failing[:MAX_LISTED])}),
    )


def sandbox_lost(parsed: dict[str, JsonValue], reason: str) -> Outcome:
    """A step on an episode whose sandbox failed: a typed failure until reset()."""
    msg = f"The sandbox failed and was discarded ({reason}); call reset() to start over."
    return Outcome(observation=f"Error: {msg}", parsed_action=parsed,
                   failure=Failure(kind="sandbox_error", message=msg))
