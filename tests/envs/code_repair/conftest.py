"""Sandbox fixtures shared by the sandbox suites: a warm Docker pool and a backend factory.

Needs the Docker engine and the image (`.ci/docker.sh`); the pool fixture builds the
image offline when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdata.envs.code_repair.sandbox import (
    DEFAULT_IMAGE,
    BwrapSandbox,
    DockerSandboxPool,
    Sandbox,
)
from agentdata.envs.code_repair.sandbox.image import ensure_image
from tests.envs.code_repair.sandbox_kit import Factory


@pytest.fixture(scope="module")
def pool() -> Iterator[DockerSandboxPool]:
    """A warm Docker pool of two, as `reset` uses it."""
    ensure_image(DEFAULT_IMAGE)
    with DockerSandboxPool(size=2) as p:
        yield p


@pytest.fixture(params=["docker", "bwrap"])
def make(request: pytest.FixtureRequest) -> Iterator[Factory]:
    """A factory of started sandboxes of one backend; all closed at teardown."""
    made: list[Sandbox] = []

    def factory(seed: Path | None) -> Sandbox:
        if request.param == "docker":
            box: Sandbox = request.getfixturevalue("pool").acquire(seed)
        else:
            box = BwrapSandbox(seed)
            box.start()
        made.append(box)
        return box

    yield factory
    for box in made:
        box.close()
