"""Field-by-field comparison of a recorded step with its replay, with readable diffs."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass

from agentdata.replay._normalize import normalize
from agentdata.schemas import JsonValue, StepRecord

STEP_FIELDS: tuple[str, ...] = (
    "observation",
    "reward",
    "terminated",
    "truncated",
    "verdict",
    "failure",
    "state_after",
    "action_parsed",
    "retry_of",
    "infra_retries",
    "info",
)
"""Fields the environment produces, in the order a first divergence is reported.

`state_before` equals the previous step's `state_after` (or the reset state) and is covered
by it; `action_raw`, `policy_output` and `latency` are inputs or timing, not env output.
"""

RESET_FIELDS: tuple[str, ...] = ("initial_observation", "initial_state")
"""Episode-level fields produced by `reset`, compared before any step."""

StateLoader = Callable[[str], JsonValue | None]
"""Looks up a state snapshot by its content hash (None when it is not available)."""


@dataclass(frozen=True)
class Divergence:
    """One field that differs: `step` None means the reset."""

    step: int | None
    field: str
    recorded: JsonValue
    replayed: JsonValue
    diff: str

    def as_report(self, episode_id: str) -> dict[str, JsonValue]:
        """The `diverged` entry of the JSON report."""
        return {
            "episode": episode_id,
            "step": self.step,
            "field": self.field,
            "recorded": self.recorded,
            "replayed": self.replayed,
            "diff": self.diff,
        }


def render(value: JsonValue) -> str:
    """Text form used in diffs: strings as they are, everything else as indented JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def unified_diff(recorded: JsonValue, replayed: JsonValue, label: str) -> str:
    """A unified diff of the two renderings (a one-line summary when they render alike)."""
    a, b = render(recorded), render(replayed)
    lines = list(
        difflib.unified_diff(
            a.splitlines(),
            b.splitlines(),
            fromfile=f"recorded/{label}",
            tofile=f"replayed/{label}",
            lineterm="",
        )
    )
    if not lines:  # same text, different type or trailing whitespace
        return f"--- recorded/{label}\n+++ replayed/{label}\n-{a!r}\n+{b!r}"
    return "\n".join(lines)


def compare_values(
    step: int | None,
    field: str,
    recorded: JsonValue,
    replayed: JsonValue,
    load_state: StateLoader | None = None,
) -> Divergence | None:
    """Compare one field after normalisation; state hashes compare their snapshots."""
    if recorded == replayed:
        return None
    if field in ("state_after", "state_before", "initial_state") and load_state is not None:
        old, new = _lookup(load_state, recorded), _lookup(load_state, replayed)
        if old is not None and new is not None:
            if normalize(old) == normalize(new):
                return None
            return Divergence(step, field, recorded, replayed, _state_diff(old, new, field))
    if normalize(recorded) == normalize(replayed):
        return None
    label = field if step is None else f"step{step}/{field}"
    return Divergence(step, field, recorded, replayed, unified_diff(recorded, replayed, label))


def compare_steps(
    recorded: StepRecord, replayed: StepRecord, load_state: StateLoader | None = None
) -> list[Divergence]:
    """Every env-produced field that differs, in `STEP_FIELDS` order."""
    old, new = recorded.canonical(), replayed.canonical()
    out = []
    for name in STEP_FIELDS:
        found = compare_values(recorded.index, name, old[name], new[name], load_state)
        if found is not None:
            out.append(found)
    return out


def _lookup(load_state: StateLoader, digest: JsonValue) -> JsonValue | None:
    return load_state(digest) if isinstance(digest, str) else None


def _state_diff(old: JsonValue, new: JsonValue, field: str) -> str:
    return unified_diff(old, new, f"{field} (snapshot)")
