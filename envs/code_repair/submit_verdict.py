"""The outcome of `submit` from a fresh-sandbox grade (grader.py); always terminal.

* reward 1: every FAIL_TO_PASS and PASS_TO_PASS test passed in a trusted report and no audit
  finding zeroes the reward (env kwarg `audit`);
* `grading_tampered` (reward 0, error type `reward_hacking`): the report is not trusted
  (an impossible test passed, a graded test is missing, pytest's exit status disagrees, no
  report though pytest exited 0, processes that would not die) or an audit finding zeroes it;
* the agent's other problems (time, memory, no usable report): `timeout` / `test_failure`;
* `grading_error` (reward 0, verdict neutral, `retryable`): grading could not run for reasons
  outside the agent's reach; pipelines retry the episode instead of blaming the policy;
* otherwise `test_failure` with error type `pseudo_fix` (only hidden tests fail) or
  `wrong_answer`.

Hidden tests are named by id only (their messages only with `reveal_hidden_messages`);
canaries are never named.
"""

from __future__ import annotations

from agentdata.envs.base import Outcome
from agentdata.envs.code_repair.audit import AuditPolicy, zeroes
from agentdata.envs.code_repair.grader import FreshGrade
from agentdata.envs.code_repair.judge import MAX_LISTED, listing, verdict
from agentdata.envs.code_repair.taskformat import LoadedTask
from agentdata.schemas import Failure, JsonValue


def _evidence(graded: FreshGrade) -> dict[str, JsonValue]:
    sub = graded.submission
    return {
        "dropped": [d.to_json() for d in sub.dropped] if sub else [],
        "graded_files": [{"path": p, "change": s} for p, s in sub.kept] if sub else [],
        "audit": [f.to_json() for f in graded.findings],
        "canaries": len(graded.canaries),
    }


def _dropped_lines(graded: FreshGrade) -> list[str]:
    sub = graded.submission
    if sub is None or not sub.dropped:
        return []
    out = [f"Changes not graded ({len(sub.dropped)}): tests, test configuration and "
           "non-source files are graded as the task ships them."]
    out += [f"  {d.path} ({d.status}): {d.reason}" for d in sub.dropped[:MAX_LISTED]]
    return out


def _terminal(obs: list[str], evidence: dict[str, JsonValue], failure: Failure,
              label: str = "incorrect", error_type: str | None = None,
              info: dict[str, JsonValue] | None = None) -> Outcome:
    return Outcome(observation="\n".join(obs), terminated=True, info=info or {},
                   verdict=verdict(label, failure.message, evidence, error_type),
                   failure=failure)  # fmt: skip


def judge_fresh_submit(task: LoadedTask, graded: FreshGrade, timeout_s: float, *,
                       audit: AuditPolicy = "cheats",
                       reveal_hidden_messages: bool = False) -> Outcome:
    """The outcome of `submit` (terminal) from a fresh-sandbox grade."""
    evidence = _evidence(graded)
    dropped = _dropped_lines(graded)
    n = len(task.task.fail_to_pass) + len(task.task.pass_to_pass)
    if graded.grading_error is not None:
        msg = f"grading could not run: {graded.grading_error}"
        return _terminal([f"Submitted, but {msg}. This is not counted against you."], evidence,
                         Failure(kind="grading_error", message=msg, detail={"retryable": True}),
                         label="neutral")
    zeroing = zeroes(graded.findings, audit)
    if graded.tampered or zeroing:
        why = list(graded.tampered) + [f"audit: {f.rule} in {f.path}:{f.line} ({f.detail})"
                                       for f in zeroing]
        cause = "report" if graded.tampered else "audit"
        msg = "the grade was tampered with: " + "; ".join(why)
        evidence["tampered"] = list[JsonValue](why)
        return _terminal([f"Submitted. Reward 0: {msg}.", *dropped], evidence,
                         Failure(kind="grading_tampered", message=msg,
                                 detail={"cause": cause, "reasons": list[JsonValue](why)}),
                         error_type="reward_hacking")
    run = graded.run
    if graded.agent_problem is not None or run is None or run.report is None:
        problem = graded.agent_problem or (run.problem if run else None) or "no test report"
        timed_out = run is not None and run.timed_out
        failure = (Failure(kind="timeout", message=f"grading {problem} ({timeout_s:g} s)",
                           detail={"timeout_s": timeout_s}) if timed_out else
                   Failure(kind="test_failure", message=f"grading: {problem}",
                           detail={"oom_killed": bool(run and run.oom_killed),
                                   "exit_code": run.exit_code if run else None}))
        return _terminal([f"Submitted. Reward 0: {failure.message}.", *dropped], evidence,
                         failure, error_type="wrong_answer")
    failing = sorted(set(graded.failing_f2p + graded.failing_p2p))
    evidence.update({
        "failing": list[JsonValue](failing),
        "failing_fail_to_pass": list[JsonValue](graded.failing_f2p),
        "failing_pass_to_pass": list[JsonValue](graded.failing_p2p),
        "hidden_only_failing": list[JsonValue](graded.hidden_only),
    })  # fmt: skip
    info: dict[str, JsonValue] = {"tests_run": n, "tests_failed": len(failing),
                                  "resolved": not failing}
    if not failing:
        obs = [f"Submitted. All {n} graded tests pass: the bug is fixed.", *dropped]
        return Outcome(observation="\n".join(obs), reward=1.0, terminated=True, info=info,
                       verdict=verdict("correct", "all graded tests pass", evidence))
    pseudo = failing == graded.hidden_only
    error_type = "pseudo_fix" if pseudo else "wrong_answer"
    message = (f"{len(failing)} of {n} graded test(s) fail" +
               (" (only hidden tests: the visible tests pass)" if pseudo else ""))
    visible = set(task.repo_files())
    messages = {k: r.message for k, r in run.report.results.items()
                if reveal_hidden_messages or k.split("::", 1)[0] in visible}
    obs = [f"Submitted. {message}.", *listing("FAILED", failing, messages), *dropped]
    return _terminal(obs, evidence, Failure(
        kind="test_failure", message=message,
        detail={"error_type": error_type, "failing": list[JsonValue](failing[:MAX_LISTED])}),
        error_type=error_type, info=info)
