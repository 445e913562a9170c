"""Building the sandbox image (`agentdata sandbox build`), as plain functions.

`build_image` makes the image the Docker backend runs (`DEFAULT_IMAGE`) from the
`agentdata.containers` package data (its Dockerfile), sent to the engine as a tar read
through `importlib.resources`, so an installed wheel builds the same image as a checkout.
Online it starts `FROM python:3.11-slim`; offline it first makes the base image from
Debian packages — `debootstrap --variant=minbase` from the host's own apt mirror
(`apt_sources`) into a temporary directory, then `docker import` of that tree — and runs
the same Dockerfile on top of it with the network off, so no container registry is used.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from agentdata.envs.code_repair.sandbox.apt_sources import resolve_mirror
from agentdata.envs.code_repair.sandbox.docker_container import DEFAULT_IMAGE, docker_client
from agentdata.envs.code_repair.sandbox.errors import SandboxError

CONTEXT_PACKAGE = "agentdata.containers"
OFFLINE_BASE = "agentdata-sandbox-base:bookworm"
# Image label holding the sha256 of the build context: a tag alone cannot tell that the
# Dockerfile changed since the image was built.
CONTEXT_LABEL = "agentdata.context-sha256"
DEBIAN_SUITE = "bookworm"
DEBIAN_PACKAGES = ("python3", "python3-pytest", "git")
# Left out of the imported tree: package caches that the image never needs.
ROOTFS_EXCLUDES = ("./var/cache/apt/archives", "./var/lib/apt/lists", "./usr/share/doc")

Log = Callable[[str], None]


class ImageBuildError(SandboxError):
    """Building the sandbox image failed."""


def image_present(tag: str = DEFAULT_IMAGE, client: Any = None) -> bool:
    """Whether the engine holds `tag`."""
    import docker

    client = client or docker_client()
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def context_digest() -> str:
    """sha256 of the build context; built images carry it as `CONTEXT_LABEL`."""
    return hashlib.sha256(build_context()).hexdigest()


def image_current(tag: str = DEFAULT_IMAGE, client: Any = None) -> bool:
    """Whether the engine holds `tag` built from this package's context (label matches)."""
    import docker

    client = client or docker_client()
    try:
        labels = client.images.get(tag).labels or {}
    except docker.errors.ImageNotFound:
        return False
    return bool(labels.get(CONTEXT_LABEL) == context_digest())


def build_context() -> bytes:
    """The Docker build context: a tar of the package data of `agentdata.containers`."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(resources.files(CONTEXT_PACKAGE).iterdir(), key=lambda e: e.name):
            if not entry.is_file() or entry.name.endswith((".py", ".pyc")):
                continue
            data = entry.read_bytes()
            info = tarfile.TarInfo(entry.name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _docker_build(client: Any, tag: str, base: str | None, offline: bool, log: Log) -> str:
    import docker

    try:
        image, lines = client.images.build(
            fileobj=io.BytesIO(build_context()),
            custom_context=True,
            dockerfile="Dockerfile",
            tag=tag,
            buildargs={"BASE": base} if base else {},
            labels={CONTEXT_LABEL: context_digest()},
            network_mode="none" if offline else None,
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as err:
        tail = "".join(str(x.get("stream", x.get("error", ""))) for x in err.build_log)[-3000:]
        raise ImageBuildError(f"docker build failed: {err}\n{tail}") from err
    except docker.errors.DockerException as err:
        raise ImageBuildError(f"docker build failed: {err}") from err
    for line in lines:
        text = str(line.get("stream", "")).rstrip()
        if text:
            log(text)
    return str(image.id)


def build_offline_base(client: Any, tag: str, mirror: str, log: Log = print) -> str:
    """debootstrap a minimal bookworm with python3, pytest and git; `docker import` it."""
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise ImageBuildError("debootstrap is not installed: apt-get install -y debootstrap")
    with tempfile.TemporaryDirectory(prefix="agentdata-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = [
            debootstrap, "--variant=minbase", "--include=" + ",".join(DEBIAN_PACKAGES),
            DEBIAN_SUITE, str(root), mirror,
        ]  # fmt: skip
        log("$ " + " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise ImageBuildError(f"debootstrap failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
        excludes = [f"--exclude={p}/*" for p in ROOTFS_EXCLUDES]
        log(f"$ tar -C {root} -c . | docker import - {tag}")
        tar = subprocess.Popen(
            ["tar", "-C", str(root), *excludes, "-c", "."], stdout=subprocess.PIPE
        )
        assert tar.stdout is not None
        repo, _, version = tag.partition(":")
        try:
            client.api.import_image(src=tar.stdout, repository=repo, tag=version or "latest")
        except Exception as err:
            raise ImageBuildError(f"docker import failed: {err}") from err
        finally:
            tar.stdout.close()
            tar.wait()
        if tar.returncode != 0:
            raise ImageBuildError(f"tar of the root file system failed ({tar.returncode})")
    return str(client.images.get(tag).id)


def build_image(
    tag: str = DEFAULT_IMAGE,
    offline: bool = False,
    *,
    mirror: str | None = None,
    reuse_base: bool = True,
    log: Log = print,
) -> str:
    """Build the sandbox image and return its id (see the module docstring).

    Offline, an existing base image is reused (unless `reuse_base=False`); a new one is
    debootstrapped from `mirror`, else $AGENTDATA_APT_MIRROR, else the host's apt sources
    (`MirrorNotFoundError` says how to set one when none serves the suite).
    """
    client = docker_client()
    base: str | None = None
    if offline:
        base = OFFLINE_BASE
        if not (reuse_base and image_present(base, client)):
            build_offline_base(client, base, resolve_mirror(DEBIAN_SUITE, mirror), log)
    return _docker_build(client, tag, base, offline, log)


def ensure_image(tag: str = DEFAULT_IMAGE, log: Log = print) -> bool:
    """Build `tag` offline unless it is present and current; True when a build ran.

    An image built from another Dockerfile (an older checkout) is rebuilt on the reused
    offline base, which takes seconds, not the debootstrap minute.
    """
    if image_current(tag):
        return False
    build_image(tag, offline=True, log=log)
    return True
