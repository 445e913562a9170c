"""Policies: scripted and oracle for tests; vLLM and OpenAI-compatible servers for models.

The LLM policies import their extras (`agentdata[vllm]`, `agentdata[openai]`) only when
built, so everything else works without them.
"""

from __future__ import annotations

from typing import Any

from agentdata.errors import ConfigError
from agentdata.policies._base import Action, Policy, Turn
from agentdata.policies._oracle import OraclePolicy
from agentdata.policies._scripted import ScriptedPolicy

POLICY_NAMES = ("oracle", "scripted", "vllm", "openai")


def make_policy(name: str, kwargs: dict[str, Any]) -> Policy:
    """Build the policy `name` from string-or-typed keyword arguments."""
    try:
        if name == "oracle":
            return OraclePolicy(error_rate=float(kwargs.pop("error_rate", 0.0)), **kwargs)
        if name == "scripted":
            return ScriptedPolicy.from_kwargs(**kwargs)
        if name in ("vllm", "openai"):
            return _llm_policy(name, kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"bad arguments for policy {name!r}: {exc}") from exc
    raise ConfigError(f"unknown policy {name!r}; choose one of {', '.join(POLICY_NAMES)}")


def _llm_policy(name: str, kwargs: dict[str, Any]) -> Policy:
    if not isinstance(kwargs.get("model"), str):
        raise ConfigError(f"policy {name!r} needs --policy-arg model=NAME_OR_PATH")
    if name == "vllm":
        from agentdata.policies._vllm_policy import VLLMPolicy

        return VLLMPolicy(**kwargs)
    from agentdata.policies._openai_policy import OpenAIPolicy

    return OpenAIPolicy(**kwargs)


__all__ = [
    "POLICY_NAMES",
    "Action",
    "OraclePolicy",
    "Policy",
    "ScriptedPolicy",
    "Turn",
    "make_policy",
]
