"""Turn claim results and the answer check into one step Verdict, Failure and feedback text."""

from __future__ import annotations

from dataclasses import dataclass

from agentdata.envs.math.actions import LABELS, Action
from agentdata.envs.math.answers import AnswerCheck
from agentdata.envs.math.checks import ClaimResult
from agentdata.envs.text_score import verdict as _verdict
from agentdata.schemas import Failure, JsonValue, Verdict

ANSWER = ("math.answer", "1")
PARSE = ("math.parse", "1")
RULES = ("math.rules", "1")
MAX_EVIDENCE_CLAIMS = 20


@dataclass(frozen=True)
class Judgement:
    """Verdict, failure and the feedback line of one step."""

    verdict: Verdict
    failure: Failure | None
    feedback: str
    answer_correct: bool | None


def parse_failure(message: str) -> Judgement:
    """The action could not be read at all."""
    verdict = _verdict("incorrect", PARSE, message, {}, "format_error")
    failure = Failure(kind="parse_error", message=message)
    return Judgement(verdict, failure, f"format error: {message}", None)


def too_many_claims(limit: int) -> Judgement:
    """The action makes more claims than a step may: nothing is checked (never a verdict)."""
    message = f"more than {limit} claims in one step; split the work over several steps"
    verdict = _verdict("neutral", RULES, message, {"max_claims": limit})
    failure = Failure(kind="too_many_claims", message=message, detail={"max_claims": limit})
    return Judgement(verdict, failure, f"not checked: {message}", None)


def scope_failure(action: Action) -> Judgement:
    """The action used labels outside the whitelist."""
    bad = ", ".join(action.bad_labels)
    message = f"label(s) {bad} not allowed; use one of: {', '.join(LABELS)}"
    evidence: dict[str, JsonValue] = {"labels": list(action.bad_labels)}
    verdict = _verdict("incorrect", RULES, message, evidence, "exceeding_rule_scope")
    failure = Failure(kind="invalid_action", message=message, detail=evidence)
    return Judgement(verdict, failure, f"exceeding rule scope: {message}", None)


def judge(
    results: list[ClaimResult],
    answer: AnswerCheck | None,
    answer_error: str | None,
    out_of_time: str | None = None,
) -> Judgement:
    """Aggregate: first format error, else first incorrect claim, else (when a check ran out
    of time: `out_of_time` says why) neutral with a `verifier_timeout` failure, else the
    answer, else ok. A claim found wrong stays wrong whatever was not checked."""
    evidence: dict[str, JsonValue] = {
        "claims": [r.to_json() for r in results[:MAX_EVIDENCE_CLAIMS]],  # type: ignore[misc]
        "n_claims": len(results),
        "n_correct": sum(r.status == "correct" for r in results),
    }
    if answer is not None:
        evidence["answer"] = {
            "correct": answer.correct,
            "got": list(answer.got),
            "expected": list(answer.expected),
            "reason": answer.reason,
        }
    answer_correct = None if answer is None else answer.correct
    failure: Failure | None = None
    limits = [r for r in results if r.status == "limit"]
    timeouts = [r for r in results if r.status == "timeout"]
    out_of_time = out_of_time or (timeouts[0].message if timeouts else None)
    if limits:
        failure = Failure(
            kind="invalid_action",
            message=f"expression over the size limits: {limits[0].message}",
            detail={
                "claim": limits[0].claim.text[:200],
                "limit": str(limits[0].evidence.get("limit")),
            },
        )
    elif out_of_time:
        failure = Failure(kind="verifier_timeout", message=out_of_time)
    formats = [r for r in results if r.status == "format"]
    wrong = [r for r in results if r.status == "incorrect"]
    if formats or answer_error is not None:
        message = formats[0].message if formats else f"unreadable answer: {answer_error}"
        verdict = _verdict("incorrect", PARSE, message, evidence, "format_error")
        failure = failure or Failure(kind="parse_error", message=message)
        return Judgement(verdict, failure, f"format error: {message}", answer_correct)
    if wrong:
        first = wrong[0]
        evidence.update({"claim": first.claim.text[:300], **first.evidence})  # type: ignore[dict-item]
        verdict = _verdict("incorrect", first.verifier, first.message, evidence, first.error_type)
        text = f"incorrect ({first.error_type}) in `{first.claim.text[:120]}`: {first.message}"
        return Judgement(verdict, failure, text, answer_correct)
    if out_of_time:
        verdict = _verdict("neutral", RULES, f"not verified: {out_of_time}", evidence)
        return Judgement(verdict, failure, f"unverifiable: {out_of_time}", None)
    if answer is not None and not answer.correct:
        verdict = _verdict(
            "incorrect", ANSWER, f"wrong answer: {answer.reason}", evidence, "wrong_answer"
        )
        return Judgement(verdict, failure, "the final answer is wrong", False)
    checked = sum(r.status == "correct" for r in results)
    if checked or (answer is not None and answer.correct):
        deciding = (
            ANSWER
            if answer is not None
            else next(r.verifier for r in reversed(results) if r.status == "correct")
        )
        done = " The final answer is correct." if answer is not None else ""
        verdict = _verdict("correct", deciding, f"{checked} claim(s) verified", evidence)
        return Judgement(
            verdict, failure, f"correct: {checked} claim(s) verified.{done}", answer_correct
        )
    reason = (
        limits[0].message if limits else timeouts[0].message if timeouts else "nothing verifiable"
    )
    verdict = _verdict("neutral", results[0].verifier if results else PARSE, reason, evidence)
    return Judgement(verdict, failure, f"unverifiable: {reason}", answer_correct)
