"""The sandbox image is content-addressed: a tag built from another context is stale."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docker
import pytest

from agentdata.envs.code_repair.sandbox import DEFAULT_IMAGE
from agentdata.envs.code_repair.sandbox.image import (
    CONTEXT_LABEL,
    OFFLINE_BASE,
    context_digest,
    ensure_image,
    image_current,
)

STALE_TAG = "agentdata-test-stale-image:1"


@pytest.fixture
def stale_image() -> Iterator[str]:
    """An image on the offline base whose context label names another Dockerfile."""
    ensure_image(DEFAULT_IMAGE)
    client = docker.from_env()
    dockerfile = f"FROM {OFFLINE_BASE}\nLABEL {CONTEXT_LABEL}=0000\n".encode()
    client.images.build(fileobj=io.BytesIO(dockerfile), tag=STALE_TAG, network_mode="none", rm=True)
    yield STALE_TAG
    client.images.remove(STALE_TAG, force=True)


def test_the_built_image_carries_the_digest_of_its_context() -> None:
    ensure_image(DEFAULT_IMAGE)
    labels = docker.from_env().images.get(DEFAULT_IMAGE).labels
    assert labels[CONTEXT_LABEL] == context_digest()
    assert image_current(DEFAULT_IMAGE)
    assert ensure_image(DEFAULT_IMAGE) is False  # current: nothing rebuilt


def test_an_image_from_another_context_is_not_current(stale_image: str) -> None:
    assert not image_current(stale_image)
    assert not image_current("agentdata-test-missing-image:none")


def test_the_digest_is_stable() -> None:
    assert context_digest() == context_digest()
    assert len(context_digest()) == 64
