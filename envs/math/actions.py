"""Action parsing: labelled steps, final answers and free-form chains of thought.

Syntax (see envs/math/README.md):

* `step <label>: <lhs> = <rhs> [= ...]` — one labelled step; the label must be in `LABELS`.
* `answer: <value>` — the final answer (also `\\boxed{...}` or `#### N` inside free text).
* anything else is a free-form chain of thought: every `lhs = rhs` claim and every calculator
  annotation `<<48/2=24>>` in it is checked, lines of the form `step <label>: ...` inside it
  are checked as labelled steps, and a final `answer:` line or `\\boxed{...}` is graded.

Claims in labelled steps are strict (a claim that does not parse is a format error); claims
found in prose are lenient (text that is not arithmetic is skipped, not an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from agentdata.envs.math.answer_words import boxed_answers, boxed_content
from agentdata.envs.math.errors import AnswerParseError, MathEnvError
from agentdata.envs.math.prose import prose_claims
from agentdata.errors import ActionError

LABELS: tuple[str, ...] = (
    "add",
    "check",
    "combine",
    "compute",
    "distribute",
    "divide",
    "eliminate",
    "expand",
    "factor",
    "multiply",
    "rewrite",
    "simplify",
    "solve",
    "substitute",
    "subtract",
    "transpose",
)
"""Whitelisted step labels; any other label exceeds the rule scope."""

MAX_CLAIMS = 64
_STEP = re.compile(r"^\s*step\s+([A-Za-z][\w-]*)\s*:\s*(.*)$", re.I)
_ANSWER_ONLY = re.compile(r"^\s*(?:final\s+)?answer\s*[:：]\s*(.*?)\s*$", re.I | re.S)
_ANSWER_LINE = re.compile(r"^\s*(?:final\s+)?answer\s*[:：]\s*(.+?)\s*$", re.I | re.M)
_HASHES = re.compile(r"^\s*####\s*(.+?)\s*$", re.M)
_ANNOTATION = re.compile(r"<<([^<>]{0,400}?)>>")
_OPERATORS = frozenset("+-*/^x×÷·−–")
_BARE = re.compile(r"[-−–]?\s*[\d,]*\.?\d+(?:/\d+)?%?")
_DASH = re.compile(r"[-−–]\s")
_SLASH_FRACTION = re.compile(r"(?<=/)(\s+)(\d+/\d+)(?![\d/])")
_GLUE = frozenset("√∛:\\_")
_TIMES = re.compile(r"(?<=[\d)])\s*[x×]\s*(?=[\d(.])")


class ActionParseError(MathEnvError, ActionError):
    """An action that cannot be read (empty, a step without a claim, a bad claim)."""


class TooManyClaims(ActionParseError):
    """The action makes more claims than one step may (`max_claims`): nothing is checked."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} claims in one action")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Claim:
    """One `lhs = rhs` assertion; `strict` claims must parse, lenient ones may be skipped."""

    lhs: str
    rhs: str
    source: str  # "step" | "annotation" | "prose"
    strict: bool
    label: str | None = None

    @property
    def text(self) -> str:
        """The claim as `lhs = rhs`."""
        return f"{self.lhs} = {self.rhs}"


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed action: kind is step, answer or freeform."""

    kind: str
    claims: tuple[Claim, ...] = ()
    answer: str | None = None
    bad_labels: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """JSON form stored as the step's parsed action."""
        return {
            "kind": self.kind,
            "claims": [
                {"lhs": c.lhs, "rhs": c.rhs, "source": c.source, "label": c.label}
                for c in self.claims
            ],
            "answer": self.answer,
            "bad_labels": list(self.bad_labels),
        }


def _chain(text: str, source: str, strict: bool, label: str | None) -> list[Claim]:
    parts = [part.strip() for part in text.split("=")]
    if len(parts) < 2 or any(not part for part in parts):
        raise ActionParseError(f"expected a claim `lhs = rhs`, got {text.strip()[:80]!r}")
    return [Claim(a, b, source, strict, label) for a, b in pairwise(parts)]


def _times(text: str, variables: frozenset[str]) -> str:
    """`0.2 x 50` means multiplication unless `x` is one of the problem's variables."""
    return text if "x" in variables else _TIMES.sub("*", text)


def _glued(outside: str, inside: str) -> bool:
    return (outside.isalnum() or outside in _GLUE) and not inside.isspace()


def _span_chars(variables: frozenset[str]) -> str:
    letters = "".join(sorted(variables | {"x"}))
    return "0123456789 \t+-*/^().,%$×÷·−–" + letters


def _prose_claims(line: str, variables: frozenset[str]) -> list[Claim]:
    """Arithmetic claims around each `=` of a prose line (lenient)."""
    if not variables:
        return [
            Claim(_SLASH_FRACTION.sub(r"\1(\2)", lhs), rhs, "prose", False)
            for lhs, rhs in prose_claims(line)
        ]
    allowed = _span_chars(variables)
    starts = "0123456789(.-" + "".join(sorted(variables))
    ends = "0123456789)%" + "".join(sorted(variables))
    strip_start = "".join(c for c in allowed if c not in starts)
    strip_end = "".join(c for c in allowed if c not in ends)
    parts = line.split("=")
    claims: list[Claim] = []
    for index in range(len(parts) - 1):
        left, right = parts[index], parts[index + 1]
        start = len(left)
        while start > 0 and left[start - 1] in allowed:
            start -= 1
        stop = 0
        while stop < len(right) and right[stop] in allowed:
            stop += 1
        if (0 < start < len(left) and _glued(left[start - 1], left[start])) or (
            0 < stop < len(right) and _glued(right[stop], right[stop - 1])
        ):
            continue  # glued to a word or symbol ("80cm/2", "5A", "√(144)", "6:48")
        lhs_span, rhs_span = left[start:].replace("$", ""), right[:stop].replace("$", "")
        lhs = lhs_span.lstrip(strip_start).strip()
        rhs = rhs_span.rstrip(strip_end).strip()
        if not lhs or not rhs:
            continue
        cut_off = lhs_span[: len(lhs_span) - len(lhs_span.lstrip(strip_start))]
        cut_off += rhs_span[len(rhs_span.rstrip(strip_end)) :]
        if any(c in _OPERATORS for c in cut_off):
            continue  # "60 students x 2/3 = 40": the expression starts inside the prose
        if (_BARE.fullmatch(lhs) and left[:start].strip()) or _DASH.match(lhs):
            continue  # "20% of 50 = 10", "stickers - 10 = 4": the computation is in the prose
        lhs = _SLASH_FRACTION.sub(r"\1(\2)", lhs)  # "25 / 1/3" means 25 / (1/3)
        claims.append(Claim(_times(lhs, variables), _times(rhs, variables), "prose", False))
    return claims


def final_answer(text: str) -> str | None:
    """The final answer in free text: the `answer:` line, else `\\boxed{}`, else `#### N`.
    Different `answer:` lines or boxes come back as boxes, which the reader refuses (a hedge)."""
    lines = [str(line) for line in _ANSWER_LINE.findall(text)]
    if len({"".join(line.split()) for line in lines}) > 1:  # a hedge: graded as one, unreadable
        return " ".join(f"\\boxed{{{line}}}" for line in lines)
    if lines:
        return lines[-1]
    try:
        boxed = boxed_content(text)
    except AnswerParseError:  # different boxes hedge: graded as given, a format error
        return " ".join(f"\\boxed{{{box}}}" for box in boxed_answers(text))
    if boxed is not None:
        return boxed
    hashes = _HASHES.findall(text)
    return str(hashes[-1]) if hashes else None


def parse_action(text: str, variables: frozenset[str], max_claims: int = MAX_CLAIMS) -> Action:
    """Parse one action; raise ActionParseError when it has nothing that can be checked, and
    TooManyClaims past `max_claims` claims."""
    stripped = text.strip()
    if not stripped:
        raise ActionParseError("empty action")
    lines = [line for line in stripped.splitlines() if line.strip()]
    only = _ANSWER_ONLY.match(stripped)
    if len(lines) == 1 and only:
        if not only.group(1):
            raise ActionParseError("`answer:` without a value")
        return Action("answer", answer=only.group(1))
    step = _STEP.match(stripped)
    if len(lines) == 1 and step:
        label = step.group(1).lower()
        claims = _chain(_times(step.group(2), variables), "step", True, label)
        if len(claims) > max_claims:
            raise TooManyClaims(max_claims)
        return Action("step", tuple(claims), bad_labels=() if label in LABELS else (label,))
    return _freeform(stripped, lines, variables, max_claims)


def _freeform(
    text: str, lines: list[str], variables: frozenset[str], max_claims: int
) -> Action:
    claims: list[Claim] = []
    bad: list[str] = []
    for match in _ANNOTATION.finditer(text):
        inner = match.group(1)
        if inner.count("=") == 1:
            lhs, rhs = (part.strip() for part in inner.split("="))
            if lhs and rhs:
                claims.append(
                    Claim(_times(lhs, variables), _times(rhs, variables), "annotation", True)
                )
                if len(claims) > max_claims:
                    raise TooManyClaims(max_claims)
    seen = {(c.lhs.replace(" ", ""), c.rhs.replace(" ", "")) for c in claims}
    for line in lines:
        if _ANSWER_LINE.match(line) or _HASHES.match(line):
            continue
        step = _STEP.match(line)
        if step:
            label = step.group(1).lower()
            if label not in LABELS and label not in bad:
                bad.append(label)
            claims.extend(_chain(_times(step.group(2), variables), "step", True, label))
            if len(claims) > max_claims:
                raise TooManyClaims(max_claims)
            continue
        # "48/2 = <<48/2=24>>24": the annotation is the claim; the prose `=` before it is not
        for claim in _prose_claims(_ANNOTATION.sub("¤", line), variables):
            key = (claim.lhs.replace(" ", ""), claim.rhs.replace(" ", ""))
            if key not in seen:
                seen.add(key)
                claims.append(claim)
        if len(claims) > max_claims:
            raise TooManyClaims(max_claims)
    answer = final_answer(text)
    if not claims and answer is None:
        raise ActionParseError(
            "no checkable claim or final answer; write `step <label>: <lhs> = <rhs>` "
            "or `answer: <value>`"
        )
    return Action("freeform", tuple(claims), answer=answer, bad_labels=tuple(bad))
