"""Shared fixtures for the logic environment tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdata.envs.logic.env import LogicEnv

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def env() -> Iterator[LogicEnv]:
    """A generated-task logic env (its z3 worker stopped after the module)."""
    e = LogicEnv(verifier_timeout_s=3.0)
    yield e
    e.close()
