"""Normalisation of volatile values before a recorded step is compared with its replay.

Timing (`StepRecord.latency`) is already outside `StepRecord.canonical()`. What is left are
values that legitimately change from one execution to the next although the environment
behaved identically. Each rule below is applied to *both* sides of a comparison, so a rule
can hide a difference only inside the pattern it names. The rules, in the order applied:

Key rules (a dict entry whose key names a duration; the value is replaced when it is a number):
  `duration-key`   keys `elapsed`, `duration`, `wall`, `latency`, `runtime`, `time`, alone or
                   with a `_s`, `_ms` or `_seconds` suffix, or ending in `_elapsed_s`,
                   `_duration_s`, `_wall_s`, `_latency_s`, `_runtime_s`, `_time_s` (and the
                   `_ms`/`_seconds` forms). Limits such as `timeout_s` are *not* volatile and
                   are kept.

Text rules (applied to every string, keys included, anywhere in the step):
  `duration-text`  "in 0.12s", "took 3 ms", "after 1.5 seconds", "elapsed: 2.0s"
                   (pytest summaries, tool output) -> "in <duration>".
  `pytest-tmp`     pytest's per-run temp dirs "/tmp/pytest-of-root/pytest-12/test_x0"
                   -> "<pytest-tmp>/test_x0".
  `tempfile`       names made by Python's `tempfile` ("/tmp/tmpk3j_x9qz", "tmpab12cd34.py")
                   -> "<tmp>".
  `container`      docker container ids or generated names after the word "container"
                   ("container 3f4e5a6b7c8d", "container=eager_turing") -> "container <container>".
  `address`        object addresses in reprs ("at 0x7f3a2c1b9d30") -> "at 0x<addr>".

State hashes (`state_before`/`state_after`) are hashes of snapshots; when two hashes differ
the comparison loads both snapshots and compares them after these same rules (see diff.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agentdata.schemas import JsonValue


@dataclass(frozen=True)
class TextRule:
    """A named regular-expression substitution applied to every string."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        """`text` with every match replaced."""
        return self.pattern.sub(self.replacement, text)


_DURATION_WORDS = r"(?:elapsed|duration|wall|latency|runtime|time)"
DURATION_KEY = re.compile(rf"^(?:[A-Za-z0-9]+_)*{_DURATION_WORDS}(?:_s|_ms|_seconds)?$")
"""Keys whose numeric value is a measured duration (`timeout_s` does not match)."""

DURATION_PLACEHOLDER = "<duration>"

TEXT_RULES: tuple[TextRule, ...] = (
    TextRule(
        "duration-text",
        re.compile(
            r"\b(in|took|after|elapsed:?)\s+\d+(?:\.\d+)?\s?(?:ms|seconds|secs?|s)\b",
            re.IGNORECASE,
        ),
        lambda m: f"{m.group(1)} {DURATION_PLACEHOLDER}",
    ),
    TextRule(
        "pytest-tmp",
        re.compile(r"(?:/private)?/tmp/pytest-of-[^/\s]+/pytest-\d+"),
        "<pytest-tmp>",
    ),
    TextRule(
        "tempfile",
        re.compile(r"(?:/(?:private/)?(?:var/)?tmp/)?\btmp[a-z0-9_]{8}\b(?:\.[A-Za-z0-9]+)?"),
        "<tmp>",
    ),
    TextRule(
        "container",
        re.compile(
            r"\b(container)([\s:=]+['\"]?)(?:[0-9a-f]{12,64}|[a-z]+_[a-z]+)\b", re.IGNORECASE
        ),
        lambda m: f"{m.group(1)}{m.group(2)}<container>",
    ),
    TextRule("address", re.compile(r"\bat 0x[0-9a-fA-F]{6,16}\b"), "at 0x<addr>"),
)


def normalize_text(text: str) -> str:
    """`text` with every text rule applied in order."""
    for rule in TEXT_RULES:
        text = rule.apply(text)
    return text


def is_duration_key(key: str) -> bool:
    """True when a dict key names a measured duration (its numeric value is volatile)."""
    return DURATION_KEY.match(key) is not None


def normalize(value: JsonValue) -> JsonValue:
    """A copy of a JSON value with every volatile part replaced by a placeholder."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        out: dict[str, JsonValue] = {}
        for key in sorted(value):
            item = value[key]
            is_number = isinstance(item, int | float) and not isinstance(item, bool)
            if is_number and is_duration_key(key):
                out[normalize_text(key)] = DURATION_PLACEHOLDER
            else:
                out[normalize_text(key)] = normalize(item)
        return out
    return value
