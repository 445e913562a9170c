"""Fixtures of the LLM-policy tests: a tiny random Llama built locally, a CLI runner.

These tests need the `vllm` and `ray` extras; `.ci/llm.sh` installs them in their own
virtual environment and runs this folder there (the main suite runs without them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentdata.policies.tiny_model import build_tiny_chat_model

ENGINE_ARGS = (
    "gpu_memory_utilization=0.15",
    "max_model_len=1024",
    "max_tokens=16",
    "enforce_eager=true",
    "distributed_executor_backend=uni",
)
"""Small on purpose: the CI machine is a few CPU cores and shared."""


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random-weight Llama with a locally trained tokenizer and chat template."""
    return build_tiny_chat_model(tmp_path_factory.mktemp("tiny-llama"))


def agentdata(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (engine start spawns processes: a `__main__` guard)."""
    return subprocess.run(
        [sys.executable, "-m", "agentdata", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def rollout_json(*args: str) -> dict[str, Any]:
    """`agentdata rollout ... --json`, asserting success; the summary object."""
    out = agentdata("rollout", *args, "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    summary: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return summary
