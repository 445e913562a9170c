"""Policies: scripted and oracle here; LLM-backed policies plug into the same interface."""

from __future__ import annotations

from typing import Any

from agentdata.errors import ConfigError
from agentdata.policies.base import Action, Policy, Turn
from agentdata.policies.oracle import OraclePolicy
from agentdata.policies.scripted import ScriptedPolicy

POLICY_NAMES = ("oracle", "scripted")


def make_policy(name: str, kwargs: dict[str, Any]) -> Policy:
    """Build the policy `name` from string-or-typed keyword arguments."""
    try:
        if name == "oracle":
            return OraclePolicy(error_rate=float(kwargs.pop("error_rate", 0.0)), **kwargs)
        if name == "scripted":
            return ScriptedPolicy.from_kwargs(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"bad arguments for policy {name!r}: {exc}") from exc
    raise ConfigError(f"unknown policy {name!r}; choose one of {', '.join(POLICY_NAMES)}")


__all__ = [
    "POLICY_NAMES",
    "Action",
    "OraclePolicy",
    "Policy",
    "ScriptedPolicy",
    "Turn",
    "make_policy",
]
