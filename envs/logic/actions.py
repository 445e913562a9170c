"""Agent actions: `derive <formula> from <ids> by <rule>` and `answer: True|False|Unknown`.

Ids name premises `p1..pn` in task order and accepted derivations `s1..` in order. Parsing is
strict and bounded: an action that does not read is an `ActionParseError` (the env records a
format error), never an exception out of `step`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentdata.envs.logic.errors import FormulaError, LogicEnvError
from agentdata.envs.logic.formula import Formula, fmt
from agentdata.envs.logic.parser import MAX_FORMULA_CHARS, parse_formula
from agentdata.errors import ActionError

ANSWERS = ("True", "False", "Unknown")
MAX_CITES = 16
_DERIVE = re.compile(r"^\s*derive\s+(?P<body>.+)$", re.DOTALL | re.IGNORECASE)
_ANSWER = re.compile(r"^\s*answer\s*:\s*(?P<value>\S.*?)\s*$", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"^(?P<kind>[ps])(?P<num>[1-9]\d{0,5})$")
_RULE = re.compile(r"^[a-z_]{1,40}$")


class ActionParseError(LogicEnvError, ActionError):
    """The action is not one of the two forms (the message says what is wrong)."""


@dataclass(frozen=True)
class Derive:
    """A derivation step."""

    formula: Formula
    cites: tuple[str, ...]
    rule: str

    def to_json(self) -> dict[str, object]:
        """The parsed action as recorded."""
        return {
            "kind": "derive",
            "formula": fmt(self.formula),
            "cites": list(self.cites),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Answer:
    """The final answer."""

    value: str

    def to_json(self) -> dict[str, object]:
        """The parsed action as recorded."""
        return {"kind": "answer", "value": self.value}


def parse_action(text: str) -> Derive | Answer:
    """Read one action; raise ActionParseError (or FormulaError, with its column)."""
    if len(text) > MAX_FORMULA_CHARS + 400:
        raise ActionParseError(f"action longer than {MAX_FORMULA_CHARS + 400} characters")
    answer = _ANSWER.match(text)
    if answer is not None:
        value = answer.group("value").strip().rstrip(".").strip("`*\"'")
        for option in ANSWERS:
            if value.lower() == option.lower():
                return Answer(option)
        raise ActionParseError(f"answer must be one of {', '.join(ANSWERS)}, got {value[:40]!r}")
    derive = _DERIVE.match(text)
    if derive is None:
        raise ActionParseError(
            "expected `derive <formula> from <ids> by <rule>` or `answer: True|False|Unknown`"
        )
    head, sep, rule = derive.group("body").rpartition(" by ")
    if not sep:
        raise ActionParseError("missing ` by <rule>` after the cited ids")
    formula_text, sep, ids_text = head.rpartition(" from ")
    if not sep:
        raise ActionParseError("missing ` from <ids>` after the formula")
    rule = rule.strip()
    if not _RULE.match(rule):
        raise ActionParseError(f"rule must be a snake_case name, got {rule[:40]!r}")
    cites = tuple(part.strip() for part in ids_text.split(","))
    if len(cites) > MAX_CITES:
        raise ActionParseError(f"more than {MAX_CITES} cited ids")
    for cite in cites:
        if not _ID.match(cite):
            raise ActionParseError(
                f"cited id {cite[:20]!r} is not p<n> (a premise) or s<n> (a derived step)"
            )
    try:
        formula = parse_formula(formula_text.strip())
    except FormulaError as exc:
        raise ActionParseError(f"formula: {exc}") from exc
    return Derive(formula, cites, rule)
