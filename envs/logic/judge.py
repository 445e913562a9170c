"""Judge one derive step: ids and symbols, the named rule, then z3 for what the rule rejects.

Order (first that applies): unknown or disallowed rule -> exceeding_rule_scope; a cited id that
does not exist, or that names this step or a later one (a citation cycle) -> hallucinated_step;
a predicate (name and arity) or constant that appears nowhere in the problem ->
hallucinated_step; the rule yields the formula from the cited formulas -> correct; else z3 over
premises + accepted steps: entailed -> logical_leap, its negation entailed -> inconsistent_step,
neither -> incorrect (error type illegal_transformation); undecided in the budget -> neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agentdata.envs.logic.actions import Derive
from agentdata.envs.logic.formula import Formula, fmt, signature
from agentdata.envs.logic.rules import RULES, check_rule
from agentdata.envs.logic.solver import Prover, z3_verifier
from agentdata.envs.text_score import verdict
from agentdata.schemas import Failure, JsonValue, Verdict

RULES_VERIFIER = ("logic.rules", "1")
PARSE_VERIFIER = ("logic.parse", "1")
ANSWER_VERIFIER = ("logic.answer", "1")


@dataclass(frozen=True)
class Judgement:
    """Verdict, failure and the feedback line of one step."""

    verdict: Verdict
    failure: Failure | None
    feedback: str


def rejected(
    error_type: str,
    message: str,
    evidence: dict[str, JsonValue],
    kind: str | None = "invalid_action",
    verifier: tuple[str, str] = RULES_VERIFIER,
) -> Judgement:
    """An incorrect step with its failure (kind None: the env's default, verification_failed)."""
    failure = (
        None
        if kind is None
        else Failure.model_validate({"kind": kind, "message": message, "detail": evidence})
    )
    return Judgement(
        verdict("incorrect", verifier, message, evidence, error_type),
        failure,
        f"incorrect ({error_type}): {message}",
    )


@dataclass(frozen=True)
class Context:
    """What a step may cite and use: premises, accepted steps, the problem's symbols."""

    premises: Sequence[Formula]
    derived: Sequence[Formula]
    predicates: frozenset[tuple[str, int]]
    constants: frozenset[str]
    allowed: frozenset[str]

    def lookup(self, cite: str) -> Formula | str:
        """The cited formula, or why the id is not valid."""
        number = int(cite[1:])
        if cite[0] == "p":
            if number <= len(self.premises):
                return self.premises[number - 1]
            return f"{cite} does not exist (premises are p1..p{len(self.premises)})"
        if number <= len(self.derived):
            return self.derived[number - 1]
        if number == len(self.derived) + 1:
            return f"{cite} is this step itself (a citation cycle)"
        return f"{cite} is a later step, not derived yet (a citation cycle)"


def judge_derive(step: Derive, ctx: Context, prover: Prover) -> Judgement:
    """The verdict of one derive step (see the module docstring for the order)."""
    evidence: dict[str, JsonValue] = {
        "formula": fmt(step.formula),
        "rule": step.rule,
        "cites": list(step.cites),
    }
    if step.rule not in ctx.allowed:
        known = "not in the allowed rules" if step.rule in RULES else "not a known rule"
        message = f"rule {step.rule!r} is {known}: {', '.join(sorted(ctx.allowed))}"
        return rejected("exceeding_rule_scope", message, evidence)
    cited: list[Formula] = []
    for cite in step.cites:
        found = ctx.lookup(cite)
        if isinstance(found, str):
            return rejected(
                "hallucinated_step", found, {**evidence, "bad_id": cite, "cycle": "cycle" in found}
            )
        cited.append(found)
    preds, consts = signature(step.formula)
    unknown: list[JsonValue] = [
        *sorted(f"{n}/{a}" for n, a in preds - ctx.predicates),
        *sorted(consts - ctx.constants),
    ]
    if unknown:
        message = f"uses {', '.join(map(str, unknown))}, which appear nowhere in the problem"
        return rejected("hallucinated_step", message, {**evidence, "unknown_symbols": unknown})
    reason = check_rule(step.rule, cited, step.formula)
    if reason is None:
        message = f"{fmt(step.formula)} follows from {', '.join(step.cites)} by {step.rule}"
        return Judgement(
            verdict("correct", RULES_VERIFIER, message, evidence), None, f"correct: {message}."
        )
    evidence["rule_check"] = reason
    decision = prover.entails([*ctx.premises, *ctx.derived], step.formula)
    evidence["z3"] = decision.result
    z3v = z3_verifier()
    if decision.result in ("entailed", "inconsistent"):
        message = (
            f"{fmt(step.formula)} follows from the premises, but not from "
            f"{', '.join(step.cites)} by {step.rule} ({reason})"
        )
        return rejected("logical_leap", message, evidence, kind=None, verifier=z3v)
    if decision.result == "refuted":
        message = f"{fmt(step.formula)} contradicts the premises and the steps derived so far"
        return rejected("inconsistent_step", message, evidence, kind=None, verifier=z3v)
    if decision.result == "neither":
        message = f"{fmt(step.formula)} does not follow from the premises ({reason})"
        return rejected("illegal_transformation", message, evidence, kind=None, verifier=z3v)
    message = f"undecided: {decision.reason}"
    failure = Failure(kind="timeout", message=message, detail=evidence)
    return Judgement(
        verdict("neutral", z3v, message, evidence), failure, f"unverifiable: {message}"
    )


def parse_failure(message: str) -> Judgement:
    """The action could not be read."""
    return rejected("format_error", message, {}, kind="parse_error", verifier=PARSE_VERIFIER)
