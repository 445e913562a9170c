"""Chat transcripts for LLM policies: the env's system prompt, observations and actions.

Each episode is one conversation: a system message (the env's `system_prompt()`, which
documents its action syntax), the first observation as the first user message, then one
assistant message per action and one user (or `tool`) message per observation. A parse
failure is just another observation: the env explains the error and the model tries again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import gymnasium

from agentdata.envs.base import TextEnv
from agentdata.errors import ConfigError

Message = dict[str, Any]


@dataclass
class Conversation:
    """One episode's messages; `tools` are the env's function schemas (None: plain text)."""

    messages: list[Message]
    tools: list[dict[str, Any]] | None = None
    pending_tool_call_id: str | None = None
    turns: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def add_observation(self, observation: str) -> None:
        """The env's reply: a `tool` message answering a tool call, else a user message."""
        if self.pending_tool_call_id is not None:
            self.messages.append(
                {"role": "tool", "tool_call_id": self.pending_tool_call_id, "content": observation}
            )
            self.pending_tool_call_id = None
        else:
            self.messages.append({"role": "user", "content": observation})

    def add_text_action(self, text: str) -> None:
        """The model answered with text (the env parses it as the action)."""
        self.messages.append({"role": "assistant", "content": text})
        self.turns += 1

    def add_tool_call(self, call_id: str, name: str, arguments: str, content: str | None) -> str:
        """The model answered with a tool call; returns the action text the env parses."""
        self.messages.append(
            {
                "role": "assistant",
                "content": content or "",
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": arguments},
                    }
                ],
            }
        )
        self.pending_tool_call_id = call_id
        self.turns += 1
        return json.dumps({"type": "function", "function": {"name": name, "arguments": arguments}})

    def window(self, keep_turns: int | None) -> list[Message]:
        """System + first user message + the last `keep_turns` exchanges (None: everything).

        An exchange starts at an assistant message, so a tool reply never loses its call.
        """
        if keep_turns is None or self.turns <= keep_turns:
            return list(self.messages)
        starts = [i for i, m in enumerate(self.messages) if m["role"] == "assistant"]
        cut = starts[len(starts) - keep_turns] if keep_turns > 0 else len(self.messages) - 1
        return self.messages[:2] + self.messages[cut:]


def start_conversation(env: gymnasium.Env[str, str]) -> Conversation:
    """A conversation holding `env`'s system prompt (and tools); observations come per turn."""
    base = env.unwrapped
    if not isinstance(base, TextEnv):
        raise ConfigError(f"LLM policies need an agentdata environment, got {type(base)}")
    return Conversation(
        messages=[{"role": "system", "content": base.system_prompt()}], tools=base.tools()
    )
