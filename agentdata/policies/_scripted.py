"""A scripted policy: plays a fixed list of actions (for tests and reproductions)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import gymnasium
from pydantic import JsonValue

from agentdata.errors import ConfigError
from agentdata.policies._base import Action, Turn
from agentdata.schemas import PolicySpec, TaskSpec


class ScriptedPolicy:
    """Emits `actions` in order for every episode; after the last, repeats the last one.

    Build it from a list, from `actions="a||b"` (`||` separates actions), or from a file
    (`file=PATH`: a JSON list of strings, or one action per line). Actions are text: a
    value the CLI decoded as JSON (`actions={"tool": "submit"}`, a list of objects) is
    turned back into its JSON text, one action per object.
    """

    def __init__(self, actions: Sequence[str]) -> None:
        if not actions:
            raise ConfigError("scripted policy needs at least one action")
        self.actions = list(actions)
        self._cursor: dict[str, int] = {}

    @classmethod
    def from_kwargs(
        cls, actions: JsonValue | None = None, file: str | None = None
    ) -> ScriptedPolicy:
        """Build from CLI-style kwargs."""
        if file:
            text = Path(file).read_text(encoding="utf-8")
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError:
                loaded = [line for line in text.splitlines() if line.strip()]
            if not isinstance(loaded, list) or not all(isinstance(a, str) for a in loaded):
                raise ConfigError(f"{file}: expected a JSON list of strings or lines of text")
            return cls(loaded)
        if actions is None:
            raise ConfigError("scripted policy needs actions=... or file=PATH")
        if isinstance(actions, str):
            return cls(actions.split("||"))
        items = actions if isinstance(actions, list) else [actions]
        return cls([a if isinstance(a, str) else json.dumps(a) for a in items])

    def spec(self) -> PolicySpec:
        return PolicySpec(name="scripted", kwargs={"actions": list(self.actions)})

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        self._cursor[key] = 0

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        out = []
        for turn in turns:
            i = self._cursor.get(turn.key, 0)
            out.append(Action(self.actions[min(i, len(self.actions) - 1)]))
            self._cursor[turn.key] = i + 1
        return out

    def end(self, key: str) -> None:
        self._cursor.pop(key, None)

    def close(self) -> None:
        self._cursor.clear()
