"""Helpers of the sandbox suites: the backend factory type and the attack programs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agentdata.envs.code_repair.sandbox import Sandbox

Factory = Callable[[Path | None], Sandbox]
ATTACKS = Path(__file__).resolve().parent / "attacks"


def attack(name: str) -> str:
    """The source of `attacks/NAME.py`, to be written into a sandbox."""
    return (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
