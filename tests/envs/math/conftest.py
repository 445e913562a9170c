"""Shared fixtures for the math environment tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdata.envs.math.env import MathEnv

DATA = Path(__file__).resolve().parent / "data"
GSM8K = Path(__file__).resolve().parents[2] / "data" / "gsm8k" / "train.jsonl"


@pytest.fixture
def env() -> Iterator[MathEnv]:
    """A procedural math env, closed (worker stopped) after the test."""
    e = MathEnv()
    yield e
    e.close()


@pytest.fixture(scope="module")
def gsm8k_path() -> Path:
    """The GSM8K sample shipped with the tests (first 300 train records, MIT)."""
    return GSM8K
